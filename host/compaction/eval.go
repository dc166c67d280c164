package compaction

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/metahost/metahost/sdk/policy"
)

// EvalRequest is the body of POST /v1/plugins/{name}/eval: a tablet and
// its rowsets, evaluated by a policy without touching any state.
//
//	{
//	  "compact_type": "cumulative",          // or "base", "full" (default cumulative)
//	  "now_ms": 1700000000000,               // default: the leader's clock
//	  "tablet": {"tablet_id": 1, "cumulative_point": -1, "keys_type": "DUP_KEYS",
//	             "merge_on_write": false, "not_ready": false,
//	             "last_cumu_success_ms": 0, "last_base_success_ms": 0,
//	             "time_series": {"goal_size_mbytes": 1024, "file_count_threshold": 2000,
//	                             "time_threshold_seconds": 3600, "empty_rowsets_threshold": 5,
//	                             "level_threshold": 1}},
//	  "rowsets": [{"start_version": 0, "end_version": 1, "num_segments": 1,
//	               "overlap": "NONOVERLAPPING", "total_disk_size": 1024, "data_disk_size": 1024,
//	               "num_rows": 10, "delete": false, "creation_time": 1700000000,
//	               "compaction_level": 0}],
//	  "config": {"compaction_promotion_size_mbytes": 1024, "compaction_promotion_ratio": 0.05,
//	             "compaction_promotion_min_size_mbytes": 128, "compaction_min_size_mbytes": 64,
//	             "cumulative_compaction_min_deltas": 5, "cumulative_compaction_max_deltas": 1000}
//	}
//
// tablet.cumulative_point defaults to -1 (computed by the policy), overlap
// to OVERLAP_UNKNOWN; config fields override the BE defaults. Rowsets must
// be ordered by version with start ≤ end.
type EvalRequest struct {
	CompactType string       `json:"compact_type"`
	NowMs       int64        `json:"now_ms"`
	Tablet      EvalTablet   `json:"tablet"`
	Rowsets     []EvalRowset `json:"rowsets"`
	Config      EvalConfig   `json:"config"`
}

// EvalTablet is the tablet of an EvalRequest.
type EvalTablet struct {
	TabletID          int64          `json:"tablet_id"`
	CumulativePoint   *int64         `json:"cumulative_point"`
	KeysType          string         `json:"keys_type"`
	MergeOnWrite      bool           `json:"merge_on_write"`
	NotReady          bool           `json:"not_ready"`
	LastCumuSuccessMs int64          `json:"last_cumu_success_ms"`
	LastBaseSuccessMs int64          `json:"last_base_success_ms"`
	TimeSeries        EvalTimeSeries `json:"time_series"`
}

// EvalTimeSeries are the time_series_compaction_* properties (0 = default).
type EvalTimeSeries struct {
	GoalSizeMBytes        int64 `json:"goal_size_mbytes"`
	FileCountThreshold    int64 `json:"file_count_threshold"`
	TimeThresholdSeconds  int64 `json:"time_threshold_seconds"`
	EmptyRowsetsThreshold int64 `json:"empty_rowsets_threshold"`
	LevelThreshold        int64 `json:"level_threshold"`
}

// EvalRowset is one rowset of an EvalRequest.
type EvalRowset struct {
	StartVersion    int64  `json:"start_version"`
	EndVersion      int64  `json:"end_version"`
	NumSegments     int64  `json:"num_segments"`
	Overlap         string `json:"overlap"`
	TotalDiskSize   int64  `json:"total_disk_size"`
	DataDiskSize    int64  `json:"data_disk_size"`
	NumRows         int64  `json:"num_rows"`
	Delete          bool   `json:"delete"`
	CreationTime    int64  `json:"creation_time"`
	CompactionLevel int64  `json:"compaction_level"`
}

// EvalConfig overrides BE settings for an evaluation.
type EvalConfig struct {
	PromotionSizeMBytes    *int64   `json:"compaction_promotion_size_mbytes"`
	PromotionRatio         *float64 `json:"compaction_promotion_ratio"`
	PromotionMinSizeMBytes *int64   `json:"compaction_promotion_min_size_mbytes"`
	MinSizeMBytes          *int64   `json:"compaction_min_size_mbytes"`
	MinDeltas              *int64   `json:"cumulative_compaction_min_deltas"`
	MaxDeltas              *int64   `json:"cumulative_compaction_max_deltas"`
}

