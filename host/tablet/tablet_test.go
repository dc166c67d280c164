package tablet

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
	bolt "go.etcd.io/bbolt"
)

// env applies operations to a bbolt file the way the raft handler does
// (commit unless rejected), at a settable time, without raft.
type env struct {
	db  *bolt.DB
	now time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(btx *bolt.Tx) error { _, err := btx.CreateBucket([]byte("data")); return err }); err != nil {
		t.Fatal(err)
	}
	return &env{db: db, now: time.Unix(1700000000, 0)}
}

// do applies op and returns its response; rejected operations roll back.
func (e *env) do(t *testing.T, name, body string) dorispb.Message {
	t.Helper()
	var resp dorispb.Message
	err := e.db.Update(func(btx *bolt.Tx) error {
		var keep bool
		var err error
		resp, keep, err = runOp(btx, btx.Bucket([]byte("data")), name, []byte(body), e.now)
		if resp == nil {
			return err
		}
		if code, _ := Status(resp); code != dorispb.MetaServiceCode_OK && !keep {
			return errRolledBack
		}
		return err
	})
	if err != nil && !errors.Is(err, errRolledBack) {
		t.Fatalf("%s: %v", name, err)
	}
	return resp
}

// errRolledBack marks a rejected operation inside env.do.
const errRolledBack = rolledBack("rolled back")

type rolledBack string

func (r rolledBack) Error() string { return string(r) }

func (e *env) ok(t *testing.T, name, body string) dorispb.Message {
	t.Helper()
	resp := e.do(t, name, body)
	if code, msg := Status(resp); code != dorispb.MetaServiceCode_OK {
		t.Fatalf("%s %s: %v %q", name, body, code, msg)
	}
	return resp
}

func (e *env) state(t *testing.T, tabletID int64) *State {
	t.Helper()
	var st *State
	_ = e.db.View(func(btx *bolt.Tx) error {
		st = (&tx{btx: btx, b: btx.Bucket([]byte("data")), now: e.now}).state("i", tabletID)
		return nil
	})
	if st == nil {
		t.Fatalf("tablet %d not found", tabletID)
	}
	return st
}

const cu = `"cloud_unique_id":"1:i:x"`

// setup creates tablet 1 with [0-1] and loads versions 2..n+1 (10 rows,
// 100 bytes, 1 segment each), with cumulative point point.
func (e *env) setup(t *testing.T, n int, point int64) {
	t.Helper()
	e.ok(t, OpCreateTablets, fmt.Sprintf(`{%s,"db_id":1,"tablet_metas":[{"table_id":2,"index_id":3,"partition_id":4,"tablet_id":1,"cumulative_layer_point":%d,
		"rs_metas":[{"rowset_id":0,"rowset_id_v2":"r0","start_version":0,"end_version":1}]}]}`, cu, point))
	for i := 0; i < n; i++ {
		begin := e.ok(t, OpBeginTxn, fmt.Sprintf(`{%s,"txn_info":{"db_id":1,"label":"l%d"}}`, cu, i)).(*dorispb.BeginTxnResponse)
		txn := begin.TxnID.Get()
		rs := fmt.Sprintf(`{%s,"temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"r%d","tablet_id":1,"txn_id":%d,"num_rows":10,"total_disk_size":100,"data_disk_size":100,"num_segments":1}}`, cu, i+1, txn)
		e.ok(t, OpPrepareRowset, rs)
		e.ok(t, OpCommitRowset, rs)
		e.ok(t, OpCommitTxn, fmt.Sprintf(`{%s,"txn_id":%d}`, cu, txn))
	}
}

func jobBody(id, typ string, extra string) string {
	return fmt.Sprintf(`{%s,"job":{"idx":{"tablet_id":1},"compaction":[{"id":%q,"type":%q,"base_compaction_cnt":0,"cumulative_compaction_cnt":0,
		"expiration":1800000000,"lease":1800000000%s}]}}`, cu, id, typ, extra)
}

func finishBody(id, action, typ, extra string) string {
	return fmt.Sprintf(`{%s,"action":%q,"job":{"idx":{"tablet_id":1},"compaction":[{"id":%q,"type":%q%s}]}}`, cu, action, id, typ, extra)
}

