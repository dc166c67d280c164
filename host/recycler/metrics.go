package recycler

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Collectors returns the recycler's metrics (metahost_recycler_*), read
// from the replicated state at scrape time.
func (r *Recycler) Collectors() []prometheus.Collector {
	// One read serves every metric of a scrape.
	var mu sync.Mutex
	var cached Status
	var at time.Time
	read := func() Status {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) < time.Second {
			return cached
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if st, err := r.Status(ctx); err == nil {
			cached, at = st, time.Now()
		}
		return cached
	}
	count := func(state string) func() float64 {
		return func() float64 {
			n := 0
			for _, j := range read().Instances {
				if j.State == state {
					n++
				}
			}
			return float64(n)
		}
	}
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "metahost_recycler_objects_deleted_total", Help: "Objects the recycler deleted through the vault providers."},
			func() float64 { return float64(read().Totals.ObjectsDeleted) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "metahost_recycler_rowsets_recycled_total", Help: "Recycled rowsets (segment objects deleted, recycle key removed)."},
			func() float64 { return float64(read().Totals.RowsetsRecycled) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "metahost_recycler_instances_recycled_total", Help: "Dropped instances whose vault prefixes were emptied."},
			func() float64 { return float64(read().Totals.InstancesRecycled) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "metahost_recycler_instances_recycling", Help: "Dropped instances being recycled."}, count(StateRecycling)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "metahost_recycler_instances_refused", Help: "Dropped instances the recycler refused to empty (see GET /v1/recycler)."}, count(StateRefused)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "metahost_recycler_pending_rowsets", Help: "Recycle-rowset entries not yet recycled (due or not)."},
			func() float64 { return float64(read().PendingRowsets) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "metahost_recycler_leader", Help: "1 if the recycler runs on this node (the leader)."},
			func() float64 { return b2f(r.d.Store.IsLeader()) }),
	}
}
