//go:build !wasip1

package guest

import (
	"fmt"
	"os"

	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/validator"
)

// native holds what a plugin registered when its package is built for the host platform (for
// example by go vet); Registered returns it.
var native = NewInstance()

// RegisterPolicy makes this module a compaction policy. Call it from init.
func RegisterPolicy(info Info, f PolicyFactory) { native.RegisterPolicy(info, f) }

// RegisterValidator makes this module a request validator. Call it from init.
func RegisterValidator(info Info, v validator.Validator) { native.RegisterValidator(info, v) }

// OnConfigure sets the handler of the plugin's configuration. Call it from init.
func OnConfigure(f func(config []byte) error) { native.OnConfigure(f) }

// Registered returns the instance the plugin's init functions registered into (native builds only).
func Registered() *Instance { return native }

// Log writes a log line to stderr (native builds; the wasm build calls the host's logger).
func Log(level abi.Level, msg string) { fmt.Fprintf(os.Stderr, "[%d] %s\n", level, msg) }

// LogEnabled reports whether a line at level would be written (always true natively).
func LogEnabled(abi.Level) bool { return true }
