package meta

import (
	"bytes"
	"context"
	"encoding/hex"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
)

// MaxObjInfoBytes is the largest object-store info add_obj_info and
// legacy_update_ak_sk accept: its protobuf wire size, credentials in
// plaintext, must not exceed 1024 bytes (spec §6.2).
const MaxObjInfoBytes = 1024

// MaxObjInfos is the number of obj infos an instance may hold; add_obj_info
// refuses to add one more once there are this many (spec §6.2).
const MaxObjInfos = 10

// objinfoDesc is what extract_object_storage_info takes from the request's
// object-store info. ak and sk are plaintext.
type objinfoDesc struct {
	obj                      *dorispb.ObjectStoreInfoPB
	ak, sk                   string // plaintext
	sealedAK, sealedSK       string
	bucket, prefix, endpoint string
	externalEndpoint, region string
	usePathStyle             bool
	roleArn, externalID      string
}

// objinfoExtract is Doris extract_object_storage_info: the request must
// carry an obj (or a vault obj_info) of at most 1 KiB, with ak and sk, or
// with a role_arn and neither of them.
func objinfoExtract(t *Tx, req *dorispb.AlterObjStoreInfoRequest) (*objinfoDesc, *Error) {
	reqJSON := func() string { return t.PlainJSON(req) }
	obj := req.Obj
	if obj == nil {
		if req.Vault == nil || req.Vault.ObjInfo == nil {
			return nil, invalid("s3 obj info err %s", reqJSON())
		}
		obj = req.Vault.ObjInfo
	}
	plain := dorispb.Clone(obj)
	OpenMessage(t.Keys(), plain)
	if dorispb.ByteSize(plain) > MaxObjInfoBytes {
		return nil, invalid("s3 obj info greater than 1k %s", reqJSON())
	}
	d := &objinfoDesc{obj: obj}
	if !obj.RoleArn.Has() {
		if !obj.AK.Has() || !obj.SK.Has() {
			return nil, invalid("s3 obj info err %s", reqJSON())
		}
		d.ak, d.sk = plain.AK.Get(), plain.SK.Get()
		d.sealedAK, d.sealedSK = instanceSealPlain(t, d.ak), instanceSealPlain(t, d.sk)
	} else {
		if obj.AK.Has() || obj.SK.Has() {
			return nil, invalid("invaild argument, both set ak/sk and role_arn is not allowed")
		}
		d.roleArn, d.externalID = obj.RoleArn.Get(), obj.ExternalID.Get()
	}
	d.bucket = obj.Bucket.Get()
	d.prefix = obj.Prefix.Get()
	d.endpoint = obj.Endpoint.Get()
	d.externalEndpoint = obj.ExternalEndpoint.Get()
	d.region = obj.Region.Get()
	d.usePathStyle = obj.UsePathStyle.Get()
	return d, nil
}

// objinfoLoadAlive loads the instance a mutation addresses by
// cloud_unique_id and refuses DELETED instances (the shared prelude of
// add_obj_info and legacy_update_ak_sk).
func objinfoLoadAlive(t *Tx, cuid string) (*dorispb.InstanceInfoPB, *Error) {
	if cuid == "" {
		return nil, invalid("cloud unique id not set")
	}
	id := t.ResolveInstanceID(cuid)
	if id == "" {
		return nil, invalid("empty instance_id")
	}
	return objinfoLoadByID(t, id)
}

// objinfoLoadByID loads an instance for a mutation: missing is a KV read
// error (500), DELETED is 404.
func objinfoLoadByID(t *Tx, id string) (*dorispb.InstanceInfoPB, *Error) {
	return loadAlive(t, id, dorispb.MetaServiceCode_KV_TXN_GET_ERR, dorispb.MetaServiceCode_CLUSTER_NOT_FOUND)
}

