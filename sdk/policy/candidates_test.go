package policy

import (
	"slices"
	"testing"
)

// S-11 `_level_size` with the default promotion size of 1 GiB.
func TestLevelS11(t *testing.T) {
	const p = 1024 * MB
	tests := []struct{ size, want int64 }{
		{1 << 30, 1 << 29},
		{1000, 0},
		{1<<20 + 100, 1 << 20},
		{1<<20 - 100, 1 << 19},
		{1023, 0},
		{1024, 1024},
		{512 * MB, 512 * MB},
		{20 << 30, 512 * MB},
		{-5, 0},
	}
	for _, tc := range tests {
		if got := Level(tc.size, p); got != tc.want {
			t.Errorf("Level(%d) = %d, want %d", tc.size, got, tc.want)
		}
	}
	if got := Level(1<<20, 1); got != 0 {
		t.Errorf("degenerate promotion size: got %d, want 0", got)
	}
}

func TestLongestConsecutiveRun(t *testing.T) {
	pick := func(vs ...int64) []Rowset {
		var out []Rowset
		for _, v := range vs {
			out = append(out, rs(v, v, 1, 1, NonOverlapping))
		}
		return out
	}
	tests := []struct {
		name        string
		cands       []Rowset
		wantRun     []Version
		wantMissing []VersionPair
	}{
		{"V-1 [2..9]", pick(2, 3, 4, 5, 6, 7, 8, 9),
			[]Version{{2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}, {7, 7}, {8, 8}, {9, 9}}, nil},
		{"V-2 {2..4, 6..10, 12..13}", pick(2, 3, 4, 6, 7, 8, 9, 10, 12, 13),
			[]Version{{6, 6}, {7, 7}, {8, 8}, {9, 9}, {10, 10}},
			[]VersionPair{{Version{4, 4}, Version{6, 6}}, {Version{10, 10}, Version{12, 12}}}},
		{"V-3 {2, 4}", pick(2, 4), []Version{{2, 2}},
			[]VersionPair{{Version{2, 2}, Version{4, 4}}}},
		{"tie keeps the earliest run", pick(2, 3, 5, 6), []Version{{2, 2}, {3, 3}},
			[]VersionPair{{Version{3, 3}, Version{5, 5}}}},
		{"empty", nil, []Version{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			run, missing := LongestConsecutiveRun(tc.cands)
			if !slices.Equal(versions(run), tc.wantRun) {
				t.Errorf("run = %v, want %v", versions(run), tc.wantRun)
			}
			if !slices.Equal(missing, tc.wantMissing) {
				t.Errorf("missing = %v, want %v", missing, tc.wantMissing)
			}
		})
	}
}

func TestMissingRowsets(t *testing.T) {
	rowsets := []Rowset{rs(0, 4, 1, 1, NonOverlapping), rs(8, 8, 1, 1, NonOverlapping),
		rs(5, 5, 1, 1, NonOverlapping), rs(11, 12, 1, 1, NonOverlapping)}
	want := []Version{{6, 7}, {9, 10}}
	if got := MissingRowsets(rowsets); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := MissingRowsets([]Rowset{rs(2, 3, 1, 1, NonOverlapping)}); !slices.Equal(got, []Version{{0, 1}}) {
		t.Errorf("leading gap: got %v", got)
	}
	if got := MissingRowsets(nil); got != nil {
		t.Errorf("nil: got %v", got)
	}
}

func TestCheckVersionContinuity(t *testing.T) {
	if st := CheckVersionContinuity(singletons(2, 6, 1)); !st.IsOK() {
		t.Errorf("continuous: %v", st)
	}
	if st := CheckVersionContinuity(nil); !st.IsOK() {
		t.Errorf("empty: %v", st)
	}
	st := CheckVersionContinuity([]Rowset{rs(0, 1, 1, 1, NonOverlapping), rs(2, 3, 1, 1, NonOverlapping), rs(5, 5, 1, 1, NonOverlapping)})
	want := Status{Code: CodeInternalError, Msg: "versions are not continuity: prev=[2-3] cur=[5-5]"}
	if st != want {
		t.Errorf("got %v, want %v", st, want)
	}
}

func empty(start, end int64) Rowset { return rs(start, end, 0, 0, NonOverlapping) }

