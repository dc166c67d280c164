package main

import (
	"context"
	"testing"

	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/storage-providers/internal/s3core"
	"github.com/metahost/metahost/storage-providers/internal/s3suite"
)

var minioProvider = s3suite.Provider{Name: "s3", Enum: "S3", Bucket: "metahost-s3", Region: "us-east-1"}

func good() *provider.ObjInfo {
	return &provider.ObjInfo{AK: "ak", SK: "sk", Bucket: "my-bucket", Prefix: "p", Endpoint: "s3.us-east-1.amazonaws.com",
		ExternalEndpoint: "s3.us-east-1.amazonaws.com", Region: "us-east-1", Provider: "S3"}
}

func TestRules(t *testing.T) {
	store := s3core.New(rules())
	for _, tc := range []struct {
		name string
		edit func(o *provider.ObjInfo)
		want string // "" = valid
	}{
		{"good", func(*provider.ObjInfo) {}, ""},
		{"path style allowed", func(o *provider.ObjInfo) { o.UsePathStyle = true }, ""},
		{"minio endpoint with port", func(o *provider.ObjInfo) { o.Endpoint = "127.0.0.1:9000" }, ""},
		{"ipv6 endpoint", func(o *provider.ObjInfo) { o.Endpoint = "[::1]:9000" }, ""},
		{"no external endpoint", func(o *provider.ObjInfo) { o.ExternalEndpoint = "" }, ""},
		{"lowercase provider", func(o *provider.ObjInfo) { o.Provider = "s3" }, ""},
		{"dots in bucket", func(o *provider.ObjInfo) { o.Bucket = "my.bucket.v1" }, ""},
		{"empty ak", func(o *provider.ObjInfo) { o.AK = "" }, "empty ak"},
		{"empty sk and region", func(o *provider.ObjInfo) { o.SK, o.Region = "", "" }, "empty sk, region"},
		{"empty bucket", func(o *provider.ObjInfo) { o.Bucket = "" }, "empty bucket"},
		{"empty endpoint", func(o *provider.ObjInfo) { o.Endpoint = "" }, "empty endpoint"},
		{"scheme in endpoint", func(o *provider.ObjInfo) { o.Endpoint = "https://s3.us-east-1.amazonaws.com" }, "must not carry a scheme"},
		{"path in endpoint", func(o *provider.ObjInfo) { o.Endpoint = "s3.amazonaws.com/x" }, "not host[:port]"},
		{"bad port", func(o *provider.ObjInfo) { o.Endpoint = "minio:99999" }, "bad port"},
		{"scheme in external endpoint", func(o *provider.ObjInfo) { o.ExternalEndpoint = "http://x" }, "external_endpoint"},
		{"bad scheme", func(o *provider.ObjInfo) { o.Scheme = "ftp" }, "scheme"},
		{"wrong provider", func(o *provider.ObjInfo) { o.Provider = "COS" }, "not served"},
		{"uppercase bucket", func(o *provider.ObjInfo) { o.Bucket = "MyBucket" }, "S3 naming"},
		{"short bucket", func(o *provider.ObjInfo) { o.Bucket = "ab" }, "S3 naming"},
		{"ip bucket", func(o *provider.ObjInfo) { o.Bucket = "192.168.1.1" }, "S3 naming"},
		{"double dot bucket", func(o *provider.ObjInfo) { o.Bucket = "a..b" }, "S3 naming"},
		{"region mismatch", func(o *provider.ObjInfo) { o.Endpoint = "s3.eu-west-1.amazonaws.com" }, "is in region \"eu-west-1\""},
		{"dualstack mismatch", func(o *provider.ObjInfo) { o.Endpoint = "s3.dualstack.eu-west-1.amazonaws.com" }, "region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good()
			tc.edit(o)
			s3suite.CheckRule(t, store, o, tc.want)
		})
	}
	if err := store.Validate(context.Background(), &provider.Config{HDFS: &provider.HDFSInfo{}}); !provider.HasCode(err, provider.CodeInvalidArgument) {
		t.Errorf("hdfs config: %v", err)
	}
}

func TestConformanceMinIO(t *testing.T)     { s3suite.Conformance(t, minioProvider) }
func TestDeletePrefix10kMinIO(t *testing.T) { s3suite.DeletePrefix10k(t, minioProvider) }
func TestKillMidOperation(t *testing.T)     { s3suite.KillMidOperation(t, minioProvider) }

func BenchmarkStatMinIO(b *testing.B)         { s3suite.BenchStat(b, minioProvider) }
func BenchmarkDeletePrefixMinIO(b *testing.B) { s3suite.BenchDeletePrefix(b, minioProvider) }
