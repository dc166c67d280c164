package tablet

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
)

// This file is the Go API the compaction scheduler uses. Its mutations go
// through the same replicated operations as the brpc methods.

// State is everything the scheduler reads about one tablet.
type State struct {
	// Ext is metahost's record: ids, bound policy, stale paths, times.
	Ext Ext
	// Meta is the stored tablet meta (without rowsets).
	Meta *dorispb.TabletMetaCloudPB
	// Stats holds the counters and the cumulative point.
	Stats *dorispb.TabletStatsPB
	// Rowsets are the visible rowsets in version order.
	Rowsets []*dorispb.RowsetMetaCloudPB
	// Jobs are the recorded compaction jobs (nil when none).
	Jobs *dorispb.TabletJobInfoPB
}

// CumulativePoint returns the tablet's cumulative point (-1 when unset).
func (s *State) CumulativePoint() int64 {
	if s.Stats == nil || !s.Stats.CumulativePoint.Has() {
		return -1
	}
	return s.Stats.CumulativePoint.Get()
}

// ListTablets calls fn with the Ext of every tablet of every instance, in
// (instance, tablet id) order, until fn returns false. It reads one key per
// tablet, so scoring rounds can scan large tablet counts cheaply.
func (s *Service) ListTablets(ctx context.Context, opts raftstore.ReadOptions, fn func(*Ext) bool) error {
	var decodeErr error
	err := s.view(ctx, opts, "", func(t *tx) { decodeErr = t.scanExts(fn) })
	if err != nil {
		return fmt.Errorf("list tablets: %w", err)
	}
	return decodeErr
}

// States calls fn with the full state (what Tablet reads) of every tablet
// of every instance, in (instance, tablet id) order, until fn returns
// false. One read transaction serves every tablet, and each tablet record
// is read once; fn must not start another read of the Service.
func (s *Service) States(ctx context.Context, opts raftstore.ReadOptions, fn func(*State) bool) error {
	var decodeErr error
	err := s.view(ctx, opts, "", func(t *tx) {
		decodeErr = t.scanExts(func(e *Ext) bool { return fn(t.stateOf(e)) })
	})
	if err != nil {
		return fmt.Errorf("read tablets: %w", err)
	}
	return decodeErr
}

// scanExts calls fn with every tablet record until fn returns false; a
// record that does not decode stops the scan with an error.
func (t *tx) scanExts(fn func(*Ext) bool) error {
	var decodeErr error
	t.scan(extPrefix(), func(_, v []byte) bool {
		e := &Ext{}
		if err := json.Unmarshal(v, e); err != nil {
			decodeErr = fmt.Errorf("decode tablet record: %w", err)
			return false
		}
		return fn(e)
	})
	return decodeErr
}

// Tablet reads one tablet's full state. The second result is false when the
// tablet does not exist.
func (s *Service) Tablet(ctx context.Context, opts raftstore.ReadOptions, instanceID string, tabletID int64) (*State, bool, error) {
	var out *State
	err := s.view(ctx, opts, instanceID, func(t *tx) {
		out = t.state(instanceID, tabletID)
	})
	if err != nil {
		return nil, false, fmt.Errorf("read tablet %d: %w", tabletID, err)
	}
	return out, out != nil, nil
}

func (t *tx) state(instanceID string, tabletID int64) *State {
	ext, ok := t.ext(instanceID, tabletID)
	if !ok {
		return nil
	}
	return t.stateOf(ext)
}

// stateOf reads the rest of the state of the tablet whose record is ext.
func (t *tx) stateOf(ext *Ext) *State {
	inst, tabletID := ext.InstanceID, ext.TabletID
	idx := ext.Idx()
	st := &State{Ext: *ext, Meta: &dorispb.TabletMetaCloudPB{}}
	t.get(keys.MetaTabletKey(inst, ext.TableID, ext.IndexID, ext.PartitionID, tabletID), st.Meta)
	if stats, ok := t.stats(inst, idx); ok {
		st.Stats = stats
	}
	st.Rowsets = t.rowsets(inst, tabletID, 0, 1<<63-1)
	jobs := &dorispb.TabletJobInfoPB{}
	if t.get(jobKey(inst, idx), jobs) && len(jobs.Compaction) > 0 {
		st.Jobs = jobs
	}
	return st
}

