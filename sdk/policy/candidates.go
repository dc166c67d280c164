package policy

import (
	"math"
	"math/bits"
)

// Level is SizeBasedCumulativeCompactionPolicy::_level_size: 0 below 1 KiB, otherwise the highest
// power of two <= size, capped at the highest power of two <= promotionSize/2 (512 MiB for the
// default 1 GiB). A promotionSize below 2 bytes (rejected by Config.Validate) yields level 0.
func Level(size, promotionSize int64) int64 {
	if size < 1024 {
		return 0
	}
	half := promotionSize / 2
	if half <= 0 {
		return 0
	}
	maxLevel := int64(1) << (bits.Len64(uint64(half)) - 1)
	if size >= maxLevel {
		return maxLevel
	}
	return int64(1) << (bits.Len64(uint64(size)) - 1)
}

// CandidateFilter is the rowset filter of Tablet::_pick_visible_rowsets_to_compaction (§4.1): a
// local rowset whose start version lies in [MinStart, MaxStart] and whose end version is either
// visible or more than the keep-invisible limit beyond the visible version.
type CandidateFilter struct {
	// MinStart and MaxStart bound the start version (inclusive).
	MinStart, MaxStart int64
	// AllVisible is set when the visible version is unknown: every version counts as visible.
	AllVisible bool
	// Visible is the visible version and KeepInvisible the number of invisible versions kept
	// (compaction_keep_invisible_version_min_count or _max_count).
	Visible, KeepInvisible int64
}

// Pass reports whether rs is a candidate.
func (f *CandidateFilter) Pass(rs *Rowset) bool {
	if rs.Remote || rs.StartVersion < f.MinStart || rs.StartVersion > f.MaxStart {
		return false
	}
	return f.AllVisible || rs.EndVersion <= f.Visible || rs.EndVersion > f.Visible+f.KeepInvisible
}

func newVisibleFilter(t *Tablet, cfg *Config, nowMs, minStart, maxStart int64) CandidateFilter {
	f := CandidateFilter{MinStart: minStart, MaxStart: maxStart}
	if !t.VisibleVersionKnown {
		f.AllVisible = true
		return f
	}
	f.Visible = t.VisibleVersion
	f.KeepInvisible = cfg.CompactionKeepInvisibleVersionMaxCount
	if nowMs-t.VisibleUpdateTimeMs > cfg.CompactionKeepInvisibleVersionTimeoutSec*1000 {
		f.KeepInvisible = cfg.CompactionKeepInvisibleVersionMinCount
	}
	return f
}

// CumulativeFilter returns the cumulative candidate filter of the tablet (start >= cumulative
// point). With an invalid point (-1) nothing passes.
func CumulativeFilter(t *Tablet, cfg *Config, nowMs int64) CandidateFilter {
	if t.CumulativePoint == InvalidCumulativePoint {
		return CandidateFilter{MinStart: math.MaxInt64, MaxStart: math.MinInt64}
	}
	return newVisibleFilter(t, cfg, nowMs, t.CumulativePoint, math.MaxInt64)
}

// BaseFilter returns the base candidate filter of the tablet (start <= cumulative point - 1).
func BaseFilter(t *Tablet, cfg *Config, nowMs int64) CandidateFilter {
	return newVisibleFilter(t, cfg, nowMs, math.MinInt64, t.CumulativePoint-1)
}

