package dorispb

import (
	"strings"
	"testing"
)

// fieldLister records the fields visited by walk.
type fieldLister struct {
	nums  []int32
	names []string
	last  any
}

func (l *fieldLister) field(num int32, name string, ref any) {
	l.nums = append(l.nums, num)
	l.names = append(l.names, name)
	l.last = ref
}

// TestWalkOrder checks the invariants the codecs rely on: fields in strictly
// ascending number order, snake_case names, unknownFields last, and a
// protoName in the doris package.
func TestWalkOrder(t *testing.T) {
	for _, m := range allMessages() {
		var l fieldLister
		m.walk(&l)
		name := m.protoName()
		if !strings.HasPrefix(name, "doris.") {
			t.Errorf("%T: protoName %q", m, name)
		}
		n := len(l.nums)
		if n == 0 || l.nums[n-1] != 0 {
			t.Errorf("%s: unknownFields not visited last", name)
			continue
		}
		if _, ok := l.last.(*unknownFields); !ok {
			t.Errorf("%s: last ref is %T", name, l.last)
		}
		prev := int32(0)
		for i, num := range l.nums[:n-1] {
			f := fieldNumber(num)
			if f <= prev {
				t.Errorf("%s: field %q number %d not ascending", name, l.names[i], f)
			}
			prev = f
			if l.names[i] != strings.ToLower(l.names[i]) && l.names[i] != "sourceType" {
				t.Errorf("%s: field name %q is not snake_case", name, l.names[i])
			}
		}
	}
}

// TestRealFieldNumbers spot-checks numbers against cloud.proto / olap_file.proto.
func TestRealFieldNumbers(t *testing.T) {
	tests := []struct {
		msg  Message
		name string
		num  int32
	}{
		{new(InstanceInfoPB), "status", 10},
		{new(InstanceInfoPB), "resource_ids", 100},
		{new(InstanceInfoPB), "enable_storage_vault", 104},
		{new(ObjectStoreInfoPB), "user_id", 13},
		{new(ObjectStoreInfoPB), "role_arn", 18},
		{new(RamUserPB), "encryption_info", 6},
		{new(NodeInfoPB), "heartbeat_port", 8},
		{new(NodeInfoPB), "node_type", 11},
		{new(ClusterPB), "cluster_status", 9},
		{new(ClusterPB), "properties", 14},
		{new(TabletJobInfoPB), "compaction", 4},
		{new(TabletStatsPB), "base_compaction_cnt", 7},
		{new(TabletCompactionJobPB), "check_input_versions_range", 26},
		{new(RowsetMetaCloudPB), "rowset_id_v2", 23},
		{new(RowsetMetaCloudPB), "segments_overlap_pb", 51},
		{new(RowsetMetaCloudPB), "visible_ts_ms", 109},
		{new(AbortTxnRequest), "request_ip", 7},
		{new(CommitTxnRequest), "is_txn_load", 9},
		{new(TxnInfoPB), "listener_id", 17},
	}
	for _, tc := range tests {
		var l fieldLister
		tc.msg.walk(&l)
		got := int32(-1)
		for i, n := range l.names {
			if n == tc.name {
				got = fieldNumber(l.nums[i])
			}
		}
		if got != tc.num {
			t.Errorf("%s.%s = %d, want %d", tc.msg.protoName(), tc.name, got, tc.num)
		}
	}
}

func TestEnumValues(t *testing.T) {
	tests := []struct {
		got  string
		want string
	}{
		{ObjectStoreInfoPB_UNKONWN.String(), "UNKONWN"},
		{ObjectStoreInfoPB_Provider(-1).String(), "UNKONWN"},
		{ObjectStoreInfoPB_AZURE.String(), "AZURE"},
		{ObjectStoreInfoPB_Provider(42).String(), "42"},
		{CredProviderTypePB_INSTANCE_PROFILE.String(), "INSTANCE_PROFILE"},
		{ClusterStatus_MANUAL_SHUTDOWN.String(), "MANUAL_SHUTDOWN"},
		{NodeInfoPB_FE_FOLLOWER.String(), "FE_FOLLOWER"},
		{MetaServiceCode(2011).String(), "TABLET_NOT_FOUND"},
		{MetaServiceCode(1000000).String(), "UNDEFINED_ERR"},
		{TabletCompactionJobPB_UNKOWN.String(), "UNKOWN"},
		{RowsetStatePB_BEGIN_PARTIAL_UPDATE.String(), "BEGIN_PARTIAL_UPDATE"},
		{AlterObjStoreInfoRequest_DROP_S3_VAULT.String(), "DROP_S3_VAULT"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if int32(AlterObjStoreInfoRequest_DROP_S3_VAULT) != 104 || int32(MetaServiceCode_JOB_CHECK_ALTER_VERSION) != 5005 {
		t.Error("enum numbers differ from cloud.proto")
	}
}

func TestOpt(t *testing.T) {
	var o Opt[string]
	if o.Has() || o.Get() != "" {
		t.Fatal("zero Opt must be unset")
	}
	o.Set("")
	if v, ok := o.Value(); !ok || v != "" {
		t.Fatal("Set(\"\") must be set")
	}
	o.Clear()
	if o.Has() {
		t.Fatal("Clear must unset")
	}
	if Some(int64(5)) != Some(int64(5)) || Some(int64(0)) == (Opt[int64]{}) {
		t.Fatal("Opt equality must include presence")
	}
}

func TestCloneAndReset(t *testing.T) {
	var in InstanceInfoPB
	body := `{"instance_id":"i","lb_ip":["a"],"clusters":[{"cluster_id":"c","properties":{"k":"v"},"nodes":[{"ip":"1","status":99}]}],` +
		`"obj_info":[{"encryption_info":{"key_id":"1"}}],"migrated_key_sets":[1,55]}`
	if err := Unmarshal([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	c := Clone(&in)
	if DebugString(c) != DebugString(&in) || string(MarshalJSON(c)) != string(MarshalJSON(&in)) {
		t.Fatalf("clone differs:\n%s\n%s", DebugString(c), DebugString(&in))
	}
	c.Clusters[0].Nodes[0].IP.Set("changed")
	c.Clusters[0].Properties["k"] = "changed"
	c.LbIP[0] = "changed"
	if in.Clusters[0].Nodes[0].IP.Get() != "1" || in.Clusters[0].Properties["k"] != "v" || in.LbIP[0] != "a" {
		t.Fatal("clone shares memory with the original")
	}
	if Clone[InstanceInfoPB](nil) != nil {
		t.Fatal("Clone(nil) must be nil")
	}
	Reset(c)
	if got := string(MarshalJSON(c)); got != "{}" {
		t.Fatalf("after Reset: %s", got)
	}
}
