// Command oss is metahost's storage-vault provider for Alibaba Cloud OSS, a
// go-plugin process speaking OSS's S3-compatible API. Endpoints are
// oss-<region>.aliyuncs.com without a scheme; addressing is virtual-hosted,
// as OSS requires (path style only in the test mode that
// METAHOST_PROVIDER_TEST_PATH_STYLE=1 enables, to run against MinIO).
package main

import (
	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/storage-providers/internal/s3core"
)

func main() { provider.Serve(s3core.New(rules(s3core.PathStyleTestMode()))) }
