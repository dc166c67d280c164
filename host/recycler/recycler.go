// Package recycler deletes, through the storage-vault providers, the
// objects nothing references any more: every object under each vault
// prefix of an instance dropped longer than the retention ago, and the
// segment objects of rowsets queued for recycling (the inputs of a
// committed compaction once their stale version path expired, and prepared
// rowsets whose load was abandoned).
//
// It runs on the leader only. Progress (objects deleted, the vault being
// emptied, the state) is replicated with every batch, so a restart or a new
// leader resumes where the last one stopped: deleting a prefix is
// idempotent, and recycle keys leave the state only once their objects are
// gone. It never deletes a vault without a prefix (a whole bucket) nor a
// prefix that overlaps a live instance's vault.
package recycler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/vault"
	"github.com/metahost/metahost/sdk/provider"
	bolt "go.etcd.io/bbolt"
)

// Config tunes the recycler ([recycler]).
type Config struct {
	// InstanceRetention is how long a dropped instance's objects are kept
	// (default 7 days).
	InstanceRetention time.Duration
	// StaleRetention is how long a compaction's input rowsets are kept
	// after the compaction committed: their stale version path's lifetime
	// (default 600 s, tablet_rowset_stale_sweep_time_sec).
	StaleRetention time.Duration
	// Interval between rounds (default 10 s).
	Interval time.Duration
	// BatchSize is the number of objects deleted per provider call and per
	// replicated progress record (default and maximum 1000).
	BatchSize int
	// MaxRowsetsPerRound bounds the rowsets recycled in one round
	// (default 1000).
	MaxRowsetsPerRound int
	// Paused makes Run skip the rounds; the leader start-up (provider
	// discovery) still runs, and RunOnce still works on demand.
	Paused bool
}

func (c Config) withDefaults() Config {
	if c.InstanceRetention <= 0 {
		c.InstanceRetention = 7 * 24 * time.Hour
	}
	if c.StaleRetention <= 0 {
		c.StaleRetention = 600 * time.Second
	}
	if c.Interval <= 0 {
		c.Interval = 10 * time.Second
	}
	if c.BatchSize <= 0 || c.BatchSize > provider.MaxDeleteBatch {
		c.BatchSize = provider.MaxDeleteBatch
	}
	if c.MaxRowsetsPerRound <= 0 {
		c.MaxRowsetsPerRound = 1000
	}
	return c
}

// Deps are the recycler's collaborators.
type Deps struct {
	// Store is the replicated store; Meta the meta service (instances).
	Store *raftstore.Store
	Meta  *meta.Service
	// Vaults resolves vaults and calls their providers.
	Vaults *vault.Resolver
	// OnLead runs each time this node becomes the leader (provider
	// discovery); may be nil.
	OnLead func(ctx context.Context) error
	// Logger receives the recycler's logs.
	Logger hclog.Logger
}

// Recycler is the leader's recycling loop.
type Recycler struct {
	cfg Config
	d   Deps
	log hclog.Logger
	// mu serializes rounds (the loop and admin-triggered runs).
	mu sync.Mutex
}

// New returns a Recycler; call Run to start it.
func New(cfg Config, d Deps) *Recycler {
	r := &Recycler{cfg: cfg.withDefaults(), d: d, log: d.Logger}
	if r.log == nil {
		r.log = hclog.NewNullLogger()
	}
	return r
}

// Config returns the effective configuration.
func (r *Recycler) Config() Config { return r.cfg }

// Run runs rounds every Interval while this node leads, until ctx ends. It
// checks for leadership at least twice a second, so a new leader starts
// (provider discovery, then a round) at once.
func (r *Recycler) Run(ctx context.Context) {
	tick := time.NewTicker(min(r.cfg.Interval, 500*time.Millisecond))
	defer tick.Stop()
	leading := false
	var last time.Time
	first := time.After(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-first:
		case <-tick.C:
		}
		if !r.d.Store.IsLeader() {
			if leading {
				r.log.Info("lost leadership; recycling paused")
			}
			leading = false
			continue
		}
		if !leading {
			if r.d.OnLead != nil {
				if err := r.d.OnLead(ctx); err != nil && ctx.Err() == nil {
					r.log.Warn("leader start-up of the recycler failed; retrying", "error", err)
					continue
				}
			}
			leading, last = true, time.Time{}
		}
		if r.cfg.Paused || time.Since(last) < r.cfg.Interval {
			continue
		}
		last = time.Now()
		if err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("recycle round failed", "error", err)
		}
	}
}

// errNotLeader stops a round when this node lost leadership.
var errNotLeader = errors.New("recycler: not the leader")

