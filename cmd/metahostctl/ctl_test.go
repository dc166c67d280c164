package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
)

// result is one metahostctl run.
type result struct {
	out, err string
	code     int
}

// ctlEnv runs metahostctl in-process with env vars vars (HOME unset
// unless given) and stdin.
func ctlEnv(t *testing.T, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := run(ctx, args, strings.NewReader(stdin), &out, &errb, func(k string) string { return vars[k] })
	return result{out: out.String(), err: errb.String(), code: code}
}

// ctl runs metahostctl against s with the right token.
func ctl(t *testing.T, s *servertest.Server, args ...string) result {
	t.Helper()
	return ctlEnv(t, nil, "", append([]string{"--addr", s.URL, "--token", servertest.Token}, args...)...)
}

// step is one command of a table-driven scenario: its arguments, the exit
// code, and patterns stdout must (and must not) match.
type step struct {
	name    string
	args    []string
	stdin   string
	vars    map[string]string
	code    int
	want    []string // regexps stdout must match
	notWant []string // substrings stdout and stderr must not contain
	errWant []string // regexps stderr must match
}

func runSteps(t *testing.T, s *servertest.Server, steps []step) {
	t.Helper()
	for _, st := range steps {
		args := append([]string{"--addr", s.URL, "--token", servertest.Token}, st.args...)
		r := ctlEnv(t, st.vars, st.stdin, args...)
		if r.code != st.code {
			t.Fatalf("%s: metahostctl %s: exit %d, want %d\nstdout: %s\nstderr: %s", st.name, strings.Join(st.args, " "), r.code, st.code, r.out, r.err)
		}
		for _, w := range st.want {
			if !regexp.MustCompile(w).MatchString(r.out) {
				t.Fatalf("%s: stdout does not match %q:\n%s", st.name, w, r.out)
			}
		}
		for _, w := range st.errWant {
			if !regexp.MustCompile(w).MatchString(r.err) {
				t.Fatalf("%s: stderr does not match %q:\n%s", st.name, w, r.err)
			}
		}
		for _, w := range st.notWant {
			if strings.Contains(r.out, w) || strings.Contains(r.err, w) {
				t.Fatalf("%s: output contains %q:\n%s\n%s", st.name, w, r.out, r.err)
			}
		}
	}
}

func startServer(t *testing.T) *servertest.Server {
	t.Helper()
	off := false
	return servertest.Start(t, servertest.Options{Edit: func(c *server.Config) { c.Meta.EnableCheckInstanceID = &off }})
}

func TestAdminCommands(t *testing.T) {
	s := startServer(t)
	other := servertest.Start(t, servertest.Options{}) // a leader of its own cluster: cannot be joined
	runSteps(t, s, []step{
		{name: "status", args: []string{"status"}, want: []string{`(?m)^ID:\s+1$`, `(?m)^State:\s+Leader$`, `(?m)^Leader:\s+1 \(raft 127\.0\.0\.1:\d+, http 127\.0\.0\.1:\d+\)$`,
			`(?m)^Term:\s+\d+$`, `(?m)^Last log index:\s+\d+$`, `(?m)^Applied:\s+\d+ \(term \d+\)$`, `(?m)^Voters:\s+1 \(raft `}},
		{name: "status json", args: []string{"status", "-o", "json"}, want: []string{`^\{"id":1,.*"is_leader":true.*"voters":\[\{"name":"1"`}},
		{name: "members list", args: []string{"members", "list"}, want: []string{`(?m)^ID\s+RAFT ADDR\s+HTTP ADDR$`, `(?m)^1\s+127\.0\.0\.1:\d+\s+127\.0\.0\.1:\d+$`}},
		{name: "members list json", args: []string{"members", "list", "-o", "json"}, want: []string{`^\[\{"name":"1","endpoint":\{"addr":"127.0.0.1"`}},
		{name: "snapshot", args: []string{"snapshot"}, want: []string{`^snapshot taken on http://127\.0\.0\.1:\d+\n$`}},
		{name: "snapshot json", args: []string{"snapshot", "-o", "json"}, want: []string{`^null\n$`}},
		{name: "remove unknown", args: []string{"members", "remove", "9"}, code: 1, errWant: []string{`HTTP 404`}},
		{name: "remove bad id", args: []string{"members", "remove", "x"}, code: 2, errWant: []string{`want a positive integer`}},
		{name: "add missing flags", args: []string{"members", "add", "--id", "2"}, code: 2, errWant: []string{`are required`}},
		{name: "add unreachable node", args: []string{"members", "add", "--id", "2", "--raft-addr", other.Config.RaftAddr, "--http-addr", "127.0.0.1:1"},
			code: 1, errWant: []string{`HTTP 400`}},
		{name: "members group alone", args: []string{"members"}, code: 2, errWant: []string{`needs a subcommand`}},
	})
	// A status after the snapshot shows it.
	runSteps(t, s, []step{{name: "status snapshot", args: []string{"status"}, want: []string{`(?m)^Snapshot:\s+\d+$`}}})
}

