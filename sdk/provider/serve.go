package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/metahost/metahost/sdk/process"
)

// Serve serves p as a go-plugin process until the host goes away. It never
// returns.
func Serve(p Provider) { process.Serve(NewHandler(p, HandlerOptions{})) }

// HandlerOptions tunes a Handler's chunked uploads.
type HandlerOptions struct {
	// SpoolDir holds chunked uploads until they are committed (default:
	// the system temporary directory).
	SpoolDir string
	// MaxUploads bounds concurrent chunked uploads (default 64).
	MaxUploads int
	// UploadIdle is how long an upload may go without a part before it is
	// dropped (default 10 minutes).
	UploadIdle time.Duration
	// Now is the clock used for idle uploads (default time.Now).
	Now func() time.Time
}

// Handler adapts a Provider to sdk/process's Handler: it decodes frames,
// validates the config and keys, runs the method and encodes the answer.
// Chunked uploads are spooled to a temporary file and handed to Put in one
// piece at commit, so a crash or an abort never leaves a partial object.
type Handler struct {
	p    Provider
	opts HandlerOptions

	mu      sync.Mutex
	uploads map[string]*upload
}

type upload struct {
	cfg      *Config
	key      string
	file     *os.File
	written  int64
	lastUsed time.Time
	busy     bool
}

