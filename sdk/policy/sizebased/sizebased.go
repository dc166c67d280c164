// Package sizebased implements Doris' SIZE_BASED cumulative compaction policy
// (SizeBasedCumulativeCompactionPolicy, spec §4.3) with the current (#59268) pick semantics:
// collect every candidate, drop big head rowsets by level, apply the min-score / min-size checks,
// fall back to the single highest-scoring rowset when nothing shares a level, and only then trim
// from the back to the max score, keeping at least one rowset.
package sizebased

import (
	"math"

	"github.com/metahost/metahost/sdk/policy"
)

// Policy is the SIZE_BASED policy. Its parameters are captured from the config at construction,
// as Doris does; the zero value is not usable, call New.
type Policy struct {
	promotionSize         int64
	promotionRatio        float64
	promotionMinSize      int64
	promotionVersionCount int64
	compactionMinSize     int64
}

var _ policy.Policy = (*Policy)(nil)

// New returns the policy with the promotion and min-size settings of cfg.
func New(cfg *policy.Config) *Policy {
	return &Policy{
		promotionSize:         cfg.CompactionPromotionSizeMBytes * policy.MB,
		promotionRatio:        cfg.CompactionPromotionRatio,
		promotionMinSize:      cfg.CompactionPromotionMinSizeMBytes * policy.MB,
		promotionVersionCount: cfg.CompactionPromotionVersionCount,
		compactionMinSize:     cfg.CompactionMinSizeMBytes * policy.MB,
	}
}

// Name returns "size_based".
func (p *Policy) Name() string { return policy.NameSizeBased }

// Promotion returns the promotion size for a base rowset of baseSize bytes
// (_calc_promotion_size): baseSize × ratio clamped to [promotion_min, promotion_size].
func (p *Policy) Promotion(baseSize int64) int64 {
	ps := toInt64(float64(baseSize) * p.promotionRatio)
	if ps >= p.promotionSize {
		return p.promotionSize
	}
	if ps <= p.promotionMinSize {
		return p.promotionMinSize
	}
	return ps
}

