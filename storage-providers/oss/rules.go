package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/storage-providers/internal/s3core"
)

// Version is the provider's version.
const Version = "1.0.0"

// bucketName is OSS's rule: 3-63 lowercase letters, digits and '-',
// starting and ending with a letter or digit.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// region is an OSS region, given as cn-hangzhou or oss-cn-hangzhou.
var region = regexp.MustCompile(`^(?:oss-)?([a-z]+(?:-[a-z0-9]+)+)$`)

// ossEndpoint matches oss-<region>[-internal].aliyuncs.com.
var ossEndpoint = regexp.MustCompile(`^(?:s3\.)?oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$`)

// rules returns Alibaba Cloud OSS's rules. allowPathStyle is the test mode.
func rules(allowPathStyle bool) s3core.Rules {
	return s3core.Rules{
		Name: "oss", Provider: "OSS", Version: Version, Check: check,
		VirtualHosted: true, AllowPathStyle: allowPathStyle,
		PathStyleErr: "OSS only supports virtual-hosted style addressing; use_path_style must be false",
	}
}

// check applies OSS's rules: bucket naming, a region and an OSS endpoint in
// that region (s3core refuses path-style addressing, which OSS does not
// serve).
func check(o *provider.ObjInfo) error {
	if !bucketName.MatchString(o.Bucket) {
		return fmt.Errorf("bucket %q breaks OSS naming (3-63 lowercase letters, digits and '-', starting and ending with a letter or digit)", o.Bucket)
	}
	r := region.FindStringSubmatch(o.Region)
	if r == nil {
		return fmt.Errorf("region %q is not an OSS region (e.g. cn-hangzhou or oss-cn-hangzhou)", o.Region)
	}
	host := s3core.EndpointHost(o.Endpoint)
	if strings.HasSuffix(host, ".aliyuncs.com") {
		e := ossEndpoint.FindStringSubmatch(host)
		if e == nil {
			return fmt.Errorf("endpoint %q is not oss-<region>.aliyuncs.com", o.Endpoint)
		}
		if e[1] != r[1] {
			return fmt.Errorf("endpoint %q is in region %q, not %q", o.Endpoint, e[1], r[1])
		}
	}
	return nil
}
