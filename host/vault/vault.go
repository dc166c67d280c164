// Package vault connects an instance's storage vaults to their provider
// plugins: it maps a vault to the provider that serves it, builds the
// provider configuration with the credentials decrypted (only in memory,
// for the call), and hands out provider clients bound to one vault.
//
// The meta service stores vaults two ways, as Doris does: legacy object
// infos embedded in the instance (InstanceInfoPB.obj_info) and storage
// vaults under their own keys (StorageVaultPB). A rowset names its vault by
// resource id, which is the obj info's or the storage vault's id.
package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/sdk/provider"
)

// Provider catalog names of the first-party providers.
const (
	ProviderS3   = "s3"
	ProviderCOS  = "cos"
	ProviderOSS  = "oss"
	ProviderHDFS = "hdfs"
)

// FirstParty lists the first-party providers' catalog names.
var FirstParty = []string{ProviderS3, ProviderCOS, ProviderOSS, ProviderHDFS}

// ErrNoVault reports that an instance has no vault with the asked id.
var ErrNoVault = errors.New("no such vault")

// ErrUnsupported reports a vault no provider serves (e.g. a TOS obj info,
// or one that authenticates with a role ARN).
var ErrUnsupported = errors.New("no provider serves this vault")

// ProviderFor maps Doris's object-store provider to the catalog name of the
// provider plugin that serves it: S3, OBS, BOS, GCP and AZURE speak the S3
// protocol (s3); COS and OSS have their own providers.
func ProviderFor(p dorispb.ObjectStoreInfoPB_Provider) (string, bool) {
	switch p {
	case dorispb.ObjectStoreInfoPB_S3, dorispb.ObjectStoreInfoPB_OBS, dorispb.ObjectStoreInfoPB_BOS,
		dorispb.ObjectStoreInfoPB_GCP, dorispb.ObjectStoreInfoPB_AZURE:
		return ProviderS3, true
	case dorispb.ObjectStoreInfoPB_COS:
		return ProviderCOS, true
	case dorispb.ObjectStoreInfoPB_OSS:
		return ProviderOSS, true
	}
	return "", false
}

// CallFunc calls a plugin by name (the plugin manager's Call).
type CallFunc func(ctx context.Context, name, method string, payload []byte) ([]byte, error)

// Options are the process-wide settings of vault access ([vault]).
type Options struct {
	// Scheme is the scheme the S3-protocol providers use to reach an
	// endpoint ("http" or "https"), as Doris keeps it in a process-wide
	// setting (s3_client_http_scheme, default "http").
	Scheme string
}

// Resolved is one vault of an instance, ready for a provider call.
type Resolved struct {
	// ID is the resource id rowsets name the vault by; Name is the storage
	// vault's name (empty for a legacy obj info).
	ID, Name string
	// Provider is the provider plugin's catalog name.
	Provider string
	// Config is the provider configuration, secrets in plaintext: never log
	// it (Config.String redacts).
	Config *provider.Config
}

// Resolver resolves instances' vaults and binds provider clients to them.
type Resolver struct {
	meta *meta.Service
	call CallFunc
	opts Options
}

// NewResolver returns a Resolver reading vaults from svc and calling
// providers through call.
func NewResolver(svc *meta.Service, call CallFunc, opts Options) *Resolver {
	if opts.Scheme == "" {
		opts.Scheme = "http"
	}
	return &Resolver{meta: svc, call: call, opts: opts}
}

// Client returns the typed client of the provider named name.
func (r *Resolver) Client(name string) *provider.Client {
	return provider.NewClient(func(ctx context.Context, method string, payload []byte) ([]byte, error) {
		return r.call(ctx, name, method, payload)
	})
}

// Bind returns a provider client bound to a resolved vault.
func (r *Resolver) Bind(v Resolved) *provider.Vault { return r.Client(v.Provider).Vault(v.Config) }

// Vaults returns every vault of an instance (obj infos first, then storage
// vaults in id order), whatever the instance's status. Vaults no provider
// serves are skipped.
func (r *Resolver) Vaults(ctx context.Context, instanceID string) ([]Resolved, error) {
	var out []Resolved
	missing := false
	e := r.meta.View(ctx, raftstore.ReadOptions{Stale: true}, func(t *meta.Tx) *meta.Error {
		inst, ok, e := t.Instance(instanceID)
		if e != nil {
			return e
		}
		if !ok {
			missing = true
			return nil
		}
		for _, o := range inst.ObjInfo {
			if v, err := r.fromObj(t.Open, o, o.SseEnabled.Get()); err == nil {
				v.ID = o.ID.Get()
				out = append(out, v)
			}
		}
		ids := slices.Clone(inst.ResourceIDs)
		for _, id := range ids {
			raw := t.Raw(keys.StorageVaultKey(instanceID, id))
			if raw == nil {
				continue
			}
			sv := &dorispb.StorageVaultPB{}
			if err := dorispb.Unmarshal(raw, sv); err != nil {
				return &meta.Error{Code: dorispb.MetaServiceCode_PROTOBUF_PARSE_ERR, Msg: fmt.Sprintf("storage vault %s: %v", id, err)}
			}
			if v, err := r.FromStorageVault(t.Open, sv, inst.SseEnabled.Get()); err == nil {
				v.ID, v.Name = id, sv.Name.Get()
				out = append(out, v)
			}
		}
		return nil
	})
	if e != nil {
		return nil, fmt.Errorf("resolve vaults of %s: %w", instanceID, e)
	}
	if missing {
		return nil, fmt.Errorf("instance %s not found: %w", instanceID, ErrNoVault)
	}
	return out, nil
}

