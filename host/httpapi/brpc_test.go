package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/metahost/metahost/host/httpapi"
	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
	"github.com/metahost/metahost/host/tablet"
	bolt "go.etcd.io/bbolt"
)

// Test fixture: instance "inst1" through the degraded cloud_unique_id,
// db 1, table 2, index 3, partition 4, tablet 10001 (and 10002).
const (
	bCUID   = "1:inst1:be1"
	bTablet = 10001
)

// bT0Unix is the test clock's start (2026-01-02 03:04:05 UTC).
const bT0Unix = 1767323045

func bT0Time() time.Time { return time.Unix(bT0Unix, 0).UTC() }

// bServer is a test server and its load label counter.
type bServer struct {
	*servertest.Server
	seq atomic.Int64
}

// startBRPC starts a server that accepts degraded cloud_unique_ids of
// instances that do not exist (enable_check_instance_id = false).
func startBRPC(t testing.TB) (*bServer, *servertest.Clock) {
	t.Helper()
	clock := servertest.NewClock(bT0Time())
	off := false
	s := servertest.Start(t, servertest.Options{Clock: clock, Edit: func(c *server.Config) {
		c.Meta.EnableCheckInstanceID = &off
	}})
	return &bServer{Server: s}, clock
}

func brpcURL(s *bServer, method string) string {
	return s.URL + "/MetaService/" + method + "?token=" + servertest.Token
}

// bcall posts a brpc request and decodes the response into resp.
func bcall(t testing.TB, s *bServer, method, body string, resp dorispb.Message) int {
	t.Helper()
	r := servertest.Do(t, "POST", brpcURL(s, method), body, "Content-Type", "application/json")
	if err := dorispb.Unmarshal([]byte(r.Body), resp); err != nil {
		t.Fatalf("%s: undecodable response %q: %v", method, r.Body, err)
	}
	return r.Status
}

// bok calls and fails the test unless the status is OK.
func bok(t testing.TB, s *bServer, method, body string, resp dorispb.Message) {
	t.Helper()
	st := bcall(t, s, method, body, resp)
	code, msg := bstatus(resp)
	if st != 200 || code != dorispb.MetaServiceCode_OK {
		t.Fatalf("%s %s: http %d %v %q", method, body, st, code, msg)
	}
}

func bstatus(m dorispb.Message) (dorispb.MetaServiceCode, string) {
	var probe struct {
		Status struct {
			Code string `json:"code"`
			Msg  string `json:"msg"`
		} `json:"status"`
	}
	_ = json.Unmarshal(dorispb.MarshalJSON(m), &probe)
	st := &dorispb.MetaServiceResponseStatus{}
	_ = dorispb.Unmarshal([]byte(fmt.Sprintf(`{"code":%q}`, probe.Status.Code)), st)
	return st.Code.Get(), probe.Status.Msg
}

func bCreateTablets(t testing.TB, s *bServer, ids ...int64) {
	t.Helper()
	var metas []string
	for _, id := range ids {
		metas = append(metas, fmt.Sprintf(`{"table_id":2,"index_id":3,"partition_id":4,"tablet_id":%d,"schema_hash":123,
			"rs_metas":[{"rowset_id":0,"rowset_id_v2":"init%d","start_version":0,"end_version":1,"num_segments":0,"num_rows":0,
			"total_disk_size":0,"segments_overlap_pb":"NONOVERLAPPING","creation_time":1}]}`, id, id))
	}
	bok(t, s, "create_tablets", `{"cloud_unique_id":"`+bCUID+`","db_id":1,"tablet_metas":[`+strings.Join(metas, ",")+`]}`, &dorispb.CreateTabletsResponse{})
}

// bLoad runs one bLoad (begin_txn, prepare_rowset, commit_rowset, commit_txn)
// into tablet and returns the visible version.
func bLoad(t testing.TB, s *bServer, tablet int64, rows int64) int64 {
	t.Helper()
	n := s.seq.Add(1)
	begin := &dorispb.BeginTxnResponse{}
	bok(t, s, "begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_info":{"db_id":1,"table_ids":[2],"label":"load_%d","timeout_ms":60000}}`, bCUID, n), begin)
	txn := begin.TxnID.Get()
	rs := fmt.Sprintf(`{"cloud_unique_id":%q,"temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"rs_%d","tablet_id":%d,"txn_id":%d,
		"num_rows":%d,"total_disk_size":%d,"data_disk_size":%d,"index_disk_size":0,"num_segments":1,"segments_overlap_pb":"NONOVERLAPPING"}}`,
		bCUID, n, tablet, txn, rows, rows*10, rows*10)
	bok(t, s, "prepare_rowset", rs, &dorispb.CreateRowsetResponse{})
	bok(t, s, "commit_rowset", rs, &dorispb.CreateRowsetResponse{})
	commit := &dorispb.CommitTxnResponse{}
	bok(t, s, "commit_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":%d}`, bCUID, txn), commit)
	if len(commit.Versions) != 1 {
		t.Fatalf("commit_txn bVersions %v", commit.Versions)
	}
	return commit.Versions[0]
}

func bRowsets(t testing.TB, s *bServer, tablet int64) *dorispb.GetRowsetResponse {
	t.Helper()
	st := bStats(t, s, tablet)
	resp := &dorispb.GetRowsetResponse{}
	bok(t, s, "get_rowset", fmt.Sprintf(`{"cloud_unique_id":%q,"idx":{"tablet_id":%d},"start_version":0,"end_version":-1,
		"base_compaction_cnt":%d,"cumulative_compaction_cnt":%d,"cumulative_point":%d}`,
		bCUID, tablet, st.BaseCompactionCnt.Get(), st.CumulativeCompactionCnt.Get(), st.CumulativePoint.Get()), resp)
	return resp
}

func bStats(t testing.TB, s *bServer, tablet int64) *dorispb.TabletStatsPB {
	t.Helper()
	resp := &dorispb.GetTabletStatsResponse{}
	bok(t, s, "get_tablet_stats", fmt.Sprintf(`{"cloud_unique_id":%q,"tablet_idx":[{"tablet_id":%d}]}`, bCUID, tablet), resp)
	return resp.TabletStats[0]
}

func bVersions(rs []*dorispb.RowsetMetaCloudPB) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "[%d-%d]", r.StartVersion.Get(), r.EndVersion.Get())
	}
	return b.String()
}

