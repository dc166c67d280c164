package tablet

import (
	"context"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
)

// applyCreateRowset is prepare_rowset (commit false) and commit_rowset
// (commit true). A temporary rowset (loads and compaction outputs) lives
// under the tmp key {txn_id, tablet_id} until commit_txn or the job's
// COMMIT makes it visible; prepare_rowset records a PREPARE recycle entry
// that commit_rowset removes, so an abandoned rowset is recycled.
func applyCreateRowset(t *tx, req *dorispb.CreateRowsetRequest, commit bool) dorispb.Message {
	resp := &dorispb.CreateRowsetResponse{}
	if req.RowsetMeta == nil {
		resp.Status = invalid("no rowset meta")
		return resp
	}
	inst := t.resolve(req.CloudUniqueID.Get())
	if inst == "" {
		resp.Status = invalid("empty instance_id")
		return resp
	}
	rs := *req.RowsetMeta
	tabletID := rs.TabletID.Get()
	rowsetID := rs.RowsetIDV2.Get()
	txnID := rs.TxnID.Get()
	temporary := req.Temporary.Get()
	if tabletID <= 0 {
		resp.Status = invalid("no valid tablet_id given")
		return resp
	}
	if rowsetID == "" {
		resp.Status = invalid("no valid rowset_id given, tablet_id=" + itoa(tabletID))
		return resp
	}
	if temporary && txnID <= 0 {
		resp.Status = invalid("no valid txn_id given, tablet_id=" + itoa(tabletID) + " rowset_id=" + rowsetID)
		return resp
	}
	idx, ok := t.tabletIdx(inst, tabletID)
	if !ok {
		resp.Status = status(dorispb.MetaServiceCode_TABLET_NOT_FOUND, idxNotFound(inst, tabletID))
		return resp
	}
	// A load's rowset must belong to a running txn; compaction outputs use
	// a txn id derived from the job id that has no txn record.
	if temporary {
		if dbID, ok := t.txnDB(inst, txnID); ok {
			info := &dorispb.TxnInfoPB{}
			if t.get(keys.TxnInfoKey(inst, dbID, txnID), info) {
				if st := finishedTxnStatus(info, dbID, txnID); st != nil {
					resp.Status = st
					return resp
				}
			}
		}
	}
	var key []byte
	if temporary {
		key = keys.MetaRowsetTmpKey(inst, txnID, tabletID)
	} else {
		key = keys.MetaRowsetKey(inst, tabletID, rs.EndVersion.Get())
	}
	existed := &dorispb.RowsetMetaCloudPB{}
	if t.get(key, existed) {
		resp.ExistedRowsetMeta = existed
		if existed.RowsetIDV2.Get() == rowsetID {
			resp.Status = status(dorispb.MetaServiceCode_ALREADY_EXISTED, "rowset already exists")
		} else {
			resp.Status = status(dorispb.MetaServiceCode_UNDEFINED_ERR, "rowset already exists, existed_rowset_id="+existed.RowsetIDV2.Get()+" rowset_id="+rowsetID)
		}
		return resp
	}
	recycle := keys.RecycleRowsetKey(inst, tabletID, rowsetID)
	if !commit {
		rec := &dorispb.RecycleRowsetPB{
			TabletID:     dorispb.Some(tabletID),
			CreationTime: dorispb.Some(t.nowS()),
			Type:         dorispb.Some(dorispb.RecycleRowsetPB_PREPARE),
			RowsetMeta:   &rs,
		}
		if rs.ResourceID.Has() {
			rec.ResourceID.Set(rs.ResourceID.Get())
		}
		if rs.TxnExpiration.Has() {
			rec.Expiration.Set(rs.TxnExpiration.Get())
		}
		t.put(recycle, rec)
		resp.Status = okStatus()
		return resp
	}
	t.del(recycle)
	rs.PartitionID.Set(idx.PartitionID.Get())
	rs.IndexID.Set(idx.IndexID.Get())
	if !rs.CreationTime.Has() {
		rs.CreationTime.Set(t.nowS())
	}
	t.put(key, &rs)
	if !temporary {
		// A non-temporary rowset is visible at once (schema change, restore).
		if st, ok := t.stats(inst, idx); ok {
			addRowsetStats(st, &rs, 1)
			st.Idx = idx
			t.putStats(inst, st)
		}
	}
	resp.Status = okStatus()
	return resp
}

// GetRowset answers get_rowset: the visible rowsets whose end version lies
// in [start_version, end_version], widened as Doris does when the caller's
// compaction counters are behind (a base compaction since: from 0; a
// cumulative one: from the caller's cumulative point), plus the stats.
func (s *Service) GetRowset(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetRowsetRequest) *dorispb.GetRowsetResponse {
	resp := &dorispb.GetRowsetResponse{}
	s.read(ctx, opts, "", resp, func(t *tx) {
		inst := t.resolve(req.CloudUniqueID.Get())
		if inst == "" {
			resp.Status = invalid("empty instance_id")
			return
		}
		idx := copyIdx(req.Idx)
		tabletID := idx.TabletID.Get()
		if tabletID <= 0 {
			resp.Status = invalid("no valid tablet_id given")
			return
		}
		if !req.BaseCompactionCnt.Has() || !req.CumulativeCompactionCnt.Has() || !req.CumulativePoint.Has() {
			resp.Status = invalid("no valid compaction_cnt or cumulative_point given")
			return
		}
		if msg, ok := t.fillIdx(inst, idx); !ok {
			resp.Status = status(dorispb.MetaServiceCode_TABLET_NOT_FOUND, msg)
			return
		}
		st, ok := t.stats(inst, idx)
		if !ok {
			resp.Status = statsNotFound(tabletID)
			return
		}
		reqBc, reqCc, reqCp := req.BaseCompactionCnt.Get(), req.CumulativeCompactionCnt.Get(), req.CumulativePoint.Get()
		bc, cc, cp := st.BaseCompactionCnt.Get(), st.CumulativeCompactionCnt.Get(), st.CumulativePoint.Get()
		if reqBc > bc || reqCc > cc || reqCp > cp {
			resp.Status = invalid("no valid compaction_cnt or cumulative_point given. req_bc_cnt=" + itoa(reqBc) + ", bc_cnt=" + itoa(bc) +
				", req_cc_cnt=" + itoa(reqCc) + ", cc_cnt=" + itoa(cc) + ", req_cp=" + itoa(reqCp) + ", cp=" + itoa(cp))
			return
		}
		start, end := req.StartVersion.Get(), req.EndVersion.Get()
		if !req.EndVersion.Has() || end < 0 {
			end = 1<<63 - 1
		}
		if reqBc < bc {
			start = 0
		} else if reqCc < cc {
			start = min(start, reqCp)
		}
		resp.RowsetMeta = t.rowsets(inst, tabletID, start, end)
		st.Idx = idx
		resp.Stats = st
		resp.Status = okStatus()
	})
	return resp
}
