package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/sdk/provider/plugintest"
)

func TestRules(t *testing.T) {
	keytab := "/etc/security/nn.keytab"
	for _, tc := range []struct {
		name string
		bc   provider.HDFSBuildConf
		pfx  string
		want string
	}{
		{"file", provider.HDFSBuildConf{FsName: "file:///var/lib/metahost/vault"}, "p", ""},
		{"hdfs", provider.HDFSBuildConf{FsName: "hdfs://nn:8020", User: "doris"}, "p", ""},
		{"hdfs default port and root", provider.HDFSBuildConf{FsName: "hdfs://nn/warehouse"}, "", ""},
		{"kerberos pair", provider.HDFSBuildConf{FsName: "hdfs://nn", HDFSKerberosPrincipal: "doris/host@EXAMPLE.COM", HDFSKerberosKeytab: keytab}, "p", ""},
		{"confs", provider.HDFSBuildConf{FsName: "hdfs://nn", HDFSConfs: []provider.HDFSConfKV{{Key: "dfs.client.use.datanode.hostname", Value: "true"}}}, "p", ""},
		{"empty fs_name", provider.HDFSBuildConf{}, "p", "invalid fs_name: empty"},
		{"no scheme", provider.HDFSBuildConf{FsName: "nn:8020"}, "p", "invalid fs_name"},
		{"s3 scheme", provider.HDFSBuildConf{FsName: "s3://bucket"}, "p", "invalid fs_name"},
		{"file relative", provider.HDFSBuildConf{FsName: "file://relative/dir"}, "p", "absolute path"},
		{"file root", provider.HDFSBuildConf{FsName: "file:///"}, "p", "below /"},
		{"hdfs no host", provider.HDFSBuildConf{FsName: "hdfs:///x"}, "p", "no namenode host"},
		{"hdfs bad port", provider.HDFSBuildConf{FsName: "hdfs://nn:0"}, "p", "bad port"},
		{"user info", provider.HDFSBuildConf{FsName: "hdfs://u:pw@nn"}, "p", "no user info"},
		{"principal alone", provider.HDFSBuildConf{FsName: "hdfs://nn", HDFSKerberosPrincipal: "doris@EXAMPLE.COM"}, "p", "must be set together"},
		{"keytab alone", provider.HDFSBuildConf{FsName: "hdfs://nn", HDFSKerberosKeytab: keytab}, "p", "must be set together"},
		{"principal without realm", provider.HDFSBuildConf{FsName: "hdfs://nn", HDFSKerberosPrincipal: "doris", HDFSKerberosKeytab: keytab}, "p", "name@REALM"},
		{"relative keytab", provider.HDFSBuildConf{FsName: "hdfs://nn", HDFSKerberosPrincipal: "d@R", HDFSKerberosKeytab: "nn.keytab"}, "p", "absolute path"},
		{"kerberos on file", provider.HDFSBuildConf{FsName: "file:///v", HDFSKerberosPrincipal: "d@R", HDFSKerberosKeytab: keytab}, "p", "file://"},
		{"duplicate conf", provider.HDFSBuildConf{FsName: "hdfs://nn", HDFSConfs: []provider.HDFSConfKV{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}}, "p", "given twice"},
		{"empty conf key", provider.HDFSBuildConf{FsName: "hdfs://nn", HDFSConfs: []provider.HDFSConfKV{{Value: "1"}}}, "p", "empty key"},
		{"bad prefix", provider.HDFSBuildConf{FsName: "hdfs://nn"}, "a/../b", "invalid prefix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &provider.Config{HDFS: &provider.HDFSInfo{BuildConf: tc.bc, Prefix: tc.pfx}}
			err := cfg.CheckShape()
			if err == nil {
				err = newStore().Validate(context.Background(), cfg)
			}
			if tc.want == "" {
				if err != nil {
					t.Fatalf("valid config refused: %v", err)
				}
				return
			}
			if !provider.HasCode(err, provider.CodeInvalidArgument) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want INVALID_ARGUMENT with %q", err, tc.want)
			}
		})
	}
	err := newStore().Validate(context.Background(), &provider.Config{Obj: &provider.ObjInfo{}})
	if !provider.HasCode(err, provider.CodeInvalidArgument) {
		t.Errorf("obj_info config: %v", err)
	}
}

func fileConfig(dir string) *provider.Config {
	return &provider.Config{HDFS: &provider.HDFSInfo{BuildConf: provider.HDFSBuildConf{FsName: "file://" + filepath.ToSlash(dir)}, Prefix: "vault"}}
}

