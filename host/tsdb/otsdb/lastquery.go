package otsdb

import "strings"

// LastQuery is a /api/query/last request (OpenTSDB's LastPointQuery).
type LastQuery struct {
	ResolveNames bool
	BackScan     int32
	Queries      []LastSubQuery
}

// LastSubQuery selects series either by TSUIDs (when TSUIDs is non-empty;
// Metric and Tags are then ignored) or by metric and tags.
type LastSubQuery struct {
	Metric string
	// Tags in Java HashMap iteration order; nil and empty mean no tags.
	Tags []Tag
	// TSUIDs as given (a JSON null element is kept as "").
	TSUIDs []string
}

// ParseLastQueryParams builds a LastQuery from GET query parameters like
// QueryRpc.parseLastPointQuery: "resolve" (presence), "back_scan" (last
// occurrence, Java Integer.parseInt; failure is a 400
// "Unable to parse back_scan parameter"), every "timeseries" in order (see
// ParseTimeseries; its failures are 500s), then every "tsuids" in order
// (comma-split with Java String.split semantics). It does not check for
// "Missing sub queries"; see LastQuery.Check.
func ParseLastQueryParams(params QueryParams) (LastQuery, error) {
	var q LastQuery
	q.ResolveNames = params.Has("resolve")
	if raw, ok := params.Get("back_scan"); ok {
		n, ok := ParseBackScan(raw)
		if !ok {
			return LastQuery{}, badRequest(MsgBadBackScanParam)
		}
		q.BackScan = n
	}
	series := params.All("timeseries")
	tsuids := params.All("tsuids")
	if len(series)+len(tsuids) > 0 {
		q.Queries = make([]LastSubQuery, 0, len(series)+len(tsuids))
	}
	for _, s := range series {
		metric, tags, err := ParseTimeseries(s)
		if err != nil {
			return LastQuery{}, err
		}
		q.Queries = append(q.Queries, LastSubQuery{Metric: metric, Tags: tags})
	}
	for _, s := range tsuids {
		q.Queries = append(q.Queries, LastSubQuery{TSUIDs: JavaSplit(s, ',')})
	}
	return q, nil
}

// ParseBackScan parses a back_scan value with Java Integer.parseInt rules:
// optional sign, decimal digits, int32 range, no whitespace.
func ParseBackScan(s string) (int32, bool) {
	v, ok := JavaParseLong(s, 32)
	return int32(v), ok
}

// JavaSplit is Java's s.split(String.valueOf(sep)) for a literal separator:
// inner empty pieces are kept, trailing empty pieces are dropped, and an
// empty s yields [""].
func JavaSplit(s string, sep byte) []string {
	if s == "" {
		return []string{""}
	}
	parts := strings.Split(s, string(sep))
	end := len(parts)
	for end > 0 && parts[end-1] == "" {
		end--
	}
	return parts[:end]
}

// ParseTimeseries parses one timeseries=<m>[{k=v[,k=v...]}] value with
// Tags.parseWithMetric. Without '{' the whole text is the metric (possibly
// empty); "m{}" is metric m without tags. Errors are *Error with Code 500
// (OpenTSDB throws them outside its handler's try block):
//
//	Missing '}' at the end of: <s>
//	When parsing tag '<tag>': invalid tag: <tag>
//	When parsing tag '<tag>': duplicate tag: <tag>, tags={k=v, ...}
//
// A repeated tag with the same value is accepted. Tags are returned in Java
// HashMap iteration order.
func ParseTimeseries(s string) (metric string, tags []Tag, err error) {
	curly := strings.IndexByte(s, '{')
	if curly < 0 {
		return s, []Tag{}, nil
	}
	if s[len(s)-1] != '}' {
		return "", nil, &Error{Code: 500, Message: "Missing '}' at the end of: " + s}
	}
	if curly == len(s)-2 {
		return s[:curly], []Tag{}, nil
	}
	inner := s[curly+1 : len(s)-1]
	tags = make([]Tag, 0, strings.Count(inner, ",")+1)
	for _, tag := range strings.Split(inner, ",") {
		kv := strings.Split(tag, "=")
		if len(kv) != 2 || kv[0] == "" || kv[1] == "" {
			return "", nil, &Error{Code: 500, Message: "When parsing tag '" + tag + "': invalid tag: " + tag}
		}
		dup := false
		for _, t := range tags {
			if t.Key != kv[0] {
				continue
			}
			if t.Value != kv[1] {
				order := JavaTagOrder(tags)
				return "", nil, &Error{Code: 500, Message: "When parsing tag '" + tag + "': duplicate tag: " +
					tag + ", tags=" + JavaMapString(order)}
			}
			dup = true
			break
		}
		if !dup {
			tags = append(tags, Tag{Key: kv[0], Value: kv[1]})
		}
	}
	return s[:curly], javaTagOrderInPlace(tags), nil
}

