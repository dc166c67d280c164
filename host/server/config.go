// Package server wires a metahost node together: configuration, the
// replicated store, the HTTP surfaces, and the start and graceful stop of
// all of them.
package server

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/secrets"
	tsdbstore "github.com/metahost/metahost/host/tsdb/store"
)

// Config is a node's configuration. Every field can be set in a TOML file
// (`metahost serve --config metahost.toml`) under the key in its tag, and
// most also by a flag of the same name with dashes.
type Config struct {
	// NodeID is this node's raft id, a positive integer. Default 1.
	NodeID uint64 `toml:"node_id" json:"node_id"`
	// DataDir holds the raft log, snapshots and the state file.
	// Default ./metahost-data.
	DataDir string `toml:"data_dir" json:"data_dir"`
	// HTTPAddr is the host:port every HTTP surface listens on.
	// Default 127.0.0.1:5000 (the Doris meta service's port).
	HTTPAddr string `toml:"http_addr" json:"http_addr"`
	// HTTPAdvertise is the HTTP address other nodes use to reach this one.
	// Default: HTTPAddr.
	HTTPAdvertise string `toml:"http_advertise" json:"http_advertise,omitempty"`
	// RaftAddr is the host:port of the raft transport, listened on and
	// advertised to the other nodes. Default 127.0.0.1:5001.
	RaftAddr string `toml:"raft_addr" json:"raft_addr"`
	// Join is the HTTP address of any member of an existing cluster. It is
	// used only when the data dir is empty; a node restarted with the same
	// command line comes back as itself.
	Join string `toml:"join" json:"join,omitempty"`
	// Token is the shared secret for the Doris meta-service `token=`
	// parameter, mutating admin calls and node-to-node calls. Also read from
	// METAHOST_TOKEN. Default: greedisgood9999, Doris's default http_token.
	Token string `toml:"token" json:"-"`
	// LogLevel is trace, debug, info, warn or error. Default info.
	LogLevel string `toml:"log_level" json:"log_level"`
	// LogJSON writes logs as JSON lines.
	LogJSON bool `toml:"log_json" json:"log_json"`
	// RootKey is the cluster's root key for secrets at rest, 64 hex
	// characters. Also read from METAHOST_ROOT_KEY. Default: generated into
	// <data_dir>/root.key by the first node and fetched by joining nodes.
	RootKey string `toml:"root_key" json:"-"`
	// Raft tunes the consensus layer.
	Raft RaftConfig `toml:"raft" json:"raft"`
	// Meta holds the Doris meta-service switches.
	Meta MetaConfig `toml:"meta" json:"meta"`
	// TSDB configures the OpenTSDB-compatible last-point API.
	TSDB TSDBConfig `toml:"tsdb" json:"tsdb"`
	// Compaction configures the compaction scheduler.
	Compaction CompactionConfig `toml:"compaction" json:"compaction"`
	// Vault configures provider discovery and vault probing.
	Vault VaultConfig `toml:"vault" json:"vault"`
	// Recycler configures the recycler of dropped instances and rowsets.
	Recycler RecyclerConfig `toml:"recycler" json:"recycler"`
}

// MetaConfig holds the Doris meta-service switches (config.h names).
type MetaConfig struct {
	// EnableClusterNameCheck enforces ^[a-zA-Z][a-zA-Z0-9_]*$ on cluster
	// names (Doris default false).
	EnableClusterNameCheck bool `toml:"enable_cluster_name_check" json:"enable_cluster_name_check"`
	// EnableCheckInstanceID rejects degraded cloud_unique_ids of unknown
	// instances (Doris default true).
	EnableCheckInstanceID *bool `toml:"enable_check_instance_id" json:"enable_check_instance_id,omitempty"`
	// EnableCheckFEDropInSafeTime refuses to drop FE nodes younger than
	// 300 s (Doris default true).
	EnableCheckFEDropInSafeTime *bool `toml:"enable_check_fe_drop_in_safe_time" json:"enable_check_fe_drop_in_safe_time,omitempty"`
	// ArnID, ArnAK, ArnSK fill get_instance's iam_user.
	ArnID string `toml:"arn_id" json:"arn_id,omitempty"`
	ArnAK string `toml:"arn_ak" json:"-"`
	ArnSK string `toml:"arn_sk" json:"-"`
	// RevealSecretsInGetInstance prints plaintext SKs in get_instance as
	// Doris does (default: masked).
	RevealSecretsInGetInstance bool `toml:"reveal_secrets_in_get_instance" json:"reveal_secrets_in_get_instance"`
}

