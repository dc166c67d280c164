// Package policytest builds pseudo-random compaction scenarios from fuzzer bytes and checks the
// structural properties every policy result must have. It is shared by the policy fuzz tests.
package policytest

import (
	"fmt"

	"github.com/metahost/metahost/sdk/policy"
)

// NowMs is the fixed clock of generated cases.
const NowMs = int64(1_700_000_000_000)

// Case is one generated scenario.
type Case struct {
	Tablet      policy.Tablet
	Config      policy.Config
	MaxScore    int64
	MinScore    int64
	AllowDelete bool
	NowMs       int64
}

// source hands out fuzzer bytes, then zeros.
type source struct {
	b []byte
	i int
}

func (s *source) byte() byte {
	if s.i >= len(s.b) {
		return 0
	}
	s.i++
	return s.b[s.i-1]
}

func (s *source) more() bool { return s.i < len(s.b) }

var sizes = [...]int64{0, 41, 1024, 10 * 1024, policy.MB, 5 * policy.MB, 12 * policy.MB, 40 * policy.MB,
	65 * policy.MB, 100 * policy.MB, 129 * policy.MB, 257 * policy.MB, 1024 * policy.MB, 20 * 1024 * policy.MB,
	-7, 1 << 62}

var segCounts = [...]int64{0, 1, 1, 2, 3, 3, 5, 25, 50, 150, 1000, 20000}

var scoreLimits = [...]int64{0, 1, 3, 5, 10, 20, 100, 1000, -1}

// Generate decodes data into a scenario. Any input yields a valid scenario; versions are mostly
// consecutive, with spans, gaps, delete, remote, empty and overlapping rowsets mixed in.
func Generate(data []byte) Case {
	s := &source{b: data}
	flags := s.byte()
	c := Case{Config: policy.DefaultConfig(), NowMs: NowMs}
	if flags&1 != 0 {
		c.Config.CompactionPromotionMinSizeMBytes = 64
	}
	if flags&2 != 0 {
		c.Config.CompactionMaxRowsetCount = int64(s.byte()%16) + 1
	}
	c.AllowDelete = flags&4 != 0
	t := policy.Tablet{TabletID: 42, CumulativePoint: policy.InvalidCumulativePoint}
	switch s.byte() % 8 {
	case 0:
		t.State = policy.TabletNotReady
	case 1:
		t.State = policy.TabletStopped
	}
	if flags&8 != 0 {
		t.KeysType, t.MergeOnWrite = policy.UniqueKeys, true
	}
	t.TimeSeries = policy.TimeSeriesProperties{
		GoalSizeMBytes:        []int64{10, 100, 1024, 5000}[s.byte()%4],
		FileCountThreshold:    []int64{10, 20, 2000, 0}[s.byte()%4],
		TimeThresholdSeconds:  []int64{60, 3600, 200000, 0}[s.byte()%4],
		EmptyRowsetsThreshold: []int64{2, 3, 5, 0}[s.byte()%4],
		LevelThreshold:        int64(s.byte()%2) + 1,
	}
	c.MaxScore = scoreLimits[int(s.byte())%len(scoreLimits)]
	c.MinScore = scoreLimits[int(s.byte())%len(scoreLimits)]

	next := int64(0)
	if flags&48 == 48 {
		next = int64(s.byte() % 4) // sometimes no base rowset
	}
	n := int(s.byte() % 80)
	levelRun := 0 // with flag 128 the first rowsets are level 1 or 2 (TIME_SERIES level-1 merges)
	if flags&128 != 0 {
		levelRun = int(s.byte() % 16)
	}
	for i := 0; i < n && (s.more() || i < 3); i++ {
		shape := s.byte()
		start := next
		if shape&0x80 != 0 && i > 0 {
			start += int64(shape>>5) & 3 // a gap
		}
		end := start
		if i == 0 || shape&0x10 != 0 {
			end += int64(s.byte() % 8) // a span
		}
		rs := policy.Rowset{
			StartVersion:    start,
			EndVersion:      end,
			TotalDiskSize:   sizes[int(s.byte())%len(sizes)],
			NumSegments:     segCounts[int(s.byte())%len(segCounts)],
			SegmentsOverlap: policy.SegmentsOverlap(shape % 3),
			CreationTime:    NowMs/1000 - int64(s.byte())*1000,
			CompactionLevel: int64(shape>>2) % 3,
			RowsetID:        fmt.Sprintf("rs%d", i),
		}
		rs.DataDiskSize = rs.TotalDiskSize
		if i < levelRun {
			rs.CompactionLevel = 1 + int64(shape&1)
		}
		extra := s.byte()
		if flags&64 != 0 && extra%3 != 0 {
			rs.NumSegments = 0 // runs of empty rowsets
		}
		rs.HasDeletePredicate = extra%8 == 0
		rs.Remote = extra%31 == 1
		t.Rowsets = append(t.Rowsets, rs)
		next = end + 1
	}
	switch p := s.byte(); {
	case p < 64:
		// keep -1: the policy calculates it
	case p < 250 && next > 0:
		t.CumulativePoint = int64(p) % (next + 1)
	default:
		t.CumulativePoint = int64(p) % 7
	}
	if v := s.byte(); v%4 == 1 && next > 0 {
		t.VisibleVersionKnown = true
		t.VisibleVersion = int64(v) % next
		t.VisibleUpdateTimeMs = NowMs - int64(s.byte())*20_000
	}
	successTimes := [...]int64{0, NowMs - 3600_000, NowMs - 2*86400_000}
	t.LastCumuSuccessMs = successTimes[int(s.byte())%len(successTimes)]
	t.LastBaseSuccessMs = successTimes[int(s.byte())%len(successTimes)]
	if s.byte()%2 == 0 {
		// Occasionally shuffle by reversing: the algorithms must not depend on the input order.
		for i, j := 0, len(t.Rowsets)-1; i < j; i, j = i+1, j-1 {
			t.Rowsets[i], t.Rowsets[j] = t.Rowsets[j], t.Rowsets[i]
		}
	}
	c.Tablet = t
	return c
}

