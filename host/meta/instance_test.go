package meta

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/secrets"
	bolt "go.etcd.io/bbolt"
)

// instStep is one operation of a test: the op name and its JSON request.
type instStep struct {
	op   string
	body string
}

// instCase is one row of a mutation table: setup steps that must succeed,
// then the step under test and its expected outcome.
type instCase struct {
	name  string
	setup []instStep
	step  instStep
	code  dorispb.MetaServiceCode
	msg   string
	check func(t *testing.T, e *testEnv)
}

const instLegacyObj = `{"ak":"test-ak1","sk":"test-sk1","bucket":"test-bucket","prefix":"/test-prefix/","endpoint":"test-endpoint",` +
	`"region":"test-region","provider":"BOS","external_endpoint":"test-external-endpoint"}`

// instLegacy is a create_instance body of the legacy (obj_info) form.
func instLegacy(id string) string {
	return `{"instance_id":"` + id + `","name":"user_1","user_id":"10000","obj_info":` + instLegacyObj + `}`
}

// instLegacyRam is instLegacy with a RAM user.
func instLegacyRam(id string) string {
	return `{"instance_id":"` + id + `","user_id":"10000","obj_info":` + instLegacyObj +
		`,"ram_user":{"user_id":"ram1","ak":"ram-ak","sk":"ram-sk"}}`
}

// instS3Vault is a create_instance body with an object-store vault.
func instS3Vault(id, provider string) string {
	return `{"instance_id":"` + id + `","name":"n","user_id":"u","vault":{"obj_info":{"ak":"ak_x","sk":"sk_x",` +
		`"bucket":"b","prefix":"p","endpoint":"e","external_endpoint":"ee","region":"r","provider":"` + provider + `"}}}`
}

// instHDFS is a create_instance body with an HDFS vault (the seed example).
func instHDFS(id string) string {
	return `{"instance_id":"` + id + `","name":"sample_instance_name","user_id":"sample_user_id","vault":{"hdfs_info":{"build_conf":{` +
		`"fs_name":"hdfs://172.21.0.44:4007","user":"hadoop","hdfs_kerberos_keytab":"/etc/emr.keytab",` +
		`"hdfs_kerberos_principal":"hadoop/172.30.0.178@EMR-XXXYYY","hdfs_confs":[{"key":"hadoop.security.authentication","value":"kerberos"}]},` +
		`"prefix":"sample_prefix"}}}`
}

func instAlter(id, op string) string {
	return `{"instance_id":"` + id + `","op":"` + op + `"}`
}

// instDump returns every key/value of the state bucket.
func instDump(e *testEnv) map[string]string {
	out := map[string]string{}
	_ = e.db.View(func(tx *bolt.Tx) error {
		return raftstore.Data(tx).ForEach(func(k, v []byte) error {
			out[string(k)] = string(v)
			return nil
		})
	})
	return out
}

// instDo decodes body as op's request and applies it.
func instDo(t *testing.T, e *testEnv, s instStep) *Error {
	t.Helper()
	m, ok := e.svc.ops[s.op]
	if !ok {
		t.Fatalf("unknown op %q", s.op)
	}
	req := m.newReq()
	if err := dorispb.Unmarshal([]byte(s.body), req); err != nil {
		t.Fatalf("parse %s: %v", s.body, err)
	}
	return e.mutate(s.op, req)
}

// instRun runs a mutation table. A rejected step must leave the state
// byte-for-byte as it was.
func instRun(t *testing.T, cases []instCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newTestEnv(t)
			for _, s := range c.setup {
				wantErr(t, instDo(t, e, s), dorispb.MetaServiceCode_OK, "")
			}
			before := instDump(e)
			got := instDo(t, e, c.step)
			wantErr(t, got, c.code, c.msg)
			if c.code != dorispb.MetaServiceCode_OK {
				if after := instDump(e); !maps.Equal(before, after) {
					t.Fatalf("rejected request changed the state")
				}
			}
			if c.check != nil {
				c.check(t, e)
			}
		})
	}
}

// instGet runs get_instance and returns the reply.
func instGet(e *testEnv, req *dorispb.GetInstanceRequest) Reply {
	return e.read(func(t *Tx) Reply { return getInstance(t, req) })
}

// instGetJSON returns get_instance's result for id as compact JSON.
func instGetJSON(t *testing.T, e *testEnv, id string) string {
	t.Helper()
	r := instGet(e, &dorispb.GetInstanceRequest{InstanceID: dorispb.Some(id)})
	if r.Err != nil {
		t.Fatalf("get_instance %s: %v", id, r.Err)
	}
	return string(dorispb.MarshalJSON(r.Result))
}

func instRevealEnv(t *testing.T) *testEnv {
	cfg := DefaultConfig()
	cfg.RevealSecretsInGetInstance = true
	return newTestEnvConfig(t, cfg)
}

