// Command cos is metahost's storage-vault provider for Tencent Cloud COS, a
// go-plugin process speaking COS's S3-compatible API. Buckets are named
// <name>-<appid>, endpoints are cos.<region>.myqcloud.com without a scheme,
// addressing is virtual-hosted (path style only in the test mode that
// METAHOST_PROVIDER_TEST_PATH_STYLE=1 enables, to run against MinIO).
package main

import (
	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/storage-providers/internal/s3core"
)

func main() { provider.Serve(s3core.New(rules(s3core.PathStyleTestMode()))) }
