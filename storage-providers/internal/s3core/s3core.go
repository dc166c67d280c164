// Package s3core is the S3-protocol engine shared by the s3, cos and oss
// providers. It speaks to the store with minio-go (one client library for
// every S3-compatible store); each provider adds its own rules (endpoint,
// region, bucket naming, addressing style) through Rules.
package s3core

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/metahost/metahost/sdk/provider"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/encrypt"
)

// Rules are one provider's own configuration rules.
type Rules struct {
	// Name is the catalog name ("s3"), Provider the Doris provider enum
	// name the config must carry ("S3"), Version the provider version.
	Name, Provider, Version string
	// Check applies the provider's rules to an object-store config whose
	// common fields were already checked. It returns the detail of the
	// failure (wrapped into Doris's `s3 conf info err` text by the caller).
	Check func(o *provider.ObjInfo) error
	// VirtualHosted says the store is addressed virtual-hosted style in
	// production: after Check, Validate refuses use_path_style with the
	// detail PathStyleErr unless AllowPathStyle is set, and the path_style
	// capability is not reported.
	VirtualHosted bool
	// PathStyleErr is the detail of the use_path_style refusal.
	PathStyleErr string
	// AllowPathStyle is the test mode (PathStyleTestMode) in which a
	// virtual-hosted store accepts use_path_style, to run against MinIO.
	AllowPathStyle bool
}

// Store is a provider.Provider over the S3 protocol. It keeps one minio
// client per distinct (endpoint, credentials, region, style), so one
// process serves many vaults.
type Store struct {
	rules Rules

	mu      sync.Mutex
	clients map[string]*minio.Client
}

// New returns the Store for rules.
func New(rules Rules) *Store {
	return &Store{rules: rules, clients: map[string]*minio.Client{}}
}

// Info implements provider.Provider.
func (s *Store) Info() provider.Info {
	caps := []string{provider.CapSSE, provider.CapRangeRead, provider.CapBatchDelete}
	if !s.rules.VirtualHosted {
		caps = append(caps, provider.CapPathStyle)
	}
	return provider.Info{Name: s.rules.Name, Version: s.rules.Version, Capabilities: caps}
}

// hostPort matches an endpoint: a host name or IPv4 address, optional port.
var hostPort = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)

// CheckEndpoint checks an endpoint given without a scheme: host[:port].
func CheckEndpoint(field, ep string) error {
	if strings.Contains(ep, "://") {
		return fmt.Errorf("%s %q must not carry a scheme (give host[:port]; set scheme separately)", field, ep)
	}
	if !hostPort.MatchString(ep) {
		if h, p, err := net.SplitHostPort(ep); err == nil && net.ParseIP(strings.Trim(h, "[]")) != nil {
			if n, err := strconv.Atoi(p); err == nil && n > 0 && n < 65536 {
				return nil
			}
		}
		return fmt.Errorf("%s %q is not host[:port]", field, ep)
	}
	if i := strings.LastIndexByte(ep, ':'); i >= 0 {
		if n, _ := strconv.Atoi(ep[i+1:]); n <= 0 || n > 65535 {
			return fmt.Errorf("%s %q has a bad port", field, ep)
		}
	}
	return nil
}

// EndpointHost returns the endpoint without its port, lower-cased.
func EndpointHost(ep string) string {
	if h, _, err := net.SplitHostPort(ep); err == nil {
		return strings.ToLower(h)
	}
	return strings.ToLower(ep)
}

// Validate implements provider.Provider: Doris's required fields, the
// endpoint shape, the scheme, then the provider's own rules.
func (s *Store) Validate(_ context.Context, cfg *provider.Config) error {
	o := cfg.Obj
	if o == nil {
		return provider.InvalidConfig("provider %s serves object-store vaults (obj_info), not hdfs_info", s.rules.Name)
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"ak", o.AK}, {"sk", o.SK}, {"bucket", o.Bucket}, {"endpoint", o.Endpoint}, {"region", o.Region}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return provider.InvalidConfig("empty %s", strings.Join(missing, ", "))
	}
	if !strings.EqualFold(o.Provider, s.rules.Provider) {
		return provider.InvalidConfig("provider %q is not served by the %s provider (want %s)", o.Provider, s.rules.Name, s.rules.Provider)
	}
	if err := CheckEndpoint("endpoint", o.Endpoint); err != nil {
		return provider.InvalidConfig("%v", err)
	}
	if o.ExternalEndpoint != "" {
		if err := CheckEndpoint("external_endpoint", o.ExternalEndpoint); err != nil {
			return provider.InvalidConfig("%v", err)
		}
	}
	switch o.Scheme {
	case "", "https", "http":
	default:
		return provider.InvalidConfig("scheme %q is neither https nor http", o.Scheme)
	}
	if s.rules.Check != nil {
		if err := s.rules.Check(o); err != nil {
			return provider.InvalidConfig("%v", err)
		}
	}
	if s.rules.VirtualHosted && o.UsePathStyle && !s.rules.AllowPathStyle {
		return provider.InvalidConfig("%s", s.rules.PathStyleErr)
	}
	return nil
}

