package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
)

// instSeedTime is the clock of the instance tests: every ctime/mtime.
var instSeedTime = time.Unix(1733650571, 0)

func startInstanceServer(t testing.TB, reveal bool) *servertest.Server {
	return servertest.Start(t, servertest.Options{
		Clock: servertest.NewClock(instSeedTime),
		Edit:  func(c *server.Config) { c.Meta.RevealSecretsInGetInstance = reveal },
	})
}

// msCall sends one meta-service request with the seed's Content-Type.
func msCall(t testing.TB, s *servertest.Server, method, route, query, body string) servertest.Response {
	t.Helper()
	return servertest.Do(t, method, msURL(s, route, query), body, "Content-Type", "text/plain")
}

func mustOK(t testing.TB, s *servertest.Server, route, body string) {
	t.Helper()
	if r := msCall(t, s, "PUT", route, "", body); r.Status != 200 || r.Body != msOK {
		t.Fatalf("%s %s: %d %q", route, body, r.Status, r.Body)
	}
}

const seedHDFS = `{
"instance_id": "sample_instance_id",
"name": "sample_instance_name",
"user_id": "sample_user_id",
"vault": {
"hdfs_info" : {
"build_conf": {
"fs_name": "hdfs://172.21.0.44:4007",
"user": "hadoop",
"hdfs_kerberos_keytab": "/etc/emr.keytab",
"hdfs_kerberos_principal": "hadoop/172.30.0.178@EMR-XXXYYY",
"hdfs_confs" : [
{
"key": "hadoop.security.authentication",
"value": "kerberos"
}
]
},
"prefix": "sample_prefix"
}
}
}`

const seedCOS = `{
"instance_id": "sample_instance_id",
"name": "sample_instance_name",
"user_id": "sample_user_id",
"vault": {
"obj_info": {
"ak": "ak_xxxxxxxxxxx",
"sk": "sk_xxxxxxxxxxx",
"bucket": "sample_bucket_name",
"prefix": "sample_prefix",
"endpoint": "cos.ap-beijing.myqcloud.com",
"external_endpoint": "cos.ap-beijing.myqcloud.com",
"region": "ap-beijing",
"provider": "COS"
}
}
}`

// seedLegacyHead is the part of the seed's legacy create_instance example
// up to its obj_info.
const seedLegacyHead = `{
"instance_id": "123456",
"name": "name",
"user_id": "abcdef",
"obj_info": {
"ak": "test-ak1",
"sk": "test-sk1",
"bucket": "test-bucket",
"prefix": "test-prefix",
"endpoint": "test-endpoint",
"region": "test-region",
"provider": "OBS",
"user_id": "xxx"
}`

// seedLegacy is the seed's legacy create_instance example verbatim: it is
// not JSON (a missing comma, bare `string` placeholders).
const seedLegacy = seedLegacyHead + `
"ram_user": {
"user_id": string,
"ak": string,
"sk": string
}
}`

// seedLegacyFixed is seedLegacy made JSON; like the seed it has no
// external_endpoint, which the reference requires.
const seedLegacyFixed = seedLegacyHead + `,
"ram_user": {
"user_id": "ram",
"ak": "ram-ak",
"sk": "ram-sk"
}
}`

