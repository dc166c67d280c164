package timeseries

import (
	"fmt"
	"slices"
	"testing"

	"github.com/metahost/metahost/sdk/policy"
)

const (
	mb    = policy.MB
	nowMs = int64(1_700_000_000_000)
	nowS  = nowMs / 1000
	O     = policy.Overlapping
	N     = policy.NonOverlapping
)

// fixtureProps is the SetUp of cumulative_compaction_time_series_policy_test.cpp.
func fixtureProps() policy.TimeSeriesProperties {
	return policy.TimeSeriesProperties{GoalSizeMBytes: 100, FileCountThreshold: 10, TimeThresholdSeconds: 3600,
		EmptyRowsetsThreshold: 5, LevelThreshold: 1}
}

// r builds [start-end]: size bytes, segs segments, overlap ov, created now.
func r(start, end, size, segs int64, ov policy.SegmentsOverlap) policy.Rowset {
	return policy.Rowset{StartVersion: start, EndVersion: end, TotalDiskSize: size, DataDiskSize: size,
		NumSegments: segs, SegmentsOverlap: ov, CreationTime: nowS, RowsetID: fmt.Sprintf("%d-%d", start, end)}
}

// def is the fixture's default rowset: 41 B, 3 segments, NONOVERLAPPING, created now.
func def(start, end int64) policy.Rowset { return r(start, end, 41, 3, N) }

func ov(x policy.Rowset) policy.Rowset { x.SegmentsOverlap = O; return x }

func aged(x policy.Rowset, seconds int64) policy.Rowset { x.CreationTime = nowS - seconds; return x }

func lvl(x policy.Rowset, level int64) policy.Rowset { x.CompactionLevel = level; return x }

func empty(start, end int64) policy.Rowset { return r(start, end, 0, 0, N) }

func one(rs ...policy.Rowset) []policy.Rowset { return rs }

func versions(rs []policy.Rowset) []policy.Version {
	out := make([]policy.Version, 0, len(rs))
	for i := range rs {
		out = append(out, rs[i].Version())
	}
	return out
}

func newTablet(props policy.TimeSeriesProperties, point int64, rowsets []policy.Rowset) policy.Tablet {
	return policy.Tablet{TabletID: 10002, CumulativePoint: point, TimeSeries: props, Rowsets: rowsets}
}

// setup computes the point (when -1) and the candidates, as the Doris tests do.
func setup(t *testing.T, p *Policy, cfg *policy.Config, tb *policy.Tablet) []policy.Rowset {
	t.Helper()
	if pt := p.CalculateCumulativePoint(tb, nowMs); pt != policy.InvalidCumulativePoint {
		tb.CumulativePoint = pt
	}
	return policy.CumulativeCandidates(tb, cfg, nowMs)
}

