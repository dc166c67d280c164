// Package store is metahost's OpenTSDB-compatible last-point state: UIDs,
// TSUIDs, hour rows, the per-series last-write counter and back-scans, kept
// in the raft-replicated bbolt state (host/raftstore) under Doris-encoded
// keys (host/keys). The wire formats are host/tsdb/otsdb's; the HTTP surface
// is host/httpapi's tsdb.go.
//
// A put is one raft command per request body (all its valid points), applied
// in one transaction and acknowledged once committed. Applying is
// deterministic: the last-write counter takes the leader's timestamp from
// the command, and the configuration that changes the outcome (UID
// auto-creation, meta tracking) travels in the command.
package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/tsdb/otsdb"
	bolt "go.etcd.io/bbolt"
)

// Config holds the switches that change observable behaviour (spec §7).
type Config struct {
	// AutoCreateMetrics assigns UIDs to unknown metrics on put
	// (tsd.core.auto_create_metrics; OpenTSDB's default is false).
	AutoCreateMetrics bool
	// AutoCreateTagks and AutoCreateTagvs do the same for tag names and values.
	AutoCreateTagks bool
	AutoCreateTagvs bool
	// MetaTracking records each series' last write time, which the counter
	// method of /api/query/last needs (tsd.core.meta.enable_tsuid_tracking).
	MetaTracking bool
	// MaxTags is tsd.storage.max_tags (0: 8).
	MaxTags int
	// AllowSpecialChars lists extra characters allowed in names
	// (tsd.core.tag.allow_specialchars).
	AllowSpecialChars string
	// Retention is the age after which hour rows are deleted (0: never). The
	// row the counter of a series points at is kept.
	Retention time.Duration
	// RetentionInterval is how often the leader runs a retention pass
	// (0: one minute).
	RetentionInterval time.Duration
}

// DefaultConfig is metahost's default: OpenTSDB's, except that metrics are
// auto-created and meta tracking is on (spec §7 recommendations).
func DefaultConfig() Config {
	return Config{
		AutoCreateMetrics: true,
		AutoCreateTagks:   true,
		AutoCreateTagvs:   true,
		MetaTracking:      true,
		MaxTags:           otsdb.DefaultMaxTags,
	}
}

// Service reads and writes the last-point state through a raft store.
type Service struct {
	cfg    Config
	points otsdb.PointConfig
	store  *raftstore.Store
	logger hclog.Logger
	uids   *uidCache
}

// New returns a Service; Attach gives it its store.
func New(cfg Config, logger hclog.Logger) *Service {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	if cfg.MaxTags <= 0 {
		cfg.MaxTags = otsdb.DefaultMaxTags
	}
	if cfg.RetentionInterval <= 0 {
		cfg.RetentionInterval = time.Minute
	}
	return &Service{
		cfg:    cfg,
		points: otsdb.PointConfig{MaxTags: cfg.MaxTags, Names: otsdb.NameValidator{AllowSpecialChars: cfg.AllowSpecialChars}},
		logger: logger,
		uids:   newUIDCache(),
	}
}

// Register adds the command handlers.
func (s *Service) Register(h raftstore.Handlers) {
	h.Add(cmdPut, s.applyPut)
	h.Add(cmdAssign, s.applyAssign)
	h.Add(cmdRetain, applyRetain)
}

// Attach gives the Service its store (built after the handlers are
// registered).
func (s *Service) Attach(st *raftstore.Store) { s.store = st }

// Config returns the effective configuration.
func (s *Service) Config() Config { return s.cfg }

// PointConfig returns the per-point validation configuration.
func (s *Service) PointConfig() otsdb.PointConfig { return s.points }

func (s *Service) putFlags() byte {
	var f byte
	if s.cfg.AutoCreateMetrics {
		f |= flagAutoMetrics
	}
	if s.cfg.AutoCreateTagks {
		f |= flagAutoTagks
	}
	if s.cfg.AutoCreateTagvs {
		f |= flagAutoTagvs
	}
	if s.cfg.MetaTracking {
		f |= flagMeta
	}
	return f
}

// PutReport is the outcome of a put: how many points were stored, and the
// failed ones in processing order.
type PutReport struct {
	Success  int
	Failures []otsdb.PutFailure
}

