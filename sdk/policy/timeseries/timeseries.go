// Package timeseries implements Doris' TIME_SERIES cumulative compaction policy
// (TimeSeriesCumulativeCompactionPolicy, spec §4.4): compaction is triggered by the goal size
// (C1), the file count (C2), the age of the inputs (C3), with level_threshold >= 2 by level-1
// merges into level 2 (C4 size, C5 age), and by runs of consecutive empty rowsets (C6).
//
// The per-table settings come from Tablet.TimeSeries (time_series_compaction_* properties); the
// policy itself only captures compaction_max_rowset_count and the candidate-visibility settings.
package timeseries

import (
	"github.com/metahost/metahost/sdk/policy"
)

// MaxLevel2CompactionTimeout is MAX_LEVEL2_COMPACTION_TIMEOUT: a level-1 rowset younger than this
// (seconds) is not merged into level 2 yet.
const MaxLevel2CompactionTimeout int64 = 24 * 60 * 60

// MaxLevel1CompactionGoalSizeMBytes is MAX_LEVEL1_COMPACTION_GOAL_SIZE: with level_threshold >= 2
// the goal size is capped at this many MiB.
const MaxLevel1CompactionGoalSizeMBytes int64 = 2 * 1024

// Policy is the TIME_SERIES policy; the zero value is not usable, call New.
type Policy struct {
	cfg policy.Config
}

var _ policy.Policy = (*Policy)(nil)

// New returns the policy; it keeps a copy of cfg (compaction_max_rowset_count and the
// compaction_keep_invisible_version_* settings used to build candidates).
func New(cfg *policy.Config) *Policy { return &Policy{cfg: *cfg} }

// Name returns "time_series".
func (p *Policy) Name() string { return policy.NameTimeSeries }

// params are the per-tablet settings, in bytes and seconds.
type params struct {
	goalBytes, fileCount, timeThreshold, emptyThreshold, level int64
}

func tabletParams(t *policy.Tablet) params {
	pr := t.TimeSeries.WithDefaults()
	goal := pr.GoalSizeMBytes
	if pr.LevelThreshold >= 2 {
		goal = min(goal, MaxLevel1CompactionGoalSizeMBytes)
	}
	return params{
		goalBytes:      goal * policy.MB,
		fileCount:      pr.FileCountThreshold,
		timeThreshold:  pr.TimeThresholdSeconds,
		emptyThreshold: pr.EmptyRowsetsThreshold,
		level:          pr.LevelThreshold,
	}
}

// seconds converts unix milliseconds to time(NULL) seconds.
func seconds(nowMs int64) int64 {
	q := nowMs / 1000
	if nowMs%1000 != 0 && nowMs < 0 {
		q--
	}
	return q
}

// youngLevel1 reports whether rs is a level-1 rowset too young to merge into level 2.
func youngLevel1(rs *policy.Rowset, nowS int64) bool {
	return rs.CompactionLevel == 1 && nowS-rs.CreationTime <= MaxLevel2CompactionTimeout
}

// CalculateCumulativePoint is calculate_cumulative_point (§4.4), for RUNNING tablets whose point
// is -1: walking by start version, the point stops at a hole, at an overlapping rowset, at a
// singleton (not yet compacted) rowset, at an empty compacted rowset, and with level_threshold >= 2
// at a young level-1 rowset. Delete rowsets never stop it.
func (p *Policy) CalculateCumulativePoint(t *policy.Tablet, nowMs int64) int64 {
	if t.CumulativePoint != policy.InvalidCumulativePoint || len(t.Rowsets) == 0 ||
		t.State != policy.TabletRunning {
		return policy.InvalidCumulativePoint
	}
	level := t.TimeSeries.WithDefaults().LevelThreshold
	nowS := seconds(nowMs)
	rss := policy.OrderedByStart(t.Rowsets)
	point, prev := policy.InvalidCumulativePoint, int64(-1)
	for i := range rss {
		rs := &rss[i]
		if rs.StartVersion > prev+1 {
			break // a hole
		}
		if !rs.HasDeletePredicate {
			switch {
			case rs.IsOverlapping(),
				rs.IsSingleton(),
				rs.StartVersion != 0 && rs.NumSegments == 0,
				level >= 2 && youngLevel1(rs, nowS):
				return rs.StartVersion
			}
		}
		prev = rs.EndVersion
		point = prev + 1
	}
	return point
}

