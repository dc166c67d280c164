package vectors

import (
	"fmt"
	"slices"

	"github.com/metahost/metahost/sdk/policy"
)

const (
	mb  = policy.MB
	gib = 1024 * policy.MB
	U   = policy.OverlapUnknown
	O   = policy.Overlapping
	N   = policy.NonOverlapping
)

// sFixtureConfig is the SetUp of cumulative_compaction_policy_test.cpp: promotion 1024 MB, ratio
// 0.05, promotion_min 64 MB (not the default 128), min_size 64 MB.
func sFixtureConfig() policy.Config {
	c := policy.DefaultConfig()
	c.CompactionPromotionSizeMBytes = 1024
	c.CompactionPromotionRatio = 0.05
	c.CompactionPromotionMinSizeMBytes = 64
	c.CompactionMinSizeMBytes = 64
	return c
}

// r builds [start-end] with the given size, segment count and overlap; creation time 10000 as
// init_rs_meta does.
func sr(start, end, size, segs int64, ov policy.SegmentsOverlap) policy.Rowset {
	return policy.Rowset{StartVersion: start, EndVersion: end, TotalDiskSize: size, DataDiskSize: size,
		NumSegments: segs, SegmentsOverlap: ov, CreationTime: 10000, RowsetID: fmt.Sprintf("%d-%d", start, end)}
}

// def is the init_rs_meta default rowset: 41 B, 3 segments, OVERLAP_UNKNOWN.
func sdef(start, end int64, ov policy.SegmentsOverlap) policy.Rowset {
	return sr(start, end, 41, 3, ov)
}

func sdel(x policy.Rowset) policy.Rowset { x.HasDeletePredicate = true; return x }

// k builds singletons [from..from+count-1] of size bytes, 1 segment, OVERLAPPING (score 1).
func sk(from, count, size int64) []policy.Rowset {
	var out []policy.Rowset
	for v := from; v < from+count; v++ {
		out = append(out, sr(v, v, size, 1, O))
	}
	return out
}

func scat(parts ...[]policy.Rowset) []policy.Rowset { return slices.Concat(parts...) }

func sone(rs ...policy.Rowset) []policy.Rowset { return rs }

