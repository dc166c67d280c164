package meta

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/secrets"
)

// BuiltInStorageVaultName is the name create_instance gives the vault it
// creates (Doris BUILT_IN_STORAGE_VAULT_NAME).
const BuiltInStorageVaultName = "built_in_storage_vault"

// instanceDeletedMsg is the message of every mutation refused because the
// instance is DELETED.
const instanceDeletedMsg = "instance status has been set delete, plz check it"

// applyCreateInstance implements create_instance (spec §4.1), in the
// reference's validation order.
func applyCreateInstance(t *Tx, req *dorispb.CreateInstanceRequest) *Error {
	if ru := req.RamUser; ru != nil {
		if ru.UserID.Get() == "" || ru.AK.Get() == "" || ru.SK.Get() == "" {
			return invalid("ram user info err, please check it")
		}
	}
	id := req.InstanceID.Get()
	inst := &dorispb.InstanceInfoPB{}
	inst.InstanceID.Set(id)
	inst.UserID.Set(req.UserID.Get())
	inst.Name.Set(req.Name.Get())
	inst.Status.Set(dorispb.InstanceInfoPB_NORMAL)
	inst.SseEnabled.Set(req.SseEnabled.Get())
	inst.EnableStorageVault.Set(req.ObjInfo == nil)
	if req.ObjInfo != nil {
		obj := dorispb.Clone(req.ObjInfo)
		if e := instanceCompleteObjInfo(t, inst, obj, req.SseEnabled.Get()); e != nil {
			return e
		}
		inst.ObjInfo = append(inst.ObjInfo, obj)
	}
	if req.RamUser != nil {
		ru := dorispb.Clone(req.RamUser)
		ru.AK.Set(t.Seal(ru.AK.Get()))
		ru.SK.Set(t.Seal(ru.SK.Get()))
		ru.EncryptionInfo = encryptionInfo()
		inst.RamUser = ru
	}
	if id == "" {
		return invalid("instance id not set")
	}
	var vaultKey, vaultVal []byte
	if req.Vault != nil {
		v := dorispb.Clone(req.Vault)
		v.Name.Set(BuiltInStorageVaultName)
		var e *Error
		if vaultKey, vaultVal, e = instanceAddVault(t, inst, v); e != nil {
			return e
		}
	}
	if t.InstanceExists(id) {
		return errorf(dorispb.MetaServiceCode_ALREADY_EXISTED, "instance already existed, instance_id=%s, err=Ok", id)
	}
	if vaultKey != nil {
		if e := t.PutRaw(vaultKey, vaultVal); e != nil {
			return e
		}
	}
	return t.PutInstance(nil, inst)
}

// instanceCompleteObjInfo validates an object-store info given to
// create_instance or to a storage vault and completes it for storage
// (Doris create_object_info_with_encrypt): credentials sealed with their
// encryption_info, prefix trimmed, the next id, ctime = mtime = now.
func instanceCompleteObjInfo(t *Tx, inst *dorispb.InstanceInfoPB, obj *dorispb.ObjectStoreInfoPB, sse bool) *Error {
	bucket := obj.Bucket.Get()
	prefix := instanceTrim(obj.Prefix.Get())
	endpoint := obj.Endpoint.Get()
	external := obj.ExternalEndpoint.Get()
	region := obj.Region.Get()
	if obj.RoleArn.Has() {
		if obj.RoleArn.Get() == "" || !obj.CredProviderType.Has() ||
			obj.CredProviderType.Get() != dorispb.CredProviderTypePB_INSTANCE_PROFILE ||
			!obj.Provider.Has() || obj.Provider.Get() != dorispb.ObjectStoreInfoPB_S3 ||
			bucket == "" || endpoint == "" || region == "" {
			return invalid("s3 conf info err with role_arn, please check it")
		}
	} else {
		// The prefix may be empty.
		if obj.AK.Get() == "" || obj.SK.Get() == "" || bucket == "" || endpoint == "" ||
			region == "" || !obj.Provider.Has() || external == "" {
			return invalid("s3 conf info err, please check it")
		}
		obj.AK.Set(t.Seal(obj.AK.Get()))
		obj.SK.Set(t.Seal(obj.SK.Get()))
		obj.EncryptionInfo = encryptionInfo()
	}
	obj.Bucket.Set(bucket)
	obj.Prefix.Set(prefix)
	obj.Endpoint.Set(endpoint)
	obj.ExternalEndpoint.Set(external)
	obj.Region.Set(region)
	obj.ID.Set(instanceNextVaultID(inst))
	obj.Ctime.Set(t.Now())
	obj.Mtime.Set(t.Now())
	obj.SseEnabled.Set(sse)
	return nil
}