const (
	instCodeOK       = dorispb.MetaServiceCode_OK
	instCodeInvalid  = dorispb.MetaServiceCode_INVALID_ARGUMENT
	instCodeNotFound = dorispb.MetaServiceCode_CLUSTER_NOT_FOUND
	instCodeExists   = dorispb.MetaServiceCode_ALREADY_EXISTED
	instCodeGetErr   = dorispb.MetaServiceCode_KV_TXN_GET_ERR
)

func TestCreateInstance(t *testing.T) {
	objWithout := func(field string) string {
		var m map[string]any
		_ = json.Unmarshal([]byte(instLegacyObj), &m)
		delete(m, field)
		b, _ := json.Marshal(m)
		return `{"instance_id":"i","obj_info":` + string(b) + `}`
	}
	create := func(body string) instStep { return instStep{OpCreateInstance, body} }
	s3Err := "s3 conf info err, please check it"
	roleErr := "s3 conf info err with role_arn, please check it"
	cases := []instCase{
		{name: "legacy", step: create(instLegacy("inst_a")), check: func(t *testing.T, e *testEnv) {
			want := `{"user_id":"10000","instance_id":"inst_a","name":"user_1","obj_info":[{"ctime":"1700000000","mtime":"1700000000","id":"1",` +
				`"ak":"test-ak1","sk":"test-sk1","bucket":"test-bucket","prefix":"test-prefix","endpoint":"test-endpoint","region":"test-region",` +
				`"provider":"BOS","external_endpoint":"test-external-endpoint","encryption_info":{"encryption_method":"AES_256_ECB","key_id":"1"},` +
				`"sse_enabled":false}],"status":"NORMAL","iam_user":{"user_id":"","ak":"","sk":"","external_id":"inst_a"},"sse_enabled":false,` +
				`"enable_storage_vault":false}`
			e2 := instRevealEnv(t)
			wantErr(t, instDo(t, e2, create(instLegacy("inst_a"))), instCodeOK, "")
			if got := instGetJSON(t, e2, "inst_a"); got != want {
				t.Fatalf("get_instance\n got %s\nwant %s", got, want)
			}
			if got := instGetJSON(t, e, "inst_a"); got != strings.Replace(want, `"sk":"test-sk1"`, `"sk":"******"`, 1) {
				t.Fatalf("masked get_instance: %s", got)
			}
		}},
		{name: "legacy with ram user and sse", step: create(`{"instance_id":"i","sse_enabled":true,"obj_info":` + instLegacyObj +
			`,"ram_user":{"user_id":"r","ak":"rak","sk":"rsk"}}`), check: func(t *testing.T, e *testEnv) {
			inst := e.instance("i")
			if !inst.SseEnabled.Get() || !inst.ObjInfo[0].SseEnabled.Get() || inst.RamUser == nil || inst.RamUser.EncryptionInfo == nil {
				t.Fatalf("stored: %s", dorispb.MarshalJSON(inst))
			}
		}},
		{name: "legacy with role_arn", step: create(`{"instance_id":"i","obj_info":{"role_arn":"arn:x","cred_provider_type":"INSTANCE_PROFILE",` +
			`"provider":"S3","bucket":"b","endpoint":"e","region":"r"}}`), check: func(t *testing.T, e *testEnv) {
			o := e.instance("i").ObjInfo[0]
			if o.EncryptionInfo != nil || o.RoleArn.Get() != "arn:x" || o.ID.Get() != "1" {
				t.Fatalf("stored: %s", dorispb.MarshalJSON(o))
			}
		}},
		{name: "prefix may be empty", step: create(objWithout("prefix"))},
		{name: "ram user without sk", step: create(`{"instance_id":"i","ram_user":{"user_id":"u","ak":"a"}}`), code: instCodeInvalid, msg: "ram user info err, please check it"},
		{name: "ram user empty ak", step: create(`{"instance_id":"i","ram_user":{"user_id":"u","ak":"","sk":"s"}}`), code: instCodeInvalid, msg: "ram user info err, please check it"},
		{name: "ram user checked before obj_info", step: create(`{"obj_info":{},"ram_user":{}}`), code: instCodeInvalid, msg: "ram user info err, please check it"},
		{name: "obj without ak", step: create(objWithout("ak")), code: instCodeInvalid, msg: s3Err},
		{name: "obj without sk", step: create(objWithout("sk")), code: instCodeInvalid, msg: s3Err},
		{name: "obj without bucket", step: create(objWithout("bucket")), code: instCodeInvalid, msg: s3Err},
		{name: "obj without endpoint", step: create(objWithout("endpoint")), code: instCodeInvalid, msg: s3Err},
		{name: "obj without region", step: create(objWithout("region")), code: instCodeInvalid, msg: s3Err},
		{name: "obj without provider", step: create(objWithout("provider")), code: instCodeInvalid, msg: s3Err},
		{name: "obj without external_endpoint", step: create(objWithout("external_endpoint")), code: instCodeInvalid, msg: s3Err},
		{name: "unknown provider name is unset", step: create(strings.Replace(instLegacy("i"), `"BOS"`, `"MINIO"`, 1)), code: instCodeInvalid, msg: s3Err},
		{name: "obj error wins over missing instance_id", step: create(`{"obj_info":{"ak":"a"}}`), code: instCodeInvalid, msg: s3Err},
		{name: "role_arn empty", step: create(`{"instance_id":"i","obj_info":{"role_arn":"","cred_provider_type":"INSTANCE_PROFILE",` +
			`"provider":"S3","bucket":"b","endpoint":"e","region":"r"}}`), code: instCodeInvalid, msg: roleErr},
		{name: "role_arn not S3", step: create(`{"instance_id":"i","obj_info":{"role_arn":"a","cred_provider_type":"INSTANCE_PROFILE",` +
			`"provider":"OSS","bucket":"b","endpoint":"e","region":"r"}}`), code: instCodeInvalid, msg: roleErr},
		{name: "role_arn without cred provider", step: create(`{"instance_id":"i","obj_info":{"role_arn":"a",` +
			`"provider":"S3","bucket":"b","endpoint":"e","region":"r"}}`), code: instCodeInvalid, msg: roleErr},
		{name: "role_arn without region", step: create(`{"instance_id":"i","obj_info":{"role_arn":"a","cred_provider_type":"INSTANCE_PROFILE",` +
			`"provider":"S3","bucket":"b","endpoint":"e"}}`), code: instCodeInvalid, msg: roleErr},
		{name: "no instance_id", step: create(`{"name":"x"}`), code: instCodeInvalid, msg: "instance id not set"},
		{name: "empty instance_id", step: create(`{"instance_id":""}`), code: instCodeInvalid, msg: "instance id not set"},
		{name: "bare instance is a vault instance", step: create(`{"instance_id":"i"}`), check: func(t *testing.T, e *testEnv) {
			got := string(dorispb.MarshalJSON(e.instance("i")))
			want := `{"user_id":"","instance_id":"i","name":"","status":"NORMAL","sse_enabled":false,"enable_storage_vault":true}`
			if got != want {
				t.Fatalf("stored %s", got)
			}
		}},
		{name: "hdfs vault", step: create(instHDFS("sample_instance_id")), check: func(t *testing.T, e *testEnv) {
			inst := e.instance("sample_instance_id")
			if !inst.EnableStorageVault.Get() || fmt.Sprint(inst.ResourceIDs, inst.StorageVaultNames) != "[1] [built_in_storage_vault]" {
				t.Fatalf("stored %s", dorispb.MarshalJSON(inst))
			}
			got := instDump(e)[string(keys.StorageVaultKey("sample_instance_id", "1"))]
			want := `{"id":"1","name":"built_in_storage_vault","hdfs_info":{"build_conf":{"fs_name":"hdfs://172.21.0.44:4007","user":"hadoop",` +
				`"hdfs_kerberos_principal":"hadoop/172.30.0.178@EMR-XXXYYY","hdfs_kerberos_keytab":"/etc/emr.keytab",` +
				`"hdfs_confs":[{"key":"hadoop.security.authentication","value":"kerberos"}]},"prefix":"sample_prefix"}}`
			if got != want {
				t.Fatalf("vault\n got %s\nwant %s", got, want)
			}
		}},
		{name: "hdfs prefix trimmed, name forced", step: create(`{"instance_id":"i","vault":{"name":"mine","hdfs_info":{"build_conf":{"fs_name":" hdfs://h/ "},"prefix":"/p/"}}}`),
			check: func(t *testing.T, e *testEnv) {
				got := instDump(e)[string(keys.StorageVaultKey("i", "1"))]
				if got != `{"id":"1","name":"built_in_storage_vault","hdfs_info":{"build_conf":{"fs_name":"hdfs://h"},"prefix":"p"}}` {
					t.Fatalf("vault %s", got)
				}
			}},
		{name: "hdfs prefix with scheme", step: create(`{"instance_id":"i","vault":{"hdfs_info":{"build_conf":{"fs_name":"h"},"prefix":"hdfs://x/p"}}}`),
			code: instCodeInvalid, msg: "invalid prefix: hdfs://x/p"},
		{name: "hdfs without fs_name", step: create(`{"instance_id":"i","vault":{"hdfs_info":{"prefix":"p"}}}`), code: instCodeInvalid, msg: "invalid fs_name: "},
		{name: "hdfs blank fs_name", step: create(`{"instance_id":"i","vault":{"hdfs_info":{"build_conf":{"fs_name":" / "}}}}`), code: instCodeInvalid, msg: "invalid fs_name: "},
		{name: "vault checked after instance_id", step: create(`{"vault":{"hdfs_info":{}}}`), code: instCodeInvalid, msg: "instance id not set"},
		{name: "vault without storage", step: create(`{"instance_id":"i","vault":{}}`), code: instCodeInvalid, msg: s3Err},
		{name: "s3 vault without bucket", step: create(strings.Replace(instS3Vault("i", "S3"), `"bucket":"b",`, "", 1)), code: instCodeInvalid, msg: s3Err},
		{name: "s3 vault and legacy obj", step: create(`{"instance_id":"i","obj_info":` + instLegacyObj + `,"vault":{"obj_info":{"ak":"a","sk":"s",` +
			`"bucket":"b","endpoint":"e","external_endpoint":"ee","region":"r","provider":"S3"}}}`), check: func(t *testing.T, e *testEnv) {
			inst := e.instance("i")
			if inst.EnableStorageVault.Get() || inst.ObjInfo[0].ID.Get() != "1" || fmt.Sprint(inst.ResourceIDs) != "[2]" {
				t.Fatalf("stored %s", dorispb.MarshalJSON(inst))
			}
		}},
		{name: "exists", setup: []instStep{create(instLegacy("i"))}, step: create(instS3Vault("i", "S3")), code: instCodeExists,
			msg: "instance already existed, instance_id=i, err=Ok"},
		{name: "exists though deleted", setup: []instStep{create(instLegacy("i")), {OpAlterInstance, instAlter("i", "DROP")}},
			step: create(instLegacy("i")), code: instCodeExists, msg: "instance already existed, instance_id=i, err=Ok"},
	}
	for _, p := range []string{"OSS", "S3", "COS", "OBS", "BOS", "GCP", "AZURE"} {
		cases = append(cases, instCase{name: "s3 vault " + p, step: create(instS3Vault("i", p)), check: func(t *testing.T, e *testEnv) {
			inst := e.instance("i")
			if !inst.EnableStorageVault.Get() || len(inst.ObjInfo) != 0 || fmt.Sprint(inst.ResourceIDs, inst.StorageVaultNames) != "[1] [built_in_storage_vault]" {
				t.Fatalf("stored %s", dorispb.MarshalJSON(inst))
			}
			raw := instDump(e)[string(keys.StorageVaultKey("i", "1"))]
			if strings.Contains(raw, "sk_x") || strings.Contains(raw, "ak_x") {
				t.Fatalf("vault credentials stored in plaintext: %s", raw)
			}
			v := &dorispb.StorageVaultPB{}
			if err := dorispb.Unmarshal([]byte(raw), v); err != nil {
				t.Fatal(err)
			}
			OpenMessage(e.svc.keys, v)
			want := `{"id":"1","name":"built_in_storage_vault","obj_info":{"ctime":"1700000000","mtime":"1700000000","id":"1","ak":"ak_x","sk":"sk_x",` +
				`"bucket":"b","prefix":"p","endpoint":"e","region":"r","provider":"` + p + `","external_endpoint":"ee",` +
				`"encryption_info":{"encryption_method":"AES_256_ECB","key_id":"1"},"sse_enabled":true}}`
			if got := string(dorispb.MarshalJSON(v)); got != want {
				t.Fatalf("vault\n got %s\nwant %s", got, want)
			}
		}})
	}
	instRun(t, cases)
}