func TestInstanceClusterVaultCommands(t *testing.T) {
	s := startServer(t)
	vault := t.TempDir()
	data := filepath.Join(t.TempDir(), "create.json")
	if err := os.WriteFile(data, []byte(`{"instance_id":"raw","user_id":"u","name":"raw","obj_info":{"ak":"AK0","sk":"first-secret-sk","bucket":"b0","prefix":"p0","endpoint":"e0","external_endpoint":"e0","region":"r0","provider":"S3"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	const sk = "very-secret-sk-value"
	runSteps(t, s, []step{
		{name: "create", args: []string{"instance", "create", "demo", "--vault-path", vault}, want: []string{`^created instance demo\n$`}},
		{name: "create again", args: []string{"instance", "create", "demo", "--vault-path", vault}, code: 1, errWant: []string{`HTTP 409\): ALREADY_EXISTED: `}},
		{name: "create from data", args: []string{"instance", "create", "raw", "--data", "@" + data, "-o", "json"}, want: []string{`"code": "OK"`}},
		{name: "create bad data", args: []string{"instance", "create", "x", "--data", "{"}, code: 2, errWant: []string{`not valid JSON`}},
		{name: "get", args: []string{"instance", "get", "demo"}, want: []string{`(?m)^Instance:\s+demo$`, `(?m)^Status:\s+NORMAL$`, `(?m)^Vaults:\s+built_in_storage_vault$`}},
		{name: "get json", args: []string{"instance", "get", "demo", "-o", "json"}, want: []string{`(?s)^\{\n\s+"code": "OK",.*"instance_id": "demo"`}},
		{name: "get unknown", args: []string{"instance", "get", "nope"}, code: 1, errWant: []string{`HTTP 500\): INTERNAL_ERROR: failed to get instance, .*instance_id=nope err=KeyNotFound`}},
		{name: "status", args: []string{"instance", "status", "demo"}, want: []string{`^NORMAL\n$`}},
		{name: "set overdue", args: []string{"instance", "status", "demo", "overdue"}, want: []string{`^instance demo is OVERDUE\n$`}},
		{name: "status overdue", args: []string{"instance", "status", "demo"}, want: []string{`^OVERDUE\n$`}},
		{name: "set normal", args: []string{"instance", "status", "demo", "NORMAL"}},
		{name: "set bad status", args: []string{"instance", "status", "demo", "GONE"}, code: 2},
		// Clusters and nodes.
		{name: "cluster add", args: []string{"cluster", "add", "demo", "--cluster-id", "c1", "--name", "c1", "--node", "127.0.0.1:9050"}, want: []string{`^added cluster c1 to instance demo\n$`}},
		{name: "cluster add fe", args: []string{"cluster", "add", "demo", "--cluster-id", "fe", "--name", "fe", "--type", "SQL", "--node", "127.0.0.1:9010"}},
		{name: "cluster add dup", args: []string{"cluster", "add", "demo", "--cluster-id", "c1", "--name", "c1"}, code: 1},
		{name: "cluster add bad node", args: []string{"cluster", "add", "demo", "--cluster-id", "c2", "--node", "nope"}, code: 2, errWant: []string{`HOST:PORT`}},
		{name: "cluster get", args: []string{"cluster", "get", "demo"}, want: []string{`(?m)^CLUSTER ID\s+NAME\s+TYPE\s+STATUS\s+NODES$`, `(?m)^c1\s+c1\s+COMPUTE\s+NORMAL\s+127\.0\.0\.1:9050$`, `(?m)^fe\s+fe\s+SQL\s+-\s+127\.0\.0\.1:9010$`}},
		{name: "cluster get one", args: []string{"cluster", "get", "demo", "--cluster-id", "c1", "-o", "json"}, want: []string{`"cluster_id": "c1"`}},
		{name: "cluster get unknown", args: []string{"cluster", "get", "demo", "--cluster-id", "zz"}, code: 1, errWant: []string{`HTTP 404.*fail to get cluster with`}},
		{name: "node add", args: []string{"node", "add", "demo", "--cluster-id", "c1", "--name", "c1", "--node", "127.0.0.2:9050"}, want: []string{`^added 1 node\(s\) in cluster c1 of instance demo\n$`}},
		{name: "cluster shows node", args: []string{"cluster", "get", "demo", "--cluster-id", "c1"}, want: []string{`127\.0\.0\.1:9050,127\.0\.0\.2:9050`}},
		{name: "node drop", args: []string{"node", "drop", "demo", "--cluster-id", "c1", "--name", "c1", "--node", "127.0.0.2:9050"}},
		{name: "node drop again", args: []string{"node", "drop", "demo", "--cluster-id", "c1", "--name", "c1", "--node", "127.0.0.2:9050"}, code: 1, errWant: []string{`HTTP 404`}},
		{name: "node add no node", args: []string{"node", "add", "demo", "--cluster-id", "c1"}, code: 2},
		{name: "cluster rename", args: []string{"cluster", "rename", "demo", "c1", "analytics"}, want: []string{`^renamed cluster c1 of instance demo to analytics\n$`}},
		{name: "cluster status", args: []string{"cluster", "status", "demo"}, want: []string{`(?m)^demo\s+c1\s+analytics\s+NORMAL$`}},
		{name: "cluster suspend", args: []string{"cluster", "status", "demo", "c1", "SUSPENDED"}, want: []string{`is SUSPENDED`}},
		{name: "cluster suspend again", args: []string{"cluster", "status", "demo", "c1", "SUSPENDED"}, code: 1, errWant: []string{`status eq original status`}},
		{name: "cluster status after", args: []string{"cluster", "status", "demo", "-o", "json"}, want: []string{`"cluster_status": "SUSPENDED"`}},
		{name: "cluster status 2 args", args: []string{"cluster", "status", "demo", "c1"}, code: 2},
		{name: "cluster drop", args: []string{"cluster", "drop", "demo", "c1"}, want: []string{`^dropped cluster c1 of instance demo\n$`}},
		{name: "cluster drop again", args: []string{"cluster", "drop", "demo", "c1"}, code: 1, errWant: []string{`failed to find cluster to drop`}},
		// Vaults: the secret key comes from the environment and is never shown unless asked.
		{name: "vault add", args: []string{"vault", "add", "raw", "--provider", "s3", "--bucket", "bkt", "--prefix", "p1", "--endpoint", "s3.example.com", "--region", "r1", "--ak", "AKID"},
			vars: map[string]string{"METAHOST_SK": sk}, want: []string{`^added object store bkt/p1 to instance raw\n$`}, notWant: []string{sk}},
		{name: "vault add refused, sk not echoed", args: []string{"vault", "add", "raw", "--bucket", "bkt", "--endpoint", "s3.example.com", "--region", "r1"},
			vars: map[string]string{"METAHOST_SK": sk}, code: 1, errWant: []string{`HTTP 400\): INVALID_ARGUMENT: s3 obj info err .*"sk":"\*\*\*"`}, notWant: []string{sk}},
		{name: "vault add sk stdin", args: []string{"vault", "add", "raw", "--bucket", "bkt2", "--prefix", "p2", "--endpoint", "s3.example.com", "--region", "r1", "--ak", "AK2", "--sk-stdin"}, stdin: sk + "\n"},
		{name: "vault list", args: []string{"vault", "list", "raw"}, want: []string{`(?m)^KIND\s+ID\s+NAME\s+PROVIDER\s+BUCKET/FS\s+PREFIX\s+ENDPOINT\s+REGION\s+AK$`,
			`(?m)^obj_info\s+1\s+-\s+S3\s+b0\s+p0\s+e0\s+r0\s+AK0$`, `(?m)^obj_info\s+2\s+-\s+S3\s+bkt\s+p1\s+s3\.example\.com\s+r1\s+AKID$`, `(?m)^obj_info\s+3\s+`}, notWant: []string{sk, "first-secret-sk"}},
		{name: "vault list secrets", args: []string{"vault", "list", "raw", "--show-secrets"}, want: []string{`AKID\s+` + sk}},
		{name: "vault list hdfs", args: []string{"vault", "list", "demo"}, want: []string{`(?m)^vault\s+\S+\s+built_in_storage_vault\s+HDFS\s+file://\S+\s+demo\s`}},
		{name: "get masks sk", args: []string{"instance", "get", "raw", "-o", "json"}, notWant: []string{sk, "first-secret-sk"}},
		{name: "get human", args: []string{"instance", "get", "raw"}, want: []string{`(?m)^Obj infos:\s+3$`}, notWant: []string{sk, "first-secret-sk"}},
		{name: "vault list unknown", args: []string{"vault", "list", "nope"}, code: 1},
		// Keys.
		{name: "decode-key", args: []string{"decode-key", "0110696e7374616e636500011064656d6f0001"}, want: []string{`instance`, `demo`}},
		{name: "decode-key bad", args: []string{"decode-key", ""}, code: 1, errWant: []string{`HTTP 400\): INVALID_ARGUMENT: no key to decode`}},
		{name: "encode-key", args: []string{"encode-key", "InstanceKey", "instance_id=test"}, want: []string{`0110696e7374616e6365000110746573740001`, `\\x01\\x10\\x69`}},
		{name: "encode-key missing param", args: []string{"encode-key", "InstanceKey"}, code: 1, errWant: []string{`instance_id is not given or empty`}},
		{name: "encode-key bad param", args: []string{"encode-key", "InstanceKey", "instance_id"}, code: 2},
		{name: "encode-key bad type", args: []string{"encode-key", "NoSuchKey"}, code: 1, errWant: []string{`key_type not supported: NoSuchKey`}},
		// Drop.
		{name: "drop with clusters", args: []string{"instance", "drop", "demo"}, code: 1, errWant: []string{`instance has clusters`}},
		{name: "drop", args: []string{"instance", "drop", "raw"}, want: []string{`^dropped instance raw\n$`}},
		{name: "status deleted", args: []string{"instance", "status", "raw"}, want: []string{`^DELETED\n$`}},
		{name: "drop unknown", args: []string{"instance", "drop", "nope"}, code: 1},
	})
}

