// Command size_based is the SIZE_BASED compaction policy (Doris' default cumulative policy, spec
// doris-compaction.md §4.3) as a metahost wasm plugin. It runs sdk/policy/sizebased unchanged.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o bin/plugins/size_based.wasm ./plugins/size_based
package main

import (
	"github.com/metahost/metahost/sdk/guest"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/sizebased"
)

// Version is the plugin version reported by plugin_describe.
const Version = "1.0.0"

func init() {
	guest.RegisterPolicy(guest.Info{Name: policy.NameSizeBased, Version: Version},
		func(cfg *policy.Config) policy.Policy { return sizebased.New(cfg) })
}

func main() {}