// TestMetaServiceInstanceSeed replays the seed document's examples.
func TestMetaServiceInstanceSeed(t *testing.T) {
	s := startInstanceServer(t, true)

	// create_instance with an HDFS vault, then the same id again with the
	// object-store vault example: the documented ALREADY_EXISTED failure.
	mustOK(t, s, "create_instance", seedHDFS)
	r := msCall(t, s, "PUT", "v1/create_instance", "", seedCOS)
	if want := msErr("ALREADY_EXISTED", "instance already existed, instance_id=sample_instance_id, err=Ok"); r.Status != 409 || r.Body != want {
		t.Fatalf("create again: %d %q", r.Status, r.Body)
	}
	mustOK(t, s, "create_instance", strings.Replace(seedCOS, "sample_instance_id", "sample_cos", 1))

	// The legacy example: not JSON as printed; once fixed, refused for
	// its missing external_endpoint; accepted with one.
	r = msCall(t, s, "PUT", "create_instance", "", seedLegacy)
	if r.Status != 400 || !strings.HasPrefix(r.Body, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"parse http request 'create_instance': ") {
		t.Fatalf("legacy seed verbatim: %d %q", r.Status, r.Body)
	}
	r = msCall(t, s, "PUT", "create_instance", "", seedLegacyFixed)
	if want := msErr("INVALID_ARGUMENT", "s3 conf info err, please check it"); r.Status != 400 || r.Body != want {
		t.Fatalf("legacy seed: %d %q", r.Status, r.Body)
	}
	mustOK(t, s, "create_instance", strings.Replace(seedLegacyFixed, `"provider": "OBS",`, `"provider": "OBS", "external_endpoint": "test-endpoint",`, 1))

	// set_instance_status (curl example) and drop_instance.
	mustOK(t, s, "create_instance", `{"instance_id":"test_instance"}`)
	mustOK(t, s, "set_instance_status", "{\n\"instance_id\":\"test_instance\",\n\"op\": \"SET_OVERDUE\"\n}")
	mustOK(t, s, "drop_instance", "{\n\"instance_id\": \"123456\"\n}")

	// get_instance of a fresh legacy instance, byte for byte.
	mustOK(t, s, "create_instance", `{"instance_id":"test-instance","name":"user_1","user_id":"10000","obj_info":{"ak":"test-ak1","sk":"test-sk1",`+
		`"bucket":"test-bucket","prefix":"test-prefix","endpoint":"test-endpoint","region":"test-region","provider":"BOS",`+
		`"external_endpoint":"test-external-endpoint"}}`)
	wantInstance := `{
    "code": "OK",
    "msg": "",
    "result": {
        "user_id": "10000",
        "instance_id": "test-instance",
        "name": "user_1",
        "obj_info": [
            {
                "ctime": "1733650571",
                "mtime": "1733650571",
                "id": "1",
                "ak": "test-ak1",
                "sk": "test-sk1",
                "bucket": "test-bucket",
                "prefix": "test-prefix",
                "endpoint": "test-endpoint",
                "region": "test-region",
                "provider": "BOS",
                "external_endpoint": "test-external-endpoint",
                "encryption_info": {
                    "encryption_method": "AES_256_ECB",
                    "key_id": "1"
                },
                "sse_enabled": false
            }
        ],
        "status": "NORMAL",
        "iam_user": {
            "user_id": "",
            "ak": "",
            "sk": "",
            "external_id": "test-instance"
        },
        "sse_enabled": false,
        "enable_storage_vault": false
    }
}
`
	r = msCall(t, s, "GET", "get_instance", "instance_id=test-instance", "")
	if r.Status != 200 || r.Body != wantInstance {
		t.Fatalf("get_instance: %d\n%s", r.Status, r.Body)
	}

	// get_obj_store_info by a degraded cloud_unique_id.
	mustOK(t, s, "create_instance", `{"instance_id":"regression_instance0","obj_info":{"ak":"xxxx","sk":"xxxxx","bucket":"doris-xxx-1308700295",`+
		`"prefix":"selectdb-xxxx-regression-prefix","endpoint":"cos.ap-yyy.xxxx.com","external_endpoint":"cos.ap-yyy.xxxx.com","region":"ap-xxx","provider":"COS"}}`)
	wantObj := `{
    "code": "OK",
    "msg": "",
    "result": {
        "status": {
            "code": "OK",
            "msg": ""
        },
        "obj_info": [
            {
                "ctime": "1733650571",
                "mtime": "1733650571",
                "id": "1",
                "ak": "xxxx",
                "sk": "xxxxx",
                "bucket": "doris-xxx-1308700295",
                "prefix": "selectdb-xxxx-regression-prefix",
                "endpoint": "cos.ap-yyy.xxxx.com",
                "region": "ap-xxx",
                "provider": "COS",
                "external_endpoint": "cos.ap-yyy.xxxx.com",
                "encryption_info": {
                    "encryption_method": "AES_256_ECB",
                    "key_id": "1"
                },
                "sse_enabled": false
            }
        ],
        "enable_storage_vault": false
    }
}
`
	seedCUID := `{"cloud_unique_id": "1:regression_instance0:cloud_unique_id_compute_node1"}`
	for _, route := range []string{"get_obj_store_info", "v1/get_obj_store_info", "show_storage_vaults"} {
		if r := msCall(t, s, "PUT", route, "", seedCUID); r.Status != 200 || r.Body != wantObj {
			t.Fatalf("%s: %d\n%s", route, r.Status, r.Body)
		}
	}

	// add_obj_info: the seed's body has no provider.
	seedAdd := `{
"cloud_unique_id": "1:regression_instance0:cloud_unique_id_compute_node1",
"obj": {
"ak": "test-ak91",
"sk": "test-sk1",
"bucket": "test-bucket",
"prefix": "test-prefix",
"endpoint": "test-endpoint",
"region": "test-region"
}
}`
	r = msCall(t, s, "PUT", "add_obj_info", "", seedAdd)
	if want := msErr("INVALID_ARGUMENT", "s3 conf lease provider info"); r.Status != 400 || r.Body != want {
		t.Fatalf("add_obj_info seed: %d %q", r.Status, r.Body)
	}
	r = msCall(t, s, "PUT", "add_obj_info", "", strings.Replace(seedAdd, `"region": "test-region"`, `"provider": "S3"`, 1))
	if want := msErr("INVALID_ARGUMENT", "s3 conf info err, please check it"); r.Status != 400 || r.Body != want {
		t.Fatalf("add_obj_info without region: %d %q", r.Status, r.Body)
	}
	mustOK(t, s, "add_obj_info", strings.Replace(seedAdd, `"region": "test-region"`, `"region": "test-region", "provider": "S3"`, 1))

	// legacy_update_ak_sk: the seed's body has a trailing comma, which the
	// protobuf JSON parser accepts. Repeating it answers OK and writes
	// nothing (the docs say it errors).
	seedLegacyUpdate := `{
"cloud_unique_id": "1:regression_instance0:cloud_unique_id_compute_node1",
"obj": {
"id": "1",
"ak": "test-ak",
"sk": "test-sk",
}
}`
	mustOK(t, s, "legacy_update_ak_sk", seedLegacyUpdate)
	before := msCall(t, s, "GET", "get_instance", "instance_id=regression_instance0", "").Body
	if !strings.Contains(before, `"ak": "test-ak",`) || !strings.Contains(before, `"sk": "test-sk",`) {
		t.Fatalf("after legacy_update_ak_sk: %s", before)
	}
	mustOK(t, s, "legacy_update_ak_sk", seedLegacyUpdate)
	if after := msCall(t, s, "GET", "get_instance", "instance_id=regression_instance0", "").Body; after != before {
		t.Fatalf("unchanged legacy_update_ak_sk changed the instance:\n%s\n%s", before, after)
	}

	// update_ak_sk: rotate the RAM user and two bucket users; the same
	// call again is the documented failure.
	mustOK(t, s, "create_instance", `{"instance_id":"test","obj_info":{"ak":"a1","sk":"s1","bucket":"b","endpoint":"e","external_endpoint":"e",`+
		`"region":"r","provider":"COS","user_id":"bucket_user_id_1"},"ram_user":{"user_id":"ram_user_id","ak":"rak","sk":"rsk"}}`)
	mustOK(t, s, "add_obj_info", `{"cloud_unique_id":"1:test:x","obj":{"ak":"a2","sk":"s2","bucket":"b","prefix":"p","endpoint":"e",`+
		`"region":"r","provider":"COS","user_id":"bucket_user_id_2"}}`)
	seedUpdate := `{
"instance_id":"test",
"internal_bucket_user":[
{
"user_id": "bucket_user_id_1",
"ak": "xxxx",
"sk": "xxxx"
},
{
"user_id": "bucket_user_id_2",
"ak": "xxxx",
"sk": "xxxx"
}
],
"ram_user": {
"user_id": "ram_user_id",
"ak": "xxxx",
"sk": "xxxx"
}
}`
	mustOK(t, s, "update_ak_sk", seedUpdate)
	r = msCall(t, s, "PUT", "update_ak_sk", "", seedUpdate)
	if want := msErr("INVALID_ARGUMENT", "ak sk eq original, please check it"); r.Status != 400 || r.Body != want {
		t.Fatalf("update_ak_sk again: %d %q", r.Status, r.Body)
	}
	r = msCall(t, s, "GET", "get_obj_store_info", "", `{"cloud_unique_id":"1:test:x"}`)
	if r.Status != 200 || strings.Count(r.Body, `"ak": "xxxx"`) != 2 || strings.Count(r.Body, `"sk": "xxxx"`) != 2 {
		t.Fatalf("after update_ak_sk: %s", r.Body)
	}
}

