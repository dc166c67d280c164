// Package process runs metahost's out-of-process plugins: go-plugin
// binaries speaking the sdk/process protocol over gRPC with AutoMTLS.
//
// A Plugin supervises one binary. It pins the binary by sha256 (checked on a
// private, content-addressed copy, so the bytes hashed are the bytes run),
// starts it in its own process group, routes its stderr through hclog under
// the plugin's name, and turns every failure into an error for the caller:
// a crash restarts the process (with exponential back-off), a call that
// overruns its deadline kills it, and a plugin that keeps failing is
// disabled by a circuit breaker until a cool-down passes.
package process

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	sdkprocess "github.com/metahost/metahost/sdk/process"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Spec says what to run.
type Spec struct {
	// Name and Kind must match what the plugin describes itself as.
	Name, Kind string
	// Path is the plugin binary; SHA256 its pinned hex digest.
	Path, SHA256 string
	// Args are extra command-line arguments; Env the whole environment the
	// plugin sees (the host's environment is not inherited). Unless Env sets
	// GOMAXPROCS, the plugin runs with GOMAXPROCS=1 (see pluginEnv).
	Args, Env []string
	// RunDir holds the content-addressed copies of binaries.
	RunDir string
	// StartTimeout bounds the handshake (default 10 s); CallTimeout bounds a
	// call whose context has no earlier deadline (default 5 s).
	StartTimeout, CallTimeout time.Duration
	// Breaker configures the circuit breaker (zero value: defaults).
	Breaker BreakerConfig
}

// BreakerConfig configures the circuit breaker and restart back-off.
type BreakerConfig struct {
	// Failures is how many consecutive failed calls open the breaker
	// (default 5).
	Failures int
	// Cooldown is how long an open breaker refuses calls (default 30 s).
	Cooldown time.Duration
	// MinBackoff and MaxBackoff bound the delay between restarts (defaults
	// 100 ms and 10 s).
	MinBackoff, MaxBackoff time.Duration
}

func (c *BreakerConfig) defaults() {
	if c.Failures <= 0 {
		c.Failures = 5
	}
	if c.Cooldown <= 0 {
		c.Cooldown = 30 * time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 100 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 10 * time.Second
	}
}

// Errors callers can test for with errors.Is.
var (
	// ErrChecksum: the binary does not match its pinned sha256.
	ErrChecksum = errors.New("plugin binary does not match its sha256")
	// ErrDisabled: the circuit breaker is open.
	ErrDisabled = errors.New("plugin disabled by its circuit breaker")
	// ErrClosed: the plugin was closed.
	ErrClosed = errors.New("plugin closed")
)

// Plugin is one supervised plugin process.
type Plugin struct {
	spec   Spec
	logger hclog.Logger
	binary string // the verified private copy
	now    func() time.Time

	mu          sync.Mutex
	client      *plugin.Client
	rpc         *sdkprocess.Client
	desc        sdkprocess.Description
	closed      bool
	failures    int       // consecutive failed calls
	openUntil   time.Time // breaker open until then
	backoff     time.Duration
	nextStart   time.Time // no restart before then
	lastFailure string

	stats *Stats
}

