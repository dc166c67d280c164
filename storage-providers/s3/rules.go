package main

import (
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/storage-providers/internal/s3core"
)

// Version is the provider's version.
const Version = "1.0.0"

// bucketName is S3's general-purpose bucket naming rule.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// awsEndpoint matches s3.<region>.amazonaws.com and its variants
// (s3-<region>, s3.dualstack.<region>), capturing the region.
var awsEndpoint = regexp.MustCompile(`^s3[.-](?:dualstack\.)?([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$`)

// rules returns the AWS S3 (and S3-compatible stores) rules.
func rules() s3core.Rules {
	return s3core.Rules{Name: "s3", Provider: "S3", Version: Version, Check: check}
}

// check applies S3's own rules: bucket naming, and an AWS endpoint that
// names a region must name the configured one.
func check(o *provider.ObjInfo) error {
	if !bucketName.MatchString(o.Bucket) || strings.Contains(o.Bucket, "..") || net.ParseIP(o.Bucket) != nil {
		return fmt.Errorf("bucket %q breaks S3 naming (3-63 lowercase letters, digits, '.', '-'; starts and ends alphanumeric; not an IP address)", o.Bucket)
	}
	if m := awsEndpoint.FindStringSubmatch(s3core.EndpointHost(o.Endpoint)); m != nil && m[1] != o.Region {
		return fmt.Errorf("endpoint %q is in region %q, not %q", o.Endpoint, m[1], o.Region)
	}
	return nil
}
