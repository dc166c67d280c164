package policy

import (
	"cmp"
	"slices"
	"strconv"
)

// Version is a closed version interval [Start-End] of a rowset.
type Version struct {
	Start int64
	End   int64
}

// NoVersion is the "unset" version (-1,-1) used for the last delete version.
var NoVersion = Version{Start: -1, End: -1}

// String formats the version as Doris does: "[start-end]".
func (v Version) String() string {
	b := make([]byte, 0, 24)
	b = append(b, '[')
	b = strconv.AppendInt(b, v.Start, 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, v.End, 10)
	b = append(b, ']')
	return string(b)
}

// VersionPair records one break in a version sequence: the rowset before the gap (Prev) and the
// one after it (Next), as find_longest_consecutive_version reports it.
type VersionPair struct {
	Prev Version
	Next Version
}

// SegmentsOverlap is the SegmentsOverlapPB enum of a rowset. The zero value is OverlapUnknown,
// the proto default, which counts as overlapping.
type SegmentsOverlap uint8

// SegmentsOverlap values, numbered as in SegmentsOverlapPB.
const (
	OverlapUnknown SegmentsOverlap = 0
	Overlapping    SegmentsOverlap = 1
	NonOverlapping SegmentsOverlap = 2
)

// String returns the Doris enum name.
func (o SegmentsOverlap) String() string {
	switch o {
	case OverlapUnknown:
		return "OVERLAP_UNKNOWN"
	case Overlapping:
		return "OVERLAPPING"
	case NonOverlapping:
		return "NONOVERLAPPING"
	}
	return "SegmentsOverlap(" + strconv.Itoa(int(o)) + ")"
}

// Rowset is the rowset metadata the compaction algorithms read.
type Rowset struct {
	// StartVersion and EndVersion are the closed version interval of the rowset.
	StartVersion int64
	EndVersion   int64
	// NumSegments is the number of segment files (0 for an empty rowset).
	NumSegments int64
	// SegmentsOverlap tells whether the segments may overlap in key space.
	SegmentsOverlap SegmentsOverlap
	// TotalDiskSize is data plus index bytes (total_disk_size).
	TotalDiskSize int64
	// DataDiskSize is the segment data bytes without the index (data_disk_size).
	DataDiskSize int64
	// NumRows is the number of rows.
	NumRows int64
	// HasDeletePredicate marks a DELETE rowset.
	HasDeletePredicate bool
	// Remote marks a rowset that is not on local storage (is_local() == false); the zero value is local.
	Remote bool
	// CreationTime is the creation time in unix seconds.
	CreationTime int64
	// CompactionLevel is the TIME_SERIES level (0 for loads).
	CompactionLevel int64
	// RowsetID is the 48-hex v2 rowset id.
	RowsetID string
}

// Version returns the rowset's version interval.
func (r *Rowset) Version() Version { return Version{Start: r.StartVersion, End: r.EndVersion} }

// IsSingleton reports whether the rowset covers exactly one version (start == end).
func (r *Rowset) IsSingleton() bool { return r.StartVersion == r.EndVersion }

// IsOverlapping is RowsetMeta::is_segments_overlapping: more than one segment, a singleton
// version, and an overlap flag other than NONOVERLAPPING (so OVERLAP_UNKNOWN counts).
func (r *Rowset) IsOverlapping() bool {
	return r.NumSegments > 1 && r.StartVersion == r.EndVersion && r.SegmentsOverlap != NonOverlapping
}

// Score is RowsetMeta::get_compaction_score: the segment count of an overlapping rowset, else 1
// (an empty rowset scores 1).
func (r *Rowset) Score() int64 {
	if r.IsOverlapping() {
		return r.NumSegments
	}
	return 1
}

// IsEmpty reports whether the rowset has no segments.
func (r *Rowset) IsEmpty() bool { return r.NumSegments == 0 }

// SumScore returns the sum of Score over rs.
func SumScore(rs []Rowset) int64 {
	var s int64
	for i := range rs {
		s += rs[i].Score()
	}
	return s
}

func isSortedByEnd(rs []Rowset) bool {
	for i := 1; i < len(rs); i++ {
		if rs[i].EndVersion < rs[i-1].EndVersion {
			return false
		}
	}
	return true
}

func isSortedByStart(rs []Rowset) bool {
	for i := 1; i < len(rs); i++ {
		if rs[i].StartVersion < rs[i-1].StartVersion {
			return false
		}
	}
	return true
}

// OrderedByEnd returns rs ordered by EndVersion (Rowset::comparator). It returns rs itself,
// without copying, when it is already ordered; otherwise a stably sorted copy.
func OrderedByEnd(rs []Rowset) []Rowset {
	if isSortedByEnd(rs) {
		return rs
	}
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(a, b Rowset) int { return cmp.Compare(a.EndVersion, b.EndVersion) })
	return out
}

// OrderedByStart returns rs ordered by StartVersion (as calculate_cumulative_point sorts). It
// returns rs itself when it is already ordered; otherwise a stably sorted copy.
func OrderedByStart(rs []Rowset) []Rowset {
	if isSortedByStart(rs) {
		return rs
	}
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(a, b Rowset) int { return cmp.Compare(a.StartVersion, b.StartVersion) })
	return out
}
