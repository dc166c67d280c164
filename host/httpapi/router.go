// Package httpapi serves metahost's HTTP surfaces on one listener: the
// Databend-compatible admin API, the KV API and the node-to-node internal
// endpoints. Each surface lives in its own file and answers errors in its
// own format.
package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/auth"
	"github.com/metahost/metahost/host/compaction"
	"github.com/metahost/metahost/host/kv"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/metrics"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/recycler"
	"github.com/metahost/metahost/host/secrets"
	"github.com/metahost/metahost/host/tablet"
	tsdbstore "github.com/metahost/metahost/host/tsdb/store"
	"github.com/metahost/metahost/host/vault"
)

// Deps is what the surfaces need.
type Deps struct {
	// Store is the node's replicated state.
	Store *raftstore.Store
	// KV is the key-value service over Store.
	KV *kv.Service
	// Meta is the Doris meta-service domain.
	Meta *meta.Service
	// Tablet is the tablet, rowset, txn and compaction-job service.
	Tablet *tablet.Service
	// TSDB is the OpenTSDB last-point service (nil: /api/ not served).
	TSDB *tsdbstore.Service
	// Validate runs the validators bound to the KV and compute-node
	// mutations (nil: none).
	Validate ValidateFunc
	// TSDBOpt configures the OpenTSDB surface.
	TSDBOpt TSDBOptions
	// RootKey returns the cluster's root key, handed to joining nodes.
	RootKey func() []byte
	// Compaction serves the Doris BE compaction API (nil: not mounted).
	Compaction *compaction.Scheduler
	// Plugins serves /v1/plugins (nil: not mounted).
	Plugins *PluginDeps
	// Vaults resolves instances' vaults for /v1/vaults (nil: not mounted).
	Vaults *vault.Resolver
	// Recycler serves /v1/recycler (nil: not mounted).
	Recycler *recycler.Recycler
	// Metrics is the node's registry.
	Metrics *metrics.Registry
	// Token guards mutating and data calls.
	Token auth.Token
	// Logger receives request logs (never tokens or query strings).
	Logger hclog.Logger
	// Version is the binary version.
	Version string
	// Config is the effective configuration, shown by /v1/config. It must
	// already have its secrets redacted.
	Config any
}

// NewRouter builds the handler for every surface.
func NewRouter(d Deps) http.Handler {
	r := chi.NewRouter()
	r.Use(recoverer(d.Logger))
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeAdminError(w, http.StatusNotFound, "NOT_FOUND", "no such endpoint: "+r.URL.Path)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeAdminError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", r.Method+" is not allowed on "+r.URL.Path)
	})
	r.Group(func(r chi.Router) {
		r.Use(instrument("admin", d))
		mountAdmin(r, d)
	})
	r.Group(func(r chi.Router) {
		r.Use(instrument("plugins", d))
		mountPlugins(r, d)
		mountVaults(r, d)
	})
	r.Group(func(r chi.Router) {
		r.Use(instrument("admin", d))
		mountRecycler(r, d)
	})
	r.Group(func(r chi.Router) {
		r.Use(instrument("compaction", d))
		mountCompaction(r, d)
	})
	r.Group(func(r chi.Router) {
		r.Use(instrument("kv", d))
		mountKV(r, d)
	})
	r.Group(func(r chi.Router) {
		r.Use(instrument("metaservice", d))
		mountMetaService(r, d)
		mountBRPC(r, d)
		r.Get("/rest/v2/manager/cluster/cluster_info/cloud_cluster_status", cloudClusterStatus(d))
	})
	r.Group(func(r chi.Router) {
		r.Use(instrument("tsdb", d))
		mountTSDB(r, d)
	})
	r.With(requireToken(d.Token)).Get("/internal/v1/root-key", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"root_key": secrets.FormatKey(d.RootKey())})
	})
	r.Mount("/internal", d.Store.InternalHandler(d.Token))
	return r
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Flush lets streaming handlers (pprof) flush through the recorder.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// instrument logs and counts requests of one surface. It logs the path only:
// query strings may carry tokens.
func instrument(surface string, d Deps) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			el := time.Since(start)
			if d.Metrics != nil {
				d.Metrics.ObserveHTTP(surface, rec.status, el)
			}
			lvl := hclog.Debug
			if rec.status >= 500 {
				lvl = hclog.Warn
			}
			d.Logger.Log(lvl, "http request", "surface", surface, "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", el)
		})
	}
}

// recoverer turns a handler panic into a 500 without a stack trace in the
// response; the stack goes to the log.
func recoverer(logger hclog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					logger.Error("handler panic", "path", r.URL.Path, "panic", v)
					writeAdminError(w, http.StatusInternalServerError, "INTERNAL", "internal error")
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// requireToken rejects requests without the configured token.
func requireToken(tok auth.Token) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !tok.Check(auth.FromRequest(r)) {
				writeAdminError(w, http.StatusUnauthorized, "UNAUTHORIZED", "missing or invalid token")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// adminError is the error body of the admin and KV surfaces.
type adminError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeAdminError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, adminError{Code: code, Message: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeStoreError answers an error from the store in the admin format.
func writeStoreError(w http.ResponseWriter, err error) {
	var e *raftstore.Error
	if !errors.As(err, &e) {
		writeAdminError(w, http.StatusInternalServerError, "INTERNAL", err.Error())
		return
	}
	status := http.StatusInternalServerError
	switch e.Code {
	case raftstore.CodeInvalid:
		status = http.StatusBadRequest
	case raftstore.CodeNotFound:
		status = http.StatusNotFound
	case "ALREADY_EXISTS", "CONFLICT":
		status = http.StatusConflict
	case raftstore.CodeNotLeader:
		status = http.StatusMisdirectedRequest
	case "UNAVAILABLE":
		status = http.StatusServiceUnavailable
	}
	writeAdminError(w, status, e.Code, e.Message)
}