// base is B = [0-1] 1 GiB N of the S-12..S-20 rows.
func sbase() []policy.Rowset { return sone(sr(0, 1, gib, 1, N)) }

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
			rowsets: sone(sdef(0, 0, U), sdef(1, 1, U), sdef(2, 2, U), sdef(3, 3, U), sdef(4, 4, U)), max: 10, min: 5,
			wantPoint: 0, wantCands: 5, wantN: 3, wantScore: 9, wantFirst: 0, wantLastEnd: 2, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-2 calc_cumulative_compaction_score",
			rowsets: sone(sdef(0, 0, U), sdef(1, 1, U), sdef(2, 2, U), sdef(3, 3, U), sdef(4, 4, U)), max: 10, min: 5,
			wantPoint: 0, wantCands: 5, wantN: 3, wantScore: 9, wantFirst: -1, wantLastEnd: -1, wantLastDelete: none,
			wantPromotion: 67108864, wantTotal: 15, wantPolicy: 15},
		{id: "S-3 big base",
			rowsets: sone(sr(0, 1, gib, 3, N), sr(2, 3, 65*mb, 3, N), sdef(4, 5, N), sdef(6, 6, O), sdef(7, 7, U)), max: 10, min: 5,
			wantPoint: 4, wantCands: 3, wantN: 3, wantScore: 7, wantFirst: 4, wantLastEnd: 7, wantLastDelete: none,
			wantPromotion: 64 * mb, wantTotal: 9, wantPolicy: 7},
		{id: "S-4 calculate_cumulative_point_overlap",
			rowsets: sone(sdef(0, 1, N), sdef(2, 3, N), sdef(4, 4, O), sdef(5, 5, O)), max: 10, min: 5,
			wantPoint: 2, wantCands: 3, wantN: 3, wantScore: 7, wantFirst: 2, wantLastEnd: 5, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-5 promotion",
			rowsets: sone(sr(0, 1, gib, 3, N), sr(2, 3, 65*mb, 3, N), sdef(4, 5, N), sr(6, 6, 65*mb, 3, O)), max: 10, min: 5,
			wantPoint: 4, wantCands: 2, wantN: 2, wantScore: 4, wantFirst: 4, wantLastEnd: 6, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-6 not same level",
			rowsets: sone(sr(0, 1, 20*gib, 3, N), sr(2, 3, 129*mb, 3, N), sr(4, 5, 12*mb, 3, N), sr(6, 6, 12*mb, 3, O),
				sdef(7, 7, U), sdef(8, 8, U)), max: 10, min: 5,
			wantPoint: 2, wantCands: 5, wantN: 4, wantScore: 10, wantFirst: 4, wantLastEnd: 8, wantLastDelete: none,
			wantPromotion: 1073741824, wantTotal: -1, wantPolicy: 10},
		{id: "S-7 pick empty",
			rowsets: sone(sr(0, 1, 20*gib, 3, N), sr(2, 3, 257*mb, 3, N), sr(4, 5, 129*mb, 3, N), sdef(6, 6, O)), max: 10, min: 5,
			wantPoint: 2, wantCands: 3, wantN: 0, wantScore: 0, wantFirst: -1, wantLastEnd: -1, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-8 not reach min",
			rowsets: sone(sr(0, 1, 20*gib, 3, N), sr(2, 3, 257*mb, 3, N), sr(4, 5, mb, 1, N), sr(6, 6, mb, 1, O), sr(7, 7, mb, 1, O)),
			max:     10, min: 5,
			wantPoint: 2, wantCands: 4, wantN: 0, wantScore: 0, wantFirst: -1, wantLastEnd: -1, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-9 delete, allow_delete=true",
			rowsets: sone(sdef(0, 1, N), sdef(2, 3, N), sdef(4, 4, O), sdel(sdef(5, 5, U)), sdef(6, 6, O)), max: 10, min: 5,
			allowDelete: true,
			wantPoint:   2, wantCands: 4, wantN: 4, wantScore: 10, wantFirst: 2, wantLastEnd: 6, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-10 delete, allow_delete=false",
			rowsets: sone(sdef(0, 1, N), sdef(2, 3, N), sdef(4, 4, O), sdel(sdef(5, 5, U)), sdef(6, 6, O)), max: 10, min: 5,
			wantPoint: 2, wantCands: 4, wantN: 2, wantScore: 4, wantFirst: 2, wantLastEnd: 4, wantLastDelete: policy.Version{Start: 5, End: 5},
			wantTotal: -1, wantPolicy: -1},
		{id: "S-12 trim from back", rowsets: scat(sbase(), sk(2, 150, mb)), max: 100, min: 5,
			wantPoint: 2, wantCands: 150, wantN: 100, wantScore: 100, wantFirst: 2, wantLastEnd: 101, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-13 exactly max", rowsets: scat(sbase(), sk(2, 100, mb)), max: 100, min: 5,
			wantPoint: 2, wantCands: 100, wantN: 100, wantScore: 100, wantFirst: 2, wantLastEnd: 101, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-14 one above max", rowsets: scat(sbase(), sk(2, 101, mb)), max: 100, min: 5,
			wantPoint: 2, wantCands: 101, wantN: 100, wantScore: 100, wantFirst: 2, wantLastEnd: 101, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-15 single high score", rowsets: scat(sbase(), sone(sr(2, 2, 100*mb, 150, O))), max: 100, min: 5,
			wantPoint: 2, wantCands: 1, wantN: 1, wantScore: 150, wantFirst: 2, wantLastEnd: 2, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-16 fallback all removed",
			rowsets: scat(sbase(), sone(sr(2, 2, 40*mb, 50, O), sr(3, 3, 15*mb, 30, O), sr(4, 4, 5*mb, 25, O))), max: 100, min: 5,
			wantPoint: 2, wantCands: 3, wantN: 1, wantScore: 50, wantFirst: 2, wantLastEnd: 2, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-17 fallback score below max (base 20GiB)",
			rowsets: sone(sr(0, 1, 20*gib, 1, N), sr(2, 2, 200*mb, 30, O), sr(3, 3, 100*mb, 20, O)), max: 100, min: 5,
			wantPoint: 2, wantCands: 2, wantN: 0, wantScore: 0, wantFirst: -1, wantLastEnd: -1, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-18 fallback no high score",
			rowsets: scat(sbase(), sone(sr(2, 2, 40*mb, 1, N), sr(3, 3, 15*mb, 1, N), sr(4, 4, 5*mb, 1, N), sr(5, 5, mb, 1, N))),
			max:     3, min: 1,
			wantPoint: 2, wantCands: 4, wantN: 3, wantScore: 3, wantFirst: 2, wantLastEnd: 4, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-19 fallback no overlapping",
			rowsets: scat(sbase(), sone(sr(2, 2, 40*mb, 1, O), sr(3, 3, 15*mb, 1, O), sr(4, 4, 5*mb, 1, O)), sk(5, 100, 10*1024)),
			max:     100, min: 5,
			wantPoint: 2, wantCands: 103, wantN: 100, wantScore: 100, wantFirst: 5, wantLastEnd: 104, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
		{id: "S-20 trim after promotion", rowsets: scat(sbase(), sk(2, 200, mb)), max: 100, min: 5,
			wantPoint: 2, wantCands: 200, wantN: 100, wantScore: 100, wantFirst: 2, wantLastEnd: 101, wantLastDelete: none,
			wantTotal: -1, wantPolicy: -1},
	}
}