// TestCreateInstanceSecretsAtRest checks that no credential is stored in
// plaintext.
func TestCreateInstanceSecretsAtRest(t *testing.T) {
	e := newTestEnv(t)
	wantErr(t, instDo(t, e, instStep{OpCreateInstance, instLegacyRam("i")}), instCodeOK, "")
	for k, v := range instDump(e) {
		for _, secret := range []string{"test-ak1", "test-sk1", "ram-ak", "ram-sk"} {
			if strings.Contains(v, secret) {
				t.Fatalf("key %x holds %q in plaintext: %s", k, secret, v)
			}
		}
	}
}

func TestAlterInstance(t *testing.T) {
	alter := func(id, op string) instStep { return instStep{OpAlterInstance, instAlter(id, op)} }
	legacy := instStep{OpCreateInstance, instLegacy("i")}
	status := func(want dorispb.InstanceInfoPB_Status) func(t *testing.T, e *testEnv) {
		return func(t *testing.T, e *testEnv) {
			inst := e.instance("i")
			if inst.Status.Get() != want || inst.Mtime.Get() != 1700000000 {
				t.Fatalf("status %v mtime %d, want %v", inst.Status.Get(), inst.Mtime.Get(), want)
			}
		}
	}
	withCluster := func(t *testing.T, e *testEnv) {
		// Give the instance a cluster directly (clusters are another
		// package's operations).
		err := e.db.Update(func(tx *bolt.Tx) error {
			tt := &Tx{tx: tx, now: e.now, svc: e.svc}
			inst, _, _ := tt.Instance("i")
			inst.Clusters = append(inst.Clusters, &dorispb.ClusterPB{ClusterID: dorispb.Some("c")})
			if e := tt.PutInstance(nil, inst); e != nil {
				return e
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	cases := []instCase{
		{name: "drop", setup: []instStep{legacy}, step: alter("i", "DROP"), check: status(dorispb.InstanceInfoPB_DELETED)},
		{name: "drop again", setup: []instStep{legacy, alter("i", "DROP")}, step: alter("i", "DROP"), check: status(dorispb.InstanceInfoPB_DELETED)},
		{name: "drop overdue", setup: []instStep{legacy, alter("i", "SET_OVERDUE")}, step: alter("i", "DROP"), check: status(dorispb.InstanceInfoPB_DELETED)},
		{name: "drop without id", step: alter("", "DROP"), code: instCodeInvalid, msg: "instance id not set"},
		{name: "drop missing", step: alter("nope", "DROP"), code: instCodeNotFound, msg: "instance not existed, instance_id=nope, err=KeyNotFound"},
		{name: "rename", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"RENAME","name":"new"}`},
			check: func(t *testing.T, e *testEnv) {
				if inst := e.instance("i"); inst.Name.Get() != "new" || inst.Mtime.Has() {
					t.Fatalf("stored %s", dorispb.MarshalJSON(inst))
				}
			}},
		{name: "rename deleted", setup: []instStep{legacy, alter("i", "DROP")}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"RENAME","name":"n"}`}},
		{name: "rename without name", setup: []instStep{legacy}, step: alter("i", "RENAME"), code: instCodeInvalid, msg: "rename instance name, but not set"},
		{name: "rename empty name", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"RENAME","name":""}`},
			code: instCodeInvalid, msg: "rename instance name, but not set"},
		{name: "rename missing", step: instStep{OpAlterInstance, `{"instance_id":"x","op":"RENAME","name":"n"}`}, code: instCodeNotFound,
			msg: "instance not existed, instance_id=x, err=KeyNotFound"},
		{name: "enable sse", setup: []instStep{legacy}, step: alter("i", "ENABLE_SSE"), check: func(t *testing.T, e *testEnv) {
			if inst := e.instance("i"); !inst.SseEnabled.Get() || !inst.ObjInfo[0].SseEnabled.Get() || inst.Mtime.Get() != 1700000000 {
				t.Fatalf("stored %s", dorispb.MarshalJSON(inst))
			}
		}},
		{name: "enable sse twice", setup: []instStep{legacy, alter("i", "ENABLE_SSE")}, step: alter("i", "ENABLE_SSE"), code: instCodeInvalid,
			msg: "failed to enable sse, instance has enabled sse"},
		{name: "disable sse", setup: []instStep{legacy, alter("i", "ENABLE_SSE")}, step: alter("i", "DISABLE_SSE"), check: func(t *testing.T, e *testEnv) {
			if inst := e.instance("i"); inst.SseEnabled.Get() || inst.ObjInfo[0].SseEnabled.Get() {
				t.Fatalf("stored %s", dorispb.MarshalJSON(inst))
			}
		}},
		{name: "disable sse when disabled", setup: []instStep{legacy}, step: alter("i", "DISABLE_SSE"), code: instCodeInvalid,
			msg: "failed to disable sse, instance has disabled sse"},
		{name: "sse on deleted", setup: []instStep{legacy, alter("i", "DROP")}, step: alter("i", "ENABLE_SSE")},
		{name: "sse missing", step: alter("x", "ENABLE_SSE"), code: instCodeNotFound, msg: "instance not existed, instance_id=x, err=KeyNotFound"},
		{name: "overdue", setup: []instStep{legacy}, step: alter("i", "SET_OVERDUE"), check: status(dorispb.InstanceInfoPB_OVERDUE)},
		{name: "overdue twice", setup: []instStep{legacy, alter("i", "SET_OVERDUE")}, step: alter("i", "SET_OVERDUE"), code: instCodeInvalid,
			msg: "the instance has already set  instance to overdue, instance_id = i"},
		{name: "overdue deleted", setup: []instStep{legacy, alter("i", "DROP")}, step: alter("i", "SET_OVERDUE"), code: instCodeInvalid,
			msg: "can't set deleted instance to overdue, instance_id = i"},
		{name: "normal", setup: []instStep{legacy, alter("i", "SET_OVERDUE")}, step: alter("i", "SET_NORMAL"), check: status(dorispb.InstanceInfoPB_NORMAL)},
		{name: "normal when normal", setup: []instStep{legacy}, step: alter("i", "SET_NORMAL"), code: instCodeInvalid,
			msg: "the instance is already normal, instance_id = i"},
		{name: "normal deleted", setup: []instStep{legacy, alter("i", "DROP")}, step: alter("i", "SET_NORMAL"), code: instCodeInvalid,
			msg: "can't set deleted instance to normal, instance_id = i"},
		{name: "set status missing", step: alter("x", "SET_NORMAL"), code: instCodeNotFound, msg: "instance not existed, instance_id=x, err=KeyNotFound"},
		{name: "no op", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i"}`}, code: instCodeInvalid, msg: "invalid request op, op=0"},
		{name: "unknown op name is unset", step: instStep{OpAlterInstance, `{"instance_id":"x","op":"STOP"}`}, code: instCodeInvalid, msg: "invalid request op, op=0"},
		{name: "op checked before instance_id", step: instStep{OpAlterInstance, `{"op":"UNKNOWN"}`}, code: instCodeInvalid, msg: "invalid request op, op=0"},
		{name: "refresh", setup: []instStep{legacy}, step: alter("i", "REFRESH")},
		{name: "refresh missing", step: alter("x", "REFRESH"), code: instCodeGetErr, msg: "failed to get instance, instance_id=x err=KeyNotFound"},
		{name: "snapshot property empty", setup: []instStep{legacy}, step: alter("i", "SET_SNAPSHOT_PROPERTY"), code: instCodeInvalid,
			msg: "propertiy is empty, instance_id = i"},
		{name: "snapshot not ready", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"SET_SNAPSHOT_PROPERTY","properties":{"enabled":"true"}}`},
			code: instCodeInvalid, msg: "Snapshot not ready, instance_id: i"},
		{name: "snapshot bad bool", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"SET_SNAPSHOT_PROPERTY","properties":{"enabled":"yes"}}`},
			code: instCodeInvalid, msg: "Invalid value for enabled property: yes, expected 'true' or 'false', instance_id: i"},
		{name: "snapshot max reserved", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"SET_SNAPSHOT_PROPERTY","properties":{"max_reserved_snapshots":"7","snapshot_interval_seconds":"3600"}}`},
			check: func(t *testing.T, e *testEnv) {
				if inst := e.instance("i"); inst.MaxReservedSnapshot.Get() != 7 || inst.SnapshotIntervalSeconds.Get() != 3600 {
					t.Fatalf("stored %s", dorispb.MarshalJSON(inst))
				}
			}},
		{name: "snapshot max reserved too large", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"SET_SNAPSHOT_PROPERTY","properties":{"max_reserved_snapshots":"36"}}`},
			code: instCodeInvalid, msg: "max_reserved_snapshots too large, maximum is 35, got: 36"},
		{name: "snapshot max reserved negative", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"SET_SNAPSHOT_PROPERTY","properties":{"max_reserved_snapshots":"-1"}}`},
			code: instCodeInvalid, msg: "max_reserved_snapshots must be non-negative, got: -1"},
		{name: "snapshot max reserved garbage", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"SET_SNAPSHOT_PROPERTY","properties":{"max_reserved_snapshots":"x"}}`},
			code: instCodeInvalid, msg: "Invalid numeric value for max_reserved_snapshots: x"},
		{name: "snapshot interval small", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"SET_SNAPSHOT_PROPERTY","properties":{"snapshot_interval_seconds":"60"}}`},
			code: instCodeInvalid, msg: "snapshot_intervals too small, minimum is 3600 seconds, got: 60"},
		{name: "snapshot interval garbage", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"SET_SNAPSHOT_PROPERTY","properties":{"snapshot_interval_seconds":""}}`},
			code: instCodeInvalid, msg: "Invalid numeric value for snapshot_intervals: "},
		{name: "snapshot unknown property", setup: []instStep{legacy}, step: instStep{OpAlterInstance, `{"instance_id":"i","op":"SET_SNAPSHOT_PROPERTY","properties":{"zzz":"1"}}`},
			code: instCodeInvalid, msg: "unsupported property: zzz"},
	}
	instRun(t, cases)

	t.Run("drop with clusters", func(t *testing.T) {
		e := newTestEnv(t)
		wantErr(t, instDo(t, e, legacy), instCodeOK, "")
		withCluster(t, e)
		before := instDump(e)
		wantErr(t, instDo(t, e, alter("i", "DROP")), instCodeInvalid, "failed to drop instance, instance has clusters")
		if !maps.Equal(before, instDump(e)) {
			t.Fatal("rejected drop changed the state")
		}
	})
}

