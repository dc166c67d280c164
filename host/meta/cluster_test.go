package meta

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/meta/dorispb"
	bolt "go.etcd.io/bbolt"
)

// Times of the fixture: the test clock and an "old" ctime past the FE
// safe-drop window.
const (
	clNow      = int64(1700000000)
	clOldCtime = clNow - 1000
)

// clFixture is the state most cluster tests start from:
//
//	inst_a: SQL cluster fe (FE_MASTER 10.0.0.1:9010, old), COMPUTE c1
//	        (10.0.0.2:9050, mysql user "jack"), COMPUTE c2 (no nodes, no
//	        status), SQL-typed "fresh" is absent (see freshFE)
//	inst_b: COMPUTE b1 with node 1:inst_b:be1 (10.0.1.1:9050)
//	inst_del: DELETED, no clusters
var clFixture = []string{
	`{"instance_id":"inst_a","name":"a","clusters":[
	  {"cluster_id":"fe_id","cluster_name":"fe","type":"SQL","nodes":[
	    {"cloud_unique_id":"1:inst_a:fe1","ip":"10.0.0.1","ctime":"1699999000","mtime":"1699999000","edit_log_port":9010,"node_type":"FE_MASTER"}]},
	  {"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","cluster_status":"NORMAL","mysql_user_name":["jack"],"nodes":[
	    {"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","ctime":"1699999000","mtime":"1699999000","heartbeat_port":9050}]},
	  {"cluster_id":"c2_id","cluster_name":"c2","type":"COMPUTE"}]}`,
	`{"instance_id":"inst_b","clusters":[
	  {"cluster_id":"b1_id","cluster_name":"b1","type":"COMPUTE","cluster_status":"NORMAL","nodes":[
	    {"cloud_unique_id":"1:inst_b:be1","ip":"10.0.1.1","heartbeat_port":9050}]}]}`,
	`{"instance_id":"inst_del","status":"DELETED"}`,
}

// clPutInstance stores an instance (and its node index) directly, as
// create_instance and earlier cluster operations would have.
func clPutInstance(t *testing.T, e *testEnv, body string) {
	t.Helper()
	inst := parse[dorispb.InstanceInfoPB](t, body)
	err := e.db.Update(func(tx *bolt.Tx) error {
		tt := &Tx{tx: tx, now: e.now, svc: e.svc}
		old, _, _ := tt.Instance(inst.InstanceID.Get())
		if me := tt.PutInstance(old, inst); me != nil {
			return me
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed instance: %v", err)
	}
}

func clTime(sec int64) time.Time { return time.Unix(sec, 0) }

func clEnv(t *testing.T, cfg Config, seeds ...string) *testEnv {
	t.Helper()
	return clEnvDB(t, cfg, nil, seeds...)
}

// clEnvDB is clEnv with the bbolt options opts (nil: the defaults).
func clEnvDB(t *testing.T, cfg Config, opts *bolt.Options, seeds ...string) *testEnv {
	t.Helper()
	e := newTestEnvDB(t, cfg, opts)
	e.now = clTime(clNow)
	for _, s := range seeds {
		clPutInstance(t, e, s)
	}
	return e
}

// clCluster returns the stored cluster with the given id, or nil.
func clCluster(e *testEnv, instanceID, clusterID string) *dorispb.ClusterPB {
	for _, c := range e.instance(instanceID).Clusters {
		if c.ClusterID.Get() == clusterID {
			return c
		}
	}
	return nil
}

const (
	clOK       = dorispb.MetaServiceCode_OK
	clInvalid  = dorispb.MetaServiceCode_INVALID_ARGUMENT
	clNotFound = dorispb.MetaServiceCode_CLUSTER_NOT_FOUND
	clExisted  = dorispb.MetaServiceCode_ALREADY_EXISTED
	clGetErr   = dorispb.MetaServiceCode_KV_TXN_GET_ERR
	clEndpoint = dorispb.MetaServiceCode_CLUSTER_ENDPOINT_MISSING
)

// clCase is one alter_cluster request and its expected outcome.
type clCase struct {
	name string
	cfg  *Config  // nil: DefaultConfig
	pre  []string // extra instances stored before the request
	op   string   // AlterClusterRequest.Operation name, "" for none
	body string   // request JSON (op is added unless empty)
	code dorispb.MetaServiceCode
	msg  string
	// check inspects the state after a successful request.
	check func(t *testing.T, e *testEnv)
}

func clRun(t *testing.T, cases []clCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if c.cfg != nil {
				cfg = *c.cfg
			}
			e := clEnv(t, cfg, append(append([]string{}, clFixture...), c.pre...)...)
			req := parse[dorispb.AlterClusterRequest](t, c.body)
			if c.op != "" {
				op, ok := clOpByName(c.op)
				if !ok {
					t.Fatalf("unknown op %s", c.op)
				}
				req.Op.Set(op)
			}
			before := instDump(e)
			got := e.mutate(OpAlterCluster, req)
			wantErr(t, got, c.code, c.msg)
			if c.code != clOK {
				if after := instDump(e); !maps.Equal(after, before) {
					t.Fatalf("rejected request changed the state:\nbefore %s\nafter  %s", before, after)
				}
				return
			}
			if c.check != nil {
				c.check(t, e)
			}
		})
	}
}

func clOpByName(name string) (dorispb.AlterClusterRequest_Operation, bool) {
	for i := int32(0); i < 64; i++ {
		op := dorispb.AlterClusterRequest_Operation(i)
		if op.String() == name {
			return op, true
		}
	}
	return 0, false
}

func TestAlterClusterPrelude(t *testing.T) {
	clRun(t, []clCase{
		{name: "degraded cuid of a missing instance", op: "SET_CLUSTER_STATUS",
			body: `{"cloud_unique_id":"1:nope:x","cluster":{}}`, code: clInvalid,
			msg: "use degrade cloud_unique_id, but instance_id invalid, cloud_unique_id=1:nope:x"},
		{name: "unknown cuid", op: "SET_CLUSTER_STATUS", body: `{"cloud_unique_id":"nothing","cluster":{}}`,
			code: clInvalid, msg: "empty instance_id"},
		{name: "degraded cuid without the check resolves nothing", cfg: &Config{}, op: "SET_CLUSTER_STATUS",
			body: `{"cloud_unique_id":"1:nope:x","cluster":{"cluster_id":"x"}}`, code: clInvalid,
			msg: "failed to get instance, instance_id=nope err=KeyNotFound"},
		{name: "nothing given", op: "ADD_CLUSTER", body: `{}`, code: clInvalid,
			msg: "invalid request instance_id or cluster not given"},
		{name: "no cluster", op: "ADD_CLUSTER", body: `{"instance_id":"inst_a"}`, code: clInvalid,
			msg: "invalid request instance_id or cluster not given"},
		{name: "empty instance id", op: "ADD_CLUSTER", body: `{"instance_id":"","cluster":{}}`, code: clInvalid,
			msg: "invalid request instance_id or cluster not given"},
		{name: "no op", body: `{"instance_id":"inst_a","cluster":{}}`, code: clInvalid, msg: "op not given"},
		{name: "unsupported op", op: "ALTER_PROPERTIES", body: `{"instance_id":"inst_a","cluster":{}}`,
			code: clInvalid, msg: "invalid request op, op=12"},
		{name: "cuid resolved through the node index", op: "SET_CLUSTER_STATUS",
			body: `{"cloud_unique_id":"1:inst_a:be1","cluster":{"cluster_id":"c1_id","cluster_status":"SUSPENDED"}}`,
			check: func(t *testing.T, e *testEnv) {
				if s := clCluster(e, "inst_a", "c1_id").ClusterStatus.Get(); s != dorispb.ClusterStatus_SUSPENDED {
					t.Fatalf("status %v", s)
				}
			}},
		{name: "degraded cuid of an existing instance", op: "SET_CLUSTER_STATUS",
			body: `{"cloud_unique_id":"1:inst_a:new","cluster":{"cluster_id":"c1_id","cluster_status":"SUSPENDED"}}`},
	})
}

