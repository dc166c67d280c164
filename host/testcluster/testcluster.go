// Package testcluster starts real metahost processes on 127.0.0.1 for
// end-to-end tests: it builds the binary once per test binary, picks free
// ports, runs nodes with their logs captured to files, forms clusters, and
// talks to the nodes over their HTTP APIs.
//
// Every wait in the package is a poll with a deadline, every process it
// starts is killed by a t.Cleanup, and a failing test gets the tail of each
// node's log in its output.
//
//	c := testcluster.Start(t, 3, testcluster.Options{})
//	leader, err := c.WaitLeader(ctx)
//	res, err := c.Node(2).Put(ctx, "k", []byte("v")) // forwarded to the leader
//
// Set METAHOST_E2E_RACE=1 to build the binary with the race detector; a node
// that reports a race then exits with status 66 and the test fails.
package testcluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ModulePath is the import path of the metahost module.
const ModulePath = "github.com/metahost/metahost"

// MainPackage is the import path of the metahost command built by Build.
const MainPackage = ModulePath + "/cmd/metahost"

// raceEnv names the environment variable that builds the binary with -race.
const raceEnv = "METAHOST_E2E_RACE"

// buildResult is the outcome of the one build per test binary.
type buildResult struct {
	path string
	err  error
}

// buildOnce builds the binary at most once per test binary. It is the only
// package-level state: the build is a property of the test process, not of
// one test.
var buildOnce = sync.OnceValue(buildBinary)

// Build returns the path of a metahost binary built from this checkout. The
// first call builds it (a few seconds with a warm build cache); later calls in
// the same test binary return the same path. A build failure fails t.
//
// The binary goes to a per-user directory under os.TempDir() named after the
// module root, written to a temporary name and renamed into place, so
// concurrent test binaries (go test ./... runs packages in parallel) never see
// a half-written file and repeated runs do not pile up copies.
func Build(t testing.TB) string {
	t.Helper()
	r := buildOnce()
	if r.err != nil {
		t.Fatalf("testcluster: build metahost: %v", r.err)
	}
	return r.path
}

func buildBinary() buildResult {
	root, err := moduleRoot()
	if err != nil {
		return buildResult{err: err}
	}
	goBin, err := goTool()
	if err != nil {
		return buildResult{err: err}
	}
	race := os.Getenv(raceEnv) == "1"
	sum := sha256.Sum256([]byte(root))
	name := "metahost"
	if race {
		name += "-race"
	}
	dir := filepath.Join(os.TempDir(), "metahost-testcluster-"+strconv.Itoa(os.Getuid()), hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return buildResult{err: fmt.Errorf("create build dir: %w", err)}
	}
	tmp, err := os.CreateTemp(dir, name+".tmp-*")
	if err != nil {
		return buildResult{err: fmt.Errorf("create build output: %w", err)}
	}
	tmp.Close()
	defer os.Remove(tmp.Name())

	args := []string{"build", "-o", tmp.Name()}
	if race {
		args = append(args, "-race")
	}
	args = append(args, MainPackage)
	cmd := exec.Command(goBin, args...)
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return buildResult{err: fmt.Errorf("go %s in %s: %w\n%s", strings.Join(args, " "), root, err, out.Bytes())}
	}
	final := filepath.Join(dir, name)
	if err := os.Rename(tmp.Name(), final); err != nil {
		return buildResult{err: fmt.Errorf("install binary: %w", err)}
	}
	return buildResult{path: final}
}

// moduleRoot finds the directory of the metahost go.mod: from this source
// file's location when the build kept it (no -trimpath), else from the
// working directory, which for `go test` is a package inside the module.
func moduleRoot() (string, error) {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, start := range starts {
		for dir := start; ; dir = filepath.Dir(dir) {
			if isModuleRoot(dir) {
				return dir, nil
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return "", fmt.Errorf("cannot find the go.mod of %s above %v", ModulePath, starts)
}

func isModuleRoot(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(first) == "module "+ModulePath
}

// goTool returns the go command: the one on PATH, else the one in GOROOT.
func goTool() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("no go command on PATH or in GOROOT")
	}
	return p, nil
}

// FreePorts returns n distinct TCP ports that are free on 127.0.0.1 now.
//
// Ports are picked at random below the kernel's ephemeral range when there is
// room there, so a node that is stopped and restarted does not find its port
// taken by some process's outgoing connection in between; each candidate is
// checked by listening on it. All n stay bound until every one is found, so
// they are distinct.
func FreePorts(t testing.TB, n int) []int {
	t.Helper()
	ports, err := freePorts(n)
	if err != nil {
		t.Fatalf("testcluster: free ports: %v", err)
	}
	return ports
}

// Port range used by FreePorts when the ephemeral range leaves room below it.
const (
	lowPortFloor = 10000
	minLowPorts  = 2000
)

func freePorts(n int) ([]int, error) {
	lo, hi := lowPortFloor, ephemeralLow()-1
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for attempts := 0; len(ports) < n; attempts++ {
		addr := "127.0.0.1:0"
		if hi-lo >= minLowPorts && attempts < 50*n {
			addr = "127.0.0.1:" + strconv.Itoa(lo+rand.IntN(hi-lo+1))
		} else if attempts > 100*n {
			return nil, fmt.Errorf("found only %d of %d ports", len(ports), n)
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		held = append(held, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// ephemeralLow returns the lowest port the kernel hands to outgoing
// connections (Linux's ip_local_port_range; 32768 elsewhere).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	v, err := strconv.Atoi(f[0])
	if err != nil {
		return 32768
	}
	return v
}

// Poll calls cond every interval until it returns true, or returns an error
// naming what when ctx ends first. The last error cond returned, if any, is
// included so a timeout says why the condition never held.
func Poll(ctx context.Context, interval time.Duration, what string, cond func() (bool, error)) error {
	var last error
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			if last != nil {
				return fmt.Errorf("timed out waiting for %s: %w (last error: %w)", what, ctx.Err(), last)
			}
			return fmt.Errorf("timed out waiting for %s: %w", what, ctx.Err())
		case <-t.C:
		}
	}
}