// TestInstanceStateMachine walks every edge of spec §9.1.
func TestInstanceStateMachine(t *testing.T) {
	e := newTestEnv(t)
	step := func(op, wantMsg string, want dorispb.InstanceInfoPB_Status) {
		t.Helper()
		code := instCodeOK
		if wantMsg != "" {
			code = instCodeInvalid
		}
		wantErr(t, instDo(t, e, instStep{OpAlterInstance, instAlter("i", op)}), code, wantMsg)
		if got := e.instance("i").Status.Get(); got != want {
			t.Fatalf("after %s: status %v, want %v", op, got, want)
		}
	}
	wantErr(t, instDo(t, e, instStep{OpCreateInstance, instLegacy("i")}), instCodeOK, "")
	step("SET_NORMAL", "the instance is already normal, instance_id = i", dorispb.InstanceInfoPB_NORMAL)
	step("SET_OVERDUE", "", dorispb.InstanceInfoPB_OVERDUE)
	step("SET_OVERDUE", "the instance has already set  instance to overdue, instance_id = i", dorispb.InstanceInfoPB_OVERDUE)
	step("SET_NORMAL", "", dorispb.InstanceInfoPB_NORMAL)
	step("SET_OVERDUE", "", dorispb.InstanceInfoPB_OVERDUE)
	e.now = e.now.Add(1e9)
	step("DROP", "", dorispb.InstanceInfoPB_DELETED)
	if got := e.instance("i").Mtime.Get(); got != 1700000001 {
		t.Fatalf("mtime %d", got)
	}
	step("SET_NORMAL", "can't set deleted instance to normal, instance_id = i", dorispb.InstanceInfoPB_DELETED)
	step("SET_OVERDUE", "can't set deleted instance to overdue, instance_id = i", dorispb.InstanceInfoPB_DELETED)
	e.now = e.now.Add(1e9)
	step("DROP", "", dorispb.InstanceInfoPB_DELETED)
	if got := e.instance("i").Mtime.Get(); got != 1700000002 {
		t.Fatalf("drop again must re-set mtime, got %d", got)
	}
	// DELETED still answers get_instance.
	if r := instGet(e, &dorispb.GetInstanceRequest{InstanceID: dorispb.Some("i")}); r.Err != nil {
		t.Fatalf("get_instance on DELETED: %v", r.Err)
	}
}