// applyAlterObjStoreInfo implements add_obj_info and legacy_update_ak_sk
// (spec §6.2).
func applyAlterObjStoreInfo(t *Tx, req *dorispb.AlterObjStoreInfoRequest) *Error {
	var d *objinfoDesc
	switch op := req.Op.Get(); op {
	case dorispb.AlterObjStoreInfoRequest_ADD_OBJ_INFO, dorispb.AlterObjStoreInfoRequest_LEGACY_UPDATE_AK_SK,
		dorispb.AlterObjStoreInfoRequest_ALTER_OBJ_INFO, dorispb.AlterObjStoreInfoRequest_UPDATE_AK_SK:
		var e *Error
		if d, e = objinfoExtract(t, req); e != nil {
			return e
		}
	case dorispb.AlterObjStoreInfoRequest_UNKNOWN:
		return invalid("Unknown alter info %s", t.PlainJSON(req))
	default:
		return invalid("Unknown alter obj store info, request info %s", t.PlainJSON(req))
	}
	inst, e := objinfoLoadAlive(t, req.CloudUniqueID.Get())
	if e != nil {
		return e
	}
	switch op := req.Op.Get(); op {
	case dorispb.AlterObjStoreInfoRequest_LEGACY_UPDATE_AK_SK, dorispb.AlterObjStoreInfoRequest_ALTER_OBJ_INFO:
		changed, e := objinfoUpdateByID(t, inst, req, d)
		if e != nil || !changed {
			return e
		}
	case dorispb.AlterObjStoreInfoRequest_ADD_OBJ_INFO:
		if e := objinfoAdd(t, inst, d); e != nil {
			return e
		}
	default:
		return invalid("invalid request op, op=%d", int32(op))
	}
	return t.PutInstance(inst, inst)
}

// objinfoAdd is ADD_OBJ_INFO: append one more legacy obj info.
func objinfoAdd(t *Tx, inst *dorispb.InstanceInfoPB, d *objinfoDesc) *Error {
	obj := d.obj
	if inst.EnableStorageVault.Get() {
		return invalid("Storage vault doesn't support add obj info")
	}
	if !obj.Provider.Has() {
		return invalid("s3 conf lease provider info")
	}
	if len(inst.ObjInfo) >= MaxObjInfos {
		return errorf(dorispb.MetaServiceCode_UNDEFINED_ERR, "this instance history has greater than 10 objs, please new another instance")
	}
	// The prefix is checked before it is trimmed.
	if ((d.ak == "" || d.sk == "") && d.roleArn == "") || d.bucket == "" || d.endpoint == "" ||
		d.region == "" || d.prefix == "" {
		return invalid("s3 conf info err, please check it")
	}
	for _, it := range inst.ObjInfo {
		if d.bucket == it.Bucket.Get() && d.prefix == it.Prefix.Get() && d.endpoint == it.Endpoint.Get() &&
			d.region == it.Region.Get() && d.ak == t.Open(it.AK.Get()) && d.sk == t.Open(it.SK.Get()) &&
			obj.Provider.Get() == it.Provider.Get() && d.externalEndpoint == it.ExternalEndpoint.Get() {
			return invalid("original obj infos has a same conf, please check it")
		}
	}
	item := &dorispb.ObjectStoreInfoPB{}
	item.Ctime.Set(t.Now())
	item.Mtime.Set(t.Now())
	item.ID.Set(instanceNextVaultID(inst))
	if obj.UserID.Has() {
		item.UserID.Set(obj.UserID.Get())
	}
	if !obj.RoleArn.Has() {
		item.AK.Set(d.sealedAK)
		item.SK.Set(d.sealedSK)
		item.EncryptionInfo = encryptionInfo()
	} else {
		item.RoleArn.Set(d.roleArn)
		item.ExternalID.Set(d.externalID)
		item.CredProviderType.Set(dorispb.CredProviderTypePB_INSTANCE_PROFILE)
	}
	item.Bucket.Set(d.bucket)
	item.Prefix.Set(instanceTrim(d.prefix))
	item.Endpoint.Set(d.endpoint)
	item.ExternalEndpoint.Set(d.externalEndpoint)
	item.Region.Set(d.region)
	item.Provider.Set(obj.Provider.Get())
	item.SseEnabled.Set(inst.SseEnabled.Get())
	item.UsePathStyle.Set(d.usePathStyle)
	inst.ObjInfo = append(inst.ObjInfo, item)
	return nil
}

