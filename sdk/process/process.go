// Package process lets a plugin author serve a metahost plugin as an
// out-of-process binary over hashicorp/go-plugin (gRPC, AutoMTLS), and lets
// the host talk to it. The same Handler serves every plugin kind: the host
// calls named operations with opaque payloads, and the typed SDK packages
// (policies, validators, providers) sit on top.
//
// A plugin's main is one line:
//
//	func main() { process.Serve(myHandler{}) }
//
// Rules go-plugin imposes, enforced or eased here: stdout belongs to the
// handshake (log to stderr; Serve's logger does), the process must not
// outlive the host (Serve exits when its parent goes away), and a binary run
// by hand explains itself instead of hanging.
package process

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/metahost/metahost/sdk/pluginpb"
	"google.golang.org/grpc"
)

// ProtocolVersion is the major protocol version: host and plugin must agree
// on it during the handshake.
const ProtocolVersion = 1

// ProtocolMinor is the additive revision of the protocol this package
// speaks; the host logs it and never refuses a plugin over it.
const ProtocolMinor = 0

// pluginKey names the one plugin every metahost plugin binary serves.
const pluginKey = "metahost"

// Handshake returns the go-plugin handshake shared by host and plugins. The
// cookie only stops a plugin binary from being run by hand by mistake; it is
// not a security measure (the sha256 pin and AutoMTLS are).
func Handshake() plugin.HandshakeConfig {
	return plugin.HandshakeConfig{
		ProtocolVersion:  ProtocolVersion,
		MagicCookieKey:   "METAHOST_PLUGIN",
		MagicCookieValue: "5d1c8a3f0b7e4e29a6c2f1d09b8e7a64",
	}
}

// Description is what a plugin says about itself.
type Description struct {
	// Name, Kind ("provider", "policy" or "validator") and Version identify
	// the plugin; the host refuses one whose name or kind differs from its
	// catalog entry.
	Name, Kind, Version string
	// Capabilities are optional features the plugin implements.
	Capabilities []string
}

// Error is an operation's failure as the plugin reports it: a Doris-style
// code name and a message. Handlers return it to reach the host's caller
// unchanged; any other error becomes code INTERNAL_ERROR.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Handler is a plugin's implementation.
type Handler interface {
	// Describe returns the plugin's identity.
	Describe(ctx context.Context) Description
	// Call runs one named operation on payload.
	Call(ctx context.Context, method string, payload []byte) ([]byte, error)
}

// PluginSet is the set the host passes to go-plugin.
func PluginSet() plugin.PluginSet {
	return plugin.PluginSet{pluginKey: &grpcPlugin{}}
}

// grpcPlugin adapts Handler to go-plugin's GRPCPlugin.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl Handler
}

func (p *grpcPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pluginpb.RegisterPluginServer(s, &server{impl: p.impl})
	return nil
}

func (p *grpcPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return &Client{rpc: pluginpb.NewPluginClient(c)}, nil
}

// server is the plugin side of the service.
type server struct {
	pluginpb.UnimplementedPluginServer
	impl Handler
}

func (s *server) Describe(ctx context.Context, _ *pluginpb.DescribeRequest) (*pluginpb.DescribeResponse, error) {
	d := s.impl.Describe(ctx)
	return &pluginpb.DescribeResponse{Name: d.Name, Kind: d.Kind, Version: d.Version, Minor: ProtocolMinor, Capabilities: d.Capabilities}, nil
}

func (s *server) Call(ctx context.Context, req *pluginpb.CallRequest) (*pluginpb.CallResponse, error) {
	out, err := s.impl.Call(ctx, req.GetMethod(), req.GetPayload())
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) {
			pe = &Error{Code: "INTERNAL_ERROR", Message: err.Error()}
		}
		return &pluginpb.CallResponse{Error: &pluginpb.PluginError{Code: pe.Code, Message: pe.Message}}, nil
	}
	return &pluginpb.CallResponse{Payload: out}, nil
}

// Client is the host's handle on a running plugin.
type Client struct {
	rpc pluginpb.PluginClient
}

// Describe asks the plugin for its identity and protocol revision.
func (c *Client) Describe(ctx context.Context) (Description, uint32, error) {
	r, err := c.rpc.Describe(ctx, &pluginpb.DescribeRequest{})
	if err != nil {
		return Description{}, 0, err
	}
	return Description{Name: r.GetName(), Kind: r.GetKind(), Version: r.GetVersion(), Capabilities: r.GetCapabilities()}, r.GetMinor(), nil
}

// Call runs one operation. A failure the plugin reported is an *Error; a
// transport failure is a gRPC status error.
func (c *Client) Call(ctx context.Context, method string, payload []byte) ([]byte, error) {
	r, err := c.rpc.Call(ctx, &pluginpb.CallRequest{Method: method, Payload: payload})
	if err != nil {
		return nil, err
	}
	if e := r.GetError(); e != nil {
		return nil, &Error{Code: e.GetCode(), Message: e.GetMessage()}
	}
	return r.GetPayload(), nil
}

// Serve serves h until the host goes away. It never returns.
func Serve(h Handler) {
	logger := hclog.New(&hclog.LoggerOptions{
		Level:      hclog.Trace,
		Output:     os.Stderr,
		JSONFormat: true, // the host keeps each line's level
	})
	go exitWithParent(logger, os.Getppid(), time.Second)
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake(),
		VersionedPlugins: map[int]plugin.PluginSet{ProtocolVersion: {pluginKey: &grpcPlugin{impl: h}}},
		GRPCServer:       newGRPCServer,
		Logger:           logger,
	})
	os.Exit(0)
}

// WindowSize is the HTTP/2 flow-control window both sides of a plugin
// connection use. Setting it turns off gRPC's bandwidth-delay-product
// probing, whose extra PING frames on every small message cost a round of
// wake-ups per call; plugin calls are small, so a fixed 1 MiB window loses
// nothing.
const WindowSize = 1 << 20

// DialOptions are the gRPC options the host dials a plugin with.
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{grpc.WithInitialWindowSize(WindowSize), grpc.WithInitialConnWindowSize(WindowSize)}
}

// streamWorkers is how many long-lived goroutines serve calls. gRPC
// otherwise starts a goroutine per call, whose stack then grows (a copy of
// every frame) as the call reaches the JSON decoder and the handler: about a
// tenth of a provider's CPU per stat. A worker keeps its grown stack. Calls
// beyond the workers get a goroutine of their own, as without the option.
const streamWorkers = 4

func newGRPCServer(opts []grpc.ServerOption) *grpc.Server {
	return grpc.NewServer(append(opts,
		grpc.InitialWindowSize(WindowSize), grpc.InitialConnWindowSize(WindowSize),
		grpc.NumStreamWorkers(streamWorkers))...)
}

// exitWithParent ends the plugin when its parent process is gone (the
// plugin was re-parented), so a host killed with SIGKILL leaves no plugin
// behind. go-plugin has no parent-death handling of its own.
func exitWithParent(logger hclog.Logger, parent int, every time.Duration) {
	for range time.Tick(every) {
		if os.Getppid() != parent {
			logger.Error(fmt.Sprintf("parent process %d is gone; exiting", parent))
			os.Exit(1)
		}
	}
}