// Positions returns the index in cands of every rowset of input (matched by RowsetID and
// version), or an error if one is missing or they are out of order.
func Positions(cands, input []policy.Rowset) ([]int, error) {
	pos := make([]int, 0, len(input))
	j := 0
	for i := range input {
		for j < len(cands) && (cands[j].RowsetID != input[i].RowsetID || cands[j].Version() != input[i].Version()) {
			j++
		}
		if j == len(cands) {
			return nil, fmt.Errorf("input %d (%v %s) is not an in-order candidate", i, input[i].Version(), input[i].RowsetID)
		}
		pos = append(pos, j)
		j++
	}
	return pos, nil
}

// Contiguous reports whether positions are consecutive.
func Contiguous(pos []int) bool {
	for i := 1; i < len(pos); i++ {
		if pos[i] != pos[i-1]+1 {
			return false
		}
	}
	return true
}

// SameRowsets reports whether a and b hold the same rowsets in the same order.
func SameRowsets(a, b []policy.Rowset) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// SmallTablets builds n small tablets for scoring benchmarks: a base rowset and five singletons
// each, ordered by version, with sizes, segment counts, levels and ages varying across tablets.
// All rowsets share one backing array.
func SmallTablets(n int, nowMs int64) []policy.Tablet {
	const perTablet = 6
	all := make([]policy.Rowset, n*perTablet)
	tablets := make([]policy.Tablet, n)
	nowS := nowMs / 1000
	for i := range tablets {
		rs := all[i*perTablet : (i+1)*perTablet : (i+1)*perTablet]
		rs[0] = policy.Rowset{StartVersion: 0, EndVersion: 10, TotalDiskSize: int64(i%7+1) * 300 * policy.MB,
			NumSegments: 4, SegmentsOverlap: policy.NonOverlapping, CreationTime: nowS - 100000}
		for j := 1; j < perTablet; j++ {
			v := int64(10 + j)
			rs[j] = policy.Rowset{StartVersion: v, EndVersion: v, TotalDiskSize: int64((i+j)%5+1) * policy.MB,
				NumSegments: int64((i*j)%4 + 1), SegmentsOverlap: policy.SegmentsOverlap((i + j) % 3),
				CreationTime: nowS - int64((i+j)%5000), HasDeletePredicate: (i+j)%97 == 0}
		}
		tablets[i] = policy.Tablet{TabletID: int64(i + 1), CumulativePoint: 11, Rowsets: rs,
			TimeSeries: policy.DefaultTimeSeriesProperties()}
	}
	return tablets
}