// instanceAddVault adds a storage vault to inst (Doris
// add_vault_into_instance) and returns the vault's key and value for the
// caller to write once every other check has passed.
func instanceAddVault(t *Tx, inst *dorispb.InstanceInfoPB, v *dorispb.StorageVaultPB) (key, val []byte, e *Error) {
	name := v.Name.Get()
	for _, n := range inst.StorageVaultNames {
		if n == name {
			return nil, nil, errorf(dorispb.MetaServiceCode_ALREADY_EXISTED, "vault_name=%s already created", name)
		}
	}
	if v.HdfsInfo != nil {
		if e := instanceNormalizeHDFS(v.HdfsInfo); e != nil {
			return nil, nil, e
		}
		v.ID.Set(instanceNextVaultID(inst))
	} else {
		if v.ObjInfo == nil {
			v.ObjInfo = &dorispb.ObjectStoreInfoPB{}
		}
		if e := instanceCompleteObjInfo(t, inst, v.ObjInfo, true); e != nil {
			return nil, nil, e
		}
		v.ID.Set(v.ObjInfo.ID.Get())
	}
	inst.ResourceIDs = append(inst.ResourceIDs, v.ID.Get())
	inst.StorageVaultNames = append(inst.StorageVaultNames, name)
	return keys.StorageVaultKey(inst.InstanceID.Get(), v.ID.Get()), dorispb.MarshalJSON(v), nil
}

// instanceNormalizeHDFS validates and normalizes an HDFS vault (Doris
// normalize_hdfs_prefix / normalize_hdfs_fs_name). The reference marks
// prefix and fs_name as set even when they were absent.
func instanceNormalizeHDFS(h *dorispb.HdfsVaultInfo) *Error {
	prefix := h.Prefix.Get()
	if prefix != "" {
		if strings.Contains(prefix, "://") {
			h.Prefix.Set(prefix)
			return invalid("invalid prefix: %s", prefix)
		}
		prefix = instanceTrim(prefix)
	}
	h.Prefix.Set(prefix)
	if h.BuildConf == nil {
		h.BuildConf = &dorispb.HdfsBuildConf{}
	}
	fs := h.BuildConf.FsName.Get()
	if fs != "" {
		fs = instanceTrim(fs)
	}
	h.BuildConf.FsName.Set(fs)
	if fs == "" {
		return invalid("invalid fs_name: %s", fs)
	}
	return nil
}

// instanceTrim is Doris's trim(): it strips '/', ' ' and '\t' from both
// ends.
func instanceTrim(s string) string {
	drop := func(c byte) bool { return c == '/' || c == ' ' || c == '\t' }
	i, j := 0, len(s)
	for i < j && drop(s[i]) {
		i++
	}
	for j > i && drop(s[j-1]) {
		j--
	}
	return s[i:j]
}

// instanceNextVaultID is Doris next_available_vault_id: one more than the
// largest id among the obj infos and the vault ids (ids that do not start
// with a number count as 0).
func instanceNextVaultID(inst *dorispb.InstanceInfoPB) string {
	maxID := int64(0)
	for _, o := range inst.ObjInfo {
		maxID = max(maxID, instanceFromChars(o.ID.Get()))
	}
	for _, id := range inst.ResourceIDs {
		maxID = max(maxID, instanceFromChars(id))
	}
	return strconv.FormatInt(maxID+1, 10)
}

