package store

import (
	"context"
	"fmt"
	"github.com/metahost/metahost/internal/testing/testclock"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/tsdb/otsdb"
	bolt "go.etcd.io/bbolt"
)

// benchPoints returns n points of one metric, series host=<prefix>-<i>,dc=lga.
func benchPoints(prefix string, n int, ts int64) []otsdb.PutPoint {
	pts := make([]otsdb.PutPoint, n)
	for i := range pts {
		pts[i] = point("bench.m", ts, fmt.Sprint(i), "host", fmt.Sprint(prefix, "-", i), "dc", "lga")
	}
	return pts
}

// BenchmarkApplyPut measures the state machine alone: one 1,000-point
// command applied in one bbolt transaction (series already known). ns/op
// is per command.
func BenchmarkApplyPut(b *testing.B) {
	db := openBolt(b)
	svc := New(DefaultConfig(), nil)
	const n = 1000
	cmds := make([][]byte, 8)
	for c := range cmds {
		enc := newPutEncoder(svc.putFlags(), 0)
		for _, p := range benchPoints(fmt.Sprint("c", c), n, 1700000000+int64(c)) {
			v, _ := otsdb.ValidatePoint(&p, svc.points)
			ms, _ := otsdb.NormalizeTimestamp(p.Timestamp)
			enc.add(p.Metric, p.Tags, ms, v)
		}
		cmds[c] = enc.bytes()
	}
	apply := func(i int) {
		err := db.Update(func(tx *bolt.Tx) error {
			cmd := &raftstore.Command{Type: cmdPut, Time: int64(i) * 1e9, Data: cmds[i%len(cmds)]}
			_, err := svc.applyPut(&raftstore.Apply{Tx: tx, Index: uint64(i + 1), Command: cmd})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for i := range cmds {
		apply(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		apply(i)
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(processCPU()-cpu0)/float64(time.Microsecond)/float64(b.N*n), "cpu-µs/point")
}

// BenchmarkPut measures Service.Put through raft on one node (log fsync
// on) from 8 concurrent writers with 1,000-point batches: validation,
// encoding, one raft command per batch, apply, acknowledgement.
func BenchmarkPut(b *testing.B) {
	svc := openService(b, DefaultConfig(), testclock.New(time.Unix(1700000000, 0)))
	const clients, n = 8, 1000
	batches := make([][]otsdb.PutPoint, clients)
	for c := range batches {
		batches[c] = benchPoints(fmt.Sprint("c", c), n, 1700000000)
		if _, err := svc.Put(context.Background(), batches[c]); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		c := int(next.Add(1)-1) % clients
		for pb.Next() {
			rep, err := svc.Put(context.Background(), batches[c])
			if err != nil || rep.Success != n {
				b.Error(rep.Success, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(processCPU()-cpu0)/float64(time.Microsecond)/float64(b.N*n), "cpu-µs/point")
}

// processCPU returns the user+system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLast measures Service.Last: one series by TSUID (counter
// method), one series with back_scan=24, and a metric with 10,000 series.
func BenchmarkLast(b *testing.B) {
	clock := testclock.New(time.Unix(1700000000, 0))
	svc := openService(b, DefaultConfig(), clock)
	ctx := context.Background()
	for c := 0; c < 10; c++ {
		if _, err := svc.Put(ctx, benchPoints(fmt.Sprint("c", c), 1000, 1700000000)); err != nil {
			b.Fatal(err)
		}
	}
	_, one, _ := otsdb.ParseTimeseries("bench.m{host=c0-0,dc=lga}")
	cases := []struct {
		name string
		q    otsdb.LastQuery
		want int
	}{
		{"one_series_tsuid", otsdb.LastQuery{Queries: []otsdb.LastSubQuery{{TSUIDs: []string{"000001000001000001000002000002"}}}}, 1},
		{"one_series_backscan24", otsdb.LastQuery{BackScan: 24, Queries: []otsdb.LastSubQuery{{Metric: "bench.m", Tags: one}}}, 1},
		{"metric_10000_series", otsdb.LastQuery{Queries: []otsdb.LastSubQuery{{Metric: "bench.m"}}}, 10000},
		{"metric_10000_series_resolve", otsdb.LastQuery{ResolveNames: true, Queries: []otsdb.LastSubQuery{{Metric: "bench.m"}}}, 10000},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r, err := svc.Last(ctx, &c.q, raftstore.ReadOptions{})
				if err != nil || len(r) != c.want {
					b.Fatal(len(r), err)
				}
			}
		})
	}
}