// TestConformanceFile runs the suite through the plugin binary on a
// file:// vault (the embedded default).
func TestConformanceFile(t *testing.T) {
	bin := plugintest.Build(t, ".")
	p := plugintest.Start(t, bin, "hdfs", nil)
	dir := t.TempDir()
	bad := fileConfig(filepath.Join(dir, "missing-file"))
	if err := os.WriteFile(filepath.Join(dir, "missing-file"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	plugintest.Run(t, plugintest.Target{Call: p.Call, Config: fileConfig(dir), BadCredentials: bad, ObjectCount: 1200})
	// Nothing left behind: no objects, no temporary files.
	var left []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && fi.Name() != "missing-file" {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestConformanceNamenode runs the suite against a real HDFS namenode when
// HDFS_NAMENODE (host:port) is set; HDFS_USER names the user (default
// "hdfs"), HDFS_ROOT the directory (default /tmp/metahost-test).
func TestConformanceNamenode(t *testing.T) {
	nn := os.Getenv("HDFS_NAMENODE")
	if nn == "" {
		t.Skip("HDFS_NAMENODE not set: no namenode to test against")
	}
	user := os.Getenv("HDFS_USER")
	if user == "" {
		user = "hdfs"
	}
	root := os.Getenv("HDFS_ROOT")
	if root == "" {
		root = "/tmp/metahost-test"
	}
	bin := plugintest.Build(t, ".")
	p := plugintest.Start(t, bin, "hdfs", nil)
	cfg := &provider.Config{HDFS: &provider.HDFSInfo{BuildConf: provider.HDFSBuildConf{FsName: "hdfs://" + nn + root, User: user}, Prefix: "vault"}}
	plugintest.Run(t, plugintest.Target{Call: p.Call, Config: cfg})
}

// BenchmarkStatRoundTrip measures a stat through go-plugin (gRPC over a
// unix socket, AutoMTLS) on a file:// vault: the provider call overhead.
func BenchmarkStatRoundTrip(b *testing.B) {
	bin := plugintest.Build(b, ".")
	p := plugintest.Start(b, bin, "hdfs", nil)
	v := provider.NewClient(p.Call).Vault(fileConfig(b.TempDir()))
	ctx := context.Background()
	if _, err := v.Put(ctx, "obj", []byte("x")); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		if _, err := v.Stat(ctx, "obj"); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "median-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// FuzzParseFsName: any fs_name is accepted into a clean target or refused
// with INVALID_ARGUMENT `invalid fs_name: ...`, never a panic.
func FuzzParseFsName(f *testing.F) {
	for _, s := range []string{"file:///var/lib/v", "hdfs://nn:8020/x", "hdfs://nn", "file://rel", "hdfs://[::1]:8020", "hdfs://nn:99999", "%zz", "", "s3://b", "hdfs://u@nn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, fs string) {
		tg, err := parseFsName(fs)
		if err != nil {
			if !provider.HasCode(err, provider.CodeInvalidArgument) || !strings.HasPrefix(err.Error(), "INVALID_ARGUMENT: invalid fs_name: ") {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		if !strings.HasPrefix(tg.root, "/") || (tg.local && tg.root == "/") || (!tg.local && tg.addr == "") {
			t.Fatalf("accepted %q as %+v", fs, tg)
		}
	})
}

// BenchmarkStatInProcess is the same stat without go-plugin: the SDK's
// framing, validation and the filesystem, for comparison with
// BenchmarkStatRoundTrip.
func BenchmarkStatInProcess(b *testing.B) {
	h := provider.NewHandler(newStore(), provider.HandlerOptions{})
	v := provider.NewClient(h.Call).Vault(fileConfig(b.TempDir()))
	ctx := context.Background()
	if _, err := v.Put(ctx, "obj", []byte("x")); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Stat(ctx, "obj"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNamenodeUnreachable: a namenode that does not answer, and a keytab
// that does not exist, are refused with INVALID_ARGUMENT by probe.
func TestNamenodeUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := newStore()
	for _, tc := range []struct {
		name string
		bc   provider.HDFSBuildConf
		want string
	}{
		{"closed port", provider.HDFSBuildConf{FsName: "hdfs://" + addr, User: "u"}, "invalid fs_name: hdfs://" + addr},
		{"missing keytab", provider.HDFSBuildConf{FsName: "hdfs://" + addr, HDFSKerberosPrincipal: "u@R", HDFSKerberosKeytab: filepath.Join(t.TempDir(), "none.keytab")}, "invalid kerberos config: keytab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := s.Probe(ctx, &provider.Config{HDFS: &provider.HDFSInfo{BuildConf: tc.bc, Prefix: "p"}}, false)
			if !provider.HasCode(err, provider.CodeInvalidArgument) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}
