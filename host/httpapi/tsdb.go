package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/auth"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/tsdb/otsdb"
	tsdbstore "github.com/metahost/metahost/host/tsdb/store"
	"github.com/metahost/metahost/sdk/validator"
)

// OpenTSDB's highest API version (/api/v1/...).
const tsdbMaxAPIVersion = 1

// tsdbVersion is the OpenTSDB version /api/version reports: clients check
// it for the 2.x HTTP API.
const tsdbVersion = "2.4.1"

// DefaultTSDBMaxBody bounds a request body (after decompression).
const DefaultTSDBMaxBody = 64 << 20

// TSDBOptions configure the OpenTSDB surface.
type TSDBOptions struct {
	// RequireToken makes every /api/ call present the shared token.
	// OpenTSDB has no authentication, so the default is off.
	RequireToken bool
	// MaxBody bounds a request body in bytes (0: DefaultTSDBMaxBody).
	MaxBody int64
	// Validate runs the validators bound to operation "put" (nil: none).
	Validate ValidateFunc
}

// tsdbAPI serves OpenTSDB's /api/ endpoints: put, query/last, suggest,
// uid/assign and version, with OpenTSDB's routing, error envelope and
// jsonp.
type tsdbAPI struct {
	svc     *tsdbstore.Service
	token   auth.Token
	opts    TSDBOptions
	version string
	logger  hclog.Logger
	bufs    sync.Pool
}

// NewTSDBHandler returns the handler of the OpenTSDB surface for paths
// /api and /api/...; the optional extra listener on OpenTSDB's port serves
// it alone.
func NewTSDBHandler(svc *tsdbstore.Service, token auth.Token, opts TSDBOptions, version string, logger hclog.Logger) http.Handler {
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultTSDBMaxBody
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	a := &tsdbAPI{svc: svc, token: token, opts: opts, version: version, logger: logger}
	a.bufs.New = func() any { return new(bytes.Buffer) }
	return a
}

// mountTSDB serves /api and everything under it. Routes other surfaces
// register under /api with static segments (e.g. Doris's
// /api/compaction/show) take precedence in chi over this catch-all.
func mountTSDB(r chi.Router, d Deps) {
	if d.TSDB == nil {
		return
	}
	h := NewTSDBHandler(d.TSDB, d.Token, d.TSDBOpt, d.Version, d.Logger)
	r.Handle("/api", h)
	r.Handle("/api/*", h)
}

// tsdbRequest is one call being served.
type tsdbRequest struct {
	w       http.ResponseWriter
	r       *http.Request
	params  otsdb.QueryParams
	jsonp   string
	version int
	// segments of the path after /api and the version, lower-cased.
	route []string
}

func (a *tsdbAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := &tsdbRequest{w: w, r: r}
	params, err := otsdb.DecodeQueryString(r.URL.RawQuery)
	if err != nil {
		a.fail(q, err)
		return
	}
	q.params = params
	q.jsonp, _ = params.Get("jsonp")
	if a.opts.RequireToken && !a.token.Check(auth.FromRequest(r)) {
		a.fail(q, &otsdb.Error{Code: http.StatusUnauthorized, Message: "Unauthorized", Details: "missing or invalid token"})
		return
	}
	if err := q.parseRoute(); err != nil {
		a.fail(q, err)
		return
	}
	endpoint := ""
	if len(q.route) > 0 {
		endpoint = q.route[0]
	}
	switch endpoint {
	case "put":
		a.put(q)
	case "query":
		a.query(q)
	case "suggest":
		a.suggest(q)
	case "uid":
		a.uid(q)
	case "version":
		a.versionInfo(q)
	default:
		q.send(http.StatusNotFound, otsdb.NotFoundBody())
	}
}

