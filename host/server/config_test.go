package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "metahost.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFile(t *testing.T) {
	c := Default()
	p := writeFile(t, `
node_id = 3
data_dir = "/var/lib/mh"
http_addr = "10.0.0.3:5000"
raft_addr = "10.0.0.3:5001"
join = "10.0.0.1:5000"
token = "t0k"
log_level = "debug"

[raft]
snapshot_threshold = 64
trailing_logs = 32
heartbeat_timeout = "300ms"
`)
	if err := c.LoadFile(p); err != nil {
		t.Fatal(err)
	}
	if c.NodeID != 3 || c.DataDir != "/var/lib/mh" || c.Join != "10.0.0.1:5000" || c.Token != "t0k" ||
		c.Raft.SnapshotThreshold != 64 || c.Raft.TrailingLogs != 32 || c.Raft.HeartbeatTimeout.Duration != 300*time.Millisecond {
		t.Fatalf("loaded config: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadFileErrors(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"unknown key", `nodeid = 2`, `unknown key "nodeid"`},
		{"unknown nested key", "[raft]\nsnapshots = 1", `unknown key "raft.snapshots"`},
		{"wrong type", `node_id = "two"`, "node_id"},
		{"bad duration", "[raft]\nheartbeat_timeout = \"soon\"", "bad duration"},
		{"not toml", `node_id == 2`, "config file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default()
			err := cfg.LoadFile(writeFile(t, c.body))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	cfg := Default()
	if err := cfg.LoadFile(filepath.Join(t.TempDir(), "missing.toml")); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"default is valid", func(*Config) {}, ""},
		{"node id zero", func(c *Config) { c.NodeID = 0 }, "node_id"},
		{"empty data dir", func(c *Config) { c.DataDir = "" }, "data_dir"},
		{"bad http addr", func(c *Config) { c.HTTPAddr = "nope" }, "http_addr"},
		{"wildcard http without advertise", func(c *Config) { c.HTTPAddr = "0.0.0.0:5000" }, "http_advertise"},
		{"wildcard http with advertise", func(c *Config) { c.HTTPAddr = "0.0.0.0:5000"; c.HTTPAdvertise = "10.0.0.1:5000" }, ""},
		{"wildcard raft", func(c *Config) { c.RaftAddr = "0.0.0.0:5001" }, "raft_addr"},
		{"bad port", func(c *Config) { c.RaftAddr = "127.0.0.1:99999" }, "raft_addr"},
		{"bad join", func(c *Config) { c.Join = "localhost" }, "join"},
		{"bad log level", func(c *Config) { c.LogLevel = "loud" }, "log_level"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default()
			c.edit(&cfg)
			err := cfg.Validate()
			if c.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, c.want)
			}
		})
	}
}

func TestLoadEnv(t *testing.T) {
	t.Setenv("METAHOST_TOKEN", "from-env")
	c := Default()
	c.LoadEnv()
	if c.Token != "from-env" {
		t.Fatalf("token %q", c.Token)
	}
}
