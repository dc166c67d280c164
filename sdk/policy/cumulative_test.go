package policy_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/sizebased"
	"github.com/metahost/metahost/sdk/policy/timeseries"
)

const (
	mb    = policy.MB
	nowMs = int64(1_700_000_000_000)
	day   = int64(86400 * 1000)
)

func r(start, end, size, segs int64, ov policy.SegmentsOverlap) policy.Rowset {
	return policy.Rowset{StartVersion: start, EndVersion: end, TotalDiskSize: size, DataDiskSize: size,
		NumSegments: segs, SegmentsOverlap: ov, CreationTime: nowMs / 1000, RowsetID: fmt.Sprintf("%d-%d", start, end)}
}

func versions(rs []policy.Rowset) []policy.Version {
	out := make([]policy.Version, 0, len(rs))
	for i := range rs {
		out = append(out, rs[i].Version())
	}
	return out
}

func fixtureConfig() policy.Config {
	c := policy.DefaultConfig()
	c.CompactionPromotionMinSizeMBytes = 64
	return c
}

func TestPickCumulativeDriver(t *testing.T) {
	N, O := policy.NonOverlapping, policy.Overlapping
	deleted := r(2, 2, 41, 1, N)
	deleted.HasDeletePredicate = true
	tests := []struct {
		name         string
		tablet       policy.Tablet
		env          policy.Env
		wantStatus   policy.Status
		wantInput    []policy.Version
		wantPoint    int64
		wantStall    bool
		wantMissing  int
		wantCumuMs   int64
		wantBaseMs   int64
		wantMaxScore int64
	}{
		{
			name:       "no rowsets",
			tablet:     policy.Tablet{CumulativePoint: -1},
			env:        policy.Env{NowMs: nowMs},
			wantStatus: policy.Status{Code: policy.CodeCumulativeNoSuitableVersion, Msg: "candidate_rowsets is empty"},
			wantPoint:  -1,
		},
		{
			name: "point calculated, overlapping rowsets compacted",
			tablet: policy.Tablet{CumulativePoint: -1, Rowsets: []policy.Rowset{r(0, 1, 10*mb, 1, N),
				r(2, 2, 41, 3, O), r(3, 3, 41, 3, O)}},
			env:          policy.Env{NowMs: nowMs},
			wantStatus:   policy.StatusOK,
			wantInput:    vs(2, 2, 3, 3),
			wantPoint:    2,
			wantMaxScore: 1000,
		},
		{
			name: "delete at the head moves the point",
			tablet: policy.Tablet{CumulativePoint: 2, Rowsets: []policy.Rowset{r(0, 1, 10*mb, 1, N),
				deleted, r(3, 3, 41, 1, N)}},
			env:          policy.Env{NowMs: nowMs, MemoryPressure: true},
			wantStatus:   policy.Status{Code: policy.CodeCumulativeMeetDeleteVersion, Msg: "cumulative compaction meet delete version"},
			wantPoint:    3,
			wantMaxScore: 100,
		},
		{
			name: "nothing to do: success times initialised",
			tablet: policy.Tablet{CumulativePoint: 2, Rowsets: []policy.Rowset{r(0, 1, 10*mb, 1, N),
				r(2, 2, 41, 1, N), r(3, 3, 41, 1, N)}},
			env:          policy.Env{NowMs: nowMs},
			wantStatus:   policy.Status{Code: policy.CodeCumulativeNoSuitableVersion, Msg: "_input_rowsets is empty"},
			wantPoint:    2,
			wantCumuMs:   nowMs,
			wantBaseMs:   nowMs,
			wantMaxScore: 1000,
		},
		{
			name: "stall breaker pushes the point to the last start + 1",
			tablet: policy.Tablet{CumulativePoint: 2, LastCumuSuccessMs: nowMs - day - 1, Rowsets: []policy.Rowset{
				r(0, 1, 10*mb, 1, N), r(2, 2, 41, 1, N), r(3, 4, 41, 1, N)}},
			env:          policy.Env{NowMs: nowMs},
			wantStatus:   policy.Status{Code: policy.CodeCumulativeNoSuitableVersion, Msg: "_input_rowsets is empty"},
			wantPoint:    4,
			wantStall:    true,
			wantCumuMs:   nowMs - day - 1,
			wantMaxScore: 1000,
		},
		{
			name: "stall breaker not yet due",
			tablet: policy.Tablet{CumulativePoint: 2, LastCumuSuccessMs: nowMs - day - 1, LastBaseSuccessMs: nowMs - day,
				Rowsets: []policy.Rowset{r(0, 1, 10*mb, 1, N), r(2, 2, 41, 1, N), r(3, 4, 41, 1, N)}},
			env:          policy.Env{NowMs: nowMs},
			wantStatus:   policy.Status{Code: policy.CodeCumulativeNoSuitableVersion, Msg: "_input_rowsets is empty"},
			wantPoint:    2,
			wantCumuMs:   nowMs - day - 1,
			wantBaseMs:   nowMs - day,
			wantMaxScore: 1000,
		},
		{
			name: "stall breaker compacts everything when one overlaps",
			tablet: policy.Tablet{CumulativePoint: 2, LastBaseSuccessMs: nowMs - 2*day, Rowsets: []policy.Rowset{
				r(0, 1, 10*mb, 1, N), r(2, 2, 41, 2, O), r(3, 3, 41, 1, N)}},
			env:          policy.Env{NowMs: nowMs},
			wantStatus:   policy.StatusOK,
			wantInput:    vs(2, 2, 3, 3),
			wantPoint:    2,
			wantStall:    true,
			wantBaseMs:   nowMs - 2*day,
			wantMaxScore: 1000,
		},
		{
			name: "longest consecutive run",
			tablet: policy.Tablet{CumulativePoint: 2, Rowsets: []policy.Rowset{r(0, 1, 10*mb, 1, N),
				r(2, 2, 41, 3, O), r(4, 4, 41, 3, O), r(5, 5, 41, 3, O)}},
			env:          policy.Env{NowMs: nowMs},
			wantStatus:   policy.StatusOK,
			wantInput:    vs(4, 4, 5, 5),
			wantPoint:    2,
			wantMissing:  1,
			wantMaxScore: 1000,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fixtureConfig()
			p := sizebased.New(&cfg)
			tb := tc.tablet
			p.CalcCumulativeScore(&tb, tc.env.NowMs) // the scheduler's scoring warms the promotion cache
			res := policy.PickCumulative(p, &tb, &cfg, tc.env)
			if res.Status != tc.wantStatus {
				t.Errorf("status %v, want %v", res.Status, tc.wantStatus)
			}
			if got := versions(res.Input); !slices.Equal(got, tc.wantInput) && !(len(got) == 0 && tc.wantInput == nil) {
				t.Errorf("input %v, want %v", got, tc.wantInput)
			}
			if res.CumulativePoint != tc.wantPoint || tb.CumulativePoint != tc.wantPoint {
				t.Errorf("point %d (tablet %d), want %d", res.CumulativePoint, tb.CumulativePoint, tc.wantPoint)
			}
			if res.StallBreaker != tc.wantStall {
				t.Errorf("stall breaker %v", res.StallBreaker)
			}
			if len(res.Missing) != tc.wantMissing {
				t.Errorf("missing %v", res.Missing)
			}
			if tb.LastCumuSuccessMs != tc.wantCumuMs || tb.LastBaseSuccessMs != tc.wantBaseMs {
				t.Errorf("success times %d/%d, want %d/%d", tb.LastCumuSuccessMs, tb.LastBaseSuccessMs, tc.wantCumuMs, tc.wantBaseMs)
			}
			if res.MaxScore != tc.wantMaxScore {
				t.Errorf("max score %d, want %d", res.MaxScore, tc.wantMaxScore)
			}
			if res.Status.IsOK() && res.Score != policy.SumScore(res.Input) {
				t.Errorf("score %d != %d", res.Score, policy.SumScore(res.Input))
			}
		})
	}
}

