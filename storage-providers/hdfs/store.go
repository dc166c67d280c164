package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/metahost/metahost/sdk/provider"
)

// store is the HDFS provider. It keeps one namenode client per distinct
// build_conf.
type store struct {
	mu      sync.Mutex
	clients map[string]filesystem
}

func newStore() *store { return &store{clients: map[string]filesystem{}} }

// Info implements provider.Provider.
func (s *store) Info() provider.Info {
	return provider.Info{Name: "hdfs", Version: Version, Capabilities: []string{provider.CapRangeRead}}
}

// Validate implements provider.Provider.
func (s *store) Validate(_ context.Context, cfg *provider.Config) error {
	_, err := validate(cfg)
	return err
}

// open returns the filesystem and parsed fs_name for cfg.
func (s *store) open(cfg *provider.Config) (filesystem, target, error) {
	t, err := validate(cfg)
	if err != nil {
		return nil, t, err
	}
	if t.local {
		return localFS{}, t, nil
	}
	h := sha256.New()
	bc := cfg.HDFS.BuildConf
	for _, f := range []string{bc.FsName, bc.User, bc.HDFSKerberosPrincipal, bc.HDFSKerberosKeytab} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	for _, kv := range bc.HDFSConfs {
		fmt.Fprintf(h, "%s=%s\x00", kv.Key, kv.Value)
	}
	key := hex.EncodeToString(h.Sum(nil))
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.clients[key]; c != nil {
		return c, t, nil
	}
	c, err := dialHDFS(t, bc)
	if err != nil {
		return nil, t, err
	}
	if len(s.clients) >= 64 {
		for k, old := range s.clients {
			if h, ok := old.(hdfsFS); ok {
				_ = h.c.Close()
			}
			delete(s.clients, k)
		}
	}
	s.clients[key] = hdfsFS{c}
	return s.clients[key], t, nil
}

func mapErr(op, key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return provider.NotFound(key)
	}
	return fmt.Errorf("%s %q: %w", op, key, err)
}

// Probe implements provider.Provider: the vault directory (or, for write,
// its parent chain) exists and a file can be written and removed there.
func (s *store) Probe(_ context.Context, cfg *provider.Config, write bool) error {
	fsys, t, err := s.open(cfg)
	if err != nil {
		return err
	}
	dir := t.dir(cfg)
	if write {
		probe := path.Join(dir, ".metahost-probe")
		if err := writeAtomic(fsys, probe, strings.NewReader("probe"), 5); err != nil {
			return provider.Errorf(provider.CodeInvalidArgument, "invalid fs_name: %s: probe write: %v", t, err)
		}
		if err := fsys.Remove(probe); err != nil {
			return provider.Errorf(provider.CodeInvalidArgument, "invalid fs_name: %s: probe delete: %v", t, err)
		}
		return nil
	}
	fi, err := fsys.Stat(t.root)
	if err != nil {
		return provider.Errorf(provider.CodeInvalidArgument, "invalid fs_name: %s: %v", t, err)
	}
	if !fi.IsDir() {
		return provider.Errorf(provider.CodeInvalidArgument, "invalid fs_name: %s is not a directory", t)
	}
	return nil
}

// Put implements provider.Provider.
func (s *store) Put(_ context.Context, cfg *provider.Config, key string, body io.Reader, size int64) (provider.Object, error) {
	fsys, t, err := s.open(cfg)
	if err != nil {
		return provider.Object{}, err
	}
	name := path.Join(t.dir(cfg), key)
	if err := writeAtomic(fsys, name, body, size); err != nil {
		return provider.Object{}, mapErr("put", key, err)
	}
	fi, err := fsys.Stat(name)
	if err != nil {
		return provider.Object{}, mapErr("put", key, err)
	}
	return objectOf(key, fi), nil
}

func objectOf(key string, fi os.FileInfo) provider.Object {
	return provider.Object{Key: key, Size: fi.Size(), ModTime: fi.ModTime().UTC()}
}

