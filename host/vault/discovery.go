package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/plugin/catalog"
	"github.com/metahost/metahost/host/raftstore"
)

// DefaultProviderDir is where `make providers` puts the first-party
// provider binaries.
const DefaultProviderDir = "bin/providers"

// EnsureProviders registers the first-party providers found in dir (s3,
// cos, oss, hdfs) that the catalog lacks, as process plugins of kind
// provider, by absolute path and pinned to their sha256. A provider the
// catalog already has is left alone (an operator may have registered
// another version); a missing binary is logged and skipped. It runs on the
// leader and returns the names it registered.
func EnsureProviders(ctx context.Context, cat *catalog.Service, dir string, logger hclog.Logger) ([]string, error) {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	if dir == "" {
		dir = DefaultProviderDir
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("provider dir %s: %w", dir, err)
	}
	registered := map[string]bool{}
	if err := cat.View(ctx, raftstore.ReadOptions{}, func(rd catalog.Reader) error {
		for _, e := range rd.Entries() {
			registered[e.Name] = true
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read the plugin catalog: %w", err)
	}
	var added []string
	for _, name := range FirstParty {
		if registered[name] {
			continue
		}
		path := filepath.Join(abs, name)
		sha, err := fileSHA256(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				logger.Debug("first-party provider not found; vaults it serves cannot be probed or recycled (build it with `make providers`)", "path", path)
				continue
			}
			return added, err
		}
		reg := catalog.Registration{Name: name, Kind: catalog.KindProvider, Runtime: catalog.RuntimeProcess,
			Version: "builtin-" + sha[:12], SHA256: sha, Path: path}
		if _, err := cat.Register(ctx, reg); err != nil {
			return added, fmt.Errorf("register provider %s: %w", name, err)
		}
		added = append(added, name)
		logger.Info("registered first-party provider", "name", name, "path", path, "sha256", sha)
	}
	return added, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("stat %s: %w", path, err)
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("%s: %w (not an executable file)", path, os.ErrNotExist)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
