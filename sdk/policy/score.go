package policy

import "slices"

// TotalScore is Tablet::get_real_compaction_score (§6): the sum of Score over all rowsets. The
// scheduler ranks tablets by it.
func TotalScore(t *Tablet) int64 { return SumScore(t.Rowsets) }

// BaseScore is Tablet::_calc_base_compaction_score (§5): the sum of Score over the local rowsets
// that start below the cumulative point, or 0 when the tablet has no base rowset (start 0).
// For a TIME_SERIES tablet it is also 0 unless one of those rowsets has a delete predicate.
func BaseScore(t *Tablet, timeSeries bool) int64 {
	var score int64
	baseExists, hasDelete := false, false
	point := t.CumulativePoint
	for i := range t.Rowsets {
		rs := &t.Rowsets[i]
		if rs.StartVersion == 0 {
			baseExists = true
		}
		if rs.StartVersion >= point || rs.Remote {
			continue
		}
		if rs.HasDeletePredicate {
			hasDelete = true
		}
		score += rs.Score()
	}
	if !baseExists || (timeSeries && !hasDelete) {
		return 0
	}
	return score
}

// TabletScores are the three scores of one tablet.
type TabletScores struct {
	// TabletID identifies the tablet.
	TabletID int64
	// Total is TotalScore, the ranking score.
	Total int64
	// Cumulative is Policy.CalcCumulativeScore; > 0 means suitable for cumulative compaction.
	Cumulative int64
	// Base is BaseScore; > 0 means suitable for base compaction.
	Base int64
}

// ScoreTablets scores every tablet with policy p and appends the results to dst, in the order of
// tablets. The base score uses the TIME_SERIES rule when p.Name() is "time_series". Like
// CalcCumulativeScore it may update each tablet's cached promotion size.
func ScoreTablets(p Policy, tablets []Tablet, nowMs int64, dst []TabletScores) []TabletScores {
	dst = slices.Grow(dst, len(tablets))
	timeSeries := p.Name() == NameTimeSeries
	for i := range tablets {
		t := &tablets[i]
		dst = append(dst, TabletScores{
			TabletID:   t.TabletID,
			Total:      TotalScore(t),
			Cumulative: p.CalcCumulativeScore(t, nowMs),
			Base:       BaseScore(t, timeSeries),
		})
	}
	return dst
}

// CumulativeScores appends p.CalcCumulativeScore of every tablet to dst, in the order of tablets.
func CumulativeScores(p Policy, tablets []Tablet, nowMs int64, dst []int64) []int64 {
	dst = slices.Grow(dst, len(tablets))
	for i := range tablets {
		dst = append(dst, p.CalcCumulativeScore(&tablets[i], nowMs))
	}
	return dst
}
