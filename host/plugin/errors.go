package plugin

import (
	"errors"
	"strings"
)

// Errors wrapped by the runtime. Test them with errors.Is.
var (
	// ErrNotFound: no plugin of that name is loaded.
	ErrNotFound = errors.New("plugin not found")
	// ErrChecksum: the module bytes do not match the pinned sha256.
	ErrChecksum = errors.New("plugin sha256 mismatch")
	// ErrInvalidModule: the module does not compile, lacks a required export, or declares an
	// unsupported ABI, kind or limit.
	ErrInvalidModule = errors.New("invalid plugin module")
	// ErrInvalidConfig: the plugin rejected its configuration (plugin_configure).
	ErrInvalidConfig = errors.New("invalid plugin configuration")
	// ErrTimeout: the call did not finish within its deadline; the guest was interrupted.
	ErrTimeout = errors.New("plugin call timed out")
	// ErrTrap: the guest trapped (a Go panic that escaped, out of memory, unreachable, exit).
	ErrTrap = errors.New("plugin trapped")
	// ErrProtocol: the guest answered something that is not a valid ABI v1 response.
	ErrProtocol = errors.New("plugin protocol violation")
	// ErrTooLarge: a request or a response exceeds the plugin's MaxIOBytes.
	ErrTooLarge = errors.New("plugin message too large")
	// ErrCircuitOpen: the plugin failed repeatedly and its circuit breaker rejects calls.
	ErrCircuitOpen = errors.New("plugin disabled by its circuit breaker")
	// ErrKind: the plugin does not implement the requested kind (policy, validator).
	ErrKind = errors.New("plugin does not implement this kind")
	// ErrClosed: the runtime is closed.
	ErrClosed = errors.New("plugin runtime closed")
)

// CallError is the error of a failed call: which plugin, version and export failed, the cause
// (wrapping one of the errors above, a *abi.GuestError, or the caller's context error) and the tail
// of the guest's stderr when the instance was discarded.
type CallError struct {
	Plugin  string
	Version string
	Export  string
	Stderr  string
	Err     error
}

// Error formats "plugin NAME@VERSION EXPORT: cause (guest stderr: ...)".
func (e *CallError) Error() string {
	var b strings.Builder
	b.WriteString("plugin ")
	b.WriteString(e.Plugin)
	b.WriteByte('@')
	b.WriteString(e.Version)
	b.WriteByte(' ')
	b.WriteString(e.Export)
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if s := strings.TrimSpace(e.Stderr); s != "" {
		b.WriteString(" (guest stderr: ")
		b.WriteString(s)
		b.WriteByte(')')
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *CallError) Unwrap() error { return e.Err }
