package compaction

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/tablet"
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
type Builtin struct {
	// Tablets is the tablet service.
	Tablets *tablet.Service
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
	out.NumSegments.Set(in.segs)
	out.NumRows.Set(in.rows)
	out.TotalDiskSize.Set(in.size)
	out.IndexDiskSize.Set(in.index)
	out.DataDiskSize.Set(in.data)
	req := &dorispb.CreateRowsetRequest{RowsetMeta: out}
	req.Temporary.Set(true)
	for _, op := range []string{tablet.OpPrepareRowset, tablet.OpCommitRowset} {
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
	c.NumOutputSegments.Set(in.segs)
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
