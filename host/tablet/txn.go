package tablet

import (
	"context"
	"encoding/binary"
	"sort"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
)

// defaultTxnTimeoutMs is the timeout of a txn that does not give one.
const defaultTxnTimeoutMs = 4 * 3600 * 1000

// nextTxnID hands out the next transaction id (deterministic: a counter in
// the replicated state).
func (t *tx) nextTxnID() int64 {
	var id int64
	if v := t.b.Get(txnSeqKey()); len(v) == 8 {
		id = int64(binary.BigEndian.Uint64(v))
	}
	id++
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(id))
	t.putRaw(txnSeqKey(), b[:])
	return id
}

func sameRequestID(a, b *dorispb.UniqueIdPB) bool {
	return a != nil && b != nil && a.Hi.Get() == b.Hi.Get() && a.Lo.Get() == b.Lo.Get()
}

// applyBeginTxn starts a load transaction: label unique per db among
// transactions that are not aborted.
func applyBeginTxn(t *tx, req *dorispb.BeginTxnRequest) dorispb.Message {
	resp := &dorispb.BeginTxnResponse{}
	if req.TxnInfo == nil {
		resp.Status = invalid("invalid argument, missing txn info")
		return resp
	}
	info := *req.TxnInfo
	label := info.Label.Get()
	dbID := int64(-1)
	if info.DbID.Has() {
		dbID = info.DbID.Get()
	}
	if label == "" || dbID < 0 {
		resp.Status = invalid("invalid argument, label=" + label + " db_id=" + itoa(dbID))
		return resp
	}
	cuid := req.CloudUniqueID.Get()
	inst := t.resolve(cuid)
	if inst == "" {
		resp.Status = invalid("cannot find instance_id with cloud_unique_id=" + cuidText(cuid) + " label=" + label)
		return resp
	}
	labelKey := keys.TxnLabelKey(inst, dbID, label)
	labelPB := &dorispb.TxnLabelPB{}
	if t.get(labelKey, labelPB) {
		for _, id := range labelPB.TxnIDs {
			cur := &dorispb.TxnInfoPB{}
			if !t.get(keys.TxnInfoKey(inst, dbID, id), cur) {
				continue
			}
			if cur.Status.Get() == dorispb.TxnStatusPB_TXN_STATUS_ABORTED {
				continue
			}
			resp.DupTxnID.Set(cur.TxnID.Get())
			resp.TxnStatus.Set(cur.Status.Get())
			if sameRequestID(cur.RequestID, info.RequestID) {
				resp.Status = status(dorispb.MetaServiceCode_TXN_DUPLICATED_REQ,
					"db_id="+itoa(dbID)+" label="+label+" txn_id="+itoa(cur.TxnID.Get())+" dup begin txn request.")
				return resp
			}
			resp.Status = status(dorispb.MetaServiceCode_TXN_LABEL_ALREADY_USED,
				"Label ["+label+"] has already been used, relate to txn ["+itoa(cur.TxnID.Get())+"], status=["+cur.Status.Get().String()+"]")
			return resp
		}
	}
	txnID := t.nextTxnID()
	nowMs := t.nowMs()
	info.TxnID.Set(txnID)
	info.DbID.Set(dbID)
	info.PrepareTime.Set(nowMs)
	if !info.TimeoutMs.Has() || info.TimeoutMs.Get() <= 0 {
		info.TimeoutMs.Set(defaultTxnTimeoutMs)
	}
	info.Status.Set(dorispb.TxnStatusPB_TXN_STATUS_PREPARED)
	labelPB.TxnIDs = append(labelPB.TxnIDs, txnID)
	t.put(labelKey, labelPB)
	t.put(keys.TxnInfoKey(inst, dbID, txnID), &info)
	t.put(keys.TxnIndexKey(inst, txnID), &dorispb.TxnIndexPB{TabletIndex: &dorispb.TabletIndexPB{DbID: dorispb.Some(dbID)}})
	t.put(keys.TxnRunningKey(inst, dbID, txnID), &dorispb.TxnRunningPB{
		TableIDs:    append([]int64(nil), info.TableIDs...),
		TimeoutTime: dorispb.Some(nowMs + info.TimeoutMs.Get()),
	})
	resp.TxnID.Set(txnID)
	resp.Status = okStatus()
	return resp
}

