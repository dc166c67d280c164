package testcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Bounds of the process lifecycle calls.
const (
	// StopTimeout bounds Stop: SIGTERM, then SIGKILL if the node has not
	// exited. metahost's graceful stop waits up to 10 s for requests and
	// hands leadership over, so this leaves room for both.
	StopTimeout = 20 * time.Second
	// killTimeout bounds the wait for a SIGKILLed process to be reaped.
	killTimeout = 10 * time.Second
	// readyTimeout bounds the wait for a started node to answer /v1/health.
	readyTimeout = 30 * time.Second
)

// Node is one metahost process. Its exported fields make up its command line;
// they may be changed before Start (for example to point a node at another
// node's data dir), and Restart reuses them unchanged.
type Node struct {
	// ID is the node's raft id (--node-id).
	ID uint64
	// HTTPAddr is the host:port of every HTTP surface (--http-addr).
	HTTPAddr string
	// RaftAddr is the host:port of the raft transport (--raft-addr).
	RaftAddr string
	// DataDir is the node's data directory (--data-dir).
	DataDir string
	// Join is the HTTP address of a member to join through (--join); empty
	// for the node that bootstraps the cluster.
	Join string
	// ConfigPath is a TOML config file (--config); empty for none.
	ConfigPath string
	// Token is the shared token (--token), also used by the HTTP helpers.
	Token string
	// LogLevel is the --log-level.
	LogLevel string
	// ExtraArgs are appended to the command line.
	ExtraArgs []string
	// LogPath is the file the process's stdout and stderr are appended to,
	// across restarts.
	LogPath string

	bin    string
	client *http.Client

	mu     sync.Mutex
	proc   *process
	starts int
}

// process is one run of a node's binary.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited and been reaped
	// Set before done closes:
	state   *os.ProcessState
	waitErr error
	// signalled is set when the harness stopped or killed the process, so
	// its exit is not reported as a crash.
	signalled bool
}

// Args returns the command line (without the binary) that Start runs.
func (n *Node) Args() []string {
	args := []string{"serve",
		"--node-id", strconv.FormatUint(n.ID, 10),
		"--data-dir", n.DataDir,
		"--http-addr", n.HTTPAddr,
		"--raft-addr", n.RaftAddr,
		"--token", n.Token,
	}
	if n.LogLevel != "" {
		args = append(args, "--log-level", n.LogLevel)
	}
	if n.ConfigPath != "" {
		args = append(args, "--config", n.ConfigPath)
	}
	if n.Join != "" {
		args = append(args, "--join", n.Join)
	}
	return append(args, n.ExtraArgs...)
}

// Binary returns the path of the metahost binary the node runs.
func (n *Node) Binary() string { return n.bin }

// Start launches the process. It returns once the process runs; use
// WaitReady to wait until it serves HTTP. Starting a running node is an
// error.
func (n *Node) Start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.proc != nil && !n.proc.exited() {
		return fmt.Errorf("node %d is already running (pid %d)", n.ID, n.proc.cmd.Process.Pid)
	}
	logf, err := os.OpenFile(n.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("node %d: open log: %w", n.ID, err)
	}
	defer logf.Close() // the child has its own descriptor
	n.starts++
	fmt.Fprintf(logf, "==== testcluster: start #%d of node %d at %s: %s %s\n",
		n.starts, n.ID, time.Now().Format(time.RFC3339Nano), n.bin, strings.Join(n.Args(), " "))
	cmd := exec.Command(n.bin, n.Args()...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = childEnv()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("node %d: start: %w", n.ID, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		p.state, p.waitErr = cmd.ProcessState, err
		close(p.done)
	}()
	n.proc = p
	return nil
}

// childEnv is the environment of a node: the test's, without the variables
// that would override the command line the harness chose.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "METAHOST_TOKEN=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (n *Node) current() *process {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.proc
}

// Running reports whether the node's process is alive.
func (n *Node) Running() bool {
	p := n.current()
	return p != nil && !p.exited()
}

// PID returns the process id of the current or last run (0: never started).
func (n *Node) PID() int {
	if p := n.current(); p != nil {
		return p.cmd.Process.Pid
	}
	return 0
}

// Exited returns a channel closed when the current run ends (already closed
// if the node is not running).
func (n *Node) Exited() <-chan struct{} {
	if p := n.current(); p != nil {
		return p.done
	}
	c := make(chan struct{})
	close(c)
	return c
}

// ExitStatus describes how the last run ended: "running", "never started",
// "exit status N" or "signal: killed".
func (n *Node) ExitStatus() string {
	p := n.current()
	switch {
	case p == nil:
		return "never started"
	case !p.exited():
		return "running"
	default:
		return p.state.String()
	}
}

// ExitCode returns the exit code of the last run, -1 if it is running, was
// never started or was ended by a signal.
func (n *Node) ExitCode() int {
	p := n.current()
	if p == nil || !p.exited() {
		return -1
	}
	return p.state.ExitCode()
}