func TestAddCluster(t *testing.T) {
	nameCheck := DefaultConfig()
	nameCheck.EnableClusterNameCheck = true
	compute := func(id, name, nodes string) string {
		return `{"instance_id":"inst_a","cluster":{"cluster_id":"` + id + `","cluster_name":"` + name + `","type":"COMPUTE","nodes":[` + nodes + `]}}`
	}
	sql := func(nodes string) string {
		return `{"instance_id":"inst_a","cluster":{"cluster_id":"fe2","cluster_name":"fe2","type":"SQL","nodes":[` + nodes + `]}}`
	}
	fe := func(ip, typ string) string {
		return `{"cloud_unique_id":"1:inst_a:` + ip + `","ip":"` + ip + `","edit_log_port":9010,"node_type":"` + typ + `"}`
	}
	clRun(t, []clCase{
		{name: "no type", op: "ADD_CLUSTER", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"x","cluster_name":"x"}}`,
			code: clInvalid, msg: "cluster must have type arg"},
		{name: "unknown type name is unset", op: "ADD_CLUSTER", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"x","cluster_name":"x","type":"compute"}}`,
			code: clInvalid, msg: "cluster must have type arg"},
		{name: "no name", op: "ADD_CLUSTER", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"x","type":"COMPUTE"}}`,
			code: clInvalid, msg: "not have cluster name"},
		{name: "empty name", op: "ADD_CLUSTER", body: compute("x", "", ""), code: clInvalid, msg: "not have cluster name"},
		{name: "bad name with check", cfg: &nameCheck, op: "ADD_CLUSTER", body: compute("x", "1bad", ""), code: clInvalid,
			msg: "cluster name not regex with ^[a-zA-Z][a-zA-Z0-9_]*$, please check it"},
		{name: "bad name without check", op: "ADD_CLUSTER", body: compute("x", "1bad", "")},
		{name: "good name with check", cfg: &nameCheck, op: "ADD_CLUSTER", body: compute("x", "Good_1", "")},
		{name: "degraded node cuid of a missing instance", op: "ADD_CLUSTER",
			body: compute("x", "x", `{"cloud_unique_id":"1:nope:x","ip":"1.2.3.4","heartbeat_port":9050}`),
			code: clInvalid,
			msg:  "node=cloud_unique_id: \"1:nope:x\"\nip: \"1.2.3.4\"\nheartbeat_port: 9050\n cloud_unique_id use degrade format, but check instance failed"},
		{name: "master and follower", op: "ADD_CLUSTER", body: sql(fe("1.1.1.1", "FE_MASTER") + "," + fe("1.1.1.2", "FE_FOLLOWER")),
			code: clInvalid, msg: "cluster is SQL type, and use multi follower mode, cant set master node, master count: 1 follower count: 1"},
		{name: "no master", op: "ADD_CLUSTER", body: sql(fe("1.1.1.1", "FE_OBSERVER")),
			code: clInvalid, msg: "cluster is SQL type, must have only one master node, now master count: 0"},
		{name: "two masters", op: "ADD_CLUSTER", body: sql(fe("1.1.1.1", "FE_MASTER") + "," + fe("1.1.1.2", "FE_MASTER")),
			code: clInvalid, msg: "cluster is SQL type, must have only one master node, now master count: 2"},
		{name: "master without edit_log_port does not count", op: "ADD_CLUSTER",
			body: sql(`{"cloud_unique_id":"1:inst_a:x","ip":"1.1.1.1","node_type":"FE_MASTER"}`),
			code: clInvalid, msg: "cluster is SQL type, must have only one master node, now master count: 0"},
		{name: "followers only", op: "ADD_CLUSTER", body: sql(fe("1.1.1.1", "FE_FOLLOWER") + "," + fe("1.1.1.2", "FE_FOLLOWER"))},
		{name: "one master and observers", op: "ADD_CLUSTER", body: sql(fe("1.1.1.1", "FE_MASTER") + "," + fe("1.1.1.2", "FE_OBSERVER")),
			check: func(t *testing.T, e *testEnv) {
				c := clCluster(e, "inst_a", "fe2")
				if c.ClusterStatus.Has() || len(c.Nodes) != 2 || c.Nodes[0].NodeType.Get() != dorispb.NodeInfoPB_FE_MASTER {
					t.Fatalf("stored %s", dorispb.MarshalJSON(c))
				}
			}},
		{name: "cuid of another instance", op: "ADD_CLUSTER",
			body: compute("x", "x", `{"cloud_unique_id":"1:inst_b:be1","ip":"9.9.9.9","heartbeat_port":9050}`), code: clExisted,
			msg: "cloud_unique_id is already occupied by an instance, instance_id=inst_b cluster_name=b1 cluster_id=b1_id cloud_unique_id=1:inst_b:be1"},
		{name: "cuid reused inside the instance", op: "ADD_CLUSTER",
			body: compute("x", "x", `{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9051}`)},
		{name: "missing instance", op: "ADD_CLUSTER", body: strings.Replace(compute("x", "x", ""), "inst_a", "ghost", 1),
			code: clGetErr, msg: "failed to get instance, info failed to get instance, instance_id=ghost err=KeyNotFound"},
		{name: "deleted instance", op: "ADD_CLUSTER", body: strings.Replace(compute("x", "x", ""), "inst_a", "inst_del", 1),
			code: clNotFound, msg: "instance status has been set delete, plz check it"},
		{name: "existing id", op: "ADD_CLUSTER", body: compute("c1_id", "new", ""), code: clExisted,
			msg: "try to add a existing cluster id, existing_cluster_id=c1_id"},
		{name: "existing name", op: "ADD_CLUSTER", body: compute("new", "c2", ""), code: clExisted,
			msg: "try to add a existing cluster name, existing_cluster_name=c2"},
		{name: "node without address", op: "ADD_CLUSTER",
			body: compute("x", "x", `{"cloud_unique_id":"1:inst_a:n","heartbeat_port":9050}`), code: clInvalid,
			msg: `add node input args node invalid, cluster={"cloud_unique_id":"1:inst_a:n","ctime":"1700000000","mtime":"1700000000","heartbeat_port":9050}`},
		{name: "second node without address", op: "ADD_CLUSTER",
			body: compute("x", "x", `{"cloud_unique_id":"1:inst_a:n","ip":"1.1.1.1","heartbeat_port":9050},{"cloud_unique_id":"1:inst_a:m","heartbeat_port":9050}`),
			code: clInvalid, msg: `add node input args node invalid, cluster={"cloud_unique_id":"1:inst_a:m","heartbeat_port":9050}`},
		{name: "fe endpoint taken", op: "ADD_CLUSTER", body: sql(fe("10.0.0.1", "FE_MASTER")), code: clExisted,
			msg: "sql node endpoint has been added, registered fe node=10.0.0.1:9010"},
		{name: "be endpoint taken", op: "ADD_CLUSTER",
			body: compute("x", "x", `{"cloud_unique_id":"1:inst_a:n","ip":"10.0.0.2","heartbeat_port":9050}`), code: clExisted,
			msg: "compute node endpoint has been added, registered be node=10.0.0.2:9050"},
		{name: "host wins over ip for the endpoint", op: "ADD_CLUSTER",
			body: compute("x", "x", `{"cloud_unique_id":"1:inst_a:n","ip":"10.0.0.2","host":"h","heartbeat_port":9050}`)},
		{name: "same endpoint as an fe is fine for a be", op: "ADD_CLUSTER",
			body: compute("x", "x", `{"cloud_unique_id":"1:inst_a:n","ip":"10.0.0.1","heartbeat_port":9010}`)},
		{name: "compute success", op: "ADD_CLUSTER",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c3_id","cluster_name":"c3","type":"COMPUTE","desc":"d","cluster_status":"SUSPENDED","mysql_user_name":["u"],
			  "nodes":[{"cloud_unique_id":"1:inst_a:be3","ip":"10.0.0.3","heartbeat_port":9050,"ctime":"5","status":"NODE_STATUS_RUNNING"}]}}`,
			check: func(t *testing.T, e *testEnv) {
				got := string(dorispb.MarshalJSON(clCluster(e, "inst_a", "c3_id")))
				want := `{"cluster_id":"c3_id","cluster_name":"c3","type":"COMPUTE","desc":"d","nodes":[{"cloud_unique_id":"1:inst_a:be3","ip":"10.0.0.3","ctime":"1700000000","mtime":"1700000000","status":"NODE_STATUS_RUNNING","heartbeat_port":9050}],"mysql_user_name":["u"],"cluster_status":"NORMAL","ctime":"1700000000","mtime":"1700000000"}`
				if got != want {
					t.Fatalf("stored\n%s\nwant\n%s", got, want)
				}
				var ents []IndexEntry
				e.read(func(tx *Tx) Reply { ents = tx.NodeIndex("1:inst_a:be3"); return Reply{} })
				if len(ents) != 1 || ents[0].InstanceID != "inst_a" || ents[0].ClusterID != "c3_id" || ents[0].Role != RoleComputeNode {
					t.Fatalf("index %+v", ents)
				}
			}},
		{name: "by cloud_unique_id", op: "ADD_CLUSTER",
			body: `{"cloud_unique_id":"1:inst_a:fe1","cluster":{"cluster_id":"c3_id","cluster_name":"c3","type":"COMPUTE"}}`,
			check: func(t *testing.T, e *testEnv) {
				if clCluster(e, "inst_a", "c3_id") == nil {
					t.Fatal("cluster not added")
				}
			}},
		{name: "virtual: args with nodes", op: "ADD_CLUSTER",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"v","cluster_name":"v","type":"VIRTUAL","nodes":[{"ip":"1.1.1.1"}]}}`,
			code: clInvalid, msg: "Inconsistent virtual cluster args"},
		{name: "virtual: names without policy", op: "ADD_CLUSTER",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"v","cluster_name":"v","type":"VIRTUAL","cluster_names":["c1","c2"]}}`,
			code: clInvalid, msg: "subcgs and policy must be Incoming at the same time or do not transmit at the same time"},
		{name: "virtual: three names", op: "ADD_CLUSTER",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"v","cluster_name":"v","type":"VIRTUAL","cluster_names":["c1","c2","c3"],"cluster_policy":{"type":"ActiveStandby"}}}`,
			code: clInvalid, msg: "Currently, just support two sub clusters"},
		{name: "virtual: standby equals active", op: "ADD_CLUSTER",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"v","cluster_name":"v","type":"VIRTUAL","cluster_names":["c1","c2"],"cluster_policy":{"type":"ActiveStandby","active_cluster_name":"c1","standby_cluster_names":["c1"]}}}`,
			code: clInvalid, msg: "active_cluster_name is same of standby_cluster_name"},
		{name: "virtual: sub cluster missing", op: "ADD_CLUSTER",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"v","cluster_name":"v","type":"VIRTUAL","cluster_names":["c1","zz"],"cluster_policy":{"type":"ActiveStandby","active_cluster_name":"c1","standby_cluster_names":["zz"]}}}`,
			code: clInvalid, msg: "sub cluster zz not been added in instance, plz add it before create virtual cluster"},
		{name: "virtual: sub cluster not compute", op: "ADD_CLUSTER",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"v","cluster_name":"v","type":"VIRTUAL","cluster_names":["fe","c1"],"cluster_policy":{"type":"ActiveStandby","active_cluster_name":"c1","standby_cluster_names":["fe"]}}}`,
			code: clInvalid, msg: "sub cluster fe 's type must be eq COMPUTE"},
		{name: "virtual: success with policy defaults", op: "ADD_CLUSTER",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"v","cluster_name":"v","type":"VIRTUAL","cluster_names":["c1","c2"],"cluster_policy":{"type":"ActiveStandby","active_cluster_name":"c1","standby_cluster_names":["c2"]}}}`,
			check: func(t *testing.T, e *testEnv) {
				p := clCluster(e, "inst_a", "v").ClusterPolicy
				if p.FailoverFailureThreshold.Get() != 3 || p.UnhealthyNodeThresholdPercent.Get() != 100 {
					t.Fatalf("policy %s", dorispb.MarshalJSON(p))
				}
			}},
		{name: "virtual: sub cluster owned by another", op: "ADD_CLUSTER",
			pre: []string{`{"instance_id":"inst_v","clusters":[{"cluster_id":"s1","cluster_name":"s1","type":"COMPUTE"},{"cluster_id":"s2","cluster_name":"s2","type":"COMPUTE"},
			  {"cluster_id":"v1","cluster_name":"v1","type":"VIRTUAL","cluster_names":["s1","s2"]}]}`},
			body: `{"instance_id":"inst_v","cluster":{"cluster_id":"v2","cluster_name":"v2","type":"VIRTUAL","cluster_names":["s1","s2"],"cluster_policy":{"type":"ActiveStandby","active_cluster_name":"s1","standby_cluster_names":["s2"]}}}`,
			code: clInvalid, msg: "sub cluster s1 has been add by other vcg=v1"},
	})
}

func TestDropCluster(t *testing.T) {
	freshFE := `{"instance_id":"inst_f","clusters":[{"cluster_id":"fe_id","cluster_name":"fe","type":"SQL","nodes":[
	  {"cloud_unique_id":"1:inst_f:fe1","ip":"10.0.2.1","ctime":"1699999800","edit_log_port":9010,"node_type":"FE_MASTER"}]}]}`
	noSafeTime := DefaultConfig()
	noSafeTime.EnableCheckFEDropInSafeTime = false
	clRun(t, []clCase{
		{name: "no id", op: "DROP_CLUSTER", body: `{"instance_id":"inst_a","cluster":{"cluster_name":"c1"}}`,
			code: clInvalid, msg: "missing cluster_id="},
		{name: "missing instance", op: "DROP_CLUSTER", body: `{"instance_id":"ghost","cluster":{"cluster_id":"c1_id"}}`,
			code: clNotFound, msg: "failed to get instance, instance_id=ghost err=KeyNotFound"},
		{name: "deleted instance", op: "DROP_CLUSTER", body: `{"instance_id":"inst_del","cluster":{"cluster_id":"c1_id"}}`,
			code: clNotFound, msg: "instance status has been set delete, plz check it"},
		{name: "fe cluster in safe time", pre: []string{freshFE}, op: "DROP_CLUSTER",
			body: `{"instance_id":"inst_f","cluster":{"cluster_id":"fe_id"}}`, code: clNotFound,
			msg: "drop fe cluster not in safe time, try later, cluster=cluster_id: \"fe_id\"\ncluster_name: \"fe\"\ntype: SQL\nnodes {\n  cloud_unique_id: \"1:inst_f:fe1\"\n  ip: \"10.0.2.1\"\n  ctime: 1699999800\n  edit_log_port: 9010\n  node_type: FE_MASTER\n}\n"},
		{name: "fe cluster in safe time, check off", cfg: &noSafeTime, pre: []string{freshFE}, op: "DROP_CLUSTER",
			body: `{"instance_id":"inst_f","cluster":{"cluster_id":"fe_id"}}`},
		{name: "old fe cluster", op: "DROP_CLUSTER", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id"}}`,
			check: func(t *testing.T, e *testEnv) {
				var ents []IndexEntry
				e.read(func(tx *Tx) Reply { ents = tx.NodeIndex("1:inst_a:fe1"); return Reply{} })
				if clCluster(e, "inst_a", "fe_id") != nil || len(ents) != 0 {
					t.Fatalf("cluster or index entry left: %v", ents)
				}
			}},
		{name: "not found", op: "DROP_CLUSTER", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"zz","cluster_name":"c1"}}`,
			code: clNotFound,
			msg:  "failed to find cluster to drop, instance_id=inst_a cluster_id=zz cluster_name=c1 help Msg=" + cacheHelpMsg},
		{name: "matched by id only", op: "DROP_CLUSTER", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c2_id","cluster_name":"c1"}}`,
			check: func(t *testing.T, e *testEnv) {
				if clCluster(e, "inst_a", "c2_id") != nil || clCluster(e, "inst_a", "c1_id") == nil {
					t.Fatal("wrong cluster dropped")
				}
			}},
		{name: "owned by a virtual cluster", op: "DROP_CLUSTER",
			pre: []string{`{"instance_id":"inst_v","clusters":[{"cluster_id":"s1","cluster_name":"s1","type":"COMPUTE"},
			  {"cluster_id":"v1","cluster_name":"v1","type":"VIRTUAL","cluster_names":["s1","s2"]}]}`},
			body: `{"instance_id":"inst_v","cluster":{"cluster_id":"s1"}}`, code: clExisted,
			msg: "failed to drop cluster, this cluster owned by virtual cluster=v1 if you want drop this cluster, please drop virtual cluster=v1 firstly"},
	})
}