func TestTSDBCommands(t *testing.T) {
	s := startServer(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Recent points: back_scan counts hours back from the server's clock.
	t0 := time.Now().Unix() - 600
	var arr []string
	for i := 0; i < 25; i++ {
		arr = append(arr, fmt.Sprintf(`{"metric":"sys.cpu.user","timestamp":%d,"value":%d,"tags":{"host":"web%02d"}}`, t0+int64(i), i, i%3))
	}
	jsonFile := write("points.json", "["+strings.Join(arr, ",")+"]")
	ndjson := write("points.ndjson", fmt.Sprintf(`{"metric":"m.nd","timestamp":%d,"value":1,"tags":{"a":"b"}}`+"\n"+`{"metric":"m.nd","timestamp":%d,"value":2.5,"tags":{"a":"b"}}`+"\n", t0, t0+60))
	telnet := write("points.txt", fmt.Sprintf("# comment\nput m.tel %d 7 host=a\nm.tel %d 8 host=a\n\n", t0, t0+100))
	bad := write("bad.json", `[{"metric":"m.bad","timestamp":1700000000,"value":1,"tags":{}},{"metric":"m.ok","timestamp":1700000000,"value":1,"tags":{"h":"x"}}]`)
	runSteps(t, s, []step{
		{name: "put json in batches", args: []string{"put", "--batch", "10", "--progress", "always", jsonFile}, want: []string{`^wrote 25 point\(s\), 0 failed\n$`},
			errWant: []string{`\r\[#{12}-{18}\] 10/25  40% points`, `\r\[#{30}\] 25/25 100% points\n$`}},
		{name: "put ndjson", args: []string{"put", ndjson, "-o", "json"}, want: []string{`^\{"success":2,"failed":0,"errors":null\}\n$`}},
		{name: "put telnet stdin", args: []string{"put", "-"}, stdin: fmt.Sprintf("m.tel %d 7 host=a\n", t0), want: []string{`wrote 1 point`}},
		{name: "put telnet", args: []string{"put", telnet}, want: []string{`wrote 2 point`}},
		{name: "no progress when not a terminal", args: []string{"put", ndjson}, notWant: []string{"#"}},
		{name: "put some bad", args: []string{"put", bad}, code: 1, want: []string{`wrote 1 point\(s\), 1 failed`}, errWant: []string{`1 of 2 point\(s\) failed; first: `}},
		{name: "put missing file", args: []string{"put", filepath.Join(dir, "missing")}, code: 2},
		{name: "put bad telnet", args: []string{"put", "-"}, stdin: "m 17x 1\n", code: 2, errWant: []string{`bad timestamp`}},
		{name: "put empty", args: []string{"put", "-"}, stdin: "\n", code: 2},
		{name: "last", args: []string{"last", "--back-scan", "2", "sys.cpu.user{host=web01}"}, want: []string{`(?m)^METRIC\s+TAGS\s+TIMESTAMP\s+VALUE\s+TSUID$`, fmt.Sprintf(`(?m)^sys\.cpu\.user\s+host=web01\s+%d000\s+22\s+[0-9A-F]+$`, t0+22)}},
		{name: "last several", args: []string{"last", "--back-scan", "2", "m.nd{a=b}", "m.tel{host=a}"}, want: []string{fmt.Sprintf(`(?m)^m\.nd\s+a=b\s+%d000\s+2\.5\s`, t0+60), fmt.Sprintf(`(?m)^m\.tel\s+host=a\s+%d000\s+8\s`, t0+100)}},
		{name: "last json", args: []string{"last", "--back-scan", "2", "m.nd{a=b}", "-o", "json"}, want: []string{fmt.Sprintf(`^\[\{"metric":"m.nd","timestamp":%d000,"value":"2.5"`, t0+60)}},
		{name: "last bad back-scan", args: []string{"last", "--back-scan", "x", "m.nd"}, code: 2},
		{name: "last unknown metric", args: []string{"last", "no.such.metric"}, code: 1, errWant: []string{`HTTP 400`}},
	})
}

func TestParsePoints(t *testing.T) {
	cases := []struct {
		name, in string
		n        int
		bad      bool
	}{
		{"array", `[{"metric":"a"},{"metric":"b"}]`, 2, false},
		{"objects", "{\"metric\":\"a\"}\n{\"metric\":\"b\"}\n", 2, false},
		{"arrays", `[{"metric":"a"}] [{"metric":"b"}]`, 2, false},
		{"telnet", "put a 1 2 h=x\nb 1 2.5\n", 2, false},
		{"empty", "  \n", 0, false},
		{"bad json", `[{"metric":`, 0, true},
		{"json scalar", `{"a":1} 5`, 0, true},
		{"short line", "a 1\n", 0, true},
		{"bad value", "a 1 x\n", 0, true},
		{"nan value", "a 1 NaN\n", 0, true},
		{"odd number", "a 1 00\na 2 +1.5\na 3 .5\n", 3, false},
		{"bad tag", "a 1 2 h\n", 0, true},
		{"empty tag value", "a 1 2 h=\n", 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pts, err := parsePoints([]byte(c.in))
			if (err != nil) != c.bad || len(pts) != c.n {
				t.Fatalf("parsePoints(%q) = %d points, %v", c.in, len(pts), err)
			}
			for _, p := range pts {
				if !json.Valid(p) {
					t.Fatalf("invalid point %s", p)
				}
			}
		})
	}
}

