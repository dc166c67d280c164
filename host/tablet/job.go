package tablet

import (
	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
)

// jobPrelude runs the checks start and finish share (compaction spec §8.2,
// §8.3): instance, job present, tablet id, index filled. It returns the
// instance id and the filled index, or a status.
func jobPrelude(t *tx, cuid string, job *dorispb.TabletJobInfoPB) (string, *dorispb.TabletIndexPB, *dorispb.MetaServiceResponseStatus) {
	inst := t.resolve(cuid)
	if inst == "" {
		return "", nil, invalid("cannot find instance_id with cloud_unique_id=" + cuidText(cuid))
	}
	if job == nil || (len(job.Compaction) == 0 && job.SchemaChange == nil) {
		return "", nil, invalid("no valid job specified")
	}
	idx := copyIdx(job.Idx)
	tabletID := idx.TabletID.Get()
	if tabletID <= 0 {
		return "", nil, invalid("no valid tablet_id given")
	}
	if msg, ok := t.fillIdx(inst, idx); !ok {
		return "", nil, status(dorispb.MetaServiceCode_TABLET_NOT_FOUND, msg)
	}
	if len(job.Compaction) == 0 {
		// Schema change jobs are not part of metahost's write path.
		return "", nil, invalid("schema change jobs are not supported, tablet_id=" + itoa(tabletID))
	}
	return inst, idx, nil
}

// expired reports whether a recorded job has passed its expiration or lease.
func expired(j *dorispb.TabletCompactionJobPB, now int64) bool {
	return (j.Expiration.Get() > 0 && j.Expiration.Get() < now) || (j.Lease.Get() > 0 && j.Lease.Get() < now)
}

// checkAlterVersion is the schema-change guard of start and commit. It
// returns false (and the alter version) when the compaction would cross it.
func checkAlterVersion(recorded *dorispb.TabletJobInfoPB, c *dorispb.TabletCompactionJobPB) (int64, bool) {
	if recorded == nil || recorded.SchemaChange == nil || !recorded.SchemaChange.AlterVersion.Has() {
		return 0, true
	}
	typ := c.Type.Get()
	if typ == dorispb.TabletCompactionJobPB_EMPTY_CUMULATIVE || typ == dorispb.TabletCompactionJobPB_STOP_TOKEN {
		return 0, true
	}
	alter := recorded.SchemaChange.AlterVersion.Get()
	in := c.InputVersions
	if len(in) != 2 || in[0] > in[1] {
		return alter, false
	}
	switch typ {
	case dorispb.TabletCompactionJobPB_BASE:
		return alter, in[1] <= alter
	case dorispb.TabletCompactionJobPB_CUMULATIVE:
		return alter, in[0] > alter
	}
	return alter, false
}

