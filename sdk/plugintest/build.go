// Package plugintest lets a plugin author run the host's contract tests against a wasm plugin:
// Build compiles the plugin with the production flags (GOOS=wasip1 GOARCH=wasm
// -buildmode=c-shared), Load runs it in host/plugin's runtime with production limits, and
// PolicyContract / ValidatorContract check the ABI contract (describe, malformed input, memory
// stability, no faults) and compare every case with the native implementation of the same code.
package plugintest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/metahost/metahost/host/plugin"
)

// Build compiles the Go package pkg (an import path, or a directory relative to the test's working
// directory) to a wasm module and returns its bytes. ldflags are passed to -ldflags. The Go build
// cache makes repeated builds cheap.
func Build(tb testing.TB, pkg string, ldflags ...string) []byte {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "plugin.wasm")
	args := []string{"build", "-buildmode=c-shared", "-trimpath", "-o", out}
	if len(ldflags) > 0 {
		args = append(args, "-ldflags", strings.Join(ldflags, " "))
	}
	args = append(args, pkg)
	cmd := exec.Command(goTool(), args...)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("build %s for wasip1: %v\n%s", pkg, err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// SHA256 returns the hex sha256 of b, as the catalog pins it.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// CacheDir returns the compilation cache directory shared by test runs:
// $METAHOST_PLUGINTEST_CACHE, else <user cache dir>/metahost/plugintest-wazero (created 0700),
// else a temporary directory. Compiling a Go guest takes about a second, and close to a minute
// under -race; a warm cache makes it a few tens of milliseconds. wazero keys entries by the module's
// hash and its own version, and writes them atomically, so concurrent test processes may share it.
func CacheDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("METAHOST_PLUGINTEST_CACHE")
	if dir == "" {
		if base, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(base, "metahost", "plugintest-wazero")
		}
	}
	if dir != "" && os.MkdirAll(dir, 0o700) == nil {
		return dir
	}
	return tb.TempDir()
}

// NewRuntime returns a runtime with an on-disk compilation cache in cacheDir (CacheDir when
// empty), closed when the test ends.
func NewRuntime(tb testing.TB, cacheDir string) *plugin.Runtime {
	tb.Helper()
	if cacheDir == "" {
		cacheDir = CacheDir(tb)
	}
	rt, err := plugin.New(plugin.Config{CacheDir: cacheDir})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = rt.Close(context.Background()) })
	return rt
}

// Load loads wasm under name into rt with the given limits (production defaults when zero) and
// fails the test on error.
func Load(tb testing.TB, rt *plugin.Runtime, name string, wasm []byte, limits plugin.Limits) plugin.Info {
	tb.Helper()
	info, err := rt.Load(context.Background(), plugin.Spec{Name: name, Version: "test", Wasm: wasm, SHA256: SHA256(wasm), Limits: limits})
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	return info
}
