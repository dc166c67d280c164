package httpapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/metahost/metahost/host/raftstore"
)

// dataVersion names the on-disk format of the state file.
const dataVersion = "metahost-v1"

// adminNode is a node as Databend's admin API prints it.
type adminNode struct {
	Name     string       `json:"name"`
	Endpoint nodeEndpoint `json:"endpoint"`
	// GRPCAPIAdvertiseAddress is always null: metahost has no gRPC API.
	GRPCAPIAdvertiseAddress *string `json:"grpc_api_advertise_address"`
	// HTTPAPIAddress is where the node serves every HTTP surface.
	HTTPAPIAddress string `json:"http_api_address"`
}

type nodeEndpoint struct {
	Addr string `json:"addr"`
	Port uint16 `json:"port"`
}

// logID prints a log id in Databend's current shape plus the older
// `{"term","index"}` fields, so clients of either version read it.
type logID struct {
	LeaderID struct {
		Term   uint64 `json:"term"`
		NodeID uint64 `json:"node_id"`
	} `json:"leader_id"`
	Index uint64 `json:"index"`
	Term  uint64 `json:"term"`
}

func toLogID(l raftstore.LogID) logID {
	var out logID
	out.LeaderID.Term, out.LeaderID.NodeID, out.Index, out.Term = l.Term, l.Node, l.Index, l.Term
	return out
}

func toAdminNode(n raftstore.Node) adminNode {
	host, port, _ := net.SplitHostPort(n.RaftAddr)
	p, _ := strconv.ParseUint(port, 10, 16)
	return adminNode{Name: raftstore.IDString(n.ID), Endpoint: nodeEndpoint{Addr: host, Port: uint16(p)}, HTTPAPIAddress: n.HTTPAddr}
}

func toAdminNodes(ns []raftstore.Node) []adminNode {
	out := make([]adminNode, 0, len(ns))
	for _, n := range ns {
		out = append(out, toAdminNode(n))
	}
	return out
}

// clusterStatus is the body of /v1/cluster/status.
type clusterStatus struct {
	ID                uint64      `json:"id"`
	BinaryVersion     string      `json:"binary_version"`
	DataVersion       string      `json:"data_version"`
	Endpoint          *string     `json:"endpoint"`
	DBSize            int64       `json:"db_size"`
	RaftLogSize       int64       `json:"raft_log_size"`
	State             string      `json:"state"`
	IsLeader          bool        `json:"is_leader"`
	CurrentTerm       uint64      `json:"current_term"`
	LastLogIndex      uint64      `json:"last_log_index"`
	CommitIndex       uint64      `json:"commit_index"`
	LastApplied       logID       `json:"last_applied"`
	SnapshotLastLogID *logID      `json:"snapshot_last_log_id"`
	Leader            *adminNode  `json:"leader"`
	Voters            []adminNode `json:"voters"`
	NonVoters         []adminNode `json:"non_voters"`
	LastSeq           uint64      `json:"last_seq"`
}