// EvalResponse is what a policy would do.
type EvalResponse struct {
	// Policy is the policy name the plugin reports.
	Policy string `json:"policy"`
	// CompactType is the evaluated compaction type.
	CompactType string `json:"compact_type"`
	// Status is Status::to_string of the pick ("[OK]" when something is picked).
	Status string `json:"status"`
	// Picked are the input rowsets' versions, "[a-b]".
	Picked []string `json:"picked"`
	// Score is the pick's compaction score.
	Score int64 `json:"score"`
	// Rule names the policy rule that decided a cumulative pick.
	Rule string `json:"rule,omitempty"`
	// CumulativePoint is the point after the policy calculated it (and any
	// move by the driver).
	CumulativePoint int64 `json:"cumulative_point"`
	// NewCumulativePoint is the point after compacting Picked.
	NewCumulativePoint int64 `json:"new_cumulative_point"`
	// CumulativeScore is the policy's calc_cumulative_compaction_score.
	CumulativeScore int64 `json:"cumulative_score"`
	// Missing lists version breaks among the candidates.
	Missing []string `json:"missing_versions"`
}

// MaxEvalRowsets bounds an evaluation's rowset list.
const MaxEvalRowsets = 100000

// overlapNamed parses an EvalRowset overlap name ("" is OVERLAP_UNKNOWN).
func overlapNamed(name string) (policy.SegmentsOverlap, bool) {
	switch name {
	case "", "OVERLAP_UNKNOWN":
		return policy.OverlapUnknown, true
	case "OVERLAPPING":
		return policy.Overlapping, true
	case "NONOVERLAPPING":
		return policy.NonOverlapping, true
	}
	return 0, false
}

// keysNamed parses an EvalTablet keys type ("" is DUP_KEYS).
func keysNamed(name string) (policy.KeysType, bool) {
	switch name {
	case "", "DUP_KEYS":
		return policy.DupKeys, true
	case "UNIQUE_KEYS":
		return policy.UniqueKeys, true
	case "AGG_KEYS":
		return policy.AggKeys, true
	}
	return 0, false
}

// DecodeEvalRequest parses and checks an EvalRequest (unknown fields are
// errors).
func DecodeEvalRequest(r io.Reader) (*EvalRequest, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	req := &EvalRequest{}
	if err := dec.Decode(req); err != nil {
		return nil, fmt.Errorf("bad eval request: %w", err)
	}
	if dec.More() {
		return nil, errors.New("bad eval request: trailing data after the JSON object")
	}
	if req.CompactType == "" {
		req.CompactType = Cumulative.String()
	}
	if _, ok := ParseKind(req.CompactType); !ok {
		return nil, fmt.Errorf("bad eval request: compact_type %q: want cumulative, base or full", req.CompactType)
	}
	if _, ok := keysNamed(req.Tablet.KeysType); !ok {
		return nil, fmt.Errorf("bad eval request: keys_type %q: want DUP_KEYS, UNIQUE_KEYS or AGG_KEYS", req.Tablet.KeysType)
	}
	if len(req.Rowsets) > MaxEvalRowsets {
		return nil, fmt.Errorf("bad eval request: %d rowsets, at most %d", len(req.Rowsets), MaxEvalRowsets)
	}
	for i, rs := range req.Rowsets {
		if _, ok := overlapNamed(rs.Overlap); !ok {
			return nil, fmt.Errorf("bad eval request: rowsets[%d].overlap %q: want OVERLAP_UNKNOWN, OVERLAPPING or NONOVERLAPPING", i, rs.Overlap)
		}
		if rs.StartVersion < 0 || rs.StartVersion > rs.EndVersion {
			return nil, fmt.Errorf("bad eval request: rowsets[%d] has version [%d-%d]", i, rs.StartVersion, rs.EndVersion)
		}
		if rs.NumSegments < 0 || rs.TotalDiskSize < 0 || rs.DataDiskSize < 0 || rs.NumRows < 0 {
			return nil, fmt.Errorf("bad eval request: rowsets[%d] has a negative count or size", i)
		}
		if i > 0 && rs.StartVersion <= req.Rowsets[i-1].EndVersion {
			return nil, fmt.Errorf("bad eval request: rowsets[%d] [%d-%d] is not after [%d-%d]", i, rs.StartVersion, rs.EndVersion,
				req.Rowsets[i-1].StartVersion, req.Rowsets[i-1].EndVersion)
		}
	}
	ts := req.Tablet.TimeSeries
	for _, v := range []int64{ts.GoalSizeMBytes, ts.FileCountThreshold, ts.TimeThresholdSeconds, ts.EmptyRowsetsThreshold, ts.LevelThreshold} {
		if v < 0 {
			return nil, errors.New("bad eval request: negative time_series property")
		}
	}
	return req, nil
}