// parseRoute is HttpQuery.getQueryBaseRoute + explodeAPIPath: path
// segments (empty ones dropped) after "api"; an optional "v<N>" segment
// selects the API version (N > 1: 501; not an integer: 400).
func (q *tsdbRequest) parseRoute() error {
	var segs []string
	for _, s := range strings.Split(q.r.URL.Path, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	q.version = tsdbMaxAPIVersion
	if len(segs) == 0 || strings.ToLower(segs[0]) != "api" {
		return nil // unreachable through the router: answered as 404
	}
	segs = segs[1:]
	if len(segs) > 0 {
		s := segs[0]
		if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') && startsWithJavaDigit(s[1:]) {
			n, ok := otsdb.JavaParseLong(s[1:], 32)
			if !ok {
				return &otsdb.Error{Code: http.StatusBadRequest, Message: "Invalid API version format supplied",
					Details: "API version [" + s[1:] + "] cannot be parsed to an integer"}
			}
			if n > tsdbMaxAPIVersion {
				return &otsdb.Error{Code: http.StatusNotImplemented, Message: "Requested API version is greater than the max implemented",
					Details: "API version [" + strconv.FormatInt(n, 10) + "] is greater than the max [" + strconv.Itoa(tsdbMaxAPIVersion) + "]"}
			}
			q.version = int(n)
			segs = segs[1:]
		}
	}
	q.route = make([]string, len(segs))
	for i, s := range segs {
		q.route[i] = strings.ToLower(s)
	}
	return nil
}

// startsWithJavaDigit is Character.isDigit(s.charAt(0)).
func startsWithJavaDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r != utf8.RuneError && r <= 0xFFFF && unicode.IsDigit(r)
}

