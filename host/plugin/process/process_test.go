package process

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	sdkprocess "github.com/metahost/metahost/sdk/process"
)

// hostileBinary builds testdata/hostile once per test binary.
var hostileBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "metahost-hostile-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "hostile")
	out, err := exec.Command("go", "build", "-o", bin, "./testdata/hostile").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build hostile plugin: %v\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := hostileBinary(); err == nil {
		os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

// logBuffer collects the host's log lines (plugin stderr arrives there).
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func fileSHA(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hostileSpec(t testing.TB) Spec {
	t.Helper()
	bin, err := hostileBinary()
	if err != nil {
		t.Fatal(err)
	}
	return Spec{
		Name: "hostile", Kind: "validator",
		Path: bin, SHA256: fileSHA(t, bin),
		RunDir:      t.TempDir(),
		CallTimeout: 2 * time.Second,
		Breaker:     BreakerConfig{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond},
	}
}

func start(t testing.TB, spec Spec) (*Plugin, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	p, err := Start(context.Background(), spec, hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Debug}))
	if err != nil {
		t.Fatalf("start: %v\nlogs:\n%s", err, logs)
	}
	t.Cleanup(func() { p.Close() })
	return p, logs
}

// poll retries fn until it succeeds or 10 s pass.
func poll(t *testing.T, what string, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCallAndDescribe(t *testing.T) {
	p, _ := start(t, hostileSpec(t))
	if d := p.Description(); d.Name != "hostile" || d.Kind != "validator" || d.Version != "1.0.0" {
		t.Errorf("description %+v", d)
	}
	out, err := p.Call(context.Background(), "echo", []byte("hello"))
	if err != nil || string(out) != "hello" {
		t.Fatalf("echo: %q %v", out, err)
	}
	// A refusal by the plugin reaches the caller as the plugin's error, and
	// is no failure of the plugin.
	_, err = p.Call(context.Background(), "fail", []byte("x"))
	var pe *sdkprocess.Error
	if !errors.As(err, &pe) || pe.Code != "INVALID_ARGUMENT" || pe.Message != "refused: x" {
		t.Fatalf("fail: %v", err)
	}
	if err := p.Health(); err != nil {
		t.Errorf("health: %v", err)
	}
	st := p.Stats()
	if st.Calls != 2 || st.Errors != 1 || st.Restarts != 0 || st.P50 <= 0 || st.P99 < st.P50 {
		t.Errorf("stats %+v", st)
	}
}

// TestGOMAXPROCS checks a plugin runs with one P unless its env says otherwise.
func TestGOMAXPROCS(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"default", nil, "1"},
		{"default with other env", []string{"HOSTILE_NAME=hostile"}, "1"},
		{"env wins", []string{"GOMAXPROCS=2"}, "2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := hostileSpec(t)
			spec.Env = tc.env
			p, _ := start(t, spec)
			out, err := p.Call(context.Background(), "gomaxprocs", nil)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("GOMAXPROCS = %s, want %s", out, tc.want)
			}
		})
	}
}

func TestStartRefusals(t *testing.T) {
	base := hostileSpec(t)
	tampered := filepath.Join(t.TempDir(), "hostile")
	b, err := os.ReadFile(base.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tampered, append(b, 0), 0o700); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		adjust func(*Spec)
		want   string
		is     error
	}{
		{"wrong sha256", func(s *Spec) { s.SHA256 = strings.Repeat("0", 64) }, "does not match its sha256", ErrChecksum},
		{"malformed sha256", func(s *Spec) { s.SHA256 = "abc" }, "not 64 hex digits", ErrChecksum},
		{"binary changed after pinning", func(s *Spec) { s.Path = tampered }, "does not match its sha256", ErrChecksum},
		{"missing binary", func(s *Spec) { s.Path = filepath.Join(t.TempDir(), "nope") }, "no such file", nil},
		{"stdout before the handshake", func(s *Spec) { s.Env = []string{"HOSTILE_NOISY_START=1"} }, "start plugin hostile", nil},
		{"name differs from the catalog", func(s *Spec) { s.Env = []string{"HOSTILE_NAME=impostor"} }, `describes itself as validator "impostor"`, nil},
		{"kind differs from the catalog", func(s *Spec) { s.Kind = "policy" }, "the catalog says policy", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := base
			spec.RunDir = t.TempDir()
			tc.adjust(&spec)
			p, err := Start(context.Background(), spec, hclog.NewNullLogger())
			if err == nil {
				p.Close()
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}
}

func TestCrashRestarts(t *testing.T) {
	p, logs := start(t, hostileSpec(t))
	first := p.PID()
	_, err := p.Call(context.Background(), "crash", nil)
	if err == nil || !strings.Contains(err.Error(), "crashed") {
		t.Fatalf("crash: %v", err)
	}
	poll(t, "a call after the crash", func() error {
		out, err := p.Call(context.Background(), "echo", []byte("again"))
		if err == nil && string(out) != "again" {
			return fmt.Errorf("echo answered %q", out)
		}
		return err
	})
	if p.PID() == first || p.PID() == 0 {
		t.Errorf("pid %d after restart, was %d", p.PID(), first)
	}
	if st := p.Stats(); st.Restarts != 1 {
		t.Errorf("restarts %d, want 1", st.Restarts)
	}
	if !strings.Contains(logs.String(), "restarting") {
		t.Errorf("no restart in the log:\n%s", logs)
	}
}

func TestHangIsKilledAtTheDeadline(t *testing.T) {
	p, _ := start(t, hostileSpec(t))
	first := p.PID()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := p.Call(ctx, "hang", nil)
	if err == nil || !strings.Contains(err.Error(), "did not answer within its deadline") {
		t.Fatalf("hang: %v", err)
	}
	// The stuck process was killed; the next call gets a new one.
	poll(t, "the stuck process to be gone", func() error {
		if syscall.Kill(first, 0) == nil && processState(first) != "Z" {
			return fmt.Errorf("pid %d still alive", first)
		}
		return nil
	})
	out, err := p.Call(context.Background(), "echo", []byte("fresh"))
	if err != nil || string(out) != "fresh" {
		t.Fatalf("echo after the hang: %q %v", out, err)
	}
}

// processState returns the state letter of a process from /proc ("" if
// unknown), to tell a zombie from a live process.
func processState(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2 : i+3]
	}
	return ""
}

