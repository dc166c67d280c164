package dorispb

import (
	"errors"
	"strings"
	"testing"
)

// decodeCase decodes body into a fresh message and expects the compact JSON
// re-encoding want.
type decodeCase struct {
	name string
	msg  func() Message
	body string
	want string
}

func alterCluster() Message   { return new(AlterClusterRequest) }
func createInstance() Message { return new(CreateInstanceRequest) }

func TestUnmarshalValid(t *testing.T) {
	tests := []decodeCase{
		{"proto names", alterCluster, `{"instance_id":"i","cloud_unique_id":"c"}`, `{"instance_id":"i","cloud_unique_id":"c"}`},
		{"lowerCamel names", alterCluster,
			`{"instanceId":"i","cloudUniqueId":"c","cluster":{"clusterName":"n","mysqlUserName":["u"],"nodes":[{"heartbeatPort":1,"editLogPort":2}]}}`,
			`{"instance_id":"i","cloud_unique_id":"c","cluster":{"cluster_name":"n","nodes":[{"heartbeat_port":1,"edit_log_port":2}],"mysql_user_name":["u"]}}`},
		{"field order follows numbers", alterCluster, `{"op":"ADD_NODE","cluster":{"type":"SQL"},"cloud_unique_id":"c","instance_id":"i"}`,
			`{"instance_id":"i","cloud_unique_id":"c","cluster":{"type":"SQL"},"op":"ADD_NODE"}`},
		{"numeric strings", alterCluster, `{"cluster":{"nodes":[{"heartbeat_port":"9050","edit_log_port":"+5","ctime":"-0","mtime":"007"}]}}`,
			`{"cluster":{"nodes":[{"ctime":"0","mtime":"7","heartbeat_port":9050,"edit_log_port":5}]}}`},
		{"exact int64", func() Message { return new(TabletIndexPB) },
			`{"tablet_id":9007199254740993,"table_id":"9223372036854775807","db_id":-9223372036854775808,"index_id":1e3,"partition_id":2.0}`,
			`{"db_id":"-9223372036854775808","table_id":"9223372036854775807","index_id":"1000","partition_id":"2","tablet_id":"9007199254740993"}`},
		{"int64 min as a double", func() Message { return new(TabletIndexPB) }, `{"db_id":-9.223372036854775808e18}`, `{"db_id":"-9223372036854775808"}`},
		{"enums by name and number", alterCluster,
			`{"cluster":{"type":"COMPUTE","cluster_status":2,"nodes":[{"node_type":"","status":"1"},{"node_type":"FE_MASTER"},{"node_type":"fe_master"},{"node_type":"99"},{"node_type":3.0}]}}`,
			`{"cluster":{"type":"COMPUTE","nodes":[{"status":"NODE_STATUS_RUNNING"},{"node_type":"FE_MASTER"},{},{},{"node_type":"FE_FOLLOWER"}],"cluster_status":"SUSPENDED"}}`},
		{"unknown enum name leaves field unset", alterCluster, `{"cluster":{"cluster_status":"STOPPED","type":"compute"}}`, `{"cluster":{}}`},
		{"undeclared enum number kept as unknown field", alterCluster, `{"op":99,"instance_id":"i"}`, `{"instance_id":"i","op":99}`},
		{"negative enum number", func() Message { return new(ObjectStoreInfoPB) }, `{"provider":-1,"cred_provider_type":0}`, `{"provider":"UNKONWN","cred_provider_type":0}`},
		{"known then unknown enum keeps known", func() Message { return new(ObjectStoreInfoPB) }, `{"provider":"S3","provider":42}`, `{"provider":"S3","provider":42}`},
		{"repeated enum unknown elements", func() Message { return new(InstanceInfoPB) }, `{"migrated_key_sets":[1,77,"NOPE",3,78]}`,
			`{"migrated_key_sets":["SINGLE_VERSION_PARTITION_VERSION","SINGLE_VERSION_META_ROWSET"],"migrated_key_sets":[77,78]}`},
		{"null leaves fields untouched", alterCluster, `{"instance_id":null,"cluster":null,"op":null,"cloud_unique_id":"c","cloud_unique_id":null}`, `{"cloud_unique_id":"c"}`},
		{"null list elements skipped", alterCluster, `{"cluster":{"mysql_user_name":["a",null,"b"],"nodes":[null]}}`, `{"cluster":{"mysql_user_name":["a","b"]}}`},
		{"empty string is set", alterCluster, `{"instance_id":"","cluster":{}}`, `{"instance_id":"","cluster":{}}`},
		{"duplicate scalar: last wins", alterCluster, `{"instance_id":"a","instanceId":"b"}`, `{"instance_id":"b"}`},
		{"duplicate message: merged", alterCluster, `{"cluster":{"cluster_id":"x","cluster_name":"n"},"cluster":{"cluster_name":"y"}}`, `{"cluster":{"cluster_id":"x","cluster_name":"y"}}`},
		{"duplicate repeated: appended", alterCluster, `{"cluster":{"mysql_user_name":["a"],"mysql_user_name":["b"]}}`, `{"cluster":{"mysql_user_name":["a","b"]}}`},
		{"scalar or object for a repeated field", alterCluster, `{"cluster":{"mysql_user_name":"a","nodes":{"ip":"1"}}}`, `{"cluster":{"nodes":[{"ip":"1"}],"mysql_user_name":["a"]}}`},
		{"nested arrays flattened", alterCluster, `{"cluster":{"mysql_user_name":[["a","b"],[],"c"]}}`, `{"cluster":{"mysql_user_name":["a","b","c"]}}`},
		{"protobuf parser extensions", alterCluster, "\t\n\v\f\r {instance_id:'i', 'cloud_unique_id':\"c'\",$x:1,_y:[1,],} ", `{"instance_id":"i","cloud_unique_id":"c'"}`},
		{"string escapes", alterCluster, `{"instance_id":"a\/b\v\x\u00e9\ud83d\ude00\u0000\'"}`, `{"instance_id":"a/b\u000bxé😀\u0000'"}`},
		{"raw control characters accepted", alterCluster, "{\"instance_id\":\"a\tb\x01\"}", `{"instance_id":"a\tb\u0001"}`},
		{"bool strings", createInstance, `{"sse_enabled":"YES"}`, `{"sse_enabled":true}`},
		{"bool string false", createInstance, `{"sse_enabled":"f"}`, `{"sse_enabled":false}`},
		{"unknown keys skipped", createInstance, `{"zzz":{"a":[1,{"b":[]},"x",true,null,-1.5e3]},"instance_id":"i","yy":'q'}`, `{"instance_id":"i"}`},
		{"map with null value", alterCluster, `{"cluster":{"properties":{"a":"1","b":null,"":"e"},"properties":{"a":"2"}}}`, `{"cluster":{"properties":{"":"e","a":"2","b":""}}}`},
		{"required fields present", createInstance,
			`{"vault":{"name":"v","hdfs_info":{"build_conf":{"fs_name":"hdfs://nn","hdfs_kerberos_principal":"p","hdfs_kerberos_keytab":"/k","hdfs_confs":[{"key":"k","value":"v"}]},"prefix":"x"}}}`,
			`{"vault":{"name":"v","hdfs_info":{"build_conf":{"fs_name":"hdfs://nn","hdfs_kerberos_principal":"p","hdfs_kerberos_keytab":"/k","hdfs_confs":[{"key":"k","value":"v"}]},"prefix":"x"}}}`},
		{"rowset meta", func() Message { return new(RowsetMetaCloudPB) },
			`{"rowset_id":0,"rowset_id_v2":"02","tablet_id":"10","start_version":2,"end_version":5,"num_segments":1,"segments_overlap_pb":"NONOVERLAPPING","delete_predicate":{"version":5},"visible_ts_ms":1,"segments_key_bounds":[{"min_key":"AAE","max_key":"_w=="}]}`,
			`{"rowset_id":"0","tablet_id":"10","start_version":"2","end_version":"5","delete_predicate":{"version":5},"num_segments":"1","rowset_id_v2":"02","segments_key_bounds":[{"min_key":"AAE=","max_key":"/w=="}],"segments_overlap_pb":"NONOVERLAPPING","visible_ts_ms":"1"}`},
		{"json name equal to proto name", func() Message { return new(TxnCoordinatorPB) }, `{"sourceType":"TXN_SOURCE_TYPE_BE","id":"3"}`, `{"sourceType":"TXN_SOURCE_TYPE_BE","id":"3"}`},
		{"abort_tablet_job body", func() Message { return new(FinishTabletJobRequest) },
			`{"cloud_unique_id":"1:i:x","job":{"idx":{"tablet_id":10002},"compaction":[{"id":"j","initiator":"h:9050","type":"CUMULATIVE","input_versions":[2,5]}]}}`,
			`{"cloud_unique_id":"1:i:x","job":{"idx":{"tablet_id":"10002"},"compaction":[{"initiator":"h:9050","type":"CUMULATIVE","input_versions":["2","5"],"id":"j"}]}}`},
		{"get_tablet_stats body", func() Message { return new(GetTabletStatsRequest) },
			`{"cloud_unique_id":"1:i:x","tablet_idx":[{"table_id":1,"index_id":2,"partition_id":3,"tablet_id":4}]}`,
			`{"cloud_unique_id":"1:i:x","tablet_idx":[{"table_id":"1","index_id":"2","partition_id":"3","tablet_id":"4"}]}`},
	}
	for _, tc := range tests {
		m := tc.msg()
		if err := Unmarshal([]byte(tc.body), m); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := string(MarshalJSON(m)); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

// TestUnmarshalPresence checks has-bits after parsing.
func TestUnmarshalPresence(t *testing.T) {
	var req AlterClusterRequest
	if err := Unmarshal([]byte(`{"instance_id":"","op":99,"cluster":{"cluster_status":"STOPPED","nodes":[{"node_type":""}]}}`), &req); err != nil {
		t.Fatal(err)
	}
	if !req.InstanceID.Has() || req.CloudUniqueID.Has() {
		t.Error("instance_id must be set (\"\"), cloud_unique_id unset")
	}
	if req.Op.Has() {
		t.Error("an undeclared enum number must not set the field")
	}
	if req.Cluster == nil || req.Cluster.ClusterStatus.Has() || req.Cluster.Nodes[0].NodeType.Has() {
		t.Error("unknown enum names must leave the fields unset")
	}
	// Unmarshal replaces the previous content, like ParseFromString.
	if err := Unmarshal([]byte(`{"cloud_unique_id":"c"}`), &req); err != nil {
		t.Fatal(err)
	}
	if req.InstanceID.Has() || req.Cluster != nil || len(req.unknown) != 0 {
		t.Error("Unmarshal must reset the message first")
	}
	// On error the message is left reset.
	if err := Unmarshal([]byte(`{"cloud_unique_id":"x","instance_id":1}`), &req); err == nil || req.CloudUniqueID.Has() {
		t.Error("a failed Unmarshal must leave the message reset")
	}
}

func TestUnmarshalErrors(t *testing.T) {
	deep := func(n int) string {
		return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)
	}
	tests := []struct {
		name string
		msg  func() Message
		body string
		want string
	}{
		// malformed JSON
		{"empty body", alterCluster, ``, "Unexpected end of string. Expected a value.\n\n^"},
		{"blank body", alterCluster, " \n ", "Unexpected end of string. Expected a value.\n\n^"},
		{"unclosed object", alterCluster, `{`, "Unexpected end of string. Expected an object key or }.\n\n^"},
		{"missing close", alterCluster, `{"instance_id":"i"`, "Unexpected end of string. Expected , or } after key:value pair.\n\n^"},
		{"truncated number", alterCluster, `{"op":12`, "Unexpected end of string. Expected , or } after key:value pair.\n12\n  ^"},
		{"missing colon", alterCluster, `{"a" 1}`, "Expected : between key:value pair.\n{\"a\" 1}\n     ^"},
		{"missing value", alterCluster, `{"a":}`, "Unexpected token.\n}\n^"},
		{"bad value token", alterCluster, `{"a":xyzabc}`, "Unexpected token.\n{\"a\":xyzabc}\n     ^"},
		{"truncated keyword", alterCluster, `{"a":tru}`, "Unexpected token.\ntru}\n^"},
		{"unknown character", alterCluster, `{"a":#}`, "Expected a value.\n#}\n^"},
		{"double comma", alterCluster, `{"a":1,,}`, "Expected an object key or }.\n{\"a\":1,,}\n       ^"},
		{"keyword key", alterCluster, `{true:1}`, "Expected an object key or }.\n{true:1}\n     ^"},
		{"array double comma", alterCluster, `{"a":[1,,2]}`, "Unexpected token.\n,2]}\n^"},
		{"array double comma, long tail", alterCluster, `{"a":[1,,2,3,4,5]}`, "Unexpected token.\n{\"a\":[1,,2,3,4,5]}\n        ^"},
		{"missing array comma", alterCluster, `{"a":[1 2]}`, "Expected , or ] after array value.\n{\"a\":[1 2]}\n        ^"},
		{"trailing garbage", alterCluster, `{} x`, "Parsing terminated before end of input.\n{} x\n   ^"},
		{"unterminated string", alterCluster, `{"instance_id":"abc`, "Closing quote expected in string.\n\n^"},
		{"bad hex escape", alterCluster, `{"instance_id":"\u12"}`, "Invalid escape sequence.\n{\"instance_id\":\"\\u12\"}\n                ^"},
		{"lone high surrogate", alterCluster, `{"instance_id":"\ud800"}`, "Missing low surrogate.\n\\ud800\"}\n^"},
		{"bad low surrogate", alterCluster, `{"instance_id":"\ud800\u0041xxxxxx"}`, "Invalid low surrogate.\n{\"instance_id\":\"\\ud800\\u0041xxxxxx\"}\n                ^"},
		{"lone low surrogate", alterCluster, `{"instance_id":"\udc00"}`, "Invalid unicode code point.\n{\"instance_id\":\"\\udc00\"}\n                ^"},
		{"octal number", alterCluster, `{"cluster":{"ctime":012}}`, "Octal/hex numbers are not valid JSON values.\n{\"cluster\":{\"ctime\":012}}\n                    ^"},
		{"hex number", alterCluster, `{"op":0x1}`, "Octal/hex numbers are not valid JSON values.\n{\"op\":0x1}\n      ^"},
		{"number too big for double", alterCluster, `{"op":1e999}`, "Number exceeds the range of double.\n{\"op\":1e999}\n      ^"},
		{"bad number", alterCluster, `{"op":1-2}`, "Unable to parse number.\n{\"op\":1-2}\n      ^"},
		{"invalid UTF-8", alterCluster, "{\"instance_id\":\"\xff\"}", "Encountered non UTF-8 code points.\n\xff\"}\n^"},
		{"invalid UTF-8 after a number", alterCluster, "{\"op\":12\xc3", "Encountered non UTF-8 code points.\n12\xc3\n^"},
		{"object nesting depth 101", alterCluster, deep(101), "Message too deep. Max recursion depth reached for key 'a'"},
		// root must be an object
		{"root array", alterCluster, `[]`, ": Root element must be a message."},
		{"root string", alterCluster, `"x"`, ": Root element must be a message."},
		{"root null", alterCluster, `null`, ": Root element must be a message."},
		{"empty key", alterCluster, `{"":1}`, ": Proto fields must have a name."},
		// wrong types
		{"number for string", alterCluster, `{"instance_id":123}`, "(instance_id): invalid value 123 for type TYPE_STRING"},
		{"bool for string", alterCluster, `{"instance_id":false}`, "(instance_id): invalid value false for type TYPE_STRING"},
		{"object for string", alterCluster, `{"instance_id":{}}`, ": invalid value Starting an object on a scalar field for type instance_id"},
		{"array for string", alterCluster, `{"instanceId":["a"]}`, "instance_id: Proto field is not repeating, cannot start list."},
		{"string for message", createInstance, `{"obj_info":"x"}`, "(obj_info): invalid value \"x\" for type type.googleapis.com/doris.cloud.ObjectStoreInfoPB"},
		{"array for message", createInstance, `{"obj_info":[]}`, "obj_info: Proto field is not repeating, cannot start list."},
		{"nested array for message", alterCluster, `{"cluster":{"cluster_policy":[{}]}}`, "(cluster) cluster_policy: Proto field is not repeating, cannot start list."},
		{"string element for repeated message", alterCluster, `{"cluster":{"nodes":[{},"x"]}}`, "(cluster.nodes[1]): invalid value \"x\" for type type.googleapis.com/doris.cloud.NodeInfoPB"},
		{"bad int32 string", alterCluster, `{"cluster":{"nodes":[{"heartbeat_port":"x"}]}}`, "(cluster.nodes[0].heartbeat_port): invalid value \"x\" for type TYPE_INT32"},
		{"fractional int32", alterCluster, `{"cluster":{"nodes":[{},{"heartbeat_port":1.5}]}}`, "(cluster.nodes[1].heartbeat_port): invalid value 1.5 for type TYPE_INT32"},
		{"int32 overflow", alterCluster, `{"cluster":{"nodes":[{"heartbeat_port":2147483648}]}}`, "(cluster.nodes[0].heartbeat_port): invalid value 2147483648 for type TYPE_INT32"},
		{"int32 string overflow", alterCluster, `{"cluster":{"nodes":[{"heartbeat_port":"-2147483649"}]}}`, "(cluster.nodes[0].heartbeat_port): invalid value \"-2147483649\" for type TYPE_INT32"},
		{"int64 overflow", alterCluster, `{"cluster":{"ctime":9223372036854775808}}`, "(cluster.ctime): invalid value 9223372036854775808 for type TYPE_INT64"},
		{"huge number", alterCluster, `{"cluster":{"ctime":123456789012345678901234567890}}`, "(cluster.ctime): invalid value 1.2345678901234568e+29 for type TYPE_INT64"},
		{"int64 as 2^63 double", alterCluster, `{"cluster":{"ctime":9.223372036854775808e18}}`, "(cluster.ctime): invalid value 9.2233720368547758e+18 for type TYPE_INT64"},
		{"int64 string overflow", alterCluster, `{"cluster":{"ctime":"9223372036854775808"}}`, "(cluster.ctime): invalid value \"9223372036854775808\" for type TYPE_INT64"},
		{"int64 string with space", alterCluster, `{"cluster":{"ctime":" 5"}}`, "(cluster.ctime): invalid value \" 5\" for type TYPE_INT64"},
		{"int64 empty string", alterCluster, `{"cluster":{"ctime":""}}`, "(cluster.ctime): invalid value \"\" for type TYPE_INT64"},
		{"int64 float string", alterCluster, `{"cluster":{"ctime":"1.0"}}`, "(cluster.ctime): invalid value \"1.0\" for type TYPE_INT64"},
		{"bool for int64", alterCluster, `{"cluster":{"ctime":true}}`, "(cluster.ctime): invalid value true for type TYPE_INT64"},
		{"number for bool", createInstance, `{"sse_enabled":1}`, "(sse_enabled): invalid value 1 for type TYPE_BOOL"},
		{"bad bool string", createInstance, `{"sse_enabled":"maybe"}`, "(sse_enabled): invalid value \"maybe\" for type TYPE_BOOL"},
		{"bool for enum", alterCluster, `{"cluster":{"type":true}}`, "(cluster.type): invalid value true for type TYPE_ENUM"},
		{"fractional enum", alterCluster, `{"cluster":{"type":1.5}}`, "(cluster.type): invalid value 1.5 for type TYPE_ENUM"},
		{"enum number beyond int32", alterCluster, `{"op":3000000000}`, "(op): invalid value 3000000000 for type TYPE_ENUM"},
		{"number in string list", alterCluster, `{"cluster":{"mysql_user_name":["a",1]}}`, "(cluster.mysql_user_name[1]): invalid value 1 for type TYPE_STRING"},
		{"object in string list", alterCluster, `{"cluster":{"mysql_user_name":[{}]}}`, "(cluster.mysql_user_name): invalid value Starting an object on a scalar field for type mysql_user_name"},
		{"list for map", alterCluster, `{"cluster":{"properties":[]}}`, "(cluster): invalid value Cannot bind a list to map for field 'properties'. for type Map"},
		{"duplicate map key", alterCluster, `{"cluster":{"properties":{"a":"1","a":"2"}}}`, "(cluster.properties[0]) a: Repeated map key: 'a' is already set."},
		{"number map value", alterCluster, `{"cluster":{"properties":{"a":1}}}`, "(cluster.properties[0].value): invalid value 1 for type TYPE_STRING"},
		{"list map value", alterCluster, `{"cluster":{"properties":{"a":[]}}}`, "(cluster.properties): invalid value Cannot have repeated items ('a') within a map. for type Map"},
		{"string for map", alterCluster, `{"cluster":{"properties":"x"}}`, "(cluster.properties): invalid value \"x\" for type type.googleapis.com/doris.cloud.ClusterPB.PropertiesEntry"},
		{"bad base64", func() Message { return new(KeyBoundsPB) }, `{"min_key":"!!","max_key":""}`, "(min_key): invalid value \"!!\" for type TYPE_BYTES"},
		// required fields
		{"missing required", createInstance, `{"vault":{"hdfs_info":{"build_conf":{"hdfs_confs":[{"key":"k"}]}}}}`, "(vault.hdfs_info.build_conf.hdfs_confs[0]): missing field value"},
		{"missing both required", createInstance, `{"vault":{"hdfs_info":{"build_conf":{"hdfs_confs":[{"key":"k","value":"v"},{}]}}}}`, "(vault.hdfs_info.build_conf.hdfs_confs[1]): missing field value"},
		{"null does not satisfy required", createInstance, `{"vault":{"hdfs_info":{"build_conf":{"hdfs_confs":{"key":"k","value":null}}}}}`, "(vault.hdfs_info.build_conf.hdfs_confs): missing field value"},
		{"root required", func() Message { return new(RowsetMetaCloudPB) }, `{"tablet_id":1}`, ": missing field rowset_id"},
		// which error wins
		{"last field error wins", alterCluster, `{"instance_id":1,"cloud_unique_id":2}`, "(cloud_unique_id): invalid value 2 for type TYPE_STRING"},
		{"syntax error wins", alterCluster, `{"instance_id":1,]`, "Expected an object key or }.\n{\"instance_id\":1,]\n                 ^"},
	}
	for _, tc := range tests {
		err := Unmarshal([]byte(tc.body), tc.msg())
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: got %v, want a *ParseError", tc.name, err)
			continue
		}
		if pe.Msg != tc.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, pe.Msg, tc.want)
		}
	}
	if err := Unmarshal([]byte(deep(100)), alterCluster()); err != nil {
		t.Errorf("depth 100 must be accepted: %v", err)
	}
	arrays := `{"a":` + strings.Repeat("[", maxArrayDepth+1) + strings.Repeat("]", maxArrayDepth+1) + "}"
	if err := Unmarshal([]byte(arrays), alterCluster()); err == nil {
		t.Error("array nesting beyond maxArrayDepth must fail")
	}
}

// TestRequestParseErrorMessage checks the 400 msg of spec §1.7.
func TestRequestParseErrorMessage(t *testing.T) {
	err := Unmarshal([]byte(`{"tablet_idx":1}`), new(GetTabletStatsRequest))
	got := RequestParseErrorMessage("get_tablet_stats", err)
	want := "parse http request 'get_tablet_stats': INVALID_ARGUMENT:(tablet_idx): invalid value 1 for type type.googleapis.com/doris.cloud.TabletIndexPB"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if got := RequestParseErrorMessage("v1/add_cluster", errors.New("x")); got != "parse http request 'v1/add_cluster': INVALID_ARGUMENT:x" {
		t.Fatalf("got %q", got)
	}
}
