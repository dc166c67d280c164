package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/metahost/metahost/host/raftstore"
	bolt "go.etcd.io/bbolt"
)

// Command types.
const (
	cmdRegister        = "plugin.register"
	cmdSetEnabled      = "plugin.set_enabled"
	cmdActivate        = "plugin.activate"
	cmdReload          = "plugin.reload"
	cmdDeregister      = "plugin.deregister"
	cmdBindPolicy      = "plugin.bind_policy"
	cmdUnbindPolicy    = "plugin.unbind_policy"
	cmdBindValidator   = "plugin.bind_validator"
	cmdUnbindValidator = "plugin.unbind_validator"
)

// SHA256Hex returns the lower-case hex sha256 of b.
func SHA256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Register adds the catalog's command handlers.
func Register(h raftstore.Handlers) {
	h.Add(cmdRegister, jsonHandler(applyRegister))
	h.Add(cmdSetEnabled, jsonHandler(applySetEnabled))
	h.Add(cmdActivate, jsonHandler(applyActivate))
	h.Add(cmdReload, jsonHandler(applyReload))
	h.Add(cmdDeregister, jsonHandler(applyDeregister))
	h.Add(cmdBindPolicy, jsonHandler(applyBindPolicy))
	h.Add(cmdUnbindPolicy, jsonHandler(applyUnbindPolicy))
	h.Add(cmdBindValidator, jsonHandler(applyBindValidator))
	h.Add(cmdUnbindValidator, jsonHandler(applyUnbindValidator))
}

// jsonHandler decodes a command's JSON payload into T and applies it.
func jsonHandler[T any](apply func(a *raftstore.Apply, req *T) (any, error)) raftstore.Handler {
	return func(a *raftstore.Apply) ([]byte, error) {
		req := new(T)
		if err := json.Unmarshal(a.Command.Data, req); err != nil {
			return nil, invalid("bad %s command: %v", a.Command.Type, err)
		}
		out, err := apply(a, req)
		if err != nil || out == nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}

// nameReq names a plugin.
type nameReq struct {
	Name string `json:"name"`
}

type setEnabledReq struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
}

type activateReq struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type unbindPolicyReq struct {
	TableID int64 `json:"table_id"`
}

type unbindValidatorReq struct {
	Operation string `json:"operation"`
	Validator string `json:"validator"`
}

func nowMS(a *raftstore.Apply) int64 { return a.Command.Now().UnixMilli() }

func putEntry(a *raftstore.Apply, e *Entry) error {
	e.UpdatedAt = nowMS(a)
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return a.Data().Put(entryKey(e.Name), v)
}

func mustEntry(a *raftstore.Apply, name string) (Entry, error) {
	e, ok := Reader{b: a.Data()}.Entry(name)
	if !ok {
		return Entry{}, notFound("plugin %q is not registered", name)
	}
	return e, nil
}

func applyRegister(a *raftstore.Apply, r *Registration) (any, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	e, exists := Reader{b: a.Data()}.Entry(r.Name)
	if exists {
		if e.Kind != r.Kind || e.Runtime != r.Runtime {
			return nil, conflict("plugin %q is a %s %s plugin; a new version cannot be a %s %s plugin", r.Name, e.Runtime, e.Kind, r.Runtime, r.Kind)
		}
	} else {
		e = Entry{Name: r.Name, Kind: r.Kind, Runtime: r.Runtime, Enabled: true}
	}
	i := slices.IndexFunc(e.Versions, func(v Version) bool { return v.Version == r.Version })
	if i >= 0 {
		old := e.Versions[i]
		if old.SHA256 != r.SHA256 || old.Path != r.Path {
			return nil, conflict("version %s of plugin %q is registered with sha256 %s; versions are immutable, register a new version", r.Version, r.Name, old.SHA256)
		}
	} else {
		e.Versions = append(e.Versions, Version{Version: r.Version, SHA256: r.SHA256, Path: r.Path, Size: len(r.Module), RegisteredAt: nowMS(a)})
	}
	if r.Runtime == RuntimeWasm {
		if err := a.Data().Put(moduleKey(r.SHA256), r.Module); err != nil {
			return nil, err
		}
	}
	if exists && (e.Config != r.Config || !slices.Equal(e.Args, r.Args) || !slices.Equal(e.Env, r.Env) || e.CallTimeoutMS != r.CallTimeoutMS) {
		// Same bytes, new settings: nodes must load afresh.
		e.Generation++
	}
	e.Active = r.Version
	e.Config, e.Args, e.Env, e.CallTimeoutMS = r.Config, r.Args, r.Env, r.CallTimeoutMS
	if err := putEntry(a, &e); err != nil {
		return nil, err
	}
	return e, nil
}

