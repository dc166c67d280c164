package main

import (
	"testing"

	"github.com/metahost/metahost/sdk/plugintest"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/timeseries"
)

// TestWasmPlugin builds this plugin to wasm, runs every TIME_SERIES vector of spec §7.2 through it
// and the plugin contract against the native timeseries policy.
func TestWasmPlugin(t *testing.T) {
	wasm := plugintest.Build(t, ".")
	t.Run("vectors", func(t *testing.T) { plugintest.RunVectors(t, wasm, policy.NameTimeSeries) })
	t.Run("contract", func(t *testing.T) {
		plugintest.PolicyContract(t, wasm, func(cfg *policy.Config) policy.Policy { return timeseries.New(cfg) },
			plugintest.VectorCases(policy.NameTimeSeries))
	})
}