// bSnapshot returns every key and value of the domain state.
func bSnapshot(t testing.TB, s *bServer) string {
	t.Helper()
	var b bytes.Buffer
	err := s.Store().View(context.Background(), raftstore.ReadOptions{}, func(tx *bolt.Tx) error {
		return raftstore.Data(tx).ForEach(func(k, v []byte) error {
			fmt.Fprintf(&b, "%x=%s\n", k, v)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestBRPCFiftyLoads(t *testing.T) {
	s, clock := startBRPC(t)
	bCreateTablets(t, s, bTablet)
	for i := 0; i < 50; i++ {
		clock.Advance(time.Second)
		if v := bLoad(t, s, bTablet, 100); v != int64(i+2) {
			t.Fatalf("load %d got version %d", i, v)
		}
	}
	rs := bRowsets(t, s, bTablet)
	want := "[0-1]"
	for v := 2; v <= 51; v++ {
		want += fmt.Sprintf("[%d-%d]", v, v)
	}
	if got := bVersions(rs.RowsetMeta); got != want {
		t.Fatalf("rowsets %s\nwant %s", got, want)
	}
	st := rs.Stats
	if st.NumRowsets.Get() != 51 || st.NumRows.Get() != 5000 || st.DataSize.Get() != 50000 || st.NumSegments.Get() != 50 {
		t.Fatalf("stats %s", dorispb.ShortDebugString(st))
	}
	for _, r := range rs.RowsetMeta[1:] {
		if r.VisibleTsMs.Get() == 0 || r.TabletID.Get() != bTablet {
			t.Fatalf("rowset %s", dorispb.ShortDebugString(r))
		}
	}
	// A window of bVersions.
	win := &dorispb.GetRowsetResponse{}
	bok(t, s, "get_rowset", fmt.Sprintf(`{"cloud_unique_id":%q,"idx":{"tablet_id":%d},"start_version":10,"end_version":12,
		"base_compaction_cnt":0,"cumulative_compaction_cnt":0,"cumulative_point":-1}`, bCUID, bTablet), win)
	if got := bVersions(win.RowsetMeta); got != "[10-10][11-11][12-12]" {
		t.Fatalf("window %s", got)
	}
	// The txn of the last bLoad is VISIBLE and get_txn finds it by label.
	txn := &dorispb.GetTxnResponse{}
	bok(t, s, "get_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"db_id":1,"label":"load_%d"}`, bCUID, s.seq.Load()), txn)
	if txn.TxnInfo.Status.Get() != dorispb.TxnStatusPB_TXN_STATUS_VISIBLE {
		t.Fatalf("txn %s", dorispb.ShortDebugString(txn.TxnInfo))
	}
	tab := &dorispb.GetTabletResponse{}
	bok(t, s, "get_tablet", fmt.Sprintf(`{"cloud_unique_id":%q,"tablet_id":%d}`, bCUID, bTablet), tab)
	if tab.TabletMeta.CompactionPolicy.Get() != "size_based" || tab.TabletMeta.SchemaHash.Get() != 123 {
		t.Fatalf("tablet %s", dorispb.ShortDebugString(tab.TabletMeta))
	}
}

// bJob builds a compaction bJob body.
func bJob(id, typ string, in [2]int64, extra string) string {
	now := int64(bT0Unix)
	rng := ""
	if in[1] > 0 {
		rng = fmt.Sprintf(`,"input_versions":[%d,%d],"check_input_versions_range":true`, in[0], in[1])
	}
	return fmt.Sprintf(`{"cloud_unique_id":%q,"job":{"idx":{"tablet_id":%d},"compaction":[{"id":%q,"type":%q,
		"base_compaction_cnt":0,"cumulative_compaction_cnt":0,"expiration":%d,"lease":%d%s%s}]}}`,
		bCUID, bTablet, id, typ, now+1000, now+100, rng, extra)
}

func bFinish(id, action, typ string, extra string) string {
	return fmt.Sprintf(`{"cloud_unique_id":%q,"action":%q,"job":{"idx":{"tablet_id":%d},"compaction":[{"id":%q,"type":%q%s}]}}`,
		bCUID, action, bTablet, id, typ, extra)
}

// bPrepareOutput stores a compaction output as a tmp rowset.
func bPrepareOutput(t testing.TB, s *bServer, txn int64, id string, start, end, rows int64) {
	t.Helper()
	rs := fmt.Sprintf(`{"cloud_unique_id":%q,"temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":%q,"tablet_id":%d,"txn_id":%d,
		"start_version":%d,"end_version":%d,"num_rows":%d,"total_disk_size":%d,"num_segments":1,"segments_overlap_pb":"NONOVERLAPPING"}}`,
		bCUID, id, bTablet, txn, start, end, rows, rows*10)
	bok(t, s, "prepare_rowset", rs, &dorispb.CreateRowsetResponse{})
	bok(t, s, "commit_rowset", rs, &dorispb.CreateRowsetResponse{})
}

func TestBRPCCompactionCommit(t *testing.T) {
	s, clock := startBRPC(t)
	bCreateTablets(t, s, bTablet)
	for i := 0; i < 10; i++ {
		bLoad(t, s, bTablet, 100)
	}
	bok(t, s, "start_tablet_job", bJob("c1", "CUMULATIVE", [2]int64{2, 11}, ""), &dorispb.StartTabletJobResponse{})
	// LEASE extends the lease.
	bok(t, s, "finish_tablet_job", bFinish("c1", "LEASE", "CUMULATIVE", fmt.Sprintf(`,"lease":%d`, int64(bT0Unix)+200)), &dorispb.FinishTabletJobResponse{})
	clock.Advance(150 * time.Second) // past the first lease, within the renewed one
	bPrepareOutput(t, s, 9001, "out1", 2, 11, 1000)
	resp := &dorispb.FinishTabletJobResponse{}
	bok(t, s, "finish_tablet_job", bFinish("c1", "COMMIT", "CUMULATIVE",
		`,"input_cumulative_point":2,"output_cumulative_point":12,"num_input_rowsets":10,"num_input_segments":10,"num_output_rowsets":1,
		"num_output_segments":1,"size_input_rowsets":10000,"size_output_rowsets":9000,"num_input_rows":1000,"num_output_rows":1000,
		"input_versions":[2,11],"output_versions":[11],"output_rowset_ids":["out1"],"txn_id":[9001]`), resp)
	st := resp.Stats
	if st.CumulativeCompactionCnt.Get() != 1 || st.CumulativePoint.Get() != 12 || st.NumRowsets.Get() != 2 || st.DataSize.Get() != 9000 ||
		st.LastCumuCompactionTimeMs.Get() != clock.Now().UnixMilli() || resp.AlterVersion.Get() != -1 {
		t.Fatalf("stats after commit %s", dorispb.ShortDebugString(resp))
	}
	rs := bRowsets(t, s, bTablet)
	if got := bVersions(rs.RowsetMeta); got != "[0-1][2-11]" {
		t.Fatalf("rowsets after commit %s", got)
	}
	// The Go API shows the stale path, the bJob list is empty, the inputs
	// are queued for the recycler.
	svc := tablet.New(meta.DefaultConfig())
	svc.Attach(s.Store())
	state, ok, err := svc.Tablet(context.Background(), raftstore.ReadOptions{}, "inst1", bTablet)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if len(state.Ext.StalePaths) != 1 || len(state.Ext.StalePaths[0].Rowsets) != 10 || state.Ext.StalePaths[0].StaleAt != clock.Now().Unix() ||
		state.Jobs != nil || state.CumulativePoint() != 12 || state.Ext.Cumulative.LastSuccessMs != clock.Now().UnixMilli() {
		t.Fatalf("state %+v jobs %v", state.Ext, state.Jobs)
	}
	snap := bSnapshot(t, s)
	recyclePrefix := keys.RecycleRowsetKey("inst1", bTablet, "rs_")
	if n := strings.Count(snap, fmt.Sprintf("%x", recyclePrefix[:len(recyclePrefix)-2])); n != 10 {
		t.Fatalf("recycle keys: %d", n)
	}
	// A second COMMIT of the same bJob finds no bJob.
	again := &dorispb.FinishTabletJobResponse{}
	bcall(t, s, "finish_tablet_job", bFinish("c1", "COMMIT", "CUMULATIVE", ""), again)
	if code, msg := bstatus(again); code != dorispb.MetaServiceCode_INVALID_ARGUMENT || msg != "there is no running compaction, tablet_id=10001" {
		t.Fatalf("second commit: %v %q", code, msg)
	}
	// The scheduler's Go API: record a failure and rebind the policy, then
	// start and abort a job without a cloud_unique_id.
	ctx := context.Background()
	if err := svc.Record(ctx, "inst1", tablet.RecordRequest{TabletID: bTablet, Type: dorispb.TabletCompactionJobPB_BASE,
		Failed: true, Status: "[E-2000]_input_rowsets is empty", Policy: "time_series"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Record(ctx, "inst1", tablet.RecordRequest{TabletID: 999, Type: dorispb.TabletCompactionJobPB_BASE, Failed: true}); err == nil ||
		!strings.HasPrefix(err.Error(), "failed to get tablet_idx, err=KeyNotFound tablet_id=999") {
		t.Fatalf("record on an unknown tablet: %v", err)
	}
	state, _, _ = svc.Tablet(ctx, raftstore.ReadOptions{}, "inst1", bTablet)
	if state.Ext.Policy != "time_series" || state.Ext.Base.LastFailureMs != clock.Now().UnixMilli() || state.Ext.Base.LastStatus != "[E-2000]_input_rowsets is empty" {
		t.Fatalf("after record: %+v", state.Ext)
	}
	idx := &dorispb.TabletIndexPB{TabletID: dorispb.Some(int64(bTablet))}
	started, err := svc.StartJob(ctx, "inst1", &dorispb.StartTabletJobRequest{Job: &dorispb.TabletJobInfoPB{Idx: idx,
		Compaction: []*dorispb.TabletCompactionJobPB{{ID: dorispb.Some("sched1"), Type: dorispb.Some(dorispb.TabletCompactionJobPB_BASE),
			BaseCompactionCnt: dorispb.Some(int64(0)), CumulativeCompactionCnt: dorispb.Some(int64(1)),
			Expiration: dorispb.Some(clock.Now().Unix() + 60), Lease: dorispb.Some(clock.Now().Unix() + 20)}}}})
	if code, msg := bstatus(started); err != nil || code != dorispb.MetaServiceCode_OK {
		t.Fatalf("StartJob: %v %v %q", err, code, msg)
	}
	state, _, _ = svc.Tablet(ctx, raftstore.ReadOptions{}, "inst1", bTablet)
	if state.Jobs == nil || state.Jobs.Compaction[0].ID.Get() != "sched1" || state.Ext.Base.LastScheduleMs != clock.Now().UnixMilli() {
		t.Fatalf("after StartJob: %v %+v", state.Jobs, state.Ext)
	}
	aborted, err := svc.FinishJob(ctx, "inst1", &dorispb.FinishTabletJobRequest{Action: dorispb.Some(dorispb.FinishTabletJobRequest_ABORT),
		Job: &dorispb.TabletJobInfoPB{Idx: idx, Compaction: []*dorispb.TabletCompactionJobPB{{ID: dorispb.Some("sched1")}}}})
	if code, msg := bstatus(aborted); err != nil || code != dorispb.MetaServiceCode_OK {
		t.Fatalf("FinishJob: %v %v %q", err, code, msg)
	}
	var listed []int64
	if err := svc.ListTablets(context.Background(), raftstore.ReadOptions{}, func(e *tablet.Ext) bool {
		listed = append(listed, e.TabletID)
		return true
	}); err != nil || len(listed) != 1 || listed[0] != bTablet {
		t.Fatalf("list %v %v", listed, err)
	}
}

// TestBRPCErrors runs every documented rejection against one state and
// checks the status code and message and that the state did not change.
func TestBRPCErrors(t *testing.T) {
	s, _ := startBRPC(t)
	bCreateTablets(t, s, bTablet)
	for i := 0; i < 5; i++ {
		bLoad(t, s, bTablet, 10)
	}
	firstLabel := fmt.Sprintf("load_%d", s.seq.Load()-4)
	used := &dorispb.GetTxnResponse{}
	bok(t, s, "get_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"db_id":1,"label":%q}`, bCUID, firstLabel), used)
	bok(t, s, "start_tablet_job", bJob("busy", "CUMULATIVE", [2]int64{2, 4}, ""), &dorispb.StartTabletJobResponse{})
	// A prepared load with a committed tmp rowset.
	begin := &dorispb.BeginTxnResponse{}
	bok(t, s, "begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_info":{"db_id":1,"label":"open"}}`, bCUID), begin)
	dupRowset := fmt.Sprintf(`{"cloud_unique_id":%q,"temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"dup","tablet_id":%d,"txn_id":%d,"num_segments":1}}`,
		bCUID, bTablet, begin.TxnID.Get())
	bok(t, s, "commit_rowset", dupRowset, &dorispb.CreateRowsetResponse{})

	notFound := "failed to get tablet_idx, err=KeyNotFound tablet_id=999 key=" + keys.Hex(keys.MetaTabletIdxKey("inst1", 999))
	start := func(c string) string {
		return fmt.Sprintf(`{"cloud_unique_id":%q,"job":{"idx":{"tablet_id":%d},"compaction":[%s]}}`, bCUID, bTablet, c)
	}
	cases := []struct {
		name, method, body string
		status             int
		code               dorispb.MetaServiceCode
		msg                string // exact, or a prefix when it ends with "…"
		resp               dorispb.Message
		check              func(t *testing.T, resp dorispb.Message)
	}{
		{"unknown tablet get_tablet", "get_tablet", fmt.Sprintf(`{"cloud_unique_id":%q,"tablet_id":999}`, bCUID),
			200, dorispb.MetaServiceCode_TABLET_NOT_FOUND, notFound, &dorispb.GetTabletResponse{}, nil},
		{"unknown tablet start_tablet_job", "start_tablet_job", strings.Replace(bJob("x", "BASE", [2]int64{}, ""), `"tablet_id":10001`, `"tablet_id":999`, 1),
			200, dorispb.MetaServiceCode_TABLET_NOT_FOUND, notFound, &dorispb.StartTabletJobResponse{}, nil},
		{"unknown tablet prepare_rowset", "prepare_rowset", strings.Replace(dupRowset, `"tablet_id":10001`, `"tablet_id":999`, 1),
			200, dorispb.MetaServiceCode_TABLET_NOT_FOUND, notFound, &dorispb.CreateRowsetResponse{}, nil},
		{"unknown tablet get_rowset", "get_rowset", fmt.Sprintf(`{"cloud_unique_id":%q,"idx":{"tablet_id":999},"base_compaction_cnt":0,"cumulative_compaction_cnt":0,"cumulative_point":0}`, bCUID),
			200, dorispb.MetaServiceCode_TABLET_NOT_FOUND, notFound, &dorispb.GetRowsetResponse{}, nil},
		{"unknown tablet get_tablet_stats", "get_tablet_stats", fmt.Sprintf(`{"cloud_unique_id":%q,"tablet_idx":[{"tablet_id":999}]}`, bCUID),
			200, dorispb.MetaServiceCode_TABLET_NOT_FOUND, notFound, &dorispb.GetTabletStatsResponse{}, nil},
		{"label reuse", "begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_info":{"db_id":1,"label":%q}}`, bCUID, firstLabel),
			200, dorispb.MetaServiceCode_TXN_LABEL_ALREADY_USED,
			fmt.Sprintf("Label [%s] has already been used, relate to txn [%d], status=[TXN_STATUS_VISIBLE]", firstLabel, used.TxnInfo.TxnID.Get()),
			&dorispb.BeginTxnResponse{}, func(t *testing.T, r dorispb.Message) {
				if r.(*dorispb.BeginTxnResponse).DupTxnID.Get() != used.TxnInfo.TxnID.Get() {
					t.Fatalf("dup_txn_id %s", dorispb.ShortDebugString(r))
				}
			}},
		{"label reuse of a running txn", "begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_info":{"db_id":1,"label":"open"}}`, bCUID),
			200, dorispb.MetaServiceCode_TXN_LABEL_ALREADY_USED,
			fmt.Sprintf("Label [open] has already been used, relate to txn [%d], status=[TXN_STATUS_PREPARED]", begin.TxnID.Get()), &dorispb.BeginTxnResponse{}, nil},
		{"begin_txn without txn_info", "begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q}`, bCUID),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "invalid argument, missing txn info", &dorispb.BeginTxnResponse{}, nil},
		{"begin_txn without db", "begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_info":{"label":"l"}}`, bCUID),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "invalid argument, label=l db_id=-1", &dorispb.BeginTxnResponse{}, nil},
		{"begin_txn unknown cloud_unique_id", "begin_txn", `{"cloud_unique_id":"bogus","txn_info":{"db_id":1,"label":"l"}}`,
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "cannot find instance_id with cloud_unique_id=bogus label=l", &dorispb.BeginTxnResponse{}, nil},
		{"commit_txn without txn id", "commit_txn", fmt.Sprintf(`{"cloud_unique_id":%q}`, bCUID),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "invalid argument, missing txn id", &dorispb.CommitTxnResponse{}, nil},
		{"commit_txn unknown txn", "commit_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":424242}`, bCUID),
			200, dorispb.MetaServiceCode_TXN_ID_NOT_FOUND, "failed to get db id, txn_id=424242 err=KeyNotFound", &dorispb.CommitTxnResponse{}, nil},
		{"commit_txn twice", "commit_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":%d}`, bCUID, used.TxnInfo.TxnID.Get()),
			200, dorispb.MetaServiceCode_TXN_ALREADY_VISIBLE, fmt.Sprintf("transaction is already visible: db_id=1 txn_id=%d", used.TxnInfo.TxnID.Get()), &dorispb.CommitTxnResponse{}, nil},
		{"commit_rowset twice", "commit_rowset", dupRowset,
			200, dorispb.MetaServiceCode_ALREADY_EXISTED, "rowset already exists", &dorispb.CreateRowsetResponse{}, func(t *testing.T, r dorispb.Message) {
				if r.(*dorispb.CreateRowsetResponse).ExistedRowsetMeta.RowsetIDV2.Get() != "dup" {
					t.Fatal("no existed_rowset_meta")
				}
			}},
		{"prepare_rowset without meta", "prepare_rowset", fmt.Sprintf(`{"cloud_unique_id":%q}`, bCUID),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "no rowset meta", &dorispb.CreateRowsetResponse{}, nil},
		{"overlapping job", "start_tablet_job", bJob("j2", "CUMULATIVE", [2]int64{3, 5}, ""),
			200, dorispb.MetaServiceCode_JOB_TABLET_BUSY, "compaction has already started, tablet_id=10001 job={\"idx\":…",
			&dorispb.StartTabletJobResponse{}, func(t *testing.T, r dorispb.Message) {
				if v := r.(*dorispb.StartTabletJobResponse).VersionInCompaction; fmt.Sprint(v) != "[2 4]" {
					t.Fatalf("version_in_compaction %v", v)
				}
			}},
		{"unranged job against a ranged one", "start_tablet_job", bJob("j3", "CUMULATIVE", [2]int64{}, ""),
			200, dorispb.MetaServiceCode_JOB_TABLET_BUSY, "compaction has already started, tablet_id=10001 job=…",
			&dorispb.StartTabletJobResponse{}, func(t *testing.T, r dorispb.Message) {
				if v := r.(*dorispb.StartTabletJobResponse).VersionInCompaction; len(v) != 0 {
					t.Fatalf("version_in_compaction %v", v)
				}
			}},
		{"same job again is idempotent", "start_tablet_job", bJob("busy", "CUMULATIVE", [2]int64{2, 4}, ""),
			200, dorispb.MetaServiceCode_OK, "", &dorispb.StartTabletJobResponse{}, nil},
		{"stale tablet cache", "start_tablet_job", strings.Replace(bJob("j4", "BASE", [2]int64{}, ""), `"base_compaction_cnt":0`, `"base_compaction_cnt":-1`, 1),
			200, dorispb.MetaServiceCode_STALE_TABLET_CACHE,
			"could not perform compaction on expired tablet cache. req_base_compaction_cnt=-1, base_compaction_cnt=0, req_cumulative_compaction_cnt=0, cumulative_compaction_cnt=0",
			&dorispb.StartTabletJobResponse{}, nil},
		{"M-1 empty request", "start_tablet_job", `{}`, 200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "cannot find instance_id with cloud_unique_id=(empty)", &dorispb.StartTabletJobResponse{}, nil},
		{"M-1 no job", "start_tablet_job", fmt.Sprintf(`{"cloud_unique_id":%q}`, bCUID), 200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "no valid job specified", &dorispb.StartTabletJobResponse{}, nil},
		{"M-1 no tablet_id", "start_tablet_job", fmt.Sprintf(`{"cloud_unique_id":%q,"job":{"compaction":[{"id":"x"}]}}`, bCUID),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "no valid tablet_id given", &dorispb.StartTabletJobResponse{}, nil},
		{"M-1 no id", "start_tablet_job", start(`{"type":"BASE"}`), 200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "no job id specified", &dorispb.StartTabletJobResponse{}, nil},
		{"M-1 no cnts", "start_tablet_job", start(`{"id":"x","type":"BASE"}`), 200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "no valid compaction_cnt given", &dorispb.StartTabletJobResponse{}, nil},
		{"M-1 no expiration", "start_tablet_job", start(`{"id":"x","type":"BASE","base_compaction_cnt":0,"cumulative_compaction_cnt":0}`),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "no valid expiration given", &dorispb.StartTabletJobResponse{}, nil},
		{"M-1 no lease", "start_tablet_job", start(`{"id":"x","type":"BASE","base_compaction_cnt":0,"cumulative_compaction_cnt":0,"expiration":9999999999}`),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "no valid lease given", &dorispb.StartTabletJobResponse{}, nil},
		{"finish unmatched job id", "finish_tablet_job", bFinish("nope", "COMMIT", "CUMULATIVE", ""),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "unmatched job id, recorded_job={…", &dorispb.FinishTabletJobResponse{}, nil},
		{"finish lowering the lease", "finish_tablet_job", bFinish("busy", "LEASE", "CUMULATIVE", `,"lease":1`),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, fmt.Sprintf("invalid lease. recoreded_lease=%d req_lease=1", int64(bT0Unix)+100), &dorispb.FinishTabletJobResponse{}, nil},
		{"finish unsupported action", "finish_tablet_job", bFinish("busy", "UNKONWN", "CUMULATIVE", ""),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "unsupported action, tablet_id=10001 action=0", &dorispb.FinishTabletJobResponse{}, nil},
		{"finish commit without versions", "finish_tablet_job", bFinish("busy", "COMMIT", "CUMULATIVE", ""),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "invalid input or output versions, input_versions_size=0 output_versions_size=0 output_rowset_ids_size=0",
			&dorispb.FinishTabletJobResponse{}, nil},
		{"finish commit without output tmp rowset", "finish_tablet_job", bFinish("busy", "COMMIT", "CUMULATIVE",
			`,"input_versions":[2,4],"output_versions":[4],"output_rowset_ids":["o"],"txn_id":[5555],"num_input_rowsets":3`),
			200, dorispb.MetaServiceCode_UNDEFINED_ERR, "failed to get tmp rowset key (not found), tablet_id=10001 tmp_rowset_key=…",
			&dorispb.FinishTabletJobResponse{}, nil},
		{"finish commit with two txn ids", "finish_tablet_job", bFinish("busy", "COMMIT", "CUMULATIVE",
			`,"input_versions":[2,4],"output_versions":[4],"output_rowset_ids":["o"],"txn_id":[1,2]`),
			200, dorispb.MetaServiceCode_INVALID_ARGUMENT, "invalid txn_id, txn_id_size=2", &dorispb.FinishTabletJobResponse{}, nil},
		{"bad json", "begin_txn", `{`, 400, dorispb.MetaServiceCode_INVALID_ARGUMENT, "parse http request 'begin_txn': INVALID_ARGUMENT:…", &dorispb.BeginTxnResponse{}, nil},
		{"wrong json type", "commit_txn", `{"txn_id":{}}`, 400, dorispb.MetaServiceCode_INVALID_ARGUMENT, "parse http request 'commit_txn': INVALID_ARGUMENT:…", &dorispb.CommitTxnResponse{}, nil},
		{"empty body", "get_tablet", ``, 400, dorispb.MetaServiceCode_INVALID_ARGUMENT, "parse http request 'get_tablet': INVALID_ARGUMENT:…", &dorispb.GetTabletResponse{}, nil},
		{"body over 1 MiB", "begin_txn", `{"cloud_unique_id":"` + strings.Repeat("x", 1<<20) + `"}`, 400, dorispb.MetaServiceCode_INVALID_ARGUMENT,
			"read request of begin_txn: request body exceeds 1048576 bytes", &dorispb.BeginTxnResponse{}, nil},
		{"unknown fields are ignored", "get_tablet", fmt.Sprintf(`{"cloud_unique_id":%q,"tablet_id":999,"bogus":{"x":[1]}}`, bCUID),
			200, dorispb.MetaServiceCode_TABLET_NOT_FOUND, notFound, &dorispb.GetTabletResponse{}, nil},
		{"camelCase names", "get_tablet", fmt.Sprintf(`{"cloudUniqueId":%q,"tabletId":"999"}`, bCUID),
			200, dorispb.MetaServiceCode_TABLET_NOT_FOUND, notFound, &dorispb.GetTabletResponse{}, nil},
		{"unknown method", "drop_everything", `{}`, 404, dorispb.MetaServiceCode_INVALID_ARGUMENT, "unknown method drop_everything", &dorispb.GetTabletResponse{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := bSnapshot(t, s)
			status := bcall(t, s, c.method, c.body, c.resp)
			code, msg := bstatus(c.resp)
			want, prefix := strings.CutSuffix(c.msg, "…")
			if status != c.status || code != c.code || (prefix && !strings.HasPrefix(msg, want)) || (!prefix && msg != want) {
				t.Fatalf("got http %d %v %q\nwant http %d %v %q", status, code, msg, c.status, c.code, c.msg)
			}
			if c.check != nil {
				c.check(t, c.resp)
			}
			if after := bSnapshot(t, s); after != before {
				t.Fatalf("state changed")
			}
		})
	}
}

// TestBRPCJobExpiry covers the lease and expiration rules of §8.2/§8.3.
func TestBRPCJobExpiry(t *testing.T) {
	s, clock := startBRPC(t)
	bCreateTablets(t, s, bTablet)
	now := int64(bT0Unix)
	short := func(id, typ string) string {
		return fmt.Sprintf(`{"cloud_unique_id":%q,"job":{"idx":{"tablet_id":%d},"compaction":[{"id":%q,"type":%q,
			"base_compaction_cnt":0,"cumulative_compaction_cnt":0,"expiration":%d,"lease":%d}]}}`, bCUID, bTablet, id, typ, now+12, now+3)
	}
	bok(t, s, "start_tablet_job", short("l1", "CUMULATIVE"), &dorispb.StartTabletJobResponse{})
	busy := &dorispb.StartTabletJobResponse{}
	bcall(t, s, "start_tablet_job", short("l2", "CUMULATIVE"), busy)
	if code, _ := bstatus(busy); code != dorispb.MetaServiceCode_JOB_TABLET_BUSY {
		t.Fatalf("l2 before the lease ran out: %v", code)
	}
	clock.Advance(5 * time.Second) // l1's lease (now+3) has run out
	bok(t, s, "start_tablet_job", short("l2", "CUMULATIVE"), &dorispb.StartTabletJobResponse{})
	bok(t, s, "start_tablet_job", short("b1", "BASE"), &dorispb.StartTabletJobResponse{})
	clock.Advance(10 * time.Second) // past every expiration (now+12)
	for _, action := range []string{"COMMIT", "LEASE", "ABORT"} {
		before := bSnapshot(t, s)
		resp := &dorispb.FinishTabletJobResponse{}
		bcall(t, s, "finish_tablet_job", bFinish("b1", action, "BASE", fmt.Sprintf(`,"lease":%d`, now+100)), resp)
		code, msg := bstatus(resp)
		if code != dorispb.MetaServiceCode_JOB_EXPIRED || !strings.HasPrefix(msg, "expired compaction job, tablet_id=10001 job={") {
			t.Fatalf("%s of an expired job: %v %q", action, code, msg)
		}
		if bSnapshot(t, s) != before {
			t.Fatalf("%s of an expired job changed the state", action)
		}
	}
	// A new job prunes the expired ones.
	bok(t, s, "start_tablet_job", bJob("b2", "BASE", [2]int64{}, fmt.Sprintf(`,"ctime":%d`, clock.Now().Unix())), &dorispb.StartTabletJobResponse{})
	resp := &dorispb.FinishTabletJobResponse{}
	bcall(t, s, "finish_tablet_job", bFinish("b1", "ABORT", "BASE", ""), resp)
	if code, msg := bstatus(resp); code != dorispb.MetaServiceCode_INVALID_ARGUMENT || !strings.HasPrefix(msg, "unmatched job id, recorded_job=") || strings.Contains(msg, `"l2"`) {
		t.Fatalf("after pruning: %v %q", code, msg)
	}
}

// TestBRPCCommitInputsChanged: a cumulative commit whose input range was
// compacted by a base compaction in the meantime swaps nothing.
func TestBRPCCommitInputsChanged(t *testing.T) {
	s, _ := startBRPC(t)
	bCreateTablets(t, s, bTablet)
	for i := 0; i < 6; i++ {
		bLoad(t, s, bTablet, 10) // versions 2..7
	}
	bok(t, s, "start_tablet_job", bJob("b", "BASE", [2]int64{0, 4}, ""), &dorispb.StartTabletJobResponse{})
	bok(t, s, "start_tablet_job", bJob("c", "CUMULATIVE", [2]int64{2, 7}, ""), &dorispb.StartTabletJobResponse{})
	bPrepareOutput(t, s, 7001, "base_out", 0, 4, 30)
	bok(t, s, "finish_tablet_job", bFinish("b", "COMMIT", "BASE",
		`,"num_input_rowsets":4,"num_output_rowsets":1,"input_versions":[0,4],"output_versions":[4],"output_rowset_ids":["base_out"],"txn_id":[7001]`),
		&dorispb.FinishTabletJobResponse{})
	rowsBefore := bRowsets(t, s, bTablet)
	if got := bVersions(rowsBefore.RowsetMeta); got != "[0-4][5-5][6-6][7-7]" {
		t.Fatalf("after base: %s", got)
	}
	bPrepareOutput(t, s, 7002, "cumu_out", 2, 7, 60)
	resp := &dorispb.FinishTabletJobResponse{}
	bcall(t, s, "finish_tablet_job", bFinish("c", "COMMIT", "CUMULATIVE",
		`,"num_input_rowsets":6,"num_output_rowsets":1,"input_versions":[2,7],"output_versions":[7],"output_rowset_ids":["cumu_out"],"txn_id":[7002]`), resp)
	if code, msg := bstatus(resp); code != dorispb.MetaServiceCode_UNDEFINED_ERR || msg != "too few input rowsets, tablet_id=10001 num_rowsets=4" {
		t.Fatalf("got %v %q", code, msg)
	}
	rowsAfter := bRowsets(t, s, bTablet)
	if string(dorispb.MarshalJSON(rowsAfter)) != string(dorispb.MarshalJSON(rowsBefore)) {
		t.Fatalf("rowsets or stats changed:\n%s\n%s", dorispb.MarshalJSON(rowsBefore), dorispb.MarshalJSON(rowsAfter))
	}
	// The job is gone (Doris removes it with this answer).
	again := &dorispb.FinishTabletJobResponse{}
	bcall(t, s, "finish_tablet_job", bFinish("c", "ABORT", "CUMULATIVE", ""), again)
	if code, msg := bstatus(again); code != dorispb.MetaServiceCode_INVALID_ARGUMENT || msg != "there is no running compaction, tablet_id=10001" {
		t.Fatalf("job left behind: %v %q", code, msg)
	}
}

func msTool(t *testing.T, s *bServer, route, body string) servertest.Response {
	t.Helper()
	return servertest.Do(t, "POST", s.URL+"/MetaService/http/"+route+"?token="+servertest.Token, body)
}

func envelope(code, msg string) string {
	return "{\n    \"code\": \"" + code + "\",\n    \"msg\": \"" + msg + "\"\n}\n"
}

// TestHTTPGetTabletStats checks the protobuf text body byte for byte.
func TestHTTPGetTabletStats(t *testing.T) {
	s, _ := startBRPC(t)
	bCreateTablets(t, s, bTablet, 10002)
	bLoad(t, s, bTablet, 100)
	bLoad(t, s, bTablet, 100)
	one := `tablet_stats {
  idx {
    db_id: 1
    table_id: 2
    index_id: 3
    partition_id: 4
    tablet_id: 10001
  }
  data_size: 2000
  num_rows: 200
  num_rowsets: 3
  num_segments: 2
  base_compaction_cnt: 0
  cumulative_compaction_cnt: 0
  cumulative_point: -1
  index_size: 0
  segment_size: 2000
}
`
	two := strings.NewReplacer("10001", "10002", "2000", "0", "200", "0", "num_rowsets: 3", "num_rowsets: 1", "num_segments: 2", "num_segments: 0").Replace(one)
	okStatus := "status {\n  code: OK\n  msg: \"\"\n}\n"
	cases := []struct {
		name, route, body string
		status            int
		want              string
	}{
		{"empty tablet_idx", "get_tablet_stats", `{"cloud_unique_id":"` + bCUID + `"}`, 200, okStatus + "\n"},
		{"one tablet by id", "get_tablet_stats", `{"cloud_unique_id":"` + bCUID + `","tablet_idx":[{"tablet_id":10001}]}`, 200, okStatus + one + "\n"},
		{"two tablets, full idx", "v1/get_tablet_stats", `{"cloud_unique_id":"` + bCUID + `","tablet_idx":[{"tablet_id":10001},{"table_id":2,"index_id":3,"partition_id":4,"tablet_id":10002}]}`,
			200, okStatus + one + two + "\n"},
		{"unknown tablet", "get_tablet_stats", `{"cloud_unique_id":"` + bCUID + `","tablet_idx":[{"tablet_id":10001},{"tablet_id":999}]}`, 500, "\n"},
		{"full idx of an unknown tablet", "get_tablet_stats", `{"cloud_unique_id":"` + bCUID + `","tablet_idx":[{"table_id":2,"index_id":3,"partition_id":4,"tablet_id":999}]}`, 500, "\n"},
		{"unknown cloud_unique_id", "get_tablet_stats", `{"cloud_unique_id":"nope","tablet_idx":[{"tablet_id":10001}]}`, 400, "\n"},
		{"bad json", "get_tablet_stats", `{"tablet_idx":7}`, 400, "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := msTool(t, s, c.route, c.body)
			if c.want == "…" {
				if r.Status != c.status || !strings.Contains(r.Body, "parse http request 'get_tablet_stats': INVALID_ARGUMENT:") {
					t.Fatalf("got %d %q", r.Status, r.Body)
				}
				return
			}
			if r.Status != c.status || r.Body != c.want {
				t.Fatalf("got %d\n%s\nwant %d\n%s", r.Status, r.Body, c.status, c.want)
			}
		})
	}
}

// TestHTTPAbortTxn follows meta-service spec §7.6.
func TestHTTPAbortTxn(t *testing.T) {
	s, clock := startBRPC(t)
	bCreateTablets(t, s, bTablet)
	bLoad(t, s, bTablet, 1)
	visible := s.seq.Load()
	begin := func(label string) int64 {
		r := &dorispb.BeginTxnResponse{}
		bok(t, s, "begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_info":{"db_id":1,"label":%q}}`, bCUID, label), r)
		return r.TxnID.Get()
	}
	byID := begin("by_id")
	begin("by_label")
	visibleTxn := &dorispb.GetTxnResponse{}
	bok(t, s, "get_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"db_id":1,"label":"load_%d"}`, bCUID, visible), visibleTxn)
	vid := visibleTxn.TxnInfo.TxnID.Get()
	clock.Advance(time.Minute)

	cases := []struct {
		name, body string
		status     int
		want       string
		changes    bool
	}{
		{"no id and no label", `{"cloud_unique_id":"` + bCUID + `"}`, 400, envelope("INVALID_ARGUMENT", "invalid txn id and label, db_id=-1 txn_id=-1 label="), false},
		{"label without db", `{"cloud_unique_id":"` + bCUID + `","label":"x"}`, 400, envelope("INVALID_ARGUMENT", "invalid txn id and label, db_id=-1 txn_id=-1 label=x"), false},
		{"unknown cloud_unique_id", `{"cloud_unique_id":"zzz","txn_id":5}`, 400, envelope("INVALID_ARGUMENT", "cannot find instance_id with cloud_unique_id=zzz label= txn_id=5"), false},
		{"no cloud_unique_id", `{"db_id":1,"label":"x"}`, 400, envelope("INVALID_ARGUMENT", "cannot find instance_id with cloud_unique_id=(empty) label=x txn_id=-1"), false},
		{"unknown txn id", `{"cloud_unique_id":"` + bCUID + `","txn_id":987654}`, 500, envelope("INTERNAL_ERROR", "transaction [987654] not found"), false},
		{"unknown txn id with db", `{"cloud_unique_id":"` + bCUID + `","db_id":1,"txn_id":987654}`, 500, envelope("INTERNAL_ERROR", "failed to get txn_info, db_id=1txn_id=987654err=KeyNotFound"), false},
		{"visible txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":%d}`, bCUID, vid), 500, envelope("INTERNAL_ERROR", fmt.Sprintf("transaction [%d] is already VISIBLE, db_id=1", vid)), false},
		{"unknown label", `{"cloud_unique_id":"` + bCUID + `","db_id":1,"label":"nope"}`, 500, envelope("INTERNAL_ERROR", "txn->get() failed, label=nope err=KeyNotFound"), false},
		{"label with no running txn", fmt.Sprintf(`{"cloud_unique_id":%q,"db_id":1,"label":"load_%d"}`, bCUID, visible), 500,
			envelope("INTERNAL_ERROR", fmt.Sprintf("running transaction not found, db_id=1 label=load_%d", visible)), false},
		{"abort by id", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":%d,"reason":"because"}`, bCUID, byID), 200, envelope("OK", ""), true},
		{"abort by id again", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":%d}`, bCUID, byID), 500, envelope("INTERNAL_ERROR", fmt.Sprintf("transaction [%d] is already aborted, db_id=1", byID)), false},
		{"abort by label", `{"cloud_unique_id":"` + bCUID + `","db_id":1,"label":"by_label"}`, 200, envelope("OK", ""), true},
		{"bad json", `[1]`, 400, "…", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := bSnapshot(t, s)
			r := msTool(t, s, "abort_txn", c.body)
			if c.want == "…" {
				if r.Status != 400 || !strings.Contains(r.Body, "parse http request 'abort_txn': INVALID_ARGUMENT:") {
					t.Fatalf("got %d %q", r.Status, r.Body)
				}
			} else if r.Status != c.status || r.Body != c.want {
				t.Fatalf("got %d %q\nwant %d %q", r.Status, r.Body, c.status, c.want)
			}
			if changed := bSnapshot(t, s) != before; changed != c.changes {
				t.Fatalf("state changed: %v", changed)
			}
		})
	}
	for label, reason := range map[string]string{"by_id": "because", "by_label": "User Abort"} {
		r := &dorispb.GetTxnResponse{}
		bok(t, s, "get_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"db_id":1,"label":%q}`, bCUID, label), r)
		info := r.TxnInfo
		if info.Status.Get() != dorispb.TxnStatusPB_TXN_STATUS_ABORTED || info.Reason.Get() != reason || info.FinishTime.Get() != clock.Now().UnixMilli() {
			t.Fatalf("%s: %s", label, dorispb.ShortDebugString(info))
		}
	}
	// The label of an aborted txn can be used again; an aborted txn cannot commit.
	begin("by_id")
	r := &dorispb.CommitTxnResponse{}
	bcall(t, s, "commit_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":%d}`, bCUID, byID), r)
	if code, msg := bstatus(r); code != dorispb.MetaServiceCode_TXN_ALREADY_ABORTED || msg != fmt.Sprintf("transaction is already aborted: db_id=1 txn_id=%d", byID) {
		t.Fatalf("commit of an aborted txn: %v %q", code, msg)
	}
}

// TestHTTPAbortTabletJob follows meta-service spec §7.7.
func TestHTTPAbortTabletJob(t *testing.T) {
	s, _ := startBRPC(t)
	bCreateTablets(t, s, bTablet)
	bok(t, s, "start_tablet_job", bJob("j1", "CUMULATIVE", [2]int64{}, ""), &dorispb.StartTabletJobResponse{})
	jobJSON := `{"idx":{"tablet_id":10002},"compaction":[{"type":"BASE","id":"j1"}]}`
	cases := []struct {
		name, body string
		status     int
		want       string
		changes    bool
	}{
		{"unknown cloud_unique_id", `{"cloud_unique_id":"x","job":{"idx":{"tablet_id":10001},"compaction":[{"id":"j1"}]}}`, 400,
			envelope("INVALID_ARGUMENT", "cannot find instance_id with cloud_unique_id=x"), false},
		{"no job", `{"cloud_unique_id":"` + bCUID + `"}`, 400, envelope("INVALID_ARGUMENT", "no valid job specified"), false},
		{"empty job", `{"cloud_unique_id":"` + bCUID + `","job":{"idx":{"tablet_id":10001}}}`, 400, envelope("INVALID_ARGUMENT", "no valid job specified"), false},
		{"no tablet id", `{"cloud_unique_id":"` + bCUID + `","job":{"compaction":[{"id":"j1"}]}}`, 400, envelope("INVALID_ARGUMENT", "no valid tablet_id given"), false},
		{"unknown tablet", `{"cloud_unique_id":"` + bCUID + `","job":{"idx":{"tablet_id":999},"compaction":[{"id":"j1"}]}}`, 500,
			envelope("INTERNAL_ERROR", "failed to get tablet_idx, err=KeyNotFound tablet_id=999 key="+keys.Hex(keys.MetaTabletIdxKey("inst1", 999))), false},
		{"no job recorded", `{"cloud_unique_id":"` + bCUID + `","job":` + jobJSON + `}`, 400,
			envelope("INVALID_ARGUMENT", "job not found, instance_id=inst1 tablet_id=10002 job="+strings.ReplaceAll(strings.Replace(jobJSON, "10002", `"10002"`, 1), `"`, `\"`)+" err=KeyNotFound"), false},
		{"unmatched id", `{"cloud_unique_id":"` + bCUID + `","job":{"idx":{"tablet_id":10001},"compaction":[{"id":"j9"}]}}`, 400, "…unmatched job id", false},
		{"abort, action forced", `{"cloud_unique_id":"` + bCUID + `","action":"COMMIT","job":{"idx":{"tablet_id":10001},"compaction":[{"id":"j1"}]}}`, 200, envelope("OK", ""), true},
		{"abort again", `{"cloud_unique_id":"` + bCUID + `","job":{"idx":{"tablet_id":10001},"compaction":[{"id":"j1"}]}}`, 400,
			envelope("INVALID_ARGUMENT", "there is no running compaction, tablet_id=10001"), false},
	}
	bCreateTablets(t, s, 10002)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := bSnapshot(t, s)
			r := msTool(t, s, "abort_tablet_job", c.body)
			if want, ok := strings.CutPrefix(c.want, "…"); ok {
				if r.Status != c.status || !strings.Contains(r.Body, want) {
					t.Fatalf("got %d %q", r.Status, r.Body)
				}
			} else if r.Status != c.status || r.Body != c.want {
				t.Fatalf("got %d %q\nwant %d %q", r.Status, r.Body, c.status, c.want)
			}
			if changed := bSnapshot(t, s) != before; changed != c.changes {
				t.Fatalf("state changed: %v", changed)
			}
		})
	}
}

// FuzzBRPCDecode decodes arbitrary bodies as every brpc method's request:
// never a panic; a failure is INVALID_ARGUMENT with the parse prefix; a
// success re-encodes to JSON that decodes to the same encoding.
func FuzzBRPCDecode(f *testing.F) {
	seeds := []string{
		`{}`, `{`, ``, `null`, `[]`, `{"cloud_unique_id":1}`,
		`{"cloud_unique_id":"1:i:x","txn_info":{"db_id":"1","label":"l","table_ids":[1,"2"],"request_id":{"hi":1,"lo":-1}}}`,
		`{"cloud_unique_id":"x","txn_id":"9223372036854775807","is_2pc":true}`,
		`{"rowset_meta":{"rowset_id":0,"rowset_id_v2":"r","tablet_id":1,"segments_overlap_pb":"NOPE","delete_predicate":{"version":3}}}`,
		`{"job":{"idx":{"tablet_id":1},"compaction":[{"id":"j","type":"FULL","input_versions":[1,2],"txn_id":[1]}]},"action":"LEASE"}`,
		`{"job":{"compaction":[null]}}`, `{"tablet_idx":[{"tablet_id":1e3}]}`, `{"idx":{"tablet_id":-1},"start_version":"x"}`,
		`{"tablet_metas":[{"tablet_id":1,"rs_metas":[{"rowset_id":0}],"compaction_policy":"time_series"}]}`,
		"{\"label\":\"\xff\"}", `{"cloudUniqueId":"a","txnId":3}`,
	}
	methods := httpapi.BRPCMethodNames()
	for i, s := range seeds {
		f.Add(methods[i%len(methods)], []byte(s))
	}
	f.Fuzz(func(t *testing.T, method string, body []byte) {
		req, bad := httpapi.DecodeBRPC(method, body)
		if bad != nil {
			if bad.Code.Get() != dorispb.MetaServiceCode_INVALID_ARGUMENT || bad.Msg.Get() == "" {
				t.Fatalf("bad status %s", dorispb.ShortDebugString(bad))
			}
			return
		}
		out := dorispb.MarshalJSON(req)
		again, bad := httpapi.DecodeBRPC(method, out)
		if bad != nil {
			t.Fatalf("re-encoded request does not decode: %s: %s", out, bad.Msg.Get())
		}
		if out2 := dorispb.MarshalJSON(again); !bytes.Equal(out, out2) {
			t.Fatalf("round trip differs:\n%s\n%s", out, out2)
		}
	})
}

func benchCall(client *http.Client, s *bServer, method, body string, resp dorispb.Message) error {
	r, err := client.Post(brpcURL(s, method), "application/json", strings.NewReader(body))
	if err != nil {
		return err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if err := dorispb.Unmarshal(b, resp); err != nil {
		return err
	}
	if code, msg := bstatus(resp); code != dorispb.MetaServiceCode_OK {
		return fmt.Errorf("%s: %v %s", method, code, msg)
	}
	return nil
}

// benchLoad is one load: begin_txn, prepare_rowset, commit_rowset, commit_txn.
func benchLoad(client *http.Client, s *bServer, tablet, n int64) error {
	begin := &dorispb.BeginTxnResponse{}
	if err := benchCall(client, s, "begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_info":{"db_id":1,"table_ids":[2],"label":"bench_%d"}}`, bCUID, n), begin); err != nil {
		return err
	}
	rs := fmt.Sprintf(`{"cloud_unique_id":%q,"temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"b%d","tablet_id":%d,"txn_id":%d,
		"num_rows":100,"total_disk_size":1000,"data_disk_size":1000,"num_segments":1,"segments_overlap_pb":"NONOVERLAPPING"}}`,
		bCUID, n, tablet, begin.TxnID.Get())
	if err := benchCall(client, s, "prepare_rowset", rs, &dorispb.CreateRowsetResponse{}); err != nil {
		return err
	}
	if err := benchCall(client, s, "commit_rowset", rs, &dorispb.CreateRowsetResponse{}); err != nil {
		return err
	}
	return benchCall(client, s, "commit_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":%d}`, bCUID, begin.TxnID.Get()), &dorispb.CommitTxnResponse{})
}

