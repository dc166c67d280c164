package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/metahost/metahost/host/server/servertest"
)

// buildBinary compiles metahostctl into a temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "metahostctl")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// closedAddr is a 127.0.0.1 address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestBinaryExitCodes runs the built binary: exit codes and output that
// scripts depend on, including every error path.
func TestBinaryExitCodes(t *testing.T) {
	bin := buildBinary(t)
	s := startServer(t)
	home := t.TempDir()
	cfgDir := filepath.Join(home, ".config", "metahost")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	otherHome := t.TempDir()
	otherCfg := filepath.Join(otherHome, "ctl.toml")
	if err := os.WriteFile(otherCfg, []byte("addr = \""+s.URL+"\"\ntoken = \""+servertest.Token+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badCfg := filepath.Join(otherHome, "bad.toml")
	if err := os.WriteFile(badCfg, []byte("adress = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfgDir, "ctl.toml"), []byte("token = \""+servertest.Token+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	down := closedAddr(t)
	const badToken = "wrong-token-4711"
	// The instance the error paths look up exists.
	if r := ctl(t, s, "instance", "create", "demo"); r.code != 0 {
		t.Fatalf("create: %+v", r)
	}
	noHome := t.TempDir()
	cases := []struct {
		name    string
		args    []string
		env     []string
		code    int
		out     string // regexp on stdout
		err     string // regexp on stderr
		notWant string // must not appear in stdout or stderr
	}{
		{name: "ok", args: []string{"--addr", s.URL, "status"}, code: 0, out: `(?m)^State:\s+Leader$`},
		{name: "ok json", args: []string{"--addr", s.URL, "-o", "json", "status"}, code: 0, out: `^\{"id":1,`},
		{name: "server down", args: []string{"--addr", down, "status"}, code: 3, err: `^Error: server ` + regexp.QuoteMeta(down) + ` unreachable: .*connection refused`},
		{name: "server down meta", args: []string{"--addr", down, "--token", "secret tok/99", "instance", "get", "demo"}, code: 3, err: `unreachable: .*token=\*\*\*`, notWant: "secret"},
		{name: "bad token meta", args: []string{"--addr", s.URL, "--token", badToken, "instance", "get", "demo"}, code: 1,
			err: `^Error: server error \(HTTP 403\): FORBIDDEN: incorrect token, token=\*\*\*\n$`, notWant: badToken},
		{name: "bad token admin", args: []string{"--addr", s.URL, "--token", badToken, "snapshot"}, code: 1, err: `HTTP 401`, notWant: badToken},
		{name: "bad token plugins", args: []string{"--addr", s.URL, "--token", badToken, "plugin", "list"}, code: 1, err: `HTTP 401`, notWant: badToken},
		{name: "no token", args: []string{"--addr", s.URL, "instance", "get", "demo"}, env: []string{"HOME=" + noHome}, code: 1, err: `HTTP 403\): FORBIDDEN: incorrect token, token=\(not given\)`},
		{name: "unknown instance", args: []string{"--addr", s.URL, "--token", servertest.Token, "instance", "get", "nope"}, code: 1,
			err: `^Error: server error \(HTTP 500\): INTERNAL_ERROR: failed to get instance, info=failed to get instance, instance_id=nope err=KeyNotFound\n$`},
		{name: "unknown instance drop", args: []string{"--addr", s.URL, "--token", servertest.Token, "instance", "drop", "nope"}, code: 1, err: `HTTP 404`},
		{name: "bad flag", args: []string{"status", "--bogus"}, code: 2, err: `unknown flag: --bogus`},
		{name: "bad output", args: []string{"-o", "yaml", "status"}, code: 2, err: `-o "yaml": want table or json`},
		{name: "bad flag value", args: []string{"--timeout", "soon", "status"}, code: 2, err: `invalid argument`},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, err: `unknown command "frobnicate"`},
		{name: "unknown subcommand", args: []string{"instance", "frob"}, code: 2, err: `unknown command "frob"`},
		{name: "missing arg", args: []string{"instance", "get"}, code: 2, err: `accepts 1 arg\(s\), received 0`},
		{name: "too many args", args: []string{"status", "x"}, code: 2, err: `unknown command "x"`},
		{name: "help", args: []string{"--help"}, code: 0, out: `(?s)Exit codes: 0 ok, 1 the server answered an error, 2 usage error, 3 server unreachable.*Examples:`},
		{name: "subcommand help", args: []string{"instance", "create", "--help"}, code: 0, out: `(?s)Examples:\n  metahostctl instance create demo`},
		{name: "version", args: []string{"--version"}, code: 0, out: `metahostctl version `},
		{name: "env addr and token", args: []string{"instance", "get", "demo"}, env: []string{"METAHOST_ADDR=" + s.URL, "METAHOST_TOKEN=" + servertest.Token, "HOME=" + noHome}, code: 0, out: `(?m)^Instance:\s+demo$`},
		{name: "flag beats env", args: []string{"--addr", down, "status"}, env: []string{"METAHOST_ADDR=" + s.URL}, code: 3},
		{name: "env token beats config", args: []string{"--addr", s.URL, "instance", "get", "demo"}, env: []string{"METAHOST_TOKEN=" + badToken}, code: 1, err: `FORBIDDEN`},
		{name: "default config file", args: []string{"--addr", s.URL, "instance", "get", "demo"}, code: 0, out: `(?m)^Instance:\s+demo$`},
		{name: "explicit config file", args: []string{"--config", otherCfg, "instance", "get", "demo"}, env: []string{"HOME=" + noHome}, code: 0, out: `(?m)^Instance:\s+demo$`},
		{name: "missing config file", args: []string{"--config", filepath.Join(otherHome, "nope.toml"), "status"}, code: 2, err: `no such file`},
		{name: "bad config key", args: []string{"--config", badCfg, "status"}, code: 2, err: `unknown key "adress"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, c.args...)
			cmd.Env = append([]string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}, c.env...)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out.String(), errb.String())
			}
			if c.out != "" && !regexp.MustCompile(c.out).MatchString(out.String()) {
				t.Fatalf("stdout does not match %q:\n%s", c.out, out.String())
			}
			if c.err != "" && !regexp.MustCompile(c.err).MatchString(errb.String()) {
				t.Fatalf("stderr does not match %q:\n%s", c.err, errb.String())
			}
			if c.notWant != "" && (strings.Contains(out.String(), c.notWant) || strings.Contains(errb.String(), c.notWant)) {
				t.Fatalf("output contains %q:\n%s\n%s", c.notWant, out.String(), errb.String())
			}
		})
	}
}

// TestEveryCommandHasHelpWithExample walks the command tree: every command
// has a short description and an example, and --help exits 0 and shows it.
func TestEveryCommandHasHelpWithExample(t *testing.T) {
	root := newRoot(&env{getenv: func(string) string { return "" }})
	var walk func(c *cobra.Command, path []string)
	n := 0
	walk = func(c *cobra.Command, path []string) {
		if c.Name() == "help" || c.Name() == "completion" {
			return
		}
		n++
		if c.Short == "" || c.Example == "" {
			t.Errorf("%s: Short or Example missing", c.CommandPath())
		}
		r := ctlEnv(t, nil, "", append(append([]string{}, path...), "--help")...)
		if r.code != 0 || !strings.Contains(r.out, "Examples:\n") || !strings.Contains(r.out, strings.TrimSpace(strings.SplitN(c.Example, "\n", 2)[0])) {
			t.Errorf("%s --help: exit %d\n%s%s", c.CommandPath(), r.code, r.out, r.err)
		}
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string{}, path...), sub.Name()))
		}
	}
	walk(root, nil)
	if n < 40 {
		t.Fatalf("only %d commands", n)
	}
}

// TestDocsCoverEveryCommand keeps docs/cli.md from drifting: every leaf
// command appears in it with an example line.
func TestDocsCoverEveryCommand(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "cli.md"))
	if err != nil {
		t.Fatal(err)
	}
	root := newRoot(&env{getenv: func(string) string { return "" }})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "help" || c.Name() == "completion" {
			return
		}
		if !c.HasSubCommands() {
			path := c.CommandPath()
			if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(path) + `( |$)`).Match(doc) {
				t.Errorf("docs/cli.md has no example line starting %q", path)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