// Start verifies the binary, launches it and checks its description. The
// returned Plugin restarts the process as needed until Close.
func Start(ctx context.Context, spec Spec, logger hclog.Logger) (*Plugin, error) {
	if spec.StartTimeout <= 0 {
		spec.StartTimeout = 10 * time.Second
	}
	if spec.CallTimeout <= 0 {
		spec.CallTimeout = 5 * time.Second
	}
	spec.Breaker.defaults()
	bin, err := installCopy(spec.Path, spec.SHA256, spec.RunDir)
	if err != nil {
		return nil, err
	}
	p := &Plugin{
		spec:    spec,
		logger:  logger.Named(spec.Name),
		binary:  bin,
		now:     time.Now,
		backoff: spec.Breaker.MinBackoff,
		stats:   newStats(),
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.launchLocked(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// installCopy copies the binary into runDir/<sha256>/ while hashing it, and
// refuses it unless the digest is want. Hashing the copy and running the
// copy closes the window between check and exec that hashing the original
// would leave open.
func installCopy(path, want, runDir string) (string, error) {
	if len(want) != sha256.Size*2 {
		return "", fmt.Errorf("%w: pinned sha256 %q is not 64 hex digits", ErrChecksum, want)
	}
	src, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open plugin binary: %w", err)
	}
	defer src.Close()
	dir := filepath.Join(runDir, want)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create plugin dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".copy-*")
	if err != nil {
		return "", fmt.Errorf("copy plugin binary: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), src); err != nil {
		tmp.Close()
		return "", fmt.Errorf("copy plugin binary: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("copy plugin binary: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return "", fmt.Errorf("%w: %s has sha256 %s, pinned %s", ErrChecksum, path, got, want)
	}
	if err := os.Chmod(tmp.Name(), 0o500); err != nil {
		return "", fmt.Errorf("copy plugin binary: %w", err)
	}
	dst := filepath.Join(dir, filepath.Base(path))
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", fmt.Errorf("install plugin binary: %w", err)
	}
	return dst, nil
}

// pluginEnv is the environment a plugin process starts with: env, plus
// GOMAXPROCS=1 unless env sets GOMAXPROCS. A plugin call is a small request
// on one connection: with one P the plugin's gRPC reader, handler and writer
// goroutines run on one thread, where with more they hand each call across
// OS threads, a futex wake-up each. On a 2-core VM that took the median round
// trip from about 170 µs to 125 µs (BenchmarkRoundTrip). A plugin that needs
// more parallelism sets GOMAXPROCS in its env.
func pluginEnv(env []string) []string {
	for _, kv := range env {
		if strings.HasPrefix(kv, "GOMAXPROCS=") {
			return env
		}
	}
	return append(slices.Clip(env), "GOMAXPROCS=1")
}

// launchLocked starts a new process. A go-plugin Client is single-use, so
// every start makes a new one, with a new SecureConfig (a SecureConfig's
// hash cannot be reused).
func (p *Plugin) launchLocked(ctx context.Context) error {
	sum, _ := hex.DecodeString(p.spec.SHA256)
	cmd := exec.Command(p.binary, p.spec.Args...)
	cmd.Env = pluginEnv(p.spec.Env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  sdkprocess.Handshake(),
		VersionedPlugins: map[int]plugin.PluginSet{sdkprocess.ProtocolVersion: sdkprocess.PluginSet()},
		Cmd:              cmd,
		SecureConfig:     &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		StartTimeout:     p.spec.StartTimeout,
		GRPCDialOptions:  sdkprocess.DialOptions(),
		Logger:           p.logger,
	})
	fail := func(err error) error {
		killGroup(client)
		p.stats.restartFailed()
		return fmt.Errorf("start plugin %s: %w", p.spec.Name, err)
	}
	proto, err := client.Client()
	if err != nil {
		if errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
			err = fmt.Errorf("%w: %v", ErrChecksum, err)
		}
		return fail(err)
	}
	raw, err := proto.Dispense("metahost")
	if err != nil {
		return fail(err)
	}
	rpc := raw.(*sdkprocess.Client)
	dctx, cancel := context.WithTimeout(ctx, p.spec.CallTimeout)
	desc, minor, err := rpc.Describe(dctx)
	cancel()
	if err != nil {
		return fail(fmt.Errorf("describe: %w", err))
	}
	if desc.Name != p.spec.Name || desc.Kind != p.spec.Kind {
		return fail(fmt.Errorf("plugin describes itself as %s %q, the catalog says %s %q", desc.Kind, desc.Name, p.spec.Kind, p.spec.Name))
	}
	p.logger.Info("plugin started", "version", desc.Version, "protocol", fmt.Sprintf("%d.%d", sdkprocess.ProtocolVersion, minor), "pid", pid(client))
	p.client, p.rpc, p.desc = client, rpc, desc
	return nil
}

// pid returns the plugin's process id, or 0.
func pid(c *plugin.Client) int {
	if rc := c.ReattachConfig(); rc != nil {
		return rc.Pid
	}
	return 0
}

// killGroup ends the plugin and everything it started: go-plugin's Kill
// asks it to exit and then kills the direct child only.
func killGroup(c *plugin.Client) {
	id := pid(c)
	c.Kill()
	if id > 0 {
		_ = syscall.Kill(-id, syscall.SIGKILL)
	}
}

// Description returns what the running plugin said about itself.
func (p *Plugin) Description() sdkprocess.Description {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.desc
}