// instState is what a rejected request must not change: get_instance and
// get_obj_store_info of every instance of the error table.
func instState(t *testing.T, s *servertest.Server) string {
	t.Helper()
	var b strings.Builder
	for _, id := range []string{"i", "d", "v", "o"} {
		b.WriteString(msCall(t, s, "GET", "get_instance", "instance_id="+id, "").Body)
		b.WriteString(msCall(t, s, "POST", "get_obj_store_info", "", `{"cloud_unique_id":"1:`+id+`:x"}`).Body)
	}
	return b.String()
}

// TestMetaServiceInstanceErrors checks every documented error of the
// instance and object-store routes over HTTP, byte for byte, and that none
// of them changes the state.
func TestMetaServiceInstanceErrors(t *testing.T) {
	s := startInstanceServer(t, true)
	legacyObj := `{"ak":"ak1","sk":"sk1","bucket":"b","prefix":"p","endpoint":"e","external_endpoint":"e","region":"r","provider":"BOS"}`
	mustOK(t, s, "create_instance", `{"instance_id":"i","obj_info":`+legacyObj+`,"ram_user":{"user_id":"ram","ak":"rak","sk":"rsk"}}`)
	mustOK(t, s, "create_instance", `{"instance_id":"d","obj_info":`+legacyObj+`}`)
	mustOK(t, s, "drop_instance", `{"instance_id":"d"}`)
	mustOK(t, s, "create_instance", `{"instance_id":"v","vault":{"hdfs_info":{"build_conf":{"fs_name":"hdfs://nn:8020"},"prefix":"p"}}}`)
	mustOK(t, s, "create_instance", `{"instance_id":"o","obj_info":`+legacyObj+`}`)
	mustOK(t, s, "set_instance_status", `{"instance_id":"o","op":"SET_OVERDUE"}`)
	mustOK(t, s, "alter_iam", `{"account_id":"acct","ak":"iak","sk":"isk"}`)

	const bad, nf, ex, ie = "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTED", "INTERNAL_ERROR"
	addObj := func(obj string) string { return `{"cloud_unique_id":"1:i:x","obj":` + obj + `}` }
	good := `{"ak":"a2","sk":"s2","bucket":"b2","prefix":"p2","endpoint":"e","region":"r","provider":"S3"}`
	big := `{"ak":"a","sk":"s","bucket":"` + strings.Repeat("b", 1100) + `"}`
	cases := []struct {
		route, body string
		status      int
		category    string
		msg         string
	}{
		{"create_instance", `{"instance_id":"x","ram_user":{"user_id":"u"}}`, 400, bad, "ram user info err, please check it"},
		{"create_instance", `{"instance_id":"x","obj_info":{"ak":"a"}}`, 400, bad, "s3 conf info err, please check it"},
		{"create_instance", `{"instance_id":"x","obj_info":{"role_arn":"r","provider":"OSS"}}`, 400, bad, "s3 conf info err with role_arn, please check it"},
		{"create_instance", `{"name":"x"}`, 400, bad, "instance id not set"},
		{"create_instance", `{"instance_id":"x","vault":{"hdfs_info":{"build_conf":{"fs_name":"f"},"prefix":"s3://p"}}}`, 400, bad, "invalid prefix: s3://p"},
		{"create_instance", `{"instance_id":"x","vault":{"hdfs_info":{}}}`, 400, bad, "invalid fs_name: "},
		{"v1/create_instance", `{"instance_id":"x","vault":{"obj_info":{"ak":"a","sk":"s"}}}`, 400, bad, "s3 conf info err, please check it"},
		{"create_instance", `{"instance_id":"d"}`, 409, ex, "instance already existed, instance_id=d, err=Ok"},
		{"drop_instance", `{}`, 400, bad, "instance id not set"},
		{"v1/drop_instance", `{"instance_id":"nope"}`, 404, nf, "instance not existed, instance_id=nope, err=KeyNotFound"},
		{"rename_instance", `{"instance_id":"i"}`, 400, bad, "rename instance name, but not set"},
		{"rename_instance", `{"instance_id":"nope","name":"n"}`, 404, nf, "instance not existed, instance_id=nope, err=KeyNotFound"},
		{"disable_instance_sse", `{"instance_id":"i"}`, 400, bad, "failed to disable sse, instance has disabled sse"},
		{"enable_instance_sse", `{"instance_id":"nope"}`, 404, nf, "instance not existed, instance_id=nope, err=KeyNotFound"},
		{"set_instance_status", `{"instance_id":"i"}`, 400, bad, "invalid request op, op=0"},
		{"set_instance_status", `{"instance_id":"i","op":"PAUSE"}`, 400, bad, "invalid request op, op=0"},
		{"set_instance_status", `{"instance_id":"i","op":"SET_NORMAL"}`, 400, bad, "the instance is already normal, instance_id = i"},
		{"set_instance_status", `{"instance_id":"o","op":"SET_OVERDUE"}`, 400, bad, "the instance has already set  instance to overdue, instance_id = o"},
		{"set_instance_status", `{"instance_id":"d","op":"SET_OVERDUE"}`, 400, bad, "can't set deleted instance to overdue, instance_id = d"},
		{"v1/set_instance_status", `{"instance_id":"d","op":"SET_NORMAL"}`, 400, bad, "can't set deleted instance to normal, instance_id = d"},
		{"set_instance_status", `{"instance_id":"nope","op":"SET_NORMAL"}`, 404, nf, "instance not existed, instance_id=nope, err=KeyNotFound"},
		{"set_instance_status", `{"instance_id":"nope","op":"REFRESH"}`, 500, ie, "failed to get instance, instance_id=nope err=KeyNotFound"},
		{"add_obj_info", `{"cloud_unique_id":"1:i:x"}`, 400, bad, `s3 obj info err {"cloud_unique_id":"1:i:x","op":"ADD_OBJ_INFO"}`},
		{"add_obj_info", addObj(big), 400, bad, `s3 obj info greater than 1k {"cloud_unique_id":"1:i:x","obj":` + big + `,"op":"ADD_OBJ_INFO"}`},
		{"add_obj_info", addObj(`{"ak":"a"}`), 400, bad, `s3 obj info err {"cloud_unique_id":"1:i:x","obj":{"ak":"a"},"op":"ADD_OBJ_INFO"}`},
		{"add_obj_info", addObj(`{"role_arn":"r","sk":"s"}`), 400, bad, "invaild argument, both set ak/sk and role_arn is not allowed"},
		{"add_obj_info", `{"obj":` + good + `}`, 400, bad, "cloud unique id not set"},
		{"add_obj_info", `{"cloud_unique_id":"nope","obj":` + good + `}`, 400, bad, "empty instance_id"},
		{"add_obj_info", `{"cloud_unique_id":"1:d:x","obj":` + good + `}`, 404, nf, "instance status has been set delete, plz check it"},
		{"add_obj_info", `{"cloud_unique_id":"1:v:x","obj":` + good + `}`, 400, bad, "Storage vault doesn't support add obj info"},
		{"add_obj_info", addObj(strings.Replace(good, `,"provider":"S3"`, "", 1)), 400, bad, "s3 conf lease provider info"},
		{"add_obj_info", addObj(strings.Replace(good, `"prefix":"p2",`, "", 1)), 400, bad, "s3 conf info err, please check it"},
		{"v1/add_obj_info", addObj(legacyObj), 400, bad, "original obj infos has a same conf, please check it"},
		{"legacy_update_ak_sk", `{"cloud_unique_id":"1:i:x","obj":{"id":"2","ak":"a","sk":"s"}}`, 400, bad, "id invalid, please check it"},
		{"legacy_update_ak_sk", `{"cloud_unique_id":"1:i:x","obj":{"id":"x","ak":"a","sk":"s"}}`, 400, bad, "id invalid, please check it"},
		{"v1/legacy_update_ak_sk", `{"cloud_unique_id":"1:i:x","obj":{"id":"1","role_arn":"r"}}`, 400, bad, "role_arn is only supported for s3 provider"},
		{"legacy_update_ak_sk", `{"cloud_unique_id":"1:d:x","obj":{"id":"1","ak":"a","sk":"s"}}`, 404, nf, "instance status has been set delete, plz check it"},
		{"update_ak_sk", `{"ram_user":{}}`, 400, bad, "instance id not set"},
		{"update_ak_sk", `{"instance_id":"i"}`, 400, bad, "nothing to update"},
		{"update_ak_sk", `{"instance_id":"nope","ram_user":{}}`, 500, ie, "failed to get instance, instance_id=nope err=KeyNotFound"},
		{"update_ak_sk", `{"instance_id":"d","ram_user":{}}`, 404, nf, "instance status has been set delete, plz check it"},
		{"update_ak_sk", `{"instance_id":"i","ram_user":{"user_id":"ram","ak":"x"}}`, 400, bad, `ram user info err {"instance_id":"i","ram_user":{"user_id":"ram","ak":"x"}}`},
		{"update_ak_sk", `{"instance_id":"o","ram_user":{"user_id":"ram","ak":"x","sk":"y"}}`, 400, bad, "instance doesn't have ram user info"},
		{"update_ak_sk", `{"instance_id":"i","ram_user":{"user_id":"other","ak":"x","sk":"y"}}`, 400, bad, "ram user_id err"},
		{"v1/update_ak_sk", `{"instance_id":"i","ram_user":{"user_id":"ram","ak":"rak","sk":"rsk"}}`, 400, bad, "ak sk eq original, please check it"},
		{"update_ak_sk", `{"instance_id":"i","internal_bucket_user":[{"ak":"x","sk":"y"}]}`, 400, bad, `s3 bucket info err {"instance_id":"i","internal_bucket_user":[{"ak":"x","sk":"y"}]}`},
		{"update_ak_sk", `{"instance_id":"i","internal_bucket_user":[{"user_id":"a","ak":"x","sk":"y"},{"user_id":"b","ak":"x","sk":"y"}]}`, 400, bad,
			`fail to update old instance's obj_info, s3 obj info err {"instance_id":"i","internal_bucket_user":[{"user_id":"a","ak":"x","sk":"y"},{"user_id":"b","ak":"x","sk":"y"}]}`},
		{"update_ak_sk", `{"instance_id":"i","internal_bucket_user":[{"user_id":"a","ak":"ak1","sk":"sk1"}]}`, 400, bad, "ak sk eq original, please check it"},
		{"update_ak_sk", `{"instance_id":"v","internal_bucket_user":[{"user_id":"a","ak":"x","sk":"y"}]}`, 400, bad, "fail to find the alter obj info"},
		{"alter_ram_user", `{"ram_user":{}}`, 400, bad, "empty instance_id"},
		{"alter_ram_user", `{"instance_id":"i","ram_user":{"user_id":"u"}}`, 400, bad, `ram user info err {"instance_id":"i","ram_user":{"user_id":"u"}}`},
		{"v1/alter_ram_user", `{"instance_id":"nope","ram_user":{"user_id":"u","ak":"a","sk":"s"}}`, 500, ie, "failed to get instance, instance_id=nope err=KeyNotFound"},
		{"alter_ram_user", `{"instance_id":"d","ram_user":{"user_id":"u","ak":"a","sk":"s"}}`, 404, nf, "instance status has been set delete, plz check it"},
		{"alter_iam", `{"account_id":"a","ak":"k"}`, 400, bad, "invalid argument"},
		{"v1/alter_iam", `{"account_id":"acct","ak":"iak","sk":"isk"}`, 400, bad, "already has the same arn info"},
	}
	before := instState(t, s)
	for _, c := range cases {
		t.Run(c.route+" "+c.msg, func(t *testing.T) {
			r := msCall(t, s, "POST", c.route, "", c.body)
			if want := msErr(c.category, c.msg); r.Status != c.status || r.Body != want {
				t.Fatalf("got %d %q\nwant %d %q", r.Status, r.Body, c.status, want)
			}
		})
	}
	if after := instState(t, s); after != before {
		t.Fatalf("rejected requests changed the state:\nbefore %s\nafter %s", before, after)
	}

	// Read errors carry a result.
	reads := []struct {
		method, route, query, body string
		status                     int
		want                       string
	}{
		{"GET", "get_instance", "", "", 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"empty instance_id and cloud_unique_id\",\n    \"result\": {}\n}\n"},
		{"GET", "v1/get_instance", "cloud_unique_id=zz", "", 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"cannot find instance_id with cloud_unique_id=zz\",\n    \"result\": {}\n}\n"},
		{"GET", "get_instance", "instance_id=nope", "", 500, "{\n    \"code\": \"INTERNAL_ERROR\",\n    \"msg\": \"failed to get instance, info=failed to get instance, instance_id=nope err=KeyNotFound\",\n    \"result\": {}\n}\n"},
		{"POST", "get_obj_store_info", "", "{}", 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"cloud unique id not set\",\n    \"result\": {\n        \"status\": {\n            \"code\": \"INVALID_ARGUMENT\",\n            \"msg\": \"cloud unique id not set\"\n        }\n    }\n}\n"},
		{"POST", "show_storage_vaults", "", `{"cloud_unique_id":"1:nope:x"}`, 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"empty instance_id\",\n    \"result\": {\n        \"status\": {\n            \"code\": \"INVALID_ARGUMENT\",\n            \"msg\": \"empty instance_id\"\n        }\n    }\n}\n"},
		{"POST", "v1/show_storage_vaults", "", `{}`, 200, msOK},
	}
	for _, c := range reads {
		t.Run(c.route+"?"+c.query, func(t *testing.T) {
			if r := msCall(t, s, c.method, c.route, c.query, c.body); r.Status != c.status || r.Body != c.want {
				t.Fatalf("got %d %q\nwant %d %q", r.Status, r.Body, c.status, c.want)
			}
		})
	}
}