// BenchmarkBRPCLoad measures loads (4 replicated commands each, over HTTP)
// per second with 1 and 16 concurrent clients, each loading its own tablet.
func BenchmarkBRPCLoad(b *testing.B) {
	for _, clients := range []int{1, 16} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			s, _ := startBRPC(b)
			ids := make([]int64, clients)
			for i := range ids {
				ids[i] = int64(20000 + i)
			}
			bCreateTablets(b, s, ids...)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var next atomic.Int64
			errs := make(chan error, clients)
			b.ResetTimer()
			var wg sync.WaitGroup
			for _, id := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						n := next.Add(1)
						if n > int64(b.N) {
							return
						}
						if err := benchLoad(client, s, id, n); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "loads/s")
		})
	}
}

// TestBRPCJobVectors replays compaction spec §7.4 M-2, M-3 and M-4.
func TestBRPCJobVectors(t *testing.T) {
	type step struct {
		id, typ string
		in      [2]int64
		advance time.Duration
		code    dorispb.MetaServiceCode
		vic     string // version_in_compaction
	}
	busy := dorispb.MetaServiceCode_JOB_TABLET_BUSY
	ok := dorispb.MetaServiceCode_OK
	vectors := map[string][]step{
		"M-3 full compaction": {
			{"c1", "BASE", [2]int64{}, 0, ok, ""},
			{"c2", "CUMULATIVE", [2]int64{}, 0, ok, ""},
			{"c3", "BASE", [2]int64{}, 0, busy, ""},
			{"c4", "FULL", [2]int64{}, 0, ok, ""},
			{"c5", "BASE", [2]int64{}, 0, busy, ""},
			{"c6", "FULL", [2]int64{1, 20}, 0, ok, ""},
			{"c7", "CUMULATIVE", [2]int64{18, 22}, 0, busy, "[1 20]"},
			{"c8", "CUMULATIVE", [2]int64{21, 26}, 0, ok, ""},
		},
		"M-4 parallel cumulative": {
			{"job1", "CUMULATIVE", [2]int64{}, 0, ok, ""},
			{"job2", "CUMULATIVE", [2]int64{}, 0, busy, ""},
			{"job3", "CUMULATIVE", [2]int64{5, 10}, 0, busy, ""},
			{"job4", "CUMULATIVE", [2]int64{5, 10}, 5 * time.Second, ok, ""},
			{"job5", "CUMULATIVE", [2]int64{12, 15}, 0, ok, ""},
			{"job6", "CUMULATIVE", [2]int64{6, 9}, 0, busy, "[5 10 12 15]"},
			{"job7", "CUMULATIVE", [2]int64{5, 9}, 0, busy, "[5 10 12 15]"},
			{"job8", "CUMULATIVE", [2]int64{6, 10}, 0, busy, "[5 10 12 15]"},
			{"job9", "CUMULATIVE", [2]int64{4, 11}, 0, busy, "[5 10 12 15]"},
			{"job10", "CUMULATIVE", [2]int64{3, 5}, 0, busy, "[5 10 12 15]"},
			{"job11", "CUMULATIVE", [2]int64{10, 11}, 0, busy, "[5 10 12 15]"},
			{"job12", "CUMULATIVE", [2]int64{2, 4}, 0, ok, ""},
			{"job13", "CUMULATIVE", [2]int64{}, 0, busy, ""},
			{"job14", "CUMULATIVE", [2]int64{11, 11}, 0, ok, ""},
		},
	}
	for name, steps := range vectors {
		t.Run(name, func(t *testing.T) {
			s, clock := startBRPC(t)
			bCreateTablets(t, s, bTablet)
			for _, st := range steps {
				clock.Advance(st.advance)
				now := clock.Now().Unix()
				rng := ""
				if st.in[1] > 0 {
					rng = fmt.Sprintf(`,"input_versions":[%d,%d],"check_input_versions_range":true`, st.in[0], st.in[1])
				}
				body := fmt.Sprintf(`{"cloud_unique_id":%q,"job":{"idx":{"tablet_id":%d},"compaction":[{"id":%q,"type":%q,
					"base_compaction_cnt":0,"cumulative_compaction_cnt":0,"expiration":%d,"lease":%d%s}]}}`,
					bCUID, bTablet, st.id, st.typ, now+12, now+3, rng)
				resp := &dorispb.StartTabletJobResponse{}
				bcall(t, s, "start_tablet_job", body, resp)
				vic := ""
				if len(resp.VersionInCompaction) > 0 {
					vic = fmt.Sprint(resp.VersionInCompaction)
				}
				if code, msg := bstatus(resp); code != st.code || vic != st.vic {
					t.Fatalf("%s: got %v %q vic=%s, want %v vic=%s", st.id, code, msg, vic, st.code, st.vic)
				}
			}
		})
	}
	t.Run("M-2 stale cache and idempotence", func(t *testing.T) {
		s, _ := startBRPC(t)
		bCreateTablets(t, s, bTablet)
		for _, c := range []struct {
			cnts string
			code dorispb.MetaServiceCode
		}{
			{`"base_compaction_cnt":0,"cumulative_compaction_cnt":-1`, dorispb.MetaServiceCode_STALE_TABLET_CACHE},
			{`"base_compaction_cnt":0,"cumulative_compaction_cnt":0`, ok},
			{`"base_compaction_cnt":0,"cumulative_compaction_cnt":0`, ok},
		} {
			resp := &dorispb.StartTabletJobResponse{}
			bcall(t, s, "start_tablet_job", strings.Replace(bJob("m2", "BASE", [2]int64{}, ""), `"base_compaction_cnt":0,"cumulative_compaction_cnt":0`, c.cnts, 1), resp)
			if code, msg := bstatus(resp); code != c.code {
				t.Fatalf("%s: %v %q", c.cnts, code, msg)
			}
		}
	})
}

