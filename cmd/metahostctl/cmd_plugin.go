package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// pluginStatus is the part of a plugin's status the table shows.
type pluginStatus struct {
	Entry struct {
		Name    string `json:"name"`
		Kind    string `json:"kind"`
		Runtime string `json:"runtime"`
		Active  string `json:"active"`
		Enabled bool   `json:"enabled"`
	} `json:"entry"`
	Loaded    string `json:"loaded_version"`
	LoadError string `json:"load_error"`
	Calls     uint64 `json:"calls"`
	Errors    uint64 `json:"errors"`
	P99       int64  `json:"p99_ns"`
	Restarts  uint64 `json:"restarts"`
	Breaker   string `json:"breaker"`
}

// pluginDone prints the plugin status a plugin change answers with, as
// one line starting with what was done.
func (e *env) pluginDone(what string) func(json.RawMessage) error {
	return func(b json.RawMessage) error {
		var st pluginStatus
		if err := decode(b, &st); err != nil {
			return err
		}
		state := "disabled"
		if st.Entry.Enabled {
			state = "enabled"
		}
		fmt.Fprintf(e.stdout, "%s %s: %s %s, active version %s, %s\n", what, st.Entry.Name, st.Entry.Runtime, st.Entry.Kind, st.Entry.Active, state)
		return nil
	}
}

func pluginCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "plugin",
		Short: "List, register, enable, disable, reload, bind and unbind plugins",
		Example: "  metahostctl plugin list\n" +
			"  metahostctl plugin register naming --kind validator --version 1.0.0 --file naming.wasm\n" +
			"  metahostctl plugin bind naming --operation create_instance",
	}
	c.AddCommand(&cobra.Command{
		Use:     "list",
		Short:   "List plugins with this node's stats, and the bindings",
		Example: "  metahostctl plugin list\n  metahostctl plugin list -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.call(cmd, (*client).admin, request{method: http.MethodGet, path: "/v1/plugins"}, func(b json.RawMessage) error {
				var l struct {
					Plugins  []pluginStatus `json:"plugins"`
					Policies []struct {
						TableID int64  `json:"table_id"`
						Policy  string `json:"policy"`
					} `json:"policy_bindings"`
					Validators []struct {
						Operation string `json:"operation"`
						Validator string `json:"validator"`
						Order     int    `json:"order"`
						OnError   string `json:"on_error"`
					} `json:"validator_bindings"`
				}
				if err := decode(b, &l); err != nil {
					return err
				}
				w := e.table("NAME", "KIND", "RUNTIME", "ACTIVE", "LOADED", "ENABLED", "CALLS", "ERRORS", "P99", "BREAKER")
				for _, p := range l.Plugins {
					row(w, p.Entry.Name, p.Entry.Kind, p.Entry.Runtime, p.Entry.Active, orDash(p.Loaded, "-"), p.Entry.Enabled,
						p.Calls, p.Errors, fmt.Sprintf("%.3fms", float64(p.P99)/1e6), orDash(p.Breaker, "-"))
				}
				if err := w.Flush(); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout)
				w = e.table("BINDING", "TARGET", "PLUGIN", "ORDER", "ON ERROR")
				for _, p := range l.Policies {
					target := fmt.Sprintf("table %d", p.TableID)
					if p.TableID == 0 {
						target = "default"
					}
					row(w, "policy", target, p.Policy, "-", "-")
				}
				for _, v := range l.Validators {
					row(w, "validator", v.Operation, v.Validator, v.Order, orDash(v.OnError, "fail_closed"))
				}
				return w.Flush()
			})
		},
	})

	var kind, runtime, ver, file, config, path string
	var args, envs []string
	var timeoutMS int64
	reg := &cobra.Command{
		Use:   "register NAME --kind policy|validator|provider --version V (--file MODULE.wasm | --runtime process --path BIN)",
		Short: "Register a plugin version (wasm module upload, or a process binary by path)",
		Long: `Register a version. A wasm module is read from --file and uploaded; a process plugin
(--runtime process) names a binary by --path that every node can run. The sha256 is computed
here from the file; the server checks it (and the plugin) before the catalog changes.`,
		Example: "  metahostctl plugin register naming --kind validator --version 1.0.0 --file naming.wasm --config analytics\n" +
			"  metahostctl plugin register localdir --kind provider --version 1 --runtime process --path /opt/metahost/providers/localdir",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			if kind == "" || ver == "" {
				return usagef("--kind and --version are required")
			}
			var r request
			switch runtime {
			case "wasm":
				if file == "" {
					return usagef("--file is required for a wasm plugin")
				}
				mod, err := e.readInput(file)
				if err != nil {
					return err
				}
				sum := sha256.Sum256(mod)
				q := url.Values{"kind": {kind}, "version": {ver}, "sha256": {hex.EncodeToString(sum[:])}}
				if config != "" {
					q.Set("config", config)
				}
				if timeoutMS > 0 {
					q.Set("call_timeout_ms", fmt.Sprint(timeoutMS))
				}
				r = request{method: http.MethodPut, path: "/v1/plugins/" + url.PathEscape(a[0]), query: q, body: mod, ctype: "application/wasm"}
			case "process":
				if path == "" {
					return usagef("--path is required for a process plugin")
				}
				abs, err := filepath.Abs(path)
				if err != nil {
					return usagef("%w", err)
				}
				bin, err := e.readInput(abs)
				if err != nil {
					return err
				}
				sum := sha256.Sum256(bin)
				body, _ := json.Marshal(map[string]any{"kind": kind, "runtime": "process", "version": ver,
					"sha256": hex.EncodeToString(sum[:]), "path": abs, "args": args, "env": envs, "config": config, "call_timeout_ms": timeoutMS})
				r = request{method: http.MethodPut, path: "/v1/plugins/" + url.PathEscape(a[0]), body: body, ctype: "application/json"}
			default:
				return usagef("--runtime %q: want wasm or process", runtime)
			}
			return e.call(cmd, (*client).admin, r, e.pluginDone("registered"))
		},
	}
	f := reg.Flags()
	f.StringVar(&kind, "kind", "", "policy, validator or provider")
	f.StringVar(&runtime, "runtime", "wasm", "wasm or process")
	f.StringVar(&ver, "version", "", "version label")
	f.StringVar(&file, "file", "", "the wasm module (- for stdin)")
	f.StringVar(&path, "path", "", "the process plugin's binary")
	f.StringArrayVar(&args, "arg", nil, "process plugin argument, repeatable")
	f.StringArrayVar(&envs, "env", nil, "process plugin environment NAME=VALUE, repeatable")
	f.StringVar(&config, "config", "", "plugin configuration string")
	f.Int64Var(&timeoutMS, "call-timeout-ms", 0, "per-call deadline in milliseconds (0: the server's default)")
	c.AddCommand(reg)

	for _, op := range []struct{ name, short, done string }{
		{"enable", "Enable a plugin", "enabled"},
		{"disable", "Disable a plugin (calls fall back as its bindings say)", "disabled"},
		{"reload", "Reload a plugin's active version on every node", "reloaded"},
	} {
		c.AddCommand(&cobra.Command{
			Use:     op.name + " NAME",
			Short:   op.short,
			Example: "  metahostctl plugin " + op.name + " naming",
			Args:    cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, a []string) error {
				return e.call(cmd, (*client).admin, request{method: http.MethodPost, path: "/v1/plugins/" + url.PathEscape(a[0]) + "/" + op.name}, e.pluginDone(op.done))
			},
		})
	}
	c.AddCommand(&cobra.Command{
		Use:     "activate NAME VERSION",
		Short:   "Make a registered version the active one",
		Example: "  metahostctl plugin activate naming 1.0.0",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, a []string) error {
			return e.call(cmd, (*client).admin, request{method: http.MethodPost, path: "/v1/plugins/" + url.PathEscape(a[0]) + "/activate", query: url.Values{"version": {a[1]}}},
				e.pluginDone("activated"))
		},
	})
	for _, bind := range []bool{true, false} {
		verb := map[bool]string{true: "bind", false: "unbind"}[bind]
		var table int64
		var operation, onError string
		var order int
		sub := &cobra.Command{
			Use:   verb + " NAME (--table-id N | --operation OP [--order N] [--on-error fail_closed|fail_open])",
			Short: strings.ToUpper(verb[:1]) + verb[1:] + " a policy to a table or a validator to an operation",
			Long: `A policy is bound to a table (--table-id, 0 = the default for every table); a validator to
an operation (--operation create_instance, or "*" for every mutation) at a position (--order)
with an error behaviour (--on-error).`,
			Example: fmt.Sprintf("  metahostctl plugin %s time_series --table-id 42\n  metahostctl plugin %s naming --operation create_instance", verb, verb),
			Args:    cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, a []string) error {
				tableSet := cmd.Flags().Changed("table-id")
				if tableSet == (operation != "") {
					return usagef("give exactly one of --table-id (policy) and --operation (validator)")
				}
				var body []byte
				if tableSet {
					body, _ = json.Marshal(map[string]any{"table_id": table})
				} else {
					body, _ = json.Marshal(map[string]any{"operation": operation, "order": order, "on_error": onError})
				}
				target := "operation " + operation
				if tableSet {
					target = fmt.Sprintf("table %d", table)
				}
				return e.call(cmd, (*client).admin, request{method: http.MethodPost, path: "/v1/plugins/" + url.PathEscape(a[0]) + "/" + verb, body: body, ctype: "application/json"},
					e.say("%s %s: %s", map[bool]string{true: "bound", false: "unbound"}[bind], a[0], target))
			},
		}
		sub.Flags().Int64Var(&table, "table-id", 0, "table id (policy; 0 = default)")
		sub.Flags().StringVar(&operation, "operation", "", `operation (validator; "*" = every mutation)`)
		if bind {
			sub.Flags().IntVar(&order, "order", 0, "position in the operation's validator chain")
			sub.Flags().StringVar(&onError, "on-error", "", "fail_closed (default) or fail_open")
		}
		c.AddCommand(sub)
	}
	return c
}
