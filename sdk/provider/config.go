package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/metahost/metahost/sdk/process"
)

// Config is one vault's configuration, shaped like Doris's StorageVaultPB:
// exactly one of Obj (an object store) and HDFS is set.
type Config struct {
	Obj  *ObjInfo  `json:"obj_info,omitempty"`
	HDFS *HDFSInfo `json:"hdfs_info,omitempty"`
}

// ObjInfo mirrors Doris's ObjectStoreInfoPB fields that a provider needs.
// AK and SK are plaintext here: the host decrypts them for the call and the
// provider never logs them.
type ObjInfo struct {
	AK               string `json:"ak,omitempty"`
	SK               string `json:"sk,omitempty"`
	Bucket           string `json:"bucket,omitempty"`
	Prefix           string `json:"prefix,omitempty"`
	Endpoint         string `json:"endpoint,omitempty"`
	ExternalEndpoint string `json:"external_endpoint,omitempty"`
	Region           string `json:"region,omitempty"`
	// Provider is the Doris provider name: S3, COS, OSS, ...
	Provider     string `json:"provider,omitempty"`
	UsePathStyle bool   `json:"use_path_style,omitempty"`
	// SSEEnabled asks for server-side encryption (SSE-S3) of every object
	// written.
	SSEEnabled bool `json:"sse_enabled,omitempty"`
	// Scheme is "https" (the default) or "http"; a metahost extension, as
	// Doris keeps the scheme in a process-wide setting.
	Scheme string `json:"scheme,omitempty"`
}

// HDFSInfo mirrors Doris's HdfsVaultInfo.
type HDFSInfo struct {
	BuildConf HDFSBuildConf `json:"build_conf"`
	Prefix    string        `json:"prefix,omitempty"`
}

// HDFSBuildConf mirrors Doris's HdfsBuildConf.
type HDFSBuildConf struct {
	FsName                string       `json:"fs_name,omitempty"`
	User                  string       `json:"user,omitempty"`
	HDFSKerberosPrincipal string       `json:"hdfs_kerberos_principal,omitempty"`
	HDFSKerberosKeytab    string       `json:"hdfs_kerberos_keytab,omitempty"`
	HDFSConfs             []HDFSConfKV `json:"hdfs_confs,omitempty"`
}

// HDFSConfKV is one extra HDFS client setting.
type HDFSConfKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Error codes a provider answers with; the host maps them to Doris codes.
const (
	CodeInvalidArgument = "INVALID_ARGUMENT"
	CodeNotFound        = "NOT_FOUND"
	CodeInternal        = "INTERNAL_ERROR"
)

// S3ConfErr is Doris's text for an object-store configuration the meta
// service refuses; providers prefix their detail with it.
const S3ConfErr = "s3 conf info err, please check it"

// Errorf returns a provider error with a code.
func Errorf(code, format string, args ...any) *process.Error {
	return &process.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidConfig is the error for an object-store configuration that fails
// a rule or a probe: INVALID_ARGUMENT `s3 conf info err, please check it:
// <detail>`.
func InvalidConfig(format string, args ...any) *process.Error {
	return &process.Error{Code: CodeInvalidArgument, Message: S3ConfErr + ": " + fmt.Sprintf(format, args...)}
}

// NotFound is the error for a missing object.
func NotFound(key string) *process.Error {
	return &process.Error{Code: CodeNotFound, Message: fmt.Sprintf("object %q not found", key)}
}

// VaultPrefix returns the vault's prefix normalized as Doris does (leading
// and trailing '/', space and tab trimmed).
func (c *Config) VaultPrefix() string {
	switch {
	case c.Obj != nil:
		return TrimPrefix(c.Obj.Prefix)
	case c.HDFS != nil:
		return TrimPrefix(c.HDFS.Prefix)
	}
	return ""
}

// TrimPrefix strips leading and trailing '/', space and tab, like Doris's
// trim of obj_info.prefix.
func TrimPrefix(p string) string { return strings.Trim(p, "/ \t") }

// FullKey joins the vault prefix and a relative key.
func (c *Config) FullKey(key string) string {
	if p := c.VaultPrefix(); p != "" {
		return p + "/" + key
	}
	return key
}

// RelKey turns a store key back into a key relative to the vault prefix.
func (c *Config) RelKey(full string) string {
	if p := c.VaultPrefix(); p != "" {
		return strings.TrimPrefix(full, p+"/")
	}
	return full
}

// Redacted returns a copy with the secret key replaced, for logs and error
// texts.
func (c *Config) Redacted() Config {
	out := Config{HDFS: c.HDFS}
	if c.Obj != nil {
		o := *c.Obj
		if o.SK != "" {
			o.SK = "***"
		}
		out.Obj = &o
	}
	return out
}

// String renders the configuration without its secret.
func (c *Config) String() string {
	b, _ := json.Marshal(c.Redacted())
	return string(b)
}

// CheckShape checks what every provider requires: exactly one of Obj and
// HDFS set, and a usable prefix.
func (c *Config) CheckShape() error {
	if c == nil || (c.Obj == nil) == (c.HDFS == nil) {
		return Errorf(CodeInvalidArgument, "vault config needs exactly one of obj_info and hdfs_info")
	}
	p := c.VaultPrefix()
	if p != "" {
		if err := checkPath(p, false); err != nil {
			return Errorf(CodeInvalidArgument, "invalid prefix: %s", err)
		}
	}
	return nil
}

// MaxKeyLen bounds keys and prefixes (S3's limit).
const MaxKeyLen = 1024

// CheckKey checks a key relative to the vault prefix: non-empty, at most
// MaxKeyLen bytes, UTF-8, no control characters, no leading '/', no empty,
// "." or ".." segment. Such keys can never escape the vault prefix.
func CheckKey(key string) error {
	if key == "" {
		return Errorf(CodeInvalidArgument, "empty object key")
	}
	if err := checkPath(key, false); err != nil {
		return Errorf(CodeInvalidArgument, "invalid object key %q: %s", truncate(key), err)
	}
	return nil
}

// CheckPrefix checks a listing or deletion prefix relative to the vault
// prefix: empty, or a key that may end with '/'.
func CheckPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if err := checkPath(prefix, true); err != nil {
		return Errorf(CodeInvalidArgument, "invalid prefix %q: %s", truncate(prefix), err)
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

func checkPath(p string, trailingSlash bool) error {
	if len(p) > MaxKeyLen {
		return fmt.Errorf("longer than %d bytes", MaxKeyLen)
	}
	if !utf8.ValidString(p) {
		return fmt.Errorf("not UTF-8")
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return fmt.Errorf("contains %q", r)
		}
	}
	if strings.HasPrefix(p, "/") {
		return fmt.Errorf("starts with '/'")
	}
	if trailingSlash {
		p = strings.TrimSuffix(p, "/")
	}
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "":
			return fmt.Errorf("has an empty path segment")
		case ".", "..":
			return fmt.Errorf("has a %q path segment", seg)
		}
	}
	return nil
}
