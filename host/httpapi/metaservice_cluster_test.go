package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
)

// clStartUnix is the start of the cluster tests' injected clock.
const clStartUnix = 1700000000

// clHelp is the hint Doris appends to drop "not found" messages.
const clHelp = "Ms nodes memory cache may be inconsistent, pls check registry key may be contain 127.0.0.1, and call get_instance api get instance info from fdb"

// clJR is the exact body of a JR reply with a compact result (pretty
// printing is dorispb's job and tested there).
func clJR(code dorispb.MetaServiceCode, msg, result string) string {
	return string(dorispb.Envelope(code, msg, []byte(result))) + "\n"
}

// clLegacyInstance is a create_instance body that passes create_instance's
// checks (legacy obj_info form).
func clLegacyInstance(id string) string {
	return `{"instance_id":"` + id + `","name":"n","user_id":"u","obj_info":{"ak":"ak","sk":"sk","bucket":"b","prefix":"p","endpoint":"e","external_endpoint":"e","region":"r","provider":"COS"}}`
}

// clServer starts a server on the test clock and creates instances.
func clServer(t testing.TB, edit func(*server.Config), instances ...string) (*servertest.Server, *servertest.Clock) {
	t.Helper()
	clock := servertest.NewClock(time.Unix(clStartUnix, 0))
	s := servertest.Start(t, servertest.Options{Clock: clock, Edit: edit})
	for _, id := range instances {
		if r := servertest.Do(t, "PUT", msURL(s, "create_instance", ""), clLegacyInstance(id)); r.Status != 200 {
			t.Fatalf("create_instance %s: %d %s", id, r.Status, r.Body)
		}
	}
	return s, clock
}

// clStep is one request of a scripted sequence and its exact answer. A
// rejected request (status != 200) must leave every listed instance as
// it was.
type clStep struct {
	name, route, body string
	status            int
	want              string
	// prefix compares only the start of the body.
	prefix bool
	// advance moves the clock before the request.
	advance time.Duration
}

func clRunSteps(t *testing.T, s *servertest.Server, clock *servertest.Clock, watch []string, steps []clStep) {
	t.Helper()
	for _, st := range steps {
		clock.Advance(st.advance)
		var before []string
		if st.status != 200 {
			before = clValues(t, s, watch)
		}
		r := servertest.Do(t, "POST", msURL(s, st.route, ""), st.body)
		ok := r.Status == st.status && r.Body == st.want
		if st.prefix {
			ok = r.Status == st.status && strings.HasPrefix(r.Body, st.want)
		}
		if !ok {
			t.Fatalf("%s: %s %s\ngot  %d %q\nwant %d %q", st.name, st.route, st.body, r.Status, r.Body, st.status, st.want)
		}
		if st.status != 200 {
			if after := clValues(t, s, watch); strings.Join(after, "\n") != strings.Join(before, "\n") {
				t.Fatalf("%s: rejected request changed the state:\n%s\n%s", st.name, before, after)
			}
		}
	}
}

// clValues returns the stored instance values (get_value).
func clValues(t *testing.T, s *servertest.Server, ids []string) []string {
	t.Helper()
	var out []string
	for _, id := range ids {
		r := servertest.Do(t, "GET", msURL(s, "get_value", "key_type=InstanceKey&instance_id="+id), "")
		out = append(out, fmt.Sprint(r.Status, r.Body))
	}
	return out
}

