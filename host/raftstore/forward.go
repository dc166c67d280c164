package raftstore

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
	"time"

	"github.com/hashicorp/raft"
	"github.com/metahost/metahost/host/auth"
)

// Paths of the node-to-node endpoints served by InternalHandler.
const (
	pathPropose   = "/internal/v1/propose"
	pathReadIndex = "/internal/v1/read-index"
	pathJoin      = "/internal/v1/join"
	pathRemove    = "/internal/v1/remove"

	headerCommand = "X-Metahost-Command"
	// maxForwardBody caps a forwarded command (a batch of points, an uploaded
	// wasm module) at 64 MiB.
	maxForwardBody = 64 << 20
)

// statusNotLeader tells the caller to look for the leader again.
const statusNotLeader = http.StatusMisdirectedRequest

// InternalHandler serves the endpoints followers use to reach the leader:
// propose, read-index, join and remove. Mount it at the root of the HTTP
// listener; every request must carry the cluster token.
func (s *Store) InternalHandler(token auth.Token) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+pathPropose, func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxForwardBody))
		if err != nil {
			writeInternalError(w, http.StatusRequestEntityTooLarge, Errorf(CodeInvalid, "command too large: %v", err))
			return
		}
		if !s.IsLeader() {
			writeInternalError(w, statusNotLeader, Errorf(CodeNotLeader, "not the leader"))
			return
		}
		out, err := s.proposeLocal(r.Context(), r.Header.Get(headerCommand), body)
		if err != nil {
			if errors.Is(err, raft.ErrNotLeader) {
				writeInternalError(w, statusNotLeader, Errorf(CodeNotLeader, "not the leader"))
				return
			}
			writeInternalError(w, http.StatusConflict, asError(err))
			return
		}
		w.WriteHeader(http.StatusOK)
		w.Write(out)
	})
	mux.HandleFunc("GET "+pathReadIndex, func(w http.ResponseWriter, r *http.Request) {
		if !s.IsLeader() {
			writeInternalError(w, statusNotLeader, Errorf(CodeNotLeader, "not the leader"))
			return
		}
		idx, err := s.ReadIndex(r.Context())
		if err != nil {
			writeInternalError(w, http.StatusServiceUnavailable, asError(err))
			return
		}
		fmt.Fprintf(w, `{"index":%d}`, idx)
	})
	mux.HandleFunc("POST "+pathJoin, func(w http.ResponseWriter, r *http.Request) {
		var n Node
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&n); err != nil {
			writeInternalError(w, http.StatusBadRequest, Errorf(CodeInvalid, "bad join request: %v", err))
			return
		}
		if !s.IsLeader() {
			writeInternalError(w, statusNotLeader, Errorf(CodeNotLeader, "not the leader"))
			return
		}
		s.answer(w, s.Join(r.Context(), n))
	})
	mux.HandleFunc("POST "+pathRemove, func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseUint(r.URL.Query().Get("node_id"), 10, 64)
		if err != nil {
			writeInternalError(w, http.StatusBadRequest, Errorf(CodeInvalid, "bad node_id"))
			return
		}
		if !s.IsLeader() {
			writeInternalError(w, statusNotLeader, Errorf(CodeNotLeader, "not the leader"))
			return
		}
		s.answer(w, s.RemoveNode(r.Context(), id))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !token.Check(r.Header.Get(auth.HeaderToken)) {
			writeInternalError(w, http.StatusUnauthorized, Errorf("UNAUTHORIZED", "bad cluster token"))
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (s *Store) answer(w http.ResponseWriter, err error) {
	if err == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	e := asError(err)
	status := http.StatusConflict
	switch e.Code {
	case CodeNotLeader:
		status = statusNotLeader
	case CodeNotFound:
		status = http.StatusNotFound
	case CodeInvalid:
		status = http.StatusBadRequest
	}
	writeInternalError(w, status, e)
}

func writeInternalError(w http.ResponseWriter, status int, e *Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(e)
}

// forward sends one internal call to the leader. It returns errRetry when the
// leader cannot be reached or is no longer the leader.
func (s *Store) forward(ctx context.Context, leader Node, method, path string, query map[string]string, body []byte) ([]byte, error) {
	u := url.URL{Scheme: "http", Host: leader.HTTPAddr, Path: path}
	if len(query) > 0 {
		q := url.Values{}
		for k, v := range query {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build forward request: %w", err)
	}
	req.Header.Set(auth.HeaderToken, s.cfg.Token)
	return s.do(ctx, req)
}

func (s *Store) do(ctx context.Context, req *http.Request) ([]byte, error) {
	resp, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &Error{Code: "UNAVAILABLE", Message: "forwarding to the leader: " + ctx.Err().Error()}
		}
		s.logger.Debug("forward to leader failed", "error", err)
		return nil, errRetry
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, maxForwardBody))
	if err != nil {
		return nil, errRetry
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		return out, nil
	case resp.StatusCode == statusNotLeader:
		return nil, errRetry
	default:
		var e Error
		if json.Unmarshal(out, &e) != nil || e.Code == "" {
			return nil, &Error{Code: CodeInternal, Message: fmt.Sprintf("leader answered %s", resp.Status)}
		}
		return nil, &e
	}
}

func (s *Store) forwardPropose(ctx context.Context, leader Node, typ string, data []byte) ([]byte, error) {
	u := url.URL{Scheme: "http", Host: leader.HTTPAddr, Path: pathPropose}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("build forward request: %w", err)
	}
	req.Header.Set(auth.HeaderToken, s.cfg.Token)
	req.Header.Set(headerCommand, typ)
	return s.do(ctx, req)
}

func (s *Store) forwardReadIndex(ctx context.Context, leader Node) (uint64, error) {
	out, err := s.forward(ctx, leader, http.MethodGet, pathReadIndex, nil, nil)
	if err != nil {
		return 0, err
	}
	var r struct {
		Index uint64 `json:"index"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return 0, fmt.Errorf("decode read index: %w", err)
	}
	return r.Index, nil
}

// JoinVia asks a member of an existing cluster (its HTTP address) to add this
// node as a voter. It retries while the member is unreachable or has no
// leader, and fails at once on a rejection.
func (s *Store) JoinVia(ctx context.Context, memberHTTP string) error {
	n := Node{ID: s.cfg.NodeID, RaftAddr: s.cfg.RaftAddr, HTTPAddr: s.cfg.HTTPAddr}
	body, _ := json.Marshal(n)
	delay := 200 * time.Millisecond
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+memberHTTP+"/v1/cluster/join", bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("join address %q: %w", memberHTTP, err)
		}
		req.Header.Set(auth.HeaderToken, s.cfg.Token)
		req.Header.Set("Content-Type", "application/json")
		_, err = s.do(ctx, req)
		if err == nil {
			s.logger.Info("joined the cluster", "via", memberHTTP)
			return nil
		}
		if err != errRetry {
			e := asError(err)
			if e.Code != "UNAVAILABLE" && e.Code != CodeNotLeader {
				return fmt.Errorf("join via %s refused: %w", memberHTTP, err)
			}
		}
		s.logger.Info("waiting to join the cluster", "via", memberHTTP, "retry_in", delay)
		select {
		case <-ctx.Done():
			return fmt.Errorf("join via %s: %w", memberHTTP, ctx.Err())
		case <-s.stop:
			return ErrClosed
		case <-time.After(delay):
		}
		if delay < 2*time.Second {
			delay *= 2
		}
	}
}
