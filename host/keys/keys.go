package keys

// Family prefixes, infixes and suffixes, as in Doris keys.cpp / keys.h.
const (
	prefixInstance = "instance"
	prefixTxn      = "txn"
	prefixVersion  = "version"
	prefixMeta     = "meta"
	prefixRecycle  = "recycle"
	prefixStats    = "stats"
	prefixJob      = "job"
	prefixCopy     = "copy"
	prefixVault    = "storage_vault"

	infixTxnLabel   = "txn_label"
	infixTxnInfo    = "txn_info"
	infixTxnIndex   = "txn_index"
	infixTxnRunning = "txn_running"

	infixPartitionVersion = "partition"
	infixTableVersion     = "table"

	infixRowset              = "rowset"
	infixRowsetTmp           = "rowset_tmp"
	infixTablet              = "tablet"
	infixTabletIdx           = "tablet_index"
	infixSchema              = "schema"
	infixDeleteBitmap        = "delete_bitmap"
	infixDeleteBitmapLock    = "delete_bitmap_lock"
	infixDeleteBitmapPending = "delete_bitmap_pending"

	infixRecycleIndex = "index"
	infixRecyclePart  = "partition"
	infixRecycleTxn   = "txn"
	infixStage        = "stage"

	infixJobRecycle    = "recycle"
	infixJobCheck      = "check"
	infixRLJobProgress = "routine_load_progress"

	infixCopyJob  = "job"
	infixCopyFile = "loading_file"
	infixVault    = "vault"

	sysSystem      = "system"
	sysMetaService = "meta-service"
)

// Suffixes of the detached tablet-stats counter keys (STATS_KEY_SUFFIX_* in
// keys.h). Each detached key is StatsTabletKey followed by one of these as a
// bytes field; its value is an 8-byte little-endian int64.
const (
	StatsSuffixDataSize    = "data_size"
	StatsSuffixNumRows     = "num_rows"
	StatsSuffixNumRowsets  = "num_rowsets"
	StatsSuffixNumSegs     = "num_segs"
	StatsSuffixIndexSize   = "index_size"
	StatsSuffixSegmentSize = "segment_size"
)

// bytesLen is the encoded size of a bytes field holding s when s has no 0x00.
func bytesLen(s string) int { return len(s) + 3 }

// userKey starts a user-space key: 0x01 family instanceID, with capacity for
// extra more encoded bytes.
func userKey(family, instanceID string, extra int) []byte {
	k := make([]byte, 0, 1+bytesLen(family)+bytesLen(instanceID)+extra)
	k = append(k, SpaceUser)
	k = AppendBytes(k, family)
	return AppendBytes(k, instanceID)
}

// userKeyInfix starts a user-space key with an infix:
// 0x01 family instanceID infix, with capacity for nInts int64 fields and
// extra more bytes.
func userKeyInfix(family, instanceID, infix string, nInts, extra int) []byte {
	k := userKey(family, instanceID, bytesLen(infix)+nInts*int64Len+extra)
	return AppendBytes(k, infix)
}

// appendInts appends each value as an int64 field.
func appendInts(k []byte, vs ...int64) []byte {
	for _, v := range vs {
		k = AppendInt64(k, v)
	}
	return k
}

// systemKey builds 0x02 "system" "meta-service" name.
func systemKey(name string) []byte {
	k := make([]byte, 0, 1+bytesLen(sysSystem)+bytesLen(sysMetaService)+bytesLen(name))
	k = append(k, SpaceSystem)
	k = AppendBytes(k, sysSystem)
	k = AppendBytes(k, sysMetaService)
	return AppendBytes(k, name)
}

// ---- Resource keys ----

// InstanceKey is 0x01 "instance" instanceID (value InstanceInfoPB).
func InstanceKey(instanceID string) []byte { return userKey(prefixInstance, instanceID, 0) }

