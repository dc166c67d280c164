package compaction_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/metahost/metahost/host/compaction"
	"github.com/metahost/metahost/sdk/policy"
)

func TestScoreRound(t *testing.T) {
	const now = 1_000_000
	entries := []compaction.Entry{
		{TabletID: 1, Total: 10, Cumu: 10, Base: 1},
		{TabletID: 2, Total: 50, Cumu: 40, Base: 10},
		{TabletID: 3, Total: 30, Cumu: 1, Base: 29},                                    // single rowset after the point
		{TabletID: 4, Total: 99, Cumu: 99, FailMs: [3]int64{now - 1000, 0, 0}},         // backing off
		{TabletID: 5, Total: 98, Cumu: 98, FailMs: [3]int64{now - 6000, 0, 0}},         // back-off over
		{TabletID: 6, Total: 97, Cumu: 97, Busy: compaction.Cumulative},                // running
		{TabletID: 7, Total: 96, Cumu: 96, Busy: compaction.Base},                      // base does not block cumulative
		{TabletID: 8, Total: 95, Cumu: 95, Busy: compaction.Full},                      // full blocks all
		{TabletID: 9, Total: 94, Cumu: 94, SkipUntilMs: now + 1},                       // policy said not suitable
		{TabletID: 10, Total: 20, Cumu: 20, Base: 5, FailMs: [3]int64{0, now - 10, 0}}, // base backing off
	}
	s := compaction.NewSummary(entries)
	cases := []struct {
		kind  compaction.Kind
		slots int
		want  []int64
	}{
		{compaction.Cumulative, 3, []int64{5, 7, 2}},
		{compaction.Cumulative, 10, []int64{5, 7, 2, 10, 1}},
		{compaction.Cumulative, 0, nil},
		{compaction.Base, 10, []int64{2, 3}}, // ranked by total score, not base score
	}
	for _, c := range cases {
		got := s.Score(compaction.Round{Kind: c.kind, NowMs: now, BackoffMs: 5000, Slots: c.slots}, nil)
		var ids []int64
		for _, g := range got {
			ids = append(ids, g.Entry.TabletID)
			if g.Kind != c.kind {
				t.Fatalf("kind %v", g.Kind)
			}
		}
		if len(ids) != len(c.want) {
			t.Fatalf("%v slots %d: %v, want %v", c.kind, c.slots, ids, c.want)
		}
		for i := range ids {
			if ids[i] != c.want[i] {
				t.Fatalf("%v slots %d: %v, want %v", c.kind, c.slots, ids, c.want)
			}
		}
	}
	due := s.DueStale(100, 600, nil)
	if len(due) != 0 {
		t.Fatalf("due %v", due)
	}
	s.Put(compaction.Entry{TabletID: 11, StaleAt: 50})
	s.Put(compaction.Entry{TabletID: 12, StaleAt: 60})
	if due := s.DueStale(655, 600, nil); len(due) != 1 || due[0].TabletID != 11 {
		t.Fatalf("due %v", due)
	}
}

