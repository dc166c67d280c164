package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/metahost/metahost/host/compaction"
	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
	"github.com/metahost/metahost/sdk/plugintest"
)

// TestPluginCompactionPolicyCommands runs the plugin, compaction and
// policy commands against a server with the first-party policies and the
// example naming validator.
func TestPluginCompactionPolicyCommands(t *testing.T) {
	dir := t.TempDir()
	for _, name := range compaction.DefaultPolicies {
		wasm := plugintest.Build(t, "github.com/metahost/metahost/plugins/"+name)
		if err := os.WriteFile(filepath.Join(dir, name+".wasm"), wasm, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	naming := filepath.Join(t.TempDir(), "naming.wasm")
	if err := os.WriteFile(naming, plugintest.Build(t, "github.com/metahost/metahost/examples/validator-instance-naming"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A frozen clock keeps the scheduler from compacting on its own.
	clock := servertest.NewClock(time.Unix(1700000000, 0))
	off := false
	s := servertest.Start(t, servertest.Options{Clock: clock, Edit: func(c *server.Config) {
		c.Meta.EnableCheckInstanceID = &off
		c.Compaction = server.CompactionConfig{PluginDir: dir, Interval: server.Duration{Duration: 20 * time.Millisecond},
			RefreshInterval: server.Duration{Duration: 10 * time.Millisecond}}
	}})
	// The default policies are registered asynchronously at start-up.
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := ctl(t, s, "plugin", "list")
		if r.code == 0 && regexpMatch(`(?m)^policy\s+default\s+size_based\s`, r.out) && regexpMatch(`(?m)^time_series\s+policy\s+wasm\s`, r.out) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("default policies never appeared: %+v", r)
		}
		time.Sleep(20 * time.Millisecond) // polling with a deadline
	}
	// A tablet to compact, created the way a compute node does.
	r := servertest.Do(t, "POST", s.URL+"/MetaService/create_tablets?token="+servertest.Token, `{"cloud_unique_id":"1:inst1:be1","db_id":1,"tablet_metas":[
		{"table_id":2,"index_id":3,"partition_id":4,"tablet_id":10001,"schema_hash":123,"rs_metas":[{"rowset_id":0,"rowset_id_v2":"init","start_version":0,
		"end_version":1,"num_segments":0,"num_rows":0,"total_disk_size":0,"segments_overlap_pb":"NONOVERLAPPING","creation_time":1}]}]}`, "Content-Type", "application/json")
	if r.Status != 200 {
		t.Fatalf("create_tablets: %d %s", r.Status, r.Body)
	}
	evalFile := filepath.Join(t.TempDir(), "eval.json")
	rowsets := `{"start_version":0,"end_version":1,"overlap":"NONOVERLAPPING","creation_time":1}`
	for v := 2; v <= 11; v++ {
		rowsets += fmt.Sprintf(`,{"start_version":%d,"end_version":%d,"num_segments":1,"overlap":"NONOVERLAPPING","total_disk_size":1000,"data_disk_size":1000,"creation_time":1700000000}`, v, v)
	}
	if err := os.WriteFile(evalFile, []byte(`{"tablet":{"tablet_id":1,"cumulative_point":2},"rowsets":[`+rowsets+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	runSteps(t, s, []step{
		{name: "list", args: []string{"plugin", "list"}, want: []string{`(?m)^NAME\s+KIND\s+RUNTIME\s+ACTIVE\s+LOADED\s+ENABLED\s+CALLS\s+ERRORS\s+P99\s+BREAKER$`,
			`(?m)^size_based\s+policy\s+wasm\s+\S+\s+\S+\s+true\s+\d+\s+\d+\s+[0-9.]+ms\s+closed$`, `(?m)^BINDING\s+TARGET\s+PLUGIN\s+ORDER\s+ON ERROR$`}},
		{name: "list json", args: []string{"plugin", "list", "-o", "json"}, want: []string{`^\{"plugins":\[`, `"policy_bindings":\[\{"table_id":0,"policy":"size_based"\}\]`}},
		{name: "register", args: []string{"plugin", "register", "naming", "--kind", "validator", "--version", "1.0.0", "--file", naming, "--config", "analytics",
			"--call-timeout-ms", "20000"}, // generous: -race on a loaded machine
			want: []string{`^registered naming: wasm validator, active version 1\.0\.0, enabled\n$`}},
		{name: "register refused config", args: []string{"plugin", "register", "naming2", "--kind", "validator", "--version", "1.0.0", "--file", naming, "--config", "bad-team"},
			code: 1, errWant: []string{`HTTP 400\): \S+: plugin refused: .*team names may not contain`}},
		{name: "register wrong kind", args: []string{"plugin", "register", "naming3", "--kind", "policy", "--version", "1", "--file", naming, "--config", "a"}, code: 1},
		{name: "register missing file", args: []string{"plugin", "register", "x", "--kind", "validator", "--version", "1", "--file", filepath.Join(dir, "nope.wasm")}, code: 2},
		{name: "register missing version", args: []string{"plugin", "register", "x", "--kind", "validator", "--file", naming}, code: 2},
		{name: "register process missing path", args: []string{"plugin", "register", "x", "--kind", "provider", "--version", "1", "--runtime", "process", "--path", filepath.Join(dir, "nope")}, code: 2},
		{name: "bind validator", args: []string{"plugin", "bind", "naming", "--operation", "create_instance"}, want: []string{`^bound naming: operation create_instance\n$`}},
		{name: "denied by validator", args: []string{"instance", "create", "badname"}, code: 1, errWant: []string{`HTTP 400\): INVALID_ARGUMENT: `}},
		{name: "allowed by validator", args: []string{"instance", "create", "analytics-one"}, want: []string{`created instance analytics-one`}},
		{name: "disable", args: []string{"plugin", "disable", "naming"}, want: []string{`^disabled naming: wasm validator, active version 1\.0\.0, disabled\n$`}},
		{name: "enable", args: []string{"plugin", "enable", "naming", "-o", "json"}, want: []string{`"enabled":true`}},
		{name: "reload", args: []string{"plugin", "reload", "naming"}, want: []string{`^reloaded naming: `}},
		{name: "activate", args: []string{"plugin", "activate", "naming", "1.0.0"}, want: []string{`^activated naming: .*active version 1\.0\.0`}},
		{name: "activate unknown version", args: []string{"plugin", "activate", "naming", "9.9"}, code: 1},
		{name: "list bound", args: []string{"plugin", "list"}, want: []string{`(?m)^validator\s+create_instance\s+naming\s+0\s+fail_closed$`}},
		{name: "unbind validator", args: []string{"plugin", "unbind", "naming", "--operation", "create_instance"}, want: []string{`^unbound naming: operation create_instance\n$`}},
		{name: "allowed after unbind", args: []string{"instance", "create", "badname"}},
		{name: "bind policy", args: []string{"plugin", "bind", "time_series", "--table-id", "2"}, want: []string{`^bound time_series: table 2\n$`}},
		{name: "list policy bound", args: []string{"plugin", "list"}, want: []string{`(?m)^policy\s+table 2\s+time_series\s+-\s+-$`}},
		{name: "unbind policy", args: []string{"plugin", "unbind", "time_series", "--table-id", "2"}},
		{name: "unbind policy again", args: []string{"plugin", "unbind", "time_series", "--table-id", "2"}, code: 1, errWant: []string{`HTTP 404`}},
		{name: "bind both", args: []string{"plugin", "bind", "naming", "--operation", "x", "--table-id", "1"}, code: 2},
		{name: "bind neither", args: []string{"plugin", "bind", "naming"}, code: 2},
		{name: "bind validator as policy", args: []string{"plugin", "bind", "naming", "--table-id", "1"}, code: 1, errWant: []string{`is a validator`}},
		{name: "enable unknown", args: []string{"plugin", "enable", "nope"}, code: 1, errWant: []string{`HTTP 404`}},
		// Compaction.
		{name: "show", args: []string{"compaction", "show", "10001"}, want: []string{`(?m)^Tablet:\s+10001$`, `(?m)^Policy:\s+size_based$`, `(?m)^Rowsets:\s+1$`, `(?m)^  \[0-1\] `}},
		{name: "show json", args: []string{"compaction", "show", "10001", "-o", "json"}, want: []string{`"cumulative policy type": "size_based"`}},
		{name: "show unknown", args: []string{"compaction", "show", "999"}, code: 1, errWant: []string{`HTTP 200\): NOT_FOUND: Tablet not found\. tablet_id=999`}},
		{name: "show bad id", args: []string{"compaction", "show", "x"}, code: 2},
		{name: "status tablet", args: []string{"compaction", "status", "10001"}, want: []string{`(?m)^Running:\s+false$`}},
		{name: "status all", args: []string{"compaction", "status"}, want: []string{`(?m)^TYPE\s+DATA DIR\s+TABLETS$`, `(?m)^BaseCompaction\s+\S+\s+-$`}},
		{name: "status all json", args: []string{"compaction", "status", "-o", "json"}, want: []string{`"CumulativeCompaction"`}},
		{name: "run table", args: []string{"compaction", "run", "--table-id", "2"}, want: []string{`^compaction task is successfully triggered\. Table id: 2\. Tablet id: 0\n$`}},
		{name: "run unknown", args: []string{"compaction", "run", "999"}, code: 1, errWant: []string{`NOT_FOUND: Tablet not found`}},
		{name: "run bad type", args: []string{"compaction", "run", "10001", "--type", "weird"}, code: 1, errWant: []string{`NOT_IMPLEMENTED_ERROR: The compaction type 'weird' is not supported`}},
		{name: "run nothing", args: []string{"compaction", "run"}, code: 2},
		{name: "run both", args: []string{"compaction", "run", "1", "--table-id", "2"}, code: 2},
		// Policy dry runs.
		{name: "eval", args: []string{"policy", "eval", "size_based", "-f", evalFile}, want: []string{`(?m)^Policy:\s+size_based$`, `(?m)^Status:\s+\[OK\]$`, `(?m)^Picked:\s+\[2-2\]`, `(?m)^Cumulative point:\s+\d+ -> \d+$`}},
		{name: "eval json", args: []string{"policy", "eval", "time_series", "-f", evalFile, "-o", "json"}, want: []string{`"policy":"time_series"`}},
		{name: "eval validator", args: []string{"policy", "eval", "naming", "-f", evalFile}, code: 1, errWant: []string{`is a validator, not a policy`}},
		{name: "eval unknown", args: []string{"policy", "eval", "nope", "-f", evalFile}, code: 1, errWant: []string{`HTTP 404`}},
		{name: "eval no file", args: []string{"policy", "eval", "size_based"}, code: 2},
		{name: "eval bad json", args: []string{"policy", "eval", "size_based", "-f", "-"}, stdin: "{", code: 2},
	})
}
