package recycler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/raftstore"
	bolt "go.etcd.io/bbolt"
)

// States of an instance's recycling.
const (
	// StateRecycling: objects are being deleted.
	StateRecycling = "recycling"
	// StateDone: every vault prefix is empty.
	StateDone = "done"
	// StateRefused: the recycler will not delete this instance's objects
	// (a vault without a prefix, or a prefix shared with a live instance);
	// LastError says why. An operator may retry it through the admin API.
	StateRefused = "refused"
)

// InstanceJob is the replicated record of one dropped instance's recycling.
type InstanceJob struct {
	// InstanceID is the dropped instance.
	InstanceID string `json:"instance_id"`
	// State is StateRecycling, StateDone or StateRefused.
	State string `json:"state"`
	// DroppedAt is when the instance was dropped (Unix s).
	DroppedAt int64 `json:"dropped_at"`
	// CurrentVault is the resource id of the vault being emptied.
	CurrentVault string `json:"current_vault,omitempty"`
	// VaultsDone are the resource ids of the vaults already emptied.
	VaultsDone []string `json:"vaults_done,omitempty"`
	// Deleted counts the objects deleted so far.
	Deleted int64 `json:"objects_deleted"`
	// LastError is the last failure (retried on the next round).
	LastError string `json:"last_error,omitempty"`
	// StartedAt, UpdatedAt and FinishedAt are leader times (Unix ms).
	StartedAt  int64 `json:"started_at"`
	UpdatedAt  int64 `json:"updated_at"`
	FinishedAt int64 `json:"finished_at,omitempty"`
}

// Totals are the recycler's replicated counters.
type Totals struct {
	// ObjectsDeleted counts every object the recycler deleted.
	ObjectsDeleted int64 `json:"objects_deleted"`
	// RowsetsRecycled counts recycled rowsets (recycle keys removed).
	RowsetsRecycled int64 `json:"rowsets_recycled"`
	// InstancesRecycled counts instances whose vaults were emptied.
	InstancesRecycled int64 `json:"instances_recycled"`
}

// Key families, in Doris key encoding so decode_key explains them.
const (
	familyInstance = "recycler_instance"
	familyTotals   = "recycler_totals"
)

func instanceJobKey(id string) []byte {
	return keys.AppendBytes(keys.AppendBytes([]byte{keys.SpaceUser}, familyInstance), id)
}

func instanceJobPrefix() []byte { return keys.AppendBytes([]byte{keys.SpaceUser}, familyInstance) }

func totalsKey() []byte { return keys.AppendBytes([]byte{keys.SpaceUser}, familyTotals) }

// RecycleRowsetPrefix is the prefix of an instance's recycle-rowset keys
// (0x01 "recycle" instanceID "rowset").
func RecycleRowsetPrefix(instanceID string) []byte {
	return keys.AppendBytes(keys.RecycleKeyPrefix(instanceID), "rowset")
}

// commandType is the raft command of every recycler mutation.
const commandType = "recycler.op"

// Operations of the recycler command.
const (
	opProgress  = "progress"
	opRowset    = "rowset_done"
	opRetry     = "retry"
	maxErrorLen = 512
)

// command is the replicated payload.
type command struct {
	Op string `json:"op"`
	// Instance is the instance concerned.
	Instance string `json:"instance"`
	// State, when set, becomes the job's state.
	State string `json:"state,omitempty"`
	// DroppedAt fills a new job's drop time.
	DroppedAt int64 `json:"dropped_at,omitempty"`
	// Vault, when set, becomes the current vault; VaultDone is appended to
	// the vaults done.
	Vault     string `json:"vault,omitempty"`
	VaultDone string `json:"vault_done,omitempty"`
	// Deleted is added to the counters.
	Deleted int64 `json:"deleted,omitempty"`
	// Error replaces the job's last error ("-" clears it).
	Error string `json:"error,omitempty"`
	// Key is a recycle-rowset key to remove.
	Key []byte `json:"key,omitempty"`
}

// Register adds the recycler's command handler.
func Register(h raftstore.Handlers) { h.Add(commandType, apply) }

