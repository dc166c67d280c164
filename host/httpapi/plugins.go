package httpapi

// The plugin admin API under /v1/plugins: list, register (upload a wasm
// module or point at a process binary, pinned by sha256), enable, disable,
// activate a version, reload, bind, unbind, deregister, and per-plugin
// stats as this node runs the plugin. Every route needs the token.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/metahost/metahost/host/plugin/catalog"
	"github.com/metahost/metahost/host/plugin/manager"
	"github.com/metahost/metahost/host/raftstore"
)

// maxPluginBody caps a registration request (a wasm module, or its JSON
// form with the module in base64).
const maxPluginBody = catalog.MaxModuleSize*4/3 + 1<<20

// PluginDeps is what the plugin routes need.
type PluginDeps struct {
	// Catalog changes and reads the replicated catalog.
	Catalog *catalog.Service
	// Manager runs plugins on this node.
	Manager *manager.Manager
	// Check verifies a registration before it is proposed: that a wasm
	// module compiles and implements its kind, that a process binary starts
	// and describes itself as the catalog entry says.
	Check func(ctx context.Context, r catalog.Registration) error
}

// pluginList is the body of GET /v1/plugins.
type pluginList struct {
	Plugins    []manager.Status           `json:"plugins"`
	Policies   []catalog.PolicyBinding    `json:"policy_bindings"`
	Validators []catalog.ValidatorBinding `json:"validator_bindings"`
}

func mountPlugins(r chi.Router, d Deps) {
	p := d.Plugins
	if p == nil {
		return
	}
	r.Route("/v1/plugins", func(r chi.Router) {
		r.Use(requireToken(d.Token))
		r.Get("/", func(w http.ResponseWriter, req *http.Request) {
			var out pluginList
			err := p.Catalog.View(req.Context(), readOpts(req), func(rd catalog.Reader) error {
				for _, e := range rd.Entries() {
					out.Plugins = append(out.Plugins, p.Manager.Status(e))
				}
				out.Policies = rd.PolicyBindings()
				out.Validators = rd.AllValidatorBindings()
				return nil
			})
			if err != nil {
				writeStoreError(w, err)
				return
			}
			if out.Plugins == nil {
				out.Plugins = []manager.Status{}
			}
			if out.Policies == nil {
				out.Policies = []catalog.PolicyBinding{}
			}
			if out.Validators == nil {
				out.Validators = []catalog.ValidatorBinding{}
			}
			writeJSON(w, http.StatusOK, out)
		})
		r.Get("/{name}", func(w http.ResponseWriter, req *http.Request) {
			if e, ok := readEntry(w, req, p.Catalog, chi.URLParam(req, "name"), readOpts(req)); ok {
				writeJSON(w, http.StatusOK, p.Manager.Status(e))
			}
		})
		r.Put("/{name}", func(w http.ResponseWriter, req *http.Request) { registerPlugin(w, req, p) })
		r.Delete("/{name}", func(w http.ResponseWriter, req *http.Request) {
			if err := p.Catalog.Deregister(req.Context(), chi.URLParam(req, "name")); err != nil {
				writeStoreError(w, err)
				return
			}
			writeJSON(w, http.StatusOK, map[string]string{"deregistered": chi.URLParam(req, "name")})
		})
		entryOp := func(op func(ctx context.Context, name string, req *http.Request) (catalog.Entry, error)) http.HandlerFunc {
			return func(w http.ResponseWriter, req *http.Request) {
				e, err := op(req.Context(), chi.URLParam(req, "name"), req)
				if err != nil {
					writeStoreError(w, err)
					return
				}
				writeJSON(w, http.StatusOK, p.Manager.Status(e))
			}
		}
		r.Post("/{name}/enable", entryOp(func(ctx context.Context, name string, _ *http.Request) (catalog.Entry, error) {
			return p.Catalog.SetEnabled(ctx, name, true)
		}))
		r.Post("/{name}/disable", entryOp(func(ctx context.Context, name string, _ *http.Request) (catalog.Entry, error) {
			return p.Catalog.SetEnabled(ctx, name, false)
		}))
		r.Post("/{name}/reload", entryOp(func(ctx context.Context, name string, _ *http.Request) (catalog.Entry, error) {
			return p.Catalog.Reload(ctx, name)
		}))
		r.Post("/{name}/activate", entryOp(func(ctx context.Context, name string, req *http.Request) (catalog.Entry, error) {
			return p.Catalog.Activate(ctx, name, req.URL.Query().Get("version"))
		}))
		r.Post("/{name}/bind", func(w http.ResponseWriter, req *http.Request) { bindPlugin(w, req, p, true) })
		r.Post("/{name}/unbind", func(w http.ResponseWriter, req *http.Request) { bindPlugin(w, req, p, false) })
	})
}

func readOpts(r *http.Request) raftstore.ReadOptions {
	_, stale := r.URL.Query()["stale"]
	return raftstore.ReadOptions{Stale: stale}
}