// Call runs one operation. It restarts a dead process first (unless its
// back-off has not passed), fails fast while the breaker is open, and kills
// the process when the call overruns its deadline.
func (p *Plugin) Call(ctx context.Context, method string, payload []byte) ([]byte, error) {
	rpc, err := p.ready(ctx)
	if err != nil {
		p.stats.record(0, err)
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.spec.CallTimeout)
		defer cancel()
	}
	start := time.Now()
	out, err := rpc.Call(ctx, method, payload)
	elapsed := time.Since(start)
	var pe *sdkprocess.Error
	switch {
	case err == nil || errors.As(err, &pe):
		// The plugin answered: healthy, whatever the answer.
		p.succeeded()
	default:
		err = p.failed(rpc, err)
	}
	p.stats.record(elapsed, err)
	return out, err
}

// ready returns a live client, restarting the process if it exited.
func (p *Plugin) ready(ctx context.Context) (*sdkprocess.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, fmt.Errorf("plugin %s: %w", p.spec.Name, ErrClosed)
	}
	now := p.now()
	if now.Before(p.openUntil) {
		return nil, fmt.Errorf("plugin %s: %w until %s (last failure: %s)", p.spec.Name, ErrDisabled, p.openUntil.Format(time.RFC3339), p.lastFailure)
	}
	if p.client != nil && !p.client.Exited() {
		return p.rpc, nil
	}
	if now.Before(p.nextStart) {
		return nil, fmt.Errorf("plugin %s exited; next restart in %s", p.spec.Name, p.nextStart.Sub(now).Round(time.Millisecond))
	}
	if p.client != nil {
		killGroup(p.client)
		p.client, p.rpc = nil, nil
		p.logger.Warn("plugin process exited; restarting", "backoff", p.backoff)
	}
	p.stats.restarted()
	if err := p.launchLocked(ctx); err != nil {
		p.nextStart = now.Add(p.backoff)
		p.backoff = min(2*p.backoff, p.spec.Breaker.MaxBackoff)
		p.noteFailureLocked(err)
		return nil, err
	}
	return p.rpc, nil
}

func (p *Plugin) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failures = 0
	p.backoff = p.spec.Breaker.MinBackoff
}

// failed classifies a transport failure. A deadline overrun means the
// plugin may be stuck: its process is killed so the next call starts a
// fresh one.
func (p *Plugin) failed(rpc *sdkprocess.Client, err error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	code := status.Code(err)
	switch {
	case code == codes.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded):
		err = fmt.Errorf("plugin %s did not answer within its deadline: %w", p.spec.Name, err)
		if p.rpc == rpc && p.client != nil {
			p.logger.Warn("killing plugin that overran its call deadline")
			killGroup(p.client)
		}
	case code == codes.Canceled:
		// The caller gave up; not the plugin's fault.
		return fmt.Errorf("plugin %s: %w", p.spec.Name, err)
	case code == codes.Unavailable:
		err = fmt.Errorf("plugin %s crashed or closed its connection: %w", p.spec.Name, err)
		// go-plugin notices the exit a moment later; do not hand the dead
		// connection to the next call meanwhile.
		if p.rpc == rpc && p.client != nil {
			killGroup(p.client)
		}
	default:
		err = fmt.Errorf("plugin %s: %w", p.spec.Name, err)
	}
	p.noteFailureLocked(err)
	return err
}

func (p *Plugin) noteFailureLocked(err error) {
	p.failures++
	p.lastFailure = err.Error()
	if p.failures >= p.spec.Breaker.Failures {
		p.openUntil = p.now().Add(p.spec.Breaker.Cooldown)
		p.failures = 0
		p.stats.tripped()
		p.logger.Error("circuit breaker open: plugin disabled", "cooldown", p.spec.Breaker.Cooldown, "last_failure", p.lastFailure)
	}
}

// Health reports whether the process is running and answers a health check.
func (p *Plugin) Health() error {
	p.mu.Lock()
	client := p.client
	p.mu.Unlock()
	if client == nil || client.Exited() {
		return fmt.Errorf("plugin %s is not running", p.spec.Name)
	}
	proto, err := client.Client()
	if err != nil {
		return err
	}
	return proto.Ping()
}

// disabled reports whether the breaker is open.
func (p *Plugin) disabled() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.now().Before(p.openUntil)
}

// Stats returns a snapshot of the plugin's counters.
func (p *Plugin) Stats() Snapshot { return p.stats.snapshot(p.disabled()) }

// PID returns the running process's id (0 if none).
func (p *Plugin) PID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil || p.client.Exited() {
		return 0
	}
	return pid(p.client)
}

// Close stops the process. Calls after Close fail with ErrClosed.
func (p *Plugin) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.client != nil {
		killGroup(p.client)
		p.client, p.rpc = nil, nil
	}
	return nil
}
