package testcluster

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxResponse caps how much of a response body the helpers read.
const maxResponse = 64 << 20

// HTTPError is a response with a status other than the one expected. It
// carries the admin error body ({"code","message"}) when there is one.
type HTTPError struct {
	// Method and Path name the request.
	Method, Path string
	// Status is the HTTP status code.
	Status int
	// Code and Message are the decoded error body (empty if it was not
	// JSON).
	Code, Message string
	// Body is the raw response body.
	Body string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, strings.TrimSpace(e.Body))
}

// StatusOf returns the HTTP status of an *HTTPError in err's chain (0: none).
func StatusOf(err error) int {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status
	}
	return 0
}

// URL returns the node's URL for path (which may carry a query string).
func (n *Node) URL(path string) string { return "http://" + n.HTTPAddr + path }

// Do sends one request to the node. The node's token goes in an
// `Authorization: Bearer` header unless hdr has an Authorization or
// X-Metahost-Token key; pass NoToken() to send no token at all (empty header
// values are not sent). It returns the status and body of any answer; err is
// only for transport failures.
func (n *Node) Do(ctx context.Context, method, path string, body []byte, hdr http.Header) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, n.URL(path), bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("build request: %w", err)
	}
	_, setsAuth := hdr["Authorization"]
	_, setsTok := hdr["X-Metahost-Token"]
	if !setsAuth && !setsTok && n.Token != "" {
		req.Header.Set("Authorization", "Bearer "+n.Token)
	}
	for k, vs := range hdr {
		for _, v := range vs {
			if v != "" {
				req.Header.Add(k, v)
			}
		}
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("node %d: %s %s: %w", n.ID, method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return resp.StatusCode, out, fmt.Errorf("node %d: %s %s: read body: %w", n.ID, method, path, err)
	}
	return resp.StatusCode, out, nil
}

// NoToken returns headers that make Do send no token.
func NoToken() http.Header { return http.Header{"Authorization": {""}} }

// call sends a request and decodes a 2xx JSON answer into out (if not nil);
// any other status is an *HTTPError.
func (n *Node) call(ctx context.Context, method, path string, body []byte, out any) error {
	status, b, err := n.Do(ctx, method, path, body, nil)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		he := &HTTPError{Method: method, Path: path, Status: status, Body: string(b)}
		var e struct{ Code, Message string }
		if json.Unmarshal(b, &e) == nil {
			he.Code, he.Message = e.Code, e.Message
		}
		return fmt.Errorf("node %d: %w", n.ID, he)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("node %d: %s %s: decode %q: %w", n.ID, method, path, b, err)
	}
	return nil
}

// GetJSON GETs path and decodes the JSON answer into out.
func (n *Node) GetJSON(ctx context.Context, path string, out any) error {
	return n.call(ctx, http.MethodGet, path, nil, out)
}

// PostJSON POSTs body (marshalled to JSON unless it is []byte) to path and
// decodes the JSON answer into out (if not nil).
func (n *Node) PostJSON(ctx context.Context, path string, body, out any) error {
	b, ok := body.([]byte)
	if !ok && body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encode body: %w", err)
		}
	}
	return n.call(ctx, http.MethodPost, path, b, out)
}

// LogID is a raft log id as /v1/cluster/status prints it.
type LogID struct {
	// LeaderID is Databend's {term,node_id} pair.
	LeaderID struct {
		Term   uint64 `json:"term"`
		NodeID uint64 `json:"node_id"`
	} `json:"leader_id"`
	// Index is the log index.
	Index uint64 `json:"index"`
}

// AdminNode is a node as the admin API prints it.
type AdminNode struct {
	// Name is the decimal node id.
	Name string `json:"name"`
	// Endpoint is the raft address.
	Endpoint struct {
		Addr string `json:"addr"`
		Port uint16 `json:"port"`
	} `json:"endpoint"`
	// HTTPAPIAddress is the node's HTTP address.
	HTTPAPIAddress string `json:"http_api_address"`
}

// ID returns the node id in Name (0 if it is not a number).
func (a AdminNode) ID() uint64 {
	id, _ := strconv.ParseUint(a.Name, 10, 64)
	return id
}

// Status is the part of GET /v1/cluster/status the tests use.
type Status struct {
	ID                uint64      `json:"id"`
	BinaryVersion     string      `json:"binary_version"`
	DataVersion       string      `json:"data_version"`
	Endpoint          *string     `json:"endpoint"`
	State             string      `json:"state"`
	IsLeader          bool        `json:"is_leader"`
	CurrentTerm       uint64      `json:"current_term"`
	LastLogIndex      uint64      `json:"last_log_index"`
	CommitIndex       uint64      `json:"commit_index"`
	LastApplied       LogID       `json:"last_applied"`
	SnapshotLastLogID *LogID      `json:"snapshot_last_log_id"`
	Leader            *AdminNode  `json:"leader"`
	Voters            []AdminNode `json:"voters"`
	NonVoters         []AdminNode `json:"non_voters"`
	LastSeq           uint64      `json:"last_seq"`
}

