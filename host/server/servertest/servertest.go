// Package servertest starts in-process metahost nodes for tests: a real
// raft store, real bbolt files in a temp dir, a real HTTP listener on a free
// 127.0.0.1 port. Use it for surface tests that need an injected clock or
// many cheap restarts; use host/testcluster for tests of real processes.
package servertest

import (
	"context"
	"github.com/metahost/metahost/internal/testing/testclock"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/server"
)

// Token is the token test servers use.
const Token = "test-token"

// Clock is a settable clock for servers under test.
type Clock = testclock.Clock

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return testclock.New(t) }

// Server is a running single-node metahost.
type Server struct {
	*server.Server
	// URL is the base URL, e.g. http://127.0.0.1:port.
	URL string
	// Config is the configuration it runs with.
	Config server.Config
}

// Options adjust a test server.
type Options struct {
	// Clock, if set, replaces the wall clock.
	Clock *Clock
	// Edit changes the configuration before start.
	Edit func(*server.Config)
	// DataDir reuses a data dir (for restart tests); default t.TempDir().
	DataDir string
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Start runs a single-node server and waits until it leads. It is stopped
// when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	cfg := server.Default()
	cfg.DataDir = opts.DataDir
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	cfg.HTTPAddr = freeAddr(t)
	cfg.RaftAddr = freeAddr(t)
	cfg.Token = Token
	cfg.Raft.HeartbeatTimeout.Duration = 150 * time.Millisecond
	cfg.Compaction.Disable = true // tests that want the scheduler opt in through Edit
	if opts.Edit != nil {
		opts.Edit(&cfg)
	}
	var sopts []server.Option
	if opts.Clock != nil {
		sopts = append(sopts, server.WithClock(opts.Clock.Now))
	}
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Error, Output: io.Discard})
	s, err := server.Start(context.Background(), cfg, "test", logger, sopts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for !s.Store().IsLeader() {
		if err := s.Store().Barrier(ctx); err != nil {
			t.Fatal("no leader:", err)
		}
	}
	return &Server{Server: s, URL: "http://" + s.Addr(), Config: cfg}
}

// Response is a buffered HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Do sends one request and reads the whole response.
func Do(t testing.TB, method, url, body string, header ...string) Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}