// InstanceKeyPrefix is 0x01 "instance": the common prefix of every instance
// key, for scanning all instances.
func InstanceKeyPrefix() []byte {
	k := make([]byte, 0, 1+bytesLen(prefixInstance))
	return AppendBytes(append(k, SpaceUser), prefixInstance)
}

// StorageVaultKey is 0x01 "storage_vault" instanceID "vault" vaultID
// (value StorageVaultPB).
func StorageVaultKey(instanceID, vaultID string) []byte {
	return AppendBytes(userKeyInfix(prefixVault, instanceID, infixVault, 0, bytesLen(vaultID)), vaultID)
}

// StorageVaultKeyPrefix is 0x01 "storage_vault" instanceID "vault": the
// prefix of all storage vault keys of an instance.
func StorageVaultKeyPrefix(instanceID string) []byte {
	return userKeyInfix(prefixVault, instanceID, infixVault, 0, 0)
}

// ---- Transaction keys ----

// TxnKeyPrefix is 0x01 "txn" instanceID (Doris txn_key_prefix).
func TxnKeyPrefix(instanceID string) []byte { return userKey(prefixTxn, instanceID, 0) }

// TxnLabelKey is 0x01 "txn" instanceID "txn_label" dbID label
// (value TxnLabelPB + 10-byte versionstamp).
func TxnLabelKey(instanceID string, dbID int64, label string) []byte {
	k := userKeyInfix(prefixTxn, instanceID, infixTxnLabel, 1, bytesLen(label))
	return AppendBytes(AppendInt64(k, dbID), label)
}

// TxnInfoKey is 0x01 "txn" instanceID "txn_info" dbID txnID (value TxnInfoPB).
func TxnInfoKey(instanceID string, dbID, txnID int64) []byte {
	return appendInts(userKeyInfix(prefixTxn, instanceID, infixTxnInfo, 2, 0), dbID, txnID)
}

// TxnIndexKey is 0x01 "txn" instanceID "txn_index" txnID (value TxnIndexPB).
func TxnIndexKey(instanceID string, txnID int64) []byte {
	return AppendInt64(userKeyInfix(prefixTxn, instanceID, infixTxnIndex, 1, 0), txnID)
}

// TxnRunningKey is 0x01 "txn" instanceID "txn_running" dbID txnID
// (value TxnRunningPB).
func TxnRunningKey(instanceID string, dbID, txnID int64) []byte {
	return appendInts(userKeyInfix(prefixTxn, instanceID, infixTxnRunning, 2, 0), dbID, txnID)
}

// TxnRunningKeyPrefix is 0x01 "txn" instanceID "txn_running" dbID: the prefix
// of the running-txn keys of one database, in txn id order.
func TxnRunningKeyPrefix(instanceID string, dbID int64) []byte {
	return AppendInt64(userKeyInfix(prefixTxn, instanceID, infixTxnRunning, 1, 0), dbID)
}

// ---- Version keys ----

// VersionKeyPrefix is 0x01 "version" instanceID (Doris version_key_prefix).
func VersionKeyPrefix(instanceID string) []byte { return userKey(prefixVersion, instanceID, 0) }

// PartitionVersionKey is 0x01 "version" instanceID "partition" dbID tableID
// partitionID (value VersionPB).
func PartitionVersionKey(instanceID string, dbID, tableID, partitionID int64) []byte {
	k := userKeyInfix(prefixVersion, instanceID, infixPartitionVersion, 3, 0)
	return appendInts(k, dbID, tableID, partitionID)
}

// VersionKey is the pre-3.0 name of PartitionVersionKey (Doris version_key);
// the bytes are identical.
func VersionKey(instanceID string, dbID, tableID, partitionID int64) []byte {
	return PartitionVersionKey(instanceID, dbID, tableID, partitionID)
}

// TableVersionKey is 0x01 "version" instanceID "table" dbID tableID
// (value int64 / VersionPB).
func TableVersionKey(instanceID string, dbID, tableID int64) []byte {
	return appendInts(userKeyInfix(prefixVersion, instanceID, infixTableVersion, 2, 0), dbID, tableID)
}