func TestGetInstance(t *testing.T) {
	e := newTestEnv(t)
	wantErr(t, instDo(t, e, instStep{OpCreateInstance, instLegacyRam("inst_a")}), instCodeOK, "")
	cases := []struct {
		name, id, cuid string
		code           dorispb.MetaServiceCode
		msg            string
	}{
		{"nothing given", "", "", instCodeInvalid, "empty instance_id and cloud_unique_id"},
		{"unresolvable cuid", "", "abc", instCodeInvalid, "cannot find instance_id with cloud_unique_id=abc"},
		{"degraded cuid of a missing instance", "", "1:nope:x", instCodeInvalid, "cannot find instance_id with cloud_unique_id=1:nope:x"},
		{"missing instance", "nope", "", instCodeGetErr, "failed to get instance, info=failed to get instance, instance_id=nope err=KeyNotFound"},
		{"id wins over cuid", "nope", "1:inst_a:x", instCodeGetErr, "failed to get instance, info=failed to get instance, instance_id=nope err=KeyNotFound"},
		{"by id", "inst_a", "", instCodeOK, ""},
		{"by degraded cuid", "", "1:inst_a:be-1", instCodeOK, ""},
		{"by odd degraded cuid", "", "01::inst_a:x:", instCodeOK, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := &dorispb.GetInstanceRequest{}
			if c.id != "" {
				req.InstanceID.Set(c.id)
			}
			if c.cuid != "" {
				req.CloudUniqueID.Set(c.cuid)
			}
			r := instGet(e, req)
			wantErr(t, r.Err, c.code, c.msg)
			got := string(dorispb.MarshalJSON(r.Result))
			if c.code != instCodeOK {
				if got != "{}" {
					t.Fatalf("error result %s, want {}", got)
				}
				return
			}
			want := `{"user_id":"10000","instance_id":"inst_a","name":"","obj_info":[{"ctime":"1700000000","mtime":"1700000000","id":"1",` +
				`"ak":"test-ak1","sk":"******","bucket":"test-bucket","prefix":"test-prefix","endpoint":"test-endpoint","region":"test-region",` +
				`"provider":"BOS","external_endpoint":"test-external-endpoint","encryption_info":{"encryption_method":"AES_256_ECB","key_id":"1"},` +
				`"sse_enabled":false}],"status":"NORMAL","ram_user":{"user_id":"ram1","ak":"ram-ak","sk":"******",` +
				`"encryption_info":{"encryption_method":"AES_256_ECB","key_id":"1"}},"iam_user":{"user_id":"","ak":"","sk":"","external_id":"inst_a"},` +
				`"sse_enabled":false,"enable_storage_vault":false}`
			if got != want {
				t.Fatalf("result\n got %s\nwant %s", got, want)
			}
		})
	}

	t.Run("configured arn", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.ArnID, cfg.ArnAK, cfg.ArnSK = "acct", "arn-ak", "arn-sk"
		cfg.RevealSecretsInGetInstance = true
		e := newTestEnvConfig(t, cfg)
		wantErr(t, instDo(t, e, instStep{OpCreateInstance, `{"instance_id":"i"}`}), instCodeOK, "")
		if got := instGetJSON(t, e, "i"); !strings.Contains(got, `"iam_user":{"user_id":"acct","ak":"arn-ak","sk":"arn-sk","external_id":"i"}`) {
			t.Fatalf("result %s", got)
		}
		wantErr(t, instDo(t, e, instStep{OpAlterIam, `{"account_id":"a2","ak":"k2","sk":"s2"}`}), instCodeOK, "")
		want := `"iam_user":{"user_id":"a2","ak":"k2","sk":"s2","encryption_info":{"encryption_method":"AES_256_ECB","key_id":"1"}}`
		if got := instGetJSON(t, e, "i"); !strings.Contains(got, want) {
			t.Fatalf("result %s", got)
		}
	})

	t.Run("undecryptable credential", func(t *testing.T) {
		e := newTestEnv(t)
		wantErr(t, instDo(t, e, instStep{OpCreateInstance, instLegacy("i")}), instCodeOK, "")
		instCorruptAK(t, e, "i")
		r := instGet(e, &dorispb.GetInstanceRequest{InstanceID: dorispb.Some("i")})
		wantErr(t, r.Err, dorispb.MetaServiceCode_ERR_DECPYPT, "failed to decrypt")
	})
}

