package vectors

import (
	"fmt"

	"github.com/metahost/metahost/sdk/policy"
)

const nowS = NowMs / 1000

// tFixtureProps is the SetUp of cumulative_compaction_time_series_policy_test.cpp.
func tFixtureProps() policy.TimeSeriesProperties {
	return policy.TimeSeriesProperties{GoalSizeMBytes: 100, FileCountThreshold: 10, TimeThresholdSeconds: 3600,
		EmptyRowsetsThreshold: 5, LevelThreshold: 1}
}

// tr builds [start-end]: size bytes, segs segments, overlap ov, created now.
func tr(start, end, size, segs int64, ov policy.SegmentsOverlap) policy.Rowset {
	return policy.Rowset{StartVersion: start, EndVersion: end, TotalDiskSize: size, DataDiskSize: size,
		NumSegments: segs, SegmentsOverlap: ov, CreationTime: nowS, RowsetID: fmt.Sprintf("%d-%d", start, end)}
}

// tdef is the fixture's default rowset: 41 B, 3 segments, NONOVERLAPPING, created now.
func tdef(start, end int64) policy.Rowset { return tr(start, end, 41, 3, N) }

func ov(x policy.Rowset) policy.Rowset { x.SegmentsOverlap = O; return x }

func aged(x policy.Rowset, seconds int64) policy.Rowset { x.CreationTime = nowS - seconds; return x }

func lvl(x policy.Rowset, level int64) policy.Rowset { x.CompactionLevel = level; return x }

func tempty(start, end int64) policy.Rowset { return tr(start, end, 0, 0, N) }

func rows(rs ...policy.Rowset) []policy.Rowset { return rs }