// objinfoUpdateByID is LEGACY_UPDATE_AK_SK: replace the credentials of the
// obj info with the given id. changed is false when nothing differs (Doris
// answers OK without writing).
func objinfoUpdateByID(t *Tx, inst *dorispb.InstanceInfoPB, req *dorispb.AlterObjStoreInfoRequest, d *objinfoDesc) (changed bool, e *Error) {
	idStr := "0"
	if req.Obj != nil && req.Obj.ID.Has() {
		idStr = req.Obj.ID.Get()
	}
	idx, ok := instanceStoi(idStr)
	if !ok || idx < 1 || idx > int64(len(inst.ObjInfo)) {
		return false, invalid("id invalid, please check it")
	}
	for _, it := range inst.ObjInfo {
		if n, ok := instanceStoi(it.ID.Get()); !ok || n != idx {
			continue
		}
		if d.roleArn == "" {
			if t.Open(it.AK.Get()) == d.ak && t.Open(it.SK.Get()) == d.sk {
				return false, nil // "ak/sk not changed"
			}
			it.RoleArn.Clear()
			it.ExternalID.Clear()
			it.CredProviderType.Clear()
			it.AK.Set(d.sealedAK)
			it.SK.Set(d.sealedSK)
			it.EncryptionInfo = encryptionInfo()
		} else {
			if d.ak != "" || d.sk != "" {
				return false, invalid("invaild argument, both set ak/sk and role_arn is not allowed")
			}
			if !it.Provider.Has() || it.Provider.Get() != dorispb.ObjectStoreInfoPB_S3 {
				return false, invalid("role_arn is only supported for s3 provider")
			}
			if it.RoleArn.Get() == d.roleArn && it.ExternalID.Get() == d.externalID {
				return false, nil // "ak/sk not changed"
			}
			it.AK.Clear()
			it.SK.Clear()
			it.EncryptionInfo = nil
			it.RoleArn.Set(d.roleArn)
			it.ExternalID.Set(d.externalID)
			it.CredProviderType.Set(dorispb.CredProviderTypePB_INSTANCE_PROFILE)
		}
		it.Mtime.Set(t.Now())
	}
	return true, nil
}

// applyUpdateAkSk implements update_ak_sk (spec §6.3): rotate the RAM
// user's keys and/or the keys of the obj infos owned by bucket users.
func applyUpdateAkSk(t *Tx, req *dorispb.UpdateAkSkRequest) *Error {
	id := req.InstanceID.Get()
	if id == "" {
		return invalid("instance id not set")
	}
	if req.RamUser == nil && len(req.InternalBucketUser) == 0 {
		return invalid("nothing to update")
	}
	inst, e := objinfoLoadByID(t, id)
	if e != nil {
		return e
	}
	now := t.Now()
	if ru := req.RamUser; ru != nil {
		if ru.UserID.Get() == "" || ru.AK.Get() == "" || ru.SK.Get() == "" {
			return invalid("ram user info err %s", t.PlainJSON(req))
		}
		if inst.RamUser == nil {
			return invalid("instance doesn't have ram user info")
		}
		if ru.UserID.Get() != inst.RamUser.UserID.Get() {
			return invalid("ram user_id err")
		}
		ak, sk := t.Open(ru.AK.Get()), t.Open(ru.SK.Get())
		if t.Open(inst.RamUser.AK.Get()) == ak && t.Open(inst.RamUser.SK.Get()) == sk {
			return invalid("ak sk eq original, please check it")
		}
		inst.RamUser.AK.Set(instanceSealPlain(t, ak))
		inst.RamUser.SK.Set(instanceSealPlain(t, sk))
		inst.RamUser.EncryptionInfo = encryptionInfo()
	}
	found := false
	for _, u := range req.InternalBucketUser {
		if !u.AK.Has() || !u.SK.Has() || !u.UserID.Has() {
			return invalid("s3 bucket info err %s", t.PlainJSON(req))
		}
		userID := u.UserID.Get()
		ak, sk := t.Open(u.AK.Get()), t.Open(u.SK.Get())
		for _, it := range inst.ObjInfo {
			if !it.UserID.Has() {
				found = true
				// An obj info without a user_id may only be changed by a
				// request with a single bucket user.
				if len(req.InternalBucketUser) != 1 {
					return invalid("fail to update old instance's obj_info, s3 obj info err %s", t.PlainJSON(req))
				}
			} else if it.UserID.Get() != userID {
				continue
			} else {
				found = true
			}
			if t.Open(it.AK.Get()) == ak && t.Open(it.SK.Get()) == sk {
				return invalid("ak sk eq original, please check it")
			}
			it.Mtime.Set(now)
			it.UserID.Set(userID)
			it.AK.Set(instanceSealPlain(t, ak))
			it.SK.Set(instanceSealPlain(t, sk))
			it.EncryptionInfo = encryptionInfo()
		}
	}
	if len(req.InternalBucketUser) != 0 && !found {
		return invalid("fail to find the alter obj info")
	}
	return t.PutInstance(inst, inst)
}

