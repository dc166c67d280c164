package policy

import "fmt"

// rs builds a rowset [start-end] with the given size, segment count and overlap flag.
func rs(start, end, size, segs int64, ov SegmentsOverlap) Rowset {
	return Rowset{
		StartVersion: start, EndVersion: end, TotalDiskSize: size, DataDiskSize: size,
		NumSegments: segs, SegmentsOverlap: ov, CreationTime: 10000,
		RowsetID: fmt.Sprintf("rs-%d-%d", start, end),
	}
}

// singletons builds [from..to] singleton rowsets of the given size, 1 segment, NONOVERLAPPING.
func singletons(from, to, size int64) []Rowset {
	var out []Rowset
	for v := from; v <= to; v++ {
		out = append(out, rs(v, v, size, 1, NonOverlapping))
	}
	return out
}

func versions(rs []Rowset) []Version {
	out := make([]Version, 0, len(rs))
	for i := range rs {
		out = append(out, rs[i].Version())
	}
	return out
}