func TestUpdateClusterOps(t *testing.T) {
	c1JSON := `{"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","ctime":"1699999000","mtime":"1699999000","heartbeat_port":9050}],"mysql_user_name":["jack"],"cluster_status":"NORMAL"}`
	var cases []clCase
	for _, op := range []string{"RENAME_CLUSTER", "UPDATE_CLUSTER_MYSQL_USER_NAME", "UPDATE_CLUSTER_ENDPOINT", "SET_CLUSTER_STATUS"} {
		cases = append(cases,
			clCase{name: op + " no id", op: op, body: `{"instance_id":"inst_a","cluster":{"cluster_name":"x"}}`,
				code: clInvalid, msg: "missing cluster_id="},
			clCase{name: op + " missing instance", op: op, body: `{"instance_id":"ghost","cluster":{"cluster_id":"c1_id"}}`,
				code: clInvalid, msg: "failed to get instance, instance_id=ghost err=KeyNotFound"},
			clCase{name: op + " deleted instance", op: op, body: `{"instance_id":"inst_del","cluster":{"cluster_id":"c1_id"}}`,
				code: clInvalid, msg: "instance status has been set delete, plz check it"},
			clCase{name: op + " cluster not found", op: op, body: `{"instance_id":"inst_a","cluster":{"cluster_id":"zz","cluster_name":"n"}}`,
				code: clInvalid, msg: "failed to find cluster to update, instance_id=inst_a cluster_id=zz cluster_name=n"},
			clCase{name: op + " cluster not found, no name", op: op, body: `{"instance_id":"inst_a","cluster":{"cluster_id":"zz"}}`,
				code: clInvalid, msg: "failed to find cluster to update, instance_id=inst_a cluster_id=zz cluster_name="},
		)
	}
	cases = append(cases,
		clCase{name: "rename to a taken name", op: "RENAME_CLUSTER", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"c2"}}`,
			code: clInvalid, msg: "failed to rename cluster, a cluster with the same name already exists in this instance " + c1JSON},
		clCase{name: "rename to its own name", op: "RENAME_CLUSTER", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"c1"}}`,
			code: clInvalid, msg: "failed to rename cluster, a cluster with the same name already exists in this instance " + c1JSON},
		clCase{name: "rename ignores the name regex", cfg: &Config{EnableClusterNameCheck: true}, op: "RENAME_CLUSTER",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"9 new"}}`,
			check: func(t *testing.T, e *testEnv) {
				if n := clCluster(e, "inst_a", "c1_id").ClusterName.Get(); n != "9 new" {
					t.Fatalf("name %q", n)
				}
				var ents []IndexEntry
				e.read(func(tx *Tx) Reply { ents = tx.NodeIndex("1:inst_a:be1"); return Reply{} })
				if len(ents) != 1 || ents[0].ClusterName != "9 new" {
					t.Fatalf("index not refreshed: %+v", ents)
				}
			}},
		clCase{name: "rename without a name", op: "RENAME_CLUSTER", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id"}}`,
			check: func(t *testing.T, e *testEnv) {
				if c := clCluster(e, "inst_a", "c1_id"); !c.ClusterName.Has() || c.ClusterName.Get() != "" {
					t.Fatalf("name %v", c.ClusterName)
				}
			}},
		clCase{name: "mysql users replaced", op: "UPDATE_CLUSTER_MYSQL_USER_NAME",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","mysql_user_name":["a","b"]}}`,
			check: func(t *testing.T, e *testEnv) {
				if u := clCluster(e, "inst_a", "c1_id").MysqlUserName; strings.Join(u, ",") != "a,b" {
					t.Fatalf("users %v", u)
				}
			}},
		clCase{name: "mysql users cleared", op: "UPDATE_CLUSTER_MYSQL_USER_NAME",
			body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id"}}`,
			check: func(t *testing.T, e *testEnv) {
				if u := clCluster(e, "inst_a", "c1_id").MysqlUserName; len(u) != 0 {
					t.Fatalf("users %v", u)
				}
			}},
		clCase{name: "endpoint missing", op: "UPDATE_CLUSTER_ENDPOINT", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","public_endpoint":"p"}}`,
			code: clEndpoint, msg: "missing private endpoint"},
		clCase{name: "endpoint empty", op: "UPDATE_CLUSTER_ENDPOINT", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","private_endpoint":""}}`,
			code: clEndpoint, msg: "missing private endpoint"},
		clCase{name: "endpoint set", op: "UPDATE_CLUSTER_ENDPOINT", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","private_endpoint":"priv"}}`,
			check: func(t *testing.T, e *testEnv) {
				c := clCluster(e, "inst_a", "c1_id")
				if c.PrivateEndpoint.Get() != "priv" || !c.PublicEndpoint.Has() || c.PublicEndpoint.Get() != "" {
					t.Fatalf("endpoints %v %v", c.PrivateEndpoint, c.PublicEndpoint)
				}
			}},
		clCase{name: "status of a SQL cluster", op: "SET_CLUSTER_STATUS", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","cluster_status":"NORMAL"}}`,
			code: clInvalid, msg: "just support set COMPUTE cluster status"},
		clCase{name: "status STOPPED is unset", op: "SET_CLUSTER_STATUS", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_status":"STOPPED"}}`,
			code: clInvalid, msg: "failed to set cluster status, original cluster is NORMAL and want set UNKNOWN"},
		clCase{name: "status of an old cluster without status", op: "SET_CLUSTER_STATUS", body: `{"instance_id":"inst_a","cluster":{"cluster_id":"c2_id","cluster_status":"NORMAL"}}`,
			check: func(t *testing.T, e *testEnv) {
				if s := clCluster(e, "inst_a", "c2_id").ClusterStatus.Get(); s != dorispb.ClusterStatus_NORMAL {
					t.Fatalf("status %v", s)
				}
			}},
	)
	clRun(t, cases)
}

