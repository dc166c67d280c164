package httpapi_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/compaction"
	"github.com/metahost/metahost/host/httpapi"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
	"github.com/metahost/metahost/sdk/plugintest"
)

// showOf is the decoded show JSON.
type showOf struct {
	Policy  string   `json:"cumulative policy type"`
	Point   int64    `json:"cumulative point"`
	Status  string   `json:"last cumulative status"`
	Rowsets []string `json:"rowsets"`
	Missing []string `json:"missing_rowsets"`
	Stale   []string `json:"stale_rowsets"`
	Paths   []struct {
		ID   string `json:"path id"`
		Time string `json:"last create time"`
		List string `json:"path list"`
	} `json:"stale version path"`
}

func cget(t *testing.T, s *bServer, method, path string) servertest.Response {
	t.Helper()
	r := servertest.Do(t, method, s.URL+path, "")
	if strings.HasPrefix(path, "/api/compaction/") && r.Status == 200 && r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s: content type %q", path, r.Header.Get("Content-Type"))
	}
	return r
}

func show(t *testing.T, s *bServer, tablet int64) showOf {
	t.Helper()
	r := cget(t, s, "GET", fmt.Sprintf("/api/compaction/show?tablet_id=%d", tablet))
	var out showOf
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil || r.Status != 200 {
		t.Fatalf("show: %d %s %v", r.Status, r.Body, err)
	}
	return out
}

// poll calls cond until it holds or 60 s pass.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func versionsOf(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(strings.Fields(l)[0])
	}
	return b.String()
}