// applyAlterRamUser implements alter_ram_user (spec §4.4).
func applyAlterRamUser(t *Tx, req *dorispb.AlterRamUserRequest) *Error {
	id := req.InstanceID.Get()
	if id == "" {
		return invalid("empty instance_id")
	}
	ru := req.RamUser
	if ru == nil || ru.UserID.Get() == "" || ru.AK.Get() == "" || ru.SK.Get() == "" {
		return invalid("ram user info err %s", t.PlainJSON(req))
	}
	inst, e := objinfoLoadByID(t, id)
	if e != nil {
		return e
	}
	nu := dorispb.Clone(ru)
	nu.AK.Set(t.Seal(nu.AK.Get()))
	nu.SK.Set(t.Seal(nu.SK.Get()))
	nu.EncryptionInfo = encryptionInfo()
	inst.RamUser = nu
	return t.PutInstance(inst, inst)
}

// applyAlterIam implements alter_iam (spec §4.4): the meta service's own
// IAM identity, stored under the system arn_info key.
func applyAlterIam(t *Tx, req *dorispb.AlterIamRequest) *Error {
	if req.AccountID.Get() == "" || req.AK.Get() == "" || req.SK.Get() == "" {
		return invalid("invalid argument")
	}
	key := keys.MetaServiceArnInfoKey()
	ak, sk := t.Open(req.AK.Get()), t.Open(req.SK.Get())
	iam := &dorispb.RamUserPB{}
	if raw := t.Raw(key); raw != nil {
		if err := dorispb.Unmarshal(raw, iam); err != nil {
			return errorf(dorispb.MetaServiceCode_PROTOBUF_PARSE_ERR, "failed to parse RamUserPB")
		}
		if iam.UserID.Get() == req.AccountID.Get() && t.Open(iam.AK.Get()) == ak && t.Open(iam.SK.Get()) == sk {
			return invalid("already has the same arn info")
		}
	}
	iam.UserID.Set(req.AccountID.Get())
	iam.AK.Set(instanceSealPlain(t, ak))
	iam.SK.Set(instanceSealPlain(t, sk))
	iam.EncryptionInfo = encryptionInfo()
	return t.PutRaw(key, dorispb.MarshalJSON(iam))
}

// GetObjStoreInfo implements get_obj_store_info and show_storage_vaults
// (spec §6.1). Credentials are returned in plaintext: compute nodes need
// them.
func (s *Service) GetObjStoreInfo(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetObjStoreInfoRequest) Reply {
	r := s.read(ctx, opts, func(t *Tx) Reply { return getObjStoreInfo(t, req) })
	if r.Result == nil && r.Err != nil {
		// A store failure (no leader, timeout): still a JR reply.
		return objStoreFailure(r.Err)
	}
	return r
}

// objStoreFailure is get_obj_store_info's answer to e: the error, and a
// result holding only the status.
func objStoreFailure(e *Error) Reply {
	return Reply{Err: e, Result: &dorispb.GetObjStoreInfoResponse{Status: errStatus(e)}}
}

func getObjStoreInfo(t *Tx, req *dorispb.GetObjStoreInfoRequest) Reply {
	cuid := req.CloudUniqueID.Get()
	if cuid == "" {
		return objStoreFailure(invalid("cloud unique id not set"))
	}
	id := t.ResolveInstanceID(cuid)
	if id == "" {
		return objStoreFailure(invalid("empty instance_id"))
	}
	inst, e := loadInstance(t, id, dorispb.MetaServiceCode_KV_TXN_GET_ERR)
	if e != nil {
		return objStoreFailure(e)
	}
	resp := &dorispb.GetObjStoreInfoResponse{}
	for _, o := range inst.ObjInfo {
		if e := instanceOpenAll(t, o); e != nil {
			return objStoreFailure(e)
		}
	}
	resp.EnableStorageVault.Set(inst.EnableStorageVault.Get())
	if len(inst.ResourceIDs) != 0 {
		p := keys.StorageVaultKeyPrefix(id)
		c := t.data().Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			vault := &dorispb.StorageVaultPB{}
			if err := dorispb.Unmarshal(v, vault); err != nil {
				return objStoreFailure(errorf(dorispb.MetaServiceCode_PROTOBUF_PARSE_ERR, "malformed storage vault, unable to deserialize key=%s", hex.EncodeToString(k)))
			}
			resp.StorageVault = append(resp.StorageVault, vault)
		}
	}
	for _, v := range resp.StorageVault {
		if v.ObjInfo != nil {
			if e := instanceOpenAll(t, v.ObjInfo); e != nil {
				return objStoreFailure(e)
			}
		}
	}
	resp.ObjInfo = inst.ObjInfo
	if inst.DefaultStorageVaultID.Has() {
		resp.DefaultStorageVaultID.Set(inst.DefaultStorageVaultID.Get())
		resp.DefaultStorageVaultName.Set(inst.DefaultStorageVaultName.Get())
	}
	resp.Status = okStatus("")
	return Reply{Result: resp}
}
