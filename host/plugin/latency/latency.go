// Package latency keeps a plugin's most recent call latencies and reports
// their percentiles, for the per-plugin stats of both plugin runtimes.
package latency

import (
	"slices"
	"time"
)

// Size is how many recent latencies a Window keeps.
const Size = 1024

// Window holds the last Size latencies. It is not safe for concurrent use:
// callers guard it with the lock that guards their other counters.
type Window struct {
	lat [Size]time.Duration
	n   int // latencies ever added
}

// Add records one latency, replacing the oldest when the window is full.
func (w *Window) Add(d time.Duration) {
	w.lat[w.n%Size] = d
	w.n++
}

// Percentiles returns the median and the 99th percentile of the window
// (zero when it is empty).
func (w *Window) Percentiles() (p50, p99 time.Duration) {
	n := min(w.n, Size)
	if n == 0 {
		return 0, 0
	}
	lat := slices.Clone(w.lat[:n])
	slices.Sort(lat)
	return lat[(n-1)*50/100], lat[(n-1)*99/100]
}