// TestSetClusterStatusTransitions tries every (from, to) pair of §9.2.
func TestSetClusterStatusTransitions(t *testing.T) {
	names := []string{"UNKNOWN", "NORMAL", "SUSPENDED", "TO_RESUME", "MANUAL_SHUTDOWN"}
	allowed := map[string]bool{
		"UNKNOWN>NORMAL": true, "NORMAL>SUSPENDED": true, "SUSPENDED>TO_RESUME": true, "TO_RESUME>NORMAL": true,
		"SUSPENDED>NORMAL": true, "NORMAL>MANUAL_SHUTDOWN": true, "MANUAL_SHUTDOWN>NORMAL": true,
	}
	var cases []clCase
	for _, from := range names {
		for _, to := range names {
			inst := `{"instance_id":"inst_s","clusters":[{"cluster_id":"s","cluster_name":"s","type":"COMPUTE","cluster_status":"` + from + `"}]}`
			c := clCase{name: from + ">" + to, pre: []string{inst}, op: "SET_CLUSTER_STATUS",
				body: `{"instance_id":"inst_s","cluster":{"cluster_id":"s","cluster_status":"` + to + `"}}`}
			switch {
			case from == to:
				c.code, c.msg = clInvalid, "failed to set cluster status, status eq original status, original cluster is "+from
			case !allowed[from+">"+to]:
				c.code, c.msg = clInvalid, "failed to set cluster status, original cluster is "+from+" and want set "+to
			default:
				want := to
				c.check = func(t *testing.T, e *testEnv) {
					if got := clCluster(e, "inst_s", "s").ClusterStatus.Get().String(); got != want {
						t.Fatalf("status %s, want %s", got, want)
					}
				}
			}
			cases = append(cases, c)
		}
	}
	clRun(t, cases)
}