func FuzzParsePoints(f *testing.F) {
	for _, s := range []string{`[{"metric":"a","timestamp":1,"value":1,"tags":{"h":"x"}}]`, "put a 1 2 h=x\n", "{}{}", "[[", "a 1 2 =\n", "\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pts, err := parsePoints(b)
		if err != nil {
			if exitCode(err) != exitUsage {
				t.Fatalf("error %v is not a usage error", err)
			}
			return
		}
		for _, p := range pts {
			if !json.Valid(p) || p[0] != '{' {
				t.Fatalf("point %q", p)
			}
		}
	})
}

func TestBar(t *testing.T) {
	for _, c := range []struct {
		done, total int
		want        string
	}{
		{0, 10, "[----------] 0/10   0%"},
		{5, 10, "[#####-----] 5/10  50%"},
		{10, 10, "[##########] 10/10 100%"},
		{12, 10, "[##########] 10/10 100%"},
		{1, 3, "[###-------] 1/3  33%"},
		{0, 0, "[----------] 0/1   0%"},
	} {
		if got := bar(c.done, c.total, 10); got != c.want {
			t.Errorf("bar(%d,%d) = %q, want %q", c.done, c.total, got, c.want)
		}
	}
}

func TestNodeSpec(t *testing.T) {
	for _, c := range []struct {
		spec, typ string
		first     bool
		want      string
		bad       bool
	}{
		{"127.0.0.1:9050", "COMPUTE", true, `{"cloud_unique_id":"1:i:127.0.0.1_9050","heartbeat_port":9050,"ip":"127.0.0.1"}`, false},
		{"cu@h:1", "COMPUTE", true, `{"cloud_unique_id":"cu","heartbeat_port":1,"ip":"h"}`, false},
		{"h:9010", "SQL", true, `{"cloud_unique_id":"1:i:h_9010","edit_log_port":9010,"ip":"h","node_type":"FE_MASTER"}`, false},
		{"h:9010", "SQL", false, `{"cloud_unique_id":"1:i:h_9010","edit_log_port":9010,"ip":"h","node_type":"FE_OBSERVER"}`, false},
		{"h", "COMPUTE", true, "", true},
		{"h:0", "COMPUTE", true, "", true},
		{"h:70000", "COMPUTE", true, "", true},
		{"h:x", "COMPUTE", true, "", true},
	} {
		n, err := nodeSpec("i", c.typ, c.spec, c.first)
		if c.bad {
			if err == nil || exitCode(err) != exitUsage {
				t.Errorf("nodeSpec(%q) = %v, %v; want a usage error", c.spec, n, err)
			}
			continue
		}
		b, _ := json.Marshal(n)
		if err != nil || string(b) != c.want {
			t.Errorf("nodeSpec(%q) = %s, %v; want %s", c.spec, b, err, c.want)
		}
	}
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

func FuzzNodeSpec(f *testing.F) {
	for _, s := range []string{"127.0.0.1:9050", "cu@h:1", "[::1]:80", "h", "@:", "a@b@c:1"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, spec string, sql bool) {
		typ := "COMPUTE"
		if sql {
			typ = "SQL"
		}
		n, err := nodeSpec("i", typ, spec, true)
		if err != nil {
			if exitCode(err) != exitUsage {
				t.Fatalf("error %v is not a usage error", err)
			}
			return
		}
		if _, err := json.Marshal(n); err != nil || n["ip"] == nil || n["cloud_unique_id"] == nil {
			t.Fatalf("node %v", n)
		}
	})
}

