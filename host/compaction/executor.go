package compaction

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/tablet"
	"github.com/metahost/metahost/host/vault"
	"github.com/metahost/metahost/sdk/provider"
)

// Job is a recorded compaction job handed to an executor.
type Job struct {
	// Instance owns the tablet; Idx locates it.
	Instance string
	Idx      *dorispb.TabletIndexPB
	// ID is the job id recorded by start_tablet_job.
	ID string
	// Kind is the compaction type.
	Kind Kind
	// Inputs are the input rowset metas, in version order.
	Inputs []*dorispb.RowsetMetaCloudPB
	// InputPoint and OutputPoint are the cumulative points before and
	// after (input_/output_cumulative_point).
	InputPoint, OutputPoint int64
	// Level is the output's compaction level (TIME_SERIES).
	Level int64
	// Expiration is the job's expiration (Unix s), also the output's
	// txn_expiration.
	Expiration int64
	// NowS is the leader's time when the job started.
	NowS int64
}

// Executor runs a recorded job: it writes the output rowset and commits the
// job with finish_tablet_job COMMIT. On error the scheduler aborts the job.
type Executor interface {
	Execute(ctx context.Context, job *Job) error
}

// Builtin is the built-in executor: it merges the input rowsets' metadata
// into one non-overlapping output rowset (segments, rows and sizes
// summed), writes it as the job's tmp rowset and commits the job through
// the same replicated operations as a compute node's brpc calls.
//
// Where the input rowsets' segments are objects in the instance's vault
// (the rowsets name the vault by resource_id, and their segments exist at
// data/<tablet_id>/<rowset_id>_<segment>.dat under the vault prefix, Doris's
// layout), it also merges those objects through the vault's provider into
// the output rowset's single segment before committing. The "merge" is a
// concatenation of the input segments in version order: metahost is a
// metadata service and does not parse Doris's segment format. The inputs'
// objects stay until their stale version path expires; the recycler then
// deletes them.
type Builtin struct {
	// Tablets is the tablet service.
	Tablets *tablet.Service
	// Segments gives access to the vaults' segment objects; nil merges
	// metadata only.
	Segments SegmentStore
}

// SegmentStore resolves the vault a rowset's segments live in.
type SegmentStore interface {
	// SegmentVault returns the provider client bound to the instance's
	// vault with that resource id; ok is false when the instance has no
	// such vault (the executor then merges metadata only).
	SegmentVault(ctx context.Context, instanceID, resourceID string) (v *provider.Vault, ok bool, err error)
}

// segmentPlan is the object side of a job: which input objects are
// concatenated, in order, into which output object.
type segmentPlan struct {
	resourceID string
	vault      *provider.Vault
	inputs     []string
	sizes      []int64
	output     string
	total      int64
}

// planSegments decides whether the job's inputs are vault objects. It
// returns nil (metadata only) when the inputs name no vault the instance
// has, or the first segment object does not exist there; a vault it cannot
// reach (provider not registered, store down) fails the job, so inputs
// whose objects exist are never replaced by an output without them.
func (x Builtin) planSegments(ctx context.Context, job *Job, rowsetID string) (*segmentPlan, error) {
	if x.Segments == nil {
		return nil, nil
	}
	// The vault is the one the inputs with segments name (rowsets without
	// segments, like a tablet's initial [0-1], may name none).
	res := ""
	for _, rs := range job.Inputs {
		if rs.NumSegments.Get() > 0 && rs.ResourceID.Get() != "" {
			res = rs.ResourceID.Get()
			break
		}
	}
	if res == "" {
		return nil, nil
	}
	tabletID := job.Idx.TabletID.Get()
	p := &segmentPlan{resourceID: res, output: vault.SegmentKey(tabletID, rowsetID, 0)}
	for _, rs := range job.Inputs {
		if rs.NumSegments.Get() <= 0 {
			continue
		}
		if rs.ResourceID.Get() != res {
			return nil, fmt.Errorf("input rowsets are in different vaults (%q and %q)", res, rs.ResourceID.Get())
		}
		for s := int64(0); s < rs.NumSegments.Get(); s++ {
			p.inputs = append(p.inputs, vault.SegmentKey(tabletID, rs.RowsetIDV2.Get(), s))
		}
	}
	if len(p.inputs) == 0 {
		return nil, nil
	}
	v, ok, err := x.Segments.SegmentVault(ctx, job.Instance, res)
	if err != nil || !ok {
		return nil, err
	}
	p.vault = v
	for i, key := range p.inputs {
		obj, err := v.Stat(ctx, key)
		if err != nil {
			if i == 0 && provider.IsNotFound(err) {
				return nil, nil // segments are not objects in this vault
			}
			return nil, fmt.Errorf("segment object %s: %w", key, err)
		}
		p.sizes = append(p.sizes, obj.Size)
		p.total += obj.Size
	}
	return p, nil
}