// TestMetaServiceInstanceSecrets checks masking, plaintext for nodes, and
// the iam_user of alter_iam.
func TestMetaServiceInstanceSecrets(t *testing.T) {
	s := startInstanceServer(t, false)
	mustOK(t, s, "create_instance", `{"instance_id":"i","obj_info":{"ak":"the-ak","sk":"the-sk","bucket":"b","endpoint":"e","external_endpoint":"e",`+
		`"region":"r","provider":"S3"},"ram_user":{"user_id":"u","ak":"ram-ak","sk":"ram-sk"}}`)
	mustOK(t, s, "alter_iam", `{"account_id":"acct","ak":"iam-ak","sk":"iam-sk"}`)
	r := msCall(t, s, "GET", "get_instance", "cloud_unique_id=1:i:fe", "")
	for _, secret := range []string{"the-sk", "ram-sk", "iam-sk"} {
		if strings.Contains(r.Body, secret) {
			t.Fatalf("get_instance shows %s by default:\n%s", secret, r.Body)
		}
	}
	if strings.Count(r.Body, `"sk": "******"`) != 3 || !strings.Contains(r.Body, `"ak": "iam-ak"`) {
		t.Fatalf("get_instance:\n%s", r.Body)
	}
	r = msCall(t, s, "POST", "get_obj_store_info", "", `{"cloud_unique_id":"1:i:be"}`)
	if !strings.Contains(r.Body, `"sk": "the-sk"`) {
		t.Fatalf("get_obj_store_info must give nodes the plaintext sk:\n%s", r.Body)
	}
	// The raw stored value (get_value tool) holds no plaintext secret.
	r = msCall(t, s, "GET", "get_value", "key_type=InstanceKey&instance_id=i", "")
	if r.Status != 200 || strings.Contains(r.Body, "the-sk") || strings.Contains(r.Body, "ram-sk") || strings.Contains(r.Body, "the-ak") {
		t.Fatalf("stored instance: %d %s", r.Status, r.Body)
	}
}