func TestMetaServiceClusterOps(t *testing.T) {
	s, clock := clServer(t, nil, "inst_a", "inst_b", "inst_del")
	if r := servertest.Do(t, "PUT", msURL(s, "drop_instance", ""), `{"instance_id":"inst_del"}`); r.Status != 200 {
		t.Fatalf("drop_instance: %d %s", r.Status, r.Body)
	}
	watch := []string{"inst_a", "inst_b", "inst_del"}
	inv := func(msg string) string { return msErr("INVALID_ARGUMENT", msg) }
	nf := func(msg string) string { return msErr("NOT_FOUND", msg) }
	ex := func(msg string) string { return msErr("ALREADY_EXISTED", msg) }
	ie := func(msg string) string { return msErr("INTERNAL_ERROR", msg) }
	now := fmt.Sprint(clStartUnix)
	feNode := `{"cloud_unique_id":"1:inst_a:fe1","ip":"10.0.0.1","edit_log_port":9010,"node_type":"FE_MASTER"}`
	c1Stored := `{"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","ctime":"` + now + `","mtime":"` + now + `","heartbeat_port":9050}],"mysql_user_name":["jack"],"cluster_status":"NORMAL","ctime":"` + now + `","mtime":"` + now + `"}`
	steps := []clStep{
		// §5.1 prelude
		{name: "bad degraded cuid", route: "add_cluster", body: `{"cloud_unique_id":"1:nope:x","cluster":{}}`, status: 400,
			want: inv("use degrade cloud_unique_id, but instance_id invalid, cloud_unique_id=1:nope:x")},
		{name: "unknown cuid", route: "v1/add_cluster", body: `{"cloud_unique_id":"nothing","cluster":{}}`, status: 400, want: inv("empty instance_id")},
		{name: "no cluster", route: "add_cluster", body: `{"instance_id":"inst_a"}`, status: 400, want: inv("invalid request instance_id or cluster not given")},
		{name: "cluster of the wrong type", route: "add_cluster", body: `{"instance_id":"inst_a","cluster":"x"}`, status: 400,
			want: "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"parse http request 'add_cluster': INVALID_ARGUMENT:", prefix: true},
		{name: "empty body", route: "drop_node", body: ``, status: 400,
			want: "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"parse http request 'drop_node': INVALID_ARGUMENT:", prefix: true},
		// §5.3 add_cluster
		{name: "no type", route: "add_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"x","cluster_name":"x"}}`, status: 400, want: inv("cluster must have type arg")},
		{name: "no name", route: "add_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"x","type":"COMPUTE"}}`, status: 400, want: inv("not have cluster name")},
		{name: "degraded node cuid", route: "add_cluster",
			body:   `{"instance_id":"inst_a","cluster":{"cluster_id":"x","cluster_name":"x","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:nope:x","ip":"1.2.3.4","heartbeat_port":9050}]}}`,
			status: 400, want: inv("node=cloud_unique_id: \"1:nope:x\"\nip: \"1.2.3.4\"\nheartbeat_port: 9050\n cloud_unique_id use degrade format, but check instance failed")},
		{name: "no master", route: "add_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","cluster_name":"fe","type":"SQL"}}`,
			status: 400, want: inv("cluster is SQL type, must have only one master node, now master count: 0")},
		{name: "master and follower", route: "add_cluster",
			body:   `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","cluster_name":"fe","type":"SQL","nodes":[` + feNode + `,{"cloud_unique_id":"1:inst_a:fe2","ip":"10.0.0.5","edit_log_port":9010,"node_type":"FE_FOLLOWER"}]}}`,
			status: 400, want: inv("cluster is SQL type, and use multi follower mode, cant set master node, master count: 1 follower count: 1")},
		{name: "missing instance", route: "add_cluster", body: `{"instance_id":"ghost","cluster":{"cluster_id":"x","cluster_name":"x","type":"COMPUTE"}}`,
			status: 500, want: ie("failed to get instance, info failed to get instance, instance_id=ghost err=KeyNotFound")},
		{name: "deleted instance", route: "add_cluster", body: `{"instance_id":"inst_del","cluster":{"cluster_id":"x","cluster_name":"x","type":"COMPUTE"}}`,
			status: 404, want: nf("instance status has been set delete, plz check it")},
		{name: "fe cluster", route: "add_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","cluster_name":"fe","type":"SQL","nodes":[` + feNode + `]}}`,
			status: 200, want: msOK},
		{name: "c1", route: "add_cluster",
			body:   `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","mysql_user_name":["jack"],"nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
			status: 200, want: msOK},
		{name: "c2 by cuid", route: "add_cluster", body: `{"cloud_unique_id":"1:inst_a:be1","cluster":{"cluster_id":"c2_id","cluster_name":"c2","type":"COMPUTE"}}`, status: 200, want: msOK},
		{name: "b1", route: "add_cluster",
			body:   `{"instance_id":"inst_b","cluster":{"cluster_id":"b1_id","cluster_name":"b1","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_b:be1","ip":"10.0.1.1","heartbeat_port":9050}]}}`,
			status: 200, want: msOK},
		{name: "existing id", route: "add_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"new","type":"COMPUTE"}}`,
			status: 409, want: ex("try to add a existing cluster id, existing_cluster_id=c1_id")},
		{name: "existing name", route: "add_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"new","cluster_name":"c1","type":"COMPUTE"}}`,
			status: 409, want: ex("try to add a existing cluster name, existing_cluster_name=c1")},
		{name: "occupied cuid", route: "add_cluster",
			body:   `{"instance_id":"inst_a","cluster":{"cluster_id":"x","cluster_name":"x","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_b:be1","ip":"9.9.9.9","heartbeat_port":9050}]}}`,
			status: 409, want: ex("cloud_unique_id is already occupied by an instance, instance_id=inst_b cluster_name=b1 cluster_id=b1_id cloud_unique_id=1:inst_b:be1")},
		{name: "node without address", route: "add_cluster",
			body:   `{"instance_id":"inst_a","cluster":{"cluster_id":"x","cluster_name":"x","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:n","heartbeat_port":9050}]}}`,
			status: 400, want: inv(`add node input args node invalid, cluster={"cloud_unique_id":"1:inst_a:n","ctime":"` + now + `","mtime":"` + now + `","heartbeat_port":9050}`)},
		{name: "fe endpoint taken", route: "add_cluster",
			body:   `{"instance_id":"inst_a","cluster":{"cluster_id":"fe2","cluster_name":"fe2","type":"SQL","nodes":[{"cloud_unique_id":"1:inst_a:x","ip":"10.0.0.1","edit_log_port":9010,"node_type":"FE_MASTER"}]}}`,
			status: 409, want: ex("sql node endpoint has been added, registered fe node=10.0.0.1:9010")},
		{name: "be endpoint taken", route: "add_cluster",
			body:   `{"instance_id":"inst_a","cluster":{"cluster_id":"x","cluster_name":"x","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:x","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
			status: 409, want: ex("compute node endpoint has been added, registered be node=10.0.0.2:9050")},
		{name: "virtual with missing sub cluster", route: "add_cluster",
			body:   `{"instance_id":"inst_a","cluster":{"cluster_id":"v","cluster_name":"v","type":"VIRTUAL","cluster_names":["c1","zz"],"cluster_policy":{"type":"ActiveStandby","active_cluster_name":"c1","standby_cluster_names":["zz"]}}}`,
			status: 400, want: inv("sub cluster zz not been added in instance, plz add it before create virtual cluster")},
		// §5.8 get_cluster
		{name: "get by id", route: "get_cluster", body: `{"cloud_unique_id":"1:inst_a:be1","cluster_id":"c1_id"}`, status: 200, want: clJR(0, "", c1Stored)},
		{name: "get by mysql user", route: "v1/get_cluster", body: `{"cloud_unique_id":"1:inst_a:be1","mysql_user_name":"jack"}`, status: 200, want: clJR(0, "", c1Stored)},
		{name: "get without cuid", route: "get_cluster", body: `{"instance_id":"inst_a"}`, status: 400, want: inv("cloud_unique_id must be given")},
		{name: "get unresolvable", route: "get_cluster", body: `{"cloud_unique_id":"zz"}`, status: 400, want: inv("empty instance_id")},
		{name: "get unresolvable, empty instance id", route: "get_cluster", body: `{"cloud_unique_id":"zz","instance_id":""}`, status: 400,
			want: inv("failed to get instance_id with cloud_unique_id=zz")},
		{name: "get missing instance", route: "get_cluster", body: `{"cloud_unique_id":"zz","instance_id":"ghost"}`, status: 500,
			want: ie("failed to get instance, instance_id=ghost err=KeyNotFound")},
		{name: "get not found", route: "get_cluster", body: `{"cloud_unique_id":"1:inst_a:be1","cluster_name":"nope"}`, status: 404,
			want: nf(`fail to get cluster with cloud_unique_id: "1:inst_a:be1" cluster_name: "nope"`)},
		{name: "get all", route: "get_cluster", body: `{"cloud_unique_id":"1:inst_b:be1"}`, status: 200,
			want: clJR(0, "", `{"status":{"code":"OK","msg":""},"cluster":[{"cluster_id":"b1_id","cluster_name":"b1","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_b:be1","ip":"10.0.1.1","ctime":"`+now+`","mtime":"`+now+`","heartbeat_port":9050}],"cluster_status":"NORMAL","ctime":"`+now+`","mtime":"`+now+`"}],"enable_storage_vault":false}`)},
		// §5.5 update_cluster ops
		{name: "rename without id", route: "rename_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_name":"x"}}`, status: 400, want: inv("missing cluster_id=")},
		{name: "rename in missing instance", route: "rename_cluster", body: `{"instance_id":"ghost","cluster":{"cluster_id":"c1_id"}}`, status: 400,
			want: inv("failed to get instance, instance_id=ghost err=KeyNotFound")},
		{name: "rename in deleted instance", route: "rename_cluster", body: `{"instance_id":"inst_del","cluster":{"cluster_id":"c1_id"}}`, status: 400,
			want: inv("instance status has been set delete, plz check it")},
		{name: "rename unknown cluster", route: "rename_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"zz","cluster_name":"n"}}`, status: 400,
			want: inv("failed to find cluster to update, instance_id=inst_a cluster_id=zz cluster_name=n")},
		{name: "rename to a taken name", route: "rename_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"c2"}}`, status: 400,
			want: inv("failed to rename cluster, a cluster with the same name already exists in this instance " + c1Stored)},
		{name: "rename", route: "v1/rename_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c2_id","cluster_name":"c2_new"}}`, status: 200, want: msOK},
		{name: "mysql users", route: "update_cluster_mysql_user_name", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c2_id","mysql_user_name":["root"]}}`, status: 200, want: msOK},
		{name: "endpoint missing", route: "update_cluster_endpoint", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c2_id","public_endpoint":"pub"}}`, status: 500,
			want: ie("missing private endpoint")},
		{name: "endpoint", route: "update_cluster_endpoint", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c2_id","private_endpoint":"priv","public_endpoint":"pub"}}`, status: 200, want: msOK},
		{name: "get renamed", route: "get_cluster", body: `{"cloud_unique_id":"1:inst_a:be1","mysql_user_name":"root"}`, status: 200,
			want: clJR(0, "", `{"cluster_id":"c2_id","cluster_name":"c2_new","type":"COMPUTE","mysql_user_name":["root"],"public_endpoint":"pub","private_endpoint":"priv","cluster_status":"NORMAL","ctime":"`+now+`","mtime":"`+now+`"}`)},
		// §9.2 set_cluster_status
		{name: "status of SQL", route: "set_cluster_status", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","cluster_status":"NORMAL"}}`, status: 400,
			want: inv("just support set COMPUTE cluster status")},
		{name: "status unchanged", route: "set_cluster_status", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_status":"NORMAL"}}`, status: 400,
			want: inv("failed to set cluster status, status eq original status, original cluster is NORMAL")},
		{name: "status edge not allowed", route: "set_cluster_status", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_status":"TO_RESUME"}}`, status: 400,
			want: inv("failed to set cluster status, original cluster is NORMAL and want set TO_RESUME")},
		{name: "suspend by cuid", route: "v1/set_cluster_status", body: `{"cloud_unique_id":"1:inst_a:fe1","cluster":{"cluster_id":"c1_id","cluster_status":"SUSPENDED"}}`, status: 200, want: msOK},
		{name: "resume", route: "set_cluster_status", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_status":3}}`, status: 200, want: msOK},
		// §5.9 get_cluster_status
		{name: "status nothing given", route: "get_cluster_status", body: `{}`, status: 400,
			want: clJR(dorispb.MetaServiceCode_INVALID_ARGUMENT, "cloud_unique_ids or instance_ids must be given, instance_ids.size: 0 cloud_unique_ids.size: 0",
				`{"status":{"code":"INVALID_ARGUMENT","msg":"cloud_unique_ids or instance_ids must be given, instance_ids.size: 0 cloud_unique_ids.size: 0"}}`)},
		{name: "status unresolvable", route: "get_cluster_status", body: `{"cloud_unique_ids":["zz"]}`, status: 200,
			want: "{\n    \"code\": \"OK\",\n    \"msg\": \"\",\n    \"result\": {\n        \"status\": {\n            \"code\": \"OK\",\n            \"msg\": \"\"\n        }\n    }\n}\n"},
		{name: "status filtered", route: "get_cluster_status", body: `{"cloud_unique_ids":["1:inst_a:be1","1:inst_b:be1"],"status":"TO_RESUME"}`, status: 200,
			want: clJR(0, "", `{"status":{"code":"OK","msg":"{\"details\":[{\"instance_id\":\"inst_a\",\"clusters\":[{\"cluster_id\":\"c1_id\",\"cluster_name\":\"c1\",\"cluster_status\":\"TO_RESUME\"}]}]}"},"details":[{"instance_id":"inst_a","clusters":[{"cluster_id":"c1_id","cluster_name":"c1","cluster_status":"TO_RESUME"}]}]}`)},
		// §5.6 add_node / drop_node
		{name: "add node without type", route: "add_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","nodes":[{"ip":"1.1.1.1"}]}}`, status: 400, want: inv("cluster must have type arg")},
		{name: "add no nodes", route: "add_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","type":"COMPUTE"}}`, status: 400,
			want: inv("to_add and to_del both empty or both not empty")},
		{name: "add node to missing instance", route: "add_node", body: `{"instance_id":"ghost","cluster":{"cluster_id":"c1_id","type":"COMPUTE","nodes":[{"ip":"1.1.1.1","heartbeat_port":1}]}}`,
			status: 400, want: inv("failed to get instance, instance_id=ghost err=KeyNotFound")},
		{name: "add node to deleted instance", route: "add_node", body: `{"instance_id":"inst_del","cluster":{"cluster_id":"c1_id","type":"COMPUTE","nodes":[{"ip":"1.1.1.1","heartbeat_port":1}]}}`,
			status: 400, want: inv("instance status has been set delete, plz check it")},
		{name: "add node endpoint taken", route: "add_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:x","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
			status: 400, want: inv("compute node endpoint has been added, registered be node=10.0.0.2:9050")},
		{name: "add node occupied", route: "add_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_b:be1","ip":"10.0.0.7","heartbeat_port":9050}]}}`,
			status: 400, want: inv("cloud_unique_id is already occupied by an instance, instance_id=inst_b cluster_name=b1 cluster_id=b1_id cloud_unique_id=1:inst_b:be1")},
		{name: "add second master", route: "add_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","type":"SQL","nodes":[{"cloud_unique_id":"1:inst_a:fe2","ip":"10.0.0.5","edit_log_port":9010,"node_type":"FE_MASTER"}]}}`,
			status: 400, want: inv("instance invalid, cant modify, plz check")},
		{name: "add observer", route: "v1/add_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","type":"SQL","nodes":[{"cloud_unique_id":"1:inst_a:fe2","ip":"10.0.0.5","edit_log_port":9010,"node_type":"FE_OBSERVER"}]}}`,
			status: 200, want: msOK, advance: 10 * time.Second},
		{name: "drop fresh observer", route: "drop_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","type":"SQL","nodes":[{"cloud_unique_id":"1:inst_a:fe2","ip":"10.0.0.5","edit_log_port":9010}]}}`,
			status: 400, want: inv("drop fe node not in safe time, try later, node=cloud_unique_id: \"1:inst_a:fe2\"\nip: \"10.0.0.5\"\nctime: 1700000010\nmtime: 1700000010\nstatus: NODE_STATUS_RUNNING\nedit_log_port: 9010\nnode_type: FE_OBSERVER\n")},
		{name: "drop unknown cuid", route: "drop_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:zz","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
			status: 404, want: nf("not found ,can not find to drop nodes by cloud_unique_id=1:inst_a:zz instance_id=inst_a cluster_name=c1 cluster_id=c1_id help Msg=" + clHelp)},
		{name: "drop endpoint mismatch", route: "drop_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":1}]}}`,
			status: 404, want: nf("not found ,cloud_unique_id can not find to drop node, instance_id=inst_a cluster_name=c1 cluster_id=c1_id node_info=cloud_unique_id: \"1:inst_a:be1\"\nip: \"10.0.0.2\"\nheartbeat_port: 1\n help Msg=" + clHelp)},
		{name: "drop from the wrong cluster", route: "drop_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"b","cluster_name":"c2_new","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
			status: 404, want: nf(`not found ,failed to find node to drop, instance_id=inst_a cluster_id=c2_id cluster_name=c2_new cluster={"cluster_id":"c2_id","cluster_name":"c2_new","type":"COMPUTE","mysql_user_name":["root"],"public_endpoint":"pub","private_endpoint":"priv","cluster_status":"NORMAL","ctime":"` + now + `","mtime":"` + now + `"} help Msg =` + clHelp)},
		{name: "drop the master", route: "drop_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","type":"SQL","nodes":[` + feNode + `]}}`,
			status: 400, want: inv("instance invalid, cant modify, plz check"), advance: 301 * time.Second},
		{name: "drop observer after the window", route: "drop_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","type":"SQL","nodes":[{"cloud_unique_id":"1:inst_a:fe2","ip":"10.0.0.5","edit_log_port":9010,"node_type":""}]}}`,
			status: 200, want: msOK},
		// §5.7 decommission
		{name: "decommission unknown", route: "decommission_node", body: `{"instance_id":"inst_a","cluster":{"type":"COMPUTE","nodes":[{"cloud_unique_id":"zz"}]}}`, status: 400,
			want: inv("cloud_unique_id not found")},
		{name: "decommission", route: "v1/decommission_node", body: `{"instance_id":"inst_a","cluster":{"type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
			status: 200, want: msOK},
		{name: "notify decommissioned", route: "notify_decommissioned", body: `{"instance_id":"inst_a","cluster":{"type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
			status: 200, want: msOK},
		{name: "node status", route: "get_cluster", body: `{"cloud_unique_id":"1:inst_a:be1","cluster_id":"c1_id"}`, status: 200,
			want: clJR(0, "", `{"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","ctime":"`+now+`","mtime":"1700000311","status":"NODE_STATUS_DECOMMISSIONED","heartbeat_port":9050}],"mysql_user_name":["jack"],"cluster_status":"TO_RESUME","ctime":"`+now+`","mtime":"`+now+`"}`)},
		{name: "drop node", route: "drop_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
			status: 200, want: msOK},
		// §5.4 drop_cluster
		{name: "drop cluster without id", route: "drop_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_name":"c1"}}`, status: 400, want: inv("missing cluster_id=")},
		{name: "drop cluster of missing instance", route: "drop_cluster", body: `{"instance_id":"ghost","cluster":{"cluster_id":"c1_id"}}`, status: 404,
			want: nf("failed to get instance, instance_id=ghost err=KeyNotFound")},
		{name: "drop cluster of deleted instance", route: "drop_cluster", body: `{"instance_id":"inst_del","cluster":{"cluster_id":"c1_id"}}`, status: 404,
			want: nf("instance status has been set delete, plz check it")},
		{name: "drop unknown cluster", route: "drop_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"zz","cluster_name":"c1"}}`, status: 404,
			want: nf("failed to find cluster to drop, instance_id=inst_a cluster_id=zz cluster_name=c1 help Msg=" + clHelp)},
		{name: "fresh fe cluster", route: "add_cluster", body: `{"instance_id":"inst_b","cluster":{"cluster_id":"fe_b","cluster_name":"fe_b","type":"SQL","nodes":[{"cloud_unique_id":"1:inst_b:fe1","ip":"10.0.1.9","edit_log_port":9010,"node_type":"FE_MASTER"}]}}`,
			status: 200, want: msOK},
		{name: "drop fe cluster in safe time", route: "drop_cluster", body: `{"instance_id":"inst_b","cluster":{"cluster_id":"fe_b"}}`, status: 404,
			want: nf("drop fe cluster not in safe time, try later, cluster=cluster_id: \"fe_b\"\ncluster_name: \"fe_b\"\ntype: SQL\nnodes {\n  cloud_unique_id: \"1:inst_b:fe1\"\n  ip: \"10.0.1.9\"\n  ctime: 1700000311\n  mtime: 1700000311\n  edit_log_port: 9010\n  node_type: FE_MASTER\n}\nctime: 1700000311\nmtime: 1700000311\n")},
		{name: "drop fe cluster later", route: "v1/drop_cluster", body: `{"instance_id":"inst_b","cluster":{"cluster_id":"fe_b"}}`, status: 200, want: msOK, advance: 301 * time.Second},
		{name: "drop c1", route: "drop_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id"}}`, status: 200, want: msOK},
		{name: "drop c1 again", route: "drop_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id"}}`, status: 404,
			want: nf("failed to find cluster to drop, instance_id=inst_a cluster_id=c1_id cluster_name= help Msg=" + clHelp)},
		{name: "v1 notify_decommissioned is unknown", route: "v1/notify_decommissioned", body: `{"x":`, status: 200, want: msOK},
	}
	clRunSteps(t, s, clock, watch, steps)
}