// startScheduled starts a server whose scheduler runs every 20 ms with the
// first-party wasm policies in its plugin directory.
func startScheduled(t *testing.T) (*bServer, *servertest.Clock) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range compaction.DefaultPolicies {
		wasm := plugintest.Build(t, "github.com/metahost/metahost/plugins/"+name)
		if err := os.WriteFile(filepath.Join(dir, name+".wasm"), wasm, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	clock := servertest.NewClock(bT0Time())
	off := false
	s := servertest.Start(t, servertest.Options{Clock: clock, Edit: func(c *server.Config) {
		c.Meta.EnableCheckInstanceID = &off
		c.Compaction = server.CompactionConfig{PluginDir: dir, Interval: server.Duration{Duration: 20 * time.Millisecond},
			RefreshInterval: server.Duration{Duration: 10 * time.Millisecond}}
	}})
	return &bServer{Server: s}, clock
}

// TestCompactionWalkthrough: first-party policies registered and bound at
// start-up; 50 loads compacted by the scheduler (size_based); show reflects
// rowsets, point and stale path; the table rebound to time_series through
// /v1/plugins without a restart, and the next pick follows it.
func TestCompactionWalkthrough(t *testing.T) {
	s, clock := startScheduled(t)
	poll(t, "default policies", func() bool {
		r := servertest.Do(t, "GET", s.URL+"/v1/plugins", "", auth()...)
		return strings.Contains(r.Body, `"policy_bindings":[{"table_id":0,"policy":"size_based"}]`) && strings.Contains(r.Body, `"name":"time_series"`)
	})
	bCreateTablets(t, s, bTablet)
	if sh := show(t, s, bTablet); sh.Point != -1 || versionsOf(sh.Rowsets) != "[0-1]" {
		t.Fatalf("fresh tablet %+v", sh)
	}
	// A manual run on the empty tablet fails (and starts the back-off, so
	// the frozen clock holds the scheduler while the loads go in).
	// (The first call loads the wasm module, which may take longer than
	// run's 2 s wait: then run answers Success and the failure is recorded
	// later.)
	r := cget(t, s, "POST", fmt.Sprintf("/api/compaction/run?tablet_id=%d&compact_type=cumulative", bTablet))
	if want := "{\n    \"status\": \"E-2000\",\n    \"msg\": \"candidate_rowsets is empty\"\n}"; r.Body != want && !strings.Contains(r.Body, `"status": "Success"`) {
		t.Fatalf("run on empty tablet: %q", r.Body)
	}
	poll(t, "the failed run recorded", func() bool { return show(t, s, bTablet).Status == "[E-2000]candidate_rowsets is empty" })
	for i := 0; i < 50; i++ {
		bLoad(t, s, bTablet, 100)
	}
	if sh := show(t, s, bTablet); len(sh.Rowsets) != 51 || sh.Point != 2 {
		t.Fatalf("compacted during the back-off: %+v", sh)
	}
	clock.Advance(6 * time.Second)
	var sh showOf
	poll(t, "the 50 loads compacted", func() bool {
		sh = show(t, s, bTablet)
		return versionsOf(sh.Rowsets) == "[0-1][2-51]"
	})
	if sh.Policy != "size_based" || sh.Point != 2 || sh.Status != "[OK]" || len(sh.Stale) != 50 || len(sh.Missing) != 0 ||
		len(sh.Paths) != 1 || sh.Paths[0].ID != "0" || !strings.HasPrefix(sh.Paths[0].List, "0 -> [2-2] -> [3-3]") ||
		!strings.HasSuffix(sh.Paths[0].List, "-> [51-51]") {
		t.Fatalf("show after compaction %+v", sh)
	}
	if !strings.Contains(sh.Rowsets[1], " 50 DATA NONOVERLAPPING 02") || !strings.HasSuffix(sh.Rowsets[1], " 48.83 KB") {
		t.Fatalf("output rowset line %q", sh.Rowsets[1])
	}
	// Rebind table 2 to time_series; no restart.
	if r := servertest.Do(t, "POST", s.URL+"/v1/plugins/time_series/bind", `{"table_id":2}`, auth()...); r.Status != 200 {
		t.Fatalf("bind: %d %s", r.Status, r.Body)
	}
	for i := 0; i < 10; i++ {
		bLoad(t, s, bTablet, 100)
	}
	// The dry run shows the difference: size_based would take the ten new
	// rowsets now, time_series waits for its time threshold.
	rowsets := `{"start_version":0,"end_version":1,"overlap":"NONOVERLAPPING","creation_time":1},{"start_version":2,"end_version":51,"num_segments":50,"overlap":"NONOVERLAPPING","total_disk_size":50000,"data_disk_size":50000,"creation_time":%d}`
	rowsets = fmt.Sprintf(rowsets, bT0Unix+6)
	for v := 52; v <= 61; v++ {
		rowsets += fmt.Sprintf(`,{"start_version":%d,"end_version":%d,"num_segments":1,"overlap":"NONOVERLAPPING","total_disk_size":1000,"data_disk_size":1000,"creation_time":%d}`, v, v, bT0Unix+6)
	}
	evalBody := `{"tablet":{"tablet_id":1,"cumulative_point":2},"rowsets":[` + rowsets + `]}`
	for name, want := range map[string]string{"size_based": `"status":"[OK]","picked":["[52-52]"`, "time_series": `"status":"[E-2000]_input_rowsets is empty","picked":[]`} {
		r := servertest.Do(t, "POST", s.URL+"/v1/plugins/"+name+"/eval", evalBody, auth()...)
		if r.Status != 200 || !strings.Contains(r.Body, want) || !strings.Contains(r.Body, `"policy":"`+name+`"`) {
			t.Fatalf("eval %s: %d %s", name, r.Status, r.Body)
		}
	}
	poll(t, "the scheduler to apply time_series", func() bool { return show(t, s, bTablet).Policy == "time_series" })
	poll(t, "no compaction running", func() bool {
		return strings.Contains(cget(t, s, "GET", fmt.Sprintf("/api/compaction/run_status?tablet_id=%d", bTablet)).Body, `"run_status" : false`)
	})
	if sh := show(t, s, bTablet); len(sh.Rowsets) != 12 || sh.Point != 2 {
		t.Fatalf("time_series compacted young rowsets: %+v", sh)
	}
	// Past time_series' time threshold (3600 s) its C3 rule fires; the
	// point moves past the output (size_based would have left it at 2),
	// and the first stale path (older than 600 s) expires.
	clock.Advance(2 * time.Hour)
	poll(t, "the time_series compaction", func() bool {
		sh = show(t, s, bTablet)
		return versionsOf(sh.Rowsets) == "[0-1][2-51][52-61]" && len(sh.Paths) == 1 && sh.Paths[0].ID == "1"
	})
	if sh.Point != 62 || sh.Policy != "time_series" || len(sh.Stale) != 10 || sh.Paths[0].List != "1 -> [52-52] -> [53-53] -> [54-54] -> [55-55] -> [56-56] -> [57-57] -> [58-58] -> [59-59] -> [60-60] -> [61-61]" {
		t.Fatalf("show after time_series %+v", sh)
	}
}

// TestCompactionAPIErrors covers the BE API's exact error replies and the
// job protocol's refusals, each leaving the tablet unchanged.
func TestCompactionAPIErrors(t *testing.T) {
	s, clock := startBRPC(t)
	bCreateTablets(t, s, bTablet)
	for i := 0; i < 6; i++ {
		bLoad(t, s, bTablet, 10)
	}
	errJSON := func(code, msg string) string {
		return "{\n    \"status\": \"" + code + "\",\n    \"msg\": \"" + msg + "\"\n}"
	}
	cases := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/api/compaction/show?tablet_id=999", 200, errJSON("NOT_FOUND", "Tablet not found. tablet_id=999")},
		{"GET", "/api/compaction/show", 200, errJSON("INTERNAL_ERROR", "check param failed: missing tablet_id")},
		{"GET", "/api/compaction/show?tablet_id=abc", 200, errJSON("INTERNAL_ERROR", "convert tablet_id failed, stoull")},
		{"GET", "/api/compaction/show?tablet_id=-1", 200, errJSON("NOT_FOUND", "Tablet not found. tablet_id=18446744073709551615")},
		{"POST", "/api/compaction/show?tablet_id=1", 404, "Not Found"},
		{"GET", "/api/compaction/run?tablet_id=1&compact_type=base", 404, "Not Found"},
		{"POST", "/api/compaction/run?compact_type=base", 200, errJSON("INTERNAL_ERROR", "tablet id and table id can not be empty at the same time!")},
		{"POST", "/api/compaction/run?tablet_id=1&table_id=2&compact_type=base", 200, errJSON("INTERNAL_ERROR", "tablet id and table id can not be set at the same time!")},
		{"POST", "/api/compaction/run?tablet_id=x&compact_type=base", 200, errJSON("INTERNAL_ERROR", "convert tablet_id failed, stoull")},
		{"POST", fmt.Sprintf("/api/compaction/run?tablet_id=%d&compact_type=major", bTablet), 200, errJSON("NOT_IMPLEMENTED_ERROR", "The compaction type 'major' is not supported")},
		{"POST", fmt.Sprintf("/api/compaction/run?tablet_id=%d", bTablet), 200, errJSON("NOT_IMPLEMENTED_ERROR", "The compaction type '' is not supported")},
		{"POST", fmt.Sprintf("/api/compaction/run?tablet_id=%d&compact_type=base&remote=maybe", bTablet), 200, errJSON("NOT_IMPLEMENTED_ERROR", "The remote = 'maybe' is not supported")},
		{"POST", "/api/compaction/run?tablet_id=999&compact_type=cumulative", 200, errJSON("NOT_FOUND", "Tablet not found. tablet_id=999")},
		{"GET", "/api/compaction/run_status?tablet_id=999", 200, errJSON("INTERNAL_ERROR", "fail to get 999")},
		{"GET", fmt.Sprintf("/api/compaction/run_status?tablet_id=%d", bTablet), 200, string(compaction.RunStatusJSON(bTablet, 0))},
		{"GET", "/api/compaction_score?top_n=x", 400, "invalid argument: top_n=x\n"},
	}
	for _, c := range cases {
		r := cget(t, s, c.method, c.path)
		if r.Status != c.status || r.Body != c.body {
			t.Errorf("%s %s: %d %q, want %d %q", c.method, c.path, r.Status, r.Body, c.status, c.body)
		}
	}
	unchanged := func(what string) {
		t.Helper()
		if got := bVersions(bRowsets(t, s, bTablet).RowsetMeta); got != "[0-1][2-2][3-3][4-4][5-5][6-6][7-7]" {
			t.Fatalf("%s changed the rowsets: %s", what, got)
		}
	}
	unchanged("bad requests")
	// An overlapping job: a compute node holds a CUMULATIVE job.
	bok(t, s, "start_tablet_job", bJob("node-job", "CUMULATIVE", [2]int64{}, ""), &dorispb.StartTabletJobResponse{})
	r := cget(t, s, "POST", fmt.Sprintf("/api/compaction/run?tablet_id=%d&compact_type=cumulative", bTablet))
	if r.Body != errJSON("E-2000", "cumu no suitable versions: job tablet busy") {
		t.Fatalf("overlapping job: %q", r.Body)
	}
	if !strings.Contains(cget(t, s, "GET", fmt.Sprintf("/api/compaction/run_status?tablet_id=%d", bTablet)).Body, `"compact_type" : "cumulative"`) {
		t.Fatal("run_status does not show the node's job")
	}
	unchanged("overlapping job")
	// An expired lease: the node's job is pruned by the next start, and its
	// commit is refused.
	clock.Advance(200 * time.Second) // bJob's lease is now+100
	r = cget(t, s, "POST", fmt.Sprintf("/api/compaction/run?tablet_id=%d&compact_type=cumulative", bTablet))
	if !strings.Contains(r.Body, `"status": "Success"`) || !strings.Contains(r.Body, fmt.Sprintf("Tablet id: %d", bTablet)) {
		t.Fatalf("run after the lease expired: %q", r.Body)
	}
	if got := bVersions(bRowsets(t, s, bTablet).RowsetMeta); got != "[0-1][2-7]" {
		t.Fatalf("after run: %s", got)
	}
	resp := &dorispb.FinishTabletJobResponse{}
	bcall(t, s, "finish_tablet_job", bFinish("node-job", "COMMIT", "CUMULATIVE", `,"input_versions":[2,7],"output_versions":[7],"output_rowset_ids":["o"],"txn_id":[5]`), resp)
	if code, msg := bstatus(resp); code != dorispb.MetaServiceCode_INVALID_ARGUMENT || msg != fmt.Sprintf("there is no running compaction, tablet_id=%d", bTablet) {
		t.Fatalf("commit of the pruned job: %v %q", code, msg)
	}
	// A commit whose inputs changed: the job started on [2-7] as six
	// rowsets, now one.
	bok(t, s, "start_tablet_job", cJob("late", "BASE", 1), &dorispb.StartTabletJobResponse{})
	bcall(t, s, "finish_tablet_job", bFinish("late", "COMMIT", "BASE", `,"num_input_rowsets":6,"input_versions":[2,7],"output_versions":[7],"output_rowset_ids":["o"],"txn_id":[5]`), resp)
	if code, msg := bstatus(resp); code != dorispb.MetaServiceCode_UNDEFINED_ERR || !strings.HasPrefix(msg, "too few input rowsets") {
		t.Fatalf("commit with changed inputs: %v %q", code, msg)
	}
	if got := bVersions(bRowsets(t, s, bTablet).RowsetMeta); got != "[0-1][2-7]" {
		t.Fatalf("after the refused commit: %s", got)
	}
	// A job past its expiration: its commit is refused and it stays.
	bok(t, s, "start_tablet_job", cJob("exp", "BASE", 1), &dorispb.StartTabletJobResponse{})
	clock.Advance(1000 * time.Second)
	bcall(t, s, "finish_tablet_job", bFinish("exp", "COMMIT", "BASE", `,"input_versions":[0,7],"output_versions":[7],"output_rowset_ids":["o"],"txn_id":[5]`), resp)
	if code, msg := bstatus(resp); code != dorispb.MetaServiceCode_JOB_EXPIRED || !strings.HasPrefix(msg, "expired compaction job") {
		t.Fatalf("commit of an expired job: %v %q", code, msg)
	}
	if got := bVersions(bRowsets(t, s, bTablet).RowsetMeta); got != "[0-1][2-7]" {
		t.Fatalf("after the expired commit: %s", got)
	}
	// show of the compacted tablet
	sh := show(t, s, bTablet)
	if sh.Point != 2 || versionsOf(sh.Rowsets) != "[0-1][2-7]" || len(sh.Paths) != 1 || sh.Paths[0].List != "0 -> [2-2] -> [3-3] -> [4-4] -> [5-5] -> [6-6] -> [7-7]" {
		t.Fatalf("show %+v", sh)
	}
	// The exact show document.
	r = cget(t, s, "GET", fmt.Sprintf("/api/compaction/show?tablet_id=%d", bTablet))
	for _, key := range []string{"\n    \"cumulative policy type\": \"size_based\",\n    \"cumulative point\": 2,\n    \"last cumulative failure time\": ",
		"\n    \"missing_rowsets\": [],\n    \"stale_rowsets\": [\n        \"[2-2] 1 DATA NONOVERLAPPING rs_1 100.00 B\","} {
		if !strings.Contains(r.Body, key) {
			t.Fatalf("show document lacks %q:\n%s", key, r.Body)
		}
	}
	// The overall run_status.
	r = cget(t, s, "GET", "/api/compaction/run_status")
	if !strings.HasPrefix(r.Body, "{\n    \"BaseCompaction\": {\n        \"") || !strings.Contains(r.Body, "\"FullCompaction\": {}") {
		t.Fatalf("overall run_status %q", r.Body)
	}
}