// applyStartTabletJob records a compaction job unless it conflicts (§8.2).
func applyStartTabletJob(t *tx, req *dorispb.StartTabletJobRequest) dorispb.Message {
	resp := &dorispb.StartTabletJobResponse{}
	inst, idx, st := jobPrelude(t, req.CloudUniqueID.Get(), req.Job)
	if st != nil {
		resp.Status = st
		return resp
	}
	tabletID := idx.TabletID.Get()
	c := req.Job.Compaction[0]
	if c.ID.Get() == "" {
		resp.Status = invalid("no job id specified")
		return resp
	}
	if !c.BaseCompactionCnt.Has() || !c.CumulativeCompactionCnt.Has() {
		resp.Status = invalid("no valid compaction_cnt given")
		return resp
	}
	if c.Expiration.Get() <= 0 && c.Type.Get() != dorispb.TabletCompactionJobPB_EMPTY_CUMULATIVE {
		resp.Status = invalid("no valid expiration given")
		return resp
	}
	if c.Lease.Get() <= 0 {
		resp.Status = invalid("no valid lease given")
		return resp
	}
	stats, ok := t.stats(inst, idx)
	if !ok {
		resp.Status = statsNotFound(tabletID)
		return resp
	}
	if c.BaseCompactionCnt.Get() < stats.BaseCompactionCnt.Get() || c.CumulativeCompactionCnt.Get() < stats.CumulativeCompactionCnt.Get() {
		resp.Status = status(dorispb.MetaServiceCode_STALE_TABLET_CACHE,
			"could not perform compaction on expired tablet cache. req_base_compaction_cnt="+itoa(c.BaseCompactionCnt.Get())+
				", base_compaction_cnt="+itoa(stats.BaseCompactionCnt.Get())+
				", req_cumulative_compaction_cnt="+itoa(c.CumulativeCompactionCnt.Get())+
				", cumulative_compaction_cnt="+itoa(stats.CumulativeCompactionCnt.Get()))
		return resp
	}
	key := jobKey(inst, idx)
	recorded := &dorispb.TabletJobInfoPB{}
	exists := t.get(key, recorded)
	now := t.nowS()
	if exists {
		if alter, ok := checkAlterVersion(recorded, c); !ok {
			resp.AlterVersion.Set(alter)
			resp.Status = alterVersionStatus(c, alter)
			return resp
		}
		kept := recorded.Compaction[:0:0]
		for _, e := range recorded.Compaction {
			if !expired(e, now) {
				kept = append(kept, e)
			}
		}
		recorded.Compaction = kept
		for _, e := range recorded.Compaction {
			if e.Type.Get() == dorispb.TabletCompactionJobPB_STOP_TOKEN {
				resp.Status = status(dorispb.MetaServiceCode_JOB_TABLET_BUSY,
					"compactions are not allowed on tablet_id="+itoa(tabletID)+" currently, blocked by schema change job delete_bitmap_initiator="+itoa(e.DeleteBitmapLockInitiator.Get()))
				return resp
			}
		}
		typ := c.Type.Get()
		conflicts := func(e *dorispb.TabletCompactionJobPB) bool {
			return e.Type.Get() == typ || e.Type.Get() == dorispb.TabletCompactionJobPB_FULL
		}
		busy := func() {
			resp.Status = status(dorispb.MetaServiceCode_JOB_TABLET_BUSY,
				"compaction has already started, tablet_id="+itoa(tabletID)+" job="+string(dorispb.MarshalJSON(recorded)))
		}
		switch {
		case typ == dorispb.TabletCompactionJobPB_FULL || typ == dorispb.TabletCompactionJobPB_STOP_TOKEN:
			recorded.Compaction = nil // preempt every other compaction
		case !c.CheckInputVersionsRange.Get():
			for _, e := range recorded.Compaction {
				if !conflicts(e) {
					continue
				}
				if e.ID.Get() == c.ID.Get() {
					resp.Status = okStatus() // idempotent
					return resp
				}
				busy()
				return resp
			}
		default:
			cs, ce := inputRange(c)
			for _, e := range recorded.Compaction {
				if !conflicts(e) {
					continue
				}
				if len(e.InputVersions) > 0 {
					es, ee := inputRange(e)
					if es > ce || ee < cs {
						continue // disjoint
					}
				}
				if e.ID.Get() == c.ID.Get() {
					resp.Status = okStatus()
					return resp
				}
				busy()
				if len(e.InputVersions) == 0 {
					return resp
				}
				for _, e2 := range recorded.Compaction {
					if conflicts(e2) && len(e2.InputVersions) > 0 {
						s2, e2End := inputRange(e2)
						resp.VersionInCompaction = append(resp.VersionInCompaction, s2, e2End)
					}
				}
				return resp
			}
		}
	}
	if recorded.Idx == nil {
		recorded.Idx = idx
	}
	job := *c
	if !job.Ctime.Has() {
		job.Ctime.Set(now)
	}
	recorded.Compaction = append(recorded.Compaction, &job)
	t.put(key, recorded)
	if ext, ok := t.ext(inst, tabletID); ok {
		if r := ext.record(c.Type.Get()); r != nil {
			r.LastScheduleMs = t.nowMs()
			t.putExt(ext)
		}
	}
	resp.Status = okStatus()
	return resp
}

func inputRange(c *dorispb.TabletCompactionJobPB) (int64, int64) {
	if len(c.InputVersions) < 2 {
		if len(c.InputVersions) == 1 {
			return c.InputVersions[0], c.InputVersions[0]
		}
		return 0, -1
	}
	return c.InputVersions[0], c.InputVersions[1]
}

