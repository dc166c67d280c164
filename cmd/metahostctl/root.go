package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/spf13/cobra"
)

const defaultAddr = "127.0.0.1:5000"

// env is the process environment a command runs in.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	// flags
	addr, token, config, output string
	timeout                     time.Duration
}

// ctlConfig is the config file (TOML): addr and token.
type ctlConfig struct {
	Addr  string `toml:"addr"`
	Token string `toml:"token"`
}

// resolve applies flag > environment > config file > default.
func (e *env) resolve(cmd *cobra.Command) error {
	var cfg ctlConfig
	path, explicit := e.config, e.config != ""
	if !explicit {
		if home := e.getenv("HOME"); home != "" {
			path = filepath.Join(home, ".config", "metahost", "ctl.toml")
		}
	}
	if path != "" {
		md, err := toml.DecodeFile(path, &cfg)
		switch {
		case err == nil:
			if und := md.Undecoded(); len(und) > 0 {
				return usagef("config %s: unknown key %q", path, und[0].String())
			}
		case errors.Is(err, fs.ErrNotExist) && !explicit:
		default:
			return usagef("config %s: %w", path, err)
		}
	}
	if !cmd.Flags().Changed("addr") {
		switch {
		case e.getenv("METAHOST_ADDR") != "":
			e.addr = e.getenv("METAHOST_ADDR")
		case cfg.Addr != "":
			e.addr = cfg.Addr
		}
	}
	if !cmd.Flags().Changed("token") {
		switch {
		case e.getenv("METAHOST_TOKEN") != "":
			e.token = e.getenv("METAHOST_TOKEN")
		case cfg.Token != "":
			e.token = cfg.Token
		}
	}
	if e.output != "table" && e.output != "json" {
		return usagef("-o %q: want table or json", e.output)
	}
	return nil
}

func (e *env) client() *client { return newClient(e.addr, e.token, e.timeout) }

func (e *env) json() bool { return e.output == "json" }

// printRaw writes a server answer unchanged, ending in one newline.
func (e *env) printRaw(b []byte) {
	b = bytes.TrimRight(b, "\n")
	e.stdout.Write(append(b, '\n'))
}

// call sends r through api (the client's admin, be or tsdb) and prints
// the answer: unchanged for -o json, else through human.
func (e *env) call(cmd *cobra.Command, api func(*client, context.Context, request) ([]byte, error), r request, human func(answer json.RawMessage) error) error {
	b, err := api(e.client(), cmd.Context(), r)
	if err != nil {
		return err
	}
	if e.json() {
		e.printRaw(b)
		return nil
	}
	return human(b)
}

// say is a human printer that ignores the answer and prints one line.
func (e *env) say(format string, args ...any) func(json.RawMessage) error {
	return func(json.RawMessage) error {
		fmt.Fprintf(e.stdout, format+"\n", args...)
		return nil
	}
}

// table starts a tab-aligned table on stdout.
func (e *env) table(header ...string) *tabwriter.Writer {
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if len(header) > 0 {
		fmt.Fprintln(w, strings.Join(header, "\t"))
	}
	return w
}

// row writes one table row.
func row(w io.Writer, cells ...any) {
	s := make([]string, len(cells))
	for i, c := range cells {
		s[i] = fmt.Sprint(c)
	}
	fmt.Fprintln(w, strings.Join(s, "\t"))
}

// decode unmarshals a server answer, reporting a malformed one.
func decode(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return &apiError{Status: 200, Code: "BAD_ANSWER", Message: fmt.Sprintf("cannot read the server's answer: %v", err)}
	}
	return nil
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "metahostctl",
		Short: "Operate a metahost cluster from the terminal",
		Long: `metahostctl drives a metahost node over its HTTP surfaces: cluster status and membership,
snapshots, Doris instances, vaults, clusters and nodes, plugins, OpenTSDB points, compaction
and key tools.

The server address comes from --addr, METAHOST_ADDR, the config file, else 127.0.0.1:5000.
The token comes from --token, METAHOST_TOKEN, the config file (--config, default
$HOME/.config/metahost/ctl.toml if present; keys: addr, token).

Exit codes: 0 ok, 1 the server answered an error, 2 usage error, 3 server unreachable.`,
		Example:       "  metahostctl status\n  METAHOST_ADDR=10.0.0.2:5000 metahostctl members list -o json",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return e.resolve(cmd)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q", args[0])
			}
			return cmd.Help()
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&e.addr, "addr", defaultAddr, "server HTTP address (host:port or URL); env METAHOST_ADDR")
	pf.StringVar(&e.token, "token", "", "server token; env METAHOST_TOKEN")
	pf.StringVar(&e.config, "config", "", "config file (TOML with addr and token); default $HOME/.config/metahost/ctl.toml if present")
	pf.StringVarP(&e.output, "output", "o", "table", "output format: table or json (the server's JSON)")
	pf.DurationVar(&e.timeout, "timeout", 30*time.Second, "timeout of each HTTP request")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{Err: err} })

	root.AddCommand(
		statusCmd(e), membersCmd(e), snapshotCmd(e),
		instanceCmd(e), vaultCmd(e), clusterCmd(e), nodeCmd(e),
		pluginCmd(e), putCmd(e), lastCmd(e),
		decodeKeyCmd(e), encodeKeyCmd(e),
		compactionCmd(e), policyCmd(e), recyclerCmd(e),
	)
	wrapArgs(root)
	return root
}

// wrapArgs makes every argument-count error a usage error and every
// group command without a subcommand fail as a usage error.
func wrapArgs(c *cobra.Command) {
	if c.Args != nil {
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return &usageError{Err: err}
			}
			return nil
		}
	}
	if c.HasSubCommands() && c.Parent() != nil && c.RunE == nil {
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return usagef("%s needs a subcommand; see %s --help", cmd.CommandPath(), cmd.CommandPath())
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}

// readInput reads a file, or stdin for "-".
func (e *env) readInput(path string) ([]byte, error) {
	if path == "-" {
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, usagef("reading stdin: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("%w", err)
	}
	return b, nil
}

// jsonData reads --data: inline JSON, @file, or @- for stdin.
func (e *env) jsonData(s string) (json.RawMessage, error) {
	b := []byte(s)
	if strings.HasPrefix(s, "@") {
		var err error
		if b, err = e.readInput(s[1:]); err != nil {
			return nil, err
		}
	}
	if !json.Valid(b) {
		return nil, usagef("--data is not valid JSON")
	}
	return json.RawMessage(b), nil
}