func BenchmarkParsePoints(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&sb, "put sys.cpu.user %d %d host=web%02d dc=eu\n", 1700000000+i, i, i%50)
	}
	in := []byte(sb.String())
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parsePoints(in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTSDBRequireToken: with [tsdb] require_token the bearer token is sent
// and checked.
func TestTSDBRequireToken(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Edit: func(c *server.Config) { c.TSDB.RequireToken = true }})
	line := fmt.Sprintf("m.tok %d 1 h=a\n", time.Now().Unix())
	runSteps(t, s, []step{
		{name: "put with token", args: []string{"put", "-"}, stdin: line, want: []string{`wrote 1 point`}},
		{name: "last with token", args: []string{"last", "--back-scan", "1", "m.tok{h=a}"}, want: []string{`(?m)^m\.tok\s+h=a\s`}},
	})
	for _, args := range [][]string{{"put", "-"}, {"last", "m.tok{h=a}"}} {
		r := ctlEnv(t, nil, line, append([]string{"--addr", s.URL, "--token", "wrong-tsdb-token"}, args...)...)
		if r.code != 1 || !strings.Contains(r.err, "HTTP 401") || strings.Contains(r.err, "wrong-tsdb-token") {
			t.Fatalf("%v with a bad token: %+v", args, r)
		}
	}
}

