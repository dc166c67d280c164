package dorispb

import (
	"strings"
	"testing"
)

// TestByteSize compares with sizes computed by hand from the wire format.
func TestByteSize(t *testing.T) {
	tests := []struct {
		name string
		msg  Message
		want int
	}{
		{"empty", &ObjectStoreInfoPB{}, 0},
		{
			// ak,sk: 1+1+2 each; bucket,prefix,endpoint,region: 1+1+1 each; provider: 1+1.
			"plain obj",
			&ObjectStoreInfoPB{AK: Some("ak"), SK: Some("sk"), Bucket: Some("b"), Prefix: Some("p"), Endpoint: Some("e"), Region: Some("r"), Provider: Some(ObjectStoreInfoPB_S3)},
			22,
		},
		{
			// ctime 1+5; provider -1: 1+10; encryption_info 1+1+(13+2);
			// use_path_style 2+1; cred_provider_type 2+1; role_arn 2+1+3.
			"two-byte tags, negative enum, nested",
			&ObjectStoreInfoPB{
				Ctime: Some(int64(1733650571)), Provider: Some(ObjectStoreInfoPB_UNKONWN),
				EncryptionInfo: &EncryptionInfoPB{EncryptionMethod: Some("AES_256_ECB"), KeyID: Some(int64(1))},
				UsePathStyle:   Some(false), CredProviderType: Some(CredProviderTypePB_INSTANCE_PROFILE), RoleArn: Some("arn"),
			},
			46,
		},
		{"unknown enum values", &ObjectStoreInfoPB{unknown: unknownFields{{num: 10, val: 99}, {num: 10, val: -5}}}, 2 + 11},
		{"long string", &ObjectStoreInfoPB{AK: Some(strings.Repeat("a", 1000)), SK: Some(strings.Repeat("s", 18))}, 1003 + 20},
		{"map entry", &ClusterPB{Properties: map[string]string{"k": "vv"}}, 9},
		{"empty map value", &ClusterPB{Properties: map[string]string{"": ""}}, 6},
		{"repeated int64", &TabletCompactionJobPB{InputVersions: []int64{1, 300}}, 5},
		{"repeated message", &ClusterPB{Nodes: []*NodeInfoPB{{IP: Some("1.2.3.4"), HeartbeatPort: Some(int32(9050))}}}, 14},
		{"negative int32 and int64", &NodeInfoPB{HeartbeatPort: Some(int32(-1)), Ctime: Some(int64(-1))}, 22},
		{"bytes", &KeyBoundsPB{MinKey: Some([]byte{1, 2, 3}), MaxKey: Some([]byte{})}, 5 + 2},
	}
	for _, tc := range tests {
		if got := ByteSize(tc.msg); got != tc.want {
			t.Errorf("%s: ByteSize = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestByteSizeAddObjInfoLimit exercises the 1024-byte check of add_obj_info
// (spec §6.2) on an obj parsed from a request body.
func TestByteSizeAddObjInfoLimit(t *testing.T) {
	for _, tc := range []struct {
		akLen int
		want  int
	}{
		// ak 1+2+n, sk 1+1+2, bucket 1+1+1, provider 1+1
		{998, 1001 + 4 + 3 + 2},
		{1000, 1003 + 4 + 3 + 2},
	} {
		body := `{"cloud_unique_id":"1:i:x","obj":{"ak":"` + strings.Repeat("a", tc.akLen) + `","sk":"sk","bucket":"b","provider":"COS","bogus":1}}`
		var req AlterObjStoreInfoRequest
		if err := Unmarshal([]byte(body), &req); err != nil {
			t.Fatal(err)
		}
		if got := ByteSize(req.Obj); got != tc.want {
			t.Errorf("ak len %d: ByteSize = %d, want %d", tc.akLen, got, tc.want)
		}
	}
}
