// Package catalog is the replicated plugin catalog: which plugins exist
// (name, kind, runtime, versions pinned by sha256, configuration, enabled),
// the wasm module bytes of every registered version, and the bindings that
// say which tables use which compaction policy and which operations run
// which validators in what order.
//
// Everything here is a pure state transition over the replicated bbolt
// state, applied by raft on every node, so every node agrees on what runs
// where. Loading and running plugins is the node-local job of
// host/plugin/manager, which follows the catalog.
//
// Versions are immutable, as in Vault's catalog: a version, once
// registered, always names the same bytes. Registering a new version makes
// it the active one, which is how a plugin is swapped cluster-wide.
package catalog

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/raftstore"
	bolt "go.etcd.io/bbolt"
)

// Plugin kinds.
const (
	KindPolicy    = "policy"
	KindValidator = "validator"
	KindProvider  = "provider"
)

// Runtimes.
const (
	RuntimeWasm    = "wasm"
	RuntimeProcess = "process"
)

// What a validator binding does when its validator cannot answer (traps,
// times out, is disabled).
const (
	FailClosed = "fail_closed"
	FailOpen   = "fail_open"
)

// MaxModuleSize bounds an uploaded wasm module.
const MaxModuleSize = 32 << 20

// MaxConfigSize bounds a plugin's configuration.
const MaxConfigSize = 64 << 10

// DefaultTable is the table id of the default policy binding: tables with
// no binding of their own use it.
const DefaultTable = 0

// Version is one registered version of a plugin.
type Version struct {
	// Version is the operator's version string.
	Version string `json:"version"`
	// SHA256 is the hex digest of the wasm module or process binary.
	SHA256 string `json:"sha256"`
	// Path is a process plugin's binary (the same path on every node).
	Path string `json:"path,omitempty"`
	// Size is the wasm module's size in bytes.
	Size int `json:"size,omitempty"`
	// RegisteredAt is the registration time in Unix milliseconds.
	RegisteredAt int64 `json:"registered_at"`
}

// Entry is one plugin.
type Entry struct {
	// Name identifies the plugin.
	Name string `json:"name"`
	// Kind is KindPolicy, KindValidator or KindProvider.
	Kind string `json:"kind"`
	// Runtime is RuntimeWasm or RuntimeProcess.
	Runtime string `json:"runtime"`
	// Active is the version that runs.
	Active string `json:"active"`
	// Versions are every registered version, oldest first.
	Versions []Version `json:"versions"`
	// Enabled plugins run; a disabled plugin's calls fail (validator
	// bindings then apply their on_error rule).
	Enabled bool `json:"enabled"`
	// Config is handed to the plugin as is (its format is the plugin's).
	Config string `json:"config,omitempty"`
	// Args and Env are a process plugin's extra arguments and environment.
	Args []string `json:"args,omitempty"`
	Env  []string `json:"env,omitempty"`
	// CallTimeoutMS bounds one call (0: the runtime's default).
	CallTimeoutMS int64 `json:"call_timeout_ms,omitempty"`
	// Generation changes on every reload, telling nodes to load afresh.
	Generation uint64 `json:"generation"`
	// UpdatedAt is the time of the last change in Unix milliseconds.
	UpdatedAt int64 `json:"updated_at"`
}

// ActiveVersion returns the active version's record.
func (e *Entry) ActiveVersion() (Version, bool) {
	for _, v := range e.Versions {
		if v.Version == e.Active {
			return v, true
		}
	}
	return Version{}, false
}

// PolicyBinding binds a table to a compaction policy.
type PolicyBinding struct {
	// TableID is the table (DefaultTable for the default binding).
	TableID int64 `json:"table_id"`
	// Policy is the policy plugin's name.
	Policy string `json:"policy"`
}