// TestMetaServiceSetInstanceStatusAnyOp checks that set_instance_status
// honours any op of the body (spec §1.7.3), by name or number.
func TestMetaServiceSetInstanceStatusAnyOp(t *testing.T) {
	s := startInstanceServer(t, false)
	mustOK(t, s, "create_instance", `{"instance_id":"x"}`)
	mustOK(t, s, "set_instance_status", `{"instance_id":"x","op":"RENAME","name":"renamed"}`)
	mustOK(t, s, "v1/set_instance_status", `{"instance_id":"x","op":6}`)
	if r := msCall(t, s, "GET", "get_instance", "instance_id=x", ""); !strings.Contains(r.Body, `"name": "renamed"`) || !strings.Contains(r.Body, `"status": "OVERDUE"`) {
		t.Fatalf("get_instance: %s", r.Body)
	}
	mustOK(t, s, "set_instance_status", `{"instance_id":"x","op":"DROP"}`)
	if r := msCall(t, s, "GET", "get_instance", "instance_id=x", ""); !strings.Contains(r.Body, `"status": "DELETED"`) || !strings.Contains(r.Body, `"mtime": "1733650571"`) {
		t.Fatalf("get_instance: %s", r.Body)
	}
	// The route's own op wins over the body's.
	mustOK(t, s, "create_instance", `{"instance_id":"y"}`)
	mustOK(t, s, "rename_instance", `{"instance_id":"y","op":"DROP","name":"z"}`)
	if r := msCall(t, s, "GET", "get_instance", "instance_id=y", ""); !strings.Contains(r.Body, `"status": "NORMAL"`) {
		t.Fatalf("get_instance: %s", r.Body)
	}
}