// TestBRPCInstanceResolution: with Doris's default enable_check_instance_id
// a degraded cloud_unique_id resolves only once the instance exists, and a
// node's own cloud_unique_id resolves through the node index.
func TestBRPCInstanceResolution(t *testing.T) {
	s := &bServer{Server: servertest.Start(t, servertest.Options{Clock: servertest.NewClock(bT0Time())})}
	tablets := `{"cloud_unique_id":"1:inst1:be1","db_id":1,"tablet_metas":[{"table_id":2,"index_id":3,"partition_id":4,"tablet_id":10001}]}`
	resp := &dorispb.CreateTabletsResponse{}
	bcall(t, s, "create_tablets", tablets, resp)
	if code, msg := bstatus(resp); code != dorispb.MetaServiceCode_INVALID_ARGUMENT || msg != "empty instance_id" {
		t.Fatalf("before the instance exists: %v %q", code, msg)
	}
	inst := `{"instance_id":"inst1","name":"n","user_id":"u","obj_info":{"ak":"ak","sk":"sk","bucket":"b","prefix":"p","endpoint":"e","external_endpoint":"e","region":"r","provider":"COS"}}`
	if r := servertest.Do(t, "PUT", s.URL+"/MetaService/http/create_instance?token="+servertest.Token, inst); r.Status != 200 {
		t.Fatalf("create_instance: %d %s", r.Status, r.Body)
	}
	bok(t, s, "create_tablets", tablets, &dorispb.CreateTabletsResponse{})
	cluster := `{"instance_id":"inst1","cluster":{"cluster_name":"c1","cluster_id":"cid1","type":"COMPUTE","nodes":[{"cloud_unique_id":"be_node_1","ip":"127.0.0.1","heartbeat_port":9050}]}}`
	if r := servertest.Do(t, "PUT", s.URL+"/MetaService/http/add_cluster?token="+servertest.Token, cluster); r.Status != 200 {
		t.Fatalf("add_cluster: %d %s", r.Status, r.Body)
	}
	stats := &dorispb.GetTabletStatsResponse{}
	bok(t, s, "get_tablet_stats", `{"cloud_unique_id":"be_node_1","tablet_idx":[{"tablet_id":10001}]}`, stats)
	if len(stats.TabletStats) != 1 || stats.TabletStats[0].Idx.TabletID.Get() != 10001 {
		t.Fatalf("stats through the node index: %s", dorispb.ShortDebugString(stats))
	}
	begin := &dorispb.BeginTxnResponse{}
	bcall(t, s, "begin_txn", `{"cloud_unique_id":"be_node_2","txn_info":{"db_id":1,"label":"x"}}`, begin)
	if code, msg := bstatus(begin); code != dorispb.MetaServiceCode_INVALID_ARGUMENT || msg != "cannot find instance_id with cloud_unique_id=be_node_2 label=x" {
		t.Fatalf("unknown node: %v %q", code, msg)
	}
	// The brpc surface checks the token like the http routes.
	if r := servertest.Do(t, "POST", s.URL+"/MetaService/get_tablet?token=bad", `{}`); r.Status != 403 || r.Body != "incorrect token, token=bad\n" {
		t.Fatalf("bad token: %d %q", r.Status, r.Body)
	}
}