// instCorruptAK replaces the stored ak of obj info 1 with a sealed value
// that does not open.
func instCorruptAK(t *testing.T, e *testEnv, id string) {
	t.Helper()
	err := e.db.Update(func(tx *bolt.Tx) error {
		tt := &Tx{tx: tx, now: e.now, svc: e.svc}
		inst, _, _ := tt.Instance(id)
		sealed := inst.ObjInfo[0].AK.Get()
		inst.ObjInfo[0].AK.Set(sealed[:len(sealed)-4] + "AAAA")
		if e := tt.PutInstance(inst, inst); e != nil {
			return e
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestInstanceHelpers(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/aa/bb/", "aa/bb"}, {"aa/bb//", "aa/bb"}, {"//aa/bb", "aa/bb"}, {"  /aa/bb", "aa/bb"}, {"\t/ \t", ""}, {"", ""}, {"a b", "a b"},
	} {
		if got := instanceTrim(c.in); got != c.want {
			t.Errorf("trim(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1, true}, {" 12x", 12, true}, {"+3", 3, true}, {"-4", -4, true}, {"", 0, false}, {"x", 0, false},
		{"2147483647", 2147483647, true}, {"2147483648", 0, false}, {"-2147483648", -2147483648, true}, {"99999999999999999999", 0, false},
	} {
		if got, ok := instanceStoi(c.in); got != c.want || ok != c.ok {
			t.Errorf("stoi(%q) = %d %v, want %d %v", c.in, got, ok, c.want, c.ok)
		}
	}
	inst := &dorispb.InstanceInfoPB{ResourceIDs: []string{"3", "x", "12abc"}, ObjInfo: []*dorispb.ObjectStoreInfoPB{{ID: dorispb.Some("7")}}}
	if got := instanceNextVaultID(inst); got != "13" {
		t.Errorf("next vault id %s", got)
	}
	if got := instanceNextVaultID(&dorispb.InstanceInfoPB{}); got != "1" {
		t.Errorf("next vault id of empty %s", got)
	}
}

// FuzzCreateInstanceRequest feeds arbitrary create_instance bodies through
// decode and apply: no panic, a rejection with a known code and a message,
// or an instance that get_instance can print as a well-formed envelope.
func FuzzCreateInstanceRequest(f *testing.F) {
	for _, s := range []string{
		instLegacy("i"), instLegacyRam("i"), instS3Vault("i", "COS"), instHDFS("i"), `{}`, `{"instance_id":""}`,
		`{"instance_id":"i","vault":{}}`, `{"instance_id":"i","obj_info":{"role_arn":"r"}}`, `{"instance_id":"\u0000x","name":"\u2028"}`,
		`{"instance_id":"i","ram_user":{"user_id":"u","ak":"a","sk":"s"},"sse_enabled":"true"}`, `[`, `{"instance_id":1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := &dorispb.CreateInstanceRequest{}
		if err := dorispb.Unmarshal([]byte(body), req); err != nil {
			return
		}
		e := newTestEnv(t)
		got := e.mutate(OpCreateInstance, req)
		if got != nil {
			if got.Msg == "" {
				t.Fatalf("rejection without a message: %v", got.Code)
			}
			switch got.Code {
			case instCodeInvalid, instCodeExists:
			default:
				t.Fatalf("unexpected code %v %q", got.Code, got.Msg)
			}
			if len(instDump(e)) != 0 {
				t.Fatal("rejected create left state behind")
			}
			return
		}
		r := instGet(e, &dorispb.GetInstanceRequest{InstanceID: dorispb.Some(req.InstanceID.Get())})
		if r.Err != nil {
			t.Fatalf("created instance unreadable: %v", r.Err)
		}
		env := dorispb.Envelope(instCodeOK, "", dorispb.MarshalJSON(r.Result))
		if !json.Valid(env) || strings.Contains(string(env), "JSON parse error") {
			t.Fatalf("malformed envelope %q", env)
		}
	})
}

// BenchmarkGetInstanceRead measures get_instance's domain work (load,
// decrypt, mask, encode the result and the envelope) without HTTP or raft.
func BenchmarkGetInstanceRead(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "state.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	k, err := secrets.New([]byte(strings.Repeat("r", secrets.KeySize)))
	if err != nil {
		b.Fatal(err)
	}
	e := &testEnv{db: db, svc: New(k, DefaultConfig()), now: time.Unix(1700000000, 0)}
	req := &dorispb.CreateInstanceRequest{}
	if err := dorispb.Unmarshal([]byte(instLegacyRam("bench")), req); err != nil {
		b.Fatal(err)
	}
	SealRequest(k, req)
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket([]byte("data")); err != nil {
			return err
		}
		if e := applyCreateInstance(&Tx{tx: tx, now: e.now, svc: e.svc}, req); e != nil {
			return e
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	get := &dorispb.GetInstanceRequest{InstanceID: dorispb.Some("bench")}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r := instGet(e, get)
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		_ = dorispb.Envelope(instCodeOK, "", dorispb.MarshalJSON(r.Result))
	}
}