// instFuzzRoutes are the routes FuzzMetaServiceInstanceHTTP posts to.
var instFuzzRoutes = []string{
	"create_instance", "drop_instance", "rename_instance", "enable_instance_sse", "disable_instance_sse", "set_instance_status",
	"add_obj_info", "legacy_update_ak_sk", "update_ak_sk", "alter_ram_user", "alter_iam", "get_obj_store_info", "show_storage_vaults",
}

// FuzzMetaServiceInstanceHTTP posts arbitrary bodies to the instance and
// object-store routes of a real server: every answer is a well-formed
// envelope whose category matches its status (msCheckEnvelope).
func FuzzMetaServiceInstanceHTTP(f *testing.F) {
	for i, body := range []string{
		`{"instance_id":"f","obj_info":{"ak":"a","sk":"s","bucket":"b","endpoint":"e","external_endpoint":"e","region":"r","provider":"S3"}}`,
		`{"instance_id":"f","op":"SET_OVERDUE"}`, `{"instance_id":"f","name":"\u2028<&>"}`, `{"instance_id":"f"}`,
		`{"cloud_unique_id":"1:f:x","obj":{"ak":"a","sk":"s","bucket":"b","prefix":"p","endpoint":"e","region":"r","provider":"S3"}}`,
		`{"cloud_unique_id":"1:f:x","obj":{"id":"1","ak":"x","sk":"y"}}`,
		`{"instance_id":"f","internal_bucket_user":[{"user_id":"u","ak":"a","sk":"s"}]}`,
		`{"instance_id":"f","ram_user":{"user_id":"u","ak":"a","sk":"s"}}`, `{"account_id":"a","ak":"k","sk":"s"}`,
		`{"cloud_unique_id":"1:f:x"}`, ``, `{`, `null`, `[]`, "{\"instance_id\":\"\xff\"}",
	} {
		f.Add(uint8(i), body)
	}
	s := startInstanceServer(f, false)
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		rt := instFuzzRoutes[int(route)%len(instFuzzRoutes)]
		r := msCall(t, s, "POST", rt, "", body)
		msCheckEnvelope(t, rt, r.Status, []byte(r.Body))
	})
}

