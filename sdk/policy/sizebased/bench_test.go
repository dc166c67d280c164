package sizebased

import (
	"testing"

	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/internal/policytest"
)

// benchTablet is a base rowset plus n singletons of 1 MB, 1 segment, OVERLAPPING.
func benchTablet(n int) policy.Tablet {
	rowsets := make([]policy.Rowset, 0, n+1)
	rowsets = append(rowsets, policy.Rowset{StartVersion: 0, EndVersion: 1, TotalDiskSize: gib, NumSegments: 4,
		SegmentsOverlap: N})
	for v := int64(2); v < int64(n)+2; v++ {
		rowsets = append(rowsets, policy.Rowset{StartVersion: v, EndVersion: v, TotalDiskSize: mb, NumSegments: 1,
			SegmentsOverlap: O, CreationTime: 10000})
	}
	return policy.Tablet{TabletID: 1, CumulativePoint: 2, Rowsets: rowsets}
}

func BenchmarkSizeBasedPickInputRowsets100(b *testing.B) {
	cfg := policy.DefaultConfig()
	p := New(&cfg)
	tb := benchTablet(100)
	p.CalcCumulativeScore(&tb, nowMs)
	cands := policy.CumulativeCandidates(&tb, &cfg, nowMs)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := p.PickInputRowsets(&tb, cands, 1000, 5, false, nowMs)
		if len(res.Input) != 100 {
			b.Fatalf("picked %d", len(res.Input))
		}
	}
}

func BenchmarkSizeBasedPickCumulative100(b *testing.B) {
	cfg := policy.DefaultConfig()
	p := New(&cfg)
	tb := benchTablet(100)
	p.CalcCumulativeScore(&tb, nowMs)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := policy.PickCumulative(p, &tb, &cfg, policy.Env{NowMs: nowMs})
		if !res.Status.IsOK() {
			b.Fatal(res.Status)
		}
	}
}

// BenchmarkSizeBasedScore1M scores one million small tablets (base + 5 rowsets) per iteration.
func BenchmarkSizeBasedScore1M(b *testing.B) {
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