// Level-threshold 2 (C4, C5 and the level-aware point), derived from §4.4.
func TestLevel2(t *testing.T) {
	props := fixtureProps()
	props.LevelThreshold = 2
	props.TimeThresholdSeconds = 200000 // keeps C3 quiet for 100000 s old rowsets
	old := int64(100000)                // older than MAX_LEVEL2_COMPACTION_TIMEOUT (86400)

	t.Run("C4 level-1 size", func(t *testing.T) {
		cfg := policy.DefaultConfig()
		p := New(&cfg)
		tb := newTablet(props, 2, one(def(0, 1),
			lvl(aged(r(2, 5, 600*mb, 1, N), old), 1), lvl(aged(r(6, 9, 500*mb, 1, N), old), 1), r(10, 10, mb, 1, N)))
		// 600+500 MB >= 10 × 100 MB: the score is the number of level-1 rowsets.
		if got := p.CalcCumulativeScore(&tb, nowMs); got != 2 {
			t.Errorf("score = %d, want 2", got)
		}
		cands := policy.CumulativeCandidates(&tb, &cfg, nowMs)
		res := p.PickInputRowsets(&tb, cands, 10, 5, false, nowMs)
		if got := versions(res.Input); !slices.Equal(got, vs(2, 5, 6, 9)) || res.Rule != policy.RuleLevel1Size {
			t.Fatalf("input %v rule %v", got, res.Rule)
		}
		// Quirk: the score stays the main loop's ([10-10] = 1); transient is the level-1 count.
		if res.Score != 1 || res.Transient != 2 {
			t.Errorf("score %d transient %d, want 1 and 2", res.Score, res.Transient)
		}
		output := lvl(r(2, 9, 1100*mb, 2, N), p.CompactionLevel(&tb, res.Input, r(2, 9, 1100*mb, 2, N)))
		if output.CompactionLevel != 2 {
			t.Errorf("output level %d, want 2", output.CompactionLevel)
		}
		if got := p.NewCumulativePoint(&tb, res.Input, output, res.LastDeleteVersion); got != 10 {
			t.Errorf("new point %d, want 10", got)
		}
	})

	t.Run("goal capped at 2048 MB with L=2", func(t *testing.T) {
		big := props
		big.GoalSizeMBytes = 10000
		cfg := policy.DefaultConfig()
		p := New(&cfg)
		tb := newTablet(big, 2, one(def(0, 1),
			lvl(aged(r(2, 5, 15000*mb, 1, N), old), 1), lvl(aged(r(6, 9, 6000*mb, 1, N), old), 1), r(10, 10, mb, 1, N)))
		// 21000 MB >= 10 × 2048 MB but < 10 × 10000 MB.
		if got := p.CalcCumulativeScore(&tb, nowMs); got != 2 {
			t.Errorf("score = %d, want 2", got)
		}
	})

	t.Run("C5 level-1 age in pick", func(t *testing.T) {
		p5 := fixtureProps()
		p5.LevelThreshold = 2 // T = 3600: level-1 rowsets older than 36000 s qualify
		cfg := policy.DefaultConfig()
		p := New(&cfg)
		tb := newTablet(p5, 2, one(def(0, 1),
			lvl(aged(r(2, 5, 10*mb, 1, N), old), 1), lvl(aged(r(6, 9, 10*mb, 1, N), old), 1), r(10, 10, mb, 1, N)))
		cands := policy.CumulativeCandidates(&tb, &cfg, nowMs)
		res := p.PickInputRowsets(&tb, cands, 10, 5, false, nowMs)
		if got := versions(res.Input); !slices.Equal(got, vs(2, 5, 6, 9)) || res.Rule != policy.RuleLevel1Time {
			t.Errorf("input %v rule %v", got, res.Rule)
		}
		// In the score, C3 (oldest cumulative rowset older than T) always fires before C5.
		if got := p.CalcCumulativeScore(&tb, nowMs); got != 3 {
			t.Errorf("score = %d, want 3 (C3)", got)
		}
	})

	t.Run("young level-1 rowsets are skipped, non-contiguous pick", func(t *testing.T) {
		cfg := policy.DefaultConfig()
		p := New(&cfg)
		tb := newTablet(props, 2, one(def(0, 1),
			lvl(aged(r(2, 5, 600*mb, 1, N), old), 1), lvl(aged(r(6, 9, 900*mb, 1, N), 10), 1),
			lvl(aged(r(10, 13, 500*mb, 1, N), old), 2), r(14, 14, mb, 1, N)))
		cands := policy.CumulativeCandidates(&tb, &cfg, nowMs)
		res := p.PickInputRowsets(&tb, cands, 10, 5, false, nowMs)
		if got := versions(res.Input); !slices.Equal(got, vs(2, 5, 10, 13)) || res.Rule != policy.RuleLevel1Size {
			t.Errorf("input %v rule %v", got, res.Rule)
		}
	})

	t.Run("point stops at a young level-1 rowset", func(t *testing.T) {
		cfg := policy.DefaultConfig()
		p := New(&cfg)
		rowsets := one(def(0, 1), lvl(aged(r(2, 5, mb, 1, N), old), 1), lvl(aged(r(6, 9, mb, 1, N), 10), 1), def(10, 10))
		tb := newTablet(props, -1, rowsets)
		if got := p.CalculateCumulativePoint(&tb, nowMs); got != 6 {
			t.Errorf("L=2 point %d, want 6", got)
		}
		tb.TimeSeries.LevelThreshold = 1
		if got := p.CalculateCumulativePoint(&tb, nowMs); got != 10 {
			t.Errorf("L=1 point %d, want 10", got)
		}
	})

	t.Run("new point waits for level 2", func(t *testing.T) {
		cfg := policy.DefaultConfig()
		p := New(&cfg)
		tb := newTablet(props, 2, nil)
		if got := p.NewCumulativePoint(&tb, nil, lvl(r(2, 9, mb, 1, N), 1), policy.NoVersion); got != 2 {
			t.Errorf("level-1 output moved the point to %d", got)
		}
	})
}