// txnDB finds the db of a txn through the txn index.
func (t *tx) txnDB(inst string, txnID int64) (int64, bool) {
	idx := &dorispb.TxnIndexPB{}
	if !t.get(keys.TxnIndexKey(inst, txnID), idx) || idx.TabletIndex == nil {
		return 0, false
	}
	return idx.TabletIndex.DbID.Get(), true
}

// finishedTxnStatus is the status refusing to add to an aborted or visible
// txn (commit_txn, a load's rowset), or nil while the txn runs.
func finishedTxnStatus(info *dorispb.TxnInfoPB, dbID, txnID int64) *dorispb.MetaServiceResponseStatus {
	switch info.Status.Get() {
	case dorispb.TxnStatusPB_TXN_STATUS_ABORTED:
		return status(dorispb.MetaServiceCode_TXN_ALREADY_ABORTED, "transaction is already aborted: db_id="+itoa(dbID)+" txn_id="+itoa(txnID))
	case dorispb.TxnStatusPB_TXN_STATUS_VISIBLE:
		return status(dorispb.MetaServiceCode_TXN_ALREADY_VISIBLE, "transaction is already visible: db_id="+itoa(dbID)+" txn_id="+itoa(txnID))
	}
	return nil
}

// partKey identifies a partition for versioning.
type partKey struct{ table, partition int64 }

// applyCommitTxn makes every tmp rowset of the txn visible: each partition
// touched gets version+1, each rowset becomes [v-v] under its rowset key,
// the tablet stats grow, and the txn becomes VISIBLE.
func applyCommitTxn(t *tx, req *dorispb.CommitTxnRequest) dorispb.Message {
	resp := &dorispb.CommitTxnResponse{}
	if !req.TxnID.Has() {
		resp.Status = invalid("invalid argument, missing txn id")
		return resp
	}
	txnID := req.TxnID.Get()
	cuid := req.CloudUniqueID.Get()
	inst := t.resolve(cuid)
	if inst == "" {
		resp.Status = invalid("cannot find instance_id with cloud_unique_id=" + cuidText(cuid) + " txn_id=" + itoa(txnID))
		return resp
	}
	dbID, ok := t.txnDB(inst, txnID)
	if !ok {
		resp.Status = status(dorispb.MetaServiceCode_TXN_ID_NOT_FOUND, "failed to get db id, txn_id="+itoa(txnID)+" err=KeyNotFound")
		return resp
	}
	info := &dorispb.TxnInfoPB{}
	if !t.get(keys.TxnInfoKey(inst, dbID, txnID), info) {
		resp.Status = status(dorispb.MetaServiceCode_TXN_ID_NOT_FOUND, "failed to get txn_info, db_id="+itoa(dbID)+" txn_id="+itoa(txnID)+" err=KeyNotFound")
		return resp
	}
	if st := finishedTxnStatus(info, dbID, txnID); st != nil {
		if st.Code.Get() == dorispb.MetaServiceCode_TXN_ALREADY_VISIBLE {
			resp.TxnInfo = info
		}
		resp.Status = st
		return resp
	}

	// Collect the tmp rowsets (key order: by tablet id).
	type tmp struct {
		key []byte
		rs  *dorispb.RowsetMetaCloudPB
		idx *dorispb.TabletIndexPB
	}
	var tmps []tmp
	failed := ""
	t.scan(keys.MetaRowsetTmpKeyPrefix(inst, txnID), func(k, v []byte) bool {
		rs := &dorispb.RowsetMetaCloudPB{}
		if err := dorispb.Unmarshal(v, rs); err != nil {
			t.fail(err)
			return false
		}
		idx, ok := t.tabletIdx(inst, rs.TabletID.Get())
		if !ok {
			failed = idxNotFound(inst, rs.TabletID.Get())
			return false
		}
		tmps = append(tmps, tmp{key: append([]byte(nil), k...), rs: rs, idx: idx})
		return true
	})
	if failed != "" {
		resp.Status = status(dorispb.MetaServiceCode_TABLET_NOT_FOUND, failed)
		return resp
	}

	// One new version per partition.
	nowMs := t.nowMs()
	versions := map[partKey]int64{}
	var parts []partKey
	for _, tp := range tmps {
		pk := partKey{tp.idx.TableID.Get(), tp.idx.PartitionID.Get()}
		if _, seen := versions[pk]; seen {
			continue
		}
		ver := &dorispb.VersionPB{}
		cur := int64(1)
		if t.get(keys.PartitionVersionKey(inst, dbID, pk.table, pk.partition), ver) {
			cur = ver.Version.Get()
		}
		versions[pk] = cur + 1
		parts = append(parts, pk)
	}
	sort.Slice(parts, func(i, j int) bool {
		if parts[i].table != parts[j].table {
			return parts[i].table < parts[j].table
		}
		return parts[i].partition < parts[j].partition
	})
	for _, pk := range parts {
		t.put(keys.PartitionVersionKey(inst, dbID, pk.table, pk.partition), &dorispb.VersionPB{
			Version:      dorispb.Some(versions[pk]),
			UpdateTimeMs: dorispb.Some(nowMs),
		})
		resp.TableIDs = append(resp.TableIDs, pk.table)
		resp.PartitionIDs = append(resp.PartitionIDs, pk.partition)
		resp.Versions = append(resp.Versions, versions[pk])
	}

	rows := map[int64]int64{}
	for _, tp := range tmps {
		v := versions[partKey{tp.idx.TableID.Get(), tp.idx.PartitionID.Get()}]
		rs := tp.rs
		tabletID := rs.TabletID.Get()
		rs.StartVersion.Set(v)
		rs.EndVersion.Set(v)
		rs.VisibleTsMs.Set(nowMs)
		t.put(keys.MetaRowsetKey(inst, tabletID, v), rs)
		t.del(tp.key)
		if st, ok := t.stats(inst, tp.idx); ok {
			addRowsetStats(st, rs, 1)
			st.Idx = tp.idx
			t.putStats(inst, st)
		}
		rows[tp.idx.TableID.Get()] += rs.NumRows.Get()
	}
	tables := make([]int64, 0, len(rows))
	for id := range rows {
		tables = append(tables, id)
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i] < tables[j] })
	for _, id := range tables {
		resp.TableStats = append(resp.TableStats, &dorispb.TableStatsPB{TableID: dorispb.Some(id), UpdatedRowCount: dorispb.Some(rows[id])})
	}

	info.Status.Set(dorispb.TxnStatusPB_TXN_STATUS_VISIBLE)
	info.CommitTime.Set(nowMs)
	info.FinishTime.Set(nowMs)
	t.put(keys.TxnInfoKey(inst, dbID, txnID), info)
	t.del(keys.TxnRunningKey(inst, dbID, txnID))
	t.put(keys.RecycleTxnKey(inst, dbID, txnID), &dorispb.RecycleTxnPB{CreationTime: dorispb.Some(nowMs), Label: dorispb.Some(info.Label.Get())})
	resp.TxnInfo = info
	resp.VersionUpdateTimeMs.Set(nowMs)
	resp.Status = okStatus()
	return resp
}

