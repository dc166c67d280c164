package store

import (
	"testing"

	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/tsdb/otsdb"
	bolt "go.etcd.io/bbolt"
)

// FuzzApplyCommands feeds arbitrary payloads to every command handler: a
// malformed command must fail cleanly (an error, so raftstore rolls it
// back), never panic.
func FuzzApplyCommands(f *testing.F) {
	enc := newPutEncoder(flagAutoMetrics|flagAutoTagks|flagAutoTagvs|flagMeta, 0)
	v, _ := otsdb.ParseValue("42")
	enc.add("m", []otsdb.Tag{{Key: "k", Value: "v"}}, 1000, v)
	f.Add(byte(0), enc.bytes())
	f.Add(byte(1), encodeAssign([]assignEntry{{KindTagv, "x"}}))
	f.Add(byte(2), retainCmd{cutoff: 7200, limit: 3}.encode())
	f.Add(byte(0), []byte{putVersion, 0xff, 1, 'm', 1, 1, 'k', 1, 'v', 2, 0x0f, 1, 2, 3, 4, 5, 6, 7, 8})
	db := openBolt(f)
	svc := New(DefaultConfig(), nil)
	handlers := []raftstore.Handler{svc.applyPut, svc.applyAssign, applyRetain}
	f.Fuzz(func(t *testing.T, which byte, data []byte) {
		h := handlers[int(which)%len(handlers)]
		tx, err := db.Begin(true)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		cmd := &raftstore.Command{Type: "fuzz", Time: 1700000000e9, Data: data}
		_, _ = h(&raftstore.Apply{Tx: tx, Index: 1, Command: cmd})
		// Decoders used on results must not panic either.
		_, _ = decodeFailures(data)
		_, _ = decodeAssignResults(data, 3)
		_, _ = decodeRetainResult(data)
		_, _, _ = unescapeField(nil, data)
		_, _, _ = decodeInt64Field(data)
		_, _ = decodeCell(data)
	})
}

// Rolled-back fuzz transactions must not leak into the shared UID cache.
var _ = bolt.Tx{}
