package main

import (
	"testing"

	"github.com/metahost/metahost/sdk/plugintest"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/sizebased"
)

// TestWasmPlugin builds this plugin to wasm, runs every SIZE_BASED vector of spec §7.1 through it
// and the plugin contract against the native sizebased policy.
func TestWasmPlugin(t *testing.T) {
	wasm := plugintest.Build(t, ".")
	t.Run("vectors", func(t *testing.T) { plugintest.RunVectors(t, wasm, policy.NameSizeBased) })
	t.Run("contract", func(t *testing.T) {
		plugintest.PolicyContract(t, wasm, func(cfg *policy.Config) policy.Policy { return sizebased.New(cfg) },
			plugintest.VectorCases(policy.NameSizeBased))
	})
}
