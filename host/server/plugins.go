package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/httpapi"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/plugin"
	"github.com/metahost/metahost/host/plugin/catalog"
	"github.com/metahost/metahost/host/plugin/manager"
	"github.com/metahost/metahost/host/plugin/process"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/validator"
)

// startPlugins builds the plugin catalog service and this node's plugin
// manager, and the registration check the admin API runs before it
// proposes a new plugin version.
func startPlugins(cfg Config, store *raftstore.Store, logger hclog.Logger) (*httpapi.PluginDeps, *manager.Manager, error) {
	cat := catalog.NewService(store)
	mgr, err := manager.New(cat, manager.Config{DataDir: cfg.DataDir, Logger: logger})
	if err != nil {
		return nil, nil, err
	}
	check := func(ctx context.Context, r catalog.Registration) error {
		return checkRegistration(ctx, mgr, cfg.DataDir, r, logger)
	}
	return &httpapi.PluginDeps{Catalog: cat, Manager: mgr, Check: check}, mgr, nil
}

// abiKinds maps catalog kinds to the kinds a wasm module declares.
var abiKinds = map[string]string{catalog.KindPolicy: abi.KindPolicy, catalog.KindValidator: abi.KindValidator}

// checkRegistration loads a new version once, off to the side, before it
// enters the catalog: a wasm module must compile, pass the ABI probe and
// implement its kind; a process binary must match its digest, finish the
// handshake and describe itself as the entry says. Refusing here keeps
// broken versions out of the replicated catalog altogether.
func checkRegistration(ctx context.Context, mgr *manager.Manager, dataDir string, r catalog.Registration, logger hclog.Logger) error {
	switch r.Runtime {
	case catalog.RuntimeWasm:
		scratch := "check." + r.Name + "." + r.SHA256[:12]
		info, err := mgr.Wasm().Load(ctx, plugin.Spec{Name: scratch, Version: r.Version, Wasm: r.Module, SHA256: r.SHA256, Config: []byte(r.Config)})
		if err != nil {
			return err
		}
		defer mgr.Wasm().Unload(scratch)
		if !slices.Contains(info.Kinds, abiKinds[r.Kind]) {
			return fmt.Errorf("module implements %v, not %s", info.Kinds, abiKinds[r.Kind])
		}
		return nil
	case catalog.RuntimeProcess:
		p, err := process.Start(ctx, process.Spec{
			Name: r.Name, Kind: r.Kind, Path: r.Path, SHA256: r.SHA256, Args: r.Args, Env: r.Env,
			RunDir: dataDir + "/plugins/bin", StartTimeout: 30 * time.Second,
		}, logger.Named("check"))
		if err != nil {
			return err
		}
		return p.Close()
	}
	return fmt.Errorf("unknown runtime %q", r.Runtime)
}

// metaValidators runs the validators bound to meta-service operations.
type metaValidators struct {
	mgr *manager.Manager
}

// instanceOps names the alter_instance operations by their routes.
var instanceOps = map[string]string{
	"DROP": "drop_instance", "RENAME": "rename_instance", "ENABLE_SSE": "enable_instance_sse",
	"DISABLE_SSE": "disable_instance_sse", "SET_NORMAL": "set_instance_status", "SET_OVERDUE": "set_instance_status",
}

// Validate implements meta.Validator. Validators see the route's operation
// name (add_cluster, drop_instance, ...) and the request as JSON with proto
// field names.
func (v metaValidators) Validate(ctx context.Context, op string, req dorispb.Message) *meta.Error {
	body := dorispb.MarshalJSON(req)
	var head struct {
		Op            string `json:"op"`
		InstanceID    string `json:"instance_id"`
		CloudUniqueID string `json:"cloud_unique_id"`
	}
	_ = json.Unmarshal(body, &head)
	operation := op
	switch {
	case op == meta.OpAlterInstance && instanceOps[head.Op] != "":
		operation = instanceOps[head.Op]
	case (op == meta.OpAlterCluster || op == meta.OpAlterObjStoreInfo) && head.Op != "":
		operation = strings.ToLower(head.Op)
	}
	resp := v.mgr.Validate(ctx, operation, &validator.Request{
		Surface: "meta_service", Operation: operation,
		InstanceID: head.InstanceID, CloudUniqueID: head.CloudUniqueID, Body: body,
	})
	if resp.Allow {
		return nil
	}
	code, ok := dorispb.MetaServiceCodeByName(resp.Code)
	if !ok {
		code = dorispb.MetaServiceCode_INVALID_ARGUMENT
	}
	return &meta.Error{Code: code, Msg: resp.Message}
}

// surfaceValidators runs the validators bound to the mutations of the
// surfaces other than the Doris meta service (OpenTSDB put, compute-node
// methods, KV); each surface answers a denial in its own format.
func surfaceValidators(mgr *manager.Manager) httpapi.ValidateFunc {
	return func(ctx context.Context, req *validator.Request) validator.Response {
		return mgr.Validate(ctx, req.Operation, req)
	}
}
