package sizebased

import (
	"fmt"
	"slices"
	"testing"

	"github.com/metahost/metahost/sdk/policy"
)

const (
	mb  = policy.MB
	gib = 1024 * policy.MB
	// nowMs is an arbitrary fixed clock; SIZE_BASED does not read the time.
	nowMs = int64(1_700_000_000_000)
)

const (
	U = policy.OverlapUnknown
	O = policy.Overlapping
	N = policy.NonOverlapping
)

// fixtureConfig is the SetUp of cumulative_compaction_policy_test.cpp: promotion 1024 MB, ratio
// 0.05, promotion_min 64 MB (not the default 128), min_size 64 MB.
func fixtureConfig() policy.Config {
	c := policy.DefaultConfig()
	c.CompactionPromotionSizeMBytes = 1024
	c.CompactionPromotionRatio = 0.05
	c.CompactionPromotionMinSizeMBytes = 64
	c.CompactionMinSizeMBytes = 64
	return c
}

// r builds [start-end] with the given size, segment count and overlap; creation time 10000 as
// init_rs_meta does.
func r(start, end, size, segs int64, ov policy.SegmentsOverlap) policy.Rowset {
	return policy.Rowset{StartVersion: start, EndVersion: end, TotalDiskSize: size, DataDiskSize: size,
		NumSegments: segs, SegmentsOverlap: ov, CreationTime: 10000, RowsetID: fmt.Sprintf("%d-%d", start, end)}
}

// def is the init_rs_meta default rowset: 41 B, 3 segments, OVERLAP_UNKNOWN.
func def(start, end int64, ov policy.SegmentsOverlap) policy.Rowset { return r(start, end, 41, 3, ov) }

func del(x policy.Rowset) policy.Rowset { x.HasDeletePredicate = true; return x }

// k builds singletons [from..from+count-1] of size bytes, 1 segment, OVERLAPPING (score 1).
func k(from, count, size int64) []policy.Rowset {
	var out []policy.Rowset
	for v := from; v < from+count; v++ {
		out = append(out, r(v, v, size, 1, O))
	}
	return out
}

func cat(parts ...[]policy.Rowset) []policy.Rowset { return slices.Concat(parts...) }

func one(rs ...policy.Rowset) []policy.Rowset { return rs }

// base is B = [0-1] 1 GiB N of the S-12..S-20 rows.
func base() []policy.Rowset { return one(r(0, 1, gib, 1, N)) }

func TestPromotion(t *testing.T) {
	cfg := fixtureConfig()
	p := New(&cfg)
	tests := []struct{ base, want int64 }{
		{41, 64 * mb},        // below min
		{gib, 64 * mb},       // 51.2 MB below the 64 MB min
		{2 * gib, 107374182}, // in range: 2 GiB × 0.05 = 102.4 MB, truncated
		{20 * gib, gib},      // 1 GiB clamp
		{-5, 64 * mb},
	}
	for _, tc := range tests {
		if got := p.Promotion(tc.base); got != tc.want {
			t.Errorf("Promotion(%d) = %d, want %d", tc.base, got, tc.want)
		}
	}
	def := policy.DefaultConfig()
	if got := New(&def).Promotion(gib); got != 128*mb {
		t.Errorf("default min 128 MB: got %d", got)
	}
}