// client returns the cached client for the config.
func (s *Store) client(o *provider.ObjInfo) (*minio.Client, error) {
	pathStyle := o.UsePathStyle
	h := sha256.New()
	for _, f := range []string{o.Endpoint, o.AK, o.SK, o.Region, o.Scheme, strconv.FormatBool(pathStyle)} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	key := hex.EncodeToString(h.Sum(nil))
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.clients[key]; c != nil {
		return c, nil
	}
	lookup := minio.BucketLookupDNS
	if pathStyle {
		lookup = minio.BucketLookupPath
	}
	c, err := minio.New(o.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(o.AK, o.SK, ""),
		Secure:       o.Scheme != "http",
		Region:       o.Region,
		BucketLookup: lookup,
		MaxRetries:   3,
	})
	if err != nil {
		return nil, provider.InvalidConfig("endpoint %q: %v", o.Endpoint, err)
	}
	if len(s.clients) >= 256 {
		clear(s.clients)
	}
	s.clients[key] = c
	return c, nil
}

// mapErr turns a store error into a provider error.
func (s *Store) mapErr(op, key string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s %q: %w", op, key, err)
	}
	r := minio.ToErrorResponse(err)
	switch r.Code {
	case "NoSuchKey":
		return provider.NotFound(key)
	case "NoSuchBucket", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidBucketName", "AuthorizationHeaderMalformed", "PermanentRedirect", "InvalidRegion":
		return provider.InvalidConfig("%s %q: %s (%s)", op, key, r.Message, r.Code)
	}
	return fmt.Errorf("%s %q: %w", op, key, err)
}

func putOptions(o *provider.ObjInfo) minio.PutObjectOptions {
	opts := minio.PutObjectOptions{ContentType: "application/octet-stream"}
	if o.SSEEnabled {
		opts.ServerSideEncryption = encrypt.NewSSE()
	}
	return opts
}

// Probe implements provider.Provider: list the prefix (bucket exists,
// credentials valid) and, for write, put and delete a probe object.
func (s *Store) Probe(ctx context.Context, cfg *provider.Config, write bool) error {
	o := cfg.Obj
	c, err := s.client(o)
	if err != nil {
		return err
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for obj := range c.ListObjects(lctx, o.Bucket, minio.ListObjectsOptions{Prefix: listPrefix(cfg, ""), MaxKeys: 1}) {
		if obj.Err != nil {
			return probeErr(o, "list", obj.Err)
		}
		break
	}
	if !write {
		return nil
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	key := cfg.FullKey(".metahost-probe-" + hex.EncodeToString(b[:]))
	if _, err := c.PutObject(ctx, o.Bucket, key, bytes.NewReader([]byte("probe")), 5, putOptions(o)); err != nil {
		return probeErr(o, "put", err)
	}
	if err := c.RemoveObject(ctx, o.Bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return probeErr(o, "delete", err)
	}
	return nil
}

func probeErr(o *provider.ObjInfo, op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return provider.InvalidConfig("probe %s bucket %q at %s: %v", op, o.Bucket, o.Endpoint, err)
	}
	r := minio.ToErrorResponse(err)
	if r.Code != "" {
		return provider.InvalidConfig("probe %s bucket %q at %s: %s (%s)", op, o.Bucket, o.Endpoint, r.Message, r.Code)
	}
	return provider.InvalidConfig("probe %s bucket %q at %s: %v", op, o.Bucket, o.Endpoint, err)
}

// Put implements provider.Provider.
func (s *Store) Put(ctx context.Context, cfg *provider.Config, key string, body io.Reader, size int64) (provider.Object, error) {
	c, err := s.client(cfg.Obj)
	if err != nil {
		return provider.Object{}, err
	}
	info, err := c.PutObject(ctx, cfg.Obj.Bucket, cfg.FullKey(key), body, size, putOptions(cfg.Obj))
	if err != nil {
		return provider.Object{}, s.mapErr("put", key, err)
	}
	return provider.Object{Key: key, Size: info.Size, ETag: info.ETag, ModTime: info.LastModified}, nil
}

func objectOf(cfg *provider.Config, info minio.ObjectInfo) provider.Object {
	return provider.Object{
		Key:     cfg.RelKey(info.Key),
		Size:    info.Size,
		ETag:    info.ETag,
		ModTime: info.LastModified.UTC(),
		SSE:     info.Metadata.Get("X-Amz-Server-Side-Encryption"),
	}
}

// Get implements provider.Provider.
func (s *Store) Get(ctx context.Context, cfg *provider.Config, key string, offset, length int64) ([]byte, provider.Object, error) {
	c, err := s.client(cfg.Obj)
	if err != nil {
		return nil, provider.Object{}, err
	}
	core := minio.Core{Client: c}
	opts := minio.GetObjectOptions{}
	if err := opts.SetRange(offset, offset+length-1); err != nil {
		return nil, provider.Object{}, provider.Errorf(provider.CodeInvalidArgument, "get %q: %v", key, err)
	}
	rc, info, _, err := core.GetObject(ctx, cfg.Obj.Bucket, cfg.FullKey(key), opts)
	if err != nil {
		if minio.ToErrorResponse(err).Code == "InvalidRange" {
			// Reading at or past the end: an empty chunk, if the object exists.
			obj, serr := s.Stat(ctx, cfg, key)
			if serr != nil {
				return nil, provider.Object{}, serr
			}
			if offset >= obj.Size {
				return []byte{}, obj, nil
			}
		}
		return nil, provider.Object{}, s.mapErr("get", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, length))
	if err != nil {
		return nil, provider.Object{}, s.mapErr("get", key, err)
	}
	obj := objectOf(cfg, info)
	obj.Key = key
	// A ranged GET reports the range's length; the object's size is in
	// Content-Range.
	if cr := info.Headers.Get("Content-Range"); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if n, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
				obj.Size = n
			}
		}
	}
	return data, obj, nil
}

