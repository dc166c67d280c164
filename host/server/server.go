package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/auth"
	"github.com/metahost/metahost/host/httpapi"
	"github.com/metahost/metahost/host/kv"
	"github.com/metahost/metahost/host/metrics"
	"github.com/metahost/metahost/host/raftstore"
)

// Server is one running metahost node.
type Server struct {
	cfg      Config
	logger   hclog.Logger
	store    *raftstore.Store
	http     *http.Server
	listener net.Listener
	served   chan error
}

// identity is written into the data dir on first start so a data dir cannot
// be reused by another node id by mistake.
type identity struct {
	NodeID uint64 `json:"node_id"`
}

// Start opens the store, starts the HTTP listener and, for an empty data dir
// with cfg.Join, joins the cluster. It returns once the node serves.
func Start(ctx context.Context, cfg Config, version string, logger hclog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	if err := checkIdentity(cfg); err != nil {
		return nil, err
	}
	if cfg.Token == DefaultToken {
		logger.Warn("using Doris's default token greedisgood9999; set --token or METAHOST_TOKEN for anything but a local trial")
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	handlers := raftstore.Handlers{}
	kv.Register(handlers)
	store, err := raftstore.Open(raftstore.Config{
		NodeID:            cfg.NodeID,
		DataDir:           cfg.DataDir,
		RaftAddr:          cfg.RaftAddr,
		HTTPAddr:          cfg.Advertise(),
		Token:             cfg.Token,
		Handlers:          handlers,
		Logger:            logger.Named("store"),
		Bootstrap:         cfg.Join == "",
		SnapshotThreshold: cfg.Raft.SnapshotThreshold,
		TrailingLogs:      cfg.Raft.TrailingLogs,
		HeartbeatTimeout:  cfg.Raft.HeartbeatTimeout.Duration,
	})
	if err != nil {
		ln.Close()
		return nil, err
	}
	tok := auth.NewToken(cfg.Token)
	reg := metrics.New(store, version)
	router := httpapi.NewRouter(httpapi.Deps{
		Store:   store,
		KV:      kv.New(store),
		Metrics: reg,
		Token:   tok,
		Logger:  logger.Named("http"),
		Version: version,
		Config:  cfg,
	})
	s := &Server{
		cfg:      cfg,
		logger:   logger,
		store:    store,
		listener: ln,
		served:   make(chan error, 1),
		http: &http.Server{
			Handler:           router,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			ErrorLog:          logger.Named("http").StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}),
		},
	}
	go func() { s.served <- s.http.Serve(ln) }()

	if !store.HasState() {
		if cfg.Join == "" {
			s.Close()
			return nil, errors.New("data dir has no cluster state and no --join address was given")
		}
		jctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err := store.JoinVia(jctx, cfg.Join)
		cancel()
		if err != nil {
			s.Close()
			return nil, err
		}
	}
	logger.Info("metahost is serving", "node", cfg.NodeID, "http", ln.Addr().String(), "raft", cfg.RaftAddr, "data_dir", cfg.DataDir)
	return s, nil
}

// Addr returns the address the HTTP listener is bound to.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// Store returns the node's store.
func (s *Server) Store() *raftstore.Store { return s.store }

// Wait blocks until ctx is done or the HTTP server fails.
func (s *Server) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-s.served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("http server: %w", err)
	}
}

// Close stops the node gracefully: it stops accepting requests, lets running
// ones finish (up to 10 s), hands leadership over and closes the store.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	herr := s.http.Shutdown(ctx)
	serr := s.store.Close()
	s.logger.Info("metahost stopped", "node", s.cfg.NodeID)
	return errors.Join(herr, serr)
}

func checkIdentity(cfg Config) error {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(cfg.DataDir, "node.json")
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		var id identity
		if err := json.Unmarshal(b, &id); err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if id.NodeID != cfg.NodeID {
			return fmt.Errorf("data dir %s belongs to node %d, not node %d", cfg.DataDir, id.NodeID, cfg.NodeID)
		}
		return nil
	case errors.Is(err, os.ErrNotExist):
		b, _ := json.Marshal(identity{NodeID: cfg.NodeID})
		return os.WriteFile(path, b, 0o600)
	default:
		return fmt.Errorf("read %s: %w", path, err)
	}
}
