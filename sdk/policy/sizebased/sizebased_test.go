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

type sVector struct {
	id          string
	rowsets     []policy.Rowset
	max, min    int64
	allowDelete bool

	wantPoint      int64
	wantCands      int // -1: not asserted
	wantN          int
	wantScore      int64
	wantFirst      int64 // start of the first input, -1: not asserted
	wantLastEnd    int64 // end of the last input, -1: not asserted
	wantLastDelete policy.Version
	wantPromotion  int64 // 0: not asserted
	wantTotal      int64 // tablet total score, -1: not asserted
	wantPolicy     int64 // calc_cumulative_compaction_score, -1: not asserted
}

// sVectors are the SIZE_BASED test vectors S-1..S-20 of spec §7.1 (S-11 is TestLevel).
func sVectors() []sVector {
	none := policy.NoVersion
	return []sVector{
		{id: "S-1 pick_input_rowsets_normal",
			rowsets: one(def(0, 0, U), def(1, 1, U), def(2, 2, U), def(3, 3, U), def(4, 4, U)), max: 10, min: 5,
			wantPoint: 0, wantCands: 5, wantN: 3, wantScore: 9, wantFirst: 0, wantLastEnd: 2, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-2 calc_cumulative_compaction_score",
			rowsets: one(def(0, 0, U), def(1, 1, U), def(2, 2, U), def(3, 3, U), def(4, 4, U)), max: 10, min: 5,
			wantPoint: 0, wantCands: 5, wantN: 3, wantScore: 9, wantFirst: -1, wantLastEnd: -1, wantLastDelete: none,
			wantPromotion: 67108864, wantTotal: 15, wantPolicy: 15},
		{id: "S-3 big base",
			rowsets: one(r(0, 1, gib, 3, N), r(2, 3, 65*mb, 3, N), def(4, 5, N), def(6, 6, O), def(7, 7, U)), max: 10, min: 5,
			wantPoint: 4, wantCands: 3, wantN: 3, wantScore: 7, wantFirst: 4, wantLastEnd: 7, wantLastDelete: none,
			wantPromotion: 64 * mb, wantTotal: 9, wantPolicy: 7},
		{id: "S-4 calculate_cumulative_point_overlap",
			rowsets: one(def(0, 1, N), def(2, 3, N), def(4, 4, O), def(5, 5, O)), max: 10, min: 5,
			wantPoint: 2, wantCands: 3, wantN: 3, wantScore: 7, wantFirst: 2, wantLastEnd: 5, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-5 promotion",
			rowsets: one(r(0, 1, gib, 3, N), r(2, 3, 65*mb, 3, N), def(4, 5, N), r(6, 6, 65*mb, 3, O)), max: 10, min: 5,
			wantPoint: 4, wantCands: 2, wantN: 2, wantScore: 4, wantFirst: 4, wantLastEnd: 6, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-6 not same level",
			rowsets: one(r(0, 1, 20*gib, 3, N), r(2, 3, 129*mb, 3, N), r(4, 5, 12*mb, 3, N), r(6, 6, 12*mb, 3, O),
				def(7, 7, U), def(8, 8, U)), max: 10, min: 5,
			wantPoint: 2, wantCands: 5, wantN: 4, wantScore: 10, wantFirst: 4, wantLastEnd: 8, wantLastDelete: none,
			wantPromotion: 1073741824, wantTotal: -1, wantPolicy: 10},
		{id: "S-7 pick empty",
			rowsets: one(r(0, 1, 20*gib, 3, N), r(2, 3, 257*mb, 3, N), r(4, 5, 129*mb, 3, N), def(6, 6, O)), max: 10, min: 5,
			wantPoint: 2, wantCands: 3, wantN: 0, wantScore: 0, wantFirst: -1, wantLastEnd: -1, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-8 not reach min",
			rowsets: one(r(0, 1, 20*gib, 3, N), r(2, 3, 257*mb, 3, N), r(4, 5, mb, 1, N), r(6, 6, mb, 1, O), r(7, 7, mb, 1, O)),
			max:     10, min: 5,
			wantPoint: 2, wantCands: 4, wantN: 0, wantScore: 0, wantFirst: -1, wantLastEnd: -1, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-9 delete, allow_delete=true",
			rowsets: one(def(0, 1, N), def(2, 3, N), def(4, 4, O), del(def(5, 5, U)), def(6, 6, O)), max: 10, min: 5,
			allowDelete: true,
			wantPoint:   2, wantCands: 4, wantN: 4, wantScore: 10, wantFirst: 2, wantLastEnd: 6, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-10 delete, allow_delete=false",
			rowsets: one(def(0, 1, N), def(2, 3, N), def(4, 4, O), del(def(5, 5, U)), def(6, 6, O)), max: 10, min: 5,
			wantPoint: 2, wantCands: 4, wantN: 2, wantScore: 4, wantFirst: 2, wantLastEnd: 4, wantLastDelete: policy.Version{Start: 5, End: 5},
			wantTotal: -1, wantPolicy: -1},
		{id: "S-12 trim from back", rowsets: cat(base(), k(2, 150, mb)), max: 100, min: 5,
			wantPoint: 2, wantCands: 150, wantN: 100, wantScore: 100, wantFirst: 2, wantLastEnd: 101, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-13 exactly max", rowsets: cat(base(), k(2, 100, mb)), max: 100, min: 5,
			wantPoint: 2, wantCands: 100, wantN: 100, wantScore: 100, wantFirst: 2, wantLastEnd: 101, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-14 one above max", rowsets: cat(base(), k(2, 101, mb)), max: 100, min: 5,
			wantPoint: 2, wantCands: 101, wantN: 100, wantScore: 100, wantFirst: 2, wantLastEnd: 101, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-15 single high score", rowsets: cat(base(), one(r(2, 2, 100*mb, 150, O))), max: 100, min: 5,
			wantPoint: 2, wantCands: 1, wantN: 1, wantScore: 150, wantFirst: 2, wantLastEnd: 2, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-16 fallback all removed",
			rowsets: cat(base(), one(r(2, 2, 40*mb, 50, O), r(3, 3, 15*mb, 30, O), r(4, 4, 5*mb, 25, O))), max: 100, min: 5,
			wantPoint: 2, wantCands: 3, wantN: 1, wantScore: 50, wantFirst: 2, wantLastEnd: 2, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-17 fallback score below max (base 20GiB)",
			rowsets: one(r(0, 1, 20*gib, 1, N), r(2, 2, 200*mb, 30, O), r(3, 3, 100*mb, 20, O)), max: 100, min: 5,
			wantPoint: 2, wantCands: 2, wantN: 0, wantScore: 0, wantFirst: -1, wantLastEnd: -1, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-18 fallback no high score",
			rowsets: cat(base(), one(r(2, 2, 40*mb, 1, N), r(3, 3, 15*mb, 1, N), r(4, 4, 5*mb, 1, N), r(5, 5, mb, 1, N))),
			max:     3, min: 1,
			wantPoint: 2, wantCands: 4, wantN: 3, wantScore: 3, wantFirst: 2, wantLastEnd: 4, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-19 fallback no overlapping",
			rowsets: cat(base(), one(r(2, 2, 40*mb, 1, O), r(3, 3, 15*mb, 1, O), r(4, 4, 5*mb, 1, O)), k(5, 100, 10*1024)),
			max:     100, min: 5,
			wantPoint: 2, wantCands: 103, wantN: 100, wantScore: 100, wantFirst: 5, wantLastEnd: 104, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-20 trim after promotion", rowsets: cat(base(), k(2, 200, mb)), max: 100, min: 5,
			wantPoint: 2, wantCands: 200, wantN: 100, wantScore: 100, wantFirst: 2, wantLastEnd: 101, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
	}
}

func TestSizeBasedVectors(t *testing.T) {
	for _, v := range sVectors() {
		t.Run(v.id, func(t *testing.T) {
			cfg := fixtureConfig()
			p := New(&cfg)
			tb := policy.Tablet{TabletID: 10001, CumulativePoint: policy.InvalidCumulativePoint, Rowsets: v.rowsets}

			point := p.CalculateCumulativePoint(&tb, nowMs)
			if point != v.wantPoint {
				t.Fatalf("point = %d, want %d", point, v.wantPoint)
			}
			tb.CumulativePoint = point
			if v.wantTotal >= 0 {
				if got := policy.TotalScore(&tb); got != v.wantTotal {
					t.Errorf("tablet total score = %d, want %d", got, v.wantTotal)
				}
			}
			if v.wantPolicy >= 0 {
				if got := p.CalcCumulativeScore(&tb, nowMs); got != v.wantPolicy {
					t.Errorf("policy score = %d, want %d", got, v.wantPolicy)
				}
			}
			if v.wantPromotion != 0 && tb.CumulativePromotionSize != v.wantPromotion {
				t.Errorf("promotion = %d, want %d", tb.CumulativePromotionSize, v.wantPromotion)
			}

			cands := policy.CumulativeCandidates(&tb, &cfg, nowMs)
			if v.wantCands >= 0 && len(cands) != v.wantCands {
				t.Fatalf("candidates = %d, want %d", len(cands), v.wantCands)
			}
			res := p.PickInputRowsets(&tb, cands, v.max, v.min, v.allowDelete, nowMs)
			if len(res.Input) != v.wantN || res.Score != v.wantScore {
				t.Errorf("picked %d rowsets score %d, want %d score %d (rule %v)", len(res.Input), res.Score, v.wantN, v.wantScore, res.Rule)
			}
			if res.LastDeleteVersion != v.wantLastDelete {
				t.Errorf("last delete = %v, want %v", res.LastDeleteVersion, v.wantLastDelete)
			}
			if v.wantFirst >= 0 && (len(res.Input) == 0 || res.Input[0].StartVersion != v.wantFirst) {
				t.Errorf("first input start wrong: %v", res.Input)
			}
			if v.wantLastEnd >= 0 && (len(res.Input) == 0 || res.Input[len(res.Input)-1].EndVersion != v.wantLastEnd) {
				t.Errorf("last input end wrong")
			}
			if got := policy.SumScore(res.Input); got != res.Score {
				t.Errorf("score %d differs from the inputs' score %d", res.Score, got)
			}
		})
	}
}

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