// ---- Meta keys ----

// MetaKeyPrefix is 0x01 "meta" instanceID (Doris meta_key_prefix).
func MetaKeyPrefix(instanceID string) []byte { return userKey(prefixMeta, instanceID, 0) }

// MetaRowsetKey is 0x01 "meta" instanceID "rowset" tabletID version
// (value RowsetMetaCloudPB; version is the rowset's end version).
func MetaRowsetKey(instanceID string, tabletID, version int64) []byte {
	return appendInts(userKeyInfix(prefixMeta, instanceID, infixRowset, 2, 0), tabletID, version)
}

// MetaRowsetKeyPrefix is 0x01 "meta" instanceID "rowset" tabletID: the
// prefix of all rowset keys of one tablet, which sort by version when
// versions are non-negative.
func MetaRowsetKeyPrefix(instanceID string, tabletID int64) []byte {
	return AppendInt64(userKeyInfix(prefixMeta, instanceID, infixRowset, 1, 0), tabletID)
}

// MetaRowsetTmpKey is 0x01 "meta" instanceID "rowset_tmp" txnID tabletID
// (value RowsetMetaCloudPB of an uncommitted rowset).
func MetaRowsetTmpKey(instanceID string, txnID, tabletID int64) []byte {
	return appendInts(userKeyInfix(prefixMeta, instanceID, infixRowsetTmp, 2, 0), txnID, tabletID)
}

// MetaRowsetTmpKeyPrefix is 0x01 "meta" instanceID "rowset_tmp" txnID: the
// prefix of all tmp rowset keys of one transaction.
func MetaRowsetTmpKeyPrefix(instanceID string, txnID int64) []byte {
	return AppendInt64(userKeyInfix(prefixMeta, instanceID, infixRowsetTmp, 1, 0), txnID)
}

// MetaTabletKey is 0x01 "meta" instanceID "tablet" tableID indexID
// partitionID tabletID (value TabletMetaCloudPB).
func MetaTabletKey(instanceID string, tableID, indexID, partitionID, tabletID int64) []byte {
	k := userKeyInfix(prefixMeta, instanceID, infixTablet, 4, 0)
	return appendInts(k, tableID, indexID, partitionID, tabletID)
}

// MetaTabletIdxKey is 0x01 "meta" instanceID "tablet_index" tabletID
// (value TabletIndexPB).
func MetaTabletIdxKey(instanceID string, tabletID int64) []byte {
	return AppendInt64(userKeyInfix(prefixMeta, instanceID, infixTabletIdx, 1, 0), tabletID)
}

// MetaSchemaKey is 0x01 "meta" instanceID "schema" indexID schemaVersion
// (value TabletSchemaCloudPB).
func MetaSchemaKey(instanceID string, indexID, schemaVersion int64) []byte {
	return appendInts(userKeyInfix(prefixMeta, instanceID, infixSchema, 2, 0), indexID, schemaVersion)
}

// MetaDeleteBitmapKey is 0x01 "meta" instanceID "delete_bitmap" tabletID
// rowsetID version segmentID.
func MetaDeleteBitmapKey(instanceID string, tabletID int64, rowsetID string, version, segmentID int64) []byte {
	k := userKeyInfix(prefixMeta, instanceID, infixDeleteBitmap, 3, bytesLen(rowsetID))
	k = AppendBytes(AppendInt64(k, tabletID), rowsetID)
	return appendInts(k, version, segmentID)
}

// MetaDeleteBitmapUpdateLockKey is 0x01 "meta" instanceID
// "delete_bitmap_lock" tableID partitionID (value DeleteBitmapUpdateLockPB).
func MetaDeleteBitmapUpdateLockKey(instanceID string, tableID, partitionID int64) []byte {
	k := userKeyInfix(prefixMeta, instanceID, infixDeleteBitmapLock, 2, 0)
	return appendInts(k, tableID, partitionID)
}