// instanceFromChars parses like std::from_chars into an int: an optional
// '-', then the longest run of digits; no digits or out of the int range
// yields 0.
func instanceFromChars(s string) int64 {
	n, ok := instanceParseInt(s, false)
	if !ok {
		return 0
	}
	return n
}

// instanceStoi parses like std::stoi: leading whitespace, an optional sign,
// then digits; ok is false where stoi throws (no digits, out of range).
func instanceStoi(s string) (int64, bool) { return instanceParseInt(s, true) }

func instanceParseInt(s string, stoi bool) (int64, bool) {
	i := 0
	if stoi {
		for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
			i++
		}
	}
	neg := false
	if i < len(s) && (s[i] == '-' || (stoi && s[i] == '+')) {
		neg = s[i] == '-'
		i++
	}
	start := i
	var n int64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int64(s[i]-'0')
		if n > 1<<31 {
			return 0, false
		}
	}
	if i == start {
		return 0, false
	}
	if neg {
		n = -n
	}
	if n > 1<<31-1 || n < -(1<<31) {
		return 0, false
	}
	return n, true
}

// applyAlterInstance implements the alter-instance family (spec §4.2): the
// op is checked first, then the instance is loaded, changed and written in
// the same step.
func applyAlterInstance(t *Tx, req *dorispb.AlterInstanceRequest) *Error {
	id := req.InstanceID.Get()
	// setStatus moves a live instance to status to; name is the status in
	// the "can't set deleted instance to ..." message, already the message
	// when it is already there.
	setStatus := func(to dorispb.InstanceInfoPB_Status, name, already string) func(inst *dorispb.InstanceInfoPB) *Error {
		return func(inst *dorispb.InstanceInfoPB) *Error {
			switch inst.Status.Get() {
			case dorispb.InstanceInfoPB_DELETED:
				return invalid("can't set deleted instance to %s, instance_id = %s", name, id)
			case to:
				return invalid("%s, instance_id = %s", already, id)
			}
			inst.Status.Set(to)
			inst.Mtime.Set(t.Now())
			return nil
		}
	}
	var action func(inst *dorispb.InstanceInfoPB) *Error
	switch op := req.Op.Get(); op {
	case dorispb.AlterInstanceRequest_DROP:
		action = func(inst *dorispb.InstanceInfoPB) *Error {
			if len(inst.Clusters) != 0 {
				return invalid("failed to drop instance, instance has clusters")
			}
			inst.Status.Set(dorispb.InstanceInfoPB_DELETED)
			inst.Mtime.Set(t.Now())
			return nil
		}
	case dorispb.AlterInstanceRequest_RENAME:
		action = func(inst *dorispb.InstanceInfoPB) *Error {
			if req.Name.Get() == "" {
				return invalid("rename instance name, but not set")
			}
			inst.Name.Set(req.Name.Get())
			return nil
		}
	case dorispb.AlterInstanceRequest_ENABLE_SSE, dorispb.AlterInstanceRequest_DISABLE_SSE:
		enable := op == dorispb.AlterInstanceRequest_ENABLE_SSE
		action = func(inst *dorispb.InstanceInfoPB) *Error {
			if inst.SseEnabled.Get() == enable {
				if enable {
					return invalid("failed to enable sse, instance has enabled sse")
				}
				return invalid("failed to disable sse, instance has disabled sse")
			}
			inst.SseEnabled.Set(enable)
			inst.Mtime.Set(t.Now())
			for _, o := range inst.ObjInfo {
				o.SseEnabled.Set(enable)
			}
			return nil
		}
	case dorispb.AlterInstanceRequest_SET_OVERDUE:
		action = setStatus(dorispb.InstanceInfoPB_OVERDUE, "overdue", "the instance has already set  instance to overdue")
	case dorispb.AlterInstanceRequest_SET_NORMAL:
		action = setStatus(dorispb.InstanceInfoPB_NORMAL, "normal", "the instance is already normal")
	case dorispb.AlterInstanceRequest_SET_SNAPSHOT_PROPERTY:
		action = func(inst *dorispb.InstanceInfoPB) *Error {
			return instanceSetSnapshotProperty(id, req.Properties, inst)
		}
	case dorispb.AlterInstanceRequest_REFRESH:
		// Doris rebuilds its in-memory node index from the stored
		// instance; metahost's index is always current, so only the
		// lookup (and its error) remains.
		if !t.InstanceExists(id) {
			return errorf(dorispb.MetaServiceCode_KV_TXN_GET_ERR, "%s", keyNotFound("failed to get instance, instance_id=%s", id))
		}
		return nil
	default:
		return invalid("invalid request op, op=%d", int32(op))
	}
	if id == "" {
		return invalid("instance id not set")
	}
	inst, ok, e := t.Instance(id)
	if e != nil {
		return e
	}
	if !ok {
		return errorf(dorispb.MetaServiceCode_CLUSTER_NOT_FOUND, "instance not existed, instance_id=%s, err=KeyNotFound", id)
	}
	if e := action(inst); e != nil {
		return e
	}
	// Clusters are untouched, so the node index entries stay the same.
	return t.PutInstance(inst, inst)
}

