// Command s3 is metahost's storage-vault provider for Amazon S3 and
// S3-compatible stores (MinIO, Ceph RGW, ...), a go-plugin process the host
// starts from its plugins directory. Endpoints are host[:port] without a
// scheme; addressing is virtual-hosted unless use_path_style is set; objects
// are written with SSE-S3 when the vault has sse_enabled.
package main

import (
	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/storage-providers/internal/s3core"
)

func main() { provider.Serve(s3core.New(rules())) }