// MetaPendingDeleteBitmapKey is 0x01 "meta" instanceID
// "delete_bitmap_pending" tabletID (value PendingDeleteBitmapPB).
func MetaPendingDeleteBitmapKey(instanceID string, tabletID int64) []byte {
	return AppendInt64(userKeyInfix(prefixMeta, instanceID, infixDeleteBitmapPending, 1, 0), tabletID)
}

// ---- Recycle keys ----

// RecycleKeyPrefix is 0x01 "recycle" instanceID (Doris recycle_key_prefix):
// the prefix of every recycle key of an instance.
func RecycleKeyPrefix(instanceID string) []byte { return userKey(prefixRecycle, instanceID, 0) }

// RecycleIndexKey is 0x01 "recycle" instanceID "index" indexID
// (value RecycleIndexPB).
func RecycleIndexKey(instanceID string, indexID int64) []byte {
	return AppendInt64(userKeyInfix(prefixRecycle, instanceID, infixRecycleIndex, 1, 0), indexID)
}

// RecyclePartitionKey is 0x01 "recycle" instanceID "partition" partitionID
// (value RecyclePartitionPB).
func RecyclePartitionKey(instanceID string, partitionID int64) []byte {
	return AppendInt64(userKeyInfix(prefixRecycle, instanceID, infixRecyclePart, 1, 0), partitionID)
}

// RecycleRowsetKey is 0x01 "recycle" instanceID "rowset" tabletID rowsetID
// (value RecycleRowsetPB).
func RecycleRowsetKey(instanceID string, tabletID int64, rowsetID string) []byte {
	k := userKeyInfix(prefixRecycle, instanceID, infixRowset, 1, bytesLen(rowsetID))
	return AppendBytes(AppendInt64(k, tabletID), rowsetID)
}

// RecycleTxnKey is 0x01 "recycle" instanceID "txn" dbID txnID
// (value RecycleTxnPB).
func RecycleTxnKey(instanceID string, dbID, txnID int64) []byte {
	return appendInts(userKeyInfix(prefixRecycle, instanceID, infixRecycleTxn, 2, 0), dbID, txnID)
}

// RecycleStageKey is 0x01 "recycle" instanceID "stage" stageID
// (value RecycleStagePB).
func RecycleStageKey(instanceID, stageID string) []byte {
	return AppendBytes(userKeyInfix(prefixRecycle, instanceID, infixStage, 0, bytesLen(stageID)), stageID)
}

// ---- Stats keys ----

// StatsKeyPrefix is 0x01 "stats" instanceID.
func StatsKeyPrefix(instanceID string) []byte { return userKey(prefixStats, instanceID, 0) }

// StatsTabletKey is 0x01 "stats" instanceID "tablet" tableID indexID
// partitionID tabletID (value TabletStatsPB). It is also the prefix of the
// tablet's detached counter keys (StatsTabletDetachedKey).
func StatsTabletKey(instanceID string, tableID, indexID, partitionID, tabletID int64) []byte {
	k := userKeyInfix(prefixStats, instanceID, infixTablet, 4, 0)
	return appendInts(k, tableID, indexID, partitionID, tabletID)
}

// StatsTabletDetachedKey is StatsTabletKey followed by suffix as a bytes
// field (one of the StatsSuffix* constants; value 8-byte little-endian int64).
func StatsTabletDetachedKey(instanceID string, tableID, indexID, partitionID, tabletID int64, suffix string) []byte {
	k := userKeyInfix(prefixStats, instanceID, infixTablet, 4, bytesLen(suffix))
	return AppendBytes(appendInts(k, tableID, indexID, partitionID, tabletID), suffix)
}

// ---- Job keys ----

// JobKeyPrefix is 0x01 "job" instanceID.
func JobKeyPrefix(instanceID string) []byte { return userKey(prefixJob, instanceID, 0) }