// toInt64 truncates like a C++ double-to-int64 cast, saturating instead of being undefined.
func toInt64(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// Level is _level_size with this policy's promotion size.
func (p *Policy) Level(size int64) int64 { return policy.Level(size, p.promotionSize) }

// CalculateCumulativePoint is calculate_cumulative_point (§4.3). It runs only when the point is
// -1. For a RUNNING tablet it caches the promotion size of the first rowset in
// t.CumulativePromotionSize and walks the rowsets by start version until a hole, an overlapping
// non-delete rowset, or a non-delete rowset (other than the base) below the promotion size. For a
// NOTREADY tablet the point is the start of the first rowset after the base.
func (p *Policy) CalculateCumulativePoint(t *policy.Tablet, _ int64) int64 {
	if t.CumulativePoint != policy.InvalidCumulativePoint || len(t.Rowsets) == 0 {
		return policy.InvalidCumulativePoint
	}
	rss := policy.OrderedByStart(t.Rowsets)
	switch t.State {
	case policy.TabletRunning:
		promotion := p.Promotion(rss[0].TotalDiskSize)
		t.CumulativePromotionSize = promotion
		point, prev := policy.InvalidCumulativePoint, int64(-1)
		for i := range rss {
			rs := &rss[i]
			if rs.StartVersion > prev+1 {
				break // a hole
			}
			if !rs.HasDeletePredicate && rs.IsOverlapping() {
				return rs.StartVersion
			}
			if !rs.HasDeletePredicate && rs.StartVersion != 0 && rs.TotalDiskSize < promotion {
				return rs.StartVersion
			}
			prev = rs.EndVersion
			point = prev + 1
		}
		return point
	case policy.TabletNotReady:
		for i := range rss {
			if rss[i].StartVersion > 0 {
				return rss[i].StartVersion
			}
		}
	}
	return policy.InvalidCumulativePoint
}

// CalcCumulativeScore is calc_cumulative_compaction_score (§4.3): the score of the local rowsets
// ending at or after the point, minus the leading rowsets whose level is above the level of the
// rest, unless they reach the promotion size. It caches the promotion size of the first rowset in
// t.CumulativePromotionSize. It allocates nothing when t.Rowsets is ordered by end version.
func (p *Policy) CalcCumulativeScore(t *policy.Tablet, _ int64) int64 {
	point := t.CumulativePoint
	var score, total int64
	baseExists := false
	first, firstStart := -1, int64(math.MaxInt64)
	for i := range t.Rowsets {
		rs := &t.Rowsets[i]
		if rs.StartVersion < firstStart {
			first, firstStart = i, rs.StartVersion
		}
		if rs.StartVersion == 0 {
			baseExists = true
		}
		if rs.EndVersion < point || rs.Remote {
			continue
		}
		total += rs.TotalDiskSize
		score += rs.Score()
	}
	if first < 0 {
		return 0
	}
	promotion := p.Promotion(t.Rowsets[first].TotalDiskSize)
	t.CumulativePromotionSize = promotion
	if !baseExists && t.State == policy.TabletRunning {
		return 0
	}
	if total >= promotion {
		return score
	}
	ordered := policy.OrderedByEnd(t.Rowsets)
	for i := range ordered {
		rs := &ordered[i]
		if rs.EndVersion < point || rs.Remote {
			continue
		}
		if p.Level(rs.TotalDiskSize) <= p.Level(total-rs.TotalDiskSize) {
			return score
		}
		total -= rs.TotalDiskSize
		score -= rs.Score()
	}
	return score
}

// PickInputRowsets is pick_input_rowsets (§4.3, #59268 semantics). It reads the promotion size
// cached in t.CumulativePromotionSize. Input aliases cands (for a NOTREADY tablet, a filtered
// copy of them).
func (p *Policy) PickInputRowsets(t *policy.Tablet, cands []policy.Rowset, maxScore, minScore int64,
	allowDelete bool, _ int64) policy.PickResult {
	seq := cands
	if t.State == policy.TabletNotReady {
		seq = keepRecentForAlter(t, cands, allowDelete)
	}
	res, start, n := p.pick(t, seq, maxScore, minScore, allowDelete)
	// ON_RETURN: trim from the back to the max score, keeping at least one rowset.
	for n > 1 && uint64(res.Score) > uint64(maxScore) {
		res.Score -= seq[start+n-1].Score()
		n--
	}
	if n > 0 {
		res.Input = seq[start : start+n : start+n]
	} else if res.Rule != policy.RuleDelete {
		res.Rule = policy.RuleNone
	}
	return res
}

// keepRecentForAlter drops the rowsets a NOTREADY tablet keeps out of compaction (end version
// below max_version().first - 10), except the delete rowsets that the delete check sees first.
func keepRecentForAlter(t *policy.Tablet, cands []policy.Rowset, allowDelete bool) []policy.Rowset {
	threshold := t.MaxVersion().Start - 10
	skip := func(rs *policy.Rowset) bool {
		return !(!allowDelete && rs.HasDeletePredicate) && rs.EndVersion < threshold
	}
	n := 0
	for i := range cands {
		if skip(&cands[i]) {
			n++
		}
	}
	if n == 0 {
		return cands
	}
	out := make([]policy.Rowset, 0, len(cands)-n)
	for i := range cands {
		if !skip(&cands[i]) {
			out = append(out, cands[i])
		}
	}
	return out
}

// pick runs the selection on seq without the final trim. The input is seq[start:start+n].
func (p *Policy) pick(t *policy.Tablet, seq []policy.Rowset, maxScore, minScore int64,
	allowDelete bool) (res policy.PickResult, start, n int) {
	res.LastDeleteVersion = policy.NoVersion
	var total int64
	for i := range seq {
		rs := &seq[i]
		if !allowDelete && rs.HasDeletePredicate {
			res.LastDeleteVersion = rs.Version()
			if n > 0 {
				break
			}
			res.Score, res.Transient = 0, 0
			continue
		}
		if n == 0 {
			start = i
		}
		res.Score += rs.Score()
		total += rs.TotalDiskSize
		res.Transient++
		n++
	}

	if uint64(total) >= uint64(t.CumulativePromotionSize) {
		res.Rule = policy.RulePromotion
		return res, start, n
	}
	if res.LastDeleteVersion.Start != -1 {
		if n == 1 && !seq[start].IsOverlapping() {
			n, res.Score = 0, 0
		}
		res.Rule = policy.RuleDelete
		return res, start, n
	}

	// Drop head rowsets whose level is above the level of the rest.
	i, newScore := 0, res.Score
	for i < n {
		rs := &seq[start+i]
		if p.Level(rs.TotalDiskSize) <= p.Level(total-rs.TotalDiskSize) {
			break
		}
		total -= rs.TotalDiskSize
		newScore -= rs.Score()
		i++
	}
	if i == n && uint64(res.Score) >= uint64(maxScore) {
		// Nothing shares a level but the score is too high: compact the single rowset with the
		// highest score above 1 (the first one on ties), or keep everything (trimmed) if none.
		res.Rule = policy.RuleFallback
		best, bestScore := -1, int64(1)
		for j := 0; j < n; j++ {
			if s := seq[start+j].Score(); s > bestScore {
				best, bestScore = start+j, s
			}
		}
		if best >= 0 {
			res.Score = bestScore
			return res, best, 1
		}
		return res, start, n
	}
	start, n, res.Score = start+i, n-i, newScore
	if n == 0 {
		res.Rule = policy.RuleNone
		return res, start, n
	}
	if total < p.compactionMinSize && uint64(res.Score) < uint64(minScore) {
		n, res.Score, res.Rule = 0, 0, policy.RuleNone
	} else if total >= p.compactionMinSize && n == 1 && !seq[start].IsOverlapping() {
		n, res.Score, res.Rule = 0, 0, policy.RuleNone
	} else {
		res.Rule = policy.RuleLevel
	}
	return res, start, n
}

// NewCumulativePoint is update_cumulative_point (§4.3) returned as a value: for a RUNNING tablet
// the point moves to output.end+1 after a delete version, when the output reaches the cached
// promotion size, or for a merge-on-write tablet whose output spans more than
// compaction_promotion_version_count versions; otherwise it stays t.CumulativePoint.
func (p *Policy) NewCumulativePoint(t *policy.Tablet, _ []policy.Rowset, output policy.Rowset,
	lastDelete policy.Version) int64 {
	if t.State != policy.TabletRunning {
		return t.CumulativePoint
	}
	switch {
	case lastDelete.Start != -1,
		uint64(output.TotalDiskSize) >= uint64(t.CumulativePromotionSize),
		t.IsUniqueMergeOnWrite() && output.EndVersion-output.StartVersion > p.promotionVersionCount:
		return output.EndVersion + 1
	}
	return t.CumulativePoint
}

// CompactionLevel is always 0: SIZE_BASED does not use compaction levels.
func (p *Policy) CompactionLevel(*policy.Tablet, []policy.Rowset, policy.Rowset) int64 { return 0 }
