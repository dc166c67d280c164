// Package metrics builds metahost's Prometheus registry: the Databend
// `metasrv_*` names that map onto hashicorp/raft, `metahost_*` names for the
// rest, and the Go runtime and process collectors. Values are read from the
// store at scrape time, so they are never stale.
package metrics

import (
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/metahost/metahost/host/raftstore"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds every metric of one server.
type Registry struct {
	reg *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
}

// New builds the registry for a node's store. version is the binary version
// reported by metasrv_server_version.
func New(store *raftstore.Store, version string) *Registry {
	reg := prometheus.NewRegistry()
	r := &Registry{reg: reg}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	gauge := func(name, help string, f func(raftstore.Stats) float64) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(store.Stats()) }))
	}
	counter := func(name, help string, f func(raftstore.Stats) float64) {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return f(store.Stats()) }))
	}
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}

	gauge("metasrv_server_current_leader_id", "Id of the current raft leader (0 when none is known).", func(s raftstore.Stats) float64 { return float64(s.LeaderID) })
	gauge("metasrv_server_is_leader", "1 if this node is the raft leader.", func(s raftstore.Stats) float64 { return b2f(s.LeaderID == s.ID && s.State == "Leader") })
	gauge("metasrv_server_node_is_health", "1 if this node is a raft follower or leader.", func(s raftstore.Stats) float64 { return b2f(s.State == "Leader" || s.State == "Follower") })
	counter("metasrv_server_leader_changes_total", "Leader changes observed by this node.", func(s raftstore.Stats) float64 { return float64(s.LeaderChanges) })
	gauge("metasrv_server_applying_snapshot", "1 while this node is writing a snapshot.", func(s raftstore.Stats) float64 { return float64(s.SnapshotBuilding) })
	gauge("metasrv_server_raft_log_size", "Bytes of the raft log store on disk.", func(s raftstore.Stats) float64 { return float64(s.RaftLogSize) })
	gauge("metasrv_server_last_log_index", "Last index appended to the local raft log.", func(s raftstore.Stats) float64 { return float64(s.LastLogIndex) })
	gauge("metasrv_server_last_seq", "Last sequence number handed to a state write.", func(s raftstore.Stats) float64 { return float64(s.LastSeq) })
	gauge("metasrv_server_current_term", "Current raft term.", func(s raftstore.Stats) float64 { return float64(s.Term) })
	gauge("metasrv_server_proposals_applied", "Last raft index applied to the state machine.", func(s raftstore.Stats) float64 { return float64(s.LastApplied.Index) })
	gauge("metasrv_server_proposals_pending", "Commands proposed on this node and not yet committed.", func(s raftstore.Stats) float64 { return float64(s.ProposalsPending) })
	counter("metasrv_server_proposals_failed_total", "Commands that failed to commit on this node.", func(s raftstore.Stats) float64 { return float64(s.ProposalsFailed) })
	gauge("metasrv_raft_storage_snapshot_building", "Snapshot builds running on this node.", func(s raftstore.Stats) float64 { return float64(s.SnapshotBuilding) })

	gauge("metahost_raft_commit_index", "Last raft index known to be committed.", func(s raftstore.Stats) float64 { return float64(s.CommitIndex) })
	gauge("metahost_raft_first_log_index", "Oldest raft index still in the log.", func(s raftstore.Stats) float64 { return float64(s.FirstLogIndex) })
	gauge("metahost_state_size_bytes", "Bytes of the state machine file on disk.", func(s raftstore.Stats) float64 { return float64(s.StateSize) })
	counter("metahost_fsm_batches_total", "Batches of committed entries applied (one write transaction each).", func(s raftstore.Stats) float64 { return float64(s.Batches) })
	counter("metahost_fsm_commands_total", "Commands applied to the state machine.", func(s raftstore.Stats) float64 { return float64(s.Commands) })
	counter("metahost_fsm_rejected_total", "Commands rejected by their handler (no state change).", func(s raftstore.Stats) float64 { return float64(s.Rejected) })
	counter("metahost_snapshot_written_bytes_total", "Bytes written to snapshots by this node.", func(s raftstore.Stats) float64 { return float64(s.SnapshotBytes) })
	counter("metahost_snapshot_restores_total", "Snapshots installed into the state machine by this node.", func(s raftstore.Stats) float64 { return float64(s.Restores) })

	ver := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "metasrv_server_version", Help: "Binary version of this node (value is always 1)."}, []string{"component", "semver", "sha"})
	ver.WithLabelValues("metahost", version, vcsRevision()).Set(1)
	reg.MustRegister(ver)

	counter("metasrv_server_read_failed_total", "Linearizable reads that failed their read barrier.", func(s raftstore.Stats) float64 { return float64(s.ReadFailed) })
	r.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "metahost_http_requests_total", Help: "HTTP requests served, by API surface and status code."}, []string{"surface", "code"})
	r.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "metahost_http_request_duration_seconds", Help: "HTTP request latency by API surface.", Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10)}, []string{"surface"})
	reg.MustRegister(r.httpRequests, r.httpDuration)
	return r
}

// Prometheus returns the underlying registry so other packages can register
// their own collectors.
func (r *Registry) Prometheus() *prometheus.Registry { return r.reg }

// Handler serves the registry in the Prometheus text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// ObserveHTTP records one served request.
func (r *Registry) ObserveHTTP(surface string, code int, d time.Duration) {
	r.httpRequests.WithLabelValues(surface, strconv.Itoa(code)).Inc()
	r.httpDuration.WithLabelValues(surface).Observe(d.Seconds())
}

func vcsRevision() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}