func TestAddNode(t *testing.T) {
	be := func(cuid, ip string, port int) string {
		return fmt.Sprintf(`{"cloud_unique_id":%q,"ip":%q,"heartbeat_port":%d}`, cuid, ip, port)
	}
	add := func(instance, cluster, nodes string) string {
		return `{"instance_id":"` + instance + `","cluster":{` + cluster + `,"nodes":[` + nodes + `]}}`
	}
	c1 := `"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE"`
	nameCheck := DefaultConfig()
	nameCheck.EnableClusterNameCheck = true
	clRun(t, []clCase{
		{name: "bad cluster name with the check", cfg: &nameCheck, op: "ADD_NODE", body: add("inst_a", `"cluster_id":"c1_id","cluster_name":"c-1","type":"COMPUTE"`, be("1:inst_a:n", "1.1.1.1", 9050)),
			code: clInvalid, msg: "cluster name not regex with ^[a-zA-Z][a-zA-Z0-9_]*$, please check it"},
		{name: "drop with a bad cluster name and the check", cfg: &nameCheck, op: "DROP_NODE", body: add("inst_a", `"cluster_id":"c1_id","cluster_name":"c-1","type":"COMPUTE"`, be("1:inst_a:be1", "10.0.0.2", 9050)),
			code: clInvalid, msg: "cluster name not regex with ^[a-zA-Z][a-zA-Z0-9_]*$, please check it"},
		{name: "no type", op: "ADD_NODE", body: add("inst_a", `"cluster_id":"c1_id"`, be("1:inst_a:n", "1.1.1.1", 9050)),
			code: clInvalid, msg: "cluster must have type arg"},
		{name: "no nodes", op: "ADD_NODE", body: add("inst_a", c1, ""), code: clInvalid,
			msg: "to_add and to_del both empty or both not empty"},
		{name: "missing instance", op: "ADD_NODE", body: add("ghost", c1, be("x", "1.1.1.1", 9050)), code: clInvalid,
			msg: "failed to get instance, instance_id=ghost err=KeyNotFound"},
		{name: "deleted instance", op: "ADD_NODE", body: add("inst_del", c1, be("x", "1.1.1.1", 9050)), code: clInvalid,
			msg: "instance status has been set delete, plz check it"},
		{name: "endpoint taken", op: "ADD_NODE", body: add("inst_a", c1, be("1:inst_a:n", "10.0.0.2", 9050)), code: clInvalid,
			msg: "compute node endpoint has been added, registered be node=10.0.0.2:9050"},
		{name: "fe endpoint taken", op: "ADD_NODE",
			body: add("inst_a", `"cluster_id":"fe_id","cluster_name":"fe","type":"SQL"`, `{"cloud_unique_id":"1:inst_a:fe9","ip":"10.0.0.1","edit_log_port":9010,"node_type":"FE_OBSERVER"}`),
			code: clInvalid, msg: "sql node endpoint has been added, registered fe node=10.0.0.1:9010"},
		{name: "node without address", op: "ADD_NODE", body: add("inst_a", c1, `{"cloud_unique_id":"1:inst_a:n","heartbeat_port":9051}`),
			code: clInvalid, msg: `add node input args node invalid, cluster={"cloud_unique_id":"1:inst_a:n","status":"NODE_STATUS_RUNNING","heartbeat_port":9051}`},
		{name: "cuid of another instance", op: "ADD_NODE", body: add("inst_a", c1, be("1:inst_b:be1", "1.1.1.1", 9050)), code: clInvalid,
			msg: "cloud_unique_id is already occupied by an instance, instance_id=inst_b cluster_name=b1 cluster_id=b1_id cloud_unique_id=1:inst_b:be1"},
		{name: "by cloud_unique_id every known cuid is occupied", op: "ADD_NODE",
			body: `{"cloud_unique_id":"1:inst_a:be1","cluster":{` + c1 + `,"nodes":[` + be("1:inst_a:be1", "1.1.1.1", 9051) + `]}}`, code: clInvalid,
			msg: "cloud_unique_id is already occupied by an instance, instance_id=inst_a cluster_name=c1 cluster_id=c1_id cloud_unique_id=1:inst_a:be1"},
		{name: "by cloud_unique_id with a new cuid", op: "ADD_NODE",
			body: `{"cloud_unique_id":"1:inst_a:be1","cluster":{` + c1 + `,"nodes":[` + be("1:inst_a:new", "1.1.1.1", 9051) + `]}}`,
			check: func(t *testing.T, e *testEnv) {
				if n := len(clCluster(e, "inst_a", "c1_id").Nodes); n != 2 {
					t.Fatalf("%d nodes", n)
				}
			}},
		{name: "second fe master", op: "ADD_NODE",
			body: add("inst_a", `"cluster_id":"fe_id","cluster_name":"fe","type":"SQL"`, `{"cloud_unique_id":"1:inst_a:fe2","ip":"10.0.0.9","edit_log_port":9010,"node_type":"FE_MASTER"}`),
			code: clInvalid, msg: "instance invalid, cant modify, plz check"},
		{name: "fe observer", op: "ADD_NODE",
			body: add("inst_a", `"cluster_id":"fe_id","cluster_name":"fe","type":"SQL"`, `{"cloud_unique_id":"1:inst_a:fe2","ip":"10.0.0.9","edit_log_port":9010,"node_type":"FE_OBSERVER"}`),
			check: func(t *testing.T, e *testEnv) {
				c := clCluster(e, "inst_a", "fe_id")
				if len(c.Nodes) != 2 || c.Nodes[1].NodeType.Get() != dorispb.NodeInfoPB_FE_OBSERVER {
					t.Fatalf("%s", dorispb.MarshalJSON(c))
				}
			}},
		{name: "success", op: "ADD_NODE", body: add("inst_a", c1, be("1:inst_a:be2", "10.0.0.3", 9050)+","+`{"cloud_unique_id":"1:inst_a:be3","ip":"10.0.0.4","heartbeat_port":"9050","ctime":"7"}`),
			check: func(t *testing.T, e *testEnv) {
				c := clCluster(e, "inst_a", "c1_id")
				got := string(dorispb.MarshalJSON(c.Nodes[1])) + string(dorispb.MarshalJSON(c.Nodes[2]))
				want := `{"cloud_unique_id":"1:inst_a:be2","ip":"10.0.0.3","ctime":"1700000000","mtime":"1700000000","status":"NODE_STATUS_RUNNING","heartbeat_port":9050}` +
					`{"cloud_unique_id":"1:inst_a:be3","ip":"10.0.0.4","ctime":"7","mtime":"1700000000","status":"NODE_STATUS_RUNNING","heartbeat_port":9050}`
				if got != want {
					t.Fatalf("nodes\n%s\nwant\n%s", got, want)
				}
			}},
		{name: "matched by name in a cluster with another id", op: "ADD_NODE",
			body: add("inst_a", `"cluster_id":"other","cluster_name":"c2","type":"COMPUTE"`, be("1:inst_a:be2", "10.0.0.3", 9050)),
			check: func(t *testing.T, e *testEnv) {
				if n := len(clCluster(e, "inst_a", "c2_id").Nodes); n != 1 {
					t.Fatalf("%d nodes", n)
				}
			}},
		{name: "no matching cluster is a no-op", op: "ADD_NODE",
			body: add("inst_a", `"cluster_id":"zz","cluster_name":"zz","type":"COMPUTE"`, be("1:inst_a:be2", "10.0.0.3", 9050)),
			check: func(t *testing.T, e *testEnv) {
				if len(clCluster(e, "inst_a", "c1_id").Nodes) != 1 || len(clCluster(e, "inst_a", "c2_id").Nodes) != 0 {
					t.Fatal("node added somewhere")
				}
			}},
		{name: "replayed node (same ip, new host) is skipped", op: "ADD_NODE",
			body: add("inst_a", c1, `{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","host":"h2","heartbeat_port":9050}`),
			check: func(t *testing.T, e *testEnv) {
				if n := len(clCluster(e, "inst_a", "c1_id").Nodes); n != 1 {
					t.Fatalf("%d nodes", n)
				}
			}},
	})
}

func TestDropNode(t *testing.T) {
	freshFE := `{"instance_id":"inst_f","clusters":[{"cluster_id":"fe_id","cluster_name":"fe","type":"SQL","nodes":[
	  {"cloud_unique_id":"1:inst_f:fe1","ip":"10.0.2.1","ctime":"1699999000","edit_log_port":9010,"node_type":"FE_MASTER"},
	  {"cloud_unique_id":"1:inst_f:fe2","ip":"10.0.2.2","ctime":"1699999800","edit_log_port":9010,"node_type":"FE_OBSERVER"},
	  {"cloud_unique_id":"1:inst_f:fe3","ip":"10.0.2.3","ctime":"1699999000","edit_log_port":9010,"node_type":"FE_OBSERVER"}]}]}`
	drop := func(instance, cluster, nodes string) string {
		return `{"instance_id":"` + instance + `","cluster":{` + cluster + `,"nodes":[` + nodes + `]}}`
	}
	c1 := `"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE"`
	feC := `"cluster_id":"fe_id","cluster_name":"fe","type":"SQL"`
	be1 := `{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9050}`
	clRun(t, []clCase{
		{name: "no type", op: "DROP_NODE", body: drop("inst_a", `"cluster_id":"c1_id"`, be1), code: clInvalid, msg: "cluster must have type arg"},
		{name: "no nodes", op: "DROP_NODE", body: drop("inst_a", c1, ""), code: clInvalid, msg: "to_add and to_del both empty or both not empty"},
		{name: "missing instance", op: "DROP_NODE", body: drop("ghost", c1, be1), code: clInvalid,
			msg: "failed to get instance, instance_id=ghost err=KeyNotFound"},
		{name: "deleted instance", op: "DROP_NODE", body: drop("inst_del", c1, be1), code: clInvalid,
			msg: "instance status has been set delete, plz check it"},
		{name: "unknown cuid", op: "DROP_NODE", body: drop("inst_a", c1, `{"cloud_unique_id":"1:inst_a:zz","ip":"10.0.0.2","heartbeat_port":9050}`),
			code: clNotFound,
			msg:  "not found ,can not find to drop nodes by cloud_unique_id=1:inst_a:zz instance_id=inst_a cluster_name=c1 cluster_id=c1_id help Msg=" + cacheHelpMsg},
		{name: "endpoint mismatch", op: "DROP_NODE", body: drop("inst_a", c1, `{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9051}`),
			code: clNotFound,
			msg:  "not found ,cloud_unique_id can not find to drop node, instance_id=inst_a cluster_name=c1 cluster_id=c1_id node_info=cloud_unique_id: \"1:inst_a:be1\"\nip: \"10.0.0.2\"\nheartbeat_port: 9051\n help Msg=" + cacheHelpMsg},
		{name: "node not in the named cluster", op: "DROP_NODE", body: drop("inst_a", `"cluster_id":"c2_id","cluster_name":"c2","type":"COMPUTE"`, be1),
			code: clNotFound,
			msg:  `not found ,failed to find node to drop, instance_id=inst_a cluster_id=c2_id cluster_name=c2 cluster={"cluster_id":"c2_id","cluster_name":"c2","type":"COMPUTE"} help Msg =` + cacheHelpMsg},
		{name: "fe in safe time", pre: []string{freshFE}, op: "DROP_NODE",
			body: drop("inst_f", feC, `{"cloud_unique_id":"1:inst_f:fe2","ip":"10.0.2.2","edit_log_port":9010}`), code: clInvalid,
			msg: "drop fe node not in safe time, try later, node=cloud_unique_id: \"1:inst_f:fe2\"\nip: \"10.0.2.2\"\nctime: 1699999800\nedit_log_port: 9010\nnode_type: FE_OBSERVER\n"},
		{name: "old fe observer", pre: []string{freshFE}, op: "DROP_NODE",
			body: drop("inst_f", feC, `{"cloud_unique_id":"1:inst_f:fe3","ip":"10.0.2.3","edit_log_port":9010,"node_type":""}`),
			check: func(t *testing.T, e *testEnv) {
				if n := len(clCluster(e, "inst_f", "fe_id").Nodes); n != 2 {
					t.Fatalf("%d nodes", n)
				}
			}},
		{name: "the only fe master", op: "DROP_NODE",
			body: drop("inst_a", feC, `{"cloud_unique_id":"1:inst_a:fe1","ip":"10.0.0.1","edit_log_port":9010}`), code: clInvalid,
			msg: "instance invalid, cant modify, plz check"},
		{name: "success", op: "DROP_NODE", body: drop("inst_a", c1, be1),
			check: func(t *testing.T, e *testEnv) {
				var ents []IndexEntry
				e.read(func(tx *Tx) Reply { ents = tx.NodeIndex("1:inst_a:be1"); return Reply{} })
				if len(clCluster(e, "inst_a", "c1_id").Nodes) != 0 || len(ents) != 0 {
					t.Fatalf("node left: %v", ents)
				}
			}},
		{name: "not-found message from a missing instance stays 400", op: "DROP_NODE", body: drop("ghost", c1, be1), code: clInvalid,
			msg: "failed to get instance, instance_id=ghost err=KeyNotFound"},
	})
}