func inputBound(c *dorispb.TabletCompactionJobPB, i int) string {
	if len(c.InputVersions) > i {
		return itoa(c.InputVersions[i])
	}
	return "-1"
}

// alterVersionStatus is the JOB_CHECK_ALTER_VERSION refusal of a compaction
// whose inputs cross the schema change's alter version.
func alterVersionStatus(c *dorispb.TabletCompactionJobPB, alter int64) *dorispb.MetaServiceResponseStatus {
	return status(dorispb.MetaServiceCode_JOB_CHECK_ALTER_VERSION,
		"Check compaction input versions failed in schema change. input_version_start="+inputBound(c, 0)+
			" input_version_end="+inputBound(c, 1)+" schema_change_alter_version="+itoa(alter))
}

// applyFinishTabletJob is COMMIT, ABORT or LEASE of a recorded compaction
// job (§8.3). It returns keep=true when Doris commits writes along with a
// failure status (too few input rowsets, alter-version abort).
func applyFinishTabletJob(t *tx, req *dorispb.FinishTabletJobRequest) (dorispb.Message, bool) {
	resp := &dorispb.FinishTabletJobResponse{}
	inst, idx, st := jobPrelude(t, req.CloudUniqueID.Get(), req.Job)
	if st != nil {
		resp.Status = st
		return resp, false
	}
	tabletID := idx.TabletID.Get()
	c := req.Job.Compaction[0]
	key := jobKey(inst, idx)
	recorded := &dorispb.TabletJobInfoPB{}
	if !t.get(key, recorded) {
		resp.Status = invalid("job not found, instance_id=" + inst + " tablet_id=" + itoa(tabletID) + " job=" + string(dorispb.MarshalJSON(req.Job)) + " err=KeyNotFound")
		return resp, false
	}
	if len(recorded.Compaction) == 0 {
		resp.Status = invalid("there is no running compaction, tablet_id=" + itoa(tabletID))
		return resp, false
	}
	pos := -1
	for i, e := range recorded.Compaction {
		if e.ID.Get() == c.ID.Get() {
			pos = i
			break
		}
	}
	if pos < 0 {
		resp.Status = invalid("unmatched job id, recorded_job=" + string(dorispb.MarshalJSON(recorded)) + " given_job=" + string(dorispb.MarshalJSON(req.Job)))
		return resp, false
	}
	r := recorded.Compaction[pos]
	now := t.nowS()
	if r.Expiration.Get() > 0 && r.Expiration.Get() < now {
		resp.Status = status(dorispb.MetaServiceCode_JOB_EXPIRED, "expired compaction job, tablet_id="+itoa(tabletID)+" job="+string(dorispb.MarshalJSON(recorded)))
		return resp, false
	}
	remove := func() {
		recorded.Compaction = append(recorded.Compaction[:pos:pos], recorded.Compaction[pos+1:]...)
		t.put(key, recorded)
	}
	action := req.Action.Get()
	switch action {
	case dorispb.FinishTabletJobRequest_COMMIT, dorispb.FinishTabletJobRequest_ABORT, dorispb.FinishTabletJobRequest_LEASE:
	default:
		resp.Status = invalid("unsupported action, tablet_id=" + itoa(tabletID) + " action=" + itoa(int64(action)))
		return resp, false
	}
	if action == dorispb.FinishTabletJobRequest_COMMIT {
		if alter, ok := checkAlterVersion(recorded, c); !ok {
			remove()
			resp.AlterVersion.Set(alter)
			resp.Status = alterVersionStatus(c, alter)
			return resp, true
		}
	}
	switch action {
	case dorispb.FinishTabletJobRequest_ABORT:
		remove()
		if ext, ok := t.ext(inst, tabletID); ok {
			if rec := ext.record(r.Type.Get()); rec != nil {
				rec.LastFailureMs = t.nowMs()
				rec.LastStatus = "aborted"
				t.putExt(ext)
			}
		}
		resp.Status = okStatus()
		return resp, false
	case dorispb.FinishTabletJobRequest_LEASE:
		if c.Lease.Get() <= 0 || c.Lease.Get() < r.Lease.Get() {
			resp.Status = invalid("invalid lease. recoreded_lease=" + itoa(r.Lease.Get()) + " req_lease=" + itoa(c.Lease.Get()))
			return resp, false
		}
		r.Lease.Set(c.Lease.Get())
		r.Mtime.Set(now)
		t.put(key, recorded)
		resp.Status = okStatus()
		return resp, false
	}
	return commitCompaction(t, inst, idx, recorded, remove, c, resp)
}