// ValidatorBinding runs a validator on an operation.
type ValidatorBinding struct {
	// Operation is the mutation's name (e.g. "create_instance",
	// "alter_cluster", "put"), or "*" for every mutation.
	Operation string `json:"operation"`
	// Validator is the validator plugin's name.
	Validator string `json:"validator"`
	// Order sorts the validators of one operation (lower first).
	Order int `json:"order"`
	// OnError is FailClosed (deny when the validator cannot answer) or
	// FailOpen (allow).
	OnError string `json:"on_error"`
}

// Key families, in Doris key encoding so decode_key explains them.
const (
	familyPlugin        = "plugin"
	familyModule        = "plugin_module"
	familyPolicyBind    = "plugin_policy_binding"
	familyValidatorBind = "plugin_validator_binding"
)

func familyKey(family string) []byte {
	return keys.AppendBytes([]byte{keys.SpaceUser}, family)
}

func entryKey(name string) []byte { return keys.AppendBytes(familyKey(familyPlugin), name) }

func moduleKey(sha string) []byte { return keys.AppendBytes(familyKey(familyModule), sha) }

func policyBindKey(table int64) []byte {
	return keys.AppendInt64(familyKey(familyPolicyBind), table)
}

func validatorBindKey(op, name string) []byte {
	return keys.AppendBytes(keys.AppendBytes(familyKey(familyValidatorBind), op), name)
}

var (
	nameRE    = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,62}$`)
	versionRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$`)
	opRE      = regexp.MustCompile(`^(\*|[a-z][a-z0-9_]{0,63})$`)
)

func invalid(format string, args ...any) error {
	return raftstore.Errorf(raftstore.CodeInvalid, format, args...)
}

func notFound(format string, args ...any) error {
	return raftstore.Errorf(raftstore.CodeNotFound, format, args...)
}

func conflict(format string, args ...any) error {
	return raftstore.Errorf(CodeConflict, format, args...)
}

// CodeConflict is the error code of a change that conflicts with the
// catalog (an immutable version registered with other bytes, a plugin
// still bound).
const CodeConflict = "CONFLICT"

// Registration is a request to register a version of a plugin.
type Registration struct {
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	Runtime       string   `json:"runtime"`
	Version       string   `json:"version"`
	SHA256        string   `json:"sha256"`
	Path          string   `json:"path,omitempty"`
	Module        []byte   `json:"module,omitempty"`
	Config        string   `json:"config,omitempty"`
	Args          []string `json:"args,omitempty"`
	Env           []string `json:"env,omitempty"`
	CallTimeoutMS int64    `json:"call_timeout_ms,omitempty"`
}

// Check validates a registration on its own (no state needed), including
// that a wasm module's bytes have the pinned digest.
func (r *Registration) Check() error {
	switch {
	case !nameRE.MatchString(r.Name):
		return invalid("plugin name %q: want lower-case letters, digits, '_', '.', '-', starting with a letter, at most 63", r.Name)
	case r.Kind != KindPolicy && r.Kind != KindValidator && r.Kind != KindProvider:
		return invalid("plugin kind %q: want policy, validator or provider", r.Kind)
	case r.Runtime != RuntimeWasm && r.Runtime != RuntimeProcess:
		return invalid("plugin runtime %q: want wasm or process", r.Runtime)
	case r.Kind == KindProvider && r.Runtime != RuntimeProcess:
		return invalid("a provider needs the process runtime (wasm plugins have no network)")
	case !versionRE.MatchString(r.Version):
		return invalid("plugin version %q: want 1 to 64 of [0-9A-Za-z.+_-]", r.Version)
	case !isSHA256(r.SHA256):
		return invalid("sha256 %q: want 64 lower-case hex digits", r.SHA256)
	case r.CallTimeoutMS < 0:
		return invalid("call_timeout_ms must not be negative")
	case len(r.Config) > MaxConfigSize:
		return invalid("config is %d bytes, more than %d", len(r.Config), MaxConfigSize)
	}
	switch r.Runtime {
	case RuntimeWasm:
		if len(r.Module) == 0 {
			return invalid("a wasm plugin needs its module bytes")
		}
		if len(r.Module) > MaxModuleSize {
			return invalid("module is %d bytes, more than %d", len(r.Module), MaxModuleSize)
		}
		if got := SHA256Hex(r.Module); got != r.SHA256 {
			return invalid("module sha256 is %s, not the pinned %s", got, r.SHA256)
		}
		if r.Path != "" || len(r.Args) > 0 || len(r.Env) > 0 {
			return invalid("path, args and env are for process plugins")
		}
	case RuntimeProcess:
		if len(r.Module) > 0 {
			return invalid("a process plugin is registered by path, not by module bytes")
		}
		if !filepath.IsAbs(r.Path) {
			return invalid("process plugin path %q must be absolute", r.Path)
		}
	}
	return nil
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && s == string(bytes.ToLower([]byte(s)))
}

