package main

import (
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

// Exit codes scripts can rely on (documented in docs/cli.md).
const (
	exitOK          = 0
	exitServerError = 1
	exitUsage       = 2
	exitUnreachable = 3
)

// apiError is an error the server answered with: its HTTP status, its own
// code and its message.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("server error (HTTP %d): %s: %s", e.Status, e.Code, e.Message)
}

// unreachableError means no HTTP answer came back at all.
type unreachableError struct {
	Addr string
	Err  error
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("server %s unreachable: %v", e.Addr, e.Err)
}

func (e *unreachableError) Unwrap() error { return e.Err }

// usageError is a bad command line or bad local input.
type usageError struct{ Err error }

func (e *usageError) Error() string { return e.Err.Error() }

func (e *usageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &usageError{Err: fmt.Errorf(format, args...)}
}

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var ae *apiError
	var ue *unreachableError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ae):
		return exitServerError
	case errors.As(err, &ue):
		return exitUnreachable
	default:
		return exitUsage
	}
}

// client talks to one metahost node.
type client struct {
	addr  string
	base  string
	token string
	http  *http.Client
	// secrets are hidden, like the token, wherever a server message
	// echoes them (e.g. add_obj_info's errors quote the request).
	secrets []string
}

func newClient(addr, token string, timeout time.Duration) *client {
	base := addr
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	return &client{addr: addr, base: strings.TrimRight(base, "/"), token: token, http: &http.Client{Timeout: timeout}}
}

// redact hides the token wherever a server message echoes it.
func (c *client) redact(s string) string {
	for _, sec := range append([]string{c.token}, c.secrets...) {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "***")
			s = strings.ReplaceAll(s, url.QueryEscape(sec), "***")
		}
	}
	return s
}

// request is one HTTP call.
type request struct {
	method string
	path   string
	query  url.Values
	body   []byte
	ctype  string
	auth   bool // send the token as a bearer header
	qtoken bool // send the token as ?token=
}

// response is a buffered HTTP answer.
type response struct {
	status int
	body   []byte
}

func (c *client) do(ctx context.Context, r request) (response, error) {
	q := url.Values{}
	for k, v := range r.query {
		q[k] = v
	}
	if r.qtoken {
		q.Set("token", c.token)
	}
	u := c.base + r.path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return response{}, usagef("bad request: %w", err)
	}
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	if r.auth && c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return response{}, &unreachableError{Addr: c.addr, Err: errors.New(c.redact(err.Error()))}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, &unreachableError{Addr: c.addr, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	return response{status: resp.StatusCode, body: b}, nil
}

// authed sends r with the bearer token and returns the body of a 2xx
// answer; any other answer becomes the error apiErr makes of it.
func (c *client) authed(ctx context.Context, r request, apiErr func(response) error) ([]byte, error) {
	r.auth = true
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if resp.status >= 200 && resp.status < 300 {
		return resp.body, nil
	}
	return nil, apiErr(resp)
}

// admin calls the admin or plugin API: errors are {"code","message"}.
func (c *client) admin(ctx context.Context, r request) ([]byte, error) {
	return c.authed(ctx, r, c.adminError)
}

// adminError turns an admin API error answer into an apiError.
func (c *client) adminError(resp response) error {
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(resp.body, &e) != nil || e.Code == "" {
		e.Code, e.Message = http.StatusText(resp.status), strings.TrimSpace(string(resp.body))
	}
	return &apiError{Status: resp.status, Code: e.Code, Message: c.redact(e.Message)}
}

// envelope is the Doris meta-service answer.
type envelope struct {
	Code   string          `json:"code"`
	Msg    string          `json:"msg"`
	Result json.RawMessage `json:"result"`
}

// meta calls /MetaService/http/<route>. Text answers (decode_key,
// encode_key) come back in raw with a zero envelope.
func (c *client) meta(ctx context.Context, route string, query url.Values, body any) (raw []byte, env envelope, err error) {
	r := request{method: http.MethodGet, path: "/MetaService/http/" + route, query: query, qtoken: true}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, env, usagef("encoding the request: %w", err)
		}
		r.method, r.body, r.ctype = http.MethodPost, b, "application/json"
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, env, err
	}
	if json.Unmarshal(resp.body, &env) != nil || env.Code == "" {
		if resp.status >= 200 && resp.status < 300 {
			return resp.body, envelope{}, nil
		}
		code := http.StatusText(resp.status)
		if resp.status == http.StatusForbidden {
			code = "FORBIDDEN"
		}
		return nil, env, &apiError{Status: resp.status, Code: code, Message: c.redact(strings.TrimSpace(string(resp.body)))}
	}
	if env.Code != "OK" {
		return nil, env, &apiError{Status: resp.status, Code: env.Code, Message: c.redact(env.Msg)}
	}
	return resp.body, env, nil
}

// tsdb calls the OpenTSDB API: errors are {"error":{"code","message"}}.
func (c *client) tsdb(ctx context.Context, r request) ([]byte, error) {
	return c.authed(ctx, r, c.tsdbError)
}

// tsdbError turns an OpenTSDB error answer into an apiError.
func (c *client) tsdbError(resp response) error {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Details string `json:"details"`
		} `json:"error"`
	}
	msg := strings.TrimSpace(string(resp.body))
	if json.Unmarshal(resp.body, &e) == nil && e.Error.Message != "" {
		msg = e.Error.Message
		if e.Error.Details != "" {
			msg += ": " + e.Error.Details
		}
	}
	return &apiError{Status: resp.status, Code: strconv.Itoa(resp.status), Message: c.redact(msg)}
}

// be calls the Doris BE compaction API: always HTTP 200, errors are
// {"status": code, "msg": message} with a status other than "Success".
func (c *client) be(ctx context.Context, r request) ([]byte, error) {
	r.auth = true
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if resp.status != http.StatusOK {
		return nil, &apiError{Status: resp.status, Code: http.StatusText(resp.status), Message: strings.TrimSpace(string(resp.body))}
	}
	var st map[string]json.RawMessage
	if json.Unmarshal(resp.body, &st) == nil && len(st) == 2 && st["status"] != nil && st["msg"] != nil {
		var code, msg string
		_ = json.Unmarshal(st["status"], &code)
		_ = json.Unmarshal(st["msg"], &msg)
		if code != "Success" && code != "OK" {
			return nil, &apiError{Status: resp.status, Code: code, Message: msg}
		}
	}
	return resp.body, nil
}
