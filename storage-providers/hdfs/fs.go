package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path"
	"path/filepath"
	"strings"

	"github.com/colinmarc/hdfs/v2"
	"github.com/colinmarc/hdfs/v2/hadoopconf"
	krbclient "github.com/jcmturner/gokrb5/v8/client"
	krbconfig "github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/metahost/metahost/sdk/provider"
)

// tmpMarker starts the names of files being written; listings skip them.
const tmpMarker = "._metahost_tmp_"

// filesystem is what the provider needs from a backend. Paths are absolute
// and slash-separated.
type filesystem interface {
	// Create opens a new file for writing, replacing none.
	Create(name string) (io.WriteCloser, error)
	// Rename moves oldname over newname, replacing it.
	Rename(oldname, newname string) error
	Open(name string) (readerAt, error)
	Stat(name string) (os.FileInfo, error)
	MkdirAll(name string) error
	Walk(root string, fn filepath.WalkFunc) error
	Remove(name string) error
}

type readerAt interface {
	io.ReaderAt
	io.Closer
	Stat() (os.FileInfo, error)
}

// localFS is the local filesystem (file:// vaults).
type localFS struct{}

func (localFS) Create(name string) (io.WriteCloser, error) {
	return os.OpenFile(filepath.FromSlash(name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}
func (localFS) Rename(o, n string) error {
	return os.Rename(filepath.FromSlash(o), filepath.FromSlash(n))
}
func (localFS) Open(name string) (readerAt, error) {
	f, err := os.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	return f, nil
}
func (localFS) Stat(name string) (os.FileInfo, error) { return os.Stat(filepath.FromSlash(name)) }
func (localFS) MkdirAll(name string) error            { return os.MkdirAll(filepath.FromSlash(name), 0o755) }
func (localFS) Walk(root string, fn filepath.WalkFunc) error {
	return filepath.Walk(filepath.FromSlash(root), func(p string, info os.FileInfo, err error) error {
		return fn(filepath.ToSlash(p), info, err)
	})
}
func (localFS) Remove(name string) error { return os.Remove(filepath.FromSlash(name)) }

// hdfsFS is a namenode through colinmarc/hdfs.
type hdfsFS struct{ c *hdfs.Client }

func (h hdfsFS) Create(name string) (io.WriteCloser, error) { return h.c.Create(name) }
func (h hdfsFS) Rename(o, n string) error                   { return h.c.Rename(o, n) }
func (h hdfsFS) Open(name string) (readerAt, error) {
	f, err := h.c.Open(name)
	if err != nil {
		return nil, err
	}
	return hdfsFile{f}, nil
}
func (h hdfsFS) Stat(name string) (os.FileInfo, error)        { return h.c.Stat(name) }
func (h hdfsFS) MkdirAll(name string) error                   { return h.c.MkdirAll(name, 0o755) }
func (h hdfsFS) Walk(root string, fn filepath.WalkFunc) error { return h.c.Walk(root, fn) }
func (h hdfsFS) Remove(name string) error                     { return h.c.Remove(name) }

type hdfsFile struct{ *hdfs.FileReader }

func (f hdfsFile) Stat() (os.FileInfo, error) { return f.FileReader.Stat(), nil }

// dialHDFS connects to the namenode of t with the vault's build_conf.
func dialHDFS(t target, bc provider.HDFSBuildConf) (*hdfs.Client, error) {
	conf := hadoopconf.HadoopConf{}
	for _, kv := range bc.HDFSConfs {
		conf[kv.Key] = kv.Value
	}
	opts := hdfs.ClientOptionsFromConf(conf)
	opts.Addresses = []string{t.addr}
	opts.User = bc.User
	if opts.User == "" {
		if u, err := user.Current(); err == nil {
			opts.User = u.Username
		} else {
			opts.User = "hdfs"
		}
	}
	if bc.HDFSKerberosPrincipal != "" {
		kt, err := keytab.Load(bc.HDFSKerberosKeytab)
		if err != nil {
			return nil, provider.Errorf(provider.CodeInvalidArgument, "invalid kerberos config: keytab: %v", err)
		}
		confPath := os.Getenv("KRB5_CONFIG")
		if confPath == "" {
			confPath = "/etc/krb5.conf"
		}
		kc, err := krbconfig.Load(confPath)
		if err != nil {
			return nil, provider.Errorf(provider.CodeInvalidArgument, "invalid kerberos config: %s: %v", confPath, err)
		}
		i := strings.LastIndexByte(bc.HDFSKerberosPrincipal, '@')
		opts.KerberosClient = krbclient.NewWithKeytab(bc.HDFSKerberosPrincipal[:i], bc.HDFSKerberosPrincipal[i+1:], kt, kc)
		if opts.KerberosServicePrincipleName == "" {
			opts.KerberosServicePrincipleName = "nn/_HOST"
		}
	}
	c, err := hdfs.NewClient(opts)
	if err != nil {
		return nil, provider.Errorf(provider.CodeInvalidArgument, "invalid fs_name: %s: %v", t, err)
	}
	return c, nil
}

// writeAtomic writes r to a temporary file beside name and renames it over
// name: a reader sees the old object or the whole new one, and a crash
// leaves at most a temporary file that listings skip.
func writeAtomic(fsys filesystem, name string, r io.Reader, size int64) error {
	dir := path.Dir(name)
	var b [8]byte
	_, _ = rand.Read(b[:])
	tmp := path.Join(dir, tmpMarker+hex.EncodeToString(b[:]))
	var w io.WriteCloser
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = fsys.MkdirAll(dir); err != nil {
			continue
		}
		if w, err = fsys.Create(tmp); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", tmp, err)
	}
	n, err := io.Copy(w, r)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = fmt.Errorf("wrote %d bytes, expected %d", n, size)
	}
	if err != nil {
		_ = fsys.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := fsys.Rename(tmp, name); err != nil {
		_ = fsys.Remove(tmp)
		return fmt.Errorf("rename into %s: %w", name, err)
	}
	return nil
}