// lastQuery JSON class names used in mapping error texts.
const (
	classLastQuery    = "net.opentsdb.tsd.QueryRpc$LastPointQuery"
	classLastSubQuery = "net.opentsdb.tsd.QueryRpc$LastPointSubQuery"
)

// DecodeLastQueryBody decodes a POSTed /api/query/last body like
// HttpJsonSerializer.parseLastPointQueryV1: an empty body is a 400
// "Missing message content" (details "Supply valid JSON formatted data in
// the body of your request"); anything Jackson rejects is a 400
// "Unable to parse the given JSON" with the parser's message as details.
// Mapping is strict: only "queries", "resolveNames" and "backScan", and in
// sub-queries only "metric", "tags" and "tsuids" (the documented "resolve"
// is rejected). Jackson coercions apply ("backScan":"24", floats truncated,
// "resolveNames":"true" or 1, numbers as strings). A body of null (Java:
// NullPointerException, 500) decodes to an empty query, which
// LastQuery.Check rejects with "Missing sub queries"; a null sub-query
// element (Java: a 500 without a usable message) decodes to an empty
// sub-query. Content after the first complete value is ignored.
func DecodeLastQueryBody(body []byte) (LastQuery, error) {
	if len(body) == 0 {
		return LastQuery{}, &Error{Code: 400, Message: MsgMissingMessageContent, Details: DetailsMissingMessage}
	}
	sc := newScanner(body)
	q, err := decodeLastQuery(sc)
	if err != nil {
		return LastQuery{}, jsonBadRequest(err)
	}
	return q, nil
}

func decodeLastQuery(sc *scanner) (LastQuery, error) {
	var q LastQuery
	sc.skipWS()
	if sc.pos >= len(sc.src) {
		return q, sc.failMapping("No content to map due to end-of-input")
	}
	t, err := sc.value()
	if err != nil {
		return q, err
	}
	switch t.kind {
	case tokNull:
		return q, nil
	case tokObject:
	default:
		return q, sc.cannotDeserialize(classLastQuery, t)
	}
	for first := true; ; first = false {
		name, done, err := sc.field(first)
		if err != nil {
			return q, err
		}
		if done {
			return q, nil
		}
		t, err := sc.value()
		if err != nil {
			return q, err
		}
		switch name {
		case "resolveNames":
			q.ResolveNames, err = sc.asBool(t)
		case "backScan":
			q.BackScan, err = sc.asInt(t)
		case "queries":
			q.Queries, err = decodeSubQueries(sc, t)
		default:
			err = unrecognizedField(sc, name, classLastQuery, `"resolveNames", "backScan", "queries"`)
		}
		if err != nil {
			return q, err
		}
	}
}

func unrecognizedField(sc *scanner, name, class, known string) error {
	return &jsonError{
		msg: "com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException: Unrecognized field \"" + name +
			"\" (class " + class + "), not marked as ignorable (3 known properties: " + known + "])",
		pos: sc.pos, src: sc.src,
	}
}