// NewHandler returns the Handler serving p.
func NewHandler(p Provider, opts HandlerOptions) *Handler {
	if opts.MaxUploads <= 0 {
		opts.MaxUploads = 64
	}
	if opts.UploadIdle <= 0 {
		opts.UploadIdle = 10 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Handler{p: p, opts: opts, uploads: map[string]*upload{}}
}

// Describe implements process.Handler.
func (h *Handler) Describe(context.Context) process.Description {
	info := h.p.Info()
	return process.Description{Name: info.Name, Kind: Kind, Version: info.Version, Capabilities: info.Capabilities}
}

// Call implements process.Handler.
func (h *Handler) Call(ctx context.Context, method string, payload []byte) ([]byte, error) {
	var req Request
	body, err := DecodeFrame(payload, &req)
	if err != nil {
		return nil, Errorf(CodeInvalidArgument, "%s: %v", method, err)
	}
	resp, out, err := h.dispatch(ctx, method, &req, body)
	if err != nil {
		return nil, err
	}
	return EncodeFrame(resp, out)
}

// needConfig validates the request's config with the provider's rules.
func (h *Handler) needConfig(ctx context.Context, req *Request) error {
	if err := req.Config.CheckShape(); err != nil {
		return err
	}
	return h.p.Validate(ctx, req.Config)
}

func (h *Handler) dispatch(ctx context.Context, method string, req *Request, body []byte) (*Response, []byte, error) {
	switch method {
	case MethodPutPart, MethodPutCommit, MethodPutAbort:
		// The config was validated at put_begin.
	default:
		if err := h.needConfig(ctx, req); err != nil {
			return nil, nil, err
		}
	}
	switch method {
	case MethodValidate:
		return &Response{}, nil, nil
	case MethodProbe:
		return &Response{}, nil, h.p.Probe(ctx, req.Config, req.Write)
	case MethodPut:
		if err := CheckKey(req.Key); err != nil {
			return nil, nil, err
		}
		if len(body) > MaxChunk {
			return nil, nil, Errorf(CodeInvalidArgument, "put: body of %d bytes exceeds %d; upload it in chunks", len(body), MaxChunk)
		}
		obj, err := h.p.Put(ctx, req.Config, req.Key, bytes.NewReader(body), int64(len(body)))
		if err != nil {
			return nil, nil, err
		}
		return &Response{Object: &obj}, nil, nil
	case MethodPutBegin:
		id, err := h.begin(req)
		return &Response{Upload: id}, nil, err
	case MethodPutPart:
		return &Response{}, nil, h.part(req, body)
	case MethodPutCommit:
		obj, err := h.commit(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		return &Response{Object: &obj}, nil, nil
	case MethodPutAbort:
		h.abort(req.Upload)
		return &Response{}, nil, nil
	case MethodGet:
		if err := CheckKey(req.Key); err != nil {
			return nil, nil, err
		}
		if req.Offset < 0 {
			return nil, nil, Errorf(CodeInvalidArgument, "get: negative offset %d", req.Offset)
		}
		length := req.Length
		if length <= 0 || length > MaxChunk {
			length = MaxChunk
		}
		data, obj, err := h.p.Get(ctx, req.Config, req.Key, req.Offset, length)
		if err != nil {
			return nil, nil, err
		}
		return &Response{Object: &obj}, data, nil
	case MethodStat:
		if err := CheckKey(req.Key); err != nil {
			return nil, nil, err
		}
		obj, err := h.p.Stat(ctx, req.Config, req.Key)
		if err != nil {
			return nil, nil, err
		}
		return &Response{Object: &obj}, nil, nil
	case MethodList:
		if err := CheckPrefix(req.Prefix); err != nil {
			return nil, nil, err
		}
		limit := req.Limit
		if limit <= 0 || limit > MaxDeleteBatch {
			limit = MaxDeleteBatch
		}
		page, err := h.p.List(ctx, req.Config, req.Prefix, req.After, limit)
		if err != nil {
			return nil, nil, err
		}
		return &Response{Page: &page}, nil, nil
	case MethodDelete:
		if len(req.Keys) > MaxDeleteBatch {
			return nil, nil, Errorf(CodeInvalidArgument, "delete: %d keys exceed the batch limit %d", len(req.Keys), MaxDeleteBatch)
		}
		for _, k := range req.Keys {
			if err := CheckKey(k); err != nil {
				return nil, nil, err
			}
		}
		return &Response{}, nil, h.p.Delete(ctx, req.Config, req.Keys)
	case MethodDeletePrefix:
		if err := CheckPrefix(req.Prefix); err != nil {
			return nil, nil, err
		}
		if req.Config.VaultPrefix() == "" && req.Prefix == "" {
			return nil, nil, Errorf(CodeInvalidArgument, "delete_prefix: refusing to delete a whole bucket (empty vault prefix and empty prefix)")
		}
		limit := req.Limit
		if limit <= 0 || limit > MaxDeleteBatch {
			limit = MaxDeleteBatch
		}
		n, more, err := h.p.DeletePrefix(ctx, req.Config, req.Prefix, limit)
		if err != nil {
			return nil, nil, err
		}
		return &Response{Deleted: n, More: more}, nil, nil
	}
	return nil, nil, Errorf(CodeInvalidArgument, "unknown provider method %q", method)
}

func (h *Handler) begin(req *Request) (string, error) {
	if err := CheckKey(req.Key); err != nil {
		return "", err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expireLocked()
	if len(h.uploads) >= h.opts.MaxUploads {
		return "", Errorf(CodeInternal, "put_begin: %d uploads in progress, the limit", len(h.uploads))
	}
	f, err := os.CreateTemp(h.opts.SpoolDir, "metahost-upload-*")
	if err != nil {
		return "", fmt.Errorf("put_begin: spool file: %w", err)
	}
	// The file lives only as long as its descriptor: nothing to clean up
	// after a crash.
	_ = os.Remove(f.Name())
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	cfg := *req.Config
	h.uploads[id] = &upload{cfg: &cfg, key: req.Key, file: f, lastUsed: h.opts.Now()}
	return id, nil
}

// take marks an upload busy so parts of one upload never interleave.
func (h *Handler) take(id string) (*upload, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	u := h.uploads[id]
	if u == nil {
		return nil, Errorf(CodeNotFound, "upload %q not found (expired, aborted, or the provider restarted); start the upload again", id)
	}
	if u.busy {
		return nil, Errorf(CodeInvalidArgument, "upload %q is busy with another call", id)
	}
	u.busy = true
	return u, nil
}

func (h *Handler) release(id string, u *upload) {
	h.mu.Lock()
	defer h.mu.Unlock()
	u.busy = false
	u.lastUsed = h.opts.Now()
}

func (h *Handler) part(req *Request, body []byte) error {
	u, err := h.take(req.Upload)
	if err != nil {
		return err
	}
	defer h.release(req.Upload, u)
	if len(body) > MaxChunk {
		return Errorf(CodeInvalidArgument, "put_part: chunk of %d bytes exceeds %d", len(body), MaxChunk)
	}
	if req.Offset != u.written {
		return Errorf(CodeInvalidArgument, "put_part: offset %d, expected %d", req.Offset, u.written)
	}
	if _, err := u.file.WriteAt(body, u.written); err != nil {
		return fmt.Errorf("put_part: spool: %w", err)
	}
	u.written += int64(len(body))
	return nil
}

func (h *Handler) commit(ctx context.Context, req *Request) (Object, error) {
	u, err := h.take(req.Upload)
	if err != nil {
		return Object{}, err
	}
	defer h.abort(req.Upload)
	if req.Size != u.written {
		return Object{}, Errorf(CodeInvalidArgument, "put_commit: size %d, but %d bytes were sent", req.Size, u.written)
	}
	if _, err := u.file.Seek(0, 0); err != nil {
		return Object{}, fmt.Errorf("put_commit: %w", err)
	}
	return h.p.Put(ctx, u.cfg, u.key, u.file, u.written)
}

func (h *Handler) abort(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if u := h.uploads[id]; u != nil {
		u.file.Close()
		delete(h.uploads, id)
	}
}

func (h *Handler) expireLocked() {
	now := h.opts.Now()
	for id, u := range h.uploads {
		if !u.busy && now.Sub(u.lastUsed) > h.opts.UploadIdle {
			u.file.Close()
			delete(h.uploads, id)
		}
	}
}

// Close drops every upload in progress.
func (h *Handler) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	for id, u := range h.uploads {
		errs = append(errs, u.file.Close())
		delete(h.uploads, id)
	}
	return errors.Join(errs...)
}
