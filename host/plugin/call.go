package plugin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/metahost/metahost/sdk/abi"
)

// Call invokes export of the current version of plugin name with the request payload req and
// returns the OK payload of the response envelope. A guest-reported error is returned as a
// *CallError wrapping a *abi.GuestError; every other failure as a *CallError wrapping one of the
// package's errors (ErrTimeout, ErrTrap, ErrProtocol, ErrTooLarge, ErrCircuitOpen, ...) or the
// caller's context error. The returned bytes belong to the caller.
func (r *Runtime) Call(ctx context.Context, name, export string, req []byte) ([]byte, error) {
	return r.call(ctx, name, export, req, nil)
}

// call is Call with an optional decoder of the OK payload: a payload it rejects is a protocol
// violation (the instance is discarded and the breaker counts it).
func (r *Runtime) call(ctx context.Context, name, export string, req []byte, decode func([]byte) error) ([]byte, error) {
	s, v, err := r.acquire(name)
	if err != nil {
		return nil, err
	}
	defer v.release()
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	cerr := func(err error, stderr string) error {
		return &CallError{Plugin: name, Version: v.info.Version, Export: export, Stderr: stderr, Err: err}
	}
	if !v.exports[export] {
		return nil, cerr(fmt.Errorf("%w: the module does not export %s", ErrKind, export), "")
	}
	if len(req) > v.limits.MaxIOBytes {
		return nil, cerr(fmt.Errorf("%w: request of %d bytes (limit %d)", ErrTooLarge, len(req), v.limits.MaxIOBytes), "")
	}
	if !s.breaker.allow() {
		err := cerr(ErrCircuitOpen, "")
		s.stats.record(0, err, false, false, false)
		return nil, err
	}
	start := time.Now()
	payload, res := v.do(ctx, export, req, decode)
	d := time.Since(start)
	var err2 error
	if res.err != nil {
		err2 = cerr(res.err, res.stderr)
	}
	switch {
	case res.neutral:
		s.breaker.neutral()
	default:
		s.breaker.done(res.fault)
	}
	s.stats.record(d, err2, res.fault, res.timeout, res.trap)
	if res.fault {
		v.log.Warn("plugin call failed", "export", export, "error", err2)
	}
	return payload, err2
}

type outcome struct {
	err     error
	stderr  string
	fault   bool // counts against the breaker
	neutral bool // the caller gave up: neither a success nor a fault
	timeout bool
	trap    bool
}

func (v *version) do(ctx context.Context, export string, req []byte, decode func([]byte) error) ([]byte, outcome) {
	if err := ctx.Err(); err != nil {
		return nil, outcome{err: err, neutral: true}
	}
	inst, err := v.get(ctx)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, outcome{err: cerr, neutral: true}
		}
		return nil, outcome{err: err, fault: true, trap: errors.Is(err, ErrTrap)}
	}
	env, err := inst.call(withDeadline(ctx, time.Now().Add(v.limits.CallTimeout)), export, req, v.limits.MaxIOBytes)
	if err == nil {
		var payload []byte
		payload, err = abi.OpenEnvelope(env)
		if err == nil && decode != nil {
			if derr := decode(payload); derr != nil {
				err = fmt.Errorf("%w: %w", abi.ErrBadEnvelope, derr)
			}
		}
		var ge *abi.GuestError
		switch {
		case err == nil:
			v.put(inst)
			return payload, outcome{}
		case errors.As(err, &ge):
			v.put(inst)
			// A recovered panic is the plugin's fault; other guest errors are answers.
			return nil, outcome{err: err, fault: ge.Code == abi.CodePanic}
		}
		err = fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	stderr := inst.out.String()
	v.discard(inst)
	if cerr := ctx.Err(); cerr != nil {
		return nil, outcome{err: cerr, stderr: stderr, neutral: true}
	}
	cls, timeout, trap := classify(err)
	if timeout {
		cls = fmt.Errorf("%w (deadline %s)", cls, v.limits.CallTimeout)
	}
	return nil, outcome{err: cls, stderr: stderr, fault: true, timeout: timeout, trap: trap}
}

// deadlineCtx is a context with an earlier deadline but no timer (context.WithTimeout's costs
// about 0.9 µs a call): a metered guest checks the deadline itself whenever it refuels, so
// nothing needs to fire. Done is the parent's; Err reports the deadline once it has passed.
type deadlineCtx struct {
	context.Context
	deadline time.Time
}

func withDeadline(parent context.Context, d time.Time) context.Context {
	if pd, ok := parent.Deadline(); ok && pd.Before(d) {
		return parent
	}
	return deadlineCtx{Context: parent, deadline: d}
}

func (c deadlineCtx) Deadline() (time.Time, bool) { return c.deadline, true }

func (c deadlineCtx) Err() error {
	if err := c.Context.Err(); err != nil {
		return err
	}
	if !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}
