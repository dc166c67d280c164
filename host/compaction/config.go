// Package compaction is metahost's compaction scheduler for the tablets of
// host/tablet: on the raft leader it scores tablets from an in-memory
// summary (compaction spec §6), asks each table's bound policy plugin for
// input rowsets (§4, §5), records a job with a lease (§8.2) and hands it to
// an executor; the built-in executor merges the input rowsets' metadata into
// one output rowset and commits the job (§8.3). It also builds the Doris BE
// compaction API's answers (§1, §2) and evaluates policies on rowset lists
// given as JSON (the dry-run endpoint).
package compaction

import (
	"time"

	"github.com/metahost/metahost/sdk/policy"
)

// Config configures a Scheduler.
type Config struct {
	// Interval is how often the scheduler runs a round (default 1s; Doris
	// generate_compaction_tasks_interval_ms is 100 ms).
	Interval time.Duration
	// RefreshInterval bounds how often the in-memory tablet summary is
	// rebuilt from the replicated state when it changed (default 1s).
	RefreshInterval time.Duration
	// Concurrency is the number of compactions run at once (default 4,
	// compaction_task_num_per_disk).
	Concurrency int
	// BuiltinExecutor runs picked jobs in-process (default true). When
	// false the scheduler only scores, backs off and expires stale paths;
	// compute nodes lease jobs with start_tablet_job.
	BuiltinExecutor bool
	// DataDir names the single "data dir" of run_status.
	DataDir string
	// Policy holds the BE settings of spec §3.
	Policy policy.Config
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Interval:        time.Second,
		RefreshInterval: time.Second,
		Concurrency:     4,
		BuiltinExecutor: true,
		Policy:          policy.DefaultConfig(),
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Interval <= 0 {
		c.Interval = d.Interval
	}
	if c.RefreshInterval <= 0 {
		c.RefreshInterval = d.RefreshInterval
	}
	if c.Concurrency <= 0 {
		c.Concurrency = d.Concurrency
	}
	if c.Policy.CumulativeCompactionMaxDeltas == 0 {
		c.Policy = d.Policy
	}
	return c
}