// tVectors are T-1..T-5 of spec §7.2 and vectors derived from §4.4 (C1-C6, level threshold 2).
func tVectors() []Vector {
	t2 := rows(tr(0, 1, 100*mb, 3, N), tr(2, 3, 100*mb, 3, N), tr(4, 4, 51*mb, 3, N), tr(5, 5, 51*mb, 3, O), tr(6, 6, 51*mb, 3, N))
	old := int64(100000)
	l2 := tFixtureProps()
	l2.LevelThreshold = 2
	l2.TimeThresholdSeconds = 200000
	l2c5 := tFixtureProps()
	l2c5.LevelThreshold = 2
	mk := func(id string, props policy.TimeSeriesProperties, point int64, rs []policy.Rowset, wantPoint int64, wantCands int,
		wantScore int64, wantInput []policy.Version, wantPick int64, r policy.PickRule) Vector {
		return Vector{ID: id, Policy: policy.NameTimeSeries, Config: policy.DefaultConfig(),
			Tablet:   policy.Tablet{TabletID: 10002, CumulativePoint: point, TimeSeries: props, Rowsets: rs},
			MaxScore: 10, MinScore: 5, WantPoint: wantPoint, WantCands: wantCands, WantPolicyScore: wantScore,
			WantTotal: -1, WantN: len(wantInput), WantScore: wantPick, WantFirst: -1, WantLastEnd: -1,
			WantInput: wantInput, WantRule: rule(r), WantTransient: -1}
	}
	out := []Vector{
		mk("T-1 point overlap", tFixtureProps(), -1, rows(tdef(0, 1), tdef(2, 3), ov(tdef(4, 4)), ov(tdef(5, 5))),
			4, 2, 0, vs(), 0, policy.RuleNone),
		mk("T-2/T-3 point big, goal size", tFixtureProps(), -1, t2, 4, 3, 5, vs(4, 4, 5, 5), 4, policy.RuleGoalSize),
		mk("T-4 normal", tFixtureProps(), -1, rows(tdef(0, 0), tdef(1, 1), ov(tdef(2, 2)), ov(tdef(3, 3)), tdef(4, 4)),
			0, 5, 0, vs(), 0, policy.RuleNone),
		mk("T-5 file count", tFixtureProps(), -1, rows(tr(0, 1, 1*mb, 3, N), tr(2, 3, 2*mb, 3, N), tr(4, 4, 3*mb, 3, O),
			tr(5, 5, 4*mb, 3, O), tr(6, 6, 5*mb, 3, O)), 4, 3, 0, vs(), 0, policy.RuleNone),
		mk("C2 file count reached", tFixtureProps(), -1, rows(tdef(0, 1), ov(tdef(2, 2)), ov(tdef(3, 3)), ov(tdef(4, 4)), tdef(5, 5)),
			2, 4, 10, vs(2, 2, 3, 3, 4, 4, 5, 5), 10, policy.RuleFileCount),
		mk("C3 old rowsets", tFixtureProps(), -1, rows(tdef(0, 1), aged(tdef(2, 2), 3601), tdef(3, 3)),
			2, 2, 2, vs(2, 2, 3, 3), 2, policy.RuleTime),
		mk("C3 boundary: exactly the threshold is not enough", tFixtureProps(), -1,
			rows(tdef(0, 1), aged(tdef(2, 2), 3600), tdef(3, 3)), 2, 2, 0, vs(), 0, policy.RuleNone),
		mk("C6 consecutive empty rowsets", tFixtureProps(), -1, rows(tdef(0, 1), tempty(2, 2), tempty(3, 3), tempty(4, 4),
			tempty(5, 5), tempty(6, 6), tempty(7, 7), tdef(8, 8)),
			2, 7, 7, vs(2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7), 7, policy.RuleEmptyRowsets),
		mk("C6 run at the end does not count", tFixtureProps(), -1, rows(tdef(0, 1), tempty(2, 2), tempty(3, 3), tempty(4, 4),
			tempty(5, 5), tempty(6, 6), tempty(7, 7)), 2, 6, 0, vs(), 0, policy.RuleNone),
		mk("C1 skips a single big non-overlapping rowset", tFixtureProps(), 2,
			rows(tdef(0, 1), tr(2, 2, 150*mb, 3, N), tdef(3, 3), ov(tdef(4, 4))), 2, 3, 5, vs(), 0, policy.RuleNone),
		mk("skip merged rowsets before the first singleton", tFixtureProps(), 2,
			rows(tdef(0, 1), aged(tr(2, 5, 90*mb, 3, N), 7200), tr(6, 6, 20*mb, 3, N), tr(7, 7, 20*mb, 3, N)),
			2, 3, 3, vs(), 0, policy.RuleNone),
		mk("C5 level-1 age (L=2)", l2c5, 2, rows(tdef(0, 1), lvl(aged(tr(2, 5, 10*mb, 1, N), old), 1),
			lvl(aged(tr(6, 9, 10*mb, 1, N), old), 1), tr(10, 10, mb, 1, N)), 2, 3, 3, vs(2, 5, 6, 9), 1, policy.RuleLevel1Time),
		mk("young level-1 rowsets are skipped, non-contiguous pick (L=2)", l2, 2, rows(tdef(0, 1),
			lvl(aged(tr(2, 5, 600*mb, 1, N), old), 1), lvl(aged(tr(6, 9, 900*mb, 1, N), 10), 1),
			lvl(aged(tr(10, 13, 500*mb, 1, N), old), 2), tr(14, 14, mb, 1, N)), 2, 4, -1, vs(2, 5, 10, 13), 1, policy.RuleLevel1Size),
	}
	c4 := mk("C4 level-1 size (L=2), output level 2 moves the point", l2, 2, rows(tdef(0, 1),
		lvl(aged(tr(2, 5, 600*mb, 1, N), old), 1), lvl(aged(tr(6, 9, 500*mb, 1, N), old), 1), tr(10, 10, mb, 1, N)),
		2, 3, 2, vs(2, 5, 6, 9), 1, policy.RuleLevel1Size)
	c4.WantTransient = 2
	c4.Output, c4.WantOutputLevel, c4.WantNewPoint = tr(2, 9, 1100*mb, 2, N), 2, 10
	return append(out, c4)
}
