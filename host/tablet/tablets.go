package tablet

import (
	"context"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
)

// operations is the table of replicated operations.
func operations() map[string]op {
	return map[string]op{
		OpCreateTablets: {
			newReq: func() any { return &dorispb.CreateTabletsRequest{} },
			apply: func(t *tx, r any) (dorispb.Message, bool) {
				return applyCreateTablets(t, r.(*dorispb.CreateTabletsRequest)), false
			},
		},
		OpBeginTxn: {
			newReq: func() any { return &dorispb.BeginTxnRequest{} },
			apply: func(t *tx, r any) (dorispb.Message, bool) {
				return applyBeginTxn(t, r.(*dorispb.BeginTxnRequest)), false
			},
		},
		OpCommitTxn: {
			newReq: func() any { return &dorispb.CommitTxnRequest{} },
			apply: func(t *tx, r any) (dorispb.Message, bool) {
				return applyCommitTxn(t, r.(*dorispb.CommitTxnRequest)), false
			},
		},
		OpAbortTxn: {
			newReq: func() any { return &dorispb.AbortTxnRequest{} },
			apply: func(t *tx, r any) (dorispb.Message, bool) {
				return applyAbortTxn(t, r.(*dorispb.AbortTxnRequest)), false
			},
		},
		OpPrepareRowset: {
			newReq: func() any { return &dorispb.CreateRowsetRequest{} },
			apply: func(t *tx, r any) (dorispb.Message, bool) {
				return applyCreateRowset(t, r.(*dorispb.CreateRowsetRequest), false), false
			},
		},
		OpCommitRowset: {
			newReq: func() any { return &dorispb.CreateRowsetRequest{} },
			apply: func(t *tx, r any) (dorispb.Message, bool) {
				return applyCreateRowset(t, r.(*dorispb.CreateRowsetRequest), true), false
			},
		},
		OpStartTabletJob: {
			newReq: func() any { return &dorispb.StartTabletJobRequest{} },
			apply: func(t *tx, r any) (dorispb.Message, bool) {
				return applyStartTabletJob(t, r.(*dorispb.StartTabletJobRequest)), false
			},
		},
		OpFinishTabletJob: {
			newReq: func() any { return &dorispb.FinishTabletJobRequest{} },
			apply: func(t *tx, r any) (dorispb.Message, bool) {
				return applyFinishTabletJob(t, r.(*dorispb.FinishTabletJobRequest))
			},
		},
		OpRecordCompaction: {
			newReq: func() any { return &RecordRequest{} },
			apply:  func(t *tx, r any) (dorispb.Message, bool) { return applyRecord(t, r.(*RecordRequest)), false },
		},
	}
}

func okStatus() *dorispb.MetaServiceResponseStatus {
	return &dorispb.MetaServiceResponseStatus{Code: dorispb.Some(dorispb.MetaServiceCode_OK), Msg: dorispb.Some("")}
}

func status(code dorispb.MetaServiceCode, msg string) *dorispb.MetaServiceResponseStatus {
	return &dorispb.MetaServiceResponseStatus{Code: dorispb.Some(code), Msg: dorispb.Some(msg)}
}

func invalid(msg string) *dorispb.MetaServiceResponseStatus {
	return status(dorispb.MetaServiceCode_INVALID_ARGUMENT, msg)
}

// applyCreateTablets stores each tablet (meta without rowsets, index, first
// rowsets, stats and metahost's Ext). A tablet that already exists is left
// as it is (Doris answers OK for a repeated create).
func applyCreateTablets(t *tx, req *dorispb.CreateTabletsRequest) dorispb.Message {
	resp := &dorispb.CreateTabletsResponse{}
	if len(req.TabletMetas) == 0 {
		resp.Status = invalid("no tablet meta")
		return resp
	}
	inst := t.resolve(req.CloudUniqueID.Get())
	if inst == "" {
		resp.Status = invalid("empty instance_id")
		return resp
	}
	for _, tm := range req.TabletMetas {
		if tm.TabletID.Get() <= 0 || !tm.TableID.Has() || !tm.IndexID.Has() || !tm.PartitionID.Has() {
			resp.Status = invalid("invalid tablet meta, tablet_id=" + itoa(tm.TabletID.Get()) + " table_id=" + itoa(tm.TableID.Get()) +
				" index_id=" + itoa(tm.IndexID.Get()) + " partition_id=" + itoa(tm.PartitionID.Get()))
			return resp
		}
	}
	for _, tm := range req.TabletMetas {
		createTablet(t, inst, req.DbID.Get(), tm)
	}
	if req.StorageVaultName.Has() {
		resp.StorageVaultName.Set(req.StorageVaultName.Get())
	}
	resp.Status = okStatus()
	return resp
}