func applySetEnabled(a *raftstore.Apply, r *setEnabledReq) (any, error) {
	e, err := mustEntry(a, r.Name)
	if err != nil {
		return nil, err
	}
	e.Enabled = r.Enabled
	if err := putEntry(a, &e); err != nil {
		return nil, err
	}
	return e, nil
}

func applyActivate(a *raftstore.Apply, r *activateReq) (any, error) {
	e, err := mustEntry(a, r.Name)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(e.Versions, func(v Version) bool { return v.Version == r.Version }) {
		return nil, notFound("plugin %q has no version %q", r.Name, r.Version)
	}
	e.Active = r.Version
	if err := putEntry(a, &e); err != nil {
		return nil, err
	}
	return e, nil
}

func applyReload(a *raftstore.Apply, r *nameReq) (any, error) {
	e, err := mustEntry(a, r.Name)
	if err != nil {
		return nil, err
	}
	e.Generation++
	if err := putEntry(a, &e); err != nil {
		return nil, err
	}
	return e, nil
}

func applyDeregister(a *raftstore.Apply, r *nameReq) (any, error) {
	e, err := mustEntry(a, r.Name)
	if err != nil {
		return nil, err
	}
	rd := Reader{b: a.Data()}
	if where := rd.bound(r.Name); where != "" {
		return nil, conflict("plugin %q is bound to %s; unbind it first", r.Name, where)
	}
	for _, v := range e.Versions {
		if e.Runtime == RuntimeWasm && !moduleShared(rd, r.Name, v.SHA256) {
			if err := a.Data().Delete(moduleKey(v.SHA256)); err != nil {
				return nil, err
			}
		}
	}
	return nil, a.Data().Delete(entryKey(r.Name))
}

// moduleShared reports whether another plugin registered the same bytes.
func moduleShared(rd Reader, except, sha string) bool {
	for _, e := range rd.Entries() {
		if e.Name == except {
			continue
		}
		for _, v := range e.Versions {
			if v.SHA256 == sha {
				return true
			}
		}
	}
	return false
}

func applyBindPolicy(a *raftstore.Apply, r *PolicyBinding) (any, error) {
	if r.TableID < 0 {
		return nil, invalid("table_id %d: want a table id, or 0 for the default binding", r.TableID)
	}
	e, err := mustEntry(a, r.Policy)
	if err != nil {
		return nil, err
	}
	if e.Kind != KindPolicy {
		return nil, invalid("plugin %q is a %s, not a policy", r.Policy, e.Kind)
	}
	v, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return r, a.Data().Put(policyBindKey(r.TableID), v)
}

func applyUnbindPolicy(a *raftstore.Apply, r *unbindPolicyReq) (any, error) {
	k := policyBindKey(r.TableID)
	if a.Data().Get(k) == nil {
		return nil, notFound("table %d has no policy binding", r.TableID)
	}
	return nil, a.Data().Delete(k)
}

