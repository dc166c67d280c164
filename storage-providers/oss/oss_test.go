package main

import (
	"strings"
	"testing"

	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/storage-providers/internal/s3core"
	"github.com/metahost/metahost/storage-providers/internal/s3suite"
)

// minioProvider runs OSS against MinIO in the path-style test mode.
var minioProvider = s3suite.Provider{Name: "oss", Enum: "OSS", Bucket: "metahost-oss", Region: "us-east-1",
	Env: []string{s3core.TestPathStyleEnv + "=1"}}

func good() *provider.ObjInfo {
	return &provider.ObjInfo{AK: "ak", SK: "sk", Bucket: "examplebucket", Prefix: "p",
		Endpoint: "oss-cn-hangzhou.aliyuncs.com", ExternalEndpoint: "oss-cn-hangzhou.aliyuncs.com", Region: "cn-hangzhou", Provider: "OSS"}
}

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		edit     func(o *provider.ObjInfo)
		testMode bool
		want     string
	}{
		{"good", func(*provider.ObjInfo) {}, false, ""},
		{"oss- region", func(o *provider.ObjInfo) { o.Region = "oss-cn-hangzhou" }, false, ""},
		{"internal endpoint", func(o *provider.ObjInfo) { o.Endpoint = "oss-cn-hangzhou-internal.aliyuncs.com" }, false, ""},
		{"s3 compatible endpoint", func(o *provider.ObjInfo) { o.Endpoint = "s3.oss-cn-hangzhou.aliyuncs.com" }, false, ""},
		{"path style in test mode", func(o *provider.ObjInfo) { o.UsePathStyle = true }, true, ""},
		{"path style refused", func(o *provider.ObjInfo) { o.UsePathStyle = true }, false, "virtual-hosted"},
		{"region mismatch", func(o *provider.ObjInfo) { o.Endpoint = "oss-cn-beijing.aliyuncs.com" }, false, "is in region \"cn-beijing\""},
		{"not an oss endpoint", func(o *provider.ObjInfo) { o.Endpoint = "cn-hangzhou.aliyuncs.com" }, false, "not oss-<region>"},
		{"bad region", func(o *provider.ObjInfo) { o.Region = "hangzhou" }, false, "not an OSS region"},
		{"uppercase bucket", func(o *provider.ObjInfo) { o.Bucket = "Example" }, false, "OSS naming"},
		{"dot in bucket", func(o *provider.ObjInfo) { o.Bucket = "a.b.c" }, false, "OSS naming"},
		{"short bucket", func(o *provider.ObjInfo) { o.Bucket = "ab" }, false, "OSS naming"},
		{"dash end", func(o *provider.ObjInfo) { o.Bucket = "abc-" }, false, "OSS naming"},
		{"scheme", func(o *provider.ObjInfo) { o.Endpoint = "http://oss-cn-hangzhou.aliyuncs.com" }, false, "scheme"},
		{"empty region", func(o *provider.ObjInfo) { o.Region = "" }, false, "empty region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good()
			tc.edit(o)
			s3suite.CheckRule(t, s3core.New(rules(tc.testMode)), o, tc.want)
		})
	}
	if caps := s3core.New(rules(false)).Info().Capabilities; strings.Contains(strings.Join(caps, ","), provider.CapPathStyle) {
		t.Errorf("OSS reports path_style: %v", caps)
	}
}

func TestConformanceMinIO(t *testing.T) { s3suite.Conformance(t, minioProvider) }
