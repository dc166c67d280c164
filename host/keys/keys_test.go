package keys

import (
	"bytes"
	"encoding/hex"
	"sort"
	"strings"
	"testing"
)

// dorisKeyVector is one row of process_http_encode_key_test_cover_all_template
// (cloud/test/http_encode_key_test.cpp): key_type, query params, expected hex,
// plus the same key built with this package's builder.
type dorisKeyVector struct {
	keyType string
	query   string
	want    string
	built   []byte
}

func dorisKeyVectors() []dorisKeyVector {
	const inst = "gavin-instance"
	return []dorisKeyVector{
		{"InstanceKey", "instance_id=gavin-instance",
			"0110696e7374616e6365000110676176696e2d696e7374616e63650001",
			InstanceKey(inst)},
		{"TxnLabelKey", "instance_id=gavin-instance&db_id=10086&label=test-label",
			"011074786e000110676176696e2d696e7374616e636500011074786e5f6c6162656c000112000000000000276610746573742d6c6162656c0001",
			TxnLabelKey(inst, 10086, "test-label")},
		{"TxnInfoKey", "instance_id=gavin-instance&db_id=10086&txn_id=10010",
			"011074786e000110676176696e2d696e7374616e636500011074786e5f696e666f000112000000000000276612000000000000271a",
			TxnInfoKey(inst, 10086, 10010)},
		{"TxnIndexKey", "instance_id=gavin-instance&txn_id=10086",
			"011074786e000110676176696e2d696e7374616e636500011074786e5f696e6465780001120000000000002766",
			TxnIndexKey(inst, 10086)},
		{"TxnRunningKey", "instance_id=gavin-instance&db_id=10086&txn_id=10010",
			"011074786e000110676176696e2d696e7374616e636500011074786e5f72756e6e696e67000112000000000000276612000000000000271a",
			TxnRunningKey(inst, 10086, 10010)},
		{"PartitionVersionKey", "instance_id=gavin-instance&db_id=10086&tbl_id=10010&partition_id=10000",
			"011076657273696f6e000110676176696e2d696e7374616e6365000110706172746974696f6e000112000000000000276612000000000000271a120000000000002710",
			PartitionVersionKey(inst, 10086, 10010, 10000)},
		{"TableVersionKey", "instance_id=gavin-instance&db_id=10086&tbl_id=10010",
			"011076657273696f6e000110676176696e2d696e7374616e63650001107461626c65000112000000000000276612000000000000271a",
			TableVersionKey(inst, 10086, 10010)},
		{"MetaRowsetKey", "instance_id=gavin-instance&tablet_id=10086&version=10010",
			"01106d657461000110676176696e2d696e7374616e6365000110726f77736574000112000000000000276612000000000000271a",
			MetaRowsetKey(inst, 10086, 10010)},
		{"MetaRowsetTmpKey", "instance_id=gavin-instance&txn_id=10086&tablet_id=10010",
			"01106d657461000110676176696e2d696e7374616e6365000110726f777365745f746d70000112000000000000276612000000000000271a",
			MetaRowsetTmpKey(inst, 10086, 10010)},
		{"MetaTabletKey", "instance_id=gavin-instance&table_id=10086&index_id=100010&part_id=10000&tablet_id=1008601",
			"01106d657461000110676176696e2d696e7374616e63650001107461626c657400011200000000000027661200000000000186aa1200000000000027101200000000000f63d9",
			MetaTabletKey(inst, 10086, 100010, 10000, 1008601)},
		{"MetaTabletIdxKey", "instance_id=gavin-instance&tablet_id=10086",
			"01106d657461000110676176696e2d696e7374616e63650001107461626c65745f696e6465780001120000000000002766",
			MetaTabletIdxKey(inst, 10086)},
		{"RecycleIndexKey", "instance_id=gavin-instance&index_id=10086",
			"011072656379636c65000110676176696e2d696e7374616e6365000110696e6465780001120000000000002766",
			RecycleIndexKey(inst, 10086)},
		{"RecyclePartKey", "instance_id=gavin-instance&part_id=10086",
			"011072656379636c65000110676176696e2d696e7374616e6365000110706172746974696f6e0001120000000000002766",
			RecyclePartitionKey(inst, 10086)},
		{"RecycleRowsetKey", "instance_id=gavin-instance&tablet_id=10086&rowset_id=10010",
			"011072656379636c65000110676176696e2d696e7374616e6365000110726f7773657400011200000000000027661031303031300001",
			RecycleRowsetKey(inst, 10086, "10010")},
		{"RecycleTxnKey", "instance_id=gavin-instance&db_id=10086&txn_id=10010",
			"011072656379636c65000110676176696e2d696e7374616e636500011074786e000112000000000000276612000000000000271a",
			RecycleTxnKey(inst, 10086, 10010)},
		{"StatsTabletKey", "instance_id=gavin-instance&table_id=10086&index_id=10010&part_id=10000&tablet_id=1008601",
			"01107374617473000110676176696e2d696e7374616e63650001107461626c6574000112000000000000276612000000000000271a1200000000000027101200000000000f63d9",
			StatsTabletKey(inst, 10086, 10010, 10000, 1008601)},
		{"JobTabletKey", "instance_id=gavin-instance&table_id=10086&index_id=10010&part_id=10000&tablet_id=1008601",
			"01106a6f62000110676176696e2d696e7374616e63650001107461626c6574000112000000000000276612000000000000271a1200000000000027101200000000000f63d9",
			JobTabletKey(inst, 10086, 10010, 10000, 1008601)},
		{"CopyJobKey", "instance_id=gavin-instance&stage_id=10086&table_id=10010&copy_id=10000&group_id=1008601",
			"0110636f7079000110676176696e2d696e7374616e63650001106a6f620001103130303836000112000000000000271a10313030303000011200000000000f63d9",
			CopyJobKey(inst, "10086", 10010, "10000", 1008601)},
		{"CopyFileKey", "instance_id=gavin-instance&stage_id=10086&table_id=10010&obj_key=10000&obj_etag=1008601",
			"0110636f7079000110676176696e2d696e7374616e63650001106c6f6164696e675f66696c650001103130303836000112000000000000271a103130303030000110313030383630310001",
			CopyFileKey(inst, "10086", 10010, "10000", "1008601")},
		{"RecycleStageKey", "instance_id=gavin-instance&stage_id=10086",
			"011072656379636c65000110676176696e2d696e7374616e6365000110737461676500011031303038360001",
			RecycleStageKey(inst, "10086")},
		{"JobRecycleKey", "instance_id=gavin-instance",
			"01106a6f62000110676176696e2d696e7374616e6365000110636865636b0001",
			JobCheckKey(inst)},
		{"MetaSchemaKey", "instance_id=gavin-instance&index_id=10086&schema_version=10010",
			"01106d657461000110676176696e2d696e7374616e6365000110736368656d61000112000000000000276612000000000000271a",
			MetaSchemaKey(inst, 10086, 10010)},
		{"MetaDeleteBitmap", "instance_id=gavin-instance&tablet_id=10086&rowest_id=10010&version=10000&seg_id=1008601",
			"01106d657461000110676176696e2d696e7374616e636500011064656c6574655f6269746d6170000112000000000000276610313030313000011200000000000027101200000000000f63d9",
			MetaDeleteBitmapKey(inst, 10086, "10010", 10000, 1008601)},
		{"MetaDeleteBitmapUpdateLock", "instance_id=gavin-instance&table_id=10086&partition_id=10010",
			"01106d657461000110676176696e2d696e7374616e636500011064656c6574655f6269746d61705f6c6f636b000112000000000000276612000000000000271a",
			MetaDeleteBitmapUpdateLockKey(inst, 10086, 10010)},
		{"MetaPendingDeleteBitmap", "instance_id=gavin-instance&tablet_id=10086",
			"01106d657461000110676176696e2d696e7374616e636500011064656c6574655f6269746d61705f70656e64696e670001120000000000002766",
			MetaPendingDeleteBitmapKey(inst, 10086)},
		{"RLJobProgressKey", "instance_id=gavin-instance&db_id=10086&job_id=10010",
			"01106a6f62000110676176696e2d696e7374616e6365000110726f7574696e655f6c6f61645f70726f6772657373000112000000000000276612000000000000271a",
			RLJobProgressKey(inst, 10086, 10010)},
		{"MetaServiceRegistryKey", "",
			"021073797374656d0001106d6574612d7365727669636500011072656769737472790001",
			MetaServiceRegistryKey()},
		{"MetaServiceArnInfoKey", "",
			"021073797374656d0001106d6574612d7365727669636500011061726e5f696e666f0001",
			MetaServiceArnInfoKey()},
		{"MetaServiceEncryptionKey", "",
			"021073797374656d0001106d6574612d73657276696365000110656e6372797074696f6e5f6b65795f696e666f0001",
			MetaServiceEncryptionKeyInfoKey()},
		// Not in the Doris test table; derived from storage_vault_key in keys.cpp.
		{"StorageVaultKey", "instance_id=gavin-instance&vault_id=1",
			"011073746f726167655f7661756c74000110676176696e2d696e7374616e63650001107661756c74000110310001",
			StorageVaultKey(inst, "1")},
	}
}