// Select returns the rowsets of rs that pass f, ordered by end version. When the passing
// rowsets are adjacent in the ordered input the result aliases it (capacity-capped); otherwise
// it is a new slice. It returns nil when nothing passes.
func (f *CandidateFilter) Select(rs []Rowset) []Rowset {
	ordered := OrderedByEnd(rs)
	first, last, n := -1, -1, 0
	for i := range ordered {
		if f.Pass(&ordered[i]) {
			if first < 0 {
				first = i
			}
			last = i
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if last-first+1 == n {
		return ordered[first : last+1 : last+1]
	}
	out := make([]Rowset, 0, n)
	for i := first; i <= last; i++ {
		if f.Pass(&ordered[i]) {
			out = append(out, ordered[i])
		}
	}
	return out
}

// CumulativeCandidates is Tablet::pick_candidate_rowsets_to_cumulative_compaction (§4.1).
func CumulativeCandidates(t *Tablet, cfg *Config, nowMs int64) []Rowset {
	if t.CumulativePoint == InvalidCumulativePoint {
		return nil
	}
	f := CumulativeFilter(t, cfg, nowMs)
	return f.Select(t.Rowsets)
}

// BaseCandidates is Tablet::pick_candidate_rowsets_to_base_compaction (§4.1): like the cumulative
// candidates but with start <= cumulative point - 1 and no lower bound.
func BaseCandidates(t *Tablet, cfg *Config, nowMs int64) []Rowset {
	f := BaseFilter(t, cfg, nowMs)
	return f.Select(t.Rowsets)
}

// FullCandidates is Tablet::pick_candidate_rowsets_to_full_compaction: every local rowset,
// ordered by end version.
func FullCandidates(t *Tablet) []Rowset {
	f := CandidateFilter{MinStart: math.MinInt64, MaxStart: math.MaxInt64, AllVisible: true}
	return f.Select(t.Rowsets)
}

// LongestConsecutiveRun is CumulativeCompaction::find_longest_consecutive_version (§4.2): the
// first longest run of cands (ordered by end version) in which each rowset starts right after
// the previous one ends, plus one VersionPair per break. The run aliases cands; missing is nil
// when there is no break.
func LongestConsecutiveRun(cands []Rowset) (run []Rowset, missing []VersionPair) {
	if len(cands) == 0 {
		return cands, nil
	}
	maxStart, maxLen := 0, 1
	start, length := 0, 1
	for i := 1; i < len(cands); i++ {
		prev := &cands[i-1]
		if cands[i].StartVersion != prev.EndVersion+1 {
			missing = append(missing, VersionPair{Prev: prev.Version(), Next: cands[i].Version()})
			start, length = i, 1
		} else {
			length++
		}
		if length > maxLen {
			maxStart, maxLen = start, length
		}
	}
	return cands[maxStart : maxStart+maxLen : maxStart+maxLen], missing
}

// MissingRowsets returns the "missing_rowsets" gaps of the show JSON (§2): for the rowsets
// ordered by end version, every gap before a rowset; nothing after the max version.
func MissingRowsets(rowsets []Rowset) []Version {
	var gaps []Version
	last := int64(-1)
	for _, rs := range OrderedByEnd(rowsets) {
		if rs.StartVersion != last+1 {
			gaps = append(gaps, Version{Start: last + 1, End: rs.StartVersion - 1})
		}
		last = rs.EndVersion
	}
	return gaps
}

// CheckVersionContinuity is check_version_continuity: OK when each rowset of rs starts right
// after the previous one ends, else INTERNAL_ERROR "versions are not continuity: prev=[a-b] cur=[c-d]".
func CheckVersionContinuity(rs []Rowset) Status {
	for i := 1; i < len(rs); i++ {
		if rs[i-1].EndVersion+1 != rs[i].StartVersion {
			return Status{Code: CodeInternalError,
				Msg: msgVersionsNotContinuity + rs[i-1].Version().String() + " cur=" + rs[i].Version().String()}
		}
	}
	return StatusOK
}

// emptyRunScanner is the state machine of BaseTablet::calc_consecutive_empty_rowsets fed one
// candidate at a time, so that it also works over a filtered stream without a candidate slice.
type emptyRunScanner struct {
	limit    int64
	runStart int
	runLen   int64
	prevEnd  int64
}

// feed offers the candidate at position idx. It returns true when the current run qualifies
// (length >= 2 and >= limit) and rs, the next candidate, proves that the run is followed by one.
func (s *emptyRunScanner) feed(idx int, rs *Rowset) bool {
	eligible := rs.NumSegments == 0 && !rs.HasDeletePredicate
	if s.runLen > 0 {
		if eligible && s.prevEnd == rs.StartVersion-1 {
			s.runLen++
			s.prevEnd = rs.EndVersion
			return false
		}
		if s.runLen >= 2 && s.runLen >= s.limit {
			return true
		}
		s.runLen = 0
	}
	if eligible {
		s.runStart, s.runLen, s.prevEnd = idx, 1, rs.EndVersion
	}
	return false
}

// ConsecutiveEmptyRun is BaseTablet::calc_consecutive_empty_rowsets: the first run of at least
// two adjacent empty (0 segments), non-delete rowsets with consecutive versions whose length is
// >= limit and which is followed by at least one more candidate. The result aliases cands; it is
// nil when there is no such run.
func ConsecutiveEmptyRun(cands []Rowset, limit int64) []Rowset {
	s := emptyRunScanner{limit: limit}
	for i := range cands {
		if s.feed(i, &cands[i]) {
			end := s.runStart + int(s.runLen)
			return cands[s.runStart:end:end]
		}
	}
	return nil
}

// HasConsecutiveEmptyCandidates reports whether ConsecutiveEmptyRun would be non-empty for the
// tablet's cumulative candidates, without building the candidate slice when t.Rowsets is
// ordered by end version.
func HasConsecutiveEmptyCandidates(t *Tablet, cfg *Config, nowMs int64, limit int64) bool {
	if t.CumulativePoint == InvalidCumulativePoint {
		return false
	}
	f := CumulativeFilter(t, cfg, nowMs)
	s := emptyRunScanner{limit: limit}
	ordered := OrderedByEnd(t.Rowsets)
	idx := 0
	for i := range ordered {
		if !f.Pass(&ordered[i]) {
			continue
		}
		if s.feed(idx, &ordered[i]) {
			return true
		}
		idx++
	}
	return false
}
