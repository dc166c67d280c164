package meta

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/secrets"
	bolt "go.etcd.io/bbolt"
)

// testEnv runs meta operations directly on a bbolt file, without raft: the
// same apply functions the state machine runs, each in its own transaction
// that is rolled back when the operation fails (as the FSM does).
type testEnv struct {
	t   *testing.T
	db  *bolt.DB
	svc *Service
	now time.Time
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvConfig(t, DefaultConfig())
}

func newTestEnvConfig(t *testing.T, cfg Config) *testEnv {
	t.Helper()
	return newTestEnvDB(t, cfg, nil)
}

// newTestEnvDB is newTestEnvConfig with the bbolt options opts (nil: the
// defaults).
func newTestEnvDB(t *testing.T, cfg Config, opts *bolt.Options) *testEnv {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "state.db"), 0o600, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("data")); return err }); err != nil {
		t.Fatal(err)
	}
	k, err := secrets.New([]byte(strings.Repeat("r", secrets.KeySize)))
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, db: db, svc: New(k, cfg), now: time.Unix(1700000000, 0)}
}

// mutate seals the request's secrets (as the HTTP layer does) and applies
// op at env.now. It returns the operation's error.
func (e *testEnv) mutate(op string, req dorispb.Message) *Error {
	e.t.Helper()
	m, ok := e.svc.ops[op]
	if !ok {
		e.t.Fatalf("unknown op %q", op)
	}
	SealRequest(e.svc.keys, req)
	// Round-trip through JSON exactly as the replicated command does.
	decoded := m.newReq()
	if err := dorispb.Unmarshal(dorispb.MarshalJSON(req), decoded); err != nil {
		e.t.Fatalf("re-decode %s request: %v", op, err)
	}
	var out *Error
	errRollback := &Error{}
	_ = e.db.Update(func(tx *bolt.Tx) error {
		out = m.apply(&Tx{tx: tx, now: e.now, svc: e.svc}, decoded)
		if out != nil {
			return errRollback
		}
		return nil
	})
	return out
}

// read runs a read handler.
func (e *testEnv) read(fn func(t *Tx) Reply) Reply {
	var r Reply
	_ = e.db.View(func(tx *bolt.Tx) error {
		r = fn(&Tx{tx: tx, now: e.now, svc: e.svc, readOnly: true})
		return nil
	})
	return r
}

// instance loads an instance or fails the test.
func (e *testEnv) instance(id string) *dorispb.InstanceInfoPB {
	e.t.Helper()
	var inst *dorispb.InstanceInfoPB
	e.read(func(t *Tx) Reply {
		var ok bool
		var err *Error
		inst, ok, err = t.Instance(id)
		if err != nil || !ok {
			e.t.Fatalf("instance %s: ok=%v err=%v", id, ok, err)
		}
		return Reply{}
	})
	return inst
}

// parse decodes a JSON request body the way the HTTP layer does.
func parse[T any, PT interface {
	*T
	dorispb.Message
}](t *testing.T, body string) PT {
	t.Helper()
	m := PT(new(T))
	if err := dorispb.Unmarshal([]byte(body), m); err != nil {
		t.Fatalf("parse %s: %v", body, err)
	}
	return m
}

// wantErr checks an operation's outcome: code OK means success.
func wantErr(t *testing.T, got *Error, code dorispb.MetaServiceCode, msg string) {
	t.Helper()
	if code == dorispb.MetaServiceCode_OK {
		if got != nil {
			t.Fatalf("unexpected error %v: %s", got.Code, got.Msg)
		}
		return
	}
	if got == nil {
		t.Fatalf("got OK, want %v %q", code, msg)
	}
	if got.Code != code || got.Msg != msg {
		t.Fatalf("got %v %q\nwant %v %q", got.Code, got.Msg, code, msg)
	}
}