func TestRecyclerCommands(t *testing.T) {
	s := startServer(t)
	runSteps(t, s, []step{
		{name: "status", args: []string{"recycler", "status"}, want: []string{`^objects deleted 0, rowsets recycled 0, instances recycled 0, rowsets pending 0\n$`}},
		{name: "status json", args: []string{"recycler", "status", "-o", "json"}, want: []string{`^\{"leader":true,"totals":\{"objects_deleted":0`}},
		{name: "run", args: []string{"recycler", "run"}, want: []string{`^objects deleted 0,`}},
		{name: "wait for an instance never dropped", args: []string{"recycler", "wait", "nope", "--every", "10ms"}, code: 1, errWant: []string{`NOT_FOUND`, `no dropped instance nope`}},
		{name: "wait with a bad interval", args: []string{"recycler", "wait", "nope", "--every", "0s"}, code: 2, errWant: []string{`--every must be positive`}},
		{name: "wait with a bad progress flag", args: []string{"recycler", "wait", "nope", "--progress", "sometimes"}, code: 2, errWant: []string{`want auto, always or never`}},
		{name: "retry an unknown instance", args: []string{"recycler", "retry", "nope"}, code: 1, errWant: []string{`HTTP 404`}},
		{name: "recycler alone", args: []string{"recycler"}, code: 2, errWant: []string{`needs a subcommand`}},
	})
}

func TestVaultProbeCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the hdfs provider")
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "hdfs"), "../../storage-providers/hdfs")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the hdfs provider: %v\n%s", err, out)
	}
	s := servertest.Start(t, servertest.Options{Edit: func(c *server.Config) { c.Vault.ProviderDir = dir }})
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(ctl(t, s, "plugin", "list").out, "hdfs") {
		if time.Now().After(deadline) {
			t.Fatal("the hdfs provider was not registered")
		}
		time.Sleep(20 * time.Millisecond)
	}
	runSteps(t, s, []step{
		{name: "create", args: []string{"instance", "create", "demo", "--vault-path", t.TempDir()}},
		{name: "probe", args: []string{"vault", "probe", "demo"}, want: []string{`(?m)^ID\s+NAME\s+PROVIDER\s+RESULT$`, `(?m)\s+hdfs\s+ok$`}},
		{name: "probe json", args: []string{"vault", "probe", "demo", "-o", "json"}, want: []string{`"ok":true`}},
		{name: "probe unknown", args: []string{"vault", "probe", "nope"}, code: 1, errWant: []string{`HTTP 404`}},
	})
}
