package otsdb

import (
	"errors"
	"strconv"
	"strings"
)

// PutPoint is one data point of an /api/put body as Jackson maps it onto
// OpenTSDB's IncomingDataPoint. The Has* flags distinguish a Java null
// (absent or JSON null) from an empty value; they matter for the rendering
// of the point in "errors" entries.
type PutPoint struct {
	Metric string
	// Timestamp as Jackson coerced it (0 when absent or null).
	Timestamp int64
	// Value is the exact source text of the value: a JSON string's content,
	// or the token text of a number, boolean or NaN/Infinity token.
	Value string
	// Tags in Java HashMap iteration order (see JavaTagOrder).
	Tags  []Tag
	TSUID string

	// Null is true for a JSON null array element ("[null]").
	Null      bool
	HasMetric bool
	HasValue  bool
	HasTags   bool
	// HasTSUID is true when the body carried a non-null "tsuid" field.
	HasTSUID bool
}

const typeDataPoint = "net.opentsdb.core.IncomingDataPoint"

// DecodePutBody decodes an /api/put body like OpenTSDB's
// HttpJsonSerializer.parsePutV1 with Jackson. Errors are *Error (400):
//
//   - empty body (or, a Go choice, whitespace only): "Missing request content";
//   - trimmed body not starting with '{' or '[':
//     "The JSON must start as an object or an array";
//   - syntax or mapping failure: "Unable to parse the given JSON" with the
//     parser's message as details;
//   - "[]": "No datapoints found in content".
//
// Leniencies reproduced: bare NaN/Infinity/+Infinity/-Infinity/+INF/-INF
// tokens; value, metric, tsuid and tag values given as numbers or booleans
// keep their source text; timestamp given as a digit string, as a float
// (truncated) or null; unknown fields ignored; a null array element becomes
// a point with Null set; content after the first complete top-level value is
// ignored (Jackson does not check for trailing tokens).
func DecodePutBody(body []byte) ([]PutPoint, error) {
	if len(body) == 0 {
		return nil, badRequest(MsgMissingRequestContent)
	}
	sc := newScanner(body)
	sc.src = javaTrim(sc.src)
	if sc.src == "" {
		return nil, badRequest(MsgMissingRequestContent)
	}
	var d putDecoder
	switch sc.src[0] {
	case '{':
		sc.pos = 1
		points := make([]PutPoint, 1)
		if err := d.point(sc, &points[0]); err != nil {
			return nil, jsonBadRequest(err)
		}
		return points, nil
	case '[':
		sc.pos = 1
		points, err := d.array(sc)
		if err != nil {
			return nil, jsonBadRequest(err)
		}
		if len(points) == 0 {
			return nil, badRequest(MsgNoDatapoints)
		}
		return points, nil
	}
	return nil, badRequest(MsgMustStartObjectArray)
}

func jsonBadRequest(err error) *Error {
	return &Error{Code: 400, Message: MsgUnableToParseJSON, Details: err.Error(), Err: err}
}

// putDecoder owns the tag storage shared by all points of one body: tags
// are parsed into a reused scratch slice, then copied into fixed-size blocks
// (no reallocation copies; each point's tags stay contiguous).
type putDecoder struct {
	scratch []Tag
	block   []Tag
}

const tagBlockSize = 512

// storeJavaOrder dedupes tags (parsed in source order), and copies them in
// Java HashMap order into block storage.
func (d *putDecoder) storeJavaOrder(tags []Tag) []Tag {
	tags = dedupeTags(tags)
	n := len(tags)
	if n == 0 {
		return []Tag{}
	}
	if n > smallTagCount {
		return javaTagOrderInPlace(append([]Tag(nil), tags...))
	}
	var perm [smallTagCount]uint8
	javaOrderSmall(tags, &perm)
	if cap(d.block)-len(d.block) < n {
		d.block = make([]Tag, 0, tagBlockSize)
	}
	start := len(d.block)
	for _, i := range perm[:n] {
		d.block = append(d.block, tags[i])
	}
	return d.block[start : start+n : start+n]
}