func TestStdoutAfterTheHandshakeIsHarmless(t *testing.T) {
	p, _ := start(t, hostileSpec(t))
	for i := 0; i < 3; i++ {
		if out, err := p.Call(context.Background(), "stdout", []byte("ok")); err != nil || string(out) != "ok" {
			t.Fatalf("call %d: %q %v", i, out, err)
		}
	}
}

func TestBreakerTripsAndRecovers(t *testing.T) {
	spec := hostileSpec(t)
	spec.Breaker.Failures = 2
	spec.Breaker.Cooldown = time.Hour
	p, logs := start(t, spec)
	now := time.Now()
	var clockMu sync.Mutex
	p.mu.Lock()
	p.now = func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	p.mu.Unlock()

	for i := 0; i < 2; i++ {
		poll(t, "a crashing call", func() error {
			_, err := p.Call(context.Background(), "crash", nil)
			if err == nil || !strings.Contains(err.Error(), "crashed") {
				return fmt.Errorf("crash %d: %v", i, err)
			}
			return nil
		})
	}
	_, err := p.Call(context.Background(), "echo", nil)
	if !errors.Is(err, ErrDisabled) {
		t.Fatalf("call with the breaker open: %v", err)
	}
	st := p.Stats()
	if !st.Disabled || st.BreakerTrips != 1 {
		t.Errorf("stats %+v", st)
	}
	if !strings.Contains(logs.String(), "circuit breaker open") {
		t.Errorf("no breaker line in the log")
	}
	clockMu.Lock()
	now = now.Add(time.Hour + time.Second)
	clockMu.Unlock()
	if out, err := p.Call(context.Background(), "echo", []byte("back")); err != nil || string(out) != "back" {
		t.Fatalf("after the cool-down: %q %v", out, err)
	}
	if p.Stats().Disabled {
		t.Error("still disabled after the cool-down")
	}
}

func TestCloseKillsTheProcessGroup(t *testing.T) {
	p, _ := start(t, hostileSpec(t))
	out, err := p.Call(context.Background(), "spawn", nil)
	if err != nil {
		t.Fatal(err)
	}
	child, err := strconv.Atoi(string(out))
	if err != nil {
		t.Fatal(err)
	}
	pluginPID := p.PID()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range []int{pluginPID, child} {
		poll(t, fmt.Sprintf("pid %d to be gone", pid), func() error {
			if syscall.Kill(pid, 0) == nil && processState(pid) != "Z" && processState(pid) != "" {
				return fmt.Errorf("pid %d alive (state %q)", pid, processState(pid))
			}
			return nil
		})
	}
	if _, err := p.Call(context.Background(), "echo", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("call after close: %v", err)
	}
}

// BenchmarkRoundTrip measures one call through go-plugin (gRPC over a Unix
// socket with mutual TLS) to a plugin that echoes a small payload.
func BenchmarkRoundTrip(b *testing.B) {
	p, _ := start(b, hostileSpec(b))
	payload := []byte(`{"instance_id":"team_a_instance","op":"create_instance"}`)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := p.Call(ctx, "echo", payload); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportMedian(b, lat)
}

func reportMedian(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "median-µs")
}