// instanceSetSnapshotProperty is the SET_SNAPSHOT_PROPERTY op (newer Doris
// builds; reachable through set_instance_status's op from the body).
// Properties are applied in key order so every replica agrees.
func instanceSetSnapshotProperty(id string, props map[string]string, inst *dorispb.InstanceInfoPB) *Error {
	if len(props) == 0 {
		return invalid("propertiy is empty, instance_id = %s", id)
	}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		v := props[k]
		switch k {
		case "enabled":
			if v != "true" && v != "false" {
				return invalid("Invalid value for enabled property: %s, expected 'true' or 'false', instance_id: %s", v, id)
			}
			switch st := inst.SnapshotSwitchStatus.Get(); {
			case st == dorispb.SnapshotSwitchStatus_SNAPSHOT_SWITCH_DISABLED:
				return invalid("Snapshot not ready, instance_id: %s", id)
			case v == "true" && st == dorispb.SnapshotSwitchStatus_SNAPSHOT_SWITCH_ON:
				return invalid("Snapshot is already set to SNAPSHOT_SWITCH_ON, instance_id: %s", id)
			case v == "false" && st == dorispb.SnapshotSwitchStatus_SNAPSHOT_SWITCH_OFF:
				return invalid("Snapshot is already set to SNAPSHOT_SWITCH_OFF, instance_id: %s", id)
			}
			if v == "true" {
				inst.SnapshotSwitchStatus.Set(dorispb.SnapshotSwitchStatus_SNAPSHOT_SWITCH_ON)
			} else {
				inst.SnapshotSwitchStatus.Set(dorispb.SnapshotSwitchStatus_SNAPSHOT_SWITCH_OFF)
			}
		case "max_reserved_snapshots":
			n, ok := instanceStoi(v)
			switch {
			case !ok:
				return invalid("Invalid numeric value for max_reserved_snapshots: %s", v)
			case n < 0:
				return invalid("max_reserved_snapshots must be non-negative, got: %s", v)
			case n > 35:
				return invalid("max_reserved_snapshots too large, maximum is 35, got: %s", v)
			}
			inst.MaxReservedSnapshot.Set(n)
		case "snapshot_interval_seconds":
			n, ok := instanceStoi(v)
			switch {
			case !ok:
				return invalid("Invalid numeric value for snapshot_intervals: %s", v)
			case n < 3600:
				return invalid("snapshot_intervals too small, minimum is 3600 seconds, got: %s", v)
			}
			inst.SnapshotIntervalSeconds.Set(n)
		default:
			return invalid("unsupported property: %s", k)
		}
	}
	return nil
}

