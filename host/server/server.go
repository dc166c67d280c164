package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/auth"
	"github.com/metahost/metahost/host/httpapi"
	"github.com/metahost/metahost/host/kv"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/metrics"
	"github.com/metahost/metahost/host/plugin/catalog"
	"github.com/metahost/metahost/host/plugin/manager"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/recycler"
	"github.com/metahost/metahost/host/secrets"
	"github.com/metahost/metahost/host/tablet"
	tsdbstore "github.com/metahost/metahost/host/tsdb/store"
	"github.com/metahost/metahost/host/vault"
)

// Server is one running metahost node.
type Server struct {
	cfg      Config
	logger   hclog.Logger
	store    *raftstore.Store
	http     *http.Server
	listener net.Listener
	served   chan error
	lock     *dirLock
	plugins  *manager.Manager
	// tsdbAddr is the optional extra OpenTSDB listener; tsdbStop stops it
	// and the retention loop.
	tsdbAddr string
	tsdbStop func(context.Context) error
	// compactionStop stops the compaction scheduler.
	compactionStop func()
	// recyclerStop stops the recycler.
	recyclerStop func()
	// preloadStop stops the background load of the bound plugins.
	preloadStop func()
}

// identity is written into the data dir on first start so a data dir cannot
// be reused by another node id by mistake.
type identity struct {
	NodeID uint64 `json:"node_id"`
}

// Option adjusts how a server starts.
type Option func(*options)

type options struct {
	clock func() time.Time
}

// WithClock replaces the wall clock (tests use it to control the time
// commands are stamped with and the time queries see).
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// Start opens the store, starts the HTTP listener and, for an empty data dir
// with cfg.Join, joins the cluster. It returns once the node serves.
func Start(ctx context.Context, cfg Config, version string, logger hclog.Logger, opts ...Option) (*Server, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	lock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	started := false
	defer func() {
		if !started {
			lock.release()
		}
	}()
	if err := checkIdentity(cfg); err != nil {
		return nil, err
	}
	if cfg.Token == DefaultToken {
		logger.Warn("using Doris's default token greedisgood9999; set --token or METAHOST_TOKEN for anything but a local trial")
	}
	rootKey, err := loadRootKey(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	keyring, err := secrets.New(rootKey)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	handlers := raftstore.Handlers{}
	kv.Register(handlers)
	catalog.Register(handlers)
	metaSvc := meta.New(keyring, cfg.Meta.metaConfig())
	metaSvc.Register(handlers)
	tabletSvc := tablet.New(metaSvc.Config())
	tabletSvc.Register(handlers)
	tsdbSvc := tsdbstore.New(cfg.TSDB.storeConfig(), logger.Named("tsdb"))
	tsdbSvc.Register(handlers)
	recycler.Register(handlers)
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
		Clock:             o.clock,
	})
	if err != nil {
		ln.Close()
		return nil, err
	}
	metaSvc.Attach(store)
	pluginDeps, pluginMgr, err := startPlugins(cfg, store, logger.Named("plugins"))
	if err != nil {
		store.Close()
		ln.Close()
		return nil, err
	}
	metaSvc.AddValidator(metaValidators{mgr: pluginMgr})
	vaults := newVaultResolver(cfg, metaSvc, pluginMgr)
	metaSvc.AddValidator(&vault.Prober{Resolver: vaults, Keys: keyring, OnCreate: cfg.Vault.ProbeOnCreate})
	tabletSvc.Attach(store)
	tsdbSvc.Attach(store)
	sched, compactionStop := startCompaction(cfg, tabletSvc, store, pluginDeps, vaults, logger.Named("compaction"))
	rec, recyclerStop := startRecycler(cfg, store, metaSvc, vaults, pluginDeps, logger.Named("recycler"))
	validate := surfaceValidators(pluginMgr)
	tsdbOpts := httpapi.TSDBOptions{RequireToken: cfg.TSDB.RequireToken, MaxBody: cfg.TSDB.MaxBodyBytes, Validate: validate}
	tok := auth.NewToken(cfg.Token)
	reg := metrics.New(store, version)
	reg.Prometheus().MustRegister(pluginMgr.Collector())
	reg.Prometheus().MustRegister(rec.Collectors()...)
	router := httpapi.NewRouter(httpapi.Deps{
		Store:      store,
		KV:         kv.New(store),
		Meta:       metaSvc,
		Plugins:    pluginDeps,
		Tablet:     tabletSvc,
		TSDB:       tsdbSvc,
		Compaction: sched,
		Recycler:   rec,
		Vaults:     vaults,
		TSDBOpt:    tsdbOpts,
		Validate:   validate,
		RootKey:    func() []byte { return rootKey },
		Metrics:    reg,
		Token:      tok,
		Logger:     logger.Named("http"),
		Version:    version,
		Config:     cfg,
	})
	s := &Server{
		cfg:            cfg,
		logger:         logger,
		store:          store,
		listener:       ln,
		served:         make(chan error, 1),
		lock:           lock,
		plugins:        pluginMgr,
		compactionStop: compactionStop,
		recyclerStop:   recyclerStop,
		http: &http.Server{
			Handler:           vault.QueryFlag(router),
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			ErrorLog:          logger.Named("http").StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}),
		},
	}
	go func() { s.served <- s.http.Serve(ln) }()
	if s.tsdbAddr, s.tsdbStop, err = startTSDB(cfg, tsdbSvc, httpapi.NewTSDBHandler(tsdbSvc, tok, tsdbOpts, version, logger.Named("tsdb"))); err != nil {
		s.Close()
		return nil, err
	}

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
	started = true
	logger.Info("metahost is serving", "node", cfg.NodeID, "http", ln.Addr().String(), "raft", cfg.RaftAddr, "data_dir", cfg.DataDir)
	s.preloadStop = preloadPlugins(pluginMgr)
	return s, nil
}