// Stat implements provider.Provider.
func (s *Store) Stat(ctx context.Context, cfg *provider.Config, key string) (provider.Object, error) {
	c, err := s.client(cfg.Obj)
	if err != nil {
		return provider.Object{}, err
	}
	info, err := c.StatObject(ctx, cfg.Obj.Bucket, cfg.FullKey(key), minio.StatObjectOptions{})
	if err != nil {
		return provider.Object{}, s.mapErr("stat", key, err)
	}
	obj := objectOf(cfg, info)
	obj.Key = key
	return obj, nil
}

// listPrefix is the store prefix for a relative prefix.
func listPrefix(cfg *provider.Config, prefix string) string {
	if vp := cfg.VaultPrefix(); vp != "" {
		return vp + "/" + prefix
	}
	return prefix
}

// List implements provider.Provider.
func (s *Store) List(ctx context.Context, cfg *provider.Config, prefix, after string, limit int) (provider.ListPage, error) {
	c, err := s.client(cfg.Obj)
	if err != nil {
		return provider.ListPage{}, err
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts := minio.ListObjectsOptions{Prefix: listPrefix(cfg, prefix), Recursive: true, MaxKeys: min(limit+1, provider.MaxDeleteBatch)}
	if after != "" {
		opts.StartAfter = cfg.FullKey(after)
	}
	page := provider.ListPage{Objects: []provider.Object{}}
	for info := range c.ListObjects(lctx, cfg.Obj.Bucket, opts) {
		if info.Err != nil {
			return provider.ListPage{}, s.mapErr("list", prefix, info.Err)
		}
		if len(page.Objects) == limit {
			page.Next = page.Objects[limit-1].Key
			break
		}
		page.Objects = append(page.Objects, objectOf(cfg, info))
	}
	return page, nil
}

// Delete implements provider.Provider with batched DeleteObjects.
func (s *Store) Delete(ctx context.Context, cfg *provider.Config, keys []string) error {
	c, err := s.client(cfg.Obj)
	if err != nil {
		return err
	}
	ch := make(chan minio.ObjectInfo, len(keys))
	for _, k := range keys {
		ch <- minio.ObjectInfo{Key: cfg.FullKey(k)}
	}
	close(ch)
	for r := range c.RemoveObjects(ctx, cfg.Obj.Bucket, ch, minio.RemoveObjectsOptions{}) {
		if r.Err != nil && minio.ToErrorResponse(r.Err).Code != "NoSuchKey" {
			return s.mapErr("delete", cfg.RelKey(r.ObjectName), r.Err)
		}
	}
	return ctx.Err()
}

// DeletePrefix implements provider.Provider: one listing page, one
// DeleteObjects request.
func (s *Store) DeletePrefix(ctx context.Context, cfg *provider.Config, prefix string, limit int) (int, bool, error) {
	page, err := s.List(ctx, cfg, prefix, "", limit)
	if err != nil {
		return 0, false, err
	}
	keys := make([]string, len(page.Objects))
	for i, o := range page.Objects {
		keys[i] = o.Key
	}
	if len(keys) == 0 {
		return 0, false, nil
	}
	if err := s.Delete(ctx, cfg, keys); err != nil {
		return 0, true, err
	}
	return len(keys), page.Next != "", nil
}

// TestPathStyleEnv names the environment variable that, set to "1" in the
// plugin's environment (the catalog declares it), lets a virtual-hosted-only
// provider accept use_path_style so it can run against MinIO in tests.
const TestPathStyleEnv = "METAHOST_PROVIDER_TEST_PATH_STYLE"

// PathStyleTestMode reports whether TestPathStyleEnv is set to "1" in the
// process environment: the value of Rules.AllowPathStyle in a provider's main.
func PathStyleTestMode() bool { return os.Getenv(TestPathStyleEnv) == "1" }

// Compile-time check.
var _ provider.Provider = (*Store)(nil)
