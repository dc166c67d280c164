package timeseries

import (
	"testing"

	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/internal/policytest"
)

// benchTablet has a base rowset and n young 1 MB singletons: no rule fires, so the pick walks the
// main loop, the level-1 check (L=2) and the empty-run scan.
func benchTablet(n int) policy.Tablet {
	rowsets := make([]policy.Rowset, 0, n+1)
	rowsets = append(rowsets, policy.Rowset{StartVersion: 0, EndVersion: 1, TotalDiskSize: 1024 * mb, NumSegments: 4,
		SegmentsOverlap: N, CreationTime: nowS})
	for v := int64(2); v < int64(n)+2; v++ {
		rowsets = append(rowsets, policy.Rowset{StartVersion: v, EndVersion: v, TotalDiskSize: mb, NumSegments: 1,
			SegmentsOverlap: O, CreationTime: nowS})
	}
	props := policy.DefaultTimeSeriesProperties()
	props.LevelThreshold = 2
	return policy.Tablet{TabletID: 1, CumulativePoint: 2, TimeSeries: props, Rowsets: rowsets}
}

func BenchmarkTimeSeriesPickInputRowsets100(b *testing.B) {
	cfg := policy.DefaultConfig()
	p := New(&cfg)
	tb := benchTablet(100)
	cands := policy.CumulativeCandidates(&tb, &cfg, nowMs)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := p.PickInputRowsets(&tb, cands, 1000, 5, false, nowMs)
		if len(res.Input) != 0 {
			b.Fatalf("picked %d", len(res.Input))
		}
	}
}

// BenchmarkTimeSeriesScore1M scores one million small tablets (base + 5 rowsets) per iteration.
func BenchmarkTimeSeriesScore1M(b *testing.B) {
	cfg := policy.DefaultConfig()
	p := New(&cfg)
	tablets := policytest.SmallTablets(1_000_000, nowMs)
	scores := make([]int64, 0, len(tablets))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		scores = policy.CumulativeScores(p, tablets, nowMs, scores[:0])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(tablets)), "ns/tablet")
}