// copy concatenates the input objects into the output object, streaming.
func (p *segmentPlan) copy(ctx context.Context) error {
	pr, pw := io.Pipe()
	go func() {
		for i, key := range p.inputs {
			obj, err := p.vault.GetObject(ctx, key, pw)
			if err == nil && obj.Size != p.sizes[i] {
				err = fmt.Errorf("segment object %s changed size (%d, was %d)", key, obj.Size, p.sizes[i])
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.Close()
	}()
	_, err := p.vault.PutObject(ctx, p.output, pr, p.total)
	pr.CloseWithError(errors.New("upload ended"))
	if err != nil {
		return fmt.Errorf("merge segments into %s: %w", p.output, err)
	}
	return nil
}

// TxnID is the output rowset's txn id for a job id (Doris: hash(uuid) &
// INT64_MAX), never 0.
func TxnID(jobID string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(jobID))
	v := int64(h.Sum64() & math.MaxInt64)
	if v == 0 {
		v = 1
	}
	return v
}

// NewRowsetID returns a random 48-hex v2 rowset id ("02" + 46 hex digits).
func NewRowsetID() (string, error) {
	var b [23]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("rowset id: %w", err)
	}
	return "02" + hex.EncodeToString(b[:]), nil
}

// Execute implements Executor.
func (x Builtin) Execute(ctx context.Context, job *Job) error {
	if len(job.Inputs) == 0 {
		return fmt.Errorf("job %s has no input rowsets", job.ID)
	}
	rowsetID, err := NewRowsetID()
	if err != nil {
		return err
	}
	txnID := TxnID(job.ID)
	first, last := job.Inputs[0], job.Inputs[len(job.Inputs)-1]
	out := &dorispb.RowsetMetaCloudPB{}
	out.RowsetID.Set(0)
	out.RowsetIDV2.Set(rowsetID)
	out.TabletID.Set(job.Idx.TabletID.Get())
	out.TxnID.Set(txnID)
	out.StartVersion.Set(first.StartVersion.Get())
	out.EndVersion.Set(last.EndVersion.Get())
	out.SegmentsOverlapPb.Set(dorispb.SegmentsOverlapPB_NONOVERLAPPING)
	out.CompactionLevel.Set(job.Level)
	out.CreationTime.Set(job.NowS)
	out.TxnExpiration.Set(job.Expiration)
	if first.ResourceID.Has() {
		out.ResourceID.Set(first.ResourceID.Get())
	}
	var in struct{ segs, rows, size, index, data int64 }
	for _, rs := range job.Inputs {
		in.segs += rs.NumSegments.Get()
		in.rows += rs.NumRows.Get()
		in.size += rs.TotalDiskSize.Get()
		in.index += rs.IndexDiskSize.Get()
		in.data += rs.DataDiskSize.Get()
	}
	plan, err := x.planSegments(ctx, job, rowsetID)
	if err != nil {
		return err
	}
	outSegs := in.segs
	if plan != nil {
		outSegs = 1
		out.ResourceID.Set(plan.resourceID)
	}
	out.NumSegments.Set(outSegs)
	out.NumRows.Set(in.rows)
	out.TotalDiskSize.Set(in.size)
	out.IndexDiskSize.Set(in.index)
	out.DataDiskSize.Set(in.data)
	req := &dorispb.CreateRowsetRequest{RowsetMeta: out}
	req.Temporary.Set(true)
	for _, op := range []string{tablet.OpPrepareRowset, tablet.OpCommitRowset} {
		if op == tablet.OpCommitRowset && plan != nil {
			// Written between prepare and commit, as a compute node does:
			// an abandoned output is recycled through its PREPARE entry.
			if err := plan.copy(ctx); err != nil {
				return err
			}
		}
		resp := &dorispb.CreateRowsetResponse{}
		if err := x.Tablets.Mutate(ctx, op, job.Instance, req, resp); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		if code, msg := tablet.Status(resp); code != dorispb.MetaServiceCode_OK {
			return fmt.Errorf("%s: %s %s", op, code, msg)
		}
	}
	c := &dorispb.TabletCompactionJobPB{}
	c.ID.Set(job.ID)
	c.Type.Set(job.Kind.jobType())
	c.InputCumulativePoint.Set(job.InputPoint)
	c.OutputCumulativePoint.Set(job.OutputPoint)
	c.NumInputRowsets.Set(int64(len(job.Inputs)))
	c.NumInputSegments.Set(in.segs)
	c.NumOutputRowsets.Set(1)
	c.NumOutputSegments.Set(outSegs)
	c.SizeInputRowsets.Set(in.size)
	c.SizeOutputRowsets.Set(in.size)
	c.NumInputRows.Set(in.rows)
	c.NumOutputRows.Set(in.rows)
	c.IndexSizeInputRowsets.Set(in.index)
	c.IndexSizeOutputRowsets.Set(in.index)
	c.SegmentSizeInputRowsets.Set(in.data)
	c.SegmentSizeOutputRowsets.Set(in.data)
	c.InputVersions = []int64{first.StartVersion.Get(), last.EndVersion.Get()}
	c.OutputVersions = []int64{last.EndVersion.Get()}
	c.OutputRowsetIDs = []string{rowsetID}
	c.TxnID = []int64{txnID}
	freq := &dorispb.FinishTabletJobRequest{Job: &dorispb.TabletJobInfoPB{Idx: job.Idx, Compaction: []*dorispb.TabletCompactionJobPB{c}}}
	freq.Action.Set(dorispb.FinishTabletJobRequest_COMMIT)
	resp, err := x.Tablets.FinishJob(ctx, job.Instance, freq)
	if err != nil {
		return fmt.Errorf("commit job %s: %w", job.ID, err)
	}
	if code, msg := tablet.Status(resp); code != dorispb.MetaServiceCode_OK {
		return fmt.Errorf("commit job %s: %s %s", job.ID, code, msg)
	}
	return nil
}