// Put validates points (steps 1-6 of OpenTSDB's pipeline) and writes the
// valid ones in one raft command, returning once it is committed and
// applied. Points the state machine rejects (unknown names with
// auto-creation off) are failures too. An error means nothing is known to
// be stored (no leader, timeout).
func (s *Service) Put(ctx context.Context, points []otsdb.PutPoint) (PutReport, error) {
	var rep PutReport
	type failed struct {
		index int
		text  string
	}
	var bad []failed
	enc := newPutEncoder(s.putFlags(), 48*len(points))
	cmdIndex := make([]int32, 0, len(points))
	for i := range points {
		p := &points[i]
		v, err := otsdb.ValidatePoint(p, s.points)
		if err != nil {
			bad = append(bad, failed{i, err.Error()})
			continue
		}
		ms, err := otsdb.NormalizeTimestamp(p.Timestamp)
		if err != nil {
			bad = append(bad, failed{i, err.Error()})
			continue
		}
		enc.add(p.Metric, p.Tags, ms, v)
		cmdIndex = append(cmdIndex, int32(i))
	}
	if enc.n > 0 {
		out, err := s.store.Propose(ctx, cmdPut, enc.bytes())
		if err != nil {
			return PutReport{}, err
		}
		fs, err := decodeFailures(out)
		if err != nil {
			return PutReport{}, fmt.Errorf("decode put result: %w", err)
		}
		for _, f := range fs {
			if f.index < 0 || f.index >= len(cmdIndex) {
				return PutReport{}, fmt.Errorf("decode put result: %w", errBadCommand)
			}
			bad = append(bad, failed{int(cmdIndex[f.index]), f.text})
		}
		slices.SortStableFunc(bad, func(a, b failed) int { return a.index - b.index })
	}
	rep.Success = len(points) - len(bad)
	if len(bad) > 0 {
		rep.Failures = make([]otsdb.PutFailure, len(bad))
		for i, f := range bad {
			rep.Failures[i] = otsdb.PutFailure{Point: points[f.index], Error: f.text}
		}
	}
	return rep, nil
}

