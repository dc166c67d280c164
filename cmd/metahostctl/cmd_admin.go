package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// adminNode is a node as /v1/cluster/nodes and /v1/cluster/status print it.
type adminNode struct {
	Name     string `json:"name"`
	Endpoint struct {
		Addr string `json:"addr"`
		Port uint16 `json:"port"`
	} `json:"endpoint"`
	HTTPAPIAddress string `json:"http_api_address"`
}

func (n adminNode) raftAddr() string {
	return n.Endpoint.Addr + ":" + strconv.Itoa(int(n.Endpoint.Port))
}

func (n adminNode) String() string {
	return fmt.Sprintf("%s (raft %s, http %s)", n.Name, n.raftAddr(), n.HTTPAPIAddress)
}

// clusterStatus is the part of /v1/cluster/status the table shows.
type clusterStatus struct {
	ID           uint64 `json:"id"`
	Binary       string `json:"binary_version"`
	State        string `json:"state"`
	CurrentTerm  uint64 `json:"current_term"`
	LastLogIndex uint64 `json:"last_log_index"`
	CommitIndex  uint64 `json:"commit_index"`
	LastApplied  struct {
		Index uint64 `json:"index"`
		Term  uint64 `json:"term"`
	} `json:"last_applied"`
	Snapshot *struct {
		Index uint64 `json:"index"`
	} `json:"snapshot_last_log_id"`
	Leader    *adminNode  `json:"leader"`
	Voters    []adminNode `json:"voters"`
	NonVoters []adminNode `json:"non_voters"`
	LastSeq   uint64      `json:"last_seq"`
	DBSize    int64       `json:"db_size"`
}

func statusCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "status",
		Short:   "Show this node's raft status (id, state, leader, term, log, applied, voters)",
		Example: "  metahostctl status\n  metahostctl --addr 127.0.0.1:5010 status -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.call(cmd, (*client).admin, request{method: http.MethodGet, path: "/v1/cluster/status"}, func(b json.RawMessage) error {
				var st clusterStatus
				if err := decode(b, &st); err != nil {
					return err
				}
				w := e.table()
				row(w, "ID:", st.ID)
				row(w, "State:", st.State)
				leader := "(none)"
				if st.Leader != nil {
					leader = st.Leader.String()
				}
				row(w, "Leader:", leader)
				row(w, "Term:", st.CurrentTerm)
				row(w, "Last log index:", st.LastLogIndex)
				row(w, "Commit index:", st.CommitIndex)
				row(w, "Applied:", fmt.Sprintf("%d (term %d)", st.LastApplied.Index, st.LastApplied.Term))
				snap := "(none)"
				if st.Snapshot != nil {
					snap = strconv.FormatUint(st.Snapshot.Index, 10)
				}
				row(w, "Snapshot:", snap)
				row(w, "Last seq:", st.LastSeq)
				row(w, "DB size:", st.DBSize)
				row(w, "Binary:", st.Binary)
				row(w, "Voters:", nodeList(st.Voters))
				row(w, "Non-voters:", nodeList(st.NonVoters))
				return w.Flush()
			})
		},
	}
}

func nodeList(ns []adminNode) string {
	if len(ns) == 0 {
		return "(none)"
	}
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.String()
	}
	return strings.Join(s, ", ")
}

func membersCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:     "members",
		Short:   "List, add and remove raft members",
		Example: "  metahostctl members list\n  metahostctl members add --id 2 --raft-addr 127.0.0.1:5011 --http-addr 127.0.0.1:5010\n  metahostctl members remove 2",
	}
	c.AddCommand(&cobra.Command{
		Use:     "list",
		Short:   "List the cluster's members",
		Example: "  metahostctl members list",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.call(cmd, (*client).admin, request{method: http.MethodGet, path: "/v1/cluster/nodes"}, func(b json.RawMessage) error {
				var ns []adminNode
				if err := decode(b, &ns); err != nil {
					return err
				}
				w := e.table("ID", "RAFT ADDR", "HTTP ADDR")
				for _, n := range ns {
					row(w, n.Name, n.raftAddr(), n.HTTPAPIAddress)
				}
				return w.Flush()
			})
		},
	})
	var id uint64
	var raftAddr, httpAddr string
	add := &cobra.Command{
		Use:   "add --id N --raft-addr HOST:PORT --http-addr HOST:PORT",
		Short: "Add a running, empty node as a voter",
		Long: `Add a node as a voter (/v1/cluster/join). The node must run and answer on both addresses;
the leader checks that before adding it. A node started with metahost serve --join makes this
call itself; use members add to re-add a removed node that still runs with its data.`,
		Example: "  metahostctl members add --id 2 --raft-addr 127.0.0.1:5011 --http-addr 127.0.0.1:5010",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if id == 0 || raftAddr == "" || httpAddr == "" {
				return usagef("--id, --raft-addr and --http-addr are required")
			}
			body, _ := json.Marshal(map[string]any{"id": id, "raft_addr": raftAddr, "http_addr": httpAddr})
			return e.call(cmd, (*client).admin, request{method: http.MethodPost, path: "/v1/cluster/join", body: body, ctype: "application/json"},
				e.say("added node %d (raft %s, http %s)", id, raftAddr, httpAddr))
		},
	}
	add.Flags().Uint64Var(&id, "id", 0, "raft id of the new node")
	add.Flags().StringVar(&raftAddr, "raft-addr", "", "raft address of the new node")
	add.Flags().StringVar(&httpAddr, "http-addr", "", "HTTP address of the new node")
	c.AddCommand(add)
	c.AddCommand(&cobra.Command{
		Use:     "remove ID",
		Short:   "Remove a member from the cluster",
		Example: "  metahostctl members remove 3",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if n, err := strconv.ParseUint(args[0], 10, 64); err != nil || n == 0 {
				return usagef("node id %q: want a positive integer", args[0])
			}
			return e.call(cmd, (*client).admin, request{method: http.MethodPost, path: "/v1/cluster/remove", query: url.Values{"node_id": {args[0]}}},
				e.say("removed node %s", args[0]))
		},
	})
	return c
}

func snapshotCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "snapshot",
		Short:   "Take a raft snapshot on this node now",
		Example: "  metahostctl snapshot\n  metahostctl --addr 127.0.0.1:5010 snapshot",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.call(cmd, (*client).admin, request{method: http.MethodPost, path: "/v1/ctrl/trigger_snapshot"},
				e.say("snapshot taken on %s", e.addr))
		},
	}
}
