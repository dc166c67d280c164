package store

import (
	"encoding/binary"
	"errors"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/tsdb/otsdb"
)

// Storage layout. Every key lives in the raftstore data bucket under the
// family 0x01 "tsdb", in Doris key encoding (host/keys), so decode_key
// explains it:
//
//	0x01 "tsdb" "uid"     kind name        -> UID (3 bytes)
//	0x01 "tsdb" "name"    kind uid         -> name
//	0x01 "tsdb" "uid_max" kind             -> last assigned UID (3 bytes)
//	0x01 "tsdb" "ctr"     tsuid            -> last write time, Unix ms (8 bytes BE)
//	0x01 "tsdb" "row"     base tsuid       -> newest cell of the hour row
//	0x01 "tsdb" "rows"    tsuid base       -> "" (index of a series' rows)
//
// kind is "metrics", "tagk" or "tagv"; base is the row's hour base in Unix
// seconds (int64 field). Rows are hour-major so the rows written at one time
// are adjacent (cheap batches) and expired rows are a key prefix (cheap
// retention); the per-series index answers back-scans with one seek. A row
// keeps only its newest cell (greatest millisecond timestamp, last write
// winning ties): /api/query/last never reads any other cell.
const (
	family     = "tsdb"
	infixUID   = "uid"
	infixName  = "name"
	infixMax   = "uid_max"
	infixCtr   = "ctr"
	infixRow   = "row"
	infixIndex = "rows"
)

// kindNames are the UID kinds in their index order.
var kindNames = [3]string{otsdb.KindMetrics, otsdb.KindTagk, otsdb.KindTagv}

// Kind indexes a UID kind.
type Kind uint8

// UID kinds.
const (
	KindMetric Kind = iota
	KindTagk
	KindTagv
)

// String returns the kind as OpenTSDB names it in messages.
func (k Kind) String() string { return kindNames[k] }

// familyPrefix returns 0x01 "tsdb" infix.
func familyPrefix(dst []byte, infix string) []byte {
	dst = append(dst, keys.SpaceUser)
	dst = keys.AppendBytes(dst, family)
	return keys.AppendBytes(dst, infix)
}

func appendUIDKey(dst []byte, k Kind, name string) []byte {
	dst = familyPrefix(dst, infixUID)
	dst = keys.AppendBytes(dst, kindNames[k])
	return keys.AppendBytes(dst, name)
}

func appendNameKey(dst []byte, k Kind, uid otsdb.UID) []byte {
	dst = familyPrefix(dst, infixName)
	dst = keys.AppendBytes(dst, kindNames[k])
	return keys.AppendBytes(dst, uid[:])
}

func appendMaxKey(dst []byte, k Kind) []byte {
	dst = familyPrefix(dst, infixMax)
	return keys.AppendBytes(dst, kindNames[k])
}

func appendCtrKey(dst, tsuid []byte) []byte {
	return keys.AppendBytes(familyPrefix(dst, infixCtr), tsuid)
}

func appendRowKey(dst []byte, base int64, tsuid []byte) []byte {
	dst = keys.AppendInt64(familyPrefix(dst, infixRow), base)
	return keys.AppendBytes(dst, tsuid)
}

func appendIndexKey(dst, tsuid []byte, base int64) []byte {
	dst = keys.AppendBytes(familyPrefix(dst, infixIndex), tsuid)
	return keys.AppendInt64(dst, base)
}

// appendEscapedPrefix appends the encoding of a bytes field holding a value
// that starts with p, without the terminator: every key whose field starts
// with p starts with the result.
func appendEscapedPrefix(dst, p []byte) []byte {
	enc := keys.AppendBytes(dst, p)
	return enc[:len(enc)-2]
}

// uidPrefix is the prefix of every forward-map key of kind k whose name
// starts with p.
func uidPrefix(k Kind, p string) []byte {
	dst := familyPrefix(nil, infixUID)
	dst = keys.AppendBytes(dst, kindNames[k])
	return appendEscapedPrefix(dst, []byte(p))
}

// ctrPrefix is the prefix of the counters of every series whose TSUID
// starts with p (a metric UID).
func ctrPrefix(p []byte) []byte { return appendEscapedPrefix(familyPrefix(nil, infixCtr), p) }

var errBadKey = errors.New("tsdb: malformed key")

// unescapeField decodes the bytes field at the start of in (after its tag)
// and returns the value and the rest.
func unescapeField(dst, in []byte) (val, rest []byte, err error) {
	if len(in) == 0 || in[0] != keys.TagBytes {
		return nil, nil, errBadKey
	}
	in = in[1:]
	for i := 0; i < len(in)-1; i++ {
		if in[i] != 0 {
			continue
		}
		switch in[i+1] {
		case 0xFF:
			dst = append(dst, in[:i+1]...)
			in = in[i+2:]
			i = -1
		case 0x01:
			return append(dst, in[:i]...), in[i+2:], nil
		default:
			return nil, nil, errBadKey
		}
	}
	return nil, nil, errBadKey
}

// decodeInt64Field decodes an int64 field at the start of in.
func decodeInt64Field(in []byte) (int64, []byte, error) {
	if len(in) < 9 || (in[0] != keys.TagPosInt && in[0] != keys.TagNegInt) {
		return 0, nil, errBadKey
	}
	v := int64(binary.BigEndian.Uint64(in[1:9]))
	if in[0] == keys.TagNegInt {
		v = -v
	}
	return v, in[9:], nil
}

// Cell values: ms timestamp (8 bytes BE), cell flags, value bytes.
func appendCell(dst []byte, ms int64, flags byte, value []byte) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(ms))
	dst = append(dst, flags)
	return append(dst, value...)
}

// cell is a decoded row value.
type cell struct {
	ms    int64
	value otsdb.Value
}

func decodeCell(v []byte) (cell, bool) {
	if len(v) < 10 {
		return cell{}, false
	}
	val, ok := otsdb.DecodeValue(v[9:], v[8])
	if !ok {
		return cell{}, false
	}
	return cell{ms: int64(binary.BigEndian.Uint64(v)), value: val}, true
}

func cellMillis(v []byte) int64 { return int64(binary.BigEndian.Uint64(v)) }