// send writes a JSON body (nil: no body) with OpenTSDB's content type,
// wrapped for jsonp when asked.
func (q *tsdbRequest) send(status int, body []byte) {
	h := q.w.Header()
	h.Set("Content-Type", otsdb.ContentType)
	if body != nil && q.jsonp != "" {
		body = otsdb.WrapJSONP(q.jsonp, body)
	}
	if body != nil {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	q.w.WriteHeader(status)
	if body != nil {
		_, _ = q.w.Write(body)
	}
}

// fail answers err in OpenTSDB's error envelope: request errors with their
// own status; a store that cannot commit or read (no leader, shutting down)
// with 503; anything else with 500 and its text.
func (a *tsdbAPI) fail(q *tsdbRequest, err error) {
	var oe *otsdb.Error
	if errors.As(err, &oe) {
		q.send(oe.Code, oe.Body())
		return
	}
	var re *raftstore.Error
	if errors.As(err, &re) && re.Code == "UNAVAILABLE" {
		q.send(http.StatusServiceUnavailable, otsdb.FormatError(http.StatusServiceUnavailable, re.Message, ""))
		return
	}
	a.logger.Error("opentsdb request failed", "path", q.r.URL.Path, "error", err)
	q.send(http.StatusInternalServerError, otsdb.FormatError(http.StatusInternalServerError, err.Error(), ""))
}

func methodNotAllowed(method string) *otsdb.Error {
	return &otsdb.Error{Code: http.StatusMethodNotAllowed, Message: "Method not allowed",
		Details: "The HTTP method [" + method + "] is not permitted for this endpoint"}
}

var errTSDBBodyTooLarge = &otsdb.Error{Code: http.StatusRequestEntityTooLarge, Message: "Request entity too large"}

// readBody reads the request body into a pooled buffer, inflating gzip
// (Content-Encoding: gzip, which OpenTSDB accepts and clients such as
// Telegraf send). Release the buffer with a.bufs.Put.
func (a *tsdbAPI) readBody(q *tsdbRequest) (*bytes.Buffer, error) {
	buf := a.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	var rd io.Reader = q.r.Body
	if strings.EqualFold(strings.TrimSpace(q.r.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(q.r.Body)
		if err != nil {
			a.bufs.Put(buf)
			return nil, &otsdb.Error{Code: http.StatusBadRequest, Message: "Unable to decompress the request content", Details: err.Error()}
		}
		defer zr.Close()
		rd = zr
	}
	if q.r.ContentLength > 0 && q.r.ContentLength <= a.opts.MaxBody {
		buf.Grow(int(q.r.ContentLength) + 1)
	}
	n, err := buf.ReadFrom(io.LimitReader(rd, a.opts.MaxBody+1))
	if err != nil {
		a.bufs.Put(buf)
		return nil, &otsdb.Error{Code: http.StatusBadRequest, Message: "Unable to read the request content", Details: err.Error()}
	}
	if n > a.opts.MaxBody {
		a.bufs.Put(buf)
		return nil, errTSDBBodyTooLarge
	}
	return buf, nil
}

func (a *tsdbAPI) releaseBody(buf *bytes.Buffer) {
	if buf.Cap() <= 4<<20 {
		a.bufs.Put(buf)
	}
}

func tsdbReadOptions(q *tsdbRequest) raftstore.ReadOptions {
	return raftstore.ReadOptions{Stale: q.params.Has("stale")}
}

// put is /api/put (PutDataPointRpc): POST only; summary, details and sync
// are presence flags; sync_timeout must be an integer when given.
func (a *tsdbAPI) put(q *tsdbRequest) {
	if q.r.Method != http.MethodPost {
		a.fail(q, methodNotAllowed(q.r.Method))
		return
	}
	buf, err := a.readBody(q)
	if err != nil {
		a.fail(q, err)
		return
	}
	defer a.releaseBody(buf)
	points, err := otsdb.DecodePutBody(buf.Bytes())
	if err != nil {
		a.fail(q, err)
		return
	}
	// Flags are read after the body is parsed, as processDataPoint does.
	opts := otsdb.PutReportOptions{Summary: q.params.Has("summary"), Details: q.params.Has("details")}
	if raw, ok := q.params.Get("sync_timeout"); ok {
		n, ok := otsdb.JavaParseLong(raw, 32)
		if !ok {
			a.fail(q, &otsdb.Error{Code: http.StatusInternalServerError, Message: "For input string: \"" + raw + "\""})
			return
		}
		opts.SyncTimeout = q.params.Has("sync") && n > 0
	}
	if v := a.opts.Validate.check(q.r.Context(), &validator.Request{Surface: "otsdb", Operation: "put", Body: buf.Bytes()}); !v.Allow {
		a.fail(q, &otsdb.Error{Code: http.StatusBadRequest, Message: v.Message})
		return
	}
	// Every put waits for its raft commit, so "sync" changes nothing.
	rep, err := a.svc.Put(q.r.Context(), points)
	if err != nil {
		a.fail(q, err)
		return
	}
	status, body := otsdb.PutResponse(opts, rep.Success, len(rep.Failures), rep.Failures)
	q.send(status, body)
}

// query is /api/query/...: only /api/query/last is served.
func (a *tsdbAPI) query(q *tsdbRequest) {
	switch q.r.Method {
	case http.MethodGet, http.MethodPost:
	case http.MethodDelete:
		a.fail(q, &otsdb.Error{Code: http.StatusBadRequest, Message: "Bad request",
			Details: "Deleting data is not enabled (tsd.http.query.allow_delete=false)"})
		return
	default:
		a.fail(q, methodNotAllowed(q.r.Method))
		return
	}
	if len(q.route) < 2 || q.route[1] != "last" {
		a.fail(q, &otsdb.Error{Code: http.StatusNotImplemented, Message: "Not implemented",
			Details: "metahost serves only /api/query/last under /api/query"})
		return
	}
	var lq otsdb.LastQuery
	if q.r.Method == http.MethodPost {
		buf, err := a.readBody(q)
		if err != nil {
			a.fail(q, err)
			return
		}
		lq, err = otsdb.DecodeLastQueryBody(buf.Bytes())
		a.releaseBody(buf)
		if err != nil {
			a.fail(q, err)
			return
		}
	} else {
		var err error
		if lq, err = otsdb.ParseLastQueryParams(q.params); err != nil {
			a.fail(q, err)
			return
		}
	}
	results, err := a.svc.Last(q.r.Context(), &lq, tsdbReadOptions(q))
	if err != nil {
		a.fail(q, err)
		return
	}
	q.send(http.StatusOK, otsdb.FormatLastResults(results))
}

// suggestKinds maps /api/suggest's type to a UID kind.
var suggestKinds = map[string]tsdbstore.Kind{"metrics": tsdbstore.KindMetric, "tagk": tsdbstore.KindTagk, "tagv": tsdbstore.KindTagv}

// suggest is /api/suggest (SuggestRpc): type (metrics, tagk, tagv), q (a
// name prefix) and max (default 25), from the query string or, for a POST,
// a JSON object.
func (a *tsdbAPI) suggest(q *tsdbRequest) {
	if q.r.Method != http.MethodGet && q.r.Method != http.MethodPost {
		a.fail(q, methodNotAllowed(q.r.Method))
		return
	}
	var typ, prefix, max string
	if q.version > 0 && q.r.Method == http.MethodPost {
		m, err := a.jsonStringMap(q)
		if err != nil {
			a.fail(q, err)
			return
		}
		typ, prefix, max = m["type"], m["q"], m["max"]
		if typ == "" {
			a.fail(q, &otsdb.Error{Code: http.StatusBadRequest, Message: "Missing 'type' parameter"})
			return
		}
	} else {
		var ok bool
		if typ, ok = q.params.Get("type"); !ok {
			a.fail(q, &otsdb.Error{Code: http.StatusBadRequest, Message: "Missing parameter <code>type</code>"})
			return
		}
		prefix, _ = q.params.Get("q")
		max, _ = q.params.Get("max")
	}
	n := 0
	if max != "" {
		v, ok := otsdb.JavaParseLong(max, 32)
		if !ok {
			a.fail(q, &otsdb.Error{Code: http.StatusBadRequest, Message: "Unable to parse 'max' as a number"})
			return
		}
		n = int(v)
	}
	kind, ok := suggestKinds[typ]
	if !ok {
		a.fail(q, &otsdb.Error{Code: http.StatusBadRequest, Message: "Invalid 'type' parameter:" + typ})
		return
	}
	names, err := a.svc.Suggest(q.r.Context(), kind, prefix, n, tsdbReadOptions(q))
	if err != nil {
		a.fail(q, err)
		return
	}
	body := []byte{'['}
	for i, s := range names {
		if i > 0 {
			body = append(body, ',')
		}
		body = otsdb.AppendJSONString(body, s)
	}
	q.send(http.StatusOK, append(body, ']'))
}

// jsonStringMap reads a POSTed JSON object whose values are strings (numbers
// and booleans are taken as their text, as Jackson coerces them).
func (a *tsdbAPI) jsonStringMap(q *tsdbRequest) (map[string]string, error) {
	buf, err := a.readBody(q)
	if err != nil {
		return nil, err
	}
	defer a.releaseBody(buf)
	if buf.Len() == 0 {
		return nil, &otsdb.Error{Code: http.StatusBadRequest, Message: otsdb.MsgMissingMessageContent, Details: otsdb.DetailsMissingMessage}
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		return nil, &otsdb.Error{Code: http.StatusBadRequest, Message: otsdb.MsgUnableToParseJSON, Details: err.Error()}
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			out[k] = s
			continue
		}
		t := strings.TrimSpace(string(v))
		if t == "null" {
			continue
		}
		if t != "" && (t[0] == '{' || t[0] == '[') {
			return nil, &otsdb.Error{Code: http.StatusBadRequest, Message: otsdb.MsgUnableToParseJSON,
				Details: "Can not deserialize instance of java.lang.String for field \"" + k + "\""}
		}
		out[k] = t
	}
	return out, nil
}

// uidKinds maps /api/uid/assign's types to UID kinds.
var uidKinds = map[string]tsdbstore.Kind{"metric": tsdbstore.KindMetric, "tagk": tsdbstore.KindTagk, "tagv": tsdbstore.KindTagv}

// uid is /api/uid/...: only assign is served.
func (a *tsdbAPI) uid(q *tsdbRequest) {
	if len(q.route) < 2 || q.route[1] != "assign" {
		a.fail(q, &otsdb.Error{Code: http.StatusNotImplemented, Message: "Not implemented",
			Details: "metahost serves only /api/uid/assign under /api/uid"})
		return
	}
	if q.r.Method != http.MethodGet && q.r.Method != http.MethodPost {
		a.fail(q, methodNotAllowed(q.r.Method))
		return
	}
	// source: type -> names, in request order of types.
	type list struct {
		typ   string
		names []string
	}
	var source []list
	if q.r.Method == http.MethodPost {
		buf, err := a.readBody(q)
		if err != nil {
			a.fail(q, err)
			return
		}
		body := slices.Clone(buf.Bytes())
		a.releaseBody(buf)
		if len(body) == 0 {
			a.fail(q, &otsdb.Error{Code: http.StatusBadRequest, Message: otsdb.MsgMissingMessageContent, Details: otsdb.DetailsMissingMessage})
			return
		}
		var m map[string][]string
		if err := json.Unmarshal(body, &m); err != nil {
			a.fail(q, &otsdb.Error{Code: http.StatusBadRequest, Message: otsdb.MsgUnableToParseJSON, Details: err.Error()})
			return
		}
		for typ, names := range m {
			source = append(source, list{typ, names})
		}
		slices.SortFunc(source, func(x, y list) int { return strings.Compare(x.typ, y.typ) })
	} else {
		for _, typ := range []string{"metric", "tagk", "tagv"} {
			if v, ok := q.params.Get(typ); ok {
				source = append(source, list{typ, otsdb.JavaSplit(v, ',')})
			}
		}
	}
	if len(source) == 0 {
		a.fail(q, &otsdb.Error{Code: http.StatusBadRequest, Message: "Missing values to assign UIDs"})
		return
	}
	// Validate first (TSDB.assignUid: Tags.validateString, then the type),
	// then assign every valid name in one command.
	type slot struct {
		typ, name string
		req       int // index into reqs, or -1
		err       string
	}
	var slots []slot
	var reqs []tsdbstore.AssignRequest
	names := a.svc.PointConfig().Names
	for _, l := range source {
		for _, name := range l.names {
			s := slot{typ: l.typ, name: name, req: -1}
			if err := names.Validate(l.typ, name); err != nil {
				s.err = err.Error()
			} else if kind, ok := uidKinds[strings.ToLower(l.typ)]; !ok {
				s.err = "Unknown type name"
			} else {
				s.req = len(reqs)
				reqs = append(reqs, tsdbstore.AssignRequest{Kind: kind, Name: name})
			}
			slots = append(slots, s)
		}
	}
	results, err := a.svc.Assign(q.r.Context(), reqs)
	if err != nil {
		a.fail(q, err)
		return
	}
	// Response: {type: {name: uid}, type_errors: {name: error}}, the maps
	// sorted by name (Java TreeMap), the keys in Java HashMap order.
	type entries = map[string]string
	groups := map[string]entries{}
	var keys []otsdb.Tag
	errorCount := 0
	group := func(k string) entries {
		g, ok := groups[k]
		if !ok {
			g = entries{}
			groups[k] = g
			keys = append(keys, otsdb.Tag{Key: k})
		}
		return g
	}
	for _, l := range source {
		group(l.typ)
	}
	for _, s := range slots {
		text := s.err
		var uid string
		if s.req >= 0 {
			if r := results[s.req]; r.Error != "" {
				text = r.Error
			} else {
				uid = r.UID.String()
			}
		}
		if text != "" {
			errorCount++
			group(s.typ + "_errors")[s.name] = text
			continue
		}
		group(s.typ)[s.name] = uid
	}
	body := []byte{'{'}
	for i, k := range otsdb.JavaTagOrder(keys) {
		if i > 0 {
			body = append(body, ',')
		}
		body = otsdb.AppendJSONString(body, k.Key)
		body = append(body, ':', '{')
		g := groups[k.Key]
		names := make([]string, 0, len(g))
		for n := range g {
			names = append(names, n)
		}
		slices.Sort(names)
		for j, n := range names {
			if j > 0 {
				body = append(body, ',')
			}
			body = otsdb.AppendJSONString(body, n)
			body = append(body, ':')
			body = otsdb.AppendJSONString(body, g[n])
		}
		body = append(body, '}')
	}
	body = append(body, '}')
	status := http.StatusOK
	if errorCount > 0 {
		status = http.StatusBadRequest
	}
	q.send(status, body)
}

// versionInfo is /api/version: OpenTSDB's build-data map, in Java HashMap
// order.
func (a *tsdbAPI) versionInfo(q *tsdbRequest) {
	if q.r.Method != http.MethodGet && q.r.Method != http.MethodPost {
		a.fail(q, methodNotAllowed(q.r.Method))
		return
	}
	info := []otsdb.Tag{
		{Key: "version", Value: tsdbVersion},
		{Key: "short_revision", Value: a.version},
		{Key: "full_revision", Value: a.version},
		{Key: "timestamp", Value: ""},
		{Key: "repo_status", Value: "MINT"},
		{Key: "user", Value: ""},
		{Key: "host", Value: ""},
		{Key: "repo", Value: "metahost"},
		{Key: "branch", Value: ""},
	}
	body := []byte{'{'}
	for i, t := range otsdb.JavaTagOrder(info) {
		if i > 0 {
			body = append(body, ',')
		}
		body = otsdb.AppendJSONString(body, t.Key)
		body = append(body, ':')
		body = otsdb.AppendJSONString(body, t.Value)
	}
	q.send(http.StatusOK, append(body, '}'))
}

// ServeTSDB serves h (the OpenTSDB surface) on an extra listener at addr,
// e.g. OpenTSDB's 127.0.0.1:4242, for drop-in use. It returns the bound
// address and a function that stops the listener gracefully.
func ServeTSDB(addr string, h http.Handler, logger hclog.Logger) (string, func(context.Context) error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          logger.StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("opentsdb listener stopped", "error", err)
		}
	}()
	return ln.Addr().String(), srv.Shutdown, nil
}
