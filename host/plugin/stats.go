package plugin

import (
	"github.com/metahost/metahost/host/plugin/latency"
	"sync"
	"time"
)

// Stats are a plugin's call statistics, across its versions.
type Stats struct {
	// Name is the plugin name; Version the version currently loaded.
	Name    string
	Version string
	// Calls and Errors count calls since the plugin was first loaded. Errors include denials by
	// the breaker, guest errors, traps, timeouts and protocol violations.
	Calls  uint64
	Errors uint64
	// Faults counts errors that the breaker counts (traps, timeouts, protocol violations, panics).
	Faults uint64
	// Timeouts and Traps break Faults down.
	Timeouts uint64
	Traps    uint64
	// P50 and P99 are latency percentiles over the last 1024 calls.
	P50 time.Duration
	P99 time.Duration
	// InFlight is the number of calls running now.
	InFlight int64
	// Instances is the number of live instances of the current version; Discarded counts
	// instances thrown away after an error or recycled.
	Instances int
	Discarded uint64
	// Breaker is "closed", "open" or "half-open"; Disabled is true while it rejects calls.
	Breaker  string
	Disabled bool
	// Loads counts versions loaded under this name (hot swaps + 1).
	Loads uint64
}

type stats struct {
	mu        sync.Mutex
	calls     uint64
	errors    uint64
	faults    uint64
	timeouts  uint64
	traps     uint64
	discarded uint64
	loads     uint64
	lat       latency.Window
}

func (s *stats) record(d time.Duration, err error, fault, timeout, trap bool) {
	s.mu.Lock()
	s.calls++
	if err != nil {
		s.errors++
	}
	if fault {
		s.faults++
	}
	if timeout {
		s.timeouts++
	}
	if trap {
		s.traps++
	}
	s.lat.Add(d)
	s.mu.Unlock()
}

func (s *stats) addDiscarded() {
	s.mu.Lock()
	s.discarded++
	s.mu.Unlock()
}

func (s *stats) snapshot(out *Stats) {
	s.mu.Lock()
	out.Calls, out.Errors, out.Faults = s.calls, s.errors, s.faults
	out.Timeouts, out.Traps, out.Discarded, out.Loads = s.timeouts, s.traps, s.discarded, s.loads
	out.P50, out.P99 = s.lat.Percentiles()
	s.mu.Unlock()
}
