package policy_test

import (
	"testing"

	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/internal/policytest"
	"github.com/metahost/metahost/sdk/policy/sizebased"
)

// BenchmarkScoreTablets1M computes total, cumulative (SIZE_BASED) and base scores of one million
// small tablets per iteration.
func BenchmarkScoreTablets1M(b *testing.B) {
	cfg := policy.DefaultConfig()
	p := sizebased.New(&cfg)
	tablets := policytest.SmallTablets(1_000_000, nowMs)
	out := make([]policy.TabletScores, 0, len(tablets))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out = policy.ScoreTablets(p, tablets, nowMs, out[:0])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(tablets)), "ns/tablet")
}