// RaftConfig tunes hashicorp/raft.
type RaftConfig struct {
	// SnapshotThreshold is how many new log entries trigger a snapshot.
	// 0: 8192.
	SnapshotThreshold uint64 `toml:"snapshot_threshold" json:"snapshot_threshold"`
	// TrailingLogs is how many entries are kept after a snapshot so slow
	// followers can catch up by log. 0: 10240.
	TrailingLogs uint64 `toml:"trailing_logs" json:"trailing_logs"`
	// HeartbeatTimeout is the follower's patience before it calls an
	// election; the election timeout is the same. 0: 1s.
	HeartbeatTimeout Duration `toml:"heartbeat_timeout" json:"heartbeat_timeout"`
}

// Duration is a time.Duration written as "1s" in TOML.
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("bad duration %q: %w", b, err)
	}
	d.Duration = v
	return nil
}

// MarshalText prints the duration.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// DefaultToken is Doris's default meta-service http_token.
const DefaultToken = "greedisgood9999"

// Default returns the embedded default: a single node with its data in
// ./metahost-data serving every surface on 127.0.0.1:5000.
func Default() Config {
	return Config{
		NodeID:   1,
		DataDir:  "metahost-data",
		HTTPAddr: "127.0.0.1:5000",
		RaftAddr: "127.0.0.1:5001",
		Token:    DefaultToken,
		LogLevel: "info",
	}
}

// LoadFile overlays the TOML file at path onto c. Unknown keys are errors,
// so a typo does not silently fall back to a default.
func (c *Config) LoadFile(path string) error {
	md, err := toml.DecodeFile(path, c)
	if err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return fmt.Errorf("config file %s: unknown key %q", path, und[0].String())
	}
	return nil
}

// LoadEnv overlays the environment: METAHOST_TOKEN.
func (c *Config) LoadEnv() {
	if v, ok := os.LookupEnv("METAHOST_TOKEN"); ok {
		c.Token = v
	}
	if v, ok := os.LookupEnv("METAHOST_ROOT_KEY"); ok {
		c.RootKey = v
	}
}

// Advertise returns the HTTP address other nodes should use.
func (c *Config) Advertise() string {
	if c.HTTPAdvertise != "" {
		return c.HTTPAdvertise
	}
	return c.HTTPAddr
}

// Validate checks the configuration before anything starts.
func (c *Config) Validate() error {
	var errs []error
	if c.NodeID == 0 {
		errs = append(errs, errors.New("node_id must be a positive integer"))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data_dir must not be empty"))
	}
	for name, addr := range map[string]string{"http_addr": c.HTTPAddr, "raft_addr": c.RaftAddr} {
		if err := checkAddr(addr, true); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", name, addr, err))
		}
	}
	if err := checkAddr(c.Advertise(), false); err != nil {
		errs = append(errs, fmt.Errorf("http_advertise %q: %w (set --http-advertise when listening on all interfaces)", c.Advertise(), err))
	}
	if err := checkAddr(c.RaftAddr, false); err != nil {
		errs = append(errs, fmt.Errorf("raft_addr %q must be an address other nodes can reach: %w", c.RaftAddr, err))
	}
	if c.Join != "" {
		if err := checkAddr(c.Join, false); err != nil {
			errs = append(errs, fmt.Errorf("join %q: %w (want the host:port of a member's HTTP listener)", c.Join, err))
		}
	}
	if c.RootKey != "" {
		if _, err := secrets.ParseKey(c.RootKey); err != nil {
			errs = append(errs, fmt.Errorf("root_key: %w", err))
		}
	}
	switch c.LogLevel {
	case "trace", "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log_level %q: want trace, debug, info, warn or error", c.LogLevel))
	}
	errs = append(errs, c.TSDB.validate()...)
	errs = append(errs, c.Compaction.validate()...)
	errs = append(errs, c.Vault.validate()...)
	errs = append(errs, c.Recycler.validate()...)
	return errors.Join(errs...)
}

func checkAddr(addr string, listen bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 || (!listen && p == 0) {
		return errors.New("bad port")
	}
	if !listen && (host == "" || host == "0.0.0.0" || host == "::") {
		return errors.New("not a reachable address")
	}
	return nil
}