func TestConsecutiveEmptyRun(t *testing.T) {
	data := func(v int64) Rowset { return rs(v, v, 41, 3, NonOverlapping) }
	del := func(v int64) Rowset { r := empty(v, v); r.HasDeletePredicate = true; return r }
	tests := []struct {
		name  string
		cands []Rowset
		limit int64
		want  []Version
	}{
		{"run of 5 followed by data", []Rowset{data(2), empty(3, 3), empty(4, 4), empty(5, 5), empty(6, 6), empty(7, 7), data(8)},
			5, []Version{{3, 3}, {4, 4}, {5, 5}, {6, 6}, {7, 7}}},
		{"run at the end does not count", []Rowset{data(2), empty(3, 3), empty(4, 4), empty(5, 5), empty(6, 6), empty(7, 7)},
			5, nil},
		{"run too short", []Rowset{empty(3, 3), empty(4, 4), empty(5, 5), data(6)}, 5, nil},
		{"a delete rowset breaks the run", []Rowset{empty(3, 3), empty(4, 4), del(5), empty(6, 6), empty(7, 7), data(8)}, 2,
			[]Version{{3, 3}, {4, 4}}},
		{"a version gap breaks the run, second run qualifies",
			[]Rowset{empty(3, 3), empty(4, 4), empty(6, 6), empty(7, 7), empty(8, 8), data(9)}, 3,
			[]Version{{6, 6}, {7, 7}, {8, 8}}},
		{"limit below two still needs two", []Rowset{empty(3, 3), data(4), empty(5, 5), empty(6, 6), data(7)}, 1,
			[]Version{{5, 5}, {6, 6}}},
		{"the run is followed by an empty non-consecutive rowset", []Rowset{empty(3, 3), empty(4, 4), empty(9, 9)}, 2,
			[]Version{{3, 3}, {4, 4}}},
		{"nothing", nil, 2, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ConsecutiveEmptyRun(tc.cands, tc.limit)
			if tc.want == nil {
				if got != nil {
					t.Fatalf("got %v, want none", versions(got))
				}
				return
			}
			if !slices.Equal(versions(got), tc.want) {
				t.Errorf("got %v, want %v", versions(got), tc.want)
			}
			// The streaming variant over a tablet must agree.
			tb := Tablet{CumulativePoint: 0, Rowsets: tc.cands}
			cfg := DefaultConfig()
			if !HasConsecutiveEmptyCandidates(&tb, &cfg, 0, tc.limit) {
				t.Error("HasConsecutiveEmptyCandidates = false")
			}
		})
	}
}

func TestCandidateFilters(t *testing.T) {
	cfg := DefaultConfig()
	remote := rs(7, 7, 1, 1, NonOverlapping)
	remote.Remote = true
	tb := Tablet{CumulativePoint: 5, Rowsets: []Rowset{rs(0, 4, 1, 1, NonOverlapping), rs(5, 5, 1, 1, NonOverlapping),
		rs(6, 6, 1, 1, NonOverlapping), remote, rs(8, 8, 1, 1, NonOverlapping)}}

	if got := CumulativeCandidates(&tb, &cfg, 0); !slices.Equal(versions(got), []Version{{5, 5}, {6, 6}, {8, 8}}) {
		t.Errorf("cumulative: %v", versions(got))
	}
	if got := BaseCandidates(&tb, &cfg, 0); !slices.Equal(versions(got), []Version{{0, 4}}) {
		t.Errorf("base: %v", versions(got))
	}
	if got := FullCandidates(&tb); len(got) != 4 {
		t.Errorf("full: %v", versions(got))
	}
	tb.CumulativePoint = InvalidCumulativePoint
	if got := CumulativeCandidates(&tb, &cfg, 0); got != nil {
		t.Errorf("invalid point must give no candidates, got %v", versions(got))
	}
}

func TestCandidateVisibility(t *testing.T) {
	cfg := DefaultConfig()
	rowsets := singletons(0, 700, 1)
	const now = int64(10_000_000)
	tests := []struct {
		name      string
		updateMs  int64
		wantCount int
	}{
		// visible 100: ends <= 100 pass (101 rowsets), ends > 100+500 pass (100 rowsets: 601..700).
		{"recent update keeps 500 invisible versions", now - 1000, 101 + 100},
		// after 1800 s only 50 are kept: ends > 150 pass (550 rowsets: 151..700).
		{"stale update keeps 50", now - 1800*1000 - 1, 101 + 550},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := Tablet{CumulativePoint: 0, VisibleVersionKnown: true, VisibleVersion: 100,
				VisibleUpdateTimeMs: tc.updateMs, Rowsets: rowsets}
			if got := CumulativeCandidates(&tb, &cfg, now); len(got) != tc.wantCount {
				t.Errorf("got %d candidates, want %d", len(got), tc.wantCount)
			}
		})
	}
}

func TestSelectAliasesContiguousCandidates(t *testing.T) {
	cfg := DefaultConfig()
	tb := Tablet{CumulativePoint: 3, Rowsets: singletons(0, 9, 1)}
	got := CumulativeCandidates(&tb, &cfg, 0)
	if &got[0] != &tb.Rowsets[3] || cap(got) != len(got) {
		t.Error("contiguous candidates must alias the tablet's rowsets, capacity-capped")
	}
}