// applyAbortTxn aborts a PREPARED/PRECOMMITTED txn by id or by (db, label)
// (meta-service spec §7.6).
func applyAbortTxn(t *tx, req *dorispb.AbortTxnRequest) dorispb.Message {
	resp := &dorispb.AbortTxnResponse{}
	txnID := int64(-1)
	if req.TxnID.Has() {
		txnID = req.TxnID.Get()
	}
	dbID := int64(-1)
	if req.DbID.Has() {
		dbID = req.DbID.Get()
	}
	label := req.Label.Get()
	if txnID < 0 && (label == "" || dbID < 0) {
		resp.Status = invalid("invalid txn id and label, db_id=" + itoa(dbID) + " txn_id=" + itoa(txnID) + " label=" + label)
		return resp
	}
	cuid := req.CloudUniqueID.Get()
	inst := t.resolve(cuid)
	if inst == "" {
		resp.Status = invalid("cannot find instance_id with cloud_unique_id=" + cuidText(cuid) + " label=" + label + " txn_id=" + itoa(txnID))
		return resp
	}
	info := &dorispb.TxnInfoPB{}
	if txnID > 0 {
		if dbID <= 0 {
			db, ok := t.txnDB(inst, txnID)
			if !ok {
				resp.Status = status(dorispb.MetaServiceCode_TXN_ID_NOT_FOUND, "transaction ["+itoa(txnID)+"] not found")
				return resp
			}
			dbID = db
		}
		if !t.get(keys.TxnInfoKey(inst, dbID, txnID), info) {
			resp.Status = status(dorispb.MetaServiceCode_TXN_ID_NOT_FOUND, "failed to get txn_info, db_id="+itoa(dbID)+"txn_id="+itoa(txnID)+"err=KeyNotFound")
			return resp
		}
		switch info.Status.Get() {
		case dorispb.TxnStatusPB_TXN_STATUS_ABORTED:
			resp.Status = status(dorispb.MetaServiceCode_TXN_ALREADY_ABORTED, "transaction ["+itoa(txnID)+"] is already aborted, db_id="+itoa(dbID))
			return resp
		case dorispb.TxnStatusPB_TXN_STATUS_VISIBLE:
			resp.Status = status(dorispb.MetaServiceCode_TXN_ALREADY_VISIBLE, "transaction ["+itoa(txnID)+"] is already VISIBLE, db_id="+itoa(dbID))
			return resp
		}
	} else {
		labelPB := &dorispb.TxnLabelPB{}
		if !t.get(keys.TxnLabelKey(inst, dbID, label), labelPB) {
			resp.Status = status(dorispb.MetaServiceCode_KV_TXN_GET_ERR, "txn->get() failed, label="+label+" err=KeyNotFound")
			return resp
		}
		found := false
		for _, id := range labelPB.TxnIDs {
			cur := &dorispb.TxnInfoPB{}
			if !t.get(keys.TxnInfoKey(inst, dbID, id), cur) {
				continue
			}
			if s := cur.Status.Get(); s == dorispb.TxnStatusPB_TXN_STATUS_PREPARED || s == dorispb.TxnStatusPB_TXN_STATUS_PRECOMMITTED {
				info, txnID, found = cur, id, true
				break
			}
		}
		if !found {
			resp.Status = status(dorispb.MetaServiceCode_TXN_INVALID_STATUS, "running transaction not found, db_id="+itoa(dbID)+" label="+label)
			return resp
		}
	}
	nowMs := t.nowMs()
	info.Status.Set(dorispb.TxnStatusPB_TXN_STATUS_ABORTED)
	info.FinishTime.Set(nowMs)
	reason := req.Reason.Get()
	if reason == "" {
		reason = "User Abort"
	}
	info.Reason.Set(reason)
	t.put(keys.TxnInfoKey(inst, dbID, txnID), info)
	t.del(keys.TxnRunningKey(inst, dbID, txnID))
	t.put(keys.RecycleTxnKey(inst, dbID, txnID), &dorispb.RecycleTxnPB{CreationTime: dorispb.Some(nowMs), Label: dorispb.Some(info.Label.Get())})
	resp.TxnInfo = info
	resp.Status = okStatus()
	return resp
}

