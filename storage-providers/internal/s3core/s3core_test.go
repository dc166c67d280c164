package s3core

import (
	"context"
	"strings"
	"testing"

	"github.com/metahost/metahost/sdk/provider"
)

func TestCheckEndpoint(t *testing.T) {
	for _, tc := range []struct {
		ep string
		ok bool
	}{
		{"s3.amazonaws.com", true}, {"127.0.0.1:9000", true}, {"[::1]:9000", true}, {"minio", true}, {"a-b.c-d.example:443", true},
		{"", false}, {"http://x", false}, {"x/y", false}, {"x:0", false}, {"x:65536", false}, {"-x", false}, {"x..y", false},
		{"x y", false}, {"[::1]", false}, {"x:", false}, {"x:abc", false},
	} {
		if err := CheckEndpoint("endpoint", tc.ep); (err == nil) != tc.ok {
			t.Errorf("CheckEndpoint(%q) = %v", tc.ep, err)
		}
	}
}

// FuzzValidate: any object-store config is accepted or refused with
// INVALID_ARGUMENT carrying Doris's text, never a panic, and the secret
// key never appears in the error.
func FuzzValidate(f *testing.F) {
	f.Add("ak", "sk-secret-value", "bucket", "p", "s3.us-east-1.amazonaws.com", "", "us-east-1", "S3", "https", true)
	f.Add("", "", "", "", "http://x", "y:0", "", "cos", "ftp", false)
	s := New(Rules{Name: "s3", Provider: "S3", Version: "t"})
	f.Fuzz(func(t *testing.T, ak, sk, bucket, prefix, ep, ext, region, prov, scheme string, path bool) {
		cfg := &provider.Config{Obj: &provider.ObjInfo{AK: ak, SK: sk, Bucket: bucket, Prefix: prefix, Endpoint: ep,
			ExternalEndpoint: ext, Region: region, Provider: prov, Scheme: scheme, UsePathStyle: path}}
		err := s.Validate(context.Background(), cfg)
		if err == nil {
			return
		}
		if !provider.HasCode(err, provider.CodeInvalidArgument) || !strings.Contains(err.Error(), provider.S3ConfErr) {
			t.Fatalf("bad error %v", err)
		}
		others := strings.Join([]string{ak, bucket, prefix, ep, ext, region, prov, scheme}, "\x00")
		if len(sk) > 8 && strings.Contains(err.Error(), sk) && !strings.Contains(others, sk) {
			t.Fatalf("secret in error: %v", err)
		}
	})
}
