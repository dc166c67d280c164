package server

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/compaction"
	"github.com/metahost/metahost/host/httpapi"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/tablet"
)

// DefaultPluginDir is where `make plugins` puts the first-party wasm
// policies.
const DefaultPluginDir = "bin/plugins"

// CompactionConfig configures the compaction scheduler ([compaction]).
// Unset values take the defaults.
type CompactionConfig struct {
	// Disable turns the scheduler off (default: on).
	Disable bool `toml:"disable" json:"disable"`
	// PluginDir holds size_based.wasm and time_series.wasm, registered and
	// bound (size_based as the default) at start-up when the catalog lacks
	// them (default "bin/plugins"; missing: the native policies run).
	PluginDir string `toml:"plugin_dir" json:"plugin_dir"`
	// Interval between scheduling rounds (0: 1s).
	Interval Duration `toml:"interval" json:"interval"`
	// RefreshInterval bounds how often the tablet summary is rebuilt after
	// changes (0: 1s).
	RefreshInterval Duration `toml:"refresh_interval" json:"refresh_interval"`
	// Concurrency is the number of compactions at once (0: 4).
	Concurrency int `toml:"concurrency" json:"concurrency"`
	// BuiltinExecutor runs jobs in-process (default true); false leaves
	// them to compute nodes (start_tablet_job / finish_tablet_job).
	BuiltinExecutor *bool `toml:"builtin_executor" json:"builtin_executor,omitempty"`
	// StaleSweepTime is tablet_rowset_stale_sweep_time_sec (0: 600s).
	StaleSweepTime Duration `toml:"stale_sweep_time" json:"stale_sweep_time"`
	// FailureBackoff is tablet_sched_delay_time_ms (0: 5s).
	FailureBackoff Duration `toml:"failure_backoff" json:"failure_backoff"`
}

func (c CompactionConfig) validate() []error {
	if c.Interval.Duration < 0 || c.RefreshInterval.Duration < 0 || c.StaleSweepTime.Duration < 0 || c.FailureBackoff.Duration < 0 || c.Concurrency < 0 {
		return []error{errors.New("compaction: intervals, times and concurrency must not be negative")}
	}
	return nil
}

// schedulerConfig converts the section into the scheduler's configuration.
func (c CompactionConfig) schedulerConfig(dataDir string) compaction.Config {
	out := compaction.DefaultConfig()
	out.DataDir = dataDir
	if c.Interval.Duration > 0 {
		out.Interval = c.Interval.Duration
	}
	if c.RefreshInterval.Duration > 0 {
		out.RefreshInterval = c.RefreshInterval.Duration
	}
	if c.Concurrency > 0 {
		out.Concurrency = c.Concurrency
	}
	if c.BuiltinExecutor != nil {
		out.BuiltinExecutor = *c.BuiltinExecutor
	}
	if c.StaleSweepTime.Duration > 0 {
		out.Policy.TabletRowsetStaleSweepTimeSec = int64(c.StaleSweepTime.Duration / time.Second)
	}
	if c.FailureBackoff.Duration > 0 {
		out.Policy.TabletSchedDelayTimeMs = c.FailureBackoff.Milliseconds()
	}
	return out
}

// startCompaction builds the scheduler and, unless disabled, runs it; the
// returned function stops it and waits for its jobs.
func startCompaction(cfg Config, tablets *tablet.Service, store *raftstore.Store, plugins *httpapi.PluginDeps, segments compaction.SegmentStore, logger hclog.Logger) (*compaction.Scheduler, func()) {
	dir := cfg.Compaction.PluginDir
	if dir == "" {
		dir = DefaultPluginDir
	}
	deps := compaction.Deps{Tablets: tablets, Store: store, Logger: logger,
		Executor: compaction.Builtin{Tablets: tablets, Segments: segments}}
	if plugins != nil {
		deps.Policies = compaction.PluginResolver{Catalog: plugins.Catalog, Manager: plugins.Manager}
		deps.OnLead = func(ctx context.Context) error {
			return compaction.EnsureDefaultPolicies(ctx, plugins.Catalog, dir, logger)
		}
	}
	sched := compaction.New(cfg.Compaction.schedulerConfig(cfg.DataDir), deps)
	if cfg.Compaction.Disable {
		return sched, func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); sched.Run(ctx) }()
	return sched, func() { cancel(); <-done }
}