// BenchmarkGetInstance measures get_instance over HTTP (JSON envelope of
// a legacy instance with a RAM user) with 1, 16 and 128 concurrent
// clients, for linearizable reads (the default) and ?stale reads.
func BenchmarkGetInstance(b *testing.B) {
	s := startInstanceServer(b, false)
	mustOK(b, s, "create_instance", `{"instance_id":"bench","name":"n","user_id":"u","obj_info":{"ak":"a","sk":"s","bucket":"b","prefix":"p",`+
		`"endpoint":"e","external_endpoint":"e","region":"r","provider":"S3"},"ram_user":{"user_id":"u","ak":"a","sk":"s"}}`)
	for _, mode := range []struct{ name, query string }{{"linearizable", "instance_id=bench"}, {"stale", "instance_id=bench&stale"}} {
		b.Run(mode.name, func(b *testing.B) {
			url := msURL(s, "get_instance", mode.query)
			for _, clients := range []int{1, 16, 128} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { benchGetInstance(b, url, clients) })
			}
		})
	}
}

func benchGetInstance(b *testing.B, url string, clients int) {
	tr := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	get := func() error {
		resp, err := client.Get(url)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != 200 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	b.ReportAllocs()
	b.ResetTimer()
	if clients == 1 {
		for range b.N {
			if err := get(); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		// RunParallel starts parallelism × GOMAXPROCS goroutines; round up
		// so that at least `clients` run.
		procs := runtime.GOMAXPROCS(0)
		b.SetParallelism((clients + procs - 1) / procs)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := get(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}