func TestMetaServiceClusterConfig(t *testing.T) {
	off := false
	s, clock := clServer(t, func(c *server.Config) {
		c.Meta.EnableClusterNameCheck = true
		c.Meta.EnableCheckFEDropInSafeTime = &off
		c.Meta.EnableCheckInstanceID = &off
	}, "inst_a")
	clRunSteps(t, s, clock, []string{"inst_a"}, []clStep{
		{name: "name regex", route: "add_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"x","cluster_name":"9x","type":"COMPUTE"}}`, status: 400,
			want: msErr("INVALID_ARGUMENT", "cluster name not regex with ^[a-zA-Z][a-zA-Z0-9_]*$, please check it")},
		{name: "degraded cuid of a missing instance allowed", route: "add_cluster",
			body:   `{"instance_id":"inst_a","cluster":{"cluster_id":"fe","cluster_name":"fe","type":"SQL","nodes":[{"cloud_unique_id":"1:nope:x","ip":"1.1.1.1","edit_log_port":9010,"node_type":"FE_MASTER"},{"cloud_unique_id":"1:nope:y","ip":"1.1.1.2","edit_log_port":9010,"node_type":"FE_OBSERVER"}]}}`,
			status: 200, want: msOK},
		{name: "fresh fe node dropped", route: "drop_node", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe","type":"SQL","nodes":[{"cloud_unique_id":"1:nope:y","ip":"1.1.1.2","edit_log_port":9010}]}}`,
			status: 200, want: msOK},
		{name: "fresh fe cluster dropped", route: "drop_cluster", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe"}}`, status: 200, want: msOK},
		{name: "degraded cuid resolves unchecked", route: "add_cluster", body: `{"cloud_unique_id":"1:nope:z","cluster":{"cluster_id":"x","cluster_name":"x","type":"COMPUTE"}}`, status: 500,
			want: msErr("INTERNAL_ERROR", "failed to get instance, info failed to get instance, instance_id=nope err=KeyNotFound")},
	})
}

// TestMetaServiceClusterSeeds replays the examples of the Doris docs seed
// (seeds/001). Where the examples contradict each other (instances named
// in one example and used under another name in the next), the needed
// instances and clusters are created first.
func TestMetaServiceClusterSeeds(t *testing.T) {
	s, clock := clServer(t, nil, "123456", "regression_instance0", "instance_id_deadbeef_1", "instance_id_deadbeef", "regression_instance-dx-1219")
	now := fmt.Sprint(clStartUnix)
	watch := []string{"123456", "regression_instance0", "instance_id_deadbeef_1", "instance_id_deadbeef"}
	compute := func(inst, id, name, nodes string) string {
		return `{"instance_id":"` + inst + `","cluster":{"cluster_id":"` + id + `","cluster_name":"` + name + `","type":"COMPUTE","nodes":[` + nodes + `]}}`
	}
	clRunSteps(t, s, clock, watch, []clStep{
		{name: "seed add_cluster", route: "add_cluster", status: 200, want: msOK, body: `{
"instance_id": "123456",
"cluster": {
"cluster_name": "cluster_name1",
"cluster_id": "cluster_id1",
"type": "COMPUTE",
"nodes": [
{
"cloud_unique_id": "1:regression_instance0:cloud_unique_id_compute_node1",
"ip": "172.21.0.5",
"heartbeat_port": 9050
}
]
}
}`},
		{name: "seed add_cluster failure example", route: "add_cluster", status: 400,
			want: msErr("INVALID_ARGUMENT", "cluster is SQL type, must have only one master node, now master count: 0"),
			body: `{"instance_id":"regression_instance0","cluster":{"cluster_name":"RESERVED_CLUSTER_NAME_FOR_SQL_SERVER","cluster_id":"RESERVED_CLUSTER_ID_FOR_SQL_SERVER","type":"SQL","nodes":[{"cloud_unique_id":"1:regression_instance0:regression-cloud-unique-id-fe-1","ip":"127.0.0.1","edit_log_port":12103}]}}`},
		{name: "fe cluster of the get_instance example", route: "add_cluster", status: 200, want: msOK,
			body: `{"instance_id":"regression_instance0","cluster":{"cluster_name":"RESERVED_CLUSTER_NAME_FOR_SQL_SERVER","cluster_id":"RESERVED_CLUSTER_ID_FOR_SQL_SERVER","type":"SQL","nodes":[{"cloud_unique_id":"1:regression_instance0:regression-cloud-unique-id-fe-1","ip":"127.0.0.1","edit_log_port":12103,"node_type":"FE_MASTER"}]}}`},
		{name: "seed get_cluster", route: "get_cluster", status: 200, body: `{
"instance_id":"regression_instance0",
"cloud_unique_id":"1:regression_instance0:regression-cloud-unique-id-fe-1",
"cluster_name":"RESERVED_CLUSTER_NAME_FOR_SQL_SERVER",
"cluster_id":"RESERVED_CLUSTER_ID_FOR_SQL_SERVER"
}`, want: clJR(0, "", `{"cluster_id":"RESERVED_CLUSTER_ID_FOR_SQL_SERVER","cluster_name":"RESERVED_CLUSTER_NAME_FOR_SQL_SERVER","type":"SQL","nodes":[{"cloud_unique_id":"1:regression_instance0:regression-cloud-unique-id-fe-1","ip":"127.0.0.1","ctime":"`+now+`","mtime":"`+now+`","edit_log_port":12103,"node_type":"FE_MASTER"}],"ctime":"`+now+`","mtime":"`+now+`"}`)},
		{name: "seed get_cluster failure (real text, not the docs')", route: "get_cluster", status: 404,
			body: `{"instance_id":"instance_id_deadbeef","cloud_unique_id":"1:regression_instance0:xxx_cloud_unique_id_compute_node0","cluster_name":"cluster_name"}`,
			want: msErr("NOT_FOUND", `fail to get cluster with instance_id: "instance_id_deadbeef" cloud_unique_id: "1:regression_instance0:xxx_cloud_unique_id_compute_node0" cluster_name: "cluster_name"`)},
		{name: "cluster for add_node", route: "add_cluster", status: 200, want: msOK, body: compute("instance_id_deadbeef_1", "cluster_id1", "cluster_name1", "")},
		{name: "seed add_node", route: "add_node", status: 200, want: msOK, body: `{
"instance_id": "instance_id_deadbeef_1",
"cluster": {
"cluster_name": "cluster_name1",
"cluster_id": "cluster_id1",
"type": "COMPUTE",
"nodes": [
{
"cloud_unique_id": "1:regression_instance0:cloud_unique_id_compute_node2",
"ip": "172.21.0.50",
"heartbeat_port": 9051
},
{
"cloud_unique_id": "1:regression_instance0:cloud_unique_id_compute_node3",
"ip": "172.21.0.52",
"heartbeat_port": 9052
}
]
}
}`},
		{name: "seed drop_node (its cuids differ from add_node's)", route: "drop_node", status: 404, body: `{
"instance_id": "instance_id_deadbeef_1",
"cluster": {
"cluster_name": "cluster_name1",
"cluster_id": "cluster_id1",
"type": "COMPUTE",
"nodes": [
{
"cloud_unique_id": "1:instance_id_deadbeef_1:cloud_unique_id_compute_node2",
"ip": "172.21.0.50",
"heartbeat_port": 9051
},
{
"cloud_unique_id": "1:instance_id_deadbeef_1:cloud_unique_id_compute_node3",
"ip": "172.21.0.52",
"heartbeat_port": 9052
}
]
}
}`, want: msErr("NOT_FOUND", "not found ,can not find to drop nodes by cloud_unique_id=1:instance_id_deadbeef_1:cloud_unique_id_compute_node2 instance_id=instance_id_deadbeef_1 cluster_name=cluster_name1 cluster_id=cluster_id1 help Msg="+clHelp)},
		{name: "drop_node with add_node's cuids", route: "drop_node", status: 200, want: msOK,
			body: compute("instance_id_deadbeef_1", "cluster_id1", "cluster_name1", `{"cloud_unique_id":"1:regression_instance0:cloud_unique_id_compute_node2","ip":"172.21.0.50","heartbeat_port":9051}`)},
		{name: "cluster for mysql users", route: "add_cluster", status: 200, want: msOK, body: compute("instance_id_deadbeef", "cluster_id1", "cluster_name2", "")},
		{name: "seed update_cluster_mysql_user_name", route: "update_cluster_mysql_user_name", status: 200, want: msOK, body: `{
"instance_id": "instance_id_deadbeef",
"cluster": {
"cluster_name": "cluster_name2",
"cluster_id": "cluster_id1",
"mysql_user_name": [
"jack",
"root"
]
}
}`},
		{name: "cluster for rename", route: "add_cluster", status: 200, want: msOK, body: compute("regression_instance0", "cluster_id1", "cluster_name1", "")},
		{name: "seed rename_cluster (trailing comma accepted)", route: "rename_cluster", status: 200, want: msOK, body: `{
"instance_id":"regression_instance0",
"cluster": {
"cluster_name": "cluster_name2",
"cluster_id": "cluster_id1",
}
}`},
		{name: "seed rename_cluster again", route: "rename_cluster", status: 400, body: `{"instance_id":"regression_instance0","cluster":{"cluster_name":"cluster_name2","cluster_id":"cluster_id1"}}`,
			want: msErr("INVALID_ARGUMENT", `failed to rename cluster, a cluster with the same name already exists in this instance {"cluster_id":"cluster_id1","cluster_name":"cluster_name2","type":"COMPUTE","cluster_status":"NORMAL","ctime":"`+now+`","mtime":"`+now+`"}`)},
		{name: "seed drop_cluster", route: "drop_cluster", status: 200, want: msOK, body: `{
"instance_id":"regression_instance0",
"cluster": {
"cluster_name": "cluster_name1",
"cluster_id": "cluster_id1",
}
}`},
		{name: "seed drop_cluster again", route: "drop_cluster", status: 404, body: `{"instance_id":"regression_instance0","cluster":{"cluster_name":"cluster_name1","cluster_id":"cluster_id1"}}`,
			want: msErr("NOT_FOUND", "failed to find cluster to drop, instance_id=regression_instance0 cluster_id=cluster_id1 cluster_name=cluster_name1 help Msg="+clHelp)},
		{name: "cluster for set_cluster_status", route: "add_cluster", status: 200, want: msOK, body: compute("regression_instance0", "test_cluster_1_id1", "test_cluster_1", "")},
		{name: "seed set_cluster_status (STOPPED is not a status)", route: "set_cluster_status", status: 400, body: `{
"cloud_unique_id": "1:regression_instance0:regression-cloud-unique-id-fe-0128",
"cluster": {
"cluster_id": "test_cluster_1_id1",
"cluster_status":"STOPPED"
}
}`, want: msErr("INVALID_ARGUMENT", "failed to set cluster status, original cluster is NORMAL and want set UNKNOWN")},
		{name: "seed set_cluster_status failure example", route: "set_cluster_status", status: 400,
			body: `{"cloud_unique_id":"1:regression_instance0:regression-cloud-unique-id-fe-0128","cluster":{"cluster_id":"test_cluster_1_id1","cluster_status":"TO_RESUME"}}`,
			want: "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"failed to set cluster status, original cluster is NORMAL and want set TO_RESUME\"\n}\n"},
		{name: "seed clusters of get_cluster_status", route: "add_cluster", status: 200, want: msOK, body: compute("regression_instance-dx-1219", "regression_cluster_id2", "regression_cluster_name2-changed-again", "")},
		{name: "seed clusters of get_cluster_status 2", route: "add_cluster", status: 200, want: msOK, body: compute("regression_instance-dx-1219", "regression_cluster_id3", "regression_cluster_name3", "")},
		{name: "seed clusters of get_cluster_status 3", route: "add_cluster", status: 200, want: msOK, body: compute("regression_instance-dx-1219", "regression_test_cluster_id0", "regression_test_cluster_name0", "")},
		{name: "seed get_cluster_status", route: "get_cluster_status", status: 200, body: `{
"instance_ids":["regression_instance-dx-1219", "regression_instance-dx-0128"],
"status":"NORMAL"
}`, want: clJR(0, "", `{"status":{"code":"OK","msg":"{\"details\":[{\"instance_id\":\"regression_instance-dx-1219\",\"clusters\":[{\"cluster_id\":\"regression_cluster_id2\",\"cluster_name\":\"regression_cluster_name2-changed-again\",\"cluster_status\":\"NORMAL\"},{\"cluster_id\":\"regression_cluster_id3\",\"cluster_name\":\"regression_cluster_name3\",\"cluster_status\":\"NORMAL\"},{\"cluster_id\":\"regression_test_cluster_id0\",\"cluster_name\":\"regression_test_cluster_name0\",\"cluster_status\":\"NORMAL\"}]}]}"},"details":[{"instance_id":"regression_instance-dx-1219","clusters":[{"cluster_id":"regression_cluster_id2","cluster_name":"regression_cluster_name2-changed-again","cluster_status":"NORMAL"},{"cluster_id":"regression_cluster_id3","cluster_name":"regression_cluster_name3","cluster_status":"NORMAL"},{"cluster_id":"regression_test_cluster_id0","cluster_name":"regression_test_cluster_name0","cluster_status":"NORMAL"}]}]}`)},
	})
}

// TestCloudClusterStatusSeed rebuilds the cloud_cluster_status example of
// seeds/001: one backend that has reported and one that never did.
func TestCloudClusterStatusSeed(t *testing.T) {
	s, _ := clServer(t, nil, "regression_instance0")
	for _, body := range []string{
		`{"instance_id":"regression_instance0","cluster":{"cluster_id":"regression_cluster_id2","cluster_name":"c2","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:regression_instance0:be2","ip":"127.0.0.1","heartbeat_port":14102}]}}`,
		`{"instance_id":"regression_instance0","cluster":{"cluster_id":"regression_test_cluster_id0","cluster_name":"c0","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:regression_instance0:be0","ip":"127.0.0.1","heartbeat_port":11102}]}}`,
		`{"instance_id":"regression_instance0","cluster":{"cluster_id":"fe","cluster_name":"fe","type":"SQL","nodes":[{"cloud_unique_id":"1:regression_instance0:fe","ip":"127.0.0.1","edit_log_port":12103,"node_type":"FE_MASTER"}]}}`,
	} {
		if r := servertest.Do(t, "PUT", msURL(s, "add_cluster", ""), body); r.Status != 200 {
			t.Fatalf("add_cluster: %d %s", r.Status, r.Body)
		}
	}
	hbCases := []struct {
		name, body string
		status     int
		want       string
		prefix     bool
	}{
		{"not json", `{`, 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"parse http request 'node_heartbeat': INVALID_ARGUMENT:", true},
		{"empty", ``, 400, msErr("INVALID_ARGUMENT", "parse http request 'node_heartbeat': INVALID_ARGUMENT:empty body"), false},
		{"unknown field", `{"cloud_unique_id":"x","port":1}`, 400, msErr("INVALID_ARGUMENT", `parse http request 'node_heartbeat': INVALID_ARGUMENT:json: unknown field "port"`), false},
		{"trailing data", `{} {}`, 400, msErr("INVALID_ARGUMENT", "parse http request 'node_heartbeat': INVALID_ARGUMENT:trailing data after the JSON object"), false},
		{"no cuid", `{"host":"127.0.0.1","heartbeat_port":11102}`, 400, msErr("INVALID_ARGUMENT", "cloud_unique_id must be given"), false},
		{"bad port", `{"cloud_unique_id":"1:regression_instance0:be0","host":"127.0.0.1","heartbeat_port":70000}`, 400,
			msErr("INVALID_ARGUMENT", "invalid heartbeat_port 70000, want 1-65535"), false},
		{"unknown node", `{"cloud_unique_id":"1:regression_instance0:be0","host":"127.0.0.2","heartbeat_port":11102}`, 404,
			msErr("NOT_FOUND", "compute node not found, instance_id=regression_instance0 cloud_unique_id=1:regression_instance0:be0 host=127.0.0.2 heartbeat_port=11102"), false},
		{"fe is not a backend", `{"cloud_unique_id":"1:regression_instance0:fe","host":"127.0.0.1","heartbeat_port":12103}`, 404,
			msErr("NOT_FOUND", "compute node not found, instance_id=regression_instance0 cloud_unique_id=1:regression_instance0:fe host=127.0.0.1 heartbeat_port=12103"), false},
		{"ok", `{"cloud_unique_id":"1:regression_instance0:be0","host":"127.0.0.1","heartbeat_port":11102,"be_port":11100,"http_port":11101,"brpc_port":11103,"current_fragment_num":3,"last_fragment_update_time":1684152350291}`,
			200, msOK, false},
	}
	for _, c := range hbCases {
		t.Run(c.name, func(t *testing.T) {
			r := servertest.Do(t, "POST", msURL(s, "v1/node_heartbeat", ""), c.body)
			c.want = strings.Replace(c.want, "'node_heartbeat'", "'v1/node_heartbeat'", 1)
			if r.Status != c.status || (c.prefix && !strings.HasPrefix(r.Body, c.want)) || (!c.prefix && r.Body != c.want) {
				t.Fatalf("got %d %q\nwant %d %q", r.Status, r.Body, c.status, c.want)
			}
		})
	}
	const path = "/rest/v2/manager/cluster/cluster_info/cloud_cluster_status"
	want := `{"msg":"success","code":0,"data":{"regression_cluster_id2":[{"host":"127.0.0.1","heartbeatPort":14102,"bePort":-1,"httpPort":-1,"brpcPort":-1,"currentFragmentNum":0,"lastFragmentUpdateTime":0}],"regression_test_cluster_id0":[{"host":"127.0.0.1","heartbeatPort":11102,"bePort":11100,"httpPort":11101,"brpcPort":11103,"currentFragmentNum":3,"lastFragmentUpdateTime":1684152350291}]},"count":0}` + "\n"
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.SetBasicAuth("root", servertest.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != want {
		t.Fatalf("cloud_cluster_status: %d\n%s\nwant\n%s", resp.StatusCode, body, want)
	}
	if r := servertest.Do(t, "GET", s.URL+path+"?instance_id=regression_instance0", "", "Authorization", "Bearer "+servertest.Token); r.Status != 200 || r.Body != want {
		t.Fatalf("with instance_id: %d %s", r.Status, r.Body)
	}
	if r := servertest.Do(t, "GET", s.URL+path+"?instance_id=ghost", "", "Authorization", "Bearer "+servertest.Token); r.Status != 200 ||
		r.Body != `{"msg":"instance not found, instance_id=ghost","code":1,"data":null,"count":0}`+"\n" {
		t.Fatalf("unknown instance: %d %s", r.Status, r.Body)
	}
	if r := servertest.Do(t, "GET", s.URL+path, ""); r.Status != 401 || r.Body != `{"msg":"Unauthorized","code":401,"data":null,"count":0}`+"\n" {
		t.Fatalf("no credentials: %d %s", r.Status, r.Body)
	}
}

// clAlterRoutes are the alter_cluster routes the fuzz target picks from
// (plus the two cluster reads).
func clAlterRoutes() []string {
	return []string{"add_cluster", "drop_cluster", "rename_cluster", "update_cluster_endpoint", "update_cluster_mysql_user_name",
		"add_node", "drop_node", "decommission_node", "notify_decommissioned", "set_cluster_status", "v1/add_node", "get_cluster", "get_cluster_status"}
}

// FuzzAlterCluster sends arbitrary bodies to the alter_cluster routes of a
// live server: every answer must be a well-formed envelope whose category
// matches the HTTP status (msCheckEnvelope), never a panic or a 500 without
// an envelope.
func FuzzAlterCluster(f *testing.F) {
	seeds := []string{
		``, `{`, `null`, `[]`, `{"instance_id":"inst_a"}`, `{"instance_id":"inst_a","cluster":{}}`,
		`{"instance_id":"inst_a","cluster":{"cluster_id":"c","cluster_name":"c","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:x","ip":"1.1.1.1","heartbeat_port":9050}]}}`,
		`{"instance_id":"inst_a","cluster":{"cluster_id":"f","cluster_name":"f","type":"SQL","nodes":[{"cloud_unique_id":"1:inst_a:f","ip":"1.1.1.2","edit_log_port":9010,"node_type":"FE_MASTER"}]}}`,
		`{"cloud_unique_id":"1:inst_a:x","cluster":{"cluster_id":"c","type":"COMPUTE","cluster_status":"SUSPENDED","nodes":[{"cloud_unique_id":"1:inst_a:x","ip":"1.1.1.1","heartbeat_port":"9050"}]}}`,
		`{"instance_id":"inst_a","cluster":{"cluster_id":"v","cluster_name":"v","type":"VIRTUAL","cluster_names":["c","f"],"cluster_policy":{"type":"ActiveStandby","active_cluster_name":"c","standby_cluster_names":["f"]}}}`,
		`{"instance_id":"inst_a","cluster":{"cluster_id":"c","type":7,"nodes":[{}]}}`,
		`{"cloud_unique_id":"1:inst_a:x","cluster_id":"c"}`, `{"cloud_unique_ids":["1:inst_a:x"],"status":"NORMAL"}`,
		"{\"instance_id\":\"\xff\",\"cluster\":{\"cluster_name\":\"\\u0000\"}}",
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	s, _ := clServer(f, nil, "inst_a")
	routes := clAlterRoutes()
	client := &http.Client{Timeout: 30 * time.Second}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		rt := routes[int(route)%len(routes)]
		resp, err := client.Post(msURL(s, rt, ""), "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		msCheckEnvelope(t, rt, resp.StatusCode, b)
	})
}

// clBenchClient is an HTTP client with enough idle connections for the
// concurrency levels of the benchmarks.
func clBenchClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 512
	tr.MaxIdleConnsPerHost = 512
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

// clBenchRun runs n requests from `clients` goroutines; body(i) builds the
// i-th request. It reports ops/s.
func clBenchRun(b *testing.B, clients int, url string, body func(i int64) string) {
	client := clBenchClient()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				resp, err := client.Post(url, "text/plain", strings.NewReader(body(i)))
				if err != nil {
					failed.Store(err.Error())
					return
				}
				rb, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failed.Store(fmt.Sprintf("%d %s", resp.StatusCode, rb))
					return
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	b.StopTimer()
	if v := failed.Load(); v != nil {
		b.Fatal(v)
	}
	b.ReportMetric(float64(b.N)/el.Seconds(), "ops/s")
}

// BenchmarkAddNode measures add_node over HTTP (decode, validation, dry
// run, raft commit, apply). Nodes are spread over 16 instances so that one
// instance value does not grow with b.N.
func BenchmarkAddNode(b *testing.B) {
	for _, clients := range []int{1, 16, 128} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			const instances = 16
			var ids []string
			for i := range instances {
				ids = append(ids, fmt.Sprintf("bench%d", i))
			}
			s, _ := clServer(b, nil, ids...)
			for _, id := range ids {
				body := `{"instance_id":"` + id + `","cluster":{"cluster_id":"c","cluster_name":"c","type":"COMPUTE"}}`
				if r := servertest.Do(b, "PUT", msURL(s, "add_cluster", ""), body); r.Status != 200 {
					b.Fatalf("add_cluster: %d %s", r.Status, r.Body)
				}
			}
			clBenchRun(b, clients, msURL(s, "add_node", ""), func(i int64) string {
				id := ids[i%instances]
				n := i / instances
				return fmt.Sprintf(`{"instance_id":%q,"cluster":{"cluster_id":"c","cluster_name":"c","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:%s:n%d","ip":"10.%d.%d.%d","heartbeat_port":9050}]}}`,
					id, id, n, (n>>16)&255, (n>>8)&255, n&255)
			})
		})
	}
}