// registerPlugin handles PUT /v1/plugins/{name}. A JSON body is a
// catalog.Registration (module in base64); any other body is the wasm
// module itself, with kind, runtime, version, sha256 (and for process
// plugins path) in the query string.
func registerPlugin(w http.ResponseWriter, req *http.Request, p *PluginDeps) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxPluginBody))
	if err != nil {
		writeAdminError(w, http.StatusRequestEntityTooLarge, raftstore.CodeInvalid, fmt.Sprintf("request body larger than %d bytes", maxPluginBody))
		return
	}
	var reg catalog.Registration
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&reg); err != nil {
			writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, "bad registration: "+err.Error())
			return
		}
	} else {
		q := req.URL.Query()
		reg = catalog.Registration{
			Kind: q.Get("kind"), Runtime: q.Get("runtime"), Version: q.Get("version"),
			SHA256: q.Get("sha256"), Path: q.Get("path"), Module: body,
		}
		if reg.Runtime == "" {
			reg.Runtime = catalog.RuntimeWasm
		}
		if s := q.Get("call_timeout_ms"); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, fmt.Sprintf("call_timeout_ms %q is not a number", s))
				return
			}
			reg.CallTimeoutMS = n
		}
		reg.Config = q.Get("config")
		if len(body) == 0 {
			reg.Module = nil
		}
	}
	name := chi.URLParam(req, "name")
	if reg.Name != "" && reg.Name != name {
		writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, fmt.Sprintf("body names plugin %q, the path %q", reg.Name, name))
		return
	}
	reg.Name = name
	if err := reg.Check(); err != nil {
		writeStoreError(w, err)
		return
	}
	if p.Check != nil {
		if err := p.Check(req.Context(), reg); err != nil {
			writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, "plugin refused: "+err.Error())
			return
		}
	}
	e, err := p.Catalog.Register(req.Context(), reg)
	if err != nil {
		writeStoreError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, p.Manager.Status(e))
}

// bindRequest is the body of bind and unbind: table_id for a policy;
// operation, order and on_error for a validator.
type bindRequest struct {
	TableID   *int64 `json:"table_id"`
	Operation string `json:"operation"`
	Order     int    `json:"order"`
	OnError   string `json:"on_error"`
}

func bindPlugin(w http.ResponseWriter, req *http.Request, p *PluginDeps, bind bool) {
	name := chi.URLParam(req, "name")
	var br bindRequest
	dec := json.NewDecoder(io.LimitReader(req.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&br); err != nil {
		writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, `bad binding: want {"table_id":N} for a policy or {"operation":"op","order":N,"on_error":"fail_closed|fail_open"} for a validator: `+err.Error())
		return
	}
	e, ok := readEntry(w, req, p.Catalog, name, raftstore.ReadOptions{})
	if !ok {
		return
	}
	var out any
	var err error
	switch e.Kind {
	case catalog.KindPolicy:
		if br.TableID == nil || br.Operation != "" {
			writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, fmt.Sprintf(`plugin %q is a policy: bind it with {"table_id":N} (0 for the default)`, name))
			return
		}
		if bind {
			out, err = p.Catalog.BindPolicy(req.Context(), catalog.PolicyBinding{TableID: *br.TableID, Policy: name})
		} else {
			err = unbindPolicy(req.Context(), p.Catalog, *br.TableID, name)
			out = map[string]any{"unbound": name, "table_id": *br.TableID}
		}
	case catalog.KindValidator:
		if br.Operation == "" || br.TableID != nil {
			writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, fmt.Sprintf(`plugin %q is a validator: bind it with {"operation":"create_instance"} (or "*")`, name))
			return
		}
		if bind {
			out, err = p.Catalog.BindValidator(req.Context(), catalog.ValidatorBinding{Operation: br.Operation, Validator: name, Order: br.Order, OnError: br.OnError})
		} else {
			err = p.Catalog.UnbindValidator(req.Context(), br.Operation, name)
			out = map[string]any{"unbound": name, "operation": br.Operation}
		}
	default:
		writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, fmt.Sprintf("plugin %q is a %s; only policies and validators are bound", name, e.Kind))
		return
	}
	if err != nil {
		writeStoreError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// unbindPolicy removes table's binding if it names policy.
func unbindPolicy(ctx context.Context, cat *catalog.Service, table int64, policy string) error {
	var bound string
	if err := cat.View(ctx, raftstore.ReadOptions{}, func(rd catalog.Reader) error {
		for _, pb := range rd.PolicyBindings() {
			if pb.TableID == table {
				bound = pb.Policy
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if bound != policy {
		return raftstore.Errorf(raftstore.CodeNotFound, "table %d is not bound to policy %q", table, policy)
	}
	return cat.UnbindPolicy(ctx, table)
}

// readEntry reads plugin name's catalog entry; when it cannot (a store error, or no such plugin)
// it writes the error answer and returns false.
func readEntry(w http.ResponseWriter, req *http.Request, cat *catalog.Service, name string, opts raftstore.ReadOptions) (catalog.Entry, bool) {
	var e catalog.Entry
	var ok bool
	if err := cat.View(req.Context(), opts, func(rd catalog.Reader) error {
		e, ok = rd.Entry(name)
		return nil
	}); err != nil {
		writeStoreError(w, err)
		return e, false
	}
	if !ok {
		writeAdminError(w, http.StatusNotFound, raftstore.CodeNotFound, fmt.Sprintf("plugin %q is not registered", name))
	}
	return e, ok
}
