package provider

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/metahost/metahost/sdk/process"
)

// CallFunc runs one plugin operation: host/plugin/process's Plugin.Call,
// the plugin manager's Call bound to a name, or Handler.Call in-process.
type CallFunc func(ctx context.Context, method string, payload []byte) ([]byte, error)

// Client is the host's typed view of a provider.
type Client struct {
	call CallFunc
}

// NewClient returns a Client over call.
func NewClient(call CallFunc) *Client { return &Client{call: call} }

// Vault binds the client to one vault configuration.
func (c *Client) Vault(cfg *Config) *Vault { return &Vault{c: c, cfg: cfg} }

// Vault is a provider client bound to one vault.
type Vault struct {
	c   *Client
	cfg *Config
}

// IsNotFound reports whether err is a provider's NOT_FOUND answer.
func IsNotFound(err error) bool { return HasCode(err, CodeNotFound) }

// HasCode reports whether err is a provider answer with that code.
func HasCode(err error, code string) bool {
	var pe *process.Error
	return errors.As(err, &pe) && pe.Code == code
}

func (v *Vault) do(ctx context.Context, method string, req *Request, body []byte) (*Response, []byte, error) {
	req.Config = v.cfg
	payload, err := EncodeFrame(req, body)
	if err != nil {
		return nil, nil, err
	}
	out, err := v.c.call(ctx, method, payload)
	if err != nil {
		return nil, nil, fmt.Errorf("provider %s: %w", method, err)
	}
	var resp Response
	data, err := DecodeFrame(out, &resp)
	if err != nil {
		return nil, nil, fmt.Errorf("provider %s: answer: %w", method, err)
	}
	return &resp, data, nil
}

// Validate checks the vault configuration against the provider's rules.
func (v *Vault) Validate(ctx context.Context) error {
	_, _, err := v.do(ctx, MethodValidate, &Request{}, nil)
	return err
}

// Probe checks the vault is reachable; write also checks it is writable.
func (v *Vault) Probe(ctx context.Context, write bool) error {
	_, _, err := v.do(ctx, MethodProbe, &Request{Write: write}, nil)
	return err
}

// Put stores body (at most MaxChunk bytes) under key.
func (v *Vault) Put(ctx context.Context, key string, body []byte) (Object, error) {
	resp, _, err := v.do(ctx, MethodPut, &Request{Key: key}, body)
	if err != nil {
		return Object{}, err
	}
	return objectOf(resp)
}

// PutObject stores size bytes from r under key, in one call when they fit
// and as a chunked upload otherwise. The object appears only when the whole
// upload committed: a failure at any point leaves the previous state.
func (v *Vault) PutObject(ctx context.Context, key string, r io.Reader, size int64) (Object, error) {
	if size < 0 {
		return Object{}, fmt.Errorf("put %q: negative size", key)
	}
	if size <= MaxChunk {
		buf := make([]byte, size)
		if _, err := io.ReadFull(r, buf); err != nil {
			return Object{}, fmt.Errorf("put %q: read body: %w", key, err)
		}
		return v.Put(ctx, key, buf)
	}
	resp, _, err := v.do(ctx, MethodPutBegin, &Request{Key: key}, nil)
	if err != nil {
		return Object{}, err
	}
	id := resp.Upload
	fail := func(err error) (Object, error) {
		// Best effort: the provider also drops idle uploads.
		_, _, _ = v.do(context.WithoutCancel(ctx), MethodPutAbort, &Request{Upload: id}, nil)
		return Object{}, err
	}
	buf := make([]byte, MaxChunk)
	var off int64
	for off < size {
		n, err := io.ReadFull(r, buf[:min(int64(MaxChunk), size-off)])
		if err != nil {
			return fail(fmt.Errorf("put %q: read body at %d: %w", key, off, err))
		}
		if _, _, err := v.do(ctx, MethodPutPart, &Request{Upload: id, Offset: off}, buf[:n]); err != nil {
			return fail(err)
		}
		off += int64(n)
	}
	resp, _, err = v.do(ctx, MethodPutCommit, &Request{Upload: id, Size: size}, nil)
	if err != nil {
		return fail(err)
	}
	return objectOf(resp)
}