// queryParams turns "a=b&c=d" into a map (test vectors carry no escapes).
func queryParams(keyType, q string) map[string]string {
	m := map[string]string{"key_type": keyType}
	if q == "" {
		return m
	}
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

func TestBuildersMatchDoris(t *testing.T) {
	for _, v := range dorisKeyVectors() {
		t.Run(v.keyType, func(t *testing.T) {
			if got := hex.EncodeToString(v.built); got != v.want {
				t.Errorf("builder = %s\nwant      %s", got, v.want)
			}
			built, err := BuildKey(queryParams(v.keyType, v.query))
			if err != nil {
				t.Fatalf("BuildKey: %v", err)
			}
			if got := hex.EncodeToString(built); got != v.want {
				t.Errorf("BuildKey = %s\nwant       %s", got, v.want)
			}
			// Every key decodes and round-trips.
			if _, _, err := Decode(built); err != nil {
				t.Errorf("Decode: %v", err)
			}
		})
	}
}

func TestEveryKeyTypeHasVector(t *testing.T) {
	have := map[string]bool{}
	for _, v := range dorisKeyVectors() {
		have[v.keyType] = true
	}
	for _, name := range KeyTypes() {
		if !have[name] {
			t.Errorf("key type %s has no test vector", name)
		}
	}
	if len(KeyTypes()) != 30 {
		t.Errorf("len(KeyTypes()) = %d, want 30", len(KeyTypes()))
	}
}

func TestStatsDetachedKeys(t *testing.T) {
	const base = "01107374617473000110676176696e2d696e7374616e63650001107461626c6574000112000000000000276612000000000000271a1200000000000027101200000000000f63d9"
	tests := []struct {
		suffix string
		want   string
	}{
		// From http_encode_key_test.cpp (StatsTabletKey with detached stats).
		{StatsSuffixDataSize, base + "10646174615f73697a650001"},
		{StatsSuffixNumRows, base + "106e756d5f726f77730001"},
		{StatsSuffixNumRowsets, base + "106e756d5f726f77736574730001"},
		{StatsSuffixNumSegs, base + "106e756d5f736567730001"},
		{StatsSuffixIndexSize, base + hex.EncodeToString(AppendBytes(nil, "index_size"))},
		{StatsSuffixSegmentSize, base + hex.EncodeToString(AppendBytes(nil, "segment_size"))},
	}
	stats := StatsTabletKey("gavin-instance", 10086, 10010, 10000, 1008601)
	end := PrefixEnd(stats)
	for _, tc := range tests {
		k := StatsTabletDetachedKey("gavin-instance", 10086, 10010, 10000, 1008601, tc.suffix)
		if got := hex.EncodeToString(k); got != tc.want {
			t.Errorf("%s: got %s\nwant %s", tc.suffix, got, tc.want)
		}
		if !bytes.HasPrefix(k, stats) || bytes.Compare(k, end) >= 0 {
			t.Errorf("%s: detached key outside [stats, PrefixEnd(stats))", tc.suffix)
		}
	}
}

func TestVersionKeyAlias(t *testing.T) {
	if !bytes.Equal(VersionKey("i", 1, 2, 3), PartitionVersionKey("i", 1, 2, 3)) {
		t.Error("VersionKey differs from PartitionVersionKey")
	}
}

func TestJobRecycleAndCheckKeys(t *testing.T) {
	if got, want := hex.EncodeToString(JobRecycleKey("i")), "01106a6f620001106900011072656379636c650001"; got != want {
		t.Errorf("JobRecycleKey = %s, want %s", got, want)
	}
	if got, want := hex.EncodeToString(JobCheckKey("i")), "01106a6f6200011069000110636865636b0001"; got != want {
		t.Errorf("JobCheckKey = %s, want %s", got, want)
	}
}

func TestPrefixes(t *testing.T) {
	const inst = "inst\x00a" // a 0x00 in the id must not break prefixes
	tests := []struct {
		name   string
		prefix []byte
		key    []byte
	}{
		{"instance", InstanceKeyPrefix(), InstanceKey(inst)},
		{"vault", StorageVaultKeyPrefix(inst), StorageVaultKey(inst, "v1")},
		{"txn", TxnKeyPrefix(inst), TxnLabelKey(inst, 1, "l")},
		{"txn running", TxnRunningKeyPrefix(inst, 3), TxnRunningKey(inst, 3, 99)},
		{"version", VersionKeyPrefix(inst), TableVersionKey(inst, 1, 2)},
		{"meta", MetaKeyPrefix(inst), MetaTabletIdxKey(inst, 5)},
		{"rowset", MetaRowsetKeyPrefix(inst, 5), MetaRowsetKey(inst, 5, 9)},
		{"rowset tmp", MetaRowsetTmpKeyPrefix(inst, 77), MetaRowsetTmpKey(inst, 77, 5)},
		{"recycle", RecycleKeyPrefix(inst), RecycleRowsetKey(inst, 5, "r")},
		{"stats", StatsKeyPrefix(inst), StatsTabletKey(inst, 1, 2, 3, 4)},
		{"job", JobKeyPrefix(inst), JobTabletKey(inst, 1, 2, 3, 4)},
	}
	for _, tc := range tests {
		end := PrefixEnd(tc.prefix)
		if !bytes.HasPrefix(tc.key, tc.prefix) {
			t.Errorf("%s: key %x lacks prefix %x", tc.name, tc.key, tc.prefix)
		}
		if bytes.Compare(tc.key, end) >= 0 {
			t.Errorf("%s: key %x not below PrefixEnd %x", tc.name, tc.key, end)
		}
	}
	// Another instance's keys are outside the range.
	other := InstanceKey("inst")
	p := StorageVaultKeyPrefix(inst)
	if bytes.HasPrefix(StorageVaultKey("inst", "v1"), p) {
		t.Error("vault prefix of inst\\x00a matches vault of inst")
	}
	if !bytes.HasPrefix(other, InstanceKeyPrefix()) {
		t.Error("instance prefix does not match")
	}
}

// All rowsets of one tablet, scanned in byte order, come in version order
// and exclude neighbouring tablets.
func TestRowsetScanOrder(t *testing.T) {
	var all [][]byte
	for _, tablet := range []int64{9, 10, 11} {
		for _, v := range []int64{300, 2, 1, 256, 11} {
			all = append(all, MetaRowsetKey("i", tablet, v))
		}
	}
	sort.Slice(all, func(i, j int) bool { return bytes.Compare(all[i], all[j]) < 0 })
	lo, hi := MetaRowsetKeyPrefix("i", 10), PrefixEnd(MetaRowsetKeyPrefix("i", 10))
	var versions []int64
	for _, k := range all {
		if bytes.Compare(k, lo) >= 0 && bytes.Compare(k, hi) < 0 {
			_, f, err := Decode(k)
			if err != nil {
				t.Fatal(err)
			}
			if f[3].Int != 10 {
				t.Fatalf("scan of tablet 10 returned tablet %d", f[3].Int)
			}
			versions = append(versions, f[4].Int)
		}
	}
	want := []int64{1, 2, 11, 256, 300}
	if len(versions) != len(want) {
		t.Fatalf("versions = %v, want %v", versions, want)
	}
	for i := range want {
		if versions[i] != want[i] {
			t.Fatalf("versions = %v, want %v", versions, want)
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"ff", ""},
		{"ffff", ""},
		{"01", "02"},
		{"0110", "0111"},
		{"01ff", "02"},
		{"01feff", "01ff"},
	}
	for _, tc := range tests {
		in := mustHex(t, tc.in)
		orig := append([]byte(nil), in...)
		got := PrefixEnd(in)
		if hex.EncodeToString(got) != tc.want {
			t.Errorf("PrefixEnd(%s) = %x, want %s", tc.in, got, tc.want)
		}
		if tc.want == "" && got != nil {
			t.Errorf("PrefixEnd(%s) = %x, want nil", tc.in, got)
		}
		if !bytes.Equal(in, orig) {
			t.Errorf("PrefixEnd modified its input")
		}
	}
}