// commitCompaction is the COMMIT branch of finish_tablet_job; remove drops
// the job from recorded and stores it.
func commitCompaction(t *tx, inst string, idx *dorispb.TabletIndexPB, recorded *dorispb.TabletJobInfoPB, remove func(),
	c *dorispb.TabletCompactionJobPB, resp *dorispb.FinishTabletJobResponse) (dorispb.Message, bool) {
	tabletID := idx.TabletID.Get()
	stats, ok := t.stats(inst, idx)
	if !ok {
		resp.Status = statsNotFound(tabletID)
		return resp, false
	}
	stats.Idx = idx
	nowMs := t.nowMs()
	typ := c.Type.Get()
	delta := func() {
		stats.NumRows.Set(stats.NumRows.Get() + c.NumOutputRows.Get() - c.NumInputRows.Get())
		stats.DataSize.Set(stats.DataSize.Get() + c.SizeOutputRowsets.Get() - c.SizeInputRowsets.Get())
		stats.NumRowsets.Set(stats.NumRowsets.Get() + c.NumOutputRowsets.Get() - c.NumInputRowsets.Get())
		stats.NumSegments.Set(stats.NumSegments.Get() + c.NumOutputSegments.Get() - c.NumInputSegments.Get())
		stats.IndexSize.Set(stats.IndexSize.Get() + c.IndexSizeOutputRowsets.Get() - c.IndexSizeInputRowsets.Get())
		stats.SegmentSize.Set(stats.SegmentSize.Get() + c.SegmentSizeOutputRowsets.Get() - c.SegmentSizeInputRowsets.Get())
	}
	switch typ {
	case dorispb.TabletCompactionJobPB_EMPTY_CUMULATIVE:
		stats.CumulativeCompactionCnt.Set(stats.CumulativeCompactionCnt.Get() + 1)
		stats.CumulativePoint.Set(c.OutputCumulativePoint.Get())
		stats.LastCumuCompactionTimeMs.Set(nowMs)
	case dorispb.TabletCompactionJobPB_CUMULATIVE:
		stats.CumulativeCompactionCnt.Set(stats.CumulativeCompactionCnt.Get() + 1)
		if c.OutputCumulativePoint.Get() > stats.CumulativePoint.Get() {
			stats.CumulativePoint.Set(c.OutputCumulativePoint.Get())
		}
		delta()
		stats.LastCumuCompactionTimeMs.Set(nowMs)
	case dorispb.TabletCompactionJobPB_BASE:
		stats.BaseCompactionCnt.Set(stats.BaseCompactionCnt.Get() + 1)
		delta()
		stats.LastBaseCompactionTimeMs.Set(nowMs)
	case dorispb.TabletCompactionJobPB_FULL:
		stats.BaseCompactionCnt.Set(stats.BaseCompactionCnt.Get() + 1)
		stats.FullCompactionCnt.Set(stats.FullCompactionCnt.Get() + 1)
		if c.OutputCumulativePoint.Get() > stats.CumulativePoint.Get() {
			stats.CumulativePoint.Set(c.OutputCumulativePoint.Get())
		}
		delta()
		stats.LastFullCompactionTimeMs.Set(nowMs)
	default:
		resp.Status = invalid("invalid compaction type")
		return resp, false
	}
	ext, hasExt := t.ext(inst, tabletID)
	success := func() {
		if !hasExt {
			return
		}
		if rec := ext.record(typ); rec != nil {
			rec.LastSuccessMs = nowMs
			rec.LastStatus = "[OK]"
		}
		t.putExt(ext)
	}
	if typ == dorispb.TabletCompactionJobPB_EMPTY_CUMULATIVE {
		t.putStats(inst, stats)
		remove()
		success()
		resp.Stats = stats
		resp.Status = okStatus()
		return resp, false
	}
	if len(c.InputVersions) != 2 || len(c.OutputVersions) != 1 || len(c.OutputRowsetIDs) != 1 {
		resp.Status = invalid("invalid input or output versions, input_versions_size=" + itoa(int64(len(c.InputVersions))) +
			" output_versions_size=" + itoa(int64(len(c.OutputVersions))) + " output_rowset_ids_size=" + itoa(int64(len(c.OutputRowsetIDs))))
		return resp, false
	}
	inStart, inEnd := c.InputVersions[0], c.InputVersions[1]
	inputs := t.rowsets(inst, tabletID, inStart, inEnd)
	if t.err != nil {
		return resp, false
	}
	if len(inputs) == 0 && c.NumInputRowsets.Get() > 0 || int64(len(inputs)) < c.NumInputRowsets.Get() {
		// The inputs changed since the job started: nothing is swapped; the
		// job is removed, as Doris does when no input is left.
		remove()
		resp.Status = status(dorispb.MetaServiceCode_UNDEFINED_ERR, "too few input rowsets, tablet_id="+itoa(tabletID)+" num_rowsets="+itoa(int64(len(inputs))))
		return resp, true
	}
	if len(c.TxnID) != 1 {
		resp.Status = invalid("invalid txn_id, txn_id_size=" + itoa(int64(len(c.TxnID))))
		return resp, false
	}
	txnID, rowsetID := c.TxnID[0], c.OutputRowsetIDs[0]
	if txnID <= 0 || rowsetID == "" {
		resp.Status = invalid("invalid txn_id or rowset_id, tablet_id=" + itoa(tabletID) + " txn_id=" + itoa(txnID) + " rowset_id=" + rowsetID)
		return resp, false
	}
	tmpKey := keys.MetaRowsetTmpKey(inst, txnID, tabletID)
	out := &dorispb.RowsetMetaCloudPB{}
	if !t.get(tmpKey, out) {
		resp.Status = status(dorispb.MetaServiceCode_UNDEFINED_ERR, "failed to get tmp rowset key (not found), tablet_id="+itoa(tabletID)+" tmp_rowset_key="+keys.Hex(tmpKey))
		return resp, false
	}
	if out.TxnID.Get() <= 0 {
		resp.Status = invalid("invalid txn_id in output tmp rowset meta, tablet_id=" + itoa(tabletID) + " txn_id=" + itoa(txnID))
		return resp, false
	}
	if out.IsRecycled.Get() {
		resp.Status = status(dorispb.MetaServiceCode_TXN_ALREADY_ABORTED, "rowset has already been marked as recycled, tablet_id="+itoa(tabletID)+" txn_id="+itoa(txnID))
		return resp, false
	}
	nowS := t.nowS()
	var path StalePath
	for _, rs := range inputs {
		t.put(keys.RecycleRowsetKey(inst, tabletID, rs.RowsetIDV2.Get()), &dorispb.RecycleRowsetPB{
			CreationTime: dorispb.Some(nowS),
			Type:         dorispb.Some(dorispb.RecycleRowsetPB_COMPACT),
			RowsetMeta:   rs,
		})
		t.del(keys.MetaRowsetKey(inst, tabletID, rs.EndVersion.Get()))
		path.Rowsets = append(path.Rowsets, Summarize(rs))
	}
	t.del(tmpKey)
	out.VisibleTsMs.Set(nowMs)
	t.put(keys.MetaRowsetKey(inst, tabletID, c.OutputVersions[0]), out)
	t.putStats(inst, stats)
	remove()
	if hasExt {
		single := len(inputs) == 1 && inputs[0].StartVersion.Get() == out.StartVersion.Get() && inputs[0].EndVersion.Get() == out.EndVersion.Get()
		if len(inputs) > 0 && !single {
			path.ID = ext.NextPathID
			path.StaleAt = nowS
			ext.NextPathID++
			ext.StalePaths = append(ext.StalePaths, path)
		}
	}
	success()
	if recorded.SchemaChange != nil && recorded.SchemaChange.AlterVersion.Has() {
		resp.AlterVersion.Set(recorded.SchemaChange.AlterVersion.Get())
	} else {
		resp.AlterVersion.Set(-1)
	}
	resp.Stats = stats
	resp.Status = okStatus()
	return resp, false
}
