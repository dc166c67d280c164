package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// recyclerStatus is GET /v1/recycler.
type recyclerStatus struct {
	Leader bool `json:"leader"`
	Totals struct {
		ObjectsDeleted    int64 `json:"objects_deleted"`
		RowsetsRecycled   int64 `json:"rowsets_recycled"`
		InstancesRecycled int64 `json:"instances_recycled"`
	} `json:"totals"`
	Instances []struct {
		InstanceID   string   `json:"instance_id"`
		State        string   `json:"state"`
		DroppedAt    int64    `json:"dropped_at"`
		CurrentVault string   `json:"current_vault"`
		VaultsDone   []string `json:"vaults_done"`
		Deleted      int64    `json:"objects_deleted"`
		LastError    string   `json:"last_error"`
	} `json:"instances"`
	PendingRowsets int64 `json:"pending_rowsets"`
}

func recyclerCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "recycler",
		Short: "Watch and drive the recycler that empties dropped instances' vaults",
		Example: "  metahostctl recycler status\n  metahostctl recycler run\n" +
			"  metahostctl recycler wait instance_a\n  metahostctl recycler retry instance_a",
	}
	// fetch sends r (GET /v1/recycler or POST /v1/recycler/run, both
	// answer the status) and decodes the answer.
	fetch := func(ctx context.Context, r request) (recyclerStatus, []byte, error) {
		var st recyclerStatus
		b, err := e.client().admin(ctx, r)
		if err != nil {
			return st, nil, err
		}
		return st, b, decode(b, &st)
	}
	get := request{method: http.MethodGet, path: "/v1/recycler"}
	show := func(b []byte, st recyclerStatus) error {
		if e.json() {
			e.printRaw(b)
			return nil
		}
		fmt.Fprintf(e.stdout, "objects deleted %d, rowsets recycled %d, instances recycled %d, rowsets pending %d\n",
			st.Totals.ObjectsDeleted, st.Totals.RowsetsRecycled, st.Totals.InstancesRecycled, st.PendingRowsets)
		if len(st.Instances) == 0 {
			return nil
		}
		w := e.table("INSTANCE", "STATE", "DROPPED", "OBJECTS DELETED", "VAULT", "ERROR")
		for _, in := range st.Instances {
			row(w, in.InstanceID, in.State, time.Unix(in.DroppedAt, 0).UTC().Format(time.RFC3339), in.Deleted, orDash(in.CurrentVault, "-"), orDash(in.LastError, "-"))
		}
		return w.Flush()
	}
	report := func(r request) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, _ []string) error {
			st, b, err := fetch(cmd.Context(), r)
			if err != nil {
				return err
			}
			return show(b, st)
		}
	}
	c.AddCommand(&cobra.Command{
		Use:     "status",
		Short:   "Show the recycler's progress (replicated: any node answers)",
		Example: "  metahostctl recycler status\n  metahostctl recycler status -o json",
		Args:    cobra.NoArgs,
		RunE:    report(get),
	}, &cobra.Command{
		Use:     "run",
		Short:   "Run a recycling round now (send it to the leader)",
		Example: "  metahostctl --addr 127.0.0.1:5000 recycler run",
		Args:    cobra.NoArgs,
		RunE:    report(request{method: http.MethodPost, path: "/v1/recycler/run"}),
	}, &cobra.Command{
		Use:     "retry INSTANCE",
		Short:   "Retry an instance the recycler refused",
		Example: "  metahostctl recycler retry instance_a",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.call(cmd, (*client).admin, request{method: http.MethodPost, path: "/v1/recycler/instances/" + url.PathEscape(args[0]) + "/retry"},
				e.say("instance %s will be recycled again", args[0]))
		},
	})
	var every time.Duration
	var prog string
	wait := &cobra.Command{
		Use:   "wait INSTANCE",
		Short: "Wait until a dropped instance is recycled, showing progress",
		Long: "Polls the recycler until the instance's state is done (exit 0) or refused (exit 1).\n" +
			"On a terminal the objects deleted so far are shown on stderr as they grow.",
		Example: "  metahostctl recycler wait instance_a\n  metahostctl recycler wait instance_a --every 500ms --progress never",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if every <= 0 {
				return usagef("--every must be positive")
			}
			live, err := progressWanted(prog, e)
			if err != nil {
				return err
			}
			for {
				st, b, err := fetch(cmd.Context(), get)
				if err != nil {
					return err
				}
				found := false
				for _, in := range st.Instances {
					if in.InstanceID != args[0] {
						continue
					}
					found = true
					if live {
						fmt.Fprintf(e.stderr, "\r%s: %s, %d objects deleted%s   ", in.InstanceID, in.State, in.Deleted, vaultNote(in.CurrentVault))
					}
					switch in.State {
					case "done":
						if live {
							fmt.Fprintln(e.stderr)
						}
						return show(b, st)
					case "refused":
						if live {
							fmt.Fprintln(e.stderr)
						}
						return &apiError{Status: http.StatusConflict, Code: "REFUSED", Message: "the recycler refused instance " + in.InstanceID + ": " + in.LastError}
					}
				}
				if !found {
					return &apiError{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "the recycler has no dropped instance " + args[0] + " (drop it first)"}
				}
				select {
				case <-cmd.Context().Done():
					return cmd.Context().Err()
				case <-time.After(every):
				}
			}
		},
	}
	wait.Flags().DurationVar(&every, "every", time.Second, "how often to poll")
	wait.Flags().StringVar(&prog, "progress", "auto", "progress on stderr: auto (when a terminal), always, never")
	c.AddCommand(wait)
	return c
}

func vaultNote(v string) string {
	if v == "" {
		return ""
	}
	return " (vault " + strings.TrimSpace(v) + ")"
}