// JobTabletKey is 0x01 "job" instanceID "tablet" tableID indexID
// partitionID tabletID (value TabletJobInfoPB).
func JobTabletKey(instanceID string, tableID, indexID, partitionID, tabletID int64) []byte {
	k := userKeyInfix(prefixJob, instanceID, infixTablet, 4, 0)
	return appendInts(k, tableID, indexID, partitionID, tabletID)
}

// JobRecycleKey is 0x01 "job" instanceID "recycle" (value JobRecyclePB, the
// recycler's lease on the instance; Doris job_recycle_key).
func JobRecycleKey(instanceID string) []byte {
	return userKeyInfix(prefixJob, instanceID, infixJobRecycle, 0, 0)
}

// JobCheckKey is 0x01 "job" instanceID "check" (value JobRecyclePB; Doris
// job_check_key). Note that the encode_key tool's "JobRecycleKey" key type
// builds this key, not JobRecycleKey.
func JobCheckKey(instanceID string) []byte {
	return userKeyInfix(prefixJob, instanceID, infixJobCheck, 0, 0)
}

// RLJobProgressKey is 0x01 "job" instanceID "routine_load_progress" dbID
// jobID (value RoutineLoadProgressPB).
func RLJobProgressKey(instanceID string, dbID, jobID int64) []byte {
	return appendInts(userKeyInfix(prefixJob, instanceID, infixRLJobProgress, 2, 0), dbID, jobID)
}

// ---- Copy keys ----

// CopyJobKey is 0x01 "copy" instanceID "job" stageID tableID copyID groupID
// (value CopyJobPB).
func CopyJobKey(instanceID, stageID string, tableID int64, copyID string, groupID int64) []byte {
	k := userKeyInfix(prefixCopy, instanceID, infixCopyJob, 2, bytesLen(stageID)+bytesLen(copyID))
	k = AppendInt64(AppendBytes(k, stageID), tableID)
	return AppendInt64(AppendBytes(k, copyID), groupID)
}

// CopyFileKey is 0x01 "copy" instanceID "loading_file" stageID tableID
// objKey objEtag (value CopyFilePB).
func CopyFileKey(instanceID, stageID string, tableID int64, objKey, objEtag string) []byte {
	k := userKeyInfix(prefixCopy, instanceID, infixCopyFile, 1, bytesLen(stageID)+bytesLen(objKey)+bytesLen(objEtag))
	k = AppendInt64(AppendBytes(k, stageID), tableID)
	return AppendBytes(AppendBytes(k, objKey), objEtag)
}

// ---- System keys ----

// MetaServiceRegistryKey is 0x02 "system" "meta-service" "registry"
// (value ServiceRegistryPB).
func MetaServiceRegistryKey() []byte { return systemKey("registry") }

// MetaServiceArnInfoKey is 0x02 "system" "meta-service" "arn_info"
// (value RamUserPB).
func MetaServiceArnInfoKey() []byte { return systemKey("arn_info") }

// MetaServiceEncryptionKeyInfoKey is 0x02 "system" "meta-service"
// "encryption_key_info" (value EncryptionKeyInfoPB).
func MetaServiceEncryptionKeyInfoKey() []byte { return systemKey("encryption_key_info") }

// ---- Range helpers ----

// PrefixEnd returns the smallest key greater than every key that starts with
// prefix (FoundationDB strinc): trailing 0xFF bytes are dropped and the last
// remaining byte is incremented. [prefix, PrefixEnd(prefix)) therefore holds
// exactly the keys with that prefix. It returns nil when no such bound exists
// (prefix empty or all 0xFF), meaning "scan to the end". prefix is not
// modified.
func PrefixEnd(prefix []byte) []byte {
	n := len(prefix)
	for n > 0 && prefix[n-1] == 0xFF {
		n--
	}
	if n == 0 {
		return nil
	}
	end := make([]byte, n)
	copy(end, prefix[:n])
	end[n-1]++
	return end
}