func (d *putDecoder) array(sc *scanner) ([]PutPoint, error) {
	// Each point usually has two '{' (itself and its tags).
	points := make([]PutPoint, 0, strings.Count(sc.src, "{")/2+1)
	for first := true; ; first = false {
		done, err := sc.elem(first)
		if err != nil {
			return nil, err
		}
		if done {
			return points, nil
		}
		t, err := sc.value()
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case tokNull:
			points = append(points, PutPoint{Null: true})
		case tokObject:
			points = append(points, PutPoint{})
			if err := d.point(sc, &points[len(points)-1]); err != nil {
				return nil, err
			}
		default:
			return nil, sc.cannotDeserialize(typeDataPoint, t)
		}
	}
}

// point decodes the fields of one point whose '{' was consumed.
func (d *putDecoder) point(sc *scanner, p *PutPoint) error {
	for first := true; ; first = false {
		name, done, err := sc.field(first)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		t, err := sc.value()
		if err != nil {
			return err
		}
		var isNull bool
		switch name {
		case "metric":
			p.Metric, isNull, err = sc.asString(t)
			p.HasMetric = !isNull
		case "timestamp":
			p.Timestamp, err = sc.asLong(t)
		case "value":
			p.Value, isNull, err = sc.asString(t)
			p.HasValue = !isNull
		case "tsuid":
			p.TSUID, isNull, err = sc.asString(t)
			p.HasTSUID = !isNull
		case "tags":
			switch t.kind {
			case tokNull:
				p.Tags, p.HasTags = nil, false
			case tokObject:
				d.scratch, err = sc.stringMap(d.scratch[:0])
				if err == nil {
					p.Tags, p.HasTags = d.storeJavaOrder(d.scratch), true
				}
			default:
				err = sc.cannotDeserialize("java.util.HashMap", t)
			}
		default:
			err = sc.skip(t)
		}
		if err != nil {
			return err
		}
	}
}

// PointConfig carries the configuration that affects per-point validation.
type PointConfig struct {
	// MaxTags is tsd.storage.max_tags; 0 means the default 8.
	MaxTags int
	// Names validates metric and tag names (tsd.core.tag.allow_specialchars).
	Names NameValidator
}

// DefaultMaxTags is OpenTSDB's default tsd.storage.max_tags.
const DefaultMaxTags = 8

// ValidatePoint runs steps 1-6 of the per-point pipeline (§4.2) in order and
// returns the typed value. The error's text is the exact "error" string of
// the point's details entry:
//
//  1. null point: "Unexpected null datapoint encountered in set."
//  2. "Metric name was empty", "Invalid timestamp", "Empty value",
//     "Missing tags";
//  3. "Unable to parse value to a number";
//  4. "value is NaN or Infinite: <v> for metric=<m> timestamp=<ts>";
//  5. "bad timestamp=<ts> when trying to add value=<bytes>/<flags> to
//     metric=<m>, tags=<map>";
//  6. "Too many tags: <n> maximum allowed: <max>, tags: <map>", then name
//     validation of the metric and of each tag (key, then value) in order.
//
// Steps 7-8 (UID lookup/creation, "Unknown metric", write) are the caller's.
func ValidatePoint(p *PutPoint, cfg PointConfig) (Value, error) {
	switch {
	case p.Null:
		return Value{}, ErrNullPoint
	case !p.HasMetric || p.Metric == "":
		return Value{}, ErrMetricEmpty
	case p.Timestamp <= 0:
		return Value{}, ErrInvalidTimestamp
	case !p.HasValue || p.Value == "":
		return Value{}, ErrEmptyValue
	case !p.HasTags || len(p.Tags) == 0:
		return Value{}, ErrMissingTags
	}
	v, err := ParseValue(p.Value)
	if err != nil {
		if errors.Is(err, ErrValueNotFinite) {
			return v, &PointError{Kind: ErrValueNotFinite, Text: NotFiniteMessage(v, p.Metric, p.Timestamp)}
		}
		return Value{}, err
	}
	if p.Timestamp > MaxMillisTimestamp {
		return v, &PointError{Kind: ErrBadTimestamp, Text: BadTimestampMessage(p.Timestamp, v, p.Metric, p.Tags)}
	}
	if err := CheckMetricAndTags(p.Metric, p.Tags, cfg); err != nil {
		return v, err
	}
	return v, nil
}

