package compaction

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/plugin/catalog"
	"github.com/metahost/metahost/host/plugin/manager"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/sizebased"
	"github.com/metahost/metahost/sdk/policy/timeseries"
)

// DefaultPolicies are the first-party policy plugins registered at start-up
// (plugins/NAME built to NAME.wasm in the plugin directory); the first one
// is bound as the default (table 0).
var DefaultPolicies = [...]string{policy.NameSizeBased, policy.NameTimeSeries}

// Bound is the policy a table runs for one job.
type Bound struct {
	// Policy runs the algorithm.
	Policy policy.Policy
	// Plugin is the catalog name of the plugin ("" for the native fallback).
	Plugin string
	// Err reports the first error of a plugin call (policy.Policy methods
	// cannot fail); nil for native policies.
	Err func() error
}

// check returns the bound plugin's first call error.
func (b Bound) check() error {
	if b.Err == nil {
		return nil
	}
	return b.Err()
}

// Resolver finds the policy bound to a table.
type Resolver interface {
	// Resolve returns the policy bound to tableID (or the default binding).
	// fallback names the policy to run natively when nothing is bound.
	Resolve(ctx context.Context, tableID int64, fallback string, cfg *policy.Config) (Bound, error)
}

// Native returns the native (Go) implementation of a first-party policy;
// an unknown name falls back to SIZE_BASED as Doris's
// CumulativeCompactionPolicyFactory does.
func Native(name string, cfg *policy.Config) policy.Policy {
	if name == policy.NameTimeSeries {
		return timeseries.New(cfg)
	}
	return sizebased.New(cfg)
}

// NativeResolver always runs the native policies (the tablet's own
// compaction_policy): used when no plugin manager exists.
type NativeResolver struct{}

// Resolve implements Resolver.
func (NativeResolver) Resolve(_ context.Context, _ int64, fallback string, cfg *policy.Config) (Bound, error) {
	return Bound{Policy: Native(fallback, cfg)}, nil
}

// PluginResolver runs the policy plugin the replicated catalog binds to a
// table, through this node's plugin manager, so a rebind or a version swap
// applies to the next job without a restart.
type PluginResolver struct {
	// Catalog holds the bindings.
	Catalog *catalog.Service
	// Manager loads and runs the plugins.
	Manager *manager.Manager
}

// Resolve implements Resolver. With no binding at all (no default either)
// it runs the native policy named fallback.
func (r PluginResolver) Resolve(ctx context.Context, tableID int64, fallback string, cfg *policy.Config) (Bound, error) {
	var name string
	if err := r.Catalog.View(ctx, raftstore.ReadOptions{Stale: true}, func(rd catalog.Reader) error {
		name = rd.PolicyFor(tableID)
		return nil
	}); err != nil {
		return Bound{}, fmt.Errorf("read policy binding of table %d: %w", tableID, err)
	}
	if name == "" {
		return Bound{Policy: Native(fallback, cfg)}, nil
	}
	return BindPlugin(ctx, r.Manager, name, cfg)
}

// BindPlugin loads the catalog's active version of the policy plugin name
// and binds it to cfg.
func BindPlugin(ctx context.Context, mgr *manager.Manager, name string, cfg *policy.Config) (Bound, error) {
	e, err := mgr.Ensure(ctx, name)
	if err != nil {
		return Bound{}, fmt.Errorf("load policy plugin %q: %w", name, err)
	}
	if e.Kind != catalog.KindPolicy {
		return Bound{}, fmt.Errorf("plugin %q is a %s, not a policy", name, e.Kind)
	}
	bp := mgr.Wasm().Policy(name).Bind(ctx, cfg)
	if err := bp.Err(); err != nil {
		return Bound{}, fmt.Errorf("bind policy plugin %q: %w", name, err)
	}
	return Bound{Policy: bp, Plugin: name, Err: bp.Err}, nil
}

// EnsureDefaultPolicies registers the first-party policy plugins found in
// dir (NAME.wasm) that the catalog lacks, and binds size_based as the
// default (table 0) when no default binding exists. A missing directory or
// module is logged and skipped: the scheduler then runs the native
// policies. It runs on the leader.
func EnsureDefaultPolicies(ctx context.Context, cat *catalog.Service, dir string, logger hclog.Logger) error {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	var registered map[string]bool
	var hasDefault bool
	if err := cat.View(ctx, raftstore.ReadOptions{}, func(rd catalog.Reader) error {
		registered = map[string]bool{}
		for _, e := range rd.Entries() {
			registered[e.Name] = true
		}
		for _, b := range rd.PolicyBindings() {
			if b.TableID == catalog.DefaultTable {
				hasDefault = true
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("read the plugin catalog: %w", err)
	}
	for _, name := range DefaultPolicies {
		if registered[name] {
			continue
		}
		path := filepath.Join(dir, name+".wasm")
		module, err := os.ReadFile(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				logger.Warn("first-party policy plugin not found; running the native policy instead (build it with `make plugins`)", "path", path)
				continue
			}
			return fmt.Errorf("read %s: %w", path, err)
		}
		sum := sha256.Sum256(module)
		sha := hex.EncodeToString(sum[:])
		reg := catalog.Registration{Name: name, Kind: catalog.KindPolicy, Runtime: catalog.RuntimeWasm,
			Version: "builtin-" + sha[:12], SHA256: sha, Module: module}
		if _, err := cat.Register(ctx, reg); err != nil {
			return fmt.Errorf("register policy plugin %s: %w", name, err)
		}
		registered[name] = true
		logger.Info("registered first-party policy plugin", "name", name, "sha256", sha)
	}
	if !hasDefault && registered[DefaultPolicies[0]] {
		if _, err := cat.BindPolicy(ctx, catalog.PolicyBinding{TableID: catalog.DefaultTable, Policy: DefaultPolicies[0]}); err != nil {
			return fmt.Errorf("bind the default policy: %w", err)
		}
		logger.Info("bound the default compaction policy", "policy", DefaultPolicies[0])
	}
	return nil
}