// Last answers a /api/query/last request (spec §6.2). Request errors are
// *otsdb.Error; any other error is the store's.
func (s *Service) Last(ctx context.Context, q *otsdb.LastQuery, opts raftstore.ReadOptions) ([]otsdb.LastResult, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	nowMs := s.store.Now().UnixMilli()
	var results []otsdb.LastResult
	err := s.store.View(ctx, opts, func(tx *bolt.Tx) error {
		r := newReader(raftstore.Data(tx))
		results = results[:0]
		for i := range q.Queries {
			var err error
			results, err = s.lastSub(r, q, &q.Queries[i], nowMs, results)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

func (s *Service) lastSub(r *reader, q *otsdb.LastQuery, sub *otsdb.LastSubQuery, nowMs int64, out []otsdb.LastResult) ([]otsdb.LastResult, error) {
	meta := s.cfg.MetaTracking
	if len(sub.TSUIDs) > 0 {
		for _, t := range sub.TSUIDs {
			tsuid, err := otsdb.ParseTSUID(t)
			if err != nil { // Check ran before: unreachable
				return out, wrapped(err.Error())
			}
			c, ok := r.lastPoint(tsuid, q.BackScan, meta, nowMs)
			if !ok {
				continue
			}
			res, err := s.result(r, q.ResolveNames, tsuid, c)
			if err != nil {
				return out, err
			}
			out = append(out, res)
		}
		return out, nil
	}
	metric, pairs, err := r.resolveSeries(sub.Metric, sub.Tags)
	if err != nil {
		return out, err
	}
	if q.BackScan > 0 {
		// Exact series: names echoed from the request.
		tsuid := appendTSUID(nil, metric, pairs)
		c, ok := r.lastPoint(tsuid, q.BackScan, meta, nowMs)
		if !ok {
			return out, nil
		}
		res := otsdb.LastResult{Timestamp: c.ms, Value: c.value.String(), TSUID: otsdb.FormatTSUID(tsuid)}
		if q.ResolveNames {
			res.Resolved, res.Metric, res.Tags = true, sub.Metric, sub.Tags
			if res.Tags == nil {
				res.Tags = []otsdb.Tag{}
			}
		}
		return append(out, res), nil
	}
	if !meta {
		return out, nil
	}
	// Meta scan: every series of the metric with a counter whose tags include
	// the requested ones, in TSUID order.
	prefix := ctrPrefix(metric[:])
	full := appendCtrKey(nil, nil)
	fieldStart := len(full) - 3 // family prefix length; the TSUID field follows
	c := r.b.Cursor()
	var tsuid []byte
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var err error
		tsuid, _, err = unescapeField(tsuid[:0], k[fieldStart:])
		if err != nil || len(tsuid) < otsdb.MinTSUIDLen || !containsPairs(tsuid, pairs) {
			continue
		}
		if q.BackScan < 0 {
			return out, wrapped(otsdb.MsgNegativeBackscan)
		}
		if len(v) != 8 {
			continue
		}
		cl, ok := r.row(otsdb.HourBaseMillis(cellMillis(v)), tsuid)
		if !ok {
			continue
		}
		res, err := s.result(r, q.ResolveNames, tsuid, cl)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

func (s *Service) result(r *reader, resolve bool, tsuid []byte, c cell) (otsdb.LastResult, error) {
	res := otsdb.LastResult{Timestamp: c.ms, Value: c.value.String(), TSUID: otsdb.FormatTSUID(tsuid)}
	if resolve {
		m, tags, err := r.resolveNames(tsuid)
		if err != nil {
			if e, ok := err.(*otsdb.Error); ok {
				return res, e
			}
			return res, wrapped(err.Error())
		}
		res.Resolved, res.Metric, res.Tags = true, m, tags
	}
	return res, nil
}

// DefaultSuggestions is OpenTSDB's default number of suggestions.
const DefaultSuggestions = 25

// Suggest lists up to max names of a kind that start with prefix, in byte
// order (max <= 0: 25).
func (s *Service) Suggest(ctx context.Context, kind Kind, prefix string, max int, opts raftstore.ReadOptions) ([]string, error) {
	if max <= 0 {
		max = DefaultSuggestions
	}
	out := []string{}
	err := s.store.View(ctx, opts, func(tx *bolt.Tx) error {
		p := uidPrefix(kind, prefix)
		kindEnd := len(appendUIDKey(nil, kind, "")) - 3
		c := raftstore.Data(tx).Cursor()
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p) && len(out) < max; k, _ = c.Next() {
			name, _, err := unescapeField(nil, k[kindEnd:])
			if err != nil {
				return err
			}
			out = append(out, string(name))
		}
		return nil
	})
	return out, err
}

// AssignRequest is one name to give a UID.
type AssignRequest struct {
	Kind Kind
	Name string
}

// AssignResult is the UID given, or the reason none was.
type AssignResult struct {
	UID   otsdb.UID
	Error string
}

// Assign gives each name a UID in one raft command; a name that has one
// already is an error entry ("Name already exists with UID: ...").
func (s *Service) Assign(ctx context.Context, reqs []AssignRequest) ([]AssignResult, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	entries := make([]assignEntry, len(reqs))
	for i, r := range reqs {
		entries[i] = assignEntry{kind: r.Kind, name: r.Name}
	}
	out, err := s.store.Propose(ctx, cmdAssign, encodeAssign(entries))
	if err != nil {
		return nil, err
	}
	rs, err := decodeAssignResults(out, len(reqs))
	if err != nil {
		return nil, fmt.Errorf("decode assign result: %w", err)
	}
	res := make([]AssignResult, len(rs))
	for i, r := range rs {
		res[i] = AssignResult{UID: r.uid, Error: r.err}
	}
	return res, nil
}

// retainLimit bounds the rows one retention command examines.
const retainLimit = 4096

// RetainOnce runs one retention pass through raft: it deletes every hour
// row whose hour ended before now minus the retention age, except each
// series' counter row. It returns the number of rows deleted. It does
// nothing when retention is off.
func (s *Service) RetainOnce(ctx context.Context) (int, error) {
	if s.cfg.Retention <= 0 {
		return 0, nil
	}
	cutoff := otsdb.HourBase(s.store.Now().Add(-s.cfg.Retention).Unix())
	var after []byte
	total := 0
	for {
		out, err := s.store.Propose(ctx, cmdRetain, retainCmd{cutoff: cutoff, limit: retainLimit, after: after}.encode())
		if err != nil {
			return total, err
		}
		r, err := decodeRetainResult(out)
		if err != nil {
			return total, fmt.Errorf("decode retention result: %w", err)
		}
		total += int(r.deleted)
		if len(r.next) == 0 {
			return total, nil
		}
		after = r.next
	}
}

// Run performs retention in the background on the leader until ctx ends.
func (s *Service) Run(ctx context.Context) {
	if s.cfg.Retention <= 0 {
		return
	}
	t := time.NewTicker(s.cfg.RetentionInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s.store == nil || !s.store.IsLeader() {
			continue
		}
		n, err := s.RetainOnce(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.logger.Warn("tsdb retention pass failed", "error", err)
			}
			continue
		}
		if n > 0 {
			s.logger.Info("tsdb retention deleted expired hour rows", "rows", n)
		}
	}
}