// TestCommitStats is compaction spec §8.4: how each type changes the stats.
func TestCommitStats(t *testing.T) {
	io := `,"num_input_rowsets":3,"num_output_rowsets":1,"num_input_segments":3,"num_output_segments":1,"size_input_rowsets":300,"size_output_rowsets":250,
		"num_input_rows":30,"num_output_rows":30,"input_versions":[2,4],"output_versions":[4],"output_rowset_ids":["out"],"txn_id":[99]`
	cases := []struct {
		typ, extra                          string
		point                               int64 // tablet point before
		wantPoint, wantBase, wantCumu, full int64
		wantRowsets, wantSize               int64
	}{
		{"CUMULATIVE", io + `,"output_cumulative_point":5`, 2, 5, 0, 1, 0, 4, 450},
		{"CUMULATIVE", io + `,"output_cumulative_point":3`, 8, 8, 0, 1, 0, 4, 450}, // never lowers the point
		{"BASE", io + `,"output_cumulative_point":9`, 6, 6, 1, 0, 0, 4, 450},       // point unchanged
		{"FULL", io + `,"output_cumulative_point":5`, 2, 5, 1, 0, 1, 4, 450},
		{"EMPTY_CUMULATIVE", `,"output_cumulative_point":1`, 6, 1, 0, 1, 0, 6, 500}, // overwrites, no rowset change
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s from %d", c.typ, c.point), func(t *testing.T) {
			e := newEnv(t)
			e.setup(t, 5, c.point)
			e.ok(t, OpStartTabletJob, jobBody("j", c.typ, ""))
			if c.typ != "EMPTY_CUMULATIVE" {
				out := fmt.Sprintf(`{%s,"temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"out","tablet_id":1,"txn_id":99,"start_version":2,"end_version":4,"total_disk_size":250}}`, cu)
				e.ok(t, OpPrepareRowset, out)
				e.ok(t, OpCommitRowset, out)
			}
			e.now = e.now.Add(time.Minute)
			resp := e.ok(t, OpFinishTabletJob, finishBody("j", "COMMIT", c.typ, c.extra)).(*dorispb.FinishTabletJobResponse)
			st := resp.Stats
			if st.CumulativePoint.Get() != c.wantPoint || st.BaseCompactionCnt.Get() != c.wantBase || st.CumulativeCompactionCnt.Get() != c.wantCumu ||
				st.FullCompactionCnt.Get() != c.full || st.NumRowsets.Get() != c.wantRowsets || st.DataSize.Get() != c.wantSize {
				t.Fatalf("stats %s", dorispb.ShortDebugString(st))
			}
			ms := e.now.UnixMilli()
			switch c.typ {
			case "BASE":
				if st.LastBaseCompactionTimeMs.Get() != ms {
					t.Fatal("base time not set")
				}
			case "FULL":
				if st.LastFullCompactionTimeMs.Get() != ms {
					t.Fatal("full time not set")
				}
			default:
				if st.LastCumuCompactionTimeMs.Get() != ms {
					t.Fatal("cumulative time not set")
				}
			}
			s := e.state(t, 1)
			if int64(len(s.Rowsets)) != c.wantRowsets || s.Jobs != nil {
				t.Fatalf("rowsets %d jobs %v", len(s.Rowsets), s.Jobs)
			}
			wantPaths := 1
			if c.typ == "EMPTY_CUMULATIVE" {
				wantPaths = 0
			}
			if len(s.Ext.StalePaths) != wantPaths {
				t.Fatalf("stale paths %+v", s.Ext.StalePaths)
			}
		})
	}
}

