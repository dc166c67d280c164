package dorispb

import "testing"

func TestDebugString(t *testing.T) {
	tests := []struct {
		name string
		msg  Message
		want string
	}{
		{
			// spec §7.5: get_tablet_stats with an empty tablet_idx.
			"get_tablet_stats empty",
			&GetTabletStatsResponse{Status: &MetaServiceResponseStatus{Code: Some(MetaServiceCode_OK), Msg: Some("")}},
			"status {\n  code: OK\n  msg: \"\"\n}\n",
		},
		{
			// spec §5.2 example of a NodeInfoPB DebugString.
			"node",
			&NodeInfoPB{CloudUniqueID: Some("1:nope:x"), IP: Some("1.2.3.4"), HeartbeatPort: Some(int32(9050))},
			"cloud_unique_id: \"1:nope:x\"\nip: \"1.2.3.4\"\nheartbeat_port: 9050\n",
		},
		{"empty", &ClusterPB{}, ""},
		{"empty nested", &CreateInstanceRequest{ObjInfo: &ObjectStoreInfoPB{}}, "obj_info {\n}\n"},
		{
			"stats nested twice",
			&GetTabletStatsResponse{
				Status: &MetaServiceResponseStatus{Code: Some(MetaServiceCode_OK), Msg: Some("")},
				TabletStats: []*TabletStatsPB{{
					Idx:      &TabletIndexPB{TableID: Some(int64(1)), TabletID: Some(int64(4))},
					DataSize: Some(int64(-3)), NumRowsets: Some(int64(2)),
				}},
			},
			"status {\n  code: OK\n  msg: \"\"\n}\ntablet_stats {\n  idx {\n    table_id: 1\n    tablet_id: 4\n  }\n  data_size: -3\n  num_rowsets: 2\n}\n",
		},
		{
			"repeated, enum, bool, map sorted",
			&ClusterPB{
				Type: Some(ClusterPB_SQL), MysqlUserName: []string{"a", "b"}, Ctime: Some(int64(7)),
				Properties: map[string]string{"z": "", "a": "1"},
			},
			"type: SQL\nmysql_user_name: \"a\"\nmysql_user_name: \"b\"\nctime: 7\nproperties {\n  key: \"a\"\n  value: \"1\"\n}\nproperties {\n  key: \"z\"\n  value: \"\"\n}\n",
		},
		{
			"C escapes and octal",
			&RamUserPB{UserID: Some("a\"b'c\\d\n\r\t\x01\x7f中")},
			"user_id: \"a\\\"b\\'c\\\\d\\n\\r\\t\\001\\177\\344\\270\\255\"\n",
		},
		{"bytes", &KeyBoundsPB{MinKey: Some([]byte{0, 'a', 0xff}), MaxKey: Some([]byte{})}, "min_key: \"\\000a\\377\"\nmax_key: \"\"\n"},
		{"bool", &ObjectStoreInfoPB{SseEnabled: Some(false), UsePathStyle: Some(true)}, "sse_enabled: false\nuse_path_style: true\n"},
		{
			"unknown enum values last as uint64",
			&ObjectStoreInfoPB{ID: Some("1"), unknown: unknownFields{{num: 10, name: "provider", val: -2}, {num: 17, name: "cred_provider_type", val: 9}}},
			"id: \"1\"\n10: 18446744073709551614\n17: 9\n",
		},
	}
	for _, tc := range tests {
		if got := DebugString(tc.msg); got != tc.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestShortDebugString(t *testing.T) {
	tests := []struct {
		name string
		msg  Message
		want string
	}{
		{
			// spec §5.8: the get_cluster not-found message.
			"get_cluster request",
			&GetClusterRequest{CloudUniqueID: Some("1:inst_a:xxxxx"), ClusterID: Some("compute_id_1")},
			`cloud_unique_id: "1:inst_a:xxxxx" cluster_id: "compute_id_1"`,
		},
		{
			"docs example order",
			&GetClusterRequest{InstanceID: Some("instance_id_deadbeef"), CloudUniqueID: Some("1:regression_instance0:xxx_cloud_unique_id_compute_node0"), ClusterName: Some("cluster_name")},
			`instance_id: "instance_id_deadbeef" cloud_unique_id: "1:regression_instance0:xxx_cloud_unique_id_compute_node0" cluster_name: "cluster_name"`,
		},
		{"empty", &GetClusterRequest{}, ""},
		{"nested", &AlterClusterRequest{InstanceID: Some("i"), Cluster: &ClusterPB{ClusterID: Some("c"), Nodes: []*NodeInfoPB{{}}}}, `instance_id: "i" cluster { cluster_id: "c" nodes { } }`},
		{"newline escaped", &GetClusterRequest{ClusterName: Some("a\nb")}, `cluster_name: "a\nb"`},
	}
	for _, tc := range tests {
		if got := ShortDebugString(tc.msg); got != tc.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
