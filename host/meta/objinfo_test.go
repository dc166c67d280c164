package meta

import (
	"maps"
	"strings"
	"testing"

	"github.com/metahost/metahost/host/meta/dorispb"
)

const instCodeUndefined = dorispb.MetaServiceCode_UNDEFINED_ERR

func objAdd(obj string) instStep {
	return instStep{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:i:x","op":"ADD_OBJ_INFO","obj":` + obj + `}`}
}

func objLegacyUpdate(obj string) instStep {
	return instStep{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:i:x","op":"LEGACY_UPDATE_AK_SK","obj":` + obj + `}`}
}

// objOpen returns obj info n (0-based) of instance id with plaintext
// credentials.
func objOpen(e *testEnv, id string, n int) *dorispb.ObjectStoreInfoPB {
	o := e.instance(id).ObjInfo[n]
	OpenMessage(e.svc.keys, o)
	return o
}

func TestAddObjInfo(t *testing.T) {
	legacy := instStep{OpCreateInstance, instLegacy("i")}
	good := `{"ak":"a2","sk":"s2","bucket":"b","prefix":"/p/","endpoint":"e","region":"r","provider":"S3","user_id":"u2"}`
	s3Err := "s3 conf info err, please check it"
	// A 1024-byte obj (wire size, plaintext credentials): 3+3 (ak, sk) +
	// 3 (prefix) + 3 (endpoint) + 3 (region) + 2 (provider) + 1+2+1004
	// (bucket).
	fit := `{"ak":"a","sk":"s","bucket":"` + strings.Repeat("b", 1004) + `","prefix":"p","endpoint":"e","region":"r","provider":"S3"}`
	tooBig := strings.Replace(fit, "bbb", "bbbb", 1)
	nine := []instStep{legacy}
	for i := range 9 {
		nine = append(nine, objAdd(`{"ak":"a","sk":"s","bucket":"b","prefix":"p`+string(rune('0'+i))+`","endpoint":"e","region":"r","provider":"S3"}`))
	}
	cases := []instCase{
		{name: "add", setup: []instStep{legacy}, step: objAdd(good), check: func(t *testing.T, e *testEnv) {
			got := string(dorispb.MarshalJSON(objOpen(e, "i", 1)))
			want := `{"ctime":"1700000000","mtime":"1700000000","id":"2","ak":"a2","sk":"s2","bucket":"b","prefix":"p","endpoint":"e","region":"r",` +
				`"provider":"S3","external_endpoint":"","user_id":"u2","encryption_info":{"encryption_method":"AES_256_ECB","key_id":"1"},` +
				`"sse_enabled":false,"use_path_style":false}`
			if got != want {
				t.Fatalf("added\n got %s\nwant %s", got, want)
			}
		}},
		{name: "add takes instance sse", setup: []instStep{legacy, {OpAlterInstance, instAlter("i", "ENABLE_SSE")}}, step: objAdd(good),
			check: func(t *testing.T, e *testEnv) {
				if !objOpen(e, "i", 1).SseEnabled.Get() {
					t.Fatal("sse_enabled not taken from the instance")
				}
			}},
		{name: "add via vault obj_info", setup: []instStep{legacy}, step: instStep{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:i:x","op":"ADD_OBJ_INFO","vault":{"obj_info":` + good + `}}`}},
		{name: "add role_arn", setup: []instStep{legacy}, step: objAdd(`{"role_arn":"arn","external_id":"x","bucket":"b","prefix":"p","endpoint":"e","region":"r","provider":"S3"}`),
			check: func(t *testing.T, e *testEnv) {
				got := string(dorispb.MarshalJSON(objOpen(e, "i", 1)))
				want := `{"ctime":"1700000000","mtime":"1700000000","id":"2","bucket":"b","prefix":"p","endpoint":"e","region":"r","provider":"S3",` +
					`"external_endpoint":"","sse_enabled":false,"use_path_style":false,"cred_provider_type":"INSTANCE_PROFILE","role_arn":"arn","external_id":"x"}`
				if got != want {
					t.Fatalf("added\n got %s\nwant %s", got, want)
				}
			}},
		{name: "1024 bytes fit", setup: []instStep{legacy}, step: objAdd(fit)},
		{name: "1025 bytes", setup: []instStep{legacy}, step: objAdd(tooBig), code: instCodeInvalid,
			msg: `s3 obj info greater than 1k {"cloud_unique_id":"1:i:x","obj":` + tooBig + `,"op":"ADD_OBJ_INFO"}`},
		{name: "no obj", setup: []instStep{legacy}, step: instStep{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:i:x","op":"ADD_OBJ_INFO"}`}, code: instCodeInvalid,
			msg: `s3 obj info err {"cloud_unique_id":"1:i:x","op":"ADD_OBJ_INFO"}`},
		{name: "vault without obj_info", setup: []instStep{legacy}, step: instStep{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:i:x","op":"ADD_OBJ_INFO","vault":{"name":"v"}}`},
			code: instCodeInvalid, msg: `s3 obj info err {"cloud_unique_id":"1:i:x","op":"ADD_OBJ_INFO","vault":{"name":"v"}}`},
		{name: "no sk (request printed in plaintext)", setup: []instStep{legacy}, step: objAdd(`{"ak":"secret-ak","bucket":"b"}`), code: instCodeInvalid,
			msg: `s3 obj info err {"cloud_unique_id":"1:i:x","obj":{"ak":"secret-ak","bucket":"b"},"op":"ADD_OBJ_INFO"}`},
		{name: "role_arn and ak", setup: []instStep{legacy}, step: objAdd(`{"role_arn":"r","ak":"a"}`), code: instCodeInvalid,
			msg: "invaild argument, both set ak/sk and role_arn is not allowed"},
		{name: "no cloud_unique_id", setup: []instStep{legacy}, step: instStep{OpAlterObjStoreInfo, `{"op":"ADD_OBJ_INFO","obj":` + good + `}`},
			code: instCodeInvalid, msg: "cloud unique id not set"},
		{name: "unresolvable cloud_unique_id", setup: []instStep{legacy}, step: instStep{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:nope:x","op":"ADD_OBJ_INFO","obj":` + good + `}`},
			code: instCodeInvalid, msg: "empty instance_id"},
		{name: "deleted", setup: []instStep{legacy, {OpAlterInstance, instAlter("i", "DROP")}}, step: objAdd(good), code: instCodeNotFound,
			msg: "instance status has been set delete, plz check it"},
		{name: "vault instance", setup: []instStep{{OpCreateInstance, instS3Vault("i", "S3")}}, step: objAdd(good), code: instCodeInvalid,
			msg: "Storage vault doesn't support add obj info"},
		{name: "no provider (seed example)", setup: []instStep{legacy}, step: objAdd(`{"ak":"test-ak91","sk":"test-sk1","bucket":"test-bucket","prefix":"test-prefix","endpoint":"test-endpoint","region":"test-region"}`),
			code: instCodeInvalid, msg: "s3 conf lease provider info"},
		{name: "ten objs", setup: nine, step: objAdd(good), code: instCodeUndefined,
			msg: "this instance history has greater than 10 objs, please new another instance"},
		{name: "empty ak", setup: []instStep{legacy}, step: objAdd(strings.Replace(good, `"a2"`, `""`, 1)), code: instCodeInvalid, msg: s3Err},
		{name: "empty sk", setup: []instStep{legacy}, step: objAdd(strings.Replace(good, `"s2"`, `""`, 1)), code: instCodeInvalid, msg: s3Err},
		{name: "no prefix", setup: []instStep{legacy}, step: objAdd(strings.Replace(good, `"prefix":"/p/",`, "", 1)), code: instCodeInvalid, msg: s3Err},
		{name: "no bucket", setup: []instStep{legacy}, step: objAdd(strings.Replace(good, `"bucket":"b",`, "", 1)), code: instCodeInvalid, msg: s3Err},
		{name: "no endpoint", setup: []instStep{legacy}, step: objAdd(strings.Replace(good, `"endpoint":"e",`, "", 1)), code: instCodeInvalid, msg: s3Err},
		{name: "no region", setup: []instStep{legacy}, step: objAdd(strings.Replace(good, `"region":"r",`, "", 1)), code: instCodeInvalid, msg: s3Err},
		{name: "same conf", setup: []instStep{legacy}, step: objAdd(strings.Replace(instLegacyObj, "/test-prefix/", "test-prefix", 1)), code: instCodeInvalid,
			msg: "original obj infos has a same conf, please check it"},
		{name: "same conf but untrimmed prefix", setup: []instStep{legacy}, step: objAdd(instLegacyObj)},
		{name: "no op", setup: []instStep{legacy}, step: instStep{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:i:x","obj":{"ak":"k","sk":"s"}}`}, code: instCodeInvalid,
			msg: `Unknown alter info {"cloud_unique_id":"1:i:x","obj":{"ak":"k","sk":"s"}}`},
		{name: "vault op", setup: []instStep{legacy}, step: instStep{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:i:x","op":"ADD_S3_VAULT"}`}, code: instCodeInvalid,
			msg: `Unknown alter obj store info, request info {"cloud_unique_id":"1:i:x","op":"ADD_S3_VAULT"}`},
		{name: "update op", setup: []instStep{legacy}, step: instStep{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:i:x","op":"UPDATE_AK_SK","obj":{"ak":"k","sk":"s"}}`},
			code: instCodeInvalid, msg: "invalid request op, op=1"},
	}
	instRun(t, cases)

	t.Run("missing instance without the degraded check", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.EnableCheckInstanceID = false
		e := newTestEnvConfig(t, cfg)
		step := instStep{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:nope:x","op":"ADD_OBJ_INFO","obj":` + good + `}`}
		wantErr(t, instDo(t, e, step), instCodeGetErr, "failed to get instance, instance_id=nope err=KeyNotFound")
	})
}

func TestLegacyUpdateAkSk(t *testing.T) {
	legacy := instStep{OpCreateInstance, instLegacy("i")}
	s3 := instStep{OpCreateInstance, `{"instance_id":"i","obj_info":{"ak":"a","sk":"s","bucket":"b","endpoint":"e","external_endpoint":"e","region":"r","provider":"S3"}}`}
	idErr := "id invalid, please check it"
	unchanged := func(t *testing.T, e *testEnv) {
		before := instDump(e)
		wantErr(t, instDo(t, e, objLegacyUpdate(`{"id":"1","ak":"test-ak1","sk":"test-sk1"}`)), instCodeOK, "")
		if !maps.Equal(before, instDump(e)) {
			t.Fatal("unchanged ak/sk was written")
		}
	}
	cases := []instCase{
		{name: "update", setup: []instStep{legacy}, step: objLegacyUpdate(`{"id":"1","ak":"new-ak","sk":"new-sk"}`), check: func(t *testing.T, e *testEnv) {
			o := objOpen(e, "i", 0)
			if o.AK.Get() != "new-ak" || o.SK.Get() != "new-sk" || o.EncryptionInfo == nil {
				t.Fatalf("stored %s", dorispb.MarshalJSON(o))
			}
		}},
		{name: "unchanged answers OK and writes nothing", setup: []instStep{legacy}, step: objLegacyUpdate(`{"id":"1","ak":"x","sk":"y"}`),
			check: func(t *testing.T, e *testEnv) {
				wantErr(t, instDo(t, e, objLegacyUpdate(`{"id":"1","ak":"test-ak1","sk":"test-sk1"}`)), instCodeOK, "")
				unchanged(t, e)
			}},
		{name: "id parsed like stoi", setup: []instStep{legacy}, step: objLegacyUpdate(`{"id":" 1x","ak":"n","sk":"n"}`)},
		{name: "no id", setup: []instStep{legacy}, step: objLegacyUpdate(`{"ak":"n","sk":"n"}`), code: instCodeInvalid, msg: idErr},
		{name: "id 0", setup: []instStep{legacy}, step: objLegacyUpdate(`{"id":"0","ak":"n","sk":"n"}`), code: instCodeInvalid, msg: idErr},
		{name: "id past the end", setup: []instStep{legacy}, step: objLegacyUpdate(`{"id":"2","ak":"n","sk":"n"}`), code: instCodeInvalid, msg: idErr},
		{name: "id not a number", setup: []instStep{legacy}, step: objLegacyUpdate(`{"id":"one","ak":"n","sk":"n"}`), code: instCodeInvalid, msg: idErr},
		{name: "id overflows", setup: []instStep{legacy}, step: objLegacyUpdate(`{"id":"99999999999","ak":"n","sk":"n"}`), code: instCodeInvalid, msg: idErr},
		{name: "id in vault obj is ignored", setup: []instStep{legacy}, step: instStep{OpAlterObjStoreInfo,
			`{"cloud_unique_id":"1:i:x","op":"LEGACY_UPDATE_AK_SK","vault":{"obj_info":{"id":"1","ak":"n","sk":"n"}}}`}, code: instCodeInvalid, msg: idErr},
		{name: "no sk", setup: []instStep{legacy}, step: objLegacyUpdate(`{"id":"1","ak":"n"}`), code: instCodeInvalid,
			msg: `s3 obj info err {"cloud_unique_id":"1:i:x","obj":{"id":"1","ak":"n"},"op":"LEGACY_UPDATE_AK_SK"}`},
		{name: "role_arn on BOS", setup: []instStep{legacy}, step: objLegacyUpdate(`{"id":"1","role_arn":"arn"}`), code: instCodeInvalid,
			msg: "role_arn is only supported for s3 provider"},
		{name: "role_arn on S3", setup: []instStep{s3}, step: objLegacyUpdate(`{"id":"1","role_arn":"arn","external_id":"x"}`), check: func(t *testing.T, e *testEnv) {
			o := objOpen(e, "i", 0)
			if o.AK.Has() || o.SK.Has() || o.EncryptionInfo != nil || o.RoleArn.Get() != "arn" || o.ExternalID.Get() != "x" ||
				o.CredProviderType.Get() != dorispb.CredProviderTypePB_INSTANCE_PROFILE {
				t.Fatalf("stored %s", dorispb.MarshalJSON(o))
			}
			before := instDump(e)
			wantErr(t, instDo(t, e, objLegacyUpdate(`{"id":"1","role_arn":"arn","external_id":"x"}`)), instCodeOK, "")
			if !maps.Equal(before, instDump(e)) {
				t.Fatal("unchanged role_arn was written")
			}
			wantErr(t, instDo(t, e, objLegacyUpdate(`{"id":"1","ak":"k","sk":"s"}`)), instCodeOK, "")
			if o := objOpen(e, "i", 0); o.RoleArn.Has() || o.CredProviderType.Has() || o.AK.Get() != "k" {
				t.Fatalf("stored %s", dorispb.MarshalJSON(o))
			}
		}},
		{name: "role_arn and ak", setup: []instStep{s3}, step: objLegacyUpdate(`{"id":"1","role_arn":"arn","sk":"x"}`), code: instCodeInvalid,
			msg: "invaild argument, both set ak/sk and role_arn is not allowed"},
		{name: "deleted", setup: []instStep{legacy, {OpAlterInstance, instAlter("i", "DROP")}}, step: objLegacyUpdate(`{"id":"1","ak":"n","sk":"n"}`),
			code: instCodeNotFound, msg: "instance status has been set delete, plz check it"},
		{name: "unresolvable", step: objLegacyUpdate(`{"id":"1","ak":"n","sk":"n"}`), code: instCodeInvalid, msg: "empty instance_id"},
	}
	instRun(t, cases)

	t.Run("mtime", func(t *testing.T) {
		e := newTestEnv(t)
		wantErr(t, instDo(t, e, legacy), instCodeOK, "")
		e.now = e.now.Add(5e9)
		wantErr(t, instDo(t, e, objLegacyUpdate(`{"id":"1","ak":"n","sk":"n"}`)), instCodeOK, "")
		if o := e.instance("i").ObjInfo[0]; o.Mtime.Get() != 1700000005 || o.Ctime.Get() != 1700000000 {
			t.Fatalf("stored %s", dorispb.MarshalJSON(o))
		}
	})
}

// objSeedUpdateAkSk is the update_ak_sk example of the seed document.
const objSeedUpdateAkSk = `{"instance_id":"test","internal_bucket_user":[{"user_id":"bucket_user_id_1","ak":"xxxx","sk":"xxxx"},` +
	`{"user_id":"bucket_user_id_2","ak":"xxxx","sk":"xxxx"}],"ram_user":{"user_id":"ram_user_id","ak":"xxxx","sk":"xxxx"}}`

func TestUpdateAkSk(t *testing.T) {
	// Instance "test" with a RAM user and two obj infos owned by the seed's
	// bucket users.
	seedSetup := []instStep{
		{OpCreateInstance, `{"instance_id":"test","obj_info":{"ak":"a1","sk":"s1","bucket":"b","endpoint":"e","external_endpoint":"e","region":"r",` +
			`"provider":"COS","user_id":"bucket_user_id_1"},"ram_user":{"user_id":"ram_user_id","ak":"rak","sk":"rsk"}}`},
		{OpAlterObjStoreInfo, `{"cloud_unique_id":"1:test:x","op":"ADD_OBJ_INFO","obj":{"ak":"a2","sk":"s2","bucket":"b","prefix":"p","endpoint":"e",` +
			`"region":"r","provider":"COS","user_id":"bucket_user_id_2"}}`},
	}
	upd := func(body string) instStep { return instStep{OpUpdateAkSk, body} }
	old := []instStep{{OpCreateInstance, `{"instance_id":"test","obj_info":{"ak":"a1","sk":"s1","bucket":"b","endpoint":"e","external_endpoint":"e",` +
		`"region":"r","provider":"COS"}}`}}
	eqErr := "ak sk eq original, please check it"
	cases := []instCase{
		{name: "seed example", setup: seedSetup, step: upd(objSeedUpdateAkSk), check: func(t *testing.T, e *testEnv) {
			for i := range 2 {
				if o := objOpen(e, "test", i); o.AK.Get() != "xxxx" || o.SK.Get() != "xxxx" {
					t.Fatalf("obj %d: %s", i, dorispb.MarshalJSON(o))
				}
			}
			inst := e.instance("test")
			OpenMessage(e.svc.keys, inst)
			if inst.RamUser.AK.Get() != "xxxx" {
				t.Fatalf("ram user %s", dorispb.MarshalJSON(inst.RamUser))
			}
			// The seed document's failure example: the same call again.
			wantErr(t, instDo(t, e, upd(objSeedUpdateAkSk)), instCodeInvalid, eqErr)
		}},
		{name: "no instance_id", step: upd(`{"ram_user":{"user_id":"u","ak":"a","sk":"s"}}`), code: instCodeInvalid, msg: "instance id not set"},
		{name: "nothing to update", step: upd(`{"instance_id":"test","internal_bucket_user":[]}`), code: instCodeInvalid, msg: "nothing to update"},
		{name: "missing instance", step: upd(objSeedUpdateAkSk), code: instCodeGetErr, msg: "failed to get instance, instance_id=test err=KeyNotFound"},
		{name: "deleted", setup: append(append([]instStep{}, seedSetup...), instStep{OpAlterInstance, instAlter("test", "DROP")}),
			step: upd(objSeedUpdateAkSk), code: instCodeNotFound, msg: "instance status has been set delete, plz check it"},
		{name: "ram user without sk", setup: seedSetup, step: upd(`{"instance_id":"test","ram_user":{"user_id":"ram_user_id","ak":"n"}}`),
			code: instCodeInvalid, msg: `ram user info err {"instance_id":"test","ram_user":{"user_id":"ram_user_id","ak":"n"}}`},
		{name: "instance without ram user", setup: old, step: upd(`{"instance_id":"test","ram_user":{"user_id":"r","ak":"n","sk":"n"}}`),
			code: instCodeInvalid, msg: "instance doesn't have ram user info"},
		{name: "other ram user", setup: seedSetup, step: upd(`{"instance_id":"test","ram_user":{"user_id":"other","ak":"n","sk":"n"}}`),
			code: instCodeInvalid, msg: "ram user_id err"},
		{name: "same ram keys", setup: seedSetup, step: upd(`{"instance_id":"test","ram_user":{"user_id":"ram_user_id","ak":"rak","sk":"rsk"}}`),
			code: instCodeInvalid, msg: eqErr},
		{name: "ram user only", setup: seedSetup, step: upd(`{"instance_id":"test","ram_user":{"user_id":"ram_user_id","ak":"rak","sk":"new"}}`)},
		{name: "bucket user without user_id", setup: seedSetup, step: upd(`{"instance_id":"test","internal_bucket_user":[{"ak":"n","sk":"n"}]}`),
			code: instCodeInvalid, msg: `s3 bucket info err {"instance_id":"test","internal_bucket_user":[{"ak":"n","sk":"n"}]}`},
		{name: "unknown bucket user", setup: seedSetup, step: upd(`{"instance_id":"test","internal_bucket_user":[{"user_id":"z","ak":"n","sk":"n"}]}`),
			code: instCodeInvalid, msg: "fail to find the alter obj info"},
		{name: "same bucket keys", setup: seedSetup, step: upd(`{"instance_id":"test","internal_bucket_user":[{"user_id":"bucket_user_id_2","ak":"a2","sk":"s2"}]}`),
			code: instCodeInvalid, msg: eqErr},
		{name: "second bucket user fails, first is not applied", setup: seedSetup,
			step: upd(`{"instance_id":"test","internal_bucket_user":[{"user_id":"bucket_user_id_1","ak":"n","sk":"n"},{"user_id":"bucket_user_id_2","ak":"a2","sk":"s2"}]}`),
			code: instCodeInvalid, msg: eqErr},
		{name: "old obj info with two bucket users", setup: old,
			step: upd(`{"instance_id":"test","internal_bucket_user":[{"user_id":"u1","ak":"n","sk":"n"},{"user_id":"u2","ak":"n","sk":"n"}]}`),
			code: instCodeInvalid, msg: `fail to update old instance's obj_info, s3 obj info err {"instance_id":"test","internal_bucket_user":[{"user_id":"u1","ak":"n","sk":"n"},{"user_id":"u2","ak":"n","sk":"n"}]}`},
		{name: "old obj info with one bucket user", setup: old, step: upd(`{"instance_id":"test","internal_bucket_user":[{"user_id":"u1","ak":"n","sk":"m"}]}`),
			check: func(t *testing.T, e *testEnv) {
				o := objOpen(e, "test", 0)
				if o.UserID.Get() != "u1" || o.AK.Get() != "n" || o.SK.Get() != "m" {
					t.Fatalf("stored %s", dorispb.MarshalJSON(o))
				}
			}},
		{name: "old obj info same keys", setup: old, step: upd(`{"instance_id":"test","internal_bucket_user":[{"user_id":"u1","ak":"a1","sk":"s1"}]}`),
			code: instCodeInvalid, msg: eqErr},
	}
	instRun(t, cases)
}

func TestAlterRamUser(t *testing.T) {
	legacy := instStep{OpCreateInstance, instLegacy("i")}
	ram := func(body string) instStep { return instStep{OpAlterRamUser, body} }
	cases := []instCase{
		{name: "set", setup: []instStep{legacy}, step: ram(`{"instance_id":"i","ram_user":{"user_id":"u","ak":"a","sk":"s"}}`), check: func(t *testing.T, e *testEnv) {
			inst := e.instance("i")
			if strings.Contains(string(dorispb.MarshalJSON(inst.RamUser)), `"sk":"s"`) || inst.RamUser.EncryptionInfo == nil {
				t.Fatalf("stored %s", dorispb.MarshalJSON(inst.RamUser))
			}
			OpenMessage(e.svc.keys, inst)
			if got := string(dorispb.MarshalJSON(inst.RamUser)); got != `{"user_id":"u","ak":"a","sk":"s","encryption_info":{"encryption_method":"AES_256_ECB","key_id":"1"}}` {
				t.Fatalf("ram user %s", got)
			}
		}},
		{name: "replace", setup: []instStep{{OpCreateInstance, instLegacyRam("i")}}, step: ram(`{"instance_id":"i","ram_user":{"user_id":"u2","ak":"a","sk":"s"}}`)},
		{name: "no instance_id", step: ram(`{"ram_user":{"user_id":"u","ak":"a","sk":"s"}}`), code: instCodeInvalid, msg: "empty instance_id"},
		{name: "no ram user", step: ram(`{"instance_id":"i"}`), code: instCodeInvalid, msg: `ram user info err {"instance_id":"i"}`},
		{name: "ram user without sk", step: ram(`{"instance_id":"i","ram_user":{"user_id":"u","ak":"a","sk":""}}`), code: instCodeInvalid,
			msg: `ram user info err {"instance_id":"i","ram_user":{"user_id":"u","ak":"a","sk":""}}`},
		{name: "missing instance", step: ram(`{"instance_id":"i","ram_user":{"user_id":"u","ak":"a","sk":"s"}}`), code: instCodeGetErr,
			msg: "failed to get instance, instance_id=i err=KeyNotFound"},
		{name: "deleted", setup: []instStep{legacy, {OpAlterInstance, instAlter("i", "DROP")}}, step: ram(`{"instance_id":"i","ram_user":{"user_id":"u","ak":"a","sk":"s"}}`),
			code: instCodeNotFound, msg: "instance status has been set delete, plz check it"},
	}
	instRun(t, cases)
}

func TestAlterIam(t *testing.T) {
	iam := func(body string) instStep { return instStep{OpAlterIam, body} }
	first := iam(`{"account_id":"acct","ak":"k","sk":"s"}`)
	cases := []instCase{
		{name: "set", step: first, check: func(t *testing.T, e *testEnv) {
			for _, v := range instDump(e) {
				if strings.Contains(v, `"sk":"s"`) {
					t.Fatalf("arn_info stored in plaintext: %s", v)
				}
			}
		}},
		{name: "change sk", setup: []instStep{first}, step: iam(`{"account_id":"acct","ak":"k","sk":"s2"}`)},
		{name: "change account", setup: []instStep{first}, step: iam(`{"account_id":"acct2","ak":"k","sk":"s"}`)},
		{name: "same", setup: []instStep{first}, step: first, code: instCodeInvalid, msg: "already has the same arn info"},
		{name: "no account", step: iam(`{"ak":"k","sk":"s"}`), code: instCodeInvalid, msg: "invalid argument"},
		{name: "no ak", step: iam(`{"account_id":"a","sk":"s"}`), code: instCodeInvalid, msg: "invalid argument"},
		{name: "empty sk", step: iam(`{"account_id":"a","ak":"k","sk":""}`), code: instCodeInvalid, msg: "invalid argument"},
	}
	instRun(t, cases)
}

func TestGetObjStoreInfo(t *testing.T) {
	get := func(e *testEnv, cuid string) Reply {
		req := &dorispb.GetObjStoreInfoRequest{}
		if cuid != "" {
			req.CloudUniqueID.Set(cuid)
		}
		return e.read(func(t *Tx) Reply { return getObjStoreInfo(t, req) })
	}
	e := newTestEnv(t)
	wantErr(t, instDo(t, e, instStep{OpCreateInstance, instLegacy("regression_instance0")}), instCodeOK, "")
	wantErr(t, instDo(t, e, instStep{OpCreateInstance, instS3Vault("v", "COS")}), instCodeOK, "")
	wantErr(t, instDo(t, e, instStep{OpCreateInstance, instHDFS("h")}), instCodeOK, "")
	encInfo := `"encryption_info":{"encryption_method":"AES_256_ECB","key_id":"1"}`
	cases := []struct {
		name, cuid string
		code       dorispb.MetaServiceCode
		msg        string
		result     string
	}{
		{"no cloud_unique_id", "", instCodeInvalid, "cloud unique id not set", `{"status":{"code":"INVALID_ARGUMENT","msg":"cloud unique id not set"}}`},
		{"unresolvable", "1:nope:x", instCodeInvalid, "empty instance_id", `{"status":{"code":"INVALID_ARGUMENT","msg":"empty instance_id"}}`},
		{"legacy (seed example)", "1:regression_instance0:cloud_unique_id_compute_node1", instCodeOK, "",
			`{"status":{"code":"OK","msg":""},"obj_info":[{"ctime":"1700000000","mtime":"1700000000","id":"1","ak":"test-ak1","sk":"test-sk1",` +
				`"bucket":"test-bucket","prefix":"test-prefix","endpoint":"test-endpoint","region":"test-region","provider":"BOS",` +
				`"external_endpoint":"test-external-endpoint",` + encInfo + `,"sse_enabled":false}],"enable_storage_vault":false}`},
		{"s3 vault", "1:v:x", instCodeOK, "",
			`{"status":{"code":"OK","msg":""},"storage_vault":[{"id":"1","name":"built_in_storage_vault","obj_info":{"ctime":"1700000000",` +
				`"mtime":"1700000000","id":"1","ak":"ak_x","sk":"sk_x","bucket":"b","prefix":"p","endpoint":"e","region":"r","provider":"COS",` +
				`"external_endpoint":"ee",` + encInfo + `,"sse_enabled":true}}],"enable_storage_vault":true}`},
		{"hdfs vault", "1:h:x", instCodeOK, "",
			`{"status":{"code":"OK","msg":""},"storage_vault":[{"id":"1","name":"built_in_storage_vault","hdfs_info":{"build_conf":{` +
				`"fs_name":"hdfs://172.21.0.44:4007","user":"hadoop","hdfs_kerberos_principal":"hadoop/172.30.0.178@EMR-XXXYYY",` +
				`"hdfs_kerberos_keytab":"/etc/emr.keytab","hdfs_confs":[{"key":"hadoop.security.authentication","value":"kerberos"}]},` +
				`"prefix":"sample_prefix"}}],"enable_storage_vault":true}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(e, c.cuid)
			wantErr(t, r.Err, c.code, c.msg)
			if got := string(dorispb.MarshalJSON(r.Result)); got != c.result {
				t.Fatalf("result\n got %s\nwant %s", got, c.result)
			}
		})
	}

	t.Run("deleted instance still answers", func(t *testing.T) {
		wantErr(t, instDo(t, e, instStep{OpAlterInstance, instAlter("v", "DROP")}), instCodeOK, "")
		if r := get(e, "1:v:x"); r.Err != nil {
			t.Fatalf("get_obj_store_info on DELETED: %v", r.Err)
		}
	})
	t.Run("missing instance", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.EnableCheckInstanceID = false
		e := newTestEnvConfig(t, cfg)
		r := get(e, "1:nope:x")
		wantErr(t, r.Err, instCodeGetErr, "failed to get instance, instance_id=nope err=KeyNotFound")
		if got := string(dorispb.MarshalJSON(r.Result)); got != `{"status":{"code":"KV_TXN_GET_ERR","msg":"failed to get instance, instance_id=nope err=KeyNotFound"}}` {
			t.Fatalf("result %s", got)
		}
	})
	t.Run("undecryptable", func(t *testing.T) {
		e := newTestEnv(t)
		wantErr(t, instDo(t, e, instStep{OpCreateInstance, instLegacy("i")}), instCodeOK, "")
		instCorruptAK(t, e, "i")
		wantErr(t, get(e, "1:i:x").Err, dorispb.MetaServiceCode_ERR_DECPYPT, "failed to decrypt")
	})
}

// TestCredentialsThatLookSealed checks that a client cannot plant a value
// in the keyring's sealed format: it is stored sealed like any other and
// comes back verbatim.
func TestCredentialsThatLookSealed(t *testing.T) {
	e := newTestEnv(t)
	const ak, sk = "mh1:AAAA", "mh1:not-base64!"
	wantErr(t, instDo(t, e, instStep{OpCreateInstance, `{"instance_id":"i","obj_info":{"ak":"` + ak + `","sk":"` + sk +
		`","bucket":"b","endpoint":"e","external_endpoint":"e","region":"r","provider":"S3"},"ram_user":{"user_id":"u","ak":"` + ak + `","sk":"x"}}`}), instCodeOK, "")
	wantErr(t, instDo(t, e, objAdd(`{"ak":"`+ak+`","sk":"`+sk+`2","bucket":"b","prefix":"p","endpoint":"e","region":"r","provider":"S3","user_id":"bu"}`)), instCodeOK, "")
	wantErr(t, instDo(t, e, instStep{OpUpdateAkSk, `{"instance_id":"i","internal_bucket_user":[{"user_id":"bu","ak":"` + ak + `","sk":"` + sk + `3"}],` +
		`"ram_user":{"user_id":"u","ak":"` + ak + `","sk":"` + sk + `"}}`}), instCodeOK, "")
	wantErr(t, instDo(t, e, instStep{OpAlterIam, `{"account_id":"a","ak":"` + ak + `","sk":"` + sk + `"}`}), instCodeOK, "")
	r := e.read(func(t *Tx) Reply {
		return getObjStoreInfo(t, &dorispb.GetObjStoreInfoRequest{CloudUniqueID: dorispb.Some("1:i:x")})
	})
	wantErr(t, r.Err, instCodeOK, "")
	got := string(dorispb.MarshalJSON(r.Result))
	// The single bucket user also took over obj info 1, which had no
	// user_id.
	if strings.Count(got, `"ak":"mh1:AAAA","sk":"mh1:not-base64!3"`) != 2 {
		t.Fatalf("get_obj_store_info %s", got)
	}
	g := instGet(e, &dorispb.GetInstanceRequest{InstanceID: dorispb.Some("i")})
	wantErr(t, g.Err, instCodeOK, "")
	if got := string(dorispb.MarshalJSON(g.Result)); !strings.Contains(got, `"iam_user":{"user_id":"a","ak":"mh1:AAAA","sk":"******"`) {
		t.Fatalf("get_instance %s", got)
	}
}