func apply(a *raftstore.Apply) ([]byte, error) {
	var c command
	if err := json.Unmarshal(a.Command.Data, &c); err != nil {
		return nil, &raftstore.Error{Code: "INVALID_ARGUMENT", Message: fmt.Sprintf("bad recycler command: %v", err)}
	}
	if c.Deleted < 0 {
		return nil, &raftstore.Error{Code: "INVALID_ARGUMENT", Message: "negative object count"}
	}
	b := a.Data()
	now := a.Command.Now().UnixMilli()
	tot := readTotals(b)
	switch c.Op {
	case opProgress, opRetry:
		if c.Instance == "" {
			return nil, &raftstore.Error{Code: "INVALID_ARGUMENT", Message: "recycler command without an instance"}
		}
		j, ok := readJob(b, c.Instance)
		if !ok {
			if c.Op == opRetry {
				return nil, &raftstore.Error{Code: "NOT_FOUND", Message: fmt.Sprintf("no recycling job for instance %q", c.Instance)}
			}
			j = InstanceJob{InstanceID: c.Instance, State: StateRecycling, DroppedAt: c.DroppedAt, StartedAt: now}
		}
		if c.Op == opRetry {
			if j.State != StateRefused {
				return nil, &raftstore.Error{Code: "INVALID_ARGUMENT", Message: fmt.Sprintf("instance %q is %s, not refused", c.Instance, j.State)}
			}
			j.State, j.LastError = StateRecycling, ""
		}
		if c.State != "" {
			if j.State != StateDone && c.State == StateDone {
				j.FinishedAt = now
				j.CurrentVault = ""
				tot.InstancesRecycled++
			}
			j.State = c.State
		}
		if c.Vault != "" {
			j.CurrentVault = c.Vault
		}
		if c.VaultDone != "" && !slices.Contains(j.VaultsDone, c.VaultDone) {
			j.VaultsDone = append(j.VaultsDone, c.VaultDone)
		}
		switch c.Error {
		case "":
		case "-":
			j.LastError = ""
		default:
			j.LastError = truncate(c.Error)
		}
		j.Deleted += c.Deleted
		j.UpdatedAt = now
		if err := putJSON(b, instanceJobKey(c.Instance), j); err != nil {
			return nil, err
		}
	case opRowset:
		if !bytes.HasPrefix(c.Key, RecycleRowsetPrefix(c.Instance)) {
			return nil, &raftstore.Error{Code: "INVALID_ARGUMENT", Message: "not a recycle-rowset key of the instance"}
		}
		if b.Get(c.Key) != nil {
			if err := b.Delete(c.Key); err != nil {
				return nil, err
			}
			tot.RowsetsRecycled++
		}
	default:
		return nil, &raftstore.Error{Code: "INVALID_ARGUMENT", Message: fmt.Sprintf("unknown recycler operation %q", c.Op)}
	}
	tot.ObjectsDeleted += c.Deleted
	return nil, putJSON(b, totalsKey(), tot)
}

func truncate(s string) string {
	if len(s) > maxErrorLen {
		return s[:maxErrorLen] + "..."
	}
	return s
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func readJob(b *bolt.Bucket, id string) (InstanceJob, bool) {
	var j InstanceJob
	v := b.Get(instanceJobKey(id))
	if v == nil || json.Unmarshal(v, &j) != nil {
		return InstanceJob{}, false
	}
	return j, true
}

func readTotals(b *bolt.Bucket) Totals {
	var t Totals
	if v := b.Get(totalsKey()); v != nil {
		_ = json.Unmarshal(v, &t)
	}
	return t
}

// readJobs reads every instance job, by instance id (never nil).
func readJobs(b *bolt.Bucket) []InstanceJob {
	out := []InstanceJob{}
	p := instanceJobPrefix()
	c := b.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		var j InstanceJob
		if json.Unmarshal(v, &j) == nil {
			out = append(out, j)
		}
	}
	return out
}

// Status is what GET /v1/recycler shows.
type Status struct {
	// Leader is whether this node runs the recycler now.
	Leader bool `json:"leader"`
	// Totals are the replicated counters.
	Totals Totals `json:"totals"`
	// Instances are the dropped instances' jobs, by id.
	Instances []InstanceJob `json:"instances"`
	// PendingRowsets counts recycle-rowset keys not yet recycled (due or
	// not).
	PendingRowsets int64 `json:"pending_rowsets"`
}

// readStatus reads the replicated part of Status.
func readStatus(tx *bolt.Tx) Status {
	b := raftstore.Data(tx)
	st := Status{Totals: readTotals(b), Instances: readJobs(b)}
	c := b.Cursor()
	// Count each instance's recycle-rowset keys, skipping its other
	// recycle keys (txn, index, partition) by seeking past them.
	rp := keys.AppendBytes([]byte{keys.SpaceUser}, "recycle")
	for k, _ := c.Seek(rp); k != nil && bytes.HasPrefix(k, rp); {
		_, f, err := keys.Decode(k)
		if err != nil || len(f) < 2 || f[1].IsInt() {
			k, _ = c.Next()
			continue
		}
		inst := string(f[1].Bytes)
		p := RecycleRowsetPrefix(inst)
		for k, _ = c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			st.PendingRowsets++
		}
		end := keys.RecycleKeyPrefix(inst)
		end[len(end)-1]++ // the first key after every key of the instance
		k, _ = c.Seek(end)
	}
	return st
}