// BadTimestampMessage renders "bad timestamp=<ts> when trying to add
// value=<bytes>/<flags> to metric=<metric>, tags=<map>" with the value bytes
// and flags OpenTSDB's HTTP put path produces (integers in their smallest
// width; every float-path value as an 8-byte double, flags 15) and tags in
// the given order.
func BadTimestampMessage(ts int64, v Value, metric string, tags []Tag) string {
	b := make([]byte, 0, 96+len(metric))
	b = append(b, "bad timestamp="...)
	b = strconv.AppendInt(b, ts, 10)
	b = append(b, " when trying to add value="...)
	var enc [8]byte
	bytes, flags := v.appendPutEncoded(enc[:0])
	b = AppendJavaByteArray(b, bytes)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(flags), 10)
	b = append(b, " to metric="...)
	b = append(b, metric...)
	b = append(b, ", tags="...)
	b = AppendJavaMap(b, tags)
	return string(b)
}

// CheckMetricAndTags is IncomingDataPoints.checkMetricAndTags (step 6): the
// tag count limit, then the metric name, then each tag's name and value in
// the given (Java iteration) order.
func CheckMetricAndTags(metric string, tags []Tag, cfg PointConfig) error {
	maxTags := cfg.MaxTags
	if maxTags <= 0 {
		maxTags = DefaultMaxTags
	}
	if len(tags) > maxTags {
		b := append([]byte("Too many tags: "), strconv.Itoa(len(tags))...)
		b = append(b, " maximum allowed: "...)
		b = strconv.AppendInt(b, int64(maxTags), 10)
		b = append(b, ", tags: "...)
		b = AppendJavaMap(b, tags)
		return &PointError{Kind: ErrTooManyTags, Text: string(b)}
	}
	if err := cfg.Names.Validate("metric name", metric); err != nil {
		return err
	}
	for _, t := range tags {
		value := t.Value
		if t.ValueNull {
			value = "null"
		}
		if err := cfg.Names.Validate("tag name with value ["+value+"]", t.Key); err != nil {
			return err
		}
		what := "tag value with key [" + t.Key + "]"
		if t.ValueNull {
			return validateNull(what)
		}
		if err := cfg.Names.Validate(what, t.Value); err != nil {
			return err
		}
	}
	return nil
}

// AppendJSON appends the point as OpenTSDB renders it inside "errors"
// entries: null for a null point, else an object with keys in the order
// metric, timestamp, value, tags, tsuid, null fields omitted, timestamp
// always present, value always a string.
func (p *PutPoint) AppendJSON(dst []byte) []byte {
	if p.Null {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	if p.HasMetric {
		dst = append(dst, `"metric":`...)
		dst = AppendJSONString(dst, p.Metric)
		dst = append(dst, ',')
	}
	dst = append(dst, `"timestamp":`...)
	dst = strconv.AppendInt(dst, p.Timestamp, 10)
	if p.HasValue {
		dst = append(dst, `,"value":`...)
		dst = AppendJSONString(dst, p.Value)
	}
	if p.HasTags {
		dst = append(dst, `,"tags":`...)
		dst = appendTagsJSON(dst, p.Tags)
	}
	if p.HasTSUID {
		dst = append(dst, `,"tsuid":`...)
		dst = AppendJSONString(dst, p.TSUID)
	}
	return append(dst, '}')
}

// appendTagsJSON renders tags as a JSON object in the given order, null
// values as null.
func appendTagsJSON(dst []byte, tags []Tag) []byte {
	dst = append(dst, '{')
	for i, t := range tags {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, t.Key)
		dst = append(dst, ':')
		if t.ValueNull {
			dst = append(dst, "null"...)
		} else {
			dst = AppendJSONString(dst, t.Value)
		}
	}
	return append(dst, '}')
}