func TestDecommissionNode(t *testing.T) {
	body := func(port int) string {
		return fmt.Sprintf(`{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":%d}]}}`, port)
	}
	statusIs := func(want dorispb.NodeStatusPB) func(t *testing.T, e *testEnv) {
		return func(t *testing.T, e *testEnv) {
			c := clCluster(e, "inst_a", "c1_id")
			if len(c.Nodes) != 1 {
				t.Fatalf("%s", dorispb.MarshalJSON(c))
			}
			n := c.Nodes[0]
			if n.Status.Get() != want || n.Ctime.Get() != clOldCtime || n.Mtime.Get() != clNow {
				t.Fatalf("node %s", dorispb.MarshalJSON(n))
			}
		}
	}
	clRun(t, []clCase{
		{name: "no type", op: "DECOMMISSION_NODE", body: `{"instance_id":"inst_a","cluster":{"nodes":[{"cloud_unique_id":"1:inst_a:be1"}]}}`,
			code: clInvalid, msg: "cluster must have type arg"},
		{name: "no nodes", op: "DECOMMISSION_NODE", body: `{"instance_id":"inst_a","cluster":{"type":"COMPUTE"}}`,
			code: clInvalid, msg: "to_add and to_del both empty or both not empty"},
		{name: "unknown cuid", op: "NOTIFY_DECOMMISSIONED",
			body: `{"instance_id":"inst_a","cluster":{"type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:zz","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
			code: clInvalid, msg: "cloud_unique_id not found"},
		{name: "no endpoint matches", op: "DECOMMISSION_NODE", body: body(9051), code: clInvalid,
			msg: "to_add and to_del both empty or both not empty"},
		{name: "decommission", op: "DECOMMISSION_NODE", body: body(9050), check: statusIs(dorispb.NodeStatusPB_NODE_STATUS_DECOMMISSIONING)},
		{name: "notify decommissioned", op: "NOTIFY_DECOMMISSIONED", body: body(9050), check: statusIs(dorispb.NodeStatusPB_NODE_STATUS_DECOMMISSIONED)},
		{name: "by cloud_unique_id", op: "DECOMMISSION_NODE",
			body:  `{"cloud_unique_id":"1:inst_a:fe1","cluster":{"type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
			check: statusIs(dorispb.NodeStatusPB_NODE_STATUS_DECOMMISSIONING)},
	})
}

// TestNodeLifeCycle runs the whole node life cycle in order: add,
// decommission, notify decommissioned, drop.
func TestNodeLifeCycle(t *testing.T) {
	e := clEnv(t, DefaultConfig(), clFixture...)
	node := `{"cloud_unique_id":"1:inst_a:be9","ip":"10.0.0.9","heartbeat_port":9050}`
	steps := []struct {
		op   dorispb.AlterClusterRequest_Operation
		want dorispb.NodeStatusPB
	}{
		{dorispb.AlterClusterRequest_ADD_NODE, dorispb.NodeStatusPB_NODE_STATUS_RUNNING},
		{dorispb.AlterClusterRequest_DECOMMISSION_NODE, dorispb.NodeStatusPB_NODE_STATUS_DECOMMISSIONING},
		{dorispb.AlterClusterRequest_NOTIFY_DECOMMISSIONED, dorispb.NodeStatusPB_NODE_STATUS_DECOMMISSIONED},
	}
	for _, s := range steps {
		req := parse[dorispb.AlterClusterRequest](t, `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","nodes":[`+node+`]}}`)
		req.Op.Set(s.op)
		wantErr(t, e.mutate(OpAlterCluster, req), clOK, "")
		nodes := clCluster(e, "inst_a", "c1_id").Nodes
		if len(nodes) != 2 || nodes[1].Status.Get() != s.want {
			t.Fatalf("after %v: %s", s.op, dorispb.MarshalJSON(clCluster(e, "inst_a", "c1_id")))
		}
		e.now = e.now.Add(10e9)
	}
	req := parse[dorispb.AlterClusterRequest](t, `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","nodes":[`+node+`]}}`)
	req.Op.Set(dorispb.AlterClusterRequest_DROP_NODE)
	wantErr(t, e.mutate(OpAlterCluster, req), clOK, "")
	if n := len(clCluster(e, "inst_a", "c1_id").Nodes); n != 1 {
		t.Fatalf("%d nodes after drop", n)
	}
}

func TestGetCluster(t *testing.T) {
	e := clEnv(t, DefaultConfig(), clFixture...)
	c1 := `{"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","ctime":"1699999000","mtime":"1699999000","heartbeat_port":9050}],"mysql_user_name":["jack"],"cluster_status":"NORMAL"}`
	c2 := `{"cluster_id":"c2_id","cluster_name":"c2","type":"COMPUTE"}`
	cases := []struct {
		name, body string
		code       dorispb.MetaServiceCode
		msg        string
		result     string // "" = no result
	}{
		{"no cuid", `{"instance_id":"inst_a"}`, clInvalid, "cloud_unique_id must be given", ""},
		{"unresolvable cuid", `{"cloud_unique_id":"zz"}`, clInvalid, "empty instance_id", ""},
		{"unresolvable cuid, empty instance id", `{"cloud_unique_id":"zz","instance_id":""}`, clInvalid,
			"failed to get instance_id with cloud_unique_id=zz", ""},
		{"unresolvable cuid, missing instance", `{"cloud_unique_id":"zz","instance_id":"ghost"}`, clGetErr,
			"failed to get instance, instance_id=ghost err=KeyNotFound", ""},
		{"by id", `{"cloud_unique_id":"1:inst_a:be1","cluster_id":"c1_id"}`, clOK, "", c1},
		{"id beats name", `{"cloud_unique_id":"1:inst_a:be1","cluster_id":"c2_id","cluster_name":"c1"}`, clOK, "", c2},
		{"by name", `{"cloud_unique_id":"1:inst_a:be1","cluster_name":"c2","mysql_user_name":"jack"}`, clOK, "", c2},
		{"by mysql user", `{"cloud_unique_id":"1:inst_a:be1","mysql_user_name":"jack"}`, clOK, "", c1},
		{"fallback to instance id", `{"cloud_unique_id":"zz","instance_id":"inst_a","cluster_id":"c2_id"}`, clOK, "", c2},
		{"not found", `{"cloud_unique_id":"1:inst_a:be1","cluster_id":"nope"}`, clNotFound,
			`fail to get cluster with cloud_unique_id: "1:inst_a:be1" cluster_id: "nope"`, ""},
		{"not found keeps the whole request", `{"instance_id":"x","cloud_unique_id":"1:inst_a:be1","cluster_name":"n","request_ip":"1.2.3.4"}`, clNotFound,
			`fail to get cluster with instance_id: "x" cloud_unique_id: "1:inst_a:be1" cluster_name: "n" request_ip: "1.2.3.4"`, ""},
		{"all of a cluster-less instance", `{"cloud_unique_id":"1:inst_del:x"}`, clNotFound,
			`fail to get cluster with cloud_unique_id: "1:inst_del:x"`, ""},
		{"all", `{"cloud_unique_id":"1:inst_b:be1"}`, clOK, "",
			`{"status":{"code":"OK","msg":""},"cluster":[{"cluster_id":"b1_id","cluster_name":"b1","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_b:be1","ip":"10.0.1.1","heartbeat_port":9050}],"cluster_status":"NORMAL"}],"enable_storage_vault":false}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := parse[dorispb.GetClusterRequest](t, c.body)
			r := e.read(func(tx *Tx) Reply { return getCluster(tx, req) })
			wantErr(t, r.Err, c.code, c.msg)
			got := ""
			if r.Result != nil {
				got = string(dorispb.MarshalJSON(r.Result))
			}
			if got != c.result {
				t.Fatalf("result\n%s\nwant\n%s", got, c.result)
			}
		})
	}
}

func TestGetClusterStatus(t *testing.T) {
	e := clEnv(t, DefaultConfig(), append(clFixture,
		`{"instance_id":"inst_c","clusters":[{"cluster_id":"x1","cluster_name":"x1","type":"COMPUTE","cluster_status":"SUSPENDED"},{"cluster_id":"x2","cluster_name":"x2","type":"COMPUTE"}]}`)...)
	aDetail := `{"instance_id":"inst_a","clusters":[{"cluster_id":"c1_id","cluster_name":"c1","cluster_status":"NORMAL"},{"cluster_id":"c2_id","cluster_name":"c2","cluster_status":"NORMAL"}]}`
	cases := []struct {
		name, body string
		code       dorispb.MetaServiceCode
		msg        string
		result     string
	}{
		{"nothing given", `{}`, clInvalid, "cloud_unique_ids or instance_ids must be given, instance_ids.size: 0 cloud_unique_ids.size: 0",
			`{"status":{"code":"INVALID_ARGUMENT","msg":"cloud_unique_ids or instance_ids must be given, instance_ids.size: 0 cloud_unique_ids.size: 0"}}`},
		{"no cuid resolves", `{"cloud_unique_ids":["zz"]}`, clOK, "", `{"status":{"code":"OK","msg":""}}`},
		{"missing instance skipped", `{"instance_ids":["ghost"]}`, clOK, "", `{"status":{"code":"OK","msg":"{}"}}`},
		{"instances", `{"instance_ids":["inst_a","ghost","inst_del"]}`, clOK, "",
			`{"status":{"code":"OK","msg":"{\"details\":[` + strings.ReplaceAll(aDetail, `"`, `\"`) + `]}"},"details":[` + aDetail + `]}`},
		{"instance ids win over cuids", `{"instance_ids":["inst_b"],"cloud_unique_ids":["1:inst_a:be1"]}`, clOK, "",
			`{"status":{"code":"OK","msg":"{\"details\":[{\"instance_id\":\"inst_b\",\"clusters\":[{\"cluster_id\":\"b1_id\",\"cluster_name\":\"b1\",\"cluster_status\":\"NORMAL\"}]}]}"},"details":[{"instance_id":"inst_b","clusters":[{"cluster_id":"b1_id","cluster_name":"b1","cluster_status":"NORMAL"}]}]}`},
		{"filter compares the stored status", `{"cloud_unique_ids":["1:inst_c:x"],"status":"UNKNOWN"}`, clOK, "",
			`{"status":{"code":"OK","msg":"{\"details\":[{\"instance_id\":\"inst_c\",\"clusters\":[{\"cluster_id\":\"x2\",\"cluster_name\":\"x2\",\"cluster_status\":\"NORMAL\"}]}]}"},"details":[{"instance_id":"inst_c","clusters":[{"cluster_id":"x2","cluster_name":"x2","cluster_status":"NORMAL"}]}]}`},
		{"filter suspended", `{"instance_ids":["inst_c","inst_a"],"status":"SUSPENDED"}`, clOK, "",
			`{"status":{"code":"OK","msg":"{\"details\":[{\"instance_id\":\"inst_c\",\"clusters\":[{\"cluster_id\":\"x1\",\"cluster_name\":\"x1\",\"cluster_status\":\"SUSPENDED\"}]}]}"},"details":[{"instance_id":"inst_c","clusters":[{"cluster_id":"x1","cluster_name":"x1","cluster_status":"SUSPENDED"}]}]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := parse[dorispb.GetClusterStatusRequest](t, c.body)
			r := e.read(func(tx *Tx) Reply { return getClusterStatus(tx, req) })
			wantErr(t, r.Err, c.code, c.msg)
			if got := string(dorispb.MarshalJSON(r.Result)); got != c.result {
				t.Fatalf("result\n%s\nwant\n%s", got, c.result)
			}
		})
	}
}

func TestHeartbeat(t *testing.T) {
	e := clEnv(t, DefaultConfig(), clFixture...)
	apply := func(hb Heartbeat) *Error {
		var out *Error
		_ = e.db.Update(func(tx *bolt.Tx) error {
			out = applyHeartbeat(&Tx{tx: tx, now: e.now, svc: e.svc}, &hb)
			if out != nil {
				return out
			}
			return nil
		})
		return out
	}
	status := func() map[string][]BEStatus {
		var m map[string][]BEStatus
		e.read(func(tx *Tx) Reply {
			var err *Error
			m, err = cloudClusterStatus(tx, "inst_a")
			if err != nil {
				t.Fatal(err)
			}
			return Reply{}
		})
		return m
	}
	if got := status(); fmt.Sprint(got) != "map[c1_id:[{10.0.0.2 9050 -1 -1 -1 0 0}]]" {
		t.Fatalf("before any heartbeat: %v", got)
	}
	bad := []struct {
		hb   Heartbeat
		code dorispb.MetaServiceCode
		msg  string
	}{
		{Heartbeat{Host: "10.0.0.2", HeartbeatPort: 9050}, clInvalid, "cloud_unique_id must be given"},
		{Heartbeat{CloudUniqueID: "1:inst_a:be1", HeartbeatPort: 9050}, clInvalid, "host must be given"},
		{Heartbeat{CloudUniqueID: "1:inst_a:be1", Host: "10.0.0.2"}, clInvalid, "invalid heartbeat_port 0, want 1-65535"},
		{Heartbeat{CloudUniqueID: "1:inst_a:be1", Host: "10.0.0.2", HeartbeatPort: 9050, BePort: 70000}, clInvalid, "invalid be_port 70000, want -1 or 0-65535"},
		{Heartbeat{CloudUniqueID: "1:inst_a:be1", Host: "10.0.0.2", HeartbeatPort: 9050, CurrentFragmentNum: -1}, clInvalid, "invalid current_fragment_num -1, want >= 0"},
		{Heartbeat{CloudUniqueID: "zz", Host: "10.0.0.2", HeartbeatPort: 9050}, clInvalid, "empty instance_id"},
		{Heartbeat{CloudUniqueID: "1:inst_a:be1", Host: "10.0.0.2", HeartbeatPort: 9051}, clNotFound,
			"compute node not found, instance_id=inst_a cloud_unique_id=1:inst_a:be1 host=10.0.0.2 heartbeat_port=9051"},
		{Heartbeat{CloudUniqueID: "1:inst_a:fe1", Host: "10.0.0.1", HeartbeatPort: 9010}, clNotFound,
			"compute node not found, instance_id=inst_a cloud_unique_id=1:inst_a:fe1 host=10.0.0.1 heartbeat_port=9010"},
	}
	for _, b := range bad {
		before := instDump(e)
		wantErr(t, apply(b.hb), b.code, b.msg)
		if !maps.Equal(instDump(e), before) {
			t.Fatalf("rejected heartbeat %+v changed the state", b.hb)
		}
	}
	hb := Heartbeat{CloudUniqueID: "1:inst_a:be1", Host: "10.0.0.2", HeartbeatPort: 9050, BePort: 9060, HTTPPort: 8040, BrpcPort: 8060, CurrentFragmentNum: 3}
	wantErr(t, apply(hb), clOK, "")
	first := e.now.UnixMilli()
	if got := fmt.Sprint(status()); got != fmt.Sprintf("map[c1_id:[{10.0.0.2 9050 9060 8040 8060 3 %d}]]", first) {
		t.Fatalf("after heartbeat: %s", got)
	}
	// Same fragment count later: the update time stays.
	e.now = e.now.Add(5e9)
	wantErr(t, apply(hb), clOK, "")
	if got := status()["c1_id"][0].LastFragmentUpdateTime; got != first {
		t.Fatalf("update time moved to %d", got)
	}
	// A new count moves it; a reported time wins.
	hb.CurrentFragmentNum = 0
	wantErr(t, apply(hb), clOK, "")
	if got := status()["c1_id"][0]; got.LastFragmentUpdateTime != e.now.UnixMilli() || got.CurrentFragmentNum != 0 {
		t.Fatalf("after change: %+v", got)
	}
	hb.LastFragmentUpdateTime = 42
	wantErr(t, apply(hb), clOK, "")
	if got := status()["c1_id"][0].LastFragmentUpdateTime; got != 42 {
		t.Fatalf("reported time not used: %d", got)
	}
	// A node dropped and added again starts without heartbeat data.
	for _, op := range []dorispb.AlterClusterRequest_Operation{dorispb.AlterClusterRequest_DROP_NODE, dorispb.AlterClusterRequest_ADD_NODE} {
		req := parse[dorispb.AlterClusterRequest](t, `{"instance_id":"inst_a","cluster":{"cluster_id":"c1_id","cluster_name":"c1","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9050}]}}`)
		req.Op.Set(op)
		wantErr(t, e.mutate(OpAlterCluster, req), clOK, "")
	}
	if got := status()["c1_id"][0]; got.BePort != -1 || got.LastFragmentUpdateTime != 0 {
		t.Fatalf("stale heartbeat shown: %+v", got)
	}
	var err *Error
	e.read(func(tx *Tx) Reply { _, err = cloudClusterStatus(tx, "ghost"); return Reply{} })
	wantErr(t, err, clNotFound, "instance not found, instance_id=ghost")
	var all map[string][]BEStatus
	e.read(func(tx *Tx) Reply { all, _ = cloudClusterStatus(tx, ""); return Reply{} })
	if len(all) != 2 || len(all["b1_id"]) != 1 || all["b1_id"][0].Host != "10.0.1.1" {
		t.Fatalf("all instances: %v", all)
	}
}

func TestValidClusterName(t *testing.T) {
	for s, want := range map[string]bool{"a": true, "A_1": true, "": false, "1a": false, "_a": false, "a-b": false, "a b": false, "ab\n": false, "é": false} {
		if got := validClusterName(s); got != want {
			t.Errorf("validClusterName(%q) = %v", s, got)
		}
	}
}

// FuzzAlterClusterApply feeds arbitrary alter_cluster bodies and ops to the
// state machine's apply: no panic, and a rejected request leaves no trace.
func FuzzAlterClusterApply(f *testing.F) {
	for i, s := range []string{
		`{}`, `{"instance_id":"inst_a","cluster":{}}`,
		`{"instance_id":"inst_a","cluster":{"cluster_id":"c","cluster_name":"c","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:inst_a:x","ip":"1.1.1.1","heartbeat_port":9050}]}}`,
		`{"instance_id":"inst_a","cluster":{"cluster_id":"fe_id","type":"SQL","nodes":[{"cloud_unique_id":"1:inst_a:fe1","ip":"10.0.0.1","edit_log_port":9010}]}}`,
		`{"cloud_unique_id":"1:inst_a:be1","cluster":{"cluster_id":"c1_id","type":"COMPUTE","cluster_status":"SUSPENDED","nodes":[{"cloud_unique_id":"1:inst_a:be1","ip":"10.0.0.2","heartbeat_port":9050}]}}`,
		`{"instance_id":"inst_a","cluster":{"cluster_id":"v","cluster_name":"v","type":"VIRTUAL","cluster_names":["c1","c2"],"cluster_policy":{"type":"ActiveStandby","active_cluster_name":"c1","standby_cluster_names":["c2"],"unhealthy_node_threshold_percent":"0"}}}`,
		`{"instance_id":"inst_a","cluster":{"cluster_id":"c2_id","cluster_names":["c1"],"cluster_policy":{"standby_cluster_names":["c1","c2"]}}}`,
	} {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		req := &dorispb.AlterClusterRequest{}
		if dorispb.Unmarshal([]byte(body), req) != nil {
			return
		}
		req.Op.Set(dorispb.AlterClusterRequest_Operation(op % 14))
		e := clFastEnv(t)
		before := instDump(e)
		if got := e.mutate(OpAlterCluster, req); got != nil {
			if got.Code == clOK || got.Msg == "" {
				t.Fatalf("error without code or message: %+v", got)
			}
			if !maps.Equal(instDump(e), before) {
				t.Fatal("rejected request changed the state")
			}
		}
	})
}

// clFastEnv is clEnv with the fixture on a bbolt file that never fsyncs,
// so that fuzzing is not bound by the disk.
func clFastEnv(t *testing.T) *testEnv {
	t.Helper()
	return clEnvDB(t, DefaultConfig(), &bolt.Options{NoSync: true, NoFreelistSync: true}, clFixture...)
}

// TestAlterVClusterInfo covers the alter_vcluster_info operation (a
// master-generation route; the operation is still handled).
func TestAlterVClusterInfo(t *testing.T) {
	inst := `{"instance_id":"inst_v","clusters":[
	  {"cluster_id":"s1","cluster_name":"s1","type":"COMPUTE"},{"cluster_id":"s2","cluster_name":"s2","type":"COMPUTE"},
	  {"cluster_id":"s3","cluster_name":"s3","type":"COMPUTE"},{"cluster_id":"s4","cluster_name":"s4","type":"COMPUTE"},
	  {"cluster_id":"v1","cluster_name":"v1","type":"VIRTUAL","cluster_names":["s1","s2"],
	   "cluster_policy":{"type":"ActiveStandby","active_cluster_name":"s1","standby_cluster_names":["s2"],"failover_failure_threshold":"3","unhealthy_node_threshold_percent":"100"}}]}`
	other := `{"instance_id":"inst_v","clusters":[
	  {"cluster_id":"s1","cluster_name":"s1","type":"COMPUTE"},{"cluster_id":"s3","cluster_name":"s3","type":"COMPUTE"},
	  {"cluster_id":"v1","cluster_name":"v1","type":"VIRTUAL"},{"cluster_id":"v2","cluster_name":"v2","type":"VIRTUAL","cluster_names":["s3","s4"]}]}`
	alter := func(cluster string) string {
		return `{"instance_id":"inst_v","cluster":{"cluster_id":"v1",` + cluster + `}}`
	}
	clRun(t, []clCase{
		{name: "missing sub cluster", pre: []string{inst}, op: "ALTER_VCLUSTER_INFO", body: alter(`"cluster_names":["s1","zz"]`),
			code: clInvalid, msg: "sub cluster zz not been added in instance, plz add it before create virtual cluster"},
		{name: "standby left out of the names", pre: []string{inst}, op: "ALTER_VCLUSTER_INFO", body: alter(`"cluster_names":["s1","s3"]`),
			code: clInvalid, msg: "standby_cluster_name s2 must be in cluster_names"},
		{name: "bad threshold", pre: []string{inst}, op: "ALTER_VCLUSTER_INFO", body: alter(`"cluster_policy":{"unhealthy_node_threshold_percent":"0"}`),
			code: clInvalid, msg: "unhealthy_node_threshold_percent must be greater than 0 and less than or equal to 100"},
		{name: "owned by another virtual cluster", pre: []string{other}, op: "ALTER_VCLUSTER_INFO", body: alter(`"cluster_names":["s1","s3"]`),
			code: clInvalid, msg: "sub cluster s3 has been add by other vcg=v2"},
		{name: "swap standby", pre: []string{inst}, op: "ALTER_VCLUSTER_INFO",
			body: alter(`"cluster_names":["s1","s3"],"cluster_policy":{"standby_cluster_names":["s3","s4"],"cache_warmup_jobids":["j"]}`),
			check: func(t *testing.T, e *testEnv) {
				got := string(dorispb.MarshalJSON(clCluster(e, "inst_v", "v1")))
				want := `{"cluster_id":"v1","cluster_name":"v1","type":"VIRTUAL","cluster_names":["s1","s3"],"cluster_policy":{"type":"ActiveStandby","active_cluster_name":"s1","standby_cluster_names":["s3"],"failover_failure_threshold":"3","unhealthy_node_threshold_percent":"100","cache_warmup_jobids":["j"]}}`
				if got != want {
					t.Fatalf("stored\n%s\nwant\n%s", got, want)
				}
			}},
	})
}