func TestCalculateCumulativePoint(t *testing.T) {
	cfg := fixtureConfig()
	p := New(&cfg)
	tests := []struct {
		name    string
		state   policy.TabletState
		point   int64
		rowsets []policy.Rowset
		want    int64
	}{
		{"already set", policy.TabletRunning, 7, one(def(0, 1, N)), policy.InvalidCumulativePoint},
		{"no rowsets", policy.TabletRunning, -1, nil, policy.InvalidCumulativePoint},
		{"all big and continuous", policy.TabletRunning, -1, one(r(0, 1, gib, 1, N), r(2, 3, gib, 1, N)), 4},
		{"hole stops the walk", policy.TabletRunning, -1, one(r(0, 1, gib, 1, N), r(3, 4, gib, 1, N)), 2},
		{"delete rowsets do not stop it", policy.TabletRunning, -1, one(r(0, 1, gib, 1, N), del(def(2, 2, O)), r(3, 3, 41, 1, N)), 3},
		{"no base", policy.TabletRunning, -1, one(def(2, 3, N)), policy.InvalidCumulativePoint},
		{"unsorted input", policy.TabletRunning, -1, one(def(4, 4, O), r(0, 1, gib, 1, N), r(2, 3, gib, 1, N)), 4},
		{"not ready: first after base", policy.TabletNotReady, -1, one(def(0, 5, N), def(6, 6, N)), 6},
		{"not ready without base", policy.TabletNotReady, -1, one(def(3, 5, N), def(6, 6, N)), 3},
		{"stopped", policy.TabletStopped, -1, one(def(0, 5, N), def(6, 6, N)), policy.InvalidCumulativePoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := policy.Tablet{State: tc.state, CumulativePoint: tc.point, Rowsets: tc.rowsets}
			if got := p.CalculateCumulativePoint(&tb, nowMs); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestCalcCumulativeScoreEdges(t *testing.T) {
	cfg := fixtureConfig()
	p := New(&cfg)
	tb := policy.Tablet{CumulativePoint: 2}
	if got := p.CalcCumulativeScore(&tb, nowMs); got != 0 {
		t.Errorf("no rowsets: %d", got)
	}
	tb.Rowsets = one(def(2, 2, O), def(3, 3, O))
	if got := p.CalcCumulativeScore(&tb, nowMs); got != 0 {
		t.Errorf("running without base: %d", got)
	}
	tb.State = policy.TabletNotReady
	if got := p.CalcCumulativeScore(&tb, nowMs); got != 6 {
		t.Errorf("not ready without base: %d, want 6", got)
	}
	// Unsorted rowsets give the same result as sorted ones.
	sorted := policy.Tablet{CumulativePoint: 2, Rowsets: one(r(0, 1, 20*gib, 1, N), r(2, 3, 129*mb, 3, N),
		r(4, 5, 12*mb, 3, N), r(6, 6, 12*mb, 3, O), def(7, 7, U), def(8, 8, U))}
	unsorted := sorted
	unsorted.Rowsets = slices.Clone(sorted.Rowsets)
	slices.Reverse(unsorted.Rowsets)
	if a, b := p.CalcCumulativeScore(&sorted, nowMs), p.CalcCumulativeScore(&unsorted, nowMs); a != 10 || b != 10 {
		t.Errorf("sorted %d, unsorted %d, want 10", a, b)
	}
}

func TestPickNotReadyKeepsRecentVersions(t *testing.T) {
	cfg := fixtureConfig()
	p := New(&cfg)
	// max_version().first = 30: rowsets ending below 20 are skipped, except delete rowsets.
	rowsets := cat(one(r(0, 1, gib, 1, N)), k(2, 29, 1024))
	tb := policy.Tablet{State: policy.TabletNotReady, CumulativePoint: 2, CumulativePromotionSize: 64 * mb, Rowsets: rowsets}
	cands := policy.CumulativeCandidates(&tb, &cfg, nowMs)
	res := p.PickInputRowsets(&tb, cands, 100, 5, false, nowMs)
	if len(res.Input) != 11 || res.Input[0].StartVersion != 20 || res.Score != 11 {
		t.Errorf("got %d inputs from %v, score %d", len(res.Input), res.Input[0].Version(), res.Score)
	}
	// A delete rowset below the threshold is still seen first: it becomes the last delete version.
	tb.Rowsets[4] = del(tb.Rowsets[4]) // [5-5]
	cands = policy.CumulativeCandidates(&tb, &cfg, nowMs)
	res = p.PickInputRowsets(&tb, cands, 100, 5, false, nowMs)
	if res.LastDeleteVersion != (policy.Version{Start: 5, End: 5}) || len(res.Input) != 11 {
		t.Errorf("last delete %v, %d inputs", res.LastDeleteVersion, len(res.Input))
	}
}

func TestPickMinAboveMax(t *testing.T) {
	// The min check runs before the trim: with min > max the result can still be non-empty.
	cfg := fixtureConfig()
	p := New(&cfg)
	tb := policy.Tablet{CumulativePoint: 2, CumulativePromotionSize: 64 * mb,
		Rowsets: cat(base(), one(def(2, 2, O), def(3, 3, O), def(4, 4, O)))}
	cands := policy.CumulativeCandidates(&tb, &cfg, nowMs)
	res := p.PickInputRowsets(&tb, cands, 5, 9, false, nowMs)
	if len(res.Input) != 1 || res.Score != 3 {
		t.Errorf("got %d inputs score %d, want 1 score 3", len(res.Input), res.Score)
	}
}

func TestNewCumulativePoint(t *testing.T) {
	cfg := fixtureConfig()
	p := New(&cfg)
	out := func(start, end, size int64) policy.Rowset { return r(start, end, size, 1, N) }
	tests := []struct {
		name       string
		tablet     policy.Tablet
		output     policy.Rowset
		lastDelete policy.Version
		want       int64
	}{
		{"delete version", policy.Tablet{CumulativePoint: 2, CumulativePromotionSize: 64 * mb}, out(2, 9, 10), policy.Version{Start: 5, End: 5}, 10},
		{"reaches promotion", policy.Tablet{CumulativePoint: 2, CumulativePromotionSize: 64 * mb}, out(2, 9, 64*mb), policy.NoVersion, 10},
		{"below promotion", policy.Tablet{CumulativePoint: 2, CumulativePromotionSize: 64 * mb}, out(2, 9, 64*mb-1), policy.NoVersion, 2},
		{"MoW version count", policy.Tablet{KeysType: policy.UniqueKeys, MergeOnWrite: true, CumulativePoint: 2,
			CumulativePromotionSize: 64 * mb}, out(2, 1003, 10), policy.NoVersion, 1004},
		{"MoW version count not exceeded", policy.Tablet{KeysType: policy.UniqueKeys, MergeOnWrite: true, CumulativePoint: 2,
			CumulativePromotionSize: 64 * mb}, out(2, 1002, 10), policy.NoVersion, 2},
		{"not running", policy.Tablet{State: policy.TabletNotReady, CumulativePoint: 2}, out(2, 9, gib), policy.Version{Start: 5, End: 5}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.NewCumulativePoint(&tc.tablet, nil, tc.output, tc.lastDelete); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
	full := policy.Tablet{CumulativePoint: 2, CumulativePromotionSize: 64 * mb}
	input := one(r(0, 1, 1, 1, N), r(2, 9, 1, 1, N))
	if got := policy.FullCompactionPoint(p, &full, input, out(0, 9, 2)); got != 10 {
		t.Errorf("full compaction point %d, want 10", got)
	}
	if got := p.CompactionLevel(&full, input, out(0, 9, 2)); got != 0 {
		t.Errorf("level %d", got)
	}
	if p.Name() != "size_based" {
		t.Errorf("name %q", p.Name())
	}
}
