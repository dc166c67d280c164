// Package provider is the SDK for metahost storage-vault providers: the
// out-of-process plugins through which the host reads, writes and deletes
// the objects of a vault (S3, COS, OSS, HDFS, or a third party's store).
//
// A provider implements Provider and serves it from its main:
//
//	func main() { provider.Serve(myProvider{}) }
//
// The host drives it with a Client over any Call(ctx, method, payload)
// function (a supervised process from host/plugin/process, the plugin
// manager, or an in-process Handler in tests).
//
// Every call carries the vault's Config, so one process serves any number
// of vaults and a restarted process needs no configuration replayed. Keys
// are relative to the vault's prefix: a provider joins them to the prefix
// itself and refuses keys that would escape it, so a call can never touch
// another vault's objects.
package provider

import (
	"context"
	"io"
	"time"
)

// Kind is the plugin kind every provider describes itself as.
const Kind = "provider"

// MaxChunk is the largest object body one call carries: 4 MiB less room
// for the header, so a call fits gRPC's default 4 MiB message limit.
// Larger objects travel in chunks (Vault.PutObject and Vault.GetObject do
// it).
const MaxChunk = 4<<20 - 64<<10

// MaxDeleteBatch is the largest number of keys one Delete or DeletePrefix
// call handles (the S3 DeleteObjects limit).
const MaxDeleteBatch = 1000

// Capabilities a provider may report in Info.Capabilities.
const (
	// CapSSE: the provider encrypts objects at rest when Config.SSE is set.
	CapSSE = "sse"
	// CapRangeRead: Get honours offset and length without reading the
	// whole object.
	CapRangeRead = "range_read"
	// CapBatchDelete: Delete and DeletePrefix remove many objects per
	// request to the store.
	CapBatchDelete = "batch_delete"
	// CapPathStyle: the provider can address buckets path-style.
	CapPathStyle = "path_style"
)

// Info identifies a provider.
type Info struct {
	// Name is the catalog name (e.g. "s3"); Version the provider's version.
	Name, Version string
	// Capabilities lists the Cap* features the provider implements.
	Capabilities []string
}

// Object describes one stored object. Key is relative to the vault prefix.
type Object struct {
	Key     string    `json:"key"`
	Size    int64     `json:"size"`
	ETag    string    `json:"etag,omitempty"`
	ModTime time.Time `json:"mtime,omitzero"`
	// SSE reports whether the store says the object is encrypted at rest
	// (empty when the store does not say).
	SSE string `json:"sse,omitempty"`
}

// ListPage is one page of a listing.
type ListPage struct {
	Objects []Object `json:"objects"`
	// Next is the key to pass as After for the next page; empty when the
	// listing is complete.
	Next string `json:"next,omitempty"`
}

// Provider is a storage-vault provider. Methods get a Config already
// checked by Validate (the SDK calls it first on every call) and keys
// already checked by CheckKey. Errors should be *Error values (see
// InvalidConfig, NotFound); any other error reaches the host as
// INTERNAL_ERROR with its text.
type Provider interface {
	// Info identifies the provider.
	Info() Info
	// Validate checks a vault configuration against the provider's rules
	// without any I/O.
	Validate(ctx context.Context, cfg *Config) error
	// Probe checks that the vault is reachable with its credentials: the
	// bucket (or directory) exists and can be listed, and, when write is
	// set, an object can be written and deleted under the prefix.
	Probe(ctx context.Context, cfg *Config, write bool) error
	// Put stores size bytes read from body under key, replacing any object
	// there. The object is visible only once Put returns without error.
	Put(ctx context.Context, cfg *Config, key string, body io.Reader, size int64) (Object, error)
	// Get returns up to length bytes of the object from offset (length < 0:
	// to the end) and the object's description.
	Get(ctx context.Context, cfg *Config, key string, offset, length int64) ([]byte, Object, error)
	// Stat describes the object at key.
	Stat(ctx context.Context, cfg *Config, key string) (Object, error)
	// List returns up to limit objects whose keys start with prefix and
	// sort after after, in key order.
	List(ctx context.Context, cfg *Config, prefix, after string, limit int) (ListPage, error)
	// Delete removes the objects at keys (at most MaxDeleteBatch); missing
	// objects are not an error.
	Delete(ctx context.Context, cfg *Config, keys []string) error
	// DeletePrefix removes up to limit objects whose keys start with
	// prefix, and returns how many it removed and whether any remain.
	DeletePrefix(ctx context.Context, cfg *Config, prefix string, limit int) (deleted int, more bool, err error)
}
