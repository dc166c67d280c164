package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/sdk/provider/plugintest"
)

// TestConformance builds this provider, starts it the way the host does and
// runs the provider conformance suite against it.
func TestConformance(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "vaults"), 0o755); err != nil {
		t.Fatal(err)
	}
	bin := plugintest.Build(t, ".")
	p := plugintest.Start(t, bin, "localdir", []string{RootEnv + "=" + root})
	cfg := &provider.Config{Obj: &provider.ObjInfo{Bucket: "vaults", Prefix: "instance-1", Provider: "LOCALDIR"}}
	bad := &provider.Config{Obj: &provider.ObjInfo{Bucket: "no-such-dir", Prefix: "p"}}
	plugintest.Run(t, plugintest.Target{Call: p.Call, Config: cfg, BadCredentials: bad})
}
