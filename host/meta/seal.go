package meta

import (
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/secrets"
)

// Doris reports this encryption_info on every encrypted credential
// (AES_256_ECB, key id 1). metahost prints the same so clients that check it
// keep working; the real cipher is secrets' deterministic AES-256-GCM.
const (
	EncryptionMethod = "AES_256_ECB"
	EncryptionKeyID  = int64(1)
)

// SealRequest encrypts, in place, every credential a request carries (ak
// and sk of obj infos and vaults, RAM users, bucket users, IAM). It runs on
// the node that received the request, before the request is replicated, so
// plaintext never reaches the raft log. Every non-empty value is sealed,
// even one that already looks sealed: a client must not be able to plant a
// value that the service would later try (and fail) to decrypt.
func SealRequest(k *secrets.Keyring, req dorispb.Message) {
	walkSecrets(req, func(s *dorispb.Opt[string]) {
		if v, ok := s.Value(); ok && v != "" {
			s.Set(k.Seal(v))
		}
	})
}

// OpenMessage decrypts, in place, every credential in m. Values that are not
// sealed are left as they are.
func OpenMessage(k *secrets.Keyring, m dorispb.Message) {
	walkSecrets(m, func(s *dorispb.Opt[string]) {
		if v, ok := s.Value(); ok && secrets.IsSealed(v) {
			if pt, err := k.Open(v); err == nil {
				s.Set(pt)
			}
		}
	})
}

// MaskMessage replaces every secret key (sk) in m with "******"; access
// keys stay readable.
func MaskMessage(m dorispb.Message) {
	walkSecretKeys(m, func(s *dorispb.Opt[string]) {
		if s.Has() && s.Get() != "" {
			s.Set("******")
		}
	})
}

// PlainJSON returns m's compact JSON with credentials decrypted, for error
// messages that Doris renders with the request in plaintext. m is not
// modified.
func (t *Tx) PlainJSON(m dorispb.Message) string {
	c := cloneMessage(m)
	OpenMessage(t.Keys(), c)
	return string(dorispb.MarshalJSON(c))
}

// Open decrypts one stored credential (a value that is not sealed is
// returned as is).
func (t *Tx) Open(v string) string {
	if !secrets.IsSealed(v) {
		return v
	}
	pt, err := t.Keys().Open(v)
	if err != nil {
		return v
	}
	return pt
}

// Seal encrypts one credential.
func (t *Tx) Seal(v string) string {
	if v == "" || secrets.IsSealed(v) {
		return v
	}
	return t.Keys().Seal(v)
}

func cloneMessage(m dorispb.Message) dorispb.Message {
	switch v := m.(type) {
	case *dorispb.CreateInstanceRequest:
		return dorispb.Clone(v)
	case *dorispb.AlterObjStoreInfoRequest:
		return dorispb.Clone(v)
	case *dorispb.UpdateAkSkRequest:
		return dorispb.Clone(v)
	case *dorispb.AlterRamUserRequest:
		return dorispb.Clone(v)
	case *dorispb.AlterIamRequest:
		return dorispb.Clone(v)
	case *dorispb.InstanceInfoPB:
		return dorispb.Clone(v)
	case *dorispb.ObjectStoreInfoPB:
		return dorispb.Clone(v)
	case *dorispb.RamUserPB:
		return dorispb.Clone(v)
	case *dorispb.StorageVaultPB:
		return dorispb.Clone(v)
	case *dorispb.GetObjStoreInfoResponse:
		return dorispb.Clone(v)
	}
	// Messages without credentials need no copy: nothing is changed.
	return m
}

// walkSecrets calls fn for every ak and sk field reachable from m.
func walkSecrets(m dorispb.Message, fn func(*dorispb.Opt[string])) {
	forCredentials(m, func(ak, sk *dorispb.Opt[string]) {
		fn(ak)
		fn(sk)
	})
}

// walkSecretKeys calls fn for every sk field reachable from m.
func walkSecretKeys(m dorispb.Message, fn func(*dorispb.Opt[string])) {
	forCredentials(m, func(_, sk *dorispb.Opt[string]) { fn(sk) })
}

func forCredentials(m dorispb.Message, fn func(ak, sk *dorispb.Opt[string])) {
	obj := func(o *dorispb.ObjectStoreInfoPB) {
		if o != nil {
			fn(&o.AK, &o.SK)
		}
	}
	vault := func(v *dorispb.StorageVaultPB) {
		if v != nil {
			obj(v.ObjInfo)
		}
	}
	ram := func(r *dorispb.RamUserPB) {
		if r != nil {
			fn(&r.AK, &r.SK)
		}
	}
	switch v := m.(type) {
	case *dorispb.CreateInstanceRequest:
		obj(v.ObjInfo)
		ram(v.RamUser)
		vault(v.Vault)
	case *dorispb.AlterObjStoreInfoRequest:
		obj(v.Obj)
		vault(v.Vault)
	case *dorispb.UpdateAkSkRequest:
		for _, u := range v.InternalBucketUser {
			ram(u)
		}
		ram(v.RamUser)
	case *dorispb.AlterRamUserRequest:
		ram(v.RamUser)
	case *dorispb.AlterIamRequest:
		fn(&v.AK, &v.SK)
	case *dorispb.InstanceInfoPB:
		for _, o := range v.ObjInfo {
			obj(o)
		}
		ram(v.RamUser)
		ram(v.IamUser)
		for _, s := range v.Stages {
			if s != nil {
				obj(s.ObjInfo)
			}
		}
	case *dorispb.ObjectStoreInfoPB:
		obj(v)
	case *dorispb.RamUserPB:
		ram(v)
	case *dorispb.StorageVaultPB:
		vault(v)
	case *dorispb.GetObjStoreInfoResponse:
		for _, o := range v.ObjInfo {
			obj(o)
		}
		for _, sv := range v.StorageVault {
			vault(sv)
		}
	}
}

// encryptionInfo is the encryption_info Doris attaches to encrypted
// credentials.
func encryptionInfo() *dorispb.EncryptionInfoPB {
	return &dorispb.EncryptionInfoPB{
		EncryptionMethod: dorispb.Some(EncryptionMethod),
		KeyID:            dorispb.Some(EncryptionKeyID),
	}
}
