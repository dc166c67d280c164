package process

import (
	"github.com/metahost/metahost/host/plugin/latency"
	"sync"
	"time"
)

// Stats counts a plugin's calls and keeps its recent latencies.
type Stats struct {
	mu            sync.Mutex
	calls, errors uint64
	restarts      uint64
	failedStarts  uint64
	breakerTrips  uint64
	latencies     latency.Window
}

// Snapshot is a point-in-time copy of a plugin's stats.
type Snapshot struct {
	Calls        uint64        `json:"calls"`
	Errors       uint64        `json:"errors"`
	Restarts     uint64        `json:"restarts"`
	FailedStarts uint64        `json:"failed_starts"`
	BreakerTrips uint64        `json:"breaker_trips"`
	Disabled     bool          `json:"disabled"`
	P50          time.Duration `json:"p50_ns"`
	P99          time.Duration `json:"p99_ns"`
}

func newStats() *Stats { return &Stats{} }

// record counts one call; elapsed is 0 for a call refused before it reached
// the plugin (not part of the latency figures).
func (s *Stats) record(elapsed time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if err != nil {
		s.errors++
	}
	if elapsed > 0 {
		s.latencies.Add(elapsed)
	}
}

func (s *Stats) restarted() {
	s.mu.Lock()
	s.restarts++
	s.mu.Unlock()
}

func (s *Stats) restartFailed() {
	s.mu.Lock()
	s.failedStarts++
	s.mu.Unlock()
}

func (s *Stats) tripped() {
	s.mu.Lock()
	s.breakerTrips++
	s.mu.Unlock()
}

func (s *Stats) snapshot(disabled bool) Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Snapshot{Calls: s.calls, Errors: s.errors, Restarts: s.restarts, FailedStarts: s.failedStarts, BreakerTrips: s.breakerTrips, Disabled: disabled}
	out.P50, out.P99 = s.latencies.Percentiles()
	return out
}