// Get implements provider.Provider.
func (s *store) Get(_ context.Context, cfg *provider.Config, key string, offset, length int64) ([]byte, provider.Object, error) {
	fsys, t, err := s.open(cfg)
	if err != nil {
		return nil, provider.Object{}, err
	}
	f, err := fsys.Open(path.Join(t.dir(cfg), key))
	if err != nil {
		return nil, provider.Object{}, mapErr("get", key, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, provider.Object{}, mapErr("get", key, err)
	}
	if fi.IsDir() {
		return nil, provider.Object{}, provider.NotFound(key)
	}
	if offset >= fi.Size() {
		return []byte{}, objectOf(key, fi), nil
	}
	buf := make([]byte, min(length, fi.Size()-offset))
	n, err := f.ReadAt(buf, offset)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, provider.Object{}, mapErr("get", key, err)
	}
	return buf[:n], objectOf(key, fi), nil
}

// Stat implements provider.Provider.
func (s *store) Stat(_ context.Context, cfg *provider.Config, key string) (provider.Object, error) {
	fsys, t, err := s.open(cfg)
	if err != nil {
		return provider.Object{}, err
	}
	fi, err := fsys.Stat(path.Join(t.dir(cfg), key))
	if err != nil {
		return provider.Object{}, mapErr("stat", key, err)
	}
	if fi.IsDir() {
		return provider.Object{}, provider.NotFound(key)
	}
	return objectOf(key, fi), nil
}

// scan returns every object under prefix after after, sorted by key, at
// most limit+1 of them. It walks only the deepest directory the prefix
// names.
func (s *store) scan(ctx context.Context, cfg *provider.Config, prefix, after string, limit int) ([]provider.Object, error) {
	fsys, t, err := s.open(cfg)
	if err != nil {
		return nil, err
	}
	vault := t.dir(cfg)
	start := vault
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = path.Join(vault, prefix[:i])
	}
	var objs []provider.Object
	err = fsys.Walk(start, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if fi.IsDir() || strings.HasPrefix(path.Base(p), tmpMarker) {
			return nil
		}
		key := strings.TrimPrefix(p, vault+"/")
		if !strings.HasPrefix(key, prefix) || (after != "" && key <= after) {
			return nil
		}
		objs = append(objs, objectOf(key, fi))
		return nil
	})
	if err != nil {
		return nil, mapErr("list", prefix, err)
	}
	slices.SortFunc(objs, func(a, b provider.Object) int { return strings.Compare(a.Key, b.Key) })
	if len(objs) > limit+1 {
		objs = objs[:limit+1]
	}
	return objs, nil
}

// List implements provider.Provider.
func (s *store) List(ctx context.Context, cfg *provider.Config, prefix, after string, limit int) (provider.ListPage, error) {
	objs, err := s.scan(ctx, cfg, prefix, after, limit)
	if err != nil {
		return provider.ListPage{}, err
	}
	page := provider.ListPage{Objects: objs}
	if len(objs) > limit {
		page.Objects = objs[:limit]
		page.Next = objs[limit-1].Key
	}
	if page.Objects == nil {
		page.Objects = []provider.Object{}
	}
	return page, nil
}

// Delete implements provider.Provider, removing directories left empty.
func (s *store) Delete(ctx context.Context, cfg *provider.Config, keys []string) error {
	fsys, t, err := s.open(cfg)
	if err != nil {
		return err
	}
	vault := t.dir(cfg)
	dirs := map[string]bool{}
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := path.Join(vault, k)
		if err := fsys.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return mapErr("delete", k, err)
		}
		dirs[path.Dir(name)] = true
	}
	// Deepest first; a directory still holding files stays.
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		for ; d != vault && strings.HasPrefix(d, vault+"/"); d = path.Dir(d) {
			list = append(list, d)
		}
	}
	slices.SortFunc(list, func(a, b string) int {
		if d := strings.Count(b, "/") - strings.Count(a, "/"); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, d := range slices.Compact(list) {
		_ = fsys.Remove(d)
	}
	return nil
}

// DeletePrefix implements provider.Provider.
func (s *store) DeletePrefix(ctx context.Context, cfg *provider.Config, prefix string, limit int) (int, bool, error) {
	objs, err := s.scan(ctx, cfg, prefix, "", limit)
	if err != nil {
		return 0, false, err
	}
	more := len(objs) > limit
	if more {
		objs = objs[:limit]
	}
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.Key
	}
	if err := s.Delete(ctx, cfg, keys); err != nil {
		return 0, true, err
	}
	return len(keys), more, nil
}

var _ provider.Provider = (*store)(nil)
