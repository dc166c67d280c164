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

// bucketName is COS's `<name>-<appid>`: a name of lowercase letters, digits
// and '-', then '-' and the numeric APPID.
var bucketName = regexp.MustCompile(`^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)-([0-9]{1,20})$`)

// region is a COS region such as ap-guangzhou or ap-shanghai-fsi.
var region = regexp.MustCompile(`^[a-z]+(-[a-z0-9]+)+$`)

// cosEndpoint matches cos.<region>.myqcloud.com and
// cos-internal.<region>.myqcloud.com.
var cosEndpoint = regexp.MustCompile(`^cos(?:-internal)?\.([a-z0-9-]+)\.(?:myqcloud|tencentcos)\.com$`)

// rules returns Tencent COS's rules. allowPathStyle is the test mode.
func rules(allowPathStyle bool) s3core.Rules {
	return s3core.Rules{
		Name: "cos", Provider: "COS", Version: Version, Check: check,
		VirtualHosted: true, AllowPathStyle: allowPathStyle,
		PathStyleErr: "COS buckets are addressed virtual-hosted style; use_path_style is not supported",
	}
}

// check applies COS's rules: bucket `<name>-<appid>` (name at most 50
// characters), a region name and a COS endpoint in that region (s3core
// refuses path-style addressing).
func check(o *provider.ObjInfo) error {
	m := bucketName.FindStringSubmatch(o.Bucket)
	if m == nil {
		return fmt.Errorf("bucket %q is not a COS bucket <name>-<appid> (lowercase letters, digits and '-', then '-' and the numeric APPID)", o.Bucket)
	}
	if len(m[1]) > 50 {
		return fmt.Errorf("bucket %q: the name before the APPID is longer than 50 characters", o.Bucket)
	}
	if !region.MatchString(o.Region) {
		return fmt.Errorf("region %q is not a COS region (e.g. ap-guangzhou)", o.Region)
	}
	host := s3core.EndpointHost(o.Endpoint)
	if strings.HasSuffix(host, ".myqcloud.com") || strings.HasSuffix(host, ".tencentcos.com") {
		e := cosEndpoint.FindStringSubmatch(host)
		if e == nil {
			return fmt.Errorf("endpoint %q is not cos.<region>.myqcloud.com", o.Endpoint)
		}
		if e[1] != o.Region {
			return fmt.Errorf("endpoint %q is in region %q, not %q", o.Endpoint, e[1], o.Region)
		}
	}
	return nil
}