// Apply returns cfg with the request's overrides, validated.
func (c EvalConfig) Apply(cfg policy.Config) (policy.Config, error) {
	set := func(dst *int64, v *int64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&cfg.CompactionPromotionSizeMBytes, c.PromotionSizeMBytes)
	set(&cfg.CompactionPromotionMinSizeMBytes, c.PromotionMinSizeMBytes)
	set(&cfg.CompactionMinSizeMBytes, c.MinSizeMBytes)
	set(&cfg.CumulativeCompactionMinDeltas, c.MinDeltas)
	set(&cfg.CumulativeCompactionMaxDeltas, c.MaxDeltas)
	if c.PromotionRatio != nil {
		cfg.CompactionPromotionRatio = *c.PromotionRatio
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("bad eval request: %w", err)
	}
	return cfg, nil
}

// PolicyTablet builds the policy tablet of the request.
func (r *EvalRequest) PolicyTablet() policy.Tablet {
	keysType, _ := keysNamed(r.Tablet.KeysType)
	t := policy.Tablet{
		TabletID:          r.Tablet.TabletID,
		KeysType:          keysType,
		MergeOnWrite:      r.Tablet.MergeOnWrite,
		CumulativePoint:   policy.InvalidCumulativePoint,
		LastCumuSuccessMs: r.Tablet.LastCumuSuccessMs,
		LastBaseSuccessMs: r.Tablet.LastBaseSuccessMs,
		TimeSeries: policy.TimeSeriesProperties{GoalSizeMBytes: r.Tablet.TimeSeries.GoalSizeMBytes,
			FileCountThreshold: r.Tablet.TimeSeries.FileCountThreshold, TimeThresholdSeconds: r.Tablet.TimeSeries.TimeThresholdSeconds,
			EmptyRowsetsThreshold: r.Tablet.TimeSeries.EmptyRowsetsThreshold, LevelThreshold: r.Tablet.TimeSeries.LevelThreshold}.WithDefaults(),
		Rowsets: make([]policy.Rowset, len(r.Rowsets)),
	}
	if r.Tablet.NotReady {
		t.State = policy.TabletNotReady
	}
	if r.Tablet.CumulativePoint != nil {
		t.CumulativePoint = *r.Tablet.CumulativePoint
	}
	for i, rs := range r.Rowsets {
		overlap, _ := overlapNamed(rs.Overlap)
		t.Rowsets[i] = policy.Rowset{StartVersion: rs.StartVersion, EndVersion: rs.EndVersion, NumSegments: rs.NumSegments,
			SegmentsOverlap: overlap, TotalDiskSize: rs.TotalDiskSize, DataDiskSize: rs.DataDiskSize,
			NumRows: rs.NumRows, HasDeletePredicate: rs.Delete, CreationTime: rs.CreationTime, CompactionLevel: rs.CompactionLevel}
	}
	return t
}

// Evaluate runs policy p on the request as the scheduler would, without
// any state change. The caller checks the bound plugin's error afterwards.
func Evaluate(p policy.Policy, req *EvalRequest, cfg *policy.Config, nowMs int64) EvalResponse {
	if req.NowMs != 0 {
		nowMs = req.NowMs
	}
	t := req.PolicyTablet()
	kind, _ := ParseKind(req.CompactType)
	out := EvalResponse{Policy: p.Name(), CompactType: kind.String(), Picked: []string{}, Missing: []string{}}
	var input []policy.Rowset
	lastDelete := policy.NoVersion
	var st policy.Status
	// Scored first, as the scheduler does (SIZE_BASED caches its promotion
	// size on the tablet there).
	out.CumulativeScore = p.CalcCumulativeScore(&t, nowMs)
	switch kind {
	case Cumulative:
		res := policy.PickCumulative(p, &t, cfg, policy.Env{NowMs: nowMs})
		st, input, out.Score, lastDelete, out.Rule = res.Status, res.Input, res.Score, res.LastDeleteVersion, res.Rule.String()
		for _, m := range res.Missing {
			out.Missing = append(out.Missing, m.Prev.String()+"->"+m.Next.String())
		}
	case Base:
		sel := policy.PickBase(&t, cfg, nowMs)
		st, input, out.Score = sel.Status, sel.Input, sel.Score
	case Full:
		sel := policy.PickFull(&t)
		st, input, out.Score = sel.Status, sel.Input, sel.Score
	}
	out.Status = st.String()
	out.CumulativePoint = t.CumulativePoint
	out.NewCumulativePoint = t.CumulativePoint
	if st.IsOK() && len(input) > 0 {
		for _, r := range input {
			out.Picked = append(out.Picked, r.Version().String())
		}
		merged := mergedRowset(input, nowMs/1000)
		switch kind {
		case Cumulative:
			out.NewCumulativePoint = p.NewCumulativePoint(&t, input, merged, lastDelete)
		case Full:
			out.NewCumulativePoint = policy.FullCompactionPoint(p, &t, input, merged)
		}
	}
	return out
}