func mountAdmin(r chi.Router, d Deps) {
	r.Get("/v1/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "pass"})
	})
	r.Get("/v1/config", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, d.Config)
	})
	r.Get("/v1/cluster/nodes", func(w http.ResponseWriter, r *http.Request) {
		voters, nonVoters := d.Store.Membership()
		writeJSON(w, http.StatusOK, toAdminNodes(append(voters, nonVoters...)))
	})
	r.Get("/v1/cluster/status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, buildStatus(d))
	})
	r.Handle("/v1/metrics", d.Metrics.Handler())

	r.Group(func(r chi.Router) {
		r.Use(requireToken(d.Token))
		snapshot := func(w http.ResponseWriter, r *http.Request) {
			if err := d.Store.TriggerSnapshot(); err != nil {
				writeAdminError(w, http.StatusInternalServerError, "INTERNAL", err.Error())
				return
			}
			writeJSON(w, http.StatusOK, nil)
		}
		r.Get("/v1/ctrl/trigger_snapshot", snapshot)
		r.Post("/v1/ctrl/trigger_snapshot", snapshot)
		transfer := func(w http.ResponseWriter, r *http.Request) { transferLeader(w, r, d) }
		r.Get("/v1/ctrl/trigger_transfer_leader", transfer)
		r.Post("/v1/ctrl/trigger_transfer_leader", transfer)
		r.Post("/v1/cluster/join", func(w http.ResponseWriter, r *http.Request) {
			var n raftstore.Node
			body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
			if err != nil || json.Unmarshal(body, &n) != nil {
				writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, `bad join request: want {"id":N,"raft_addr":"host:port","http_addr":"host:port"}`)
				return
			}
			if err := d.Store.Join(r.Context(), n); err != nil {
				writeStoreError(w, err)
				return
			}
			writeJSON(w, http.StatusOK, toAdminNode(n))
		})
		remove := func(w http.ResponseWriter, r *http.Request, raw string) {
			id, err := strconv.ParseUint(raw, 10, 64)
			if err != nil || id == 0 {
				writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, fmt.Sprintf("bad node id %q: want a positive integer", raw))
				return
			}
			if err := d.Store.RemoveNode(r.Context(), id); err != nil {
				writeStoreError(w, err)
				return
			}
			writeJSON(w, http.StatusOK, map[string]uint64{"removed": id})
		}
		r.Post("/v1/cluster/remove", func(w http.ResponseWriter, r *http.Request) { remove(w, r, r.URL.Query().Get("node_id")) })
		r.Delete("/v1/cluster/nodes/{id}", func(w http.ResponseWriter, r *http.Request) { remove(w, r, chi.URLParam(r, "id")) })

		r.HandleFunc("/debug/pprof/", pprof.Index)
		r.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		r.HandleFunc("/debug/pprof/profile", pprof.Profile)
		r.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		r.HandleFunc("/debug/pprof/trace", pprof.Trace)
		r.Handle("/debug/pprof/{name}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pprof.Handler(chi.URLParam(r, "name")).ServeHTTP(w, r)
		}))
	})
}

func buildStatus(d Deps) clusterStatus {
	st := d.Store.Stats()
	voters, nonVoters := d.Store.Membership()
	out := clusterStatus{
		ID:            st.ID,
		BinaryVersion: d.Version,
		DataVersion:   dataVersion,
		DBSize:        st.RaftLogSize + st.StateSize,
		RaftLogSize:   st.RaftLogSize,
		State:         st.State,
		IsLeader:      st.State == "Leader",
		CurrentTerm:   st.Term,
		LastLogIndex:  st.LastLogIndex,
		CommitIndex:   st.CommitIndex,
		LastApplied:   toLogID(st.LastApplied),
		Voters:        toAdminNodes(voters),
		NonVoters:     toAdminNodes(nonVoters),
		LastSeq:       st.LastSeq,
	}
	self := d.Store.RaftAddr()
	out.Endpoint = &self
	if st.Snapshot != nil {
		l := toLogID(*st.Snapshot)
		out.SnapshotLastLogID = &l
	}
	if leader, ok := d.Store.Leader(); ok {
		n := toAdminNode(leader)
		out.Leader = &n
	}
	return out
}

func transferLeader(w http.ResponseWriter, r *http.Request, d Deps) {
	st := d.Store.Stats()
	voters, _ := d.Store.Membership()
	ids := make([]uint64, 0, len(voters))
	for _, v := range voters {
		ids = append(ids, v.ID)
	}
	if st.State != "Leader" {
		writeAdminError(w, http.StatusNotFound, raftstore.CodeNotLeader,
			fmt.Sprintf("node %d is not the leader; current leader: %d; voter ids: %v", st.ID, st.LeaderID, ids))
		return
	}
	var to uint64
	if raw := r.URL.Query().Get("to"); raw != "" {
		v, err := strconv.ParseUint(raw, 10, 64)
		if err != nil {
			writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, fmt.Sprintf("bad node id %q", raw))
			return
		}
		to = v
	} else {
		// Databend's default: the voter after this node, wrapping around.
		for i, id := range ids {
			if id == st.ID && len(ids) > 1 {
				to = ids[(i+1)%len(ids)]
			}
		}
	}
	if to == 0 || to == st.ID {
		writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, "no other voter to transfer leadership to")
		return
	}
	if err := d.Store.TransferLeadership(to); err != nil {
		writeStoreError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": st.ID, "to": to, "voter_ids": ids})
}
