package keys

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// FuzzPrettify checks that Prettify never panics, that a success ends with
// the input text and "\n" and equals the literal C++ port, and that a failure
// carries the Doris message.
func FuzzPrettify(f *testing.F) {
	for _, s := range []string{
		seedKey, "01", "ff", "", "1", "zz", "01zz", "0110", "01106b00", "01106b0002", "0113",
		"0112000000000000", "01106b0001110000000000000005",
		"011074786e000110696e73745f6100011074786e5f696e6465780001120000000000002713",
		"01106100ff620001", "0110612d7c2f760a0001", "011041420001",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	for _, v := range dorisKeyVectors() {
		f.Add(v.want, true)
	}
	f.Fuzz(func(t *testing.T, keyHex string, unicode bool) {
		if len(keyHex) > 4096 {
			t.Skip("output size is O(fields * len(key)); long inputs only slow the fuzzer")
		}
		out, err := Prettify(keyHex, unicode)
		if err != nil {
			if out != "" {
				t.Fatalf("text with error")
			}
			var pe *PrettifyError
			if !errors.As(err, &pe) || err.Error() != "failed to decode key, key="+keyHex {
				t.Fatalf("bad error %T %q", err, err)
			}
			if !errors.Is(err, ErrMalformedKey) {
				t.Fatalf("error does not match ErrMalformedKey")
			}
			if cx := cxxPrettify(keyHex, unicode); cx != "" {
				t.Fatalf("C++ port succeeds where Prettify fails")
			}
			return
		}
		if !strings.HasSuffix(out, keyHex+"\n") {
			t.Fatalf("output does not end with the key: %q", out)
		}
		if cx := cxxPrettify(keyHex, unicode); cx != out {
			t.Fatalf("differs from C++ port:\n%q\n%q", out, cx)
		}
	})
}

// recipeKey builds a key from fuzz bytes: byte 0 is the key space, then each
// control byte c adds an int64 field (c odd; value from the next 8 bytes) or
// a bytes field of up to c>>1 following bytes (c even). It returns the key
// and the fields Decode must report.
func recipeKey(recipe []byte) ([]byte, []Field) {
	key := []byte{SpaceUser}
	if len(recipe) > 0 {
		key[0] = recipe[0]
		recipe = recipe[1:]
	}
	var want []Field
	pos := 0
	for len(recipe) > 0 {
		c := recipe[0]
		recipe = recipe[1:]
		before := len(key)
		if c&1 == 1 {
			var b [8]byte
			nb := copy(b[:], recipe)
			recipe = recipe[nb:]
			v := int64(binary.BigEndian.Uint64(b[:]))
			key = AppendInt64(key, v)
			tag := TagPosInt
			if v < 0 {
				tag = TagNegInt
			}
			want = append(want, Field{Tag: tag, Pos: pos, Int: v})
		} else {
			l := min(int(c>>1), len(recipe))
			s := recipe[:l]
			recipe = recipe[l:]
			key = AppendBytes(key, s)
			want = append(want, Field{Tag: TagBytes, Pos: pos, Bytes: append([]byte{}, s...)})
		}
		pos += len(key) - before
	}
	return key, want
}

// reencode writes space and fields back with the exact tags and magnitudes
// Decode read (unlike AppendInt64, which picks the tag from the sign).
func reencode(space byte, fields []Field) []byte {
	out := []byte{space}
	for _, f := range fields {
		switch f.Tag {
		case TagBytes:
			out = AppendBytes(out, f.Bytes)
		case TagNegInt:
			out = binary.BigEndian.AppendUint64(append(out, TagNegInt), uint64(-f.Int))
		default:
			out = binary.BigEndian.AppendUint64(append(out, TagPosInt), uint64(f.Int))
		}
	}
	return out
}

// FuzzDecode checks the round trip: a key built from random fields decodes
// back to the same fields (values, tags, positions), and any input that
// decodes re-encodes to exactly the same bytes.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0x01})
	f.Add([]byte{0x01, 0x06, 'a', 0, 'b', 0x01, 0x80, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x02, 0x00, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	for _, v := range dorisKeyVectors() {
		f.Add(v.built)
	}
	f.Fuzz(func(t *testing.T, recipe []byte) {
		key, want := recipeKey(recipe)
		space, got, err := Decode(key)
		if err != nil {
			t.Fatalf("Decode(%x): %v", key, err)
		}
		if space != key[0] || !fieldsEqual(got, want) {
			t.Fatalf("Decode(%x) = %#x %+v, want %+v", key, space, got, want)
		}
		if !bytes.Equal(reencode(space, got), key) {
			t.Fatalf("re-encoding differs")
		}

		// The raw input as a key: never panics; success implies exact re-encoding.
		space, got, err = Decode(recipe)
		if err != nil {
			if !errors.Is(err, ErrMalformedKey) {
				t.Fatalf("error %v does not match ErrMalformedKey", err)
			}
			return
		}
		if re := reencode(space, got); !bytes.Equal(re, recipe) {
			t.Fatalf("Decode(%x) re-encodes to %x", recipe, re)
		}
	})
}

// FuzzEncodeKeyTool checks that any parameter values give either a body
// ending in the escaped key line or a *ToolError.
func FuzzEncodeKeyTool(f *testing.F) {
	f.Add("MetaRowsetKey", "gavin-instance", "10086", "false")
	f.Add("InstanceKey", "test", "", "")
	f.Add("TxnLabelKey", "i\x00", " -9", "true")
	f.Add("nope", "", "", "")
	f.Fuzz(func(t *testing.T, keyType, a, b, unicode string) {
		p := map[string]string{"key_type": keyType, "unicode": unicode}
		if params, ok := KeyTypeParams(keyType); ok {
			for i, name := range params {
				if i%2 == 0 {
					p[name] = a
				} else {
					p[name] = b
				}
			}
		}
		out, err := EncodeKeyTool(p)
		if err != nil {
			var te *ToolError
			if !errors.As(err, &te) {
				t.Fatalf("error %T is not *ToolError", err)
			}
			return
		}
		key, err := BuildKey(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(out, Hex(key)+"\n"+FormatFDBKey(Hex(key))+"\n") {
			t.Fatalf("bad tail: %q", out)
		}
	})
}