// Vault resolves the vault a rowset names by resource id.
func (r *Resolver) Vault(ctx context.Context, instanceID, resourceID string) (Resolved, error) {
	vs, err := r.Vaults(ctx, instanceID)
	if err != nil {
		return Resolved{}, err
	}
	for _, v := range vs {
		if v.ID == resourceID {
			return v, nil
		}
	}
	return Resolved{}, fmt.Errorf("instance %s, resource %s: %w", instanceID, resourceID, ErrNoVault)
}

// FromObj builds the provider configuration of an object-store info; open
// decrypts a sealed credential.
func (r *Resolver) FromObj(open func(string) string, o *dorispb.ObjectStoreInfoPB, sse bool) (Resolved, error) {
	return r.fromObj(open, o, sse)
}

func (r *Resolver) fromObj(open func(string) string, o *dorispb.ObjectStoreInfoPB, sse bool) (Resolved, error) {
	name, ok := ProviderFor(o.Provider.Get())
	if !ok || !o.Provider.Has() || o.RoleArn.Get() != "" {
		return Resolved{}, fmt.Errorf("provider %s: %w", o.Provider.Get(), ErrUnsupported)
	}
	cfg := &provider.Config{Obj: &provider.ObjInfo{
		AK:               open(o.AK.Get()),
		SK:               open(o.SK.Get()),
		Bucket:           o.Bucket.Get(),
		Prefix:           o.Prefix.Get(),
		Endpoint:         o.Endpoint.Get(),
		ExternalEndpoint: o.ExternalEndpoint.Get(),
		Region:           o.Region.Get(),
		Provider:         o.Provider.Get().String(),
		UsePathStyle:     o.UsePathStyle.Get(),
		SSEEnabled:       sse,
		Scheme:           r.opts.Scheme,
	}}
	return Resolved{ID: o.ID.Get(), Provider: name, Config: cfg}, nil
}

// FromStorageVault builds the provider configuration of a storage vault
// (HDFS, or an object store).
func (r *Resolver) FromStorageVault(open func(string) string, sv *dorispb.StorageVaultPB, sse bool) (Resolved, error) {
	if h := sv.HdfsInfo; h != nil {
		cfg := &provider.Config{HDFS: &provider.HDFSInfo{Prefix: h.Prefix.Get()}}
		if bc := h.BuildConf; bc != nil {
			cfg.HDFS.BuildConf = provider.HDFSBuildConf{
				FsName: bc.FsName.Get(), User: bc.User.Get(),
				HDFSKerberosPrincipal: bc.HdfsKerberosPrincipal.Get(), HDFSKerberosKeytab: bc.HdfsKerberosKeytab.Get(),
			}
			for _, kv := range bc.HdfsConfs {
				cfg.HDFS.BuildConf.HDFSConfs = append(cfg.HDFS.BuildConf.HDFSConfs, provider.HDFSConfKV{Key: kv.Key.Get(), Value: kv.Value.Get()})
			}
		}
		return Resolved{ID: sv.ID.Get(), Name: sv.Name.Get(), Provider: ProviderHDFS, Config: cfg}, nil
	}
	if sv.ObjInfo != nil {
		v, err := r.fromObj(open, sv.ObjInfo, sse || sv.ObjInfo.SseEnabled.Get())
		v.ID, v.Name = sv.ID.Get(), sv.Name.Get()
		return v, err
	}
	return Resolved{}, fmt.Errorf("storage vault %s: %w", sv.Name.Get(), ErrUnsupported)
}

// SegmentKey is the object key of a rowset segment relative to its vault's
// prefix, Doris's remote layout: data/<tablet_id>/<rowset_id>_<segment>.dat.
func SegmentKey(tabletID int64, rowsetID string, segment int64) string {
	return fmt.Sprintf("data/%d/%s_%d.dat", tabletID, rowsetID, segment)
}

// SegmentVault returns the provider client bound to an instance's vault by
// resource id (compaction.SegmentStore). ok is false when the instance has
// no such vault (or none a provider serves); a provider that is not
// registered is an error.
func (r *Resolver) SegmentVault(ctx context.Context, instanceID, resourceID string) (*provider.Vault, bool, error) {
	v, err := r.Vault(ctx, instanceID, resourceID)
	if errors.Is(err, ErrNoVault) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	bound := r.Bind(v)
	if err := bound.Validate(ctx); err != nil {
		return nil, false, fmt.Errorf("vault %s of %s (provider %s): %w", resourceID, instanceID, v.Provider, err)
	}
	return bound, true, nil
}