// LeaderID returns the id of the leader this node knows (0: none).
func (s Status) LeaderID() uint64 {
	if s.Leader == nil {
		return 0
	}
	return s.Leader.ID()
}

// VoterIDs returns the ids of the voters.
func (s Status) VoterIDs() []uint64 {
	out := make([]uint64, 0, len(s.Voters))
	for _, v := range s.Voters {
		out = append(out, v.ID())
	}
	return out
}

// Status fetches GET /v1/cluster/status.
func (n *Node) Status(ctx context.Context) (Status, error) {
	var s Status
	err := n.GetJSON(ctx, "/v1/cluster/status", &s)
	return s, err
}

// WaitApplied polls the node's status until last_applied.index reaches
// index.
func (n *Node) WaitApplied(ctx context.Context, index uint64) error {
	return Poll(ctx, 20*time.Millisecond, fmt.Sprintf("node %d to apply index %d", n.ID, index), func() (bool, error) {
		s, err := n.Status(ctx)
		if err != nil {
			return false, err
		}
		if s.LastApplied.Index >= index {
			return true, nil
		}
		return false, fmt.Errorf("node %d applied %d", n.ID, s.LastApplied.Index)
	})
}

// PutResult is the answer to a KV put.
type PutResult struct {
	// Seq is the write's sequence number; PrevSeq the replaced value's.
	Seq, PrevSeq uint64
}

// Entry is a KV entry as GET /v1/kv/{key} returns it.
type Entry struct {
	// Key is the entry's key.
	Key string `json:"key"`
	// Seq is the sequence number of the write that produced the value.
	Seq uint64 `json:"seq"`
	// Value is the stored bytes (base64 in JSON).
	Value []byte `json:"value"`
}

// kvPath returns /v1/kv/<key> with each segment of key escaped.
func kvPath(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "/v1/kv/" + strings.Join(segs, "/")
}

// Put writes key=value through this node (a follower forwards it).
func (n *Node) Put(ctx context.Context, key string, value []byte) (PutResult, error) {
	var r struct {
		Seq     uint64 `json:"seq"`
		PrevSeq uint64 `json:"prev_seq"`
	}
	err := n.call(ctx, http.MethodPut, kvPath(key), value, &r)
	return PutResult{Seq: r.Seq, PrevSeq: r.PrevSeq}, err
}

// Get reads key: linearizable, or this node's possibly stale state when
// stale. A missing key is an *HTTPError with status 404.
func (n *Node) Get(ctx context.Context, key string, stale bool) (Entry, error) {
	p := kvPath(key)
	if stale {
		p += "?stale"
	}
	var e Entry
	err := n.GetJSON(ctx, p, &e)
	return e, err
}

// List returns the entries under prefix, in key order.
func (n *Node) List(ctx context.Context, prefix string, stale bool) ([]Entry, error) {
	q := url.Values{"prefix": {prefix}}
	if stale {
		q.Set("stale", "")
	}
	var out []Entry
	err := n.GetJSON(ctx, "/v1/kv/?"+q.Encode(), &out)
	return out, err
}

// Delete removes key.
func (n *Node) Delete(ctx context.Context, key string) error {
	return n.call(ctx, http.MethodDelete, kvPath(key), nil, nil)
}

// Metrics fetches GET /v1/metrics as text.
func (n *Node) Metrics(ctx context.Context) (string, error) {
	status, b, err := n.Do(ctx, http.MethodGet, "/v1/metrics", nil, nil)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("node %d: %w", n.ID, &HTTPError{Method: http.MethodGet, Path: "/v1/metrics", Status: status, Body: string(b)})
	}
	return string(b), nil
}

// Metric returns the value of an unlabelled sample of the node's metrics.
func (n *Node) Metric(ctx context.Context, name string) (float64, error) {
	text, err := n.Metrics(ctx)
	if err != nil {
		return 0, err
	}
	v, ok := MetricValue(text, name)
	if !ok {
		return 0, fmt.Errorf("node %d: no sample %q in /v1/metrics", n.ID, name)
	}
	return v, nil
}

// MetricValue finds the sample `name value` (no labels) in Prometheus text
// exposition and returns its value.
func MetricValue(text, name string) (float64, bool) {
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), name)
		if !ok || len(rest) < 2 || (rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			continue
		}
		return v, true
	}
	return 0, false
}