// Wait waits until the current run exits or ctx ends.
func (n *Node) Wait(ctx context.Context) error {
	p := n.current()
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("node %d did not exit: %w", n.ID, ctx.Err())
	}
}

// Stop ends the node gracefully with SIGTERM and waits up to StopTimeout,
// then SIGKILLs it. It fails if the node had to be killed or exited with a
// non-zero status.
func (n *Node) Stop() error {
	p := n.current()
	if p == nil || p.exited() {
		return nil
	}
	n.mu.Lock()
	p.signalled = true
	n.mu.Unlock()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("node %d: SIGTERM: %w", n.ID, err)
	}
	select {
	case <-p.done:
	case <-time.After(StopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("node %d did not stop within %s after SIGTERM; killed it", n.ID, StopTimeout)
	}
	if !p.state.Success() {
		return fmt.Errorf("node %d: graceful stop ended with %s", n.ID, p.state)
	}
	return nil
}

// Kill ends the node with SIGKILL, as a crash would, and waits until the
// process is reaped.
func (n *Node) Kill() error {
	p := n.current()
	if p == nil || p.exited() {
		return nil
	}
	n.mu.Lock()
	p.signalled = true
	n.mu.Unlock()
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("node %d: SIGKILL: %w", n.ID, err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(killTimeout):
		return fmt.Errorf("node %d (pid %d) still not reaped %s after SIGKILL", n.ID, p.cmd.Process.Pid, killTimeout)
	}
}

// Restart stops the node gracefully if it runs, starts it again with the
// same command line and data dir, and waits until it serves HTTP.
func (n *Node) Restart(ctx context.Context) error {
	if err := n.Stop(); err != nil {
		return err
	}
	if err := n.Start(); err != nil {
		return err
	}
	return n.WaitReady(ctx)
}

// WaitReady waits until the node answers GET /v1/health with 200. It fails
// at once, with the tail of the log, if the process exits meanwhile. Without
// a deadline on ctx it waits at most 30 s.
func (n *Node) WaitReady(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, readyTimeout)
		defer cancel()
	}
	exited := n.Exited()
	return Poll(ctx, 20*time.Millisecond, fmt.Sprintf("node %d to serve on %s", n.ID, n.HTTPAddr), func() (bool, error) {
		select {
		case <-exited:
			return false, fmt.Errorf("node %d exited (%s) before serving; log tail:\n%s", n.ID, n.ExitStatus(), n.LogTail(30))
		default:
		}
		rctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		status, _, err := n.Do(rctx, http.MethodGet, "/v1/health", nil, nil)
		if err != nil {
			return false, err
		}
		return status == http.StatusOK, nil
	})
}

// RunResult is the outcome of a foreground run.
type RunResult struct {
	// ExitCode is the process's exit code (-1 if killed by a signal).
	ExitCode int
	// Stdout and Stderr are what the process wrote.
	Stdout, Stderr string
}

// Run runs the node's command line in the foreground until the process
// exits, for nodes expected to fail at startup. If ctx ends first the process
// is killed and Run returns an error. Output also goes to the log file.
func (n *Node) Run(ctx context.Context) (RunResult, error) {
	logf, err := os.OpenFile(n.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return RunResult{}, fmt.Errorf("node %d: open log: %w", n.ID, err)
	}
	defer logf.Close()
	fmt.Fprintf(logf, "==== testcluster: foreground run of node %d at %s: %s %s\n",
		n.ID, time.Now().Format(time.RFC3339Nano), n.bin, strings.Join(n.Args(), " "))
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, n.bin, n.Args()...)
	cmd.Stdout = io.MultiWriter(&stdout, logf)
	cmd.Stderr = io.MultiWriter(&stderr, logf)
	cmd.Env = childEnv()
	cmd.WaitDelay = killTimeout
	err = cmd.Run()
	res := RunResult{Stdout: stdout.String(), Stderr: stderr.String(), ExitCode: -1}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("node %d still running when %w; stderr:\n%s", n.ID, ctx.Err(), res.Stderr)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return res, fmt.Errorf("node %d: run: %w", n.ID, err)
	}
	return res, nil
}

// Log returns the whole log file.
func (n *Node) Log() string {
	b, err := os.ReadFile(n.LogPath)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	return string(b)
}

// LogTail returns the last lines lines of the log file.
func (n *Node) LogTail(lines int) string {
	return tail(n.Log(), lines)
}

func tail(s string, lines int) string {
	s = strings.TrimRight(s, "\n")
	i := len(s)
	for ; lines > 0 && i > 0; lines-- {
		j := strings.LastIndexByte(s[:i], '\n')
		if j < 0 {
			return s
		}
		i = j
	}
	if i >= len(s) {
		return ""
	}
	if s[i] == '\n' {
		i++
	}
	return s[i:]
}

// crashed reports an exit the harness did not cause: a panic, a fatal error
// or a race report.
func (n *Node) crashed() (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	p := n.proc
	if p == nil || !p.exited() || p.signalled {
		return "", false
	}
	return p.state.String(), true
}