// cJob is a start_tablet_job body with the tablet's cumulative count.
func cJob(id, typ string, cumuCnt int) string {
	return fmt.Sprintf(`{"cloud_unique_id":%q,"job":{"idx":{"tablet_id":%d},"compaction":[{"id":%q,"type":%q,
		"base_compaction_cnt":0,"cumulative_compaction_cnt":%d,"expiration":%d,"lease":%d}]}}`,
		bCUID, bTablet, id, typ, cumuCnt, bT0Unix+1000, bT0Unix+5000)
}

// TestEvalErrors: the dry run's bad input, each a 4xx in the admin format.
func TestEvalErrors(t *testing.T) {
	s, _ := startBRPC(t)
	cases := []struct {
		name, body string
		status     int
		want       string
	}{
		{"size_based", `{`, 400, "bad eval request"},
		{"size_based", `{"rowsets":[{"start_version":3,"end_version":2}]}`, 400, "has version [3-2]"},
		{"size_based", `{"bogus":1}`, 400, "unknown field"},
		{"nope", `{}`, 404, `plugin \"nope\" is not registered`},
	}
	for _, c := range cases {
		r := servertest.Do(t, "POST", s.URL+"/v1/plugins/"+c.name+"/eval", c.body, auth()...)
		if r.Status != c.status || !strings.Contains(r.Body, c.want) {
			t.Errorf("%s %s: %d %s", c.name, c.body, r.Status, r.Body)
		}
	}
	if r := servertest.Do(t, "POST", s.URL+"/v1/plugins/size_based/eval", `{}`); r.Status != 401 {
		t.Errorf("eval without a token: %d", r.Status)
	}
}

// TestParseStoull: std::stoull's parse rules.
func TestParseStoull(t *testing.T) {
	cases := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"12", 12, true}, {"  12", 12, true}, {"12abc", 12, true}, {"+7", 7, true}, {"-1", 1<<64 - 1, true},
		{"", 0, false}, {"abc", 0, false}, {"-", 0, false}, {"99999999999999999999", 0, false}, {" \t", 0, false},
	}
	for _, c := range cases {
		got, err := httpapi.ParseStoull(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseStoull(%q) = %d, %v", c.in, got, err)
		}
	}
}

func FuzzParseStoull(f *testing.F) {
	for _, s := range []string{"1", " -5", "18446744073709551616", "x", "\v9z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := httpapi.ParseStoull(s)
		if err != nil && v != 0 {
			t.Fatalf("error with value %d", v)
		}
	})
}
