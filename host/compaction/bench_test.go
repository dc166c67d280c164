package compaction_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/metahost/metahost/host/compaction"
	"github.com/metahost/metahost/host/plugin"
	"github.com/metahost/metahost/sdk/plugintest"
	"github.com/metahost/metahost/sdk/policy"
)

// summaryOf builds n tablet summaries with varied scores, some backing off
// and some busy.
func summaryOf(n int) *compaction.Summary {
	entries := make([]compaction.Entry, n)
	for i := range entries {
		e := &entries[i]
		e.Instance = "inst"
		e.TabletID = int64(i + 1)
		e.TableID = int64(i%100 + 1)
		e.Total = int64(i*7919%1000 + 1)
		e.Cumu = e.Total - 1
		e.Base = int64(i % 3)
		if i%10 == 0 {
			e.FailMs[0] = 1_700_000_000_000 - 1000
		}
		if i%97 == 0 {
			e.Busy = compaction.Cumulative
		}
	}
	return compaction.NewSummary(entries)
}

// BenchmarkScoreRound is one scheduling round (rank every tablet by score,
// skip busy and backing-off ones, keep the best 4) over the in-memory
// summary.
func BenchmarkScoreRound(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			s := summaryOf(n)
			dst := make([]compaction.Candidate, 0, 4)
			r := compaction.Round{Kind: compaction.Cumulative, NowMs: 1_700_000_000_000, BackoffMs: 5000, Slots: 4}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				dst = s.Score(r, dst)
				if len(dst) != 4 {
					b.Fatal("no candidates")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/tablet")
		})
	}
}

// BenchmarkSchedulerPick100 is what the scheduler runs per candidate on a
// 100-rowset tablet (calc_cumulative_compaction_score, then the cumulative
// driver: calculate point, candidates, pick_input_rowsets), natively and
// through the first-party size_based wasm plugin. The bare pick_input_rowsets
// comparison is host/plugin's BenchmarkPolicyPick100.
func BenchmarkSchedulerPick100(b *testing.B) {
	cfg := policy.DefaultConfig()
	const now = 1_700_000_000_000
	tb := plugintest.Tablet100(now)
	run := func(b *testing.B, p policy.Policy, check func() error) {
		b.ReportAllocs()
		for b.Loop() {
			t := tb
			t.CumulativePoint = policy.InvalidCumulativePoint
			p.CalcCumulativeScore(&t, now)
			res := policy.PickCumulative(p, &t, &cfg, policy.Env{NowMs: now})
			if len(res.Input) == 0 || (check != nil && check() != nil) {
				b.Fatalf("nothing picked: %v", res.Status)
			}
		}
	}
	b.Run("native", func(b *testing.B) { run(b, compaction.Native(policy.NameSizeBased, &cfg), nil) })
	b.Run("wasm", func(b *testing.B) {
		wasm := plugintest.Build(b, "github.com/metahost/metahost/plugins/size_based")
		rt, err := plugin.New(plugin.Config{CacheDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close(context.Background())
		if _, err := rt.Load(context.Background(), plugin.Spec{Name: "size_based", Version: "1", Wasm: wasm, SHA256: plugintest.SHA256(wasm)}); err != nil {
			b.Fatal(err)
		}
		bp := rt.Policy("size_based").Bind(context.Background(), &cfg)
		run(b, bp, bp.Err)
	})
}