func TestCalculateCumulativePointTimeSeries(t *testing.T) {
	cfg := policy.DefaultConfig()
	p := New(&cfg)
	d := def(2, 2)
	d.HasDeletePredicate = true
	tests := []struct {
		name    string
		state   policy.TabletState
		rowsets []policy.Rowset
		want    int64
	}{
		{"[0-0] is a singleton", policy.TabletRunning, one(def(0, 0), def(1, 1)), 0},
		{"empty compacted rowset", policy.TabletRunning, one(def(0, 1), r(2, 5, 0, 0, N), def(6, 6)), 2},
		{"delete rowsets do not stop it", policy.TabletRunning, one(def(0, 1), d, def(3, 5), def(6, 6)), 6},
		{"hole", policy.TabletRunning, one(def(0, 1), def(3, 5)), 2},
		{"all compacted", policy.TabletRunning, one(def(0, 1), def(2, 5)), 6},
		{"not running", policy.TabletNotReady, one(def(0, 1), def(2, 2)), policy.InvalidCumulativePoint},
		{"no rowsets", policy.TabletRunning, nil, policy.InvalidCumulativePoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTablet(fixtureProps(), -1, tc.rowsets)
			tb.State = tc.state
			if got := p.CalculateCumulativePoint(&tb, nowMs); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
	tb := newTablet(fixtureProps(), 3, one(def(0, 1)))
	if got := p.CalculateCumulativePoint(&tb, nowMs); got != policy.InvalidCumulativePoint {
		t.Errorf("point already set: got %d", got)
	}
}

func TestPickDeleteAndLimits(t *testing.T) {
	cfg := policy.DefaultConfig()
	p := New(&cfg)
	d := def(3, 3)
	d.HasDeletePredicate = true

	tb := newTablet(fixtureProps(), 2, one(def(0, 1), ov(def(2, 2)), d, def(4, 4)))
	cands := policy.CumulativeCandidates(&tb, &cfg, nowMs)
	res := p.PickInputRowsets(&tb, cands, 10, 5, false, nowMs)
	if got := versions(res.Input); !slices.Equal(got, vs(2, 2)) || res.LastDeleteVersion != d.Version() ||
		res.Rule != policy.RuleDelete {
		t.Errorf("overlapping input before a delete: %v %v %v", got, res.LastDeleteVersion, res.Rule)
	}
	tb.Rowsets[1] = def(2, 2) // not overlapping: a single input is dropped
	res = p.PickInputRowsets(&tb, policy.CumulativeCandidates(&tb, &cfg, nowMs), 10, 5, false, nowMs)
	if len(res.Input) != 0 || res.Score != 0 || res.LastDeleteVersion != d.Version() {
		t.Errorf("single non-overlapping input before a delete: %v", res)
	}
	res = p.PickInputRowsets(&tb, policy.CumulativeCandidates(&tb, &cfg, nowMs), 10, 5, true, nowMs)
	if res.LastDeleteVersion != policy.NoVersion {
		t.Errorf("allow_delete must not record a delete version: %v", res.LastDeleteVersion)
	}

	small := cfg
	small.CompactionMaxRowsetCount = 3
	ps := New(&small)
	tb = newTablet(fixtureProps(), 2, one(def(0, 1), def(2, 2), def(3, 3), def(4, 4), def(5, 5)))
	res = ps.PickInputRowsets(&tb, policy.CumulativeCandidates(&tb, &small, nowMs), 10, 5, false, nowMs)
	if len(res.Input) != 3 || res.Rule != policy.RuleMaxRowsetCount {
		t.Errorf("max rowset count: %d inputs rule %v", len(res.Input), res.Rule)
	}

	tb.State = policy.TabletNotReady
	res = p.PickInputRowsets(&tb, policy.CumulativeCandidates(&tb, &cfg, nowMs), 10, 5, false, nowMs)
	if len(res.Input) != 0 || res.Rule != policy.RuleNotReady || res.LastDeleteVersion != policy.NoVersion {
		t.Errorf("not ready: %v", res)
	}
}

func TestScoreEdges(t *testing.T) {
	cfg := policy.DefaultConfig()
	p := New(&cfg)
	tb := newTablet(fixtureProps(), 2, nil)
	if got := p.CalcCumulativeScore(&tb, nowMs); got != 0 {
		t.Errorf("no rowsets: %d", got)
	}
	tb.Rowsets = one(r(2, 2, 200*mb, 1, N))
	if got := p.CalcCumulativeScore(&tb, nowMs); got != 0 {
		t.Errorf("running without base: %d", got)
	}
	tb.Rowsets = one(def(0, 1), r(2, 2, 200*mb, 1, N))
	if got := p.CalcCumulativeScore(&tb, nowMs); got != 1 {
		t.Errorf("C1: %d", got)
	}
	tb.Rowsets[1] = lvl(tb.Rowsets[1], 1) // level-1 size does not count for C1
	if got := p.CalcCumulativeScore(&tb, nowMs); got != 0 {
		t.Errorf("level-1 size counted for C1: %d", got)
	}
}

func TestNewPointAndLevel(t *testing.T) {
	cfg := policy.DefaultConfig()
	p := New(&cfg)
	tb := newTablet(fixtureProps(), 2, nil)
	out := r(2, 9, mb, 1, N)
	if got := p.NewCumulativePoint(&tb, nil, out, policy.NoVersion); got != 10 {
		t.Errorf("L=1: %d", got)
	}
	if got := p.NewCumulativePoint(&tb, nil, empty(2, 9), policy.NoVersion); got != 2 {
		t.Errorf("empty output: %d", got)
	}
	tb.State = policy.TabletNotReady
	if got := p.NewCumulativePoint(&tb, nil, out, policy.NoVersion); got != 2 {
		t.Errorf("not running: %d", got)
	}
	if got := p.CompactionLevel(&tb, one(lvl(def(2, 2), 1)), out); got != 0 {
		t.Errorf("L=1 level: %d", got)
	}
	tb.TimeSeries.LevelThreshold = 2
	if got := p.CompactionLevel(&tb, one(lvl(def(2, 2), 1)), out); got != 0 {
		t.Errorf("not running level: %d", got)
	}
	tb.State = policy.TabletRunning
	if got := p.CompactionLevel(&tb, one(lvl(def(2, 2), 1), def(3, 3)), out); got != 2 {
		t.Errorf("level: %d", got)
	}
	if got := p.CompactionLevel(&tb, nil, out); got != 1 {
		t.Errorf("no input level: %d", got)
	}
	if got := p.CompactionLevel(&tb, one(def(2, 2)), empty(2, 2)); got != 0 {
		t.Errorf("empty output level: %d", got)
	}
	if p.Name() != "time_series" {
		t.Errorf("name %q", p.Name())
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
