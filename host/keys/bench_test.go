package keys

import "testing"

// BenchmarkAppendKey builds a MetaRowsetKey-shaped key with AppendBytes and
// AppendInt64 into a reused buffer (the hot path of key building).
func BenchmarkAppendKey(b *testing.B) {
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := append(buf[:0], SpaceUser)
		k = AppendBytes(k, "meta")
		k = AppendBytes(k, "regression_instance0")
		k = AppendBytes(k, "rowset")
		k = AppendInt64(k, 1008601)
		k = AppendInt64(k, int64(i))
		buf = k
	}
}

// BenchmarkMetaRowsetKey measures the allocating builder (one allocation).
func BenchmarkMetaRowsetKey(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = MetaRowsetKey("regression_instance0", 1008601, int64(i))
	}
}

// BenchmarkDecode decodes a 6-field key into a reused field slice.
func BenchmarkDecode(b *testing.B) {
	key := MetaRowsetKey("regression_instance0", 1008601, 10010)
	fields := make([]Field, 0, 8)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		_, fields, err = AppendDecode(fields[:0], key)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeAlloc is Decode with a fresh field slice per call.
func BenchmarkDecodeAlloc(b *testing.B) {
	key := MetaRowsetKey("regression_instance0", 1008601, 10010)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Decode(key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrettify renders the seed key (debug endpoint, not a hot path).
func BenchmarkPrettify(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Prettify(seedKey, true); err != nil {
			b.Fatal(err)
		}
	}
}