// Get reads up to length bytes (at most MaxChunk; length <= 0 means as much
// as one call carries) from offset.
func (v *Vault) Get(ctx context.Context, key string, offset, length int64) ([]byte, Object, error) {
	resp, data, err := v.do(ctx, MethodGet, &Request{Key: key, Offset: offset, Length: length}, nil)
	if err != nil {
		return nil, Object{}, err
	}
	obj, err := objectOf(resp)
	return data, obj, err
}

// GetObject copies the whole object to w, chunk by chunk, and returns its
// description.
func (v *Vault) GetObject(ctx context.Context, key string, w io.Writer) (Object, error) {
	var off int64
	for {
		data, obj, err := v.Get(ctx, key, off, MaxChunk)
		if err != nil {
			return Object{}, err
		}
		if _, err := w.Write(data); err != nil {
			return Object{}, fmt.Errorf("get %q: write: %w", key, err)
		}
		off += int64(len(data))
		if off >= obj.Size || len(data) == 0 {
			if off != obj.Size {
				return Object{}, fmt.Errorf("get %q: object changed while read (%d of %d bytes)", key, off, obj.Size)
			}
			return obj, nil
		}
	}
}

// Stat describes the object at key.
func (v *Vault) Stat(ctx context.Context, key string) (Object, error) {
	resp, _, err := v.do(ctx, MethodStat, &Request{Key: key}, nil)
	if err != nil {
		return Object{}, err
	}
	return objectOf(resp)
}

// List returns one page of objects under prefix after the key after.
func (v *Vault) List(ctx context.Context, prefix, after string, limit int) (ListPage, error) {
	resp, _, err := v.do(ctx, MethodList, &Request{Prefix: prefix, After: after, Limit: limit}, nil)
	if err != nil {
		return ListPage{}, err
	}
	if resp.Page == nil {
		return ListPage{}, fmt.Errorf("provider list: answer without a page")
	}
	return *resp.Page, nil
}

// ListAll calls fn for every object under prefix, page by page.
func (v *Vault) ListAll(ctx context.Context, prefix string, fn func(Object) error) error {
	after := ""
	for {
		page, err := v.List(ctx, prefix, after, MaxDeleteBatch)
		if err != nil {
			return err
		}
		for _, o := range page.Objects {
			if err := fn(o); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		if page.Next <= after {
			return fmt.Errorf("provider list: cursor did not advance (%q after %q)", page.Next, after)
		}
		after = page.Next
	}
}

// Delete removes keys, in batches of MaxDeleteBatch.
func (v *Vault) Delete(ctx context.Context, keys ...string) error {
	for len(keys) > 0 {
		n := min(len(keys), MaxDeleteBatch)
		if _, _, err := v.do(ctx, MethodDelete, &Request{Keys: keys[:n]}, nil); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// DeletePrefixBatch removes up to limit objects under prefix: one call.
func (v *Vault) DeletePrefixBatch(ctx context.Context, prefix string, limit int) (int, bool, error) {
	resp, _, err := v.do(ctx, MethodDeletePrefix, &Request{Prefix: prefix, Limit: limit}, nil)
	if err != nil {
		return 0, false, err
	}
	return resp.Deleted, resp.More, nil
}

// DeletePrefix removes every object under prefix, one batch per call,
// calling progress (if not nil) with the running total after each batch.
// It returns how many objects it removed.
func (v *Vault) DeletePrefix(ctx context.Context, prefix string, progress func(total int)) (int, error) {
	total := 0
	for {
		n, more, err := v.DeletePrefixBatch(ctx, prefix, MaxDeleteBatch)
		total += n
		if err != nil {
			return total, err
		}
		if progress != nil {
			progress(total)
		}
		if !more {
			return total, nil
		}
		if n == 0 {
			return total, fmt.Errorf("provider delete_prefix: no progress, objects remain under %q", prefix)
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

func objectOf(resp *Response) (Object, error) {
	if resp.Object == nil {
		return Object{}, fmt.Errorf("provider answer without an object")
	}
	return *resp.Object, nil
}