// decodeList decodes a JSON array (null: nil) as Jackson maps it to a
// java.util.ArrayList, each element by elem.
func decodeList[T any](sc *scanner, t token, elem func(t token) (T, error)) ([]T, error) {
	switch t.kind {
	case tokNull:
		return nil, nil
	case tokArray:
	default:
		return nil, sc.cannotDeserialize("java.util.ArrayList", t)
	}
	list := []T{}
	for first := true; ; first = false {
		done, err := sc.elem(first)
		if err != nil {
			return nil, err
		}
		if done {
			return list, nil
		}
		t, err := sc.value()
		if err != nil {
			return nil, err
		}
		v, err := elem(t)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
}

func decodeSubQueries(sc *scanner, t token) ([]LastSubQuery, error) {
	return decodeList(sc, t, func(t token) (LastSubQuery, error) {
		switch t.kind {
		case tokNull:
			return LastSubQuery{}, nil
		case tokObject:
			return decodeSubQuery(sc)
		}
		return LastSubQuery{}, sc.cannotDeserialize(classLastSubQuery, t)
	})
}

func decodeSubQuery(sc *scanner) (LastSubQuery, error) {
	var sub LastSubQuery
	for first := true; ; first = false {
		name, done, err := sc.field(first)
		if err != nil {
			return sub, err
		}
		if done {
			return sub, nil
		}
		t, err := sc.value()
		if err != nil {
			return sub, err
		}
		switch name {
		case "metric":
			sub.Metric, _, err = sc.asString(t)
		case "tags":
			switch t.kind {
			case tokNull:
				sub.Tags = nil
			case tokObject:
				var tags []Tag
				if tags, err = sc.stringMap(nil); err == nil {
					sub.Tags = javaTagOrderInPlace(tags)
				}
			default:
				err = sc.cannotDeserialize("java.util.HashMap", t)
			}
		case "tsuids":
			sub.TSUIDs, err = decodeStringList(sc, t)
		default:
			err = unrecognizedField(sc, name, classLastSubQuery, `"metric", "tags", "tsuids"`)
		}
		if err != nil {
			return sub, err
		}
	}
}

func decodeStringList(sc *scanner, t token) ([]string, error) {
	return decodeList(sc, t, func(t token) (string, error) {
		s, _, err := sc.asString(t)
		return s, err
	})
}

// Check runs the request checks that precede any storage access, in
// OpenTSDB's order: "Missing sub queries" (400, no details) when there are
// none; then, per sub-query in order, the synchronous checks, each a 400
// whose message and details are both the text:
//
//   - TSUID sub-query, per TSUID in order: StringToUID ("UID was empty",
//     "contains illegal character for hexBinary: <t>"), the length check
//     ("TSUID must not be null and must have a metric and at least one tag
//     pair"), then BackScan < 0 ("Backscan must be zero or a positive
//     number");
//   - metric sub-query: empty metric ("Metric cannot be null or empty"), and
//     with BackScan > 0 empty tags ("Tags cannot be null or empty when
//     getting a TSUID").
//
// UID resolution errors ("No such name for ...") and the metric path's
// negative back_scan error come later and are the caller's.
func (q *LastQuery) Check() error {
	if len(q.Queries) == 0 {
		return badRequest(MsgMissingSubQueries)
	}
	for i := range q.Queries {
		sub := &q.Queries[i]
		if len(sub.TSUIDs) > 0 {
			for _, t := range sub.TSUIDs {
				if _, err := ParseTSUID(t); err != nil {
					return wrappedBadRequest(err)
				}
				if q.BackScan < 0 {
					return wrappedBadRequest(ErrNegativeBackscan)
				}
			}
			continue
		}
		if sub.Metric == "" {
			return wrappedBadRequest(ErrMetricEmptyQuery)
		}
		if q.BackScan > 0 && len(sub.Tags) == 0 {
			return wrappedBadRequest(ErrTagsEmptyForTSUID)
		}
	}
	return nil
}