// BenchmarkGetCluster measures get_cluster over HTTP, as a linearizable and
// as a stale read, on an instance with an FE cluster and 8 compute clusters
// of 8 nodes.
func BenchmarkGetCluster(b *testing.B) {
	s, _ := clServer(b, nil, "inst_a")
	if r := servertest.Do(b, "PUT", msURL(s, "add_cluster", ""), `{"instance_id":"inst_a","cluster":{"cluster_id":"fe","cluster_name":"fe","type":"SQL","nodes":[{"cloud_unique_id":"1:inst_a:fe","ip":"10.0.0.1","edit_log_port":9010,"node_type":"FE_MASTER"}]}}`); r.Status != 200 {
		b.Fatal(r.Body)
	}
	for c := range 8 {
		var nodes []string
		for n := range 8 {
			nodes = append(nodes, fmt.Sprintf(`{"cloud_unique_id":"1:inst_a:be%d_%d","ip":"10.1.%d.%d","heartbeat_port":9050}`, c, n, c, n))
		}
		body := fmt.Sprintf(`{"instance_id":"inst_a","cluster":{"cluster_id":"c%d","cluster_name":"c%d","type":"COMPUTE","nodes":[%s]}}`, c, c, strings.Join(nodes, ","))
		if r := servertest.Do(b, "PUT", msURL(s, "add_cluster", ""), body); r.Status != 200 {
			b.Fatal(r.Body)
		}
	}
	for _, mode := range []string{"linearizable", "stale"} {
		query := ""
		if mode == "stale" {
			query = "stale"
		}
		for _, clients := range []int{1, 16, 128} {
			b.Run(fmt.Sprintf("%s/clients=%d", mode, clients), func(b *testing.B) {
				clBenchRun(b, clients, msURL(s, "get_cluster", query), func(i int64) string {
					return fmt.Sprintf(`{"cloud_unique_id":"1:inst_a:fe","cluster_name":"c%d"}`, i%8)
				})
			})
		}
	}
}
