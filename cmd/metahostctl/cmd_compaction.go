package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// tabletArg checks a tablet id argument.
func tabletArg(s string) error {
	if n, err := strconv.ParseInt(s, 10, 64); err != nil || n <= 0 {
		return usagef("tablet id %q: want a positive integer", s)
	}
	return nil
}

func compactionCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "compaction",
		Short: "Show, run and follow compactions (Doris BE compaction API)",
		Example: "  metahostctl compaction show 10001\n" +
			"  metahostctl compaction run 10001 --type cumulative\n  metahostctl compaction status",
	}
	c.AddCommand(&cobra.Command{
		Use:     "show TABLET_ID",
		Short:   "Show a tablet's rowsets, cumulative point and last compactions (/api/compaction/show)",
		Example: "  metahostctl compaction show 10001\n  metahostctl compaction show 10001 -o json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := tabletArg(args[0]); err != nil {
				return err
			}
			return e.call(cmd, (*client).be, request{method: http.MethodGet, path: "/api/compaction/show", query: url.Values{"tablet_id": args}}, func(b json.RawMessage) error {
				var s struct {
					Policy     string   `json:"cumulative policy type"`
					Point      int64    `json:"cumulative point"`
					CumuStatus string   `json:"last cumulative status"`
					BaseStatus string   `json:"last base status"`
					FullStatus string   `json:"last full status"`
					CumuOK     string   `json:"last cumulative success time"`
					BaseOK     string   `json:"last base success time"`
					Rowsets    []string `json:"rowsets"`
					Missing    []string `json:"missing_rowsets"`
					Stale      []string `json:"stale_rowsets"`
				}
				if err := decode(b, &s); err != nil {
					return err
				}
				w := e.table()
				row(w, "Tablet:", args[0])
				row(w, "Policy:", s.Policy)
				row(w, "Cumulative point:", s.Point)
				row(w, "Last cumulative:", s.CumuStatus+" at "+orDash(s.CumuOK, "-"))
				row(w, "Last base:", s.BaseStatus+" at "+orDash(s.BaseOK, "-"))
				row(w, "Last full:", s.FullStatus)
				row(w, "Rowsets:", len(s.Rowsets))
				row(w, "Stale rowsets:", len(s.Stale))
				row(w, "Missing:", orDash(strings.Join(s.Missing, ", "), "(none)"))
				if err := w.Flush(); err != nil {
					return err
				}
				for _, r := range s.Rowsets {
					fmt.Fprintln(e.stdout, "  "+r)
				}
				return nil
			})
		},
	})
	var typ string
	var table uint64
	run := &cobra.Command{
		Use:   "run (TABLET_ID | --table-id N) [--type cumulative|base|full]",
		Short: "Trigger a compaction of a tablet, or full compactions of a table (/api/compaction/run)",
		Long: `Trigger a compaction. For a tablet the server waits up to 2 s for the outcome and reports a
failure (e.g. nothing to compact) as an error; for a table it starts full compactions of every
tablet without waiting.`,
		Example: "  metahostctl compaction run 10001 --type cumulative\n  metahostctl compaction run --table-id 42",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := url.Values{"compact_type": {typ}}
			switch {
			case len(args) == 1 && cmd.Flags().Changed("table-id"):
				return usagef("give a tablet id or --table-id, not both")
			case len(args) == 1:
				if err := tabletArg(args[0]); err != nil {
					return err
				}
				q.Set("tablet_id", args[0])
			case cmd.Flags().Changed("table-id"):
				q.Set("table_id", strconv.FormatUint(table, 10))
			default:
				return usagef("give a tablet id or --table-id")
			}
			return e.call(cmd, (*client).be, request{method: http.MethodPost, path: "/api/compaction/run", query: q}, func(b json.RawMessage) error {
				var r struct {
					Msg string `json:"msg"`
				}
				if err := decode(b, &r); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, r.Msg)
				return nil
			})
		},
	}
	run.Flags().StringVar(&typ, "type", "cumulative", "cumulative, base or full")
	run.Flags().Uint64Var(&table, "table-id", 0, "compact every tablet of this table (full)")
	c.AddCommand(run)
	c.AddCommand(&cobra.Command{
		Use:     "status [TABLET_ID]",
		Short:   "Show whether a tablet's compaction runs, or every running compaction (/api/compaction/run_status)",
		Example: "  metahostctl compaction status 10001\n  metahostctl compaction status",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := url.Values{}
			if len(args) == 1 {
				if err := tabletArg(args[0]); err != nil {
					return err
				}
				q.Set("tablet_id", args[0])
			}
			return e.call(cmd, (*client).be, request{method: http.MethodGet, path: "/api/compaction/run_status", query: q}, func(b json.RawMessage) error {
				if len(args) == 1 {
					var r struct {
						Running bool   `json:"run_status"`
						Type    string `json:"compact_type"`
					}
					if err := decode(b, &r); err != nil {
						return err
					}
					w := e.table()
					row(w, "Tablet:", args[0])
					row(w, "Running:", r.Running)
					row(w, "Type:", orDash(r.Type, "-"))
					return w.Flush()
				}
				var all map[string]map[string][]string
				if err := decode(b, &all); err != nil {
					return err
				}
				w := e.table("TYPE", "DATA DIR", "TABLETS")
				for _, k := range slices.Sorted(maps.Keys(all)) {
					for _, dir := range slices.Sorted(maps.Keys(all[k])) {
						row(w, k, dir, orDash(strings.Join(all[k][dir], ","), "-"))
					}
				}
				return w.Flush()
			})
		},
	})
	return c
}

func policyCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:     "policy",
		Short:   "Dry-run compaction policies",
		Example: "  metahostctl policy eval size_based -f tablet.json",
	}
	var file string
	eval := &cobra.Command{
		Use:   "eval POLICY -f REQUEST.json",
		Short: "Evaluate a registered policy on a tablet and rowsets, changing nothing (POST /v1/plugins/{name}/eval)",
		Long: `Evaluate a policy plugin on the tablet and rowsets in the request file (or - for stdin):
{"compact_type","now_ms","tablet":{...},"rowsets":[...],"config":{...}}. Prints what the policy
would pick, its score and the cumulative point before and after.`,
		Example: "  metahostctl policy eval size_based -f tablet.json\n  metahostctl policy eval my_policy -f - -o json < tablet.json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return usagef("-f REQUEST.json is required")
			}
			body, err := e.readInput(file)
			if err != nil {
				return err
			}
			if !json.Valid(body) {
				return usagef("%s is not valid JSON", file)
			}
			req := request{method: http.MethodPost, path: "/v1/plugins/" + url.PathEscape(args[0]) + "/eval", body: body, ctype: "application/json"}
			return e.call(cmd, (*client).admin, req, func(b json.RawMessage) error {
				var r struct {
					Policy    string   `json:"policy"`
					Type      string   `json:"compact_type"`
					Status    string   `json:"status"`
					Picked    []string `json:"picked"`
					Score     int64    `json:"score"`
					Rule      string   `json:"rule"`
					Point     int64    `json:"cumulative_point"`
					NewPoint  int64    `json:"new_cumulative_point"`
					CumuScore int64    `json:"cumulative_score"`
					Missing   []string `json:"missing_versions"`
				}
				if err := decode(b, &r); err != nil {
					return err
				}
				w := e.table()
				row(w, "Policy:", r.Policy)
				row(w, "Compaction:", r.Type)
				row(w, "Status:", r.Status)
				row(w, "Picked:", orDash(strings.Join(r.Picked, " "), "(none)"))
				row(w, "Score:", r.Score)
				row(w, "Rule:", orDash(r.Rule, "-"))
				row(w, "Cumulative point:", fmt.Sprintf("%d -> %d", r.Point, r.NewPoint))
				row(w, "Cumulative score:", r.CumuScore)
				row(w, "Missing versions:", orDash(strings.Join(r.Missing, ", "), "(none)"))
				return w.Flush()
			})
		},
	}
	eval.Flags().StringVarP(&file, "file", "f", "", "the request JSON (- for stdin)")
	c.AddCommand(eval)
	return c
}