func createTablet(t *tx, inst string, dbID int64, tm *dorispb.TabletMetaCloudPB) {
	tabletID := tm.TabletID.Get()
	if t.has(keys.MetaTabletIdxKey(inst, tabletID)) {
		return
	}
	idx := &dorispb.TabletIndexPB{
		TableID:     dorispb.Some(tm.TableID.Get()),
		IndexID:     dorispb.Some(tm.IndexID.Get()),
		PartitionID: dorispb.Some(tm.PartitionID.Get()),
		TabletID:    dorispb.Some(tabletID),
	}
	if dbID > 0 {
		idx.DbID.Set(dbID)
	}
	stored := *tm
	stored.RsMetas = nil
	if !stored.CompactionPolicy.Has() {
		stored.CompactionPolicy.Set(DefaultPolicy)
	}
	if !stored.CreationTime.Has() {
		stored.CreationTime.Set(t.nowS())
	}
	point := int64(-1)
	if tm.CumulativeLayerPoint.Has() {
		point = tm.CumulativeLayerPoint.Get()
	}
	st := &dorispb.TabletStatsPB{
		Idx:                     idx,
		DataSize:                dorispb.Some(int64(0)),
		NumRows:                 dorispb.Some(int64(0)),
		NumRowsets:              dorispb.Some(int64(0)),
		NumSegments:             dorispb.Some(int64(0)),
		BaseCompactionCnt:       dorispb.Some(int64(0)),
		CumulativeCompactionCnt: dorispb.Some(int64(0)),
		CumulativePoint:         dorispb.Some(point),
		IndexSize:               dorispb.Some(int64(0)),
		SegmentSize:             dorispb.Some(int64(0)),
	}
	for _, rs := range tm.RsMetas {
		r := *rs
		r.TabletID.Set(tabletID)
		r.PartitionID.Set(tm.PartitionID.Get())
		r.IndexID.Set(tm.IndexID.Get())
		if !r.CreationTime.Has() {
			r.CreationTime.Set(t.nowS())
		}
		r.VisibleTsMs.Set(t.nowMs())
		t.put(keys.MetaRowsetKey(inst, tabletID, r.EndVersion.Get()), &r)
		addRowsetStats(st, &r, 1)
	}
	t.put(keys.MetaTabletIdxKey(inst, tabletID), idx)
	t.put(keys.MetaTabletKey(inst, tm.TableID.Get(), tm.IndexID.Get(), tm.PartitionID.Get(), tabletID), &stored)
	t.putStats(inst, st)
	t.putExt(&Ext{
		InstanceID:  inst,
		DbID:        dbID,
		TableID:     tm.TableID.Get(),
		IndexID:     tm.IndexID.Get(),
		PartitionID: tm.PartitionID.Get(),
		TabletID:    tabletID,
		SchemaHash:  tm.SchemaHash.Get(),
		Policy:      stored.CompactionPolicy.Get(),
	})
}

// addRowsetStats adds (sign 1) or removes (sign -1) a rowset's counters.
func addRowsetStats(st *dorispb.TabletStatsPB, rs *dorispb.RowsetMetaCloudPB, sign int64) {
	st.NumRows.Set(st.NumRows.Get() + sign*rs.NumRows.Get())
	st.DataSize.Set(st.DataSize.Get() + sign*rs.TotalDiskSize.Get())
	st.NumRowsets.Set(st.NumRowsets.Get() + sign)
	st.NumSegments.Set(st.NumSegments.Get() + sign*rs.NumSegments.Get())
	st.IndexSize.Set(st.IndexSize.Get() + sign*rs.IndexDiskSize.Get())
	st.SegmentSize.Set(st.SegmentSize.Get() + sign*rs.DataDiskSize.Get())
}

// GetTablet answers get_tablet: the stored tablet meta (without rowsets).
func (s *Service) GetTablet(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetTabletRequest) *dorispb.GetTabletResponse {
	resp := &dorispb.GetTabletResponse{}
	s.read(ctx, opts, "", resp, func(t *tx) {
		inst := t.resolve(req.CloudUniqueID.Get())
		if inst == "" {
			resp.Status = invalid("empty instance_id")
			return
		}
		tabletID := req.TabletID.Get()
		idx, ok := t.tabletIdx(inst, tabletID)
		if !ok {
			resp.Status = status(dorispb.MetaServiceCode_TABLET_NOT_FOUND, idxNotFound(inst, tabletID))
			return
		}
		tm := &dorispb.TabletMetaCloudPB{}
		key := keys.MetaTabletKey(inst, idx.TableID.Get(), idx.IndexID.Get(), idx.PartitionID.Get(), tabletID)
		if !t.get(key, tm) {
			resp.Status = status(dorispb.MetaServiceCode_TABLET_NOT_FOUND, "failed to get tablet, err=KeyNotFound tablet_id="+itoa(tabletID)+" key="+keys.Hex(key))
			return
		}
		if st, ok := t.stats(inst, idx); ok {
			tm.CumulativeLayerPoint.Set(st.CumulativePoint.Get())
		}
		resp.TabletMeta = tm
		resp.Status = okStatus()
	})
	return resp
}

// GetTabletStats answers get_tablet_stats (spec §8.6): one TabletStatsPB
// per index, detached counters merged, negative sizes clamped to 0.
func (s *Service) GetTabletStats(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetTabletStatsRequest) *dorispb.GetTabletStatsResponse {
	resp := &dorispb.GetTabletStatsResponse{}
	s.read(ctx, opts, "", resp, func(t *tx) {
		inst := t.resolve(req.CloudUniqueID.Get())
		if inst == "" {
			resp.Status = invalid("empty instance_id")
			return
		}
		for _, in := range req.TabletIdx {
			idx := copyIdx(in)
			if msg, ok := t.fillIdx(inst, idx); !ok {
				resp.Status = status(dorispb.MetaServiceCode_TABLET_NOT_FOUND, msg)
				return
			}
			st, ok := t.stats(inst, idx)
			if !ok {
				resp.TabletStats = nil
				resp.Status = statsNotFound(idx.TabletID.Get())
				return
			}
			for _, f := range []*dorispb.Opt[int64]{&st.DataSize, &st.IndexSize, &st.SegmentSize} {
				if f.Get() < 0 {
					f.Set(0)
				}
			}
			resp.TabletStats = append(resp.TabletStats, st)
		}
		resp.Status = okStatus()
	})
	return resp
}
