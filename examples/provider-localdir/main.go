// Command provider-localdir is an example third-party storage-vault
// provider for metahost: it keeps a vault's objects as files in a local
// directory. It is built exactly like the first-party providers — a main
// package that implements sdk/provider's Provider and calls provider.Serve —
// and tested with sdk/provider/plugintest.
//
// A vault is an obj_info config whose bucket names a directory under the
// root given to the plugin in METAHOST_LOCALDIR_ROOT (the catalog declares
// the plugin's environment); ak, sk, endpoint and region are not used.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/metahost/metahost/sdk/provider"
)

// Version is the provider's version.
const Version = "0.1.0"

// RootEnv names the environment variable holding the root directory.
const RootEnv = "METAHOST_LOCALDIR_ROOT"

func main() { provider.Serve(&localdir{root: os.Getenv(RootEnv)}) }

// localdir serves vaults as directories under root.
type localdir struct{ root string }

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func (l *localdir) Info() provider.Info {
	return provider.Info{Name: "localdir", Version: Version, Capabilities: []string{provider.CapRangeRead}}
}

func (l *localdir) Validate(_ context.Context, cfg *provider.Config) error {
	if cfg.Obj == nil {
		return provider.InvalidConfig("localdir serves obj_info vaults")
	}
	if !filepath.IsAbs(l.root) {
		return provider.Errorf(provider.CodeInternal, "%s is %q, not an absolute directory", RootEnv, l.root)
	}
	if !bucketName.MatchString(cfg.Obj.Bucket) {
		return provider.InvalidConfig("bucket %q is not a directory name ([a-z0-9-], at most 63)", cfg.Obj.Bucket)
	}
	if p := cfg.Obj.Provider; p != "" && !strings.EqualFold(p, "LOCALDIR") {
		return provider.InvalidConfig("provider %q is not LOCALDIR", p)
	}
	return nil
}

// dir is the vault's directory.
func (l *localdir) dir(cfg *provider.Config) string {
	return filepath.Join(l.root, cfg.Obj.Bucket, filepath.FromSlash(cfg.VaultPrefix()))
}

func (l *localdir) path(cfg *provider.Config, key string) string {
	return filepath.Join(l.dir(cfg), filepath.FromSlash(key))
}

func notFound(key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return provider.NotFound(key)
	}
	return err
}

func (l *localdir) Probe(_ context.Context, cfg *provider.Config, write bool) error {
	bucket := filepath.Join(l.root, cfg.Obj.Bucket)
	if fi, err := os.Stat(bucket); err != nil || !fi.IsDir() {
		return provider.InvalidConfig("bucket directory %s does not exist", cfg.Obj.Bucket)
	}
	if write {
		if _, err := l.Put(context.Background(), cfg, ".probe", strings.NewReader("probe"), 5); err != nil {
			return provider.InvalidConfig("bucket %s is not writable: %v", cfg.Obj.Bucket, err)
		}
		return l.Delete(context.Background(), cfg, []string{".probe"})
	}
	return nil
}

// Put writes a temporary file and renames it into place, so readers never
// see half an object.
func (l *localdir) Put(_ context.Context, cfg *provider.Config, key string, body io.Reader, size int64) (provider.Object, error) {
	name := l.path(cfg, key)
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return provider.Object{}, err
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	tmp := filepath.Join(filepath.Dir(name), ".tmp-"+hex.EncodeToString(b[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return provider.Object{}, err
	}
	n, err := io.Copy(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = fmt.Errorf("got %d bytes, expected %d", n, size)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return provider.Object{}, err
	}
	return provider.Object{Key: key, Size: n}, nil
}

func (l *localdir) Get(_ context.Context, cfg *provider.Config, key string, off, length int64) ([]byte, provider.Object, error) {
	f, err := os.Open(l.path(cfg, key))
	if err != nil {
		return nil, provider.Object{}, notFound(key, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		return nil, provider.Object{}, provider.NotFound(key)
	}
	obj := provider.Object{Key: key, Size: fi.Size(), ModTime: fi.ModTime().UTC()}
	if off >= fi.Size() {
		return []byte{}, obj, nil
	}
	buf := make([]byte, min(length, fi.Size()-off))
	n, err := f.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, provider.Object{}, err
	}
	return buf[:n], obj, nil
}

func (l *localdir) Stat(_ context.Context, cfg *provider.Config, key string) (provider.Object, error) {
	fi, err := os.Stat(l.path(cfg, key))
	if err != nil {
		return provider.Object{}, notFound(key, err)
	}
	if fi.IsDir() {
		return provider.Object{}, provider.NotFound(key)
	}
	return provider.Object{Key: key, Size: fi.Size(), ModTime: fi.ModTime().UTC()}, nil
}

func (l *localdir) List(_ context.Context, cfg *provider.Config, prefix, after string, limit int) (provider.ListPage, error) {
	dir := l.dir(cfg)
	var objs []provider.Object
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if strings.HasPrefix(key, prefix) && key > after {
			fi, err := d.Info()
			if err != nil {
				return nil
			}
			objs = append(objs, provider.Object{Key: key, Size: fi.Size(), ModTime: fi.ModTime().UTC()})
		}
		return nil
	})
	if err != nil {
		return provider.ListPage{}, err
	}
	slices.SortFunc(objs, func(a, b provider.Object) int { return strings.Compare(a.Key, b.Key) })
	page := provider.ListPage{Objects: objs}
	if len(objs) > limit {
		page.Objects, page.Next = objs[:limit], objs[limit-1].Key
	}
	if page.Objects == nil {
		page.Objects = []provider.Object{}
	}
	return page, nil
}

func (l *localdir) Delete(_ context.Context, cfg *provider.Config, keys []string) error {
	for _, k := range keys {
		if err := os.Remove(l.path(cfg, k)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (l *localdir) DeletePrefix(ctx context.Context, cfg *provider.Config, prefix string, limit int) (int, bool, error) {
	page, err := l.List(ctx, cfg, prefix, "", limit)
	if err != nil {
		return 0, false, err
	}
	keys := make([]string, len(page.Objects))
	for i, o := range page.Objects {
		keys[i] = o.Key
	}
	return len(keys), page.Next != "", l.Delete(ctx, cfg, keys)
}
