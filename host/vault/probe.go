package vault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/plugin/manager"
	"github.com/metahost/metahost/host/secrets"
	"github.com/metahost/metahost/sdk/process"
	"github.com/metahost/metahost/sdk/provider"
)

// probeKey is the context key of a request's probe flag.
type probeKey struct{}

// WithProbe records in ctx whether the request asked for a vault probe
// (query flag probe=true or probe=false).
func WithProbe(ctx context.Context, probe bool) context.Context {
	return context.WithValue(ctx, probeKey{}, probe)
}

// probeFlag returns the request's probe flag and whether it had one.
func probeFlag(ctx context.Context) (probe, set bool) {
	probe, set = ctx.Value(probeKey{}).(bool)
	return probe, set
}

// QueryFlag wraps an HTTP handler so that a `probe=true` (or `probe=false`)
// query parameter reaches the Prober through the request's context. Other
// values are ignored: the configured default applies.
func QueryFlag(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			switch r.URL.Query().Get("probe") {
			case "true", "1":
				r = r.WithContext(WithProbe(r.Context(), true))
			case "false", "0":
				r = r.WithContext(WithProbe(r.Context(), false))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// ProbeTimeout bounds one probe.
const ProbeTimeout = 30 * time.Second

// Prober is a meta.Validator that probes the vault a create_instance or
// add_obj_info brings through its provider before the operation is
// proposed: reachable, listable and writable with its credentials. A
// failure rejects the operation with INVALID_ARGUMENT "s3 conf info err,
// please check it: <provider's detail>" and leaves the state unchanged.
type Prober struct {
	// Resolver builds provider configurations and clients.
	Resolver *Resolver
	// Keys opens the request's sealed credentials (for the call only).
	Keys *secrets.Keyring
	// OnCreate probes every such operation; otherwise only those asking
	// with probe=true ([vault] probe_on_create, default false).
	OnCreate bool
}

// Validate implements meta.Validator.
func (p *Prober) Validate(ctx context.Context, op string, req dorispb.Message) *meta.Error {
	want := p.OnCreate
	if v, ok := probeFlag(ctx); ok {
		want = v
	}
	if !want {
		return nil
	}
	targets := p.targets(op, req)
	for _, v := range targets {
		if e := p.probe(ctx, v); e != nil {
			return e
		}
	}
	return nil
}

// targets returns the vaults an operation brings that can be probed. Vaults
// missing a required field are left to the meta service's own checks, so a
// request keeps Doris's answer for them.
func (p *Prober) targets(op string, req dorispb.Message) []Resolved {
	var out []Resolved
	addObj := func(o *dorispb.ObjectStoreInfoPB, sse bool) {
		if o == nil || o.AK.Get() == "" || o.SK.Get() == "" || o.Bucket.Get() == "" || o.Endpoint.Get() == "" ||
			o.Region.Get() == "" || !o.Provider.Has() {
			return
		}
		if v, err := p.Resolver.fromObj(p.open, o, sse); err == nil {
			out = append(out, v)
		}
	}
	addVault := func(sv *dorispb.StorageVaultPB) {
		if sv == nil {
			return
		}
		if sv.HdfsInfo != nil {
			if sv.HdfsInfo.BuildConf == nil || sv.HdfsInfo.BuildConf.FsName.Get() == "" {
				return
			}
			if v, err := p.Resolver.FromStorageVault(p.open, sv, false); err == nil {
				out = append(out, v)
			}
			return
		}
		addObj(sv.ObjInfo, true)
	}
	switch r := req.(type) {
	case *dorispb.CreateInstanceRequest:
		if op == meta.OpCreateInstance {
			addObj(r.ObjInfo, r.SseEnabled.Get())
			addVault(r.Vault)
		}
	case *dorispb.AlterObjStoreInfoRequest:
		if op == meta.OpAlterObjStoreInfo && r.Op.Get() == dorispb.AlterObjStoreInfoRequest_ADD_OBJ_INFO {
			addObj(r.Obj, r.Obj != nil && r.Obj.SseEnabled.Get())
		}
	}
	return out
}

func (p *Prober) open(v string) string {
	if p.Keys == nil || !secrets.IsSealed(v) {
		return v
	}
	pt, err := p.Keys.Open(v)
	if err != nil {
		return v
	}
	return pt
}

func (p *Prober) probe(ctx context.Context, v Resolved) *meta.Error {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	err := p.Resolver.Bind(v).Probe(ctx, true)
	if err == nil {
		return nil
	}
	if errors.Is(err, manager.ErrNotRegistered) {
		return &meta.Error{Code: dorispb.MetaServiceCode_UNDEFINED_ERR,
			Msg: fmt.Sprintf("cannot probe the vault: provider %q is not registered (see [vault] provider_dir)", v.Provider)}
	}
	return &meta.Error{Code: dorispb.MetaServiceCode_INVALID_ARGUMENT, Msg: ProbeMessage(err)}
}

// ProbeMessage is the meta-service message of a failed probe: the
// provider's text, prefixed with Doris's "s3 conf info err, please check
// it" when the provider did not already.
func ProbeMessage(err error) string {
	msg := err.Error()
	var pe *process.Error
	if errors.As(err, &pe) {
		msg = pe.Message
	}
	if strings.HasPrefix(msg, provider.S3ConfErr) {
		return msg
	}
	return provider.S3ConfErr + ": " + msg
}