func applyBindValidator(a *raftstore.Apply, r *ValidatorBinding) (any, error) {
	if !opRE.MatchString(r.Operation) {
		return nil, invalid("operation %q: want an operation name such as create_instance, or *", r.Operation)
	}
	switch r.OnError {
	case "":
		r.OnError = FailClosed
	case FailClosed, FailOpen:
	default:
		return nil, invalid("on_error %q: want fail_closed or fail_open", r.OnError)
	}
	e, err := mustEntry(a, r.Validator)
	if err != nil {
		return nil, err
	}
	if e.Kind != KindValidator {
		return nil, invalid("plugin %q is a %s, not a validator", r.Validator, e.Kind)
	}
	v, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return r, a.Data().Put(validatorBindKey(r.Operation, r.Validator), v)
}

func applyUnbindValidator(a *raftstore.Apply, r *unbindValidatorReq) (any, error) {
	k := validatorBindKey(r.Operation, r.Validator)
	if a.Data().Get(k) == nil {
		return nil, notFound("validator %q is not bound to operation %q", r.Validator, r.Operation)
	}
	return nil, a.Data().Delete(k)
}

// Service changes and reads the catalog through a store.
type Service struct {
	store *raftstore.Store
}

// NewService returns a Service over store.
func NewService(store *raftstore.Store) *Service { return &Service{store: store} }

func submit[T any](ctx context.Context, s *Service, typ string, req any) (T, error) {
	var out T
	data, err := json.Marshal(req)
	if err != nil {
		return out, fmt.Errorf("encode %s: %w", typ, err)
	}
	res, err := s.store.Submit(ctx, typ, data)
	if err != nil || len(res) == 0 {
		return out, err
	}
	if err := json.Unmarshal(res, &out); err != nil {
		return out, fmt.Errorf("decode %s result: %w", typ, err)
	}
	return out, nil
}

// Register registers (and activates) a version.
func (s *Service) Register(ctx context.Context, r Registration) (Entry, error) {
	if err := r.Check(); err != nil {
		return Entry{}, err
	}
	return submit[Entry](ctx, s, cmdRegister, r)
}

// SetEnabled enables or disables a plugin.
func (s *Service) SetEnabled(ctx context.Context, name string, enabled bool) (Entry, error) {
	return submit[Entry](ctx, s, cmdSetEnabled, setEnabledReq{Name: name, Enabled: enabled})
}

// Activate makes a registered version the active one.
func (s *Service) Activate(ctx context.Context, name, version string) (Entry, error) {
	return submit[Entry](ctx, s, cmdActivate, activateReq{Name: name, Version: version})
}

// Reload tells every node to load the plugin afresh.
func (s *Service) Reload(ctx context.Context, name string) (Entry, error) {
	return submit[Entry](ctx, s, cmdReload, nameReq{Name: name})
}

// Deregister removes an unbound plugin and its modules.
func (s *Service) Deregister(ctx context.Context, name string) error {
	_, err := submit[struct{}](ctx, s, cmdDeregister, nameReq{Name: name})
	return err
}

// BindPolicy binds a table (or DefaultTable) to a policy.
func (s *Service) BindPolicy(ctx context.Context, b PolicyBinding) (PolicyBinding, error) {
	return submit[PolicyBinding](ctx, s, cmdBindPolicy, b)
}

// UnbindPolicy removes a table's policy binding.
func (s *Service) UnbindPolicy(ctx context.Context, table int64) error {
	_, err := submit[struct{}](ctx, s, cmdUnbindPolicy, unbindPolicyReq{TableID: table})
	return err
}

// BindValidator runs a validator on an operation.
func (s *Service) BindValidator(ctx context.Context, b ValidatorBinding) (ValidatorBinding, error) {
	return submit[ValidatorBinding](ctx, s, cmdBindValidator, b)
}

// UnbindValidator removes a validator binding.
func (s *Service) UnbindValidator(ctx context.Context, op, validator string) error {
	_, err := submit[struct{}](ctx, s, cmdUnbindValidator, unbindValidatorReq{Operation: op, Validator: validator})
	return err
}

// View runs fn on a Reader with the given consistency.
func (s *Service) View(ctx context.Context, opts raftstore.ReadOptions, fn func(Reader) error) error {
	return s.store.View(ctx, opts, func(tx *bolt.Tx) error { return fn(Read(tx)) })
}
