package vault_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
	"github.com/metahost/metahost/host/vault"
	"github.com/metahost/metahost/internal/testing/miniotest"
	"github.com/metahost/metahost/sdk/process"
)

func buildS3(t testing.TB) string {
	t.Helper()
	root, err := miniotest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "s3"), "./storage-providers/s3")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build s3: %v\n%s", err, out)
	}
	return dir
}

func msCall(t testing.TB, s *servertest.Server, method, route, query, body string) servertest.Response {
	t.Helper()
	url := s.URL + "/MetaService/http/" + route + "?token=" + servertest.Token
	if query != "" {
		url += "&" + query
	}
	return servertest.Do(t, method, url, body)
}

func obj(m *miniotest.Server, bucket, sk string) string {
	return fmt.Sprintf(`{"ak":%q,"sk":%q,"bucket":%q,"prefix":"p","endpoint":%q,"external_endpoint":%q,"region":%q,"provider":"S3","use_path_style":true}`,
		m.AccessKey, sk, bucket, m.Endpoint, m.Endpoint, m.Region)
}

// TestProbe: create_instance and add_obj_info probe the vault through the
// s3 provider against a real MinIO when asked (probe=true, or [vault]
// probe_on_create); bad credentials or a missing bucket answer
// INVALID_ARGUMENT "s3 conf info err, please check it: ..." and change
// nothing; without the probe Doris's behaviour is unchanged.
func TestProbe(t *testing.T) {
	m := miniotest.Start(t)
	m.MakeBucket(t, "vault")
	dir := buildS3(t)
	for _, onCreate := range []bool{false, true} {
		t.Run(fmt.Sprintf("probe_on_create=%v", onCreate), func(t *testing.T) {
			s := servertest.Start(t, servertest.Options{Edit: func(c *server.Config) {
				c.Vault.ProviderDir = dir
				c.Vault.ProbeOnCreate = onCreate
			}})
			deadline := time.Now().Add(60 * time.Second)
			for !strings.Contains(servertest.Do(t, "GET", s.URL+"/v1/plugins?token="+servertest.Token, "").Body, `"name":"s3"`) {
				if time.Now().After(deadline) {
					t.Fatal("s3 provider not discovered")
				}
				time.Sleep(20 * time.Millisecond)
			}
			ask := "probe=true"
			if onCreate {
				ask = ""
			}
			bad := []struct{ name, body, want string }{
				{"bad sk", obj(m, "vault", "wrong-secret"), "s3 conf info err, please check it: "},
				{"no bucket", obj(m, "missing-bucket", m.SecretKey), "s3 conf info err, please check it: "},
			}
			for _, c := range bad {
				start := time.Now()
				r := msCall(t, s, "PUT", "create_instance", ask, `{"instance_id":"i1","obj_info":`+c.body+`}`)
				t.Logf("%s: refused in %v", c.name, time.Since(start).Round(time.Millisecond))
				if r.Status != 400 || !strings.Contains(r.Body, `"code": "INVALID_ARGUMENT"`) || !strings.Contains(r.Body, `"msg": "`+c.want) {
					t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
				}
				if strings.Contains(r.Body, "wrong-secret") || strings.Contains(r.Body, m.SecretKey) {
					t.Fatalf("%s: the answer leaks the secret: %s", c.name, r.Body)
				}
				if g := msCall(t, s, "GET", "get_instance", "instance_id=i1", ""); !strings.Contains(g.Body, "KeyNotFound") {
					t.Fatalf("%s: instance created anyway: %s", c.name, g.Body)
				}
			}
			skip := "probe=false"
			if !onCreate {
				skip = ""
			}
			// Not probed: Doris's behaviour (the bad vault is accepted).
			if r := msCall(t, s, "PUT", "create_instance", skip, `{"instance_id":"unprobed","obj_info":`+obj(m, "vault", "wrong-secret")+`}`); r.Status != 200 {
				t.Fatalf("unprobed create: %d %s", r.Status, r.Body)
			}
			if r := msCall(t, s, "PUT", "create_instance", ask, `{"instance_id":"i1","obj_info":`+obj(m, "vault", m.SecretKey)+`}`); r.Status != 200 {
				t.Fatalf("good create: %d %s", r.Status, r.Body)
			}
			add := func(sk string) servertest.Response {
				return msCall(t, s, "PUT", "add_obj_info", ask, `{"cloud_unique_id":"1:i1:x","obj":`+strings.Replace(obj(m, "vault", sk), `"prefix":"p"`, `"prefix":"p2"`, 1)+`}`)
			}
			if r := add("wrong-secret"); r.Status != 400 || !strings.Contains(r.Body, `"msg": "s3 conf info err, please check it: `) {
				t.Fatalf("bad add_obj_info: %d %s", r.Status, r.Body)
			}
			if g := msCall(t, s, "POST", "get_obj_store_info", "", `{"cloud_unique_id":"1:i1:x"}`); strings.Count(g.Body, `"bucket"`) != 1 {
				t.Fatalf("bad add_obj_info changed the state: %s", g.Body)
			}
			if r := add(m.SecretKey); r.Status != 200 {
				t.Fatalf("good add_obj_info: %d %s", r.Status, r.Body)
			}
			if g := msCall(t, s, "POST", "get_obj_store_info", "", `{"cloud_unique_id":"1:i1:x"}`); strings.Count(g.Body, `"bucket"`) != 2 {
				t.Fatalf("good add_obj_info not applied: %s", g.Body)
			}
			// An incomplete obj_info is not probed: Doris's own message.
			r := msCall(t, s, "PUT", "create_instance", ask, `{"instance_id":"i2","obj_info":{"ak":"a","bucket":"b"}}`)
			if r.Status != 400 || !strings.Contains(r.Body, `"msg": "s3 conf info err, please check it"`) {
				t.Fatalf("incomplete: %d %s", r.Status, r.Body)
			}
		})
	}
}

