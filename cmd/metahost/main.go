// Command metahost runs a metahost node.
//
//	metahost serve [flags]   start a node (no flags: the embedded single-node default)
//	metahost version         print the version
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/server"
)

// version is set at link time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{"serve"}
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "metahost", version)
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "metahost: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: metahost <command> [flags]

commands:
  serve     run a node; with no flags, the embedded single-node default
            (node 1, data in ./metahost-data, HTTP on 127.0.0.1:5000)
  version   print the version

run 'metahost serve -h' for the flags.
`)
}

func serve(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := server.Default()
	configPath := fs.String("config", "", "TOML config file (flags override it)")
	nodeID := fs.Uint64("node-id", def.NodeID, "this node's id, a positive integer")
	dataDir := fs.String("data-dir", def.DataDir, "directory for the raft log, snapshots and state")
	httpAddr := fs.String("http-addr", def.HTTPAddr, "host:port for every HTTP surface")
	httpAdv := fs.String("http-advertise", "", "HTTP address other nodes use to reach this one (default: --http-addr)")
	raftAddr := fs.String("raft-addr", def.RaftAddr, "host:port of the raft transport (listened on and advertised)")
	join := fs.String("join", "", "HTTP address of any member of the cluster to join (used only with an empty data dir)")
	token := fs.String("token", "", "shared token (default: $METAHOST_TOKEN, else Doris's greedisgood9999)")
	logLevel := fs.String("log-level", def.LogLevel, "trace, debug, info, warn or error")
	logJSON := fs.Bool("log-json", false, "write logs as JSON lines")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: metahost serve [flags]\n\nexample: metahost serve --node-id 2 --http-addr 127.0.0.1:5010 --raft-addr 127.0.0.1:5011 --join 127.0.0.1:5000\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "metahost serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}

	cfg := def
	if *configPath != "" {
		if err := cfg.LoadFile(*configPath); err != nil {
			fmt.Fprintln(stderr, "metahost:", err)
			return 2
		}
	}
	cfg.LoadEnv()
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "node-id":
			cfg.NodeID = *nodeID
		case "data-dir":
			cfg.DataDir = *dataDir
		case "http-addr":
			cfg.HTTPAddr = *httpAddr
		case "http-advertise":
			cfg.HTTPAdvertise = *httpAdv
		case "raft-addr":
			cfg.RaftAddr = *raftAddr
		case "join":
			cfg.Join = *join
		case "token":
			cfg.Token = *token
		case "log-level":
			cfg.LogLevel = *logLevel
		case "log-json":
			cfg.LogJSON = *logJSON
		}
	})
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, "metahost: invalid configuration:", err)
		return 2
	}
	logger := hclog.New(&hclog.LoggerOptions{
		Name:       "metahost",
		Level:      hclog.LevelFromString(cfg.LogLevel),
		JSONFormat: cfg.LogJSON,
		Output:     stderr,
	})

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.Start(ctx, cfg, version, logger)
	if err != nil {
		logger.Error("failed to start", "error", err)
		return 1
	}
	werr := srv.Wait(ctx)
	logger.Info("shutting down")
	if err := srv.Close(); err != nil {
		logger.Error("shutdown", "error", err)
		return 1
	}
	if werr != nil {
		logger.Error("server failed", "error", werr)
		return 1
	}
	return 0
}
