package dorispb

import "testing"

// freshLegacyInstance is the get_instance example of spec §4.3.
func freshLegacyInstance() *InstanceInfoPB {
	return &InstanceInfoPB{
		UserID:     Some("10000"),
		InstanceID: Some("inst_a"),
		Name:       Some("user_1"),
		ObjInfo: []*ObjectStoreInfoPB{{
			Ctime:            Some(int64(1733650571)),
			Mtime:            Some(int64(1733650571)),
			ID:               Some("1"),
			AK:               Some("test-ak1"),
			SK:               Some("test-sk1"),
			Bucket:           Some("test-bucket"),
			Prefix:           Some("test-prefix"),
			Endpoint:         Some("test-endpoint"),
			Region:           Some("test-region"),
			Provider:         Some(ObjectStoreInfoPB_BOS),
			ExternalEndpoint: Some("test-external-endpoint"),
			EncryptionInfo:   &EncryptionInfoPB{EncryptionMethod: Some("AES_256_ECB"), KeyID: Some(int64(1))},
			SseEnabled:       Some(false),
		}},
		Status:             Some(InstanceInfoPB_NORMAL),
		IamUser:            &RamUserPB{UserID: Some(""), AK: Some(""), SK: Some(""), ExternalID: Some("inst_a")},
		SseEnabled:         Some(false),
		EnableStorageVault: Some(false),
	}
}

func TestMarshalJSONGetInstanceExample(t *testing.T) {
	want := `{"user_id":"10000","instance_id":"inst_a","name":"user_1","obj_info":[{"ctime":"1733650571","mtime":"1733650571",` +
		`"id":"1","ak":"test-ak1","sk":"test-sk1","bucket":"test-bucket","prefix":"test-prefix","endpoint":"test-endpoint",` +
		`"region":"test-region","provider":"BOS","external_endpoint":"test-external-endpoint",` +
		`"encryption_info":{"encryption_method":"AES_256_ECB","key_id":"1"},"sse_enabled":false}],"status":"NORMAL",` +
		`"iam_user":{"user_id":"","ak":"","sk":"","external_id":"inst_a"},"sse_enabled":false,"enable_storage_vault":false}`
	if got := string(MarshalJSON(freshLegacyInstance())); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestMarshalJSONKinds(t *testing.T) {
	tests := []struct {
		name string
		msg  Message
		want string
	}{
		{"empty", &InstanceInfoPB{}, `{}`},
		{"empty nested message is printed", &CreateInstanceRequest{ObjInfo: &ObjectStoreInfoPB{}}, `{"obj_info":{}}`},
		{"empty repeated omitted", &ClusterPB{Nodes: []*NodeInfoPB{}, MysqlUserName: []string{}}, `{}`},
		{"int32 number int64 string", &NodeInfoPB{Ctime: Some(int64(-5)), HeartbeatPort: Some(int32(-1))}, `{"ctime":"-5","heartbeat_port":-1}`},
		{"int64 beyond 2^53", &TabletIndexPB{TabletID: Some(int64(9007199254740993))}, `{"tablet_id":"9007199254740993"}`},
		{"repeated int64", &TabletCompactionJobPB{InputVersions: []int64{2, 5}, OutputRowsetIDs: []string{"r"}}, `{"input_versions":["2","5"],"output_rowset_ids":["r"]}`},
		{"enum names", &ObjectStoreInfoPB{Provider: Some(ObjectStoreInfoPB_UNKONWN), CredProviderType: Some(CredProviderTypePB_INSTANCE_PROFILE)}, `{"provider":"UNKONWN","cred_provider_type":"INSTANCE_PROFILE"}`},
		{"undeclared enum as number", &ClusterPB{Type: Some(ClusterPB_Type(7))}, `{"type":7}`},
		{"repeated enum", &InstanceInfoPB{MigratedKeySets: []KeySetType{KeySetType_MULTI_VERSION_META_ROWSET}}, `{"migrated_key_sets":["MULTI_VERSION_META_ROWSET"]}`},
		{"map sorted", &ClusterPB{Properties: map[string]string{"b": "2", "a": "1", "<": ">"}}, `{"properties":{"\u003c":"\u003e","a":"1","b":"2"}}`},
		{"bytes base64", &KeyBoundsPB{MinKey: Some([]byte{0, 1}), MaxKey: Some([]byte{})}, `{"min_key":"AAE=","max_key":""}`},
		{"bool", &TabletCompactionJobPB{CheckInputVersionsRange: Some(true)}, `{"check_input_versions_range":true}`},
		{"status", &MetaServiceResponseStatus{Code: Some(MetaServiceCode_OK), Msg: Some("")}, `{"code":"OK","msg":""}`},
		{"unknown enum values last", &ClusterPB{
			ClusterID: Some("c"),
			unknown:   unknownFields{{num: 3, name: "type", val: 9}, {num: 12, name: "x", repeated: true, val: 1}, {num: 12, name: "x", repeated: true, val: -2}},
		}, `{"cluster_id":"c","type":9,"x":[1,-2]}`},
	}
	for _, tc := range tests {
		if got := string(MarshalJSON(tc.msg)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestProtoJSONEscaping follows protobuf's util/internal/json_escaping.cc.
func TestProtoJSONEscaping(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain/ascii 'q' & more", `"plain/ascii 'q' & more"`},
		{`a<b>c`, `"a\u003cb\u003ec"`},
		{"q\"\\", `"q\"\\"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x01\x0b\x1f\x7f", `"\u0000\u0001\u000b\u001f\u007f"`},
		{"\u0080\u009f\u00a0é", `"\u0080\u009f` + "\u00a0é" + `"`},
		{"\u00ad\u0600\u06dd\u070f\u17b4\u200b\u2028\u2029\u202e\u2060\u206f\ufeff\ufff9", `"\u00ad\u0600\u06dd\u070f\u17b4\u200b\u2028\u2029\u202e\u2060\u206f\ufeff\ufff9"`},
		{"中文😀", `"中文😀"`},
		{"\U0001D173\U000E0001\U000E007F", `"\ud834\udd73\udb40\udc01\udb40\udc7f"`},
		// invalid UTF-8 is dropped like protobuf's JsonEscaping::Escape does
		{"a\xffb", `"ab"`},
		{"a\x80b", `"ab"`},
		{"a\xc3(b", `"ab"`},
		{"ab\xe4\xb8", `"ab"`},
		{"a\xed\xa0\x80b", `"ab"`},
		{"a\xf4\x90\x80\x80b", `"ab"`},
		{"a\xf8b", `"ab"`},
		{"a\xc1\x81b", "\"a\xc1\x81b\""},
		{"a\xc0\x80b", `"a\u0000b"`},
	}
	for _, tc := range tests {
		if got := string(appendProtoJSONString(nil, tc.in)); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.in, got, tc.want)
		}
	}
}
