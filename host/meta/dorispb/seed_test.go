package dorispb

import (
	"strings"
	"testing"
)

// seedGetInstance is the successful get_instance reply of the public
// meta-service API document (/work/shared/seeds/001_2fd88767065290a6.txt),
// which shows the rapidjson output with the indentation stripped.
const seedGetInstance = `{
"code": "OK",
"msg": "",
"result": {
"user_id": "gavin-user-id",
"instance_id": "regression_instance0",
"name": "test-instance",
"clusters": [
{
"cluster_id": "RESERVED_CLUSTER_ID_FOR_SQL_SERVER",
"cluster_name": "RESERVED_CLUSTER_NAME_FOR_SQL_SERVER",
"type": "SQL",
"nodes": [
{
"cloud_unique_id": "1:regression_instance0:regression-cloud-unique-id-fe-1",
"ip": "127.0.0.1",
"ctime": "1669260437",
"mtime": "1669260437",
"edit_log_port": 12103,
"node_type": "FE_MASTER"
}
]
},
{
"cluster_id": "regression_test_cluster_id0",
"cluster_name": "regression_test_cluster_name0",
"type": "COMPUTE",
"nodes": [
{
"cloud_unique_id": "1:regression_instance0:regression-cloud-unique-id0",
"ip": "127.0.0.1",
"ctime": "1669260437",
"mtime": "1669260437",
"heartbeat_port": 11102
}
],
"mysql_user_name": [
"root"
]
},
{
"cluster_id": "regression_test_cluster_id1",
"cluster_name": "regression_test_cluster_name1",
"type": "COMPUTE",
"nodes": [
{
"cloud_unique_id": "1:regression_instance0:regression-cloud-unique-id0",
"ip": "127.0.0.1",
"ctime": "1669260437",
"mtime": "1669260437",
"heartbeat_port": 14102
}
],
"mysql_user_name": [
"jack",
"lx"
]
},
{
"cluster_id": "regression_test_cluster_id2",
"cluster_name": "regression_test_cluster_name2",
"type": "COMPUTE",
"nodes": [
{
"cloud_unique_id": "1:regression_instance0:regression-cloud-unique-id0",
"ip": "127.0.0.1",
"ctime": "1669260437",
"mtime": "1669260437",
"heartbeat_port": 16102
}
]
}
],
"obj_info": [
{
"ctime": "1669260437",
"mtime": "1669260437",
"id": "1",
"ak": "akak",
"sk": "sksk",
"bucket": "justtmp-bj-1308700295",
"prefix": "dx-test",
"endpoint": "cos.ap-beijing.myqcloud.com",
"region": "ap-beijing",
"provider": "COS",
"external_endpoint": ""
}
],
"stages": [
{
"mysql_user_name": [
"admin"
],
"obj_info": {
"id": "1",
"prefix": "dx-test/stage/admin/admin"
},
"stage_id": "c56f5d01-0ae2-4719-8be2-8b52b3144f60",
"mysql_user_id": [
"admin"
]
},
{
"type": "EXTERNAL",
"name": "smoke_test_tpch",
"obj_info": {
"ak": "akak",
"sk": "sksk",
"bucket": "gavin-test-bj",
"prefix": "smoke-test",
"endpoint": "oss-cn-beijing.aliyuncs.com",
"region": "cn-beijing",
"provider": "OSS"
},
"stage_id": "261c3565-7ac3-4cb5-9c82-a9bc38cff8e8",
"properties": {
"default.file.column_separator": "|"
}
}
]
}
}`

// TestSeedGetInstance parses the "result" of the seed reply into an
// InstanceInfoPB, re-emits it with MarshalJSON and Envelope, and compares
// with the seed line by line (indentation is checked separately: 4 spaces
// per nesting level).
func TestSeedGetInstance(t *testing.T) {
	start := strings.Index(seedGetInstance, `"result": `) + len(`"result": `)
	body := seedGetInstance[start:strings.LastIndex(seedGetInstance, "}")]
	var inst InstanceInfoPB
	if err := Unmarshal([]byte(body), &inst); err != nil {
		t.Fatal(err)
	}
	got := string(EnvelopeMessage(MetaServiceCode_OK, "", &inst))
	gotLines := strings.Split(got, "\n")
	wantLines := strings.Split(seedGetInstance, "\n")
	if len(gotLines) != len(wantLines) {
		t.Fatalf("got %d lines, want %d:\n%s", len(gotLines), len(wantLines), got)
	}
	depth := 0
	for i, line := range gotLines {
		trimmed := strings.TrimLeft(line, " ")
		if trimmed != wantLines[i] {
			t.Fatalf("line %d: got %q, want %q", i+1, trimmed, wantLines[i])
		}
		if trimmed == "}" || trimmed == "]" || trimmed == "}," || trimmed == "]," {
			depth--
		}
		if indent := len(line) - len(trimmed); indent != 4*depth {
			t.Fatalf("line %d %q: indent %d, want %d", i+1, line, indent, 4*depth)
		}
		if strings.HasSuffix(trimmed, "{") || strings.HasSuffix(trimmed, "[") {
			depth++
		}
	}
	if inst.Stages[1].Properties["default.file.column_separator"] != "|" || inst.Clusters[0].Nodes[0].EditLogPort.Get() != 12103 {
		t.Fatal("seed values not decoded")
	}
}
