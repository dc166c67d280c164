package tablet

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/meta/dorispb"
	bolt "go.etcd.io/bbolt"
)

// domainDB is a bbolt file with a baseline state: tablet 10001 of instance
// "i" with rowsets [0-1] and [2-2], a running txn and a recorded job.
func domainDB(t testing.TB) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	steps := []struct{ op, body string }{
		{OpCreateTablets, `{"cloud_unique_id":"1:i:x","db_id":1,"tablet_metas":[{"table_id":2,"index_id":3,"partition_id":4,"tablet_id":10001,
			"rs_metas":[{"rowset_id":0,"rowset_id_v2":"r0","start_version":0,"end_version":1}]}]}`},
		{OpBeginTxn, `{"cloud_unique_id":"1:i:x","txn_info":{"db_id":1,"label":"a"}}`},
		{OpCommitRowset, `{"cloud_unique_id":"1:i:x","temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"r1","tablet_id":10001,"txn_id":1,"num_rows":5}}`},
		{OpCommitTxn, `{"cloud_unique_id":"1:i:x","txn_id":1}`},
		{OpBeginTxn, `{"cloud_unique_id":"1:i:x","txn_info":{"db_id":1,"label":"b"}}`},
		{OpStartTabletJob, `{"cloud_unique_id":"1:i:x","job":{"idx":{"tablet_id":10001},"compaction":[{"id":"j","type":"CUMULATIVE",
			"base_compaction_cnt":0,"cumulative_compaction_cnt":0,"expiration":2000000000,"lease":2000000000,"input_versions":[2,2],"check_input_versions_range":true}]}}`},
	}
	err = db.Update(func(btx *bolt.Tx) error {
		b, err := btx.CreateBucket([]byte("data"))
		if err != nil {
			return err
		}
		for _, s := range steps {
			resp, _, _ := runOp(btx, b, s.op, []byte(s.body), time.Unix(1700000000, 0))
			if code, msg := Status(resp); code != dorispb.MetaServiceCode_OK {
				t.Fatalf("baseline %s: %v %s", s.op, code, msg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// runOp decodes and applies one operation inside btx at now without raft:
// its response, whether its writes are kept despite a failure status, and
// the decode or storage error (a nil response when the body does not
// decode).
func runOp(btx *bolt.Tx, b *bolt.Bucket, name string, body []byte, now time.Time) (dorispb.Message, bool, error) {
	cfg := meta.DefaultConfig()
	cfg.EnableCheckInstanceID = false
	o := operations()[name]
	req := o.newReq()
	if err := decodeReq(body, req); err != nil {
		return nil, false, err
	}
	t := &tx{btx: btx, b: b, now: now, cfg: cfg, write: true}
	if name == OpRecordCompaction {
		t.instance = "i"
	}
	resp, keep := o.apply(t, req)
	return resp, keep, t.err
}

// fuzzOps lists the operations FuzzApply exercises.
func fuzzOps() []string {
	return []string{OpCreateTablets, OpBeginTxn, OpCommitTxn, OpAbortTxn, OpPrepareRowset, OpCommitRowset,
		OpStartTabletJob, OpFinishTabletJob, OpRecordCompaction}
}

// FuzzApply decodes arbitrary JSON as each operation's request and applies
// it to the baseline state (rolled back): no panic, and a response always
// carries a status.
func FuzzApply(f *testing.F) {
	seeds := []struct {
		op   int
		body string
	}{
		{0, `{"cloud_unique_id":"1:i:x","tablet_metas":[null,{"tablet_id":5}]}`},
		{1, `{"cloud_unique_id":"1:i:x","txn_info":{"db_id":1,"label":"a"}}`},
		{2, `{"cloud_unique_id":"1:i:x","txn_id":2}`},
		{3, `{"cloud_unique_id":"1:i:x","db_id":1,"label":"b"}`},
		{4, `{"cloud_unique_id":"1:i:x","temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"z","tablet_id":10001,"txn_id":2}}`},
		{5, `{"cloud_unique_id":"1:i:x","rowset_meta":{"rowset_id":0,"rowset_id_v2":"z","tablet_id":10001,"end_version":9}}`},
		{6, `{"cloud_unique_id":"1:i:x","job":{"idx":{"tablet_id":10001},"compaction":[null]}}`},
		{6, `{"cloud_unique_id":"1:i:x","job":{"idx":{"tablet_id":10001},"compaction":[{"id":"k","type":"FULL","base_compaction_cnt":0,"cumulative_compaction_cnt":0,"expiration":1,"lease":1}]}}`},
		{7, `{"cloud_unique_id":"1:i:x","action":"COMMIT","job":{"idx":{"tablet_id":10001},"compaction":[{"id":"j","type":"CUMULATIVE","input_versions":[2,2],"output_versions":[2],"output_rowset_ids":["o"],"txn_id":[9]}]}}`},
		{7, `{"cloud_unique_id":"1:i:x","action":"LEASE","job":{"idx":{"tablet_id":10001},"compaction":[{"id":"j","lease":2000000001}]}}`},
		{7, `{"cloud_unique_id":"1:i:x","action":"ABORT","job":{"idx":{},"schema_change":{}}}`},
		{8, `{"tablet_id":10001,"type":2,"failed":true,"status":"[E-2000]"}`},
		{8, `{"tablet_id":1,"policy":"time_series"}`},
		{2, `{`},
		{6, `{"job":{"compaction":[{"input_versions":[1]}]}}`},
	}
	for _, s := range seeds {
		f.Add(s.op, []byte(s.body))
	}
	db := domainDB(f)
	f.Fuzz(func(t *testing.T, opIdx int, body []byte) {
		if opIdx < 0 {
			opIdx = -opIdx
		}
		ops := fuzzOps()
		name := ops[opIdx%len(ops)]
		btx, err := db.Begin(true)
		if err != nil {
			t.Fatal(err)
		}
		defer btx.Rollback()
		resp, _, err := runOp(btx, btx.Bucket([]byte("data")), name, body, time.Unix(1700000000, 0))
		if err != nil || resp == nil {
			return
		}
		if _, ok := resp.(*dorispb.MetaServiceResponseStatus); !ok {
			if p := statusField(resp); p == nil || *p == nil {
				t.Fatalf("%s: response without status: %s", name, dorispb.MarshalJSON(resp))
			}
		}
		var probe map[string]any
		if err := json.Unmarshal(dorispb.MarshalJSON(resp), &probe); err != nil {
			t.Fatalf("%s: response is not JSON: %v", name, err)
		}
	})
}