func TestPrettyBytes(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 41: "41.00 B", 1024: "1.00 KB", 50000: "48.83 KB",
		574 << 20: "574.00 MB", 3070230000: "2.86 GB", 1<<20 - 1: "1024.00 KB"} {
		if got := compaction.PrettyBytes(in); got != want {
			t.Errorf("PrettyBytes(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestRunStatusJSON(t *testing.T) {
	want := "{\n            \"status\" : \"Success\",\n            \"run_status\" : true,\n            \"msg\" : \"compaction task for this tablet is running\",\n            \"tablet_id\" : 7,\n            \"compact_type\" : \"full\"\n        }"
	if got := string(compaction.RunStatusJSON(7, compaction.Full|compaction.Cumulative)); got != want {
		t.Fatalf("%q", got)
	}
	if got := string(compaction.RunStatusJSON(7, compaction.Base)); !strings.Contains(got, `"compact_type" : "base"`) {
		t.Fatalf("%q", got)
	}
	if got := string(compaction.RunStatusJSON(7, 0)); !strings.Contains(got, `"run_status" : false,`) || !strings.Contains(got, `"compact_type" : ""`) {
		t.Fatalf("%q", got)
	}
	got := string(compaction.OverallStatusJSON("/d", map[compaction.Kind][]int64{compaction.Cumulative: {12, 3}}))
	want = "{\n    \"BaseCompaction\": {\n        \"/d\": []\n    },\n    \"CumulativeCompaction\": {\n        \"/d\": [\n            \"3\",\n            \"12\"\n        ]\n    },\n    \"FullCompaction\": {}\n}"
	if got != want {
		t.Fatalf("%q", got)
	}
}

func TestDecodeEvalRequestBad(t *testing.T) {
	cases := []struct{ body, want string }{
		{``, "bad eval request"},
		{`[]`, "bad eval request"},
		{`{"x":1}`, "unknown field"},
		{`{} {}`, "trailing data"},
		{`{"compact_type":"major"}`, `compact_type "major"`},
		{`{"tablet":{"keys_type":"X"}}`, `keys_type "X"`},
		{`{"rowsets":[{"start_version":-1,"end_version":0}]}`, "has version [-1-0]"},
		{`{"rowsets":[{"start_version":0,"end_version":1},{"start_version":1,"end_version":2}]}`, "is not after"},
		{`{"rowsets":[{"start_version":0,"end_version":1,"overlap":"MAYBE"}]}`, `overlap "MAYBE"`},
		{`{"rowsets":[{"start_version":0,"end_version":1,"num_segments":-1}]}`, "negative"},
		{`{"tablet":{"time_series":{"goal_size_mbytes":-1}}}`, "negative time_series"},
	}
	for _, c := range cases {
		_, err := compaction.DecodeEvalRequest(strings.NewReader(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.body, err, c.want)
		}
	}
	req, err := compaction.DecodeEvalRequest(strings.NewReader(`{"config":{"cumulative_compaction_max_deltas":0}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := req.Config.Apply(policy.DefaultConfig()); err == nil {
		t.Fatal("max deltas 0 accepted")
	}
}

func FuzzDecodeEvalRequest(f *testing.F) {
	f.Add([]byte(`{"tablet":{"tablet_id":1,"cumulative_point":2},"rowsets":[{"start_version":0,"end_version":1},{"start_version":2,"end_version":2,"num_segments":3}]}`))
	f.Add([]byte(`{"compact_type":"base","rowsets":[{"start_version":0,"end_version":1,"delete":true}]}`))
	f.Add([]byte(`{"compact_type":"full","config":{"compaction_promotion_ratio":0.5}}`))
	f.Add([]byte(`{`))
	cfg := policy.DefaultConfig()
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := compaction.DecodeEvalRequest(bytes.NewReader(b))
		if err != nil {
			return
		}
		c, err := req.Config.Apply(cfg)
		if err != nil {
			return
		}
		out := compaction.Evaluate(compaction.Native(policy.NameSizeBased, &c), req, &c, 1_700_000_000_000)
		if out.Status == "" {
			t.Fatal("no status")
		}
		compaction.Evaluate(compaction.Native(policy.NameTimeSeries, &c), req, &c, 1_700_000_000_000)
	})
}

// TestEvaluateVectors runs spec §7.1 S-1 and S-3 through Evaluate with the
// native policy (the wasm plugins run every §7 vector in
// plugins/size_based and plugins/time_series TestWasmPlugin, through
// sdk/plugintest.RunVectors).
func TestEvaluateVectors(t *testing.T) {
	cases := []struct {
		name, body string
		picked     string
		score      int64
		point      int64
	}{
		{"S-1", `{"tablet":{},"config":{"compaction_promotion_min_size_mbytes":64,"cumulative_compaction_max_deltas":10},"rowsets":[
			{"start_version":0,"end_version":0,"num_segments":3,"total_disk_size":41,"creation_time":10000},
			{"start_version":1,"end_version":1,"num_segments":3,"total_disk_size":41,"creation_time":10000},
			{"start_version":2,"end_version":2,"num_segments":3,"total_disk_size":41,"creation_time":10000},
			{"start_version":3,"end_version":3,"num_segments":3,"total_disk_size":41,"creation_time":10000},
			{"start_version":4,"end_version":4,"num_segments":3,"total_disk_size":41,"creation_time":10000}]}`, "[0-0][1-1][2-2]", 9, 0},
		{"S-3", `{"tablet":{},"config":{"compaction_promotion_min_size_mbytes":64,"cumulative_compaction_max_deltas":10},"rowsets":[
			{"start_version":0,"end_version":1,"num_segments":3,"overlap":"NONOVERLAPPING","total_disk_size":1073741824},
			{"start_version":2,"end_version":3,"num_segments":3,"overlap":"NONOVERLAPPING","total_disk_size":68157440},
			{"start_version":4,"end_version":5,"num_segments":3,"overlap":"NONOVERLAPPING","total_disk_size":41},
			{"start_version":6,"end_version":6,"num_segments":3,"overlap":"OVERLAPPING","total_disk_size":41},
			{"start_version":7,"end_version":7,"num_segments":3,"total_disk_size":41}]}`, "[4-5][6-6][7-7]", 7, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := compaction.DecodeEvalRequest(strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := req.Config.Apply(policy.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			out := compaction.Evaluate(compaction.Native(policy.NameSizeBased, &cfg), req, &cfg, 1_700_000_000_000)
			if got := strings.Join(out.Picked, ""); got != c.picked || out.Score != c.score || out.CumulativePoint != c.point || out.Status != "[OK]" {
				t.Fatalf("%+v", out)
			}
		})
	}
}

// TestEvaluateRuns: a cumulative evaluation with version gaps (spec §7.1
// V-2: the longest consecutive run is picked, the breaks reported) and a
// base evaluation (§7.3 B-1).
func TestEvaluateRuns(t *testing.T) {
	rs := func(versions ...int) string {
		var parts []string
		for _, v := range versions {
			parts = append(parts, fmt.Sprintf(`{"start_version":%d,"end_version":%d,"num_segments":1,"overlap":"NONOVERLAPPING","total_disk_size":1024,"data_disk_size":1024}`, v, v))
		}
		return strings.Join(parts, ",")
	}
	var b1 []int
	for v := 2; v <= 29; v++ {
		b1 = append(b1, v)
	}
	cases := []struct {
		name, body, picked, missing string
		score                       int64
	}{
		{"V-2", `{"tablet":{"cumulative_point":2},"rowsets":[{"start_version":0,"end_version":1,"overlap":"NONOVERLAPPING"},` + rs(2, 3, 4, 6, 7, 8, 9, 10, 12, 13) + `]}`,
			"[6-6][7-7][8-8][9-9][10-10]", "[4-4]->[6-6],[10-10]->[12-12]", 5},
		{"B-1", `{"compact_type":"base","tablet":{"cumulative_point":25},"rowsets":[{"start_version":0,"end_version":1,"num_segments":1,"overlap":"NONOVERLAPPING"},` + rs(b1...) + `]}`,
			"", "", 21},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := compaction.DecodeEvalRequest(strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			cfg := policy.DefaultConfig()
			out := compaction.Evaluate(compaction.Native(policy.NameSizeBased, &cfg), req, &cfg, 1_700_000_000_000)
			if out.Status != "[OK]" || out.Score != c.score || strings.Join(out.Missing, ",") != c.missing {
				t.Fatalf("%+v", out)
			}
			if c.picked != "" && strings.Join(out.Picked, "") != c.picked {
				t.Fatalf("picked %v", out.Picked)
			}
			if c.name == "B-1" && (len(out.Picked) != 21 || out.Picked[0] != "[0-1]" || out.Picked[20] != "[21-21]") {
				t.Fatalf("base picked %v", out.Picked)
			}
		})
	}
}