// CalcCumulativeScore is calc_cumulative_compaction_score (§4.4): the score of the local rowsets
// ending at or after the point when C1 (level-0 size >= goal), C2 (level-0 score >= file count)
// or C3 (oldest such rowset older than the time threshold) holds; with level_threshold >= 2 the
// number of mergeable level-1 rowsets when C4 or C5 holds; the score again when C6 (consecutive
// empty candidates) holds; else 0. It allocates nothing when t.Rowsets is ordered by end version.
func (p *Policy) CalcCumulativeScore(t *policy.Tablet, nowMs int64) int64 {
	point := t.CumulativePoint
	var score, level0Score, level0Size int64
	earliest := int64(1<<63 - 1)
	haveRowsets, baseExists := false, false
	for i := range t.Rowsets {
		rs := &t.Rowsets[i]
		if rs.StartVersion < 1<<63-1 {
			haveRowsets = true
		}
		if rs.StartVersion == 0 {
			baseExists = true
		}
		if rs.EndVersion < point || rs.Remote {
			continue
		}
		s := rs.Score()
		score += s
		if rs.CompactionLevel == 0 {
			level0Size += rs.TotalDiskSize
			level0Score += s
		}
		earliest = min(earliest, rs.CreationTime)
	}
	if !haveRowsets {
		return 0
	}
	if !baseExists && t.State == policy.TabletRunning {
		return 0
	}
	pr := tabletParams(t)
	if level0Size >= pr.goalBytes { // C1
		return score
	}
	if level0Score >= pr.fileCount { // C2
		return score
	}
	nowS := seconds(nowMs)
	if earliest < nowS && nowS-earliest > pr.timeThreshold && score > 0 { // C3
		return score
	}
	if pr.level >= 2 {
		var count, size int64
		earliestLevel1 := int64(1<<63 - 1)
		ordered := policy.OrderedByEnd(t.Rowsets)
		for i := range ordered {
			rs := &ordered[i]
			if rs.EndVersion < point || rs.Remote || rs.CompactionLevel == 0 {
				continue // not a "checked" rowset
			}
			if youngLevel1(rs, nowS) {
				continue
			}
			count++
			size += rs.TotalDiskSize
			if count >= 2 && size >= pr.goalBytes*10 { // C4
				return count
			}
			earliestLevel1 = min(earliestLevel1, rs.CreationTime)
		}
		if count >= 2 && nowS-earliestLevel1 > pr.timeThreshold*10 { // C5
			return count
		}
	}
	if policy.HasConsecutiveEmptyCandidates(t, &p.cfg, nowMs, pr.emptyThreshold) { // C6
		return score
	}
	return 0
}

// PickInputRowsets is pick_input_rowsets (§4.4). maxScore and minScore are ignored, as in Doris.
// Two quirks are kept: for C4/C5 the reported Score stays the score accumulated by the main loop,
// and for C6 the input is the empty run while Score is not reset and Transient is 0.
func (p *Policy) PickInputRowsets(t *policy.Tablet, cands []policy.Rowset, _, _ int64,
	allowDelete bool, nowMs int64) policy.PickResult {
	res := policy.PickResult{LastDeleteVersion: policy.NoVersion}
	if t.State == policy.TabletNotReady {
		res.Rule = policy.RuleNotReady
		return res
	}
	pr := tabletParams(t)
	nowS := seconds(nowMs)

	// Skip rowsets already merged elsewhere (single-replica fetch): start at the first singleton
	// or empty rowset.
	from := len(cands)
	for i := range cands {
		if cands[i].IsSingleton() || cands[i].NumSegments == 0 {
			from = i
			break
		}
	}
	start, n := 0, 0
	var total int64
	input := func() []policy.Rowset { return cands[start : start+n : start+n] }
	for i := from; i < len(cands); i++ {
		rs := &cands[i]
		if !allowDelete && rs.HasDeletePredicate {
			res.LastDeleteVersion = rs.Version()
			if n > 0 {
				break
			}
			res.Score, res.Transient, total = 0, 0, 0
			continue
		}
		if n == 0 {
			start = i
		}
		res.Score += rs.Score()
		total += rs.TotalDiskSize
		res.Transient++
		n++
		if total >= pr.goalBytes { // C1
			if n == 1 && !rs.IsOverlapping() {
				n, res.Score, total = 0, 0, 0 // a single non-overlapping rowset: skip it
				continue
			}
			res.Input, res.Rule = input(), policy.RuleGoalSize
			return res
		} else if uint64(res.Score) >= uint64(p.cfg.CompactionMaxRowsetCount) {
			res.Input, res.Rule = input(), policy.RuleMaxRowsetCount
			return res
		}
	}

	if res.LastDeleteVersion.Start != -1 {
		if n == 1 && !cands[start].IsOverlapping() {
			n, res.Score = 0, 0
		}
		if n > 0 {
			res.Input = input()
		}
		res.Rule = policy.RuleDelete
		return res
	}
	if uint64(res.Score) >= uint64(pr.fileCount) { // C2
		if n > 0 {
			res.Input = input()
		}
		res.Rule = policy.RuleFileCount
		return res
	}
	if n > 0 && nowS-cands[start].CreationTime > pr.timeThreshold && res.Transient > 0 { // C3
		res.Input, res.Rule = input(), policy.RuleTime
		return res
	}

	if pr.level >= 2 {
		if lvl1, rule := pickLevel1(cands, pr, nowS); rule != policy.RuleNone {
			res.Input, res.Transient, res.Rule = lvl1, len(lvl1), rule
			return res
		}
	}

	if run := policy.ConsecutiveEmptyRun(cands, pr.emptyThreshold); run != nil { // C6
		res.Input, res.Transient, res.Rule = run, 0, policy.RuleEmptyRowsets
		return res
	}
	res.Score, res.Transient, res.Rule = 0, 0, policy.RuleNone
	return res
}

