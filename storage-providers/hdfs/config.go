package main

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/metahost/metahost/sdk/provider"
)

// Version is the provider's version.
const Version = "1.0.0"

// defaultNamenodePort is HDFS's namenode RPC port.
const defaultNamenodePort = "8020"

// target is a parsed fs_name.
type target struct {
	// local is true for file://; root is then a local directory.
	local bool
	// addr is the namenode host:port (hdfs:// only).
	addr string
	// root is the absolute directory the vault lives under.
	root string
}

// fsErr is Doris's error for a bad fs_name.
func fsErr(format string, args ...any) error {
	return provider.Errorf(provider.CodeInvalidArgument, "invalid fs_name: "+format, args...)
}

// parseFsName parses hdfs://host[:port][/dir] or file:///dir.
func parseFsName(fs string) (target, error) {
	if fs == "" {
		return target{}, fsErr("empty (want hdfs://host[:port] or file:///path)")
	}
	u, err := url.Parse(fs)
	if err != nil {
		return target{}, fsErr("%s: %v", fs, err)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return target{}, fsErr("%s: no user info, query or fragment allowed", fs)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" {
			return target{}, fsErr("%s: a file:// fs_name needs an absolute path (file:///dir)", fs)
		}
		root := path.Clean(u.Path)
		if !path.IsAbs(root) || root == "/" {
			return target{}, fsErr("%s: a file:// fs_name must name a directory below /", fs)
		}
		return target{local: true, root: root}, nil
	case "hdfs":
		host, port := u.Hostname(), u.Port()
		if host == "" {
			return target{}, fsErr("%s: no namenode host", fs)
		}
		if port == "" {
			port = defaultNamenodePort
		} else if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return target{}, fsErr("%s: bad port", fs)
		}
		root := "/"
		if u.Path != "" {
			root = path.Clean(u.Path)
		}
		return target{addr: net.JoinHostPort(host, port), root: root}, nil
	}
	return target{}, fsErr("%s: want hdfs://host[:port] or file:///path", fs)
}

// validate applies the HDFS provider's rules.
func validate(cfg *provider.Config) (target, error) {
	h := cfg.HDFS
	if h == nil {
		return target{}, provider.Errorf(provider.CodeInvalidArgument, "the hdfs provider serves hdfs_info vaults, not obj_info")
	}
	t, err := parseFsName(h.BuildConf.FsName)
	if err != nil {
		return target{}, err
	}
	bc := h.BuildConf
	if (bc.HDFSKerberosPrincipal == "") != (bc.HDFSKerberosKeytab == "") {
		return target{}, provider.Errorf(provider.CodeInvalidArgument, "invalid kerberos config: hdfs_kerberos_principal and hdfs_kerberos_keytab must be set together")
	}
	if bc.HDFSKerberosPrincipal != "" {
		if t.local {
			return target{}, provider.Errorf(provider.CodeInvalidArgument, "invalid kerberos config: a file:// vault takes no kerberos principal")
		}
		if i := strings.LastIndexByte(bc.HDFSKerberosPrincipal, '@'); i <= 0 || i == len(bc.HDFSKerberosPrincipal)-1 {
			return target{}, provider.Errorf(provider.CodeInvalidArgument, "invalid kerberos config: principal %q is not name@REALM", bc.HDFSKerberosPrincipal)
		}
		if !path.IsAbs(bc.HDFSKerberosKeytab) {
			return target{}, provider.Errorf(provider.CodeInvalidArgument, "invalid kerberos config: keytab %q is not an absolute path", bc.HDFSKerberosKeytab)
		}
	}
	seen := map[string]bool{}
	for _, kv := range bc.HDFSConfs {
		if kv.Key == "" {
			return target{}, provider.Errorf(provider.CodeInvalidArgument, "invalid hdfs_confs: empty key")
		}
		if seen[kv.Key] {
			return target{}, provider.Errorf(provider.CodeInvalidArgument, "invalid hdfs_confs: key %q given twice", kv.Key)
		}
		seen[kv.Key] = true
	}
	if t.local && len(bc.HDFSConfs) > 0 {
		return target{}, provider.Errorf(provider.CodeInvalidArgument, "invalid hdfs_confs: a file:// vault takes none")
	}
	return t, nil
}

// dir is the vault's directory: root joined with the vault prefix.
func (t target) dir(cfg *provider.Config) string {
	return path.Join(t.root, cfg.VaultPrefix())
}

func (t target) String() string {
	if t.local {
		return fmt.Sprintf("file://%s", t.root)
	}
	return fmt.Sprintf("hdfs://%s%s", t.addr, t.root)
}