// TestCommitSequence is compaction spec §7.4 M-5: the COMMIT error sequence.
func TestCommitSequence(t *testing.T) {
	e := newEnv(t)
	e.setup(t, 5, 2)
	steps := []struct {
		extra, msg string
		keep       bool // the job is removed by the failure
	}{
		{``, "invalid input or output versions, input_versions_size=0 output_versions_size=0 output_rowset_ids_size=0", false},
		{`,"num_input_rowsets":3,"input_versions":[20,22],"output_versions":[22],"output_rowset_ids":["o"]`, "too few input rowsets, tablet_id=1 num_rowsets=0", true},
		{`,"input_versions":[2,4],"output_versions":[4],"output_rowset_ids":["o"]`, "invalid txn_id, txn_id_size=0", false},
		{`,"input_versions":[2,4],"output_versions":[4],"output_rowset_ids":["o"],"txn_id":[77]`, "failed to get tmp rowset key (not found), tablet_id=1 tmp_rowset_key=", false},
	}
	for i, s := range steps {
		id := fmt.Sprintf("j%d", i)
		e.ok(t, OpStartTabletJob, jobBody(id, "CUMULATIVE", ""))
		resp := e.do(t, OpFinishTabletJob, finishBody(id, "COMMIT", "CUMULATIVE", s.extra))
		if _, msg := Status(resp); !strings.HasPrefix(msg, s.msg) {
			t.Fatalf("step %d: %q", i, msg)
		}
		jobs := e.state(t, 1).Jobs
		if removed := jobs == nil; removed != s.keep {
			t.Fatalf("step %d: job removed=%v", i, removed)
		}
		if !s.keep {
			e.ok(t, OpFinishTabletJob, finishBody(id, "ABORT", "CUMULATIVE", ""))
		}
	}
	// A tmp rowset whose txn_id is missing.
	e.ok(t, OpStartTabletJob, jobBody("j9", "CUMULATIVE", ""))
	bad := fmt.Sprintf(`{%s,"temporary":false,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"o","tablet_id":1,"end_version":100}}`, cu)
	e.ok(t, OpCommitRowset, bad) // visible at 100; move it under a tmp key by hand
	_ = e.db.Update(func(btx *bolt.Tx) error {
		b := btx.Bucket([]byte("data"))
		v := b.Get(keysRowset("i", 1, 100))
		if err := b.Delete(keysRowset("i", 1, 100)); err != nil {
			return err
		}
		return b.Put(keysTmp("i", 78, 1), v)
	})
	resp := e.do(t, OpFinishTabletJob, finishBody("j9", "COMMIT", "CUMULATIVE", `,"input_versions":[2,4],"output_versions":[4],"output_rowset_ids":["o"],"txn_id":[78]`))
	if _, msg := Status(resp); msg != "invalid txn_id in output tmp rowset meta, tablet_id=1 txn_id=78" {
		t.Fatalf("tmp without txn id: %q", msg)
	}
}

// TestExpireStalePaths: Record drops stale paths older than the given age.
func TestExpireStalePaths(t *testing.T) {
	e := newEnv(t)
	e.setup(t, 4, 2)
	for i, rng := range [][2]int64{{2, 3}, {4, 5}} {
		id := fmt.Sprintf("c%d", i)
		e.ok(t, OpStartTabletJob, strings.Replace(jobBody(id, "CUMULATIVE", ""), `"cumulative_compaction_cnt":0`, fmt.Sprintf(`"cumulative_compaction_cnt":%d`, i), 1))
		out := fmt.Sprintf(`{%s,"temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"o%d","tablet_id":1,"txn_id":%d,"start_version":%d,"end_version":%d}}`, cu, i, 500+i, rng[0], rng[1])
		e.ok(t, OpCommitRowset, out)
		e.ok(t, OpFinishTabletJob, finishBody(id, "COMMIT", "CUMULATIVE", fmt.Sprintf(`,"num_input_rowsets":2,"input_versions":[%d,%d],"output_versions":[%d],"output_rowset_ids":["o%d"],"txn_id":[%d]`,
			rng[0], rng[1], rng[1], i, 500+i)))
		e.now = e.now.Add(10 * time.Minute)
	}
	if p := e.state(t, 1).Ext.StalePaths; len(p) != 2 || p[0].ID != 0 || p[1].ID != 1 || len(p[0].Rowsets) != 2 {
		t.Fatalf("paths %+v", p)
	}
	e.ok(t, OpRecordCompaction, `{"tablet_id":1,"expire_stale_after_s":900}`)
	if p := e.state(t, 1).Ext.StalePaths; len(p) != 1 || p[0].ID != 1 {
		t.Fatalf("after expiry %+v", p)
	}
	if v := versionsOf(e.state(t, 1).Rowsets); v != "[0-1][2-3][4-5]" {
		t.Fatalf("rowsets %s", v)
	}
}

func versionsOf(rs []*dorispb.RowsetMetaCloudPB) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "[%d-%d]", r.StartVersion.Get(), r.EndVersion.Get())
	}
	return b.String()
}

func keysRowset(inst string, tabletID, version int64) []byte {
	return keys.MetaRowsetKey(inst, tabletID, version)
}

func keysTmp(inst string, txnID, tabletID int64) []byte {
	return keys.MetaRowsetTmpKey(inst, txnID, tabletID)
}