// RunOnce runs one round: dropped instances past their retention, then due
// recycle rowsets. It does nothing on a follower.
func (r *Recycler) RunOnce(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.d.Store.IsLeader() {
		return nil
	}
	now := r.d.Store.Now()
	var dropped []droppedInstance
	var live []string
	var all []string
	e := r.d.Meta.View(ctx, raftstore.ReadOptions{Stale: true}, func(t *meta.Tx) *meta.Error {
		return t.Instances(func(inst *dorispb.InstanceInfoPB) bool {
			id := inst.InstanceID.Get()
			all = append(all, id)
			if inst.Status.Get() != dorispb.InstanceInfoPB_DELETED {
				live = append(live, id)
				return true
			}
			dropped = append(dropped, droppedInstance{id: id, droppedAt: inst.Mtime.Get()})
			return true
		})
	})
	if e != nil {
		return fmt.Errorf("list instances: %w", e)
	}
	jobs, err := r.jobs(ctx)
	if err != nil {
		return err
	}
	var errs []error
	var liveVaults []vault.Resolved
	liveLoaded := false
	for _, d := range dropped {
		j, has := jobs[d.id]
		if has && (j.State == StateDone || j.State == StateRefused) {
			continue
		}
		if !has && time.Unix(d.droppedAt, 0).Add(r.cfg.InstanceRetention).After(now) {
			continue
		}
		if !liveLoaded {
			for _, id := range live {
				vs, err := r.d.Vaults.Vaults(ctx, id)
				if err != nil {
					return err
				}
				liveVaults = append(liveVaults, vs...)
			}
			liveLoaded = true
		}
		if err := r.recycleInstance(ctx, d, j, has, liveVaults); err != nil {
			if errors.Is(err, errNotLeader) || ctx.Err() != nil {
				return err
			}
			errs = append(errs, fmt.Errorf("instance %s: %w", d.id, err))
		}
	}
	budget := r.cfg.MaxRowsetsPerRound
	for _, id := range all {
		if budget <= 0 {
			break
		}
		n, err := r.recycleRowsets(ctx, id, now, budget)
		budget -= n
		if err != nil {
			if errors.Is(err, errNotLeader) || ctx.Err() != nil {
				return err
			}
			errs = append(errs, fmt.Errorf("rowsets of %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

type droppedInstance struct {
	id        string
	droppedAt int64
}

func (r *Recycler) jobs(ctx context.Context) (map[string]InstanceJob, error) {
	out := map[string]InstanceJob{}
	err := r.d.Store.View(ctx, raftstore.ReadOptions{Stale: true}, func(tx *bolt.Tx) error {
		for _, j := range readJobs(raftstore.Data(tx)) {
			out[j.InstanceID] = j
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read recycler state: %w", err)
	}
	return out, nil
}

func (r *Recycler) propose(ctx context.Context, c command) error {
	if !r.d.Store.IsLeader() {
		return errNotLeader
	}
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if _, err := r.d.Store.Propose(ctx, commandType, data); err != nil {
		return fmt.Errorf("record recycler progress: %w", err)
	}
	return nil
}

// storeID names the store a vault lives in, for the overlap check.
func storeID(v vault.Resolved) string {
	if c := v.Config; c.Obj != nil {
		return "obj|" + c.Obj.Endpoint + "|" + c.Obj.Bucket
	} else if c.HDFS != nil {
		return "hdfs|" + strings.TrimRight(c.HDFS.BuildConf.FsName, "/")
	}
	return ""
}

// overlaps reports whether two normalized prefixes share objects.
func overlaps(a, b string) bool {
	return a == b || a == "" || b == "" || strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/")
}

// refusal returns why a dropped instance's vault must not be emptied, or "".
func refusal(v vault.Resolved, live []vault.Resolved) string {
	p := v.Config.VaultPrefix()
	if p == "" {
		return fmt.Sprintf("vault %s has no prefix: refusing to empty a whole bucket or file system", v.ID)
	}
	for _, l := range live {
		if storeID(l) == storeID(v) && overlaps(p, l.Config.VaultPrefix()) {
			return fmt.Sprintf("vault %s prefix %q overlaps a live instance's vault prefix %q", v.ID, p, l.Config.VaultPrefix())
		}
	}
	return ""
}

func (r *Recycler) recycleInstance(ctx context.Context, d droppedInstance, j InstanceJob, has bool, live []vault.Resolved) error {
	vaults, err := r.d.Vaults.Vaults(ctx, d.id)
	if err != nil {
		return err
	}
	if !has {
		r.log.Info("recycling a dropped instance", "instance", d.id, "vaults", len(vaults))
		if err := r.propose(ctx, command{Op: opProgress, Instance: d.id, DroppedAt: d.droppedAt, State: StateRecycling}); err != nil {
			return err
		}
	}
	for _, v := range vaults {
		if why := refusal(v, live); why != "" {
			r.log.Warn("refusing to recycle an instance", "instance", d.id, "reason", why)
			return r.propose(ctx, command{Op: opProgress, Instance: d.id, State: StateRefused, Error: why})
		}
	}
	for _, v := range vaults {
		if slices.Contains(j.VaultsDone, v.ID) {
			continue
		}
		if err := r.propose(ctx, command{Op: opProgress, Instance: d.id, Vault: v.ID}); err != nil {
			return err
		}
		bound := r.d.Vaults.Bind(v)
		for {
			if !r.d.Store.IsLeader() {
				return errNotLeader
			}
			n, more, err := bound.DeletePrefixBatch(ctx, "", r.cfg.BatchSize)
			if err != nil {
				if n > 0 {
					_ = r.propose(ctx, command{Op: opProgress, Instance: d.id, Deleted: int64(n)})
				}
				msg := fmt.Sprintf("vault %s: %v", v.ID, err)
				if msg != j.LastError {
					_ = r.propose(ctx, command{Op: opProgress, Instance: d.id, Error: msg})
				}
				return fmt.Errorf("vault %s: %w", v.ID, err)
			}
			c := command{Op: opProgress, Instance: d.id, Deleted: int64(n)}
			if !more {
				c.VaultDone = v.ID
			}
			if n > 0 || !more {
				if err := r.propose(ctx, c); err != nil {
					return err
				}
			}
			if !more {
				break
			}
			if n == 0 {
				return fmt.Errorf("vault %s: delete_prefix made no progress", v.ID)
			}
		}
		r.log.Info("emptied a dropped instance's vault", "instance", d.id, "vault", v.ID)
	}
	r.log.Info("recycled a dropped instance", "instance", d.id)
	return r.propose(ctx, command{Op: opProgress, Instance: d.id, State: StateDone, Error: "-"})
}

// dueRowset is one recycle-rowset entry whose objects are due for deletion.
type dueRowset struct {
	key        []byte
	tabletID   int64
	rowsetID   string
	resourceID string
	segments   int64
}

// due reports whether a recycle-rowset entry is due at now.
func (r *Recycler) due(rec *dorispb.RecycleRowsetPB, now time.Time) bool {
	switch rec.Type.Get() {
	case dorispb.RecycleRowsetPB_COMPACT:
		return !time.Unix(rec.CreationTime.Get(), 0).Add(r.cfg.StaleRetention).After(now)
	case dorispb.RecycleRowsetPB_PREPARE:
		return rec.Expiration.Get() > 0 && rec.Expiration.Get() <= now.Unix()
	}
	return false
}

// recycleRowsets deletes the segment objects of up to limit due rowsets of
// an instance and removes their recycle keys. It returns how many it
// handled.
func (r *Recycler) recycleRowsets(ctx context.Context, instanceID string, now time.Time, limit int) (int, error) {
	var due []dueRowset
	err := r.d.Store.View(ctx, raftstore.ReadOptions{Stale: true}, func(tx *bolt.Tx) error {
		p := RecycleRowsetPrefix(instanceID)
		c := raftstore.Data(tx).Cursor()
		for k, v := c.Seek(p); k != nil && len(due) < limit && bytes.HasPrefix(k, p); k, v = c.Next() {
			rec := &dorispb.RecycleRowsetPB{}
			if dorispb.Unmarshal(v, rec) != nil || !r.due(rec, now) {
				continue
			}
			d := dueRowset{key: append([]byte(nil), k...), tabletID: rec.TabletID.Get(), resourceID: rec.ResourceID.Get()}
			if m := rec.RowsetMeta; m != nil {
				d.rowsetID = m.RowsetIDV2.Get()
				d.segments = m.NumSegments.Get()
				if d.tabletID == 0 {
					d.tabletID = m.TabletID.Get()
				}
				if d.resourceID == "" {
					d.resourceID = m.ResourceID.Get()
				}
			}
			due = append(due, d)
		}
		return nil
	})
	if err != nil || len(due) == 0 {
		return 0, err
	}
	var resolved map[string]*provider.Vault
	for i, d := range due {
		deleted := 0
		if d.resourceID != "" && d.rowsetID != "" && d.segments > 0 {
			if resolved == nil {
				resolved = map[string]*provider.Vault{}
				vs, err := r.d.Vaults.Vaults(ctx, instanceID)
				if err != nil {
					return i, err
				}
				for _, v := range vs {
					resolved[v.ID] = r.d.Vaults.Bind(v)
				}
			}
			if bound := resolved[d.resourceID]; bound != nil {
				objs := make([]string, 0, d.segments)
				for s := int64(0); s < d.segments; s++ {
					objs = append(objs, vault.SegmentKey(d.tabletID, d.rowsetID, s))
				}
				if err := bound.Delete(ctx, objs...); err != nil {
					return i, fmt.Errorf("rowset %s: %w", d.rowsetID, err)
				}
				deleted = len(objs)
			}
		}
		if err := r.propose(ctx, command{Op: opRowset, Instance: instanceID, Key: d.key, Deleted: int64(deleted)}); err != nil {
			return i, err
		}
	}
	return len(due), nil
}

// Status returns the recycler's replicated progress as this node sees it.
func (r *Recycler) Status(ctx context.Context) (Status, error) {
	var st Status
	err := r.d.Store.View(ctx, raftstore.ReadOptions{Stale: true}, func(tx *bolt.Tx) error {
		st = readStatus(tx)
		return nil
	})
	st.Leader = r.d.Store.IsLeader()
	return st, err
}

// Retry puts a refused instance back in line (after an operator fixed the
// reason, e.g. removed the live instance sharing its prefix).
func (r *Recycler) Retry(ctx context.Context, instanceID string) error {
	data, err := json.Marshal(command{Op: opRetry, Instance: instanceID})
	if err != nil {
		return err
	}
	_, err = r.d.Store.Propose(ctx, commandType, data)
	return err
}
