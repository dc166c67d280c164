package catalog

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/raftstore/raftstoretest"
)

func newService(t *testing.T) *Service {
	t.Helper()
	h := raftstore.Handlers{}
	Register(h)
	return NewService(raftstoretest.OpenSingle(t, h))
}

func wasmReg(name, kind, version string, module []byte) Registration {
	return Registration{Name: name, Kind: kind, Runtime: RuntimeWasm, Version: version, SHA256: SHA256Hex(module), Module: module}
}

// snapshot returns the whole catalog as one comparable string.
func snapshot(t *testing.T, s *Service) string {
	t.Helper()
	var b strings.Builder
	err := s.View(context.Background(), raftstore.ReadOptions{}, func(r Reader) error {
		for _, e := range r.Entries() {
			b.WriteString(e.Name + "/" + e.Active + "/" + e.Kind + ";")
			for _, v := range e.Versions {
				b.WriteString(v.Version + "=" + v.SHA256 + ":" + string(r.Module(v.SHA256)) + ";")
			}
		}
		for _, pb := range r.PolicyBindings() {
			b.WriteString(pb.Policy + "@" + strconv.FormatInt(pb.TableID, 10) + ";")
		}
		for _, vb := range r.AllValidatorBindings() {
			b.WriteString(vb.Validator + "@" + vb.Operation + ";")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func code(err error) string {
	var re *raftstore.Error
	if errors.As(err, &re) {
		return re.Code
	}
	return ""
}

func TestRegisterVersionsAndSwap(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	e, err := s.Register(ctx, wasmReg("size_based", KindPolicy, "1.0.0", []byte("module-v1")))
	if err != nil {
		t.Fatal(err)
	}
	if e.Active != "1.0.0" || !e.Enabled || len(e.Versions) != 1 || e.Versions[0].Size != 9 {
		t.Fatalf("entry %+v", e)
	}
	// A new version becomes the active one; the old one stays registered.
	e, err = s.Register(ctx, wasmReg("size_based", KindPolicy, "1.1.0", []byte("module-v2")))
	if err != nil || e.Active != "1.1.0" || len(e.Versions) != 2 {
		t.Fatalf("v2: %+v %v", e, err)
	}
	// Registering the same version with the same bytes is idempotent and
	// activates it again.
	e, err = s.Register(ctx, wasmReg("size_based", KindPolicy, "1.0.0", []byte("module-v1")))
	if err != nil || e.Active != "1.0.0" || len(e.Versions) != 2 {
		t.Fatalf("re-register v1: %+v %v", e, err)
	}
	// New settings for the same bytes make nodes load afresh.
	r := wasmReg("size_based", KindPolicy, "1.0.0", []byte("module-v1"))
	r.Config = "max_rowsets=100"
	e, err = s.Register(ctx, r)
	if err != nil || e.Generation != 1 || e.Config != "max_rowsets=100" {
		t.Fatalf("new config: %+v %v", e, err)
	}
	e, err = s.Activate(ctx, "size_based", "1.1.0")
	if err != nil || e.Active != "1.1.0" {
		t.Fatalf("activate: %+v %v", e, err)
	}
	e, err = s.Reload(ctx, "size_based")
	if err != nil || e.Generation != 2 {
		t.Fatalf("reload: %+v %v", e, err)
	}
	e, err = s.SetEnabled(ctx, "size_based", false)
	if err != nil || e.Enabled {
		t.Fatalf("disable: %+v %v", e, err)
	}
	err = s.View(ctx, raftstore.ReadOptions{}, func(r Reader) error {
		got, ok := r.Entry("size_based")
		if !ok || got.Active != "1.1.0" || got.Enabled || got.Generation != 2 {
			t.Errorf("stored entry %+v", got)
		}
		v, _ := got.ActiveVersion()
		if string(r.Module(v.SHA256)) != "module-v2" {
			t.Errorf("active module %q", r.Module(v.SHA256))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRejectionsLeaveTheCatalogUnchanged(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, wasmReg("naming", KindValidator, "1", []byte("v"))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(ctx, wasmReg("sb", KindPolicy, "1", []byte("p"))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BindPolicy(ctx, PolicyBinding{TableID: 7, Policy: "sb"}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s)
	good := wasmReg("x", KindPolicy, "1", []byte("m"))
	cases := []struct {
		name string
		do   func() error
		code string
		text string
	}{
		{"bad name", func() error { r := good; r.Name = "X y"; _, err := s.Register(ctx, r); return err }, raftstore.CodeInvalid, "plugin name"},
		{"bad kind", func() error { r := good; r.Kind = "codec"; _, err := s.Register(ctx, r); return err }, raftstore.CodeInvalid, "plugin kind"},
		{"bad runtime", func() error { r := good; r.Runtime = "lua"; _, err := s.Register(ctx, r); return err }, raftstore.CodeInvalid, "plugin runtime"},
		{"wasm provider", func() error { r := good; r.Kind = KindProvider; _, err := s.Register(ctx, r); return err }, raftstore.CodeInvalid, "process runtime"},
		{"bad version", func() error { r := good; r.Version = ""; _, err := s.Register(ctx, r); return err }, raftstore.CodeInvalid, "plugin version"},
		{"sha256 mismatch", func() error { r := good; r.Module = []byte("other"); _, err := s.Register(ctx, r); return err }, raftstore.CodeInvalid, "not the pinned"},
		{"malformed sha256", func() error { r := good; r.SHA256 = "zz"; _, err := s.Register(ctx, r); return err }, raftstore.CodeInvalid, "64 lower-case hex"},
		{"no module", func() error { r := good; r.Module = nil; _, err := s.Register(ctx, r); return err }, raftstore.CodeInvalid, "module bytes"},
		{"oversized config", func() error {
			r := good
			r.Config = strings.Repeat("x", MaxConfigSize+1)
			_, err := s.Register(ctx, r)
			return err
		}, raftstore.CodeInvalid, "config is"},
		{"relative process path", func() error {
			_, err := s.Register(ctx, Registration{Name: "p", Kind: KindProvider, Runtime: RuntimeProcess, Version: "1", SHA256: SHA256Hex(nil), Path: "bin/p"})
			return err
		}, raftstore.CodeInvalid, "must be absolute"},
		{"immutable version", func() error {
			_, err := s.Register(ctx, wasmReg("naming", KindValidator, "1", []byte("changed")))
			return err
		}, CodeConflict, "versions are immutable"},
		{"kind change", func() error { _, err := s.Register(ctx, wasmReg("naming", KindPolicy, "2", []byte("v2"))); return err }, CodeConflict, "cannot be a wasm policy"},
		{"activate unknown version", func() error { _, err := s.Activate(ctx, "naming", "9"); return err }, raftstore.CodeNotFound, "no version"},
		{"enable unknown plugin", func() error { _, err := s.SetEnabled(ctx, "nope", true); return err }, raftstore.CodeNotFound, "not registered"},
		{"bind a validator as policy", func() error { _, err := s.BindPolicy(ctx, PolicyBinding{TableID: 1, Policy: "naming"}); return err }, raftstore.CodeInvalid, "not a policy"},
		{"bind unknown policy", func() error { _, err := s.BindPolicy(ctx, PolicyBinding{TableID: 1, Policy: "nope"}); return err }, raftstore.CodeNotFound, "not registered"},
		{"bind negative table", func() error { _, err := s.BindPolicy(ctx, PolicyBinding{TableID: -1, Policy: "sb"}); return err }, raftstore.CodeInvalid, "table_id"},
		{"bind a policy as validator", func() error {
			_, err := s.BindValidator(ctx, ValidatorBinding{Operation: "create_instance", Validator: "sb"})
			return err
		}, raftstore.CodeInvalid, "not a validator"},
		{"bad operation", func() error {
			_, err := s.BindValidator(ctx, ValidatorBinding{Operation: "Create Instance", Validator: "naming"})
			return err
		}, raftstore.CodeInvalid, "operation"},
		{"bad on_error", func() error {
			_, err := s.BindValidator(ctx, ValidatorBinding{Operation: "create_instance", Validator: "naming", OnError: "maybe"})
			return err
		}, raftstore.CodeInvalid, "on_error"},
		{"unbind missing policy", func() error { return s.UnbindPolicy(ctx, 99) }, raftstore.CodeNotFound, "no policy binding"},
		{"unbind missing validator", func() error { return s.UnbindValidator(ctx, "create_instance", "naming") }, raftstore.CodeNotFound, "not bound"},
		{"deregister bound plugin", func() error { return s.Deregister(ctx, "sb") }, CodeConflict, "table 7"},
		{"deregister unknown", func() error { return s.Deregister(ctx, "nope") }, raftstore.CodeNotFound, "not registered"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if err == nil {
				t.Fatal("accepted")
			}
			if code(err) != tc.code || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %v (code %q), want code %s containing %q", err, code(err), tc.code, tc.text)
			}
			if after := snapshot(t, s); after != before {
				t.Errorf("catalog changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestBindingsAndDeregister(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	for _, r := range []Registration{
		wasmReg("size_based", KindPolicy, "1", []byte("sb")),
		wasmReg("time_series", KindPolicy, "1", []byte("ts")),
		wasmReg("naming", KindValidator, "1", []byte("n")),
		wasmReg("audit", KindValidator, "1", []byte("a")),
	} {
		if _, err := s.Register(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	mustOK := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustOK(s.BindPolicy(ctx, PolicyBinding{TableID: DefaultTable, Policy: "size_based"}))
	mustOK(s.BindPolicy(ctx, PolicyBinding{TableID: 42, Policy: "time_series"}))
	mustOK(s.BindValidator(ctx, ValidatorBinding{Operation: "*", Validator: "audit", Order: 10, OnError: FailOpen}))
	mustOK(s.BindValidator(ctx, ValidatorBinding{Operation: "create_instance", Validator: "naming", Order: 1}))

	err := s.View(ctx, raftstore.ReadOptions{}, func(r Reader) error {
		if got := r.PolicyFor(42); got != "time_series" {
			t.Errorf("table 42: %q", got)
		}
		if got := r.PolicyFor(5); got != "size_based" {
			t.Errorf("table 5 (default): %q", got)
		}
		vbs := r.ValidatorBindings("create_instance")
		if len(vbs) != 2 || vbs[0].Validator != "naming" || vbs[0].OnError != FailClosed || vbs[1].Validator != "audit" || vbs[1].OnError != FailOpen {
			t.Errorf("create_instance validators %+v", vbs)
		}
		if vbs := r.ValidatorBindings("drop_instance"); len(vbs) != 1 || vbs[0].Validator != "audit" {
			t.Errorf("drop_instance validators %+v", vbs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UnbindPolicy(ctx, 42); err != nil {
		t.Fatal(err)
	}
	if err := s.Deregister(ctx, "time_series"); err != nil {
		t.Fatal(err)
	}
	err = s.View(ctx, raftstore.ReadOptions{}, func(r Reader) error {
		if _, ok := r.Entry("time_series"); ok {
			t.Error("time_series still registered")
		}
		if r.Module(SHA256Hex([]byte("ts"))) != nil {
			t.Error("time_series's module still stored")
		}
		if r.PolicyFor(42) != "size_based" {
			t.Errorf("table 42 after unbind: %q", r.PolicyFor(42))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
