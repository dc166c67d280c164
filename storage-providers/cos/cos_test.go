package main

import (
	"strings"
	"testing"

	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/storage-providers/internal/s3core"
	"github.com/metahost/metahost/storage-providers/internal/s3suite"
)

// minioProvider runs COS against MinIO in the path-style test mode.
var minioProvider = s3suite.Provider{Name: "cos", Enum: "COS", Bucket: "vault-1250000000", Region: "us-east-1",
	Env: []string{s3core.TestPathStyleEnv + "=1"}}

func good() *provider.ObjInfo {
	return &provider.ObjInfo{AK: "ak", SK: "sk", Bucket: "examplebucket-1250000000", Prefix: "p",
		Endpoint: "cos.ap-guangzhou.myqcloud.com", ExternalEndpoint: "cos.ap-guangzhou.myqcloud.com", Region: "ap-guangzhou", Provider: "COS"}
}

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		edit     func(o *provider.ObjInfo)
		testMode bool
		want     string
	}{
		{"good", func(*provider.ObjInfo) {}, false, ""},
		{"internal endpoint", func(o *provider.ObjInfo) { o.Endpoint = "cos-internal.ap-guangzhou.myqcloud.com" }, false, ""},
		{"fsi region", func(o *provider.ObjInfo) {
			o.Region, o.Endpoint = "ap-shanghai-fsi", "cos.ap-shanghai-fsi.myqcloud.com"
		}, false, ""},
		{"private endpoint", func(o *provider.ObjInfo) { o.Endpoint = "10.0.0.5:8080" }, false, ""},
		{"path style in test mode", func(o *provider.ObjInfo) { o.UsePathStyle = true }, true, ""},
		{"path style refused", func(o *provider.ObjInfo) { o.UsePathStyle = true }, false, "virtual-hosted"},
		{"no appid", func(o *provider.ObjInfo) { o.Bucket = "examplebucket" }, false, "<name>-<appid>"},
		{"appid not numeric", func(o *provider.ObjInfo) { o.Bucket = "example-bucket" }, false, "<name>-<appid>"},
		{"uppercase", func(o *provider.ObjInfo) { o.Bucket = "Example-1250000000" }, false, "<name>-<appid>"},
		{"name ends with dash", func(o *provider.ObjInfo) { o.Bucket = "example--1250000000" }, false, "<name>-<appid>"},
		{"name too long", func(o *provider.ObjInfo) { o.Bucket = strings.Repeat("a", 51) + "-1250000000" }, false, "longer than 50"},
		{"bad region", func(o *provider.ObjInfo) { o.Region = "Guangzhou" }, false, "not a COS region"},
		{"region mismatch", func(o *provider.ObjInfo) { o.Endpoint = "cos.ap-beijing.myqcloud.com" }, false, "is in region \"ap-beijing\""},
		{"not a cos endpoint", func(o *provider.ObjInfo) { o.Endpoint = "service.cos.myqcloud.com" }, false, "not cos.<region>.myqcloud.com"},
		{"scheme", func(o *provider.ObjInfo) { o.Endpoint = "https://cos.ap-guangzhou.myqcloud.com" }, false, "scheme"},
		{"wrong provider", func(o *provider.ObjInfo) { o.Provider = "OSS" }, false, "not served"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good()
			tc.edit(o)
			s3suite.CheckRule(t, s3core.New(rules(tc.testMode)), o, tc.want)
		})
	}
}

func TestConformanceMinIO(t *testing.T) { s3suite.Conformance(t, minioProvider) }
