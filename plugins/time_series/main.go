// Command time_series is the TIME_SERIES compaction policy (spec doris-compaction.md §4.4) as a
// metahost wasm plugin. It runs sdk/policy/timeseries unchanged.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o bin/plugins/time_series.wasm ./plugins/time_series
package main

import (
	"github.com/metahost/metahost/sdk/guest"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/timeseries"
)

// Version is the plugin version reported by plugin_describe.
const Version = "1.0.0"

func init() {
	guest.RegisterPolicy(guest.Info{Name: policy.NameTimeSeries, Version: Version},
		func(cfg *policy.Config) policy.Policy { return timeseries.New(cfg) })
}

func main() {}