// preloadPlugins loads the bound plugins in the background (see manager.Preload); the returned
// function stops it and waits.
func preloadPlugins(mgr *manager.Manager) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		mgr.Preload(ctx)
	}()
	return func() { cancel(); <-done }
}

// startTSDB starts the last-point retention loop and, when configured, the
// extra OpenTSDB listener; the returned function stops both.
func startTSDB(cfg Config, svc *tsdbstore.Service, h http.Handler) (string, func(context.Context) error, error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx) }()
	stopLoop := func() { cancel(); <-done }
	if cfg.TSDB.ListenAddr == "" {
		return "", func(context.Context) error { stopLoop(); return nil }, nil
	}
	addr, shutdown, err := httpapi.ServeTSDB(cfg.TSDB.ListenAddr, h, hclog.NewNullLogger())
	if err != nil {
		stopLoop()
		return "", nil, err
	}
	return addr, func(ctx context.Context) error { stopLoop(); return shutdown(ctx) }, nil
}

// TSDBAddr returns the address of the extra OpenTSDB listener ("" if none).
func (s *Server) TSDBAddr() string { return s.tsdbAddr }

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
	if s.compactionStop != nil {
		s.compactionStop()
	}
	if s.recyclerStop != nil {
		s.recyclerStop()
	}
	if s.tsdbStop != nil {
		herr = errors.Join(herr, s.tsdbStop(ctx))
	}
	if s.preloadStop != nil {
		s.preloadStop()
	}
	perr := s.plugins.Close(ctx)
	serr := s.store.Close()
	lerr := s.lock.release()
	s.logger.Info("metahost stopped", "node", s.cfg.NodeID)
	return errors.Join(herr, perr, serr, lerr)
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

// loadRootKey returns the cluster's root key: from the configuration, else
// from <data_dir>/root.key, else fetched from the member given by --join
// (for a node joining with an empty data dir), else newly generated. A key
// obtained any way but the configuration is saved into the data dir.
func loadRootKey(ctx context.Context, cfg Config, logger hclog.Logger) ([]byte, error) {
	if cfg.RootKey != "" {
		return secrets.ParseKey(cfg.RootKey)
	}
	path := filepath.Join(cfg.DataDir, "root.key")
	k, err := secrets.LoadFile(path)
	if err == nil {
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if cfg.Join != "" {
		k, err = fetchRootKey(ctx, cfg)
		if err != nil {
			return nil, err
		}
		logger.Info("fetched the cluster root key", "from", cfg.Join)
	} else {
		if k, err = secrets.GenerateKey(); err != nil {
			return nil, err
		}
		logger.Info("generated a new root key for secrets at rest", "path", path)
	}
	return k, secrets.WriteFile(path, k)
}

// fetchRootKey asks a member for the root key, retrying while it is not
// reachable yet.
func fetchRootKey(ctx context.Context, cfg Config) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	client := &http.Client{Timeout: 10 * time.Second}
	delay := 200 * time.Millisecond
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+cfg.Join+"/internal/v1/root-key", nil)
		if err != nil {
			return nil, fmt.Errorf("join address %q: %w", cfg.Join, err)
		}
		req.Header.Set(auth.HeaderToken, cfg.Token)
		resp, err := client.Do(req)
		if err == nil {
			var body struct {
				RootKey string `json:"root_key"`
			}
			derr := json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&body)
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusOK && derr == nil:
				return secrets.ParseKey(body.RootKey)
			case resp.StatusCode == http.StatusUnauthorized:
				return nil, fmt.Errorf("join via %s refused: wrong token", cfg.Join)
			case resp.StatusCode < 500:
				return nil, fmt.Errorf("fetch root key from %s: %s", cfg.Join, resp.Status)
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("fetch root key from %s: %w", cfg.Join, ctx.Err())
		case <-time.After(delay):
		}
		if delay < 2*time.Second {
			delay *= 2
		}
	}
}
