package meta

import bolt "go.etcd.io/bbolt"

// ResolveInstanceIn maps a cloud_unique_id to its instance inside a raw
// state transaction, with the same rule as Tx.ResolveInstanceID (spec §3.3).
// Other domains (tablets, txns, jobs) use it from their own raft commands
// and reads, where no meta.Tx exists.
func ResolveInstanceIn(tx *bolt.Tx, cfg Config, cuid string) string {
	t := &Tx{tx: tx, svc: &Service{cfg: cfg}, readOnly: true}
	return t.ResolveInstanceID(cuid)
}