// GetInstance implements get_instance (spec §4.3).
func (s *Service) GetInstance(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetInstanceRequest) Reply {
	r := s.read(ctx, opts, func(t *Tx) Reply { return getInstance(t, req) })
	if r.Result == nil {
		// A store failure (no leader, timeout): still a JR reply.
		r.Result = &dorispb.InstanceInfoPB{}
	}
	return r
}

func getInstance(t *Tx, req *dorispb.GetInstanceRequest) Reply {
	fail := func(e *Error) Reply { return Reply{Err: e, Result: &dorispb.InstanceInfoPB{}} }
	id, cuid := req.InstanceID.Get(), req.CloudUniqueID.Get()
	if id == "" && cuid == "" {
		return fail(invalid("empty instance_id and cloud_unique_id"))
	}
	if id == "" {
		if id = t.ResolveInstanceID(cuid); id == "" {
			return fail(invalid("cannot find instance_id with cloud_unique_id=%s", cuid))
		}
	}
	inst, ok, e := t.Instance(id)
	if e != nil {
		return fail(e)
	}
	if !ok {
		return fail(errorf(dorispb.MetaServiceCode_KV_TXN_GET_ERR, "failed to get instance, info=%s",
			keyNotFound("failed to get instance, instance_id=%s", id)))
	}
	iam, e := instanceIamUser(t, id)
	if e != nil {
		return fail(e)
	}
	inst.IamUser = iam
	if e := instanceOpenAll(t, inst); e != nil {
		return fail(e)
	}
	if !t.Config().RevealSecretsInGetInstance {
		MaskMessage(inst)
	}
	return Reply{Result: inst}
}

// instanceIamUser is get_instance's iam_user: the arn_info stored by
// alter_iam, else the configured arn_id/arn_ak/arn_sk with the instance id
// as external_id.
func instanceIamUser(t *Tx, instanceID string) (*dorispb.RamUserPB, *Error) {
	raw := t.Raw(keys.MetaServiceArnInfoKey())
	if raw == nil {
		cfg := t.Config()
		return &dorispb.RamUserPB{
			UserID:     dorispb.Some(cfg.ArnID),
			AK:         dorispb.Some(cfg.ArnAK),
			SK:         dorispb.Some(cfg.ArnSK),
			ExternalID: dorispb.Some(instanceID),
		}, nil
	}
	iam := &dorispb.RamUserPB{}
	if err := dorispb.Unmarshal(raw, iam); err != nil {
		return nil, errorf(dorispb.MetaServiceCode_PROTOBUF_PARSE_ERR, "failed to parse RamUserPB")
	}
	return iam, nil
}

// instanceOpenAll decrypts, in place, every credential of m; a sealed value
// that does not open is Doris's ERR_DECPYPT "failed to decrypt".
func instanceOpenAll(t *Tx, m dorispb.Message) *Error {
	var failed bool
	walkSecrets(m, func(s *dorispb.Opt[string]) {
		v, ok := s.Value()
		if !ok || v == "" || failed {
			return
		}
		pt, err := instanceOpenStrict(t, v)
		if err != nil {
			failed = true
			return
		}
		s.Set(pt)
	})
	if failed {
		return errorf(dorispb.MetaServiceCode_ERR_DECPYPT, "failed to decrypt")
	}
	return nil
}

// instanceOpenStrict decrypts one stored credential; values that are not
// sealed are returned as they are.
func instanceOpenStrict(t *Tx, v string) (string, error) {
	if !secrets.IsSealed(v) {
		return v, nil
	}
	return t.Keys().Open(v)
}

// instanceSealPlain seals a plaintext credential unconditionally (t.Seal
// leaves values that look sealed alone, which is right only for values
// that came sealed from the request).
func instanceSealPlain(t *Tx, plain string) string { return t.Keys().Seal(plain) }