// TestProbeWithoutProvider: asked to probe a vault whose provider is not
// registered, the operation fails with a clear message and changes nothing.
func TestProbeWithoutProvider(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Edit: func(c *server.Config) { c.Vault.ProviderDir = t.TempDir() }})
	body := `{"instance_id":"i","obj_info":{"ak":"a","sk":"s","bucket":"b","endpoint":"127.0.0.1:1","external_endpoint":"e","region":"r","provider":"COS"}}`
	r := msCall(t, s, "PUT", "create_instance", "probe=true", body)
	if r.Status == 200 || !strings.Contains(r.Body, `provider \"cos\" is not registered`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if r := msCall(t, s, "PUT", "create_instance", "", body); r.Status != 200 {
		t.Fatalf("unprobed: %d %s", r.Status, r.Body)
	}
}

func TestProviderFor(t *testing.T) {
	for _, c := range []struct {
		p    dorispb.ObjectStoreInfoPB_Provider
		want string
		ok   bool
	}{
		{dorispb.ObjectStoreInfoPB_S3, "s3", true},
		{dorispb.ObjectStoreInfoPB_OBS, "s3", true},
		{dorispb.ObjectStoreInfoPB_BOS, "s3", true},
		{dorispb.ObjectStoreInfoPB_GCP, "s3", true},
		{dorispb.ObjectStoreInfoPB_AZURE, "s3", true},
		{dorispb.ObjectStoreInfoPB_COS, "cos", true},
		{dorispb.ObjectStoreInfoPB_OSS, "oss", true},
		{dorispb.ObjectStoreInfoPB_TOS, "", false},
		{dorispb.ObjectStoreInfoPB_UNKONWN, "", false},
	} {
		if got, ok := vault.ProviderFor(c.p); got != c.want || ok != c.ok {
			t.Errorf("ProviderFor(%v) = %q, %v", c.p, got, ok)
		}
	}
}

func TestProbeMessage(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&process.Error{Code: "INVALID_ARGUMENT", Message: "s3 conf info err, please check it: list: Access Denied"}, "s3 conf info err, please check it: list: Access Denied"},
		{&process.Error{Code: "INTERNAL_ERROR", Message: "dial tcp: refused"}, "s3 conf info err, please check it: dial tcp: refused"},
		{fmt.Errorf("provider probe: %w", &process.Error{Code: "INVALID_ARGUMENT", Message: "invalid fs_name"}), "s3 conf info err, please check it: invalid fs_name"},
		{errors.New("plugin crashed"), "s3 conf info err, please check it: plugin crashed"},
	} {
		if got := vault.ProbeMessage(c.err); got != c.want {
			t.Errorf("ProbeMessage(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestSegmentKey(t *testing.T) {
	if got := vault.SegmentKey(10001, "02abc", 3); got != "data/10001/02abc_3.dat" {
		t.Fatal(got)
	}
}

// TestQueryFlag: probe=true/1 and probe=false/0 reach the context; other
// values leave the configured default.
func TestQueryFlag(t *testing.T) {
	for _, c := range []struct {
		query string
		want  string
	}{
		{"", "unset"}, {"probe=true", "true"}, {"probe=1", "true"}, {"probe=false", "false"}, {"probe=0", "false"},
		{"probe=yes", "unset"}, {"probe=", "unset"}, {"token=x&probe=true", "true"}, {"probe=%zz", "unset"},
	} {
		var got string
		p := &vault.Prober{OnCreate: false}
		h := vault.QueryFlag(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = vault.ProbeState(r.Context(), p)
		}))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x?"+c.query, nil))
		if got != c.want {
			t.Errorf("%q: %s, want %s", c.query, got, c.want)
		}
	}
}
