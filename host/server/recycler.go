package server

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/httpapi"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/plugin/manager"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/recycler"
	"github.com/metahost/metahost/host/vault"
)

// VaultConfig configures how the host reaches storage vaults ([vault]).
type VaultConfig struct {
	// ProviderDir holds the first-party provider binaries (s3, cos, oss,
	// hdfs), registered into the catalog by the leader at start-up when
	// absent, pinned by sha256 (default "bin/providers"; a missing binary
	// is skipped).
	ProviderDir string `toml:"provider_dir" json:"provider_dir"`
	// ProbeOnCreate probes every vault create_instance and add_obj_info
	// bring (default false, so Doris clients whose storage this node cannot
	// reach keep working); a request asks for it with ?probe=true.
	ProbeOnCreate bool `toml:"probe_on_create" json:"probe_on_create"`
	// Scheme is how the S3-protocol providers reach an endpoint, "http"
	// (default, Doris's s3_client_http_scheme) or "https".
	Scheme string `toml:"scheme" json:"scheme"`
}

// RecyclerConfig configures the recycler ([recycler]).
type RecyclerConfig struct {
	// Disable stops the recycler's rounds (default: on); provider discovery
	// still runs, and POST /v1/recycler/run still runs a round.
	Disable bool `toml:"disable" json:"disable"`
	// InstanceRetention is how long a dropped instance's objects are kept
	// (0: 7 days).
	InstanceRetention Duration `toml:"instance_retention" json:"instance_retention"`
	// Interval between rounds (0: 10s).
	Interval Duration `toml:"interval" json:"interval"`
	// BatchSize is the number of objects per delete call and progress
	// record (0: 1000, the maximum).
	BatchSize int `toml:"batch_size" json:"batch_size"`
}

func (c VaultConfig) validate() []error {
	if c.Scheme != "" && c.Scheme != "http" && c.Scheme != "https" {
		return []error{errors.New(`vault: scheme must be "http" or "https"`)}
	}
	return nil
}

func (c RecyclerConfig) validate() []error {
	if c.InstanceRetention.Duration < 0 || c.Interval.Duration < 0 || c.BatchSize < 0 {
		return []error{errors.New("recycler: retention, interval and batch size must not be negative")}
	}
	return nil
}

// newVaultResolver builds the vault resolver over the plugin manager.
func newVaultResolver(cfg Config, metaSvc *meta.Service, mgr *manager.Manager) *vault.Resolver {
	return vault.NewResolver(metaSvc, mgr.Call, vault.Options{Scheme: cfg.Vault.Scheme})
}

// startRecycler builds the recycler and, unless disabled, runs it; its
// leader start-up registers the first-party providers. The returned
// function stops it.
func startRecycler(cfg Config, store *raftstore.Store, metaSvc *meta.Service, vaults *vault.Resolver, plugins *httpapi.PluginDeps, logger hclog.Logger) (*recycler.Recycler, func()) {
	stale := cfg.Compaction.StaleSweepTime.Duration
	if stale <= 0 {
		stale = 600 * time.Second
	}
	deps := recycler.Deps{Store: store, Meta: metaSvc, Vaults: vaults, Logger: logger}
	if plugins != nil {
		deps.OnLead = func(ctx context.Context) error {
			_, err := vault.EnsureProviders(ctx, plugins.Catalog, cfg.Vault.ProviderDir, logger)
			return err
		}
	}
	rec := recycler.New(recycler.Config{
		InstanceRetention: cfg.Recycler.InstanceRetention.Duration,
		StaleRetention:    stale,
		Interval:          cfg.Recycler.Interval.Duration,
		BatchSize:         cfg.Recycler.BatchSize,
		Paused:            cfg.Recycler.Disable,
	}, deps)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); rec.Run(ctx) }()
	return rec, func() { cancel(); <-done }
}