// Reader reads the catalog from a transaction.
type Reader struct{ b *bolt.Bucket }

// Read returns a Reader over tx's state.
func Read(tx *bolt.Tx) Reader { return Reader{b: raftstore.Data(tx)} }

// Entry returns a plugin's entry.
func (r Reader) Entry(name string) (Entry, bool) {
	v := r.b.Get(entryKey(name))
	if v == nil {
		return Entry{}, false
	}
	var e Entry
	if json.Unmarshal(v, &e) != nil {
		return Entry{}, false
	}
	return e, true
}

// Entries returns every plugin in name order.
func (r Reader) Entries() []Entry {
	var out []Entry
	p := familyKey(familyPlugin)
	c := r.b.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		var e Entry
		if json.Unmarshal(v, &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

// Module returns a wasm module's bytes by digest. The slice is valid only
// inside the transaction.
func (r Reader) Module(sha string) []byte { return r.b.Get(moduleKey(sha)) }

// PolicyFor returns the policy bound to table, falling back to the default
// binding ("" if neither exists).
func (r Reader) PolicyFor(table int64) string {
	for _, t := range []int64{table, DefaultTable} {
		var pb PolicyBinding
		if v := r.b.Get(policyBindKey(t)); v != nil && json.Unmarshal(v, &pb) == nil {
			return pb.Policy
		}
	}
	return ""
}

// PolicyBindings returns every policy binding in table order.
func (r Reader) PolicyBindings() []PolicyBinding {
	var out []PolicyBinding
	p := familyKey(familyPolicyBind)
	c := r.b.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		var pb PolicyBinding
		if json.Unmarshal(v, &pb) == nil {
			out = append(out, pb)
		}
	}
	return out
}

// ValidatorBindings returns the validators that run on op: its own
// bindings and the "*" ones, sorted by order then name.
func (r Reader) ValidatorBindings(op string) []ValidatorBinding {
	out := r.validatorBindingsExact(op)
	if op != "*" {
		out = append(out, r.validatorBindingsExact("*")...)
	}
	slices.SortStableFunc(out, func(a, b ValidatorBinding) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.Validator, b.Validator)
	})
	return out
}

// AllValidatorBindings returns every validator binding.
func (r Reader) AllValidatorBindings() []ValidatorBinding {
	return r.scanValidatorBindings(familyKey(familyValidatorBind))
}

func (r Reader) validatorBindingsExact(op string) []ValidatorBinding {
	p := keys.AppendBytes(familyKey(familyValidatorBind), op)
	return r.scanValidatorBindings(p)
}

func (r Reader) scanValidatorBindings(p []byte) []ValidatorBinding {
	var out []ValidatorBinding
	c := r.b.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		var vb ValidatorBinding
		if json.Unmarshal(v, &vb) == nil {
			out = append(out, vb)
		}
	}
	return out
}

// bound reports what binds plugin name, for refusing its removal.
func (r Reader) bound(name string) string {
	for _, pb := range r.PolicyBindings() {
		if pb.Policy == name {
			return fmt.Sprintf("table %d", pb.TableID)
		}
	}
	for _, vb := range r.AllValidatorBindings() {
		if vb.Validator == name {
			return fmt.Sprintf("operation %q", vb.Operation)
		}
	}
	return ""
}