// GetTxn answers get_txn: the txn by id, or the newest txn of a label.
func (s *Service) GetTxn(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetTxnRequest) *dorispb.GetTxnResponse {
	resp := &dorispb.GetTxnResponse{}
	s.read(ctx, opts, "", resp, func(t *tx) {
		txnID := int64(-1)
		if req.TxnID.Has() {
			txnID = req.TxnID.Get()
		}
		dbID := req.DbID.Get()
		label := req.Label.Get()
		if txnID < 0 && label == "" {
			resp.Status = invalid("invalid txn_id, it may be not given or set properly, txn_id=" + itoa(txnID))
			return
		}
		cuid := req.CloudUniqueID.Get()
		inst := t.resolve(cuid)
		if inst == "" {
			resp.Status = invalid("cannot find instance_id with cloud_unique_id=" + cuidText(cuid) + " txn_id=" + itoa(txnID))
			return
		}
		if txnID < 0 {
			labelPB := &dorispb.TxnLabelPB{}
			if !t.get(keys.TxnLabelKey(inst, dbID, label), labelPB) || len(labelPB.TxnIDs) == 0 {
				resp.Status = status(dorispb.MetaServiceCode_TXN_LABEL_NOT_FOUND, "label not found, db_id="+itoa(dbID)+" label="+label)
				return
			}
			txnID = labelPB.TxnIDs[len(labelPB.TxnIDs)-1]
		}
		if dbID <= 0 {
			db, ok := t.txnDB(inst, txnID)
			if !ok {
				resp.Status = status(dorispb.MetaServiceCode_TXN_ID_NOT_FOUND, "failed to get db id with txn_id="+itoa(txnID)+" err=KeyNotFound")
				return
			}
			dbID = db
		}
		info := &dorispb.TxnInfoPB{}
		if !t.get(keys.TxnInfoKey(inst, dbID, txnID), info) {
			resp.Status = status(dorispb.MetaServiceCode_TXN_ID_NOT_FOUND, "failed to get txn_info, db_id="+itoa(dbID)+" txn_id="+itoa(txnID)+" err=KeyNotFound")
			return
		}
		resp.TxnInfo = info
		resp.Status = okStatus()
	})
	return resp
}