func TestSetCumulativePoint(t *testing.T) {
	tb := policy.Tablet{CumulativePoint: -1}
	for _, step := range []struct {
		point int64
		ok    bool
		want  int64
	}{{5, true, 5}, {3, false, 5}, {5, true, 5}, {9, true, 9}, {-1, true, -1}, {2, true, 2}} {
		if ok := policy.SetCumulativePoint(&tb, step.point); ok != step.ok || tb.CumulativePoint != step.want {
			t.Errorf("set %d: ok=%v point=%d, want %v %d", step.point, ok, tb.CumulativePoint, step.ok, step.want)
		}
	}
}

func TestScoreTablets(t *testing.T) {
	cfg := policy.DefaultConfig()
	N, O := policy.NonOverlapping, policy.Overlapping
	deleted := r(2, 2, 41, 1, N)
	deleted.HasDeletePredicate = true
	tablets := []policy.Tablet{
		{TabletID: 1, CumulativePoint: 3, Rowsets: []policy.Rowset{r(0, 1, 10*mb, 1, N), deleted, r(3, 3, 41, 4, O)}},
		{TabletID: 2, CumulativePoint: 2, Rowsets: []policy.Rowset{r(0, 1, 10*mb, 1, N), r(2, 2, 41, 1, N)}},
	}
	got := policy.ScoreTablets(sizebased.New(&cfg), tablets, nowMs, nil)
	want := []policy.TabletScores{{TabletID: 1, Total: 6, Cumulative: 4, Base: 2}, {TabletID: 2, Total: 2, Cumulative: 1, Base: 1}}
	if !slices.Equal(got, want) {
		t.Errorf("size_based: %+v, want %+v", got, want)
	}
	got = policy.ScoreTablets(timeseries.New(&cfg), tablets, nowMs, got[:0])
	want = []policy.TabletScores{{TabletID: 1, Total: 6, Cumulative: 0, Base: 2}, {TabletID: 2, Total: 2, Cumulative: 0, Base: 0}}
	if !slices.Equal(got, want) {
		t.Errorf("time_series: %+v, want %+v", got, want)
	}
	scores := policy.CumulativeScores(sizebased.New(&cfg), tablets, nowMs, make([]int64, 0, 8))
	if !slices.Equal(scores, []int64{4, 1}) {
		t.Errorf("cumulative scores %v", scores)
	}
}

// vs builds versions from start,end pairs.
func vs(pairs ...int64) []policy.Version {
	var out []policy.Version
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, policy.Version{Start: pairs[i], End: pairs[i+1]})
	}
	return out
}
