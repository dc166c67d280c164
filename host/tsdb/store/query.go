package store

import (
	"bytes"
	"encoding/binary"

	"github.com/metahost/metahost/host/tsdb/otsdb"
	bolt "go.etcd.io/bbolt"
)

// reader answers last-point questions from one read transaction.
type reader struct {
	b       *bolt.Bucket
	c       *bolt.Cursor // reused for point reads (Bucket.Get allocates one per call)
	key     []byte
	scratch []byte
	names   [3]map[otsdb.UID]string
}

func newReader(b *bolt.Bucket) *reader { return &reader{b: b, c: b.Cursor()} }

// get is Bucket.Get through the reader's cursor.
func (r *reader) get(key []byte) []byte {
	k, v := r.c.Seek(key)
	if !bytes.Equal(k, key) {
		return nil
	}
	return v
}

// uid returns the UID of name.
func (r *reader) uid(k Kind, name string) (otsdb.UID, bool) {
	r.key = appendUIDKey(r.key[:0], k, name)
	v := r.get(r.key)
	if len(v) != otsdb.UIDWidth {
		return otsdb.UID{}, false
	}
	var id otsdb.UID
	copy(id[:], v)
	return id, true
}

// name returns the name of a UID (cached for the reader's lifetime).
func (r *reader) name(k Kind, id otsdb.UID) (string, bool) {
	if r.names[k] == nil {
		r.names[k] = make(map[otsdb.UID]string)
	} else if n, ok := r.names[k][id]; ok {
		return n, true
	}
	r.key = appendNameKey(r.key[:0], k, id)
	v := r.get(r.key)
	if v == nil {
		return "", false
	}
	n := string(v)
	r.names[k][id] = n
	return n, true
}

// row returns the newest cell of the row (base, tsuid).
func (r *reader) row(base int64, tsuid []byte) (cell, bool) {
	r.key = appendRowKey(r.key[:0], base, tsuid)
	v := r.get(r.key)
	if v == nil {
		return cell{}, false
	}
	return decodeCell(v)
}

// counter returns a series' last write time (ms).
func (r *reader) counter(tsuid []byte) (int64, bool) {
	r.key = appendCtrKey(r.key[:0], tsuid)
	v := r.get(r.key)
	if len(v) != 8 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(v)), true
}

// lastPoint is TSUIDQuery.getLastPoint: with backScan 0 and meta tracking,
// the counter method (only the row of the hour of the last write); otherwise
// a back-scan of rows cur, cur-1h, ..., cur-backScan h where cur is the hour
// of now, returning the newest cell of the newest non-empty row. Rows after
// cur are never examined.
func (r *reader) lastPoint(tsuid []byte, backScan int32, meta bool, nowMs int64) (cell, bool) {
	if backScan == 0 && meta {
		ms, ok := r.counter(tsuid)
		if !ok {
			return cell{}, false
		}
		return r.row(otsdb.HourBaseMillis(ms), tsuid)
	}
	cur := otsdb.HourBaseMillis(nowMs)
	low := cur - otsdb.HourSeconds*int64(backScan)
	// The series' newest row at or before cur, from its row index.
	prefix := keysFieldPrefix(&r.scratch, tsuid)
	r.key = appendIndexKey(r.key[:0], tsuid, cur+1)
	c := r.b.Cursor()
	k, _ := c.Seek(r.key)
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return cell{}, false
	}
	base, _, err := decodeInt64Field(k[len(prefix):])
	if err != nil || base < low || base > cur {
		return cell{}, false
	}
	return r.row(base, tsuid)
}

// keysFieldPrefix returns the index-key prefix of a series (family and the
// complete TSUID field) in *buf.
func keysFieldPrefix(buf *[]byte, tsuid []byte) []byte {
	full := appendIndexKey((*buf)[:0], tsuid, 0)
	*buf = full
	return full[:len(full)-9]
}

// resolveNames returns the metric and tags of a TSUID, the tags in Java
// HashMap order; errors are "No such unique ID" texts.
func (r *reader) resolveNames(tsuid []byte) (string, []otsdb.Tag, error) {
	metric, pairs, err := otsdb.SplitTSUID(tsuid)
	if err != nil {
		return "", nil, err
	}
	m, ok := r.name(KindMetric, metric)
	if !ok {
		return "", nil, noSuchUID(otsdb.KindMetrics, metric)
	}
	tags := make([]otsdb.Tag, 0, len(pairs))
	for _, p := range pairs {
		k, ok := r.name(KindTagk, p.Key)
		if !ok {
			return "", nil, noSuchUID(otsdb.KindTagk, p.Key)
		}
		v, ok := r.name(KindTagv, p.Value)
		if !ok {
			return "", nil, noSuchUID(otsdb.KindTagv, p.Value)
		}
		tags = append(tags, otsdb.Tag{Key: k, Value: v})
	}
	return m, otsdb.JavaTagOrder(tags), nil
}

// resolveSeries maps a metric and tags to UIDs, failing with OpenTSDB's
// "No such name" texts: the metric first, then each pair in the given (Java)
// order, the tag key before its value.
func (r *reader) resolveSeries(metric string, tags []otsdb.Tag) (otsdb.UID, []otsdb.TagPair, error) {
	m, ok := r.uid(KindMetric, metric)
	if !ok {
		return m, nil, noSuchName(otsdb.KindMetrics, metric)
	}
	pairs := make([]otsdb.TagPair, 0, len(tags))
	for _, t := range tags {
		k, ok := r.uid(KindTagk, t.Key)
		if !ok {
			return m, nil, noSuchName(otsdb.KindTagk, t.Key)
		}
		v, ok := r.uid(KindTagv, t.Value)
		if !ok {
			return m, nil, noSuchName(otsdb.KindTagv, t.Value)
		}
		pairs = append(pairs, otsdb.TagPair{Key: k, Value: v})
	}
	return m, pairs, nil
}

// wrapped builds the 400 OpenTSDB answers for an exception wrapped in a
// BadRequestException: message and details are both the text.
func wrapped(text string) *otsdb.Error {
	return &otsdb.Error{Code: 400, Message: text, Details: text}
}

func noSuchName(kind, name string) *otsdb.Error { return wrapped(otsdb.NoSuchNameMessage(kind, name)) }

func noSuchUID(kind string, id otsdb.UID) *otsdb.Error {
	return wrapped(otsdb.NoSuchUniqueIDMessage(kind, id[:]))
}

// containsPairs reports whether the TSUID's pairs include every wanted pair.
func containsPairs(tsuid []byte, want []otsdb.TagPair) bool {
	for _, w := range want {
		found := false
		for i := otsdb.UIDWidth; i+2*otsdb.UIDWidth <= len(tsuid); i += 2 * otsdb.UIDWidth {
			if [3]byte(tsuid[i:i+3]) == w.Key && [3]byte(tsuid[i+3:i+6]) == w.Value {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