// pickLevel1 is the level-1 → level-2 selection of pick_input_rowsets: from the first candidate,
// up to the first level-0 rowset, every rowset except young level-1 ones; C4 when at least two of
// them reach 10 × goal size (checked after each), C5 when at least two and the first is older than
// 10 × time threshold. It returns RuleNone when neither holds.
func pickLevel1(cands []policy.Rowset, pr params, nowS int64) ([]policy.Rowset, policy.PickRule) {
	first, last := -1, -1
	contiguous := true
	var count, size int64
	collect := func(upTo int) []policy.Rowset {
		if contiguous {
			return cands[first : last+1 : last+1]
		}
		out := make([]policy.Rowset, 0, count)
		for j := first; j <= upTo; j++ {
			if cands[j].CompactionLevel != 0 && !youngLevel1(&cands[j], nowS) {
				out = append(out, cands[j])
			}
		}
		return out
	}
	for j := range cands {
		rs := &cands[j]
		if rs.CompactionLevel == 0 {
			break
		}
		if youngLevel1(rs, nowS) {
			continue
		}
		if first < 0 {
			first = j
		} else if j != last+1 {
			contiguous = false
		}
		last = j
		count++
		size += rs.TotalDiskSize
		if count >= 2 && size >= pr.goalBytes*10 { // C4
			return collect(j), policy.RuleLevel1Size
		}
	}
	if count >= 2 && nowS-cands[first].CreationTime > pr.timeThreshold*10 { // C5
		return collect(last), policy.RuleLevel1Time
	}
	return nil, policy.RuleNone
}

// NewCumulativePoint is update_cumulative_point (§4.4) returned as a value: output.end+1 for a
// RUNNING tablet and a non-empty output, except with level_threshold >= 2 when the output is
// below level 2; otherwise t.CumulativePoint.
func (p *Policy) NewCumulativePoint(t *policy.Tablet, _ []policy.Rowset, output policy.Rowset,
	_ policy.Version) int64 {
	if t.State != policy.TabletRunning || output.NumSegments == 0 {
		return t.CumulativePoint
	}
	if t.TimeSeries.WithDefaults().LevelThreshold >= 2 && output.CompactionLevel < 2 {
		return t.CumulativePoint
	}
	return output.EndVersion + 1
}

// CompactionLevel is get_compaction_level (§4.4): 0 when level_threshold < 2, the tablet is not
// RUNNING or the output is empty; otherwise the level of the first input plus one (a mismatch
// among the inputs is only logged by Doris).
func (p *Policy) CompactionLevel(t *policy.Tablet, input []policy.Rowset, output policy.Rowset) int64 {
	if t.TimeSeries.WithDefaults().LevelThreshold < 2 {
		return 0
	}
	if t.State != policy.TabletRunning || output.NumSegments == 0 {
		return 0
	}
	if len(input) == 0 {
		return 1
	}
	return input[0].CompactionLevel + 1
}