// metaConfig converts the file's switches into meta.Config, applying
// Doris's defaults to the ones left unset.
func (m MetaConfig) metaConfig() meta.Config {
	c := meta.DefaultConfig()
	c.EnableClusterNameCheck = m.EnableClusterNameCheck
	if m.EnableCheckInstanceID != nil {
		c.EnableCheckInstanceID = *m.EnableCheckInstanceID
	}
	if m.EnableCheckFEDropInSafeTime != nil {
		c.EnableCheckFEDropInSafeTime = *m.EnableCheckFEDropInSafeTime
	}
	c.ArnID, c.ArnAK, c.ArnSK = m.ArnID, m.ArnAK, m.ArnSK
	c.RevealSecretsInGetInstance = m.RevealSecretsInGetInstance
	return c
}

// TSDBConfig configures the OpenTSDB-compatible last-point API (/api/put,
// /api/query/last). Unset switches take metahost's defaults (spec §7).
type TSDBConfig struct {
	// AutoCreateMetrics assigns UIDs to new metrics on put (default true;
	// OpenTSDB's tsd.core.auto_create_metrics defaults to false).
	AutoCreateMetrics *bool `toml:"auto_create_metrics" json:"auto_create_metrics,omitempty"`
	// AutoCreateTagks and AutoCreateTagvs do the same for tag names and
	// values (default true).
	AutoCreateTagks *bool `toml:"auto_create_tagks" json:"auto_create_tagks,omitempty"`
	AutoCreateTagvs *bool `toml:"auto_create_tagvs" json:"auto_create_tagvs,omitempty"`
	// MetaTracking records each series' last write time, used by
	// /api/query/last without back_scan (default true).
	MetaTracking *bool `toml:"meta_tracking" json:"meta_tracking,omitempty"`
	// MaxTags is tsd.storage.max_tags (0: 8).
	MaxTags int `toml:"max_tags" json:"max_tags,omitempty"`
	// AllowSpecialChars lists extra characters allowed in names.
	AllowSpecialChars string `toml:"allow_specialchars" json:"allow_specialchars,omitempty"`
	// Retention deletes hour rows older than this age in the background
	// ("0s", the default: keep everything). The last point of each series
	// stays answerable by the counter method.
	Retention Duration `toml:"retention" json:"retention"`
	// RetentionInterval is how often the leader runs retention (0: 1m).
	RetentionInterval Duration `toml:"retention_interval" json:"retention_interval"`
	// ListenAddr is an extra listener serving only /api/, for drop-in use on
	// OpenTSDB's port, e.g. "127.0.0.1:4242" (default: none).
	ListenAddr string `toml:"listen_addr" json:"listen_addr,omitempty"`
	// RequireToken makes /api/ calls present the shared token (default
	// false: OpenTSDB has no authentication).
	RequireToken bool `toml:"require_token" json:"require_token"`
	// MaxBodyBytes bounds a request body (0: 64 MiB).
	MaxBodyBytes int64 `toml:"max_body_bytes" json:"max_body_bytes,omitempty"`
}

func (t TSDBConfig) validate() []error {
	var errs []error
	if t.MaxTags < 0 {
		errs = append(errs, errors.New("tsdb.max_tags must not be negative"))
	}
	if t.Retention.Duration < 0 || t.RetentionInterval.Duration < 0 {
		errs = append(errs, errors.New("tsdb.retention and tsdb.retention_interval must not be negative"))
	}
	if t.Retention.Duration > 0 && t.Retention.Duration < time.Hour {
		errs = append(errs, errors.New("tsdb.retention must be at least 1h (rows are hours)"))
	}
	if t.MaxBodyBytes < 0 {
		errs = append(errs, errors.New("tsdb.max_body_bytes must not be negative"))
	}
	if t.ListenAddr != "" {
		if err := checkAddr(t.ListenAddr, true); err != nil {
			errs = append(errs, fmt.Errorf("tsdb.listen_addr %q: %w", t.ListenAddr, err))
		}
	}
	return errs
}

// storeConfig converts the section into the store's configuration.
func (t TSDBConfig) storeConfig() tsdbstore.Config {
	c := tsdbstore.DefaultConfig()
	for _, b := range []struct {
		v   *bool
		dst *bool
	}{
		{t.AutoCreateMetrics, &c.AutoCreateMetrics},
		{t.AutoCreateTagks, &c.AutoCreateTagks},
		{t.AutoCreateTagvs, &c.AutoCreateTagvs},
		{t.MetaTracking, &c.MetaTracking},
	} {
		if b.v != nil {
			*b.dst = *b.v
		}
	}
	if t.MaxTags > 0 {
		c.MaxTags = t.MaxTags
	}
	c.AllowSpecialChars = t.AllowSpecialChars
	c.Retention = t.Retention.Duration
	c.RetentionInterval = t.RetentionInterval.Duration
	return c
}
