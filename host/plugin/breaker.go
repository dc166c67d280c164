package plugin

import (
	"sync"
	"time"
)

// breaker is a consecutive-failure circuit breaker: after threshold faults in a row it opens and
// rejects calls for cooldown; then it lets one trial call through (half-open), which closes it on
// success or reopens it on a fault.
type breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time

	mu       sync.Mutex
	fails    int
	openAt   time.Time
	open     bool
	trialOut bool
}

// allow reports whether a call may proceed.
func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open {
		return true
	}
	if b.now().Sub(b.openAt) < b.cooldown || b.trialOut {
		return false
	}
	b.trialOut = true
	return true
}

// done records the outcome of an allowed call.
func (b *breaker) done(fault bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !fault {
		b.fails, b.open, b.trialOut = 0, false, false
		return
	}
	b.fails++
	if b.open || b.fails >= b.threshold {
		b.open, b.openAt, b.trialOut = true, b.now(), false
	}
}

// neutral records an allowed call that neither succeeded nor faulted (the caller gave up).
func (b *breaker) neutral() {
	b.mu.Lock()
	b.trialOut = false
	b.mu.Unlock()
}

// reset closes the breaker (a new version was loaded).
func (b *breaker) reset() {
	b.mu.Lock()
	b.fails, b.open, b.trialOut = 0, false, false
	b.mu.Unlock()
}

func (b *breaker) state() (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case !b.open:
		return "closed", false
	case b.now().Sub(b.openAt) >= b.cooldown:
		return "half-open", false
	}
	return "open", true
}