// StartJob records a compaction job for instanceID's tablet (start_tablet_job
// without a cloud_unique_id). The response's status tells the outcome.
func (s *Service) StartJob(ctx context.Context, instanceID string, req *dorispb.StartTabletJobRequest) (*dorispb.StartTabletJobResponse, error) {
	resp := &dorispb.StartTabletJobResponse{}
	err := s.Mutate(ctx, OpStartTabletJob, instanceID, req, resp)
	return resp, err
}

// FinishJob commits, aborts or leases a recorded job (finish_tablet_job).
func (s *Service) FinishJob(ctx context.Context, instanceID string, req *dorispb.FinishTabletJobRequest) (*dorispb.FinishTabletJobResponse, error) {
	resp := &dorispb.FinishTabletJobResponse{}
	err := s.Mutate(ctx, OpFinishTabletJob, instanceID, req, resp)
	return resp, err
}

// RecordRequest records a scheduler event on a tablet.
type RecordRequest struct {
	// TabletID is the tablet.
	TabletID int64 `json:"tablet_id"`
	// Type is the compaction type (CUMULATIVE, BASE or FULL).
	Type dorispb.TabletCompactionJobPB_CompactionType `json:"type"`
	// Scheduled, when true, sets the last schedule time.
	Scheduled bool `json:"scheduled,omitempty"`
	// Failed, when true, sets the last failure time.
	Failed bool `json:"failed,omitempty"`
	// Status is the last status text (Doris Status::to_string, e.g.
	// "[E-2000]_input_rowsets is empty"); empty leaves it unchanged.
	Status string `json:"status,omitempty"`
	// Policy, when not empty, rebinds the tablet's cumulative policy.
	Policy string `json:"policy,omitempty"`
	// ExpireStaleAfterS, when positive, drops the stale version paths that
	// became stale at least this many seconds before the leader's time
	// (Doris tablet_rowset_stale_sweep_time_sec). Their rowsets were queued
	// for the recycler when the compaction committed.
	ExpireStaleAfterS int64 `json:"expire_stale_after_s,omitempty"`
}

// Record stores a scheduler event (schedule or failure time, status, policy
// binding) on instanceID's tablet, at the leader's time.
func (s *Service) Record(ctx context.Context, instanceID string, req RecordRequest) error {
	data, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	resp := &dorispb.MetaServiceResponseStatus{}
	if err := s.submit(ctx, OpRecordCompaction, instanceID, data, resp); err != nil {
		return fmt.Errorf("record compaction event: %w", err)
	}
	if code, msg := Status(resp); code != dorispb.MetaServiceCode_OK {
		return &meta.Error{Code: code, Msg: msg}
	}
	return nil
}

func applyRecord(t *tx, req *RecordRequest) dorispb.Message {
	if t.instance == "" {
		return status(dorispb.MetaServiceCode_INVALID_ARGUMENT, "no instance given")
	}
	ext, ok := t.ext(t.instance, req.TabletID)
	if !ok {
		return status(dorispb.MetaServiceCode_TABLET_NOT_FOUND, idxNotFound(t.instance, req.TabletID))
	}
	if req.Policy != "" {
		ext.Policy = req.Policy
	}
	if req.ExpireStaleAfterS > 0 {
		kept := ext.StalePaths[:0]
		for _, p := range ext.StalePaths {
			if p.StaleAt+req.ExpireStaleAfterS > t.nowS() {
				kept = append(kept, p)
			}
		}
		ext.StalePaths = kept
	}
	if rec := ext.record(req.Type); rec != nil {
		if req.Scheduled {
			rec.LastScheduleMs = t.nowMs()
		}
		if req.Failed {
			rec.LastFailureMs = t.nowMs()
		}
		if req.Status != "" {
			rec.LastStatus = req.Status
		}
	} else if req.Policy == "" && req.ExpireStaleAfterS <= 0 {
		return status(dorispb.MetaServiceCode_INVALID_ARGUMENT, "invalid compaction type "+req.Type.String())
	}
	t.putExt(ext)
	return okStatus()
}
