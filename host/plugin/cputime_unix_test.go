//go:build unix

package plugin_test

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user+system CPU time (benchmarks report it next to wall time,
// which a loaded machine inflates).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
