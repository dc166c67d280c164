package compaction

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/tablet"
	"github.com/metahost/metahost/sdk/policy"
)

// PolicyNotInitialized is what show prints before a policy is attached (sic).
const PolicyNotInitialized = "cumulative compaction policy not initializied"

// showJSON is Tablet::get_compaction_status (spec §2), keys in order.
type showJSON struct {
	PolicyType        string     `json:"cumulative policy type"`
	CumulativePoint   int64      `json:"cumulative point"`
	LastCumuFailure   string     `json:"last cumulative failure time"`
	LastBaseFailure   string     `json:"last base failure time"`
	LastFullFailure   string     `json:"last full failure time"`
	LastCumuSuccess   string     `json:"last cumulative success time"`
	LastBaseSuccess   string     `json:"last base success time"`
	LastFullSuccess   string     `json:"last full success time"`
	LastCumuSchedule  string     `json:"last cumulative schedule time"`
	LastBaseSchedule  string     `json:"last base schedule time"`
	LastFullSchedule  string     `json:"last full schedule time"`
	LastCumuStatus    string     `json:"last cumulative status"`
	LastBaseStatus    string     `json:"last base status"`
	LastFullStatus    string     `json:"last full status"`
	Rowsets           []string   `json:"rowsets"`
	MissingRowsets    []string   `json:"missing_rowsets"`
	StaleRowsets      []string   `json:"stale_rowsets"`
	StaleVersionPaths []pathJSON `json:"stale version path"`
}

type pathJSON struct {
	PathID         string `json:"path id"`
	LastCreateTime string `json:"last create time"`
	PathList       string `json:"path list"`
}

// MillisString is ToStringFromUnixMillis: "%F %T.mmm" in loc.
func MillisString(ms int64, loc *time.Location) string {
	return time.UnixMilli(ms).In(loc).Format("2006-01-02 15:04:05.000")
}

// PrettyBytes is PrettyPrinter::print(n, BYTES): "0", or 2 decimals and
// the unit B, KB, MB or GB.
func PrettyBytes(n int64) string {
	if n == 0 {
		return "0"
	}
	f := float64(n)
	unit := "B"
	switch {
	case n >= 1<<30:
		f, unit = f/(1<<30), "GB"
	case n >= 1<<20:
		f, unit = f/(1<<20), "MB"
	case n >= 1<<10:
		f, unit = f/(1<<10), "KB"
	}
	return strconv.FormatFloat(f, 'f', 2, 64) + " " + unit
}

// RowsetLine is Rowset::get_rowset_info_str.
func RowsetLine(start, end, segs int64, del bool, overlap dorispb.SegmentsOverlapPB, id string, size int64) string {
	kind := "DATA"
	if del {
		kind = "DELETE"
	}
	return "[" + strconv.FormatInt(start, 10) + "-" + strconv.FormatInt(end, 10) + "] " + strconv.FormatInt(segs, 10) + " " + kind + " " +
		policy.SegmentsOverlap(overlap).String() + " " + id + " " + PrettyBytes(size)
}

// Show renders the show JSON of a tablet (4-space indented like rapidjson's
// PrettyWriter), with times in loc.
func Show(st *tablet.State, loc *time.Location) []byte {
	e := st.Ext
	out := showJSON{
		PolicyType:        e.Policy,
		CumulativePoint:   st.CumulativePoint(),
		LastCumuFailure:   MillisString(e.Cumulative.LastFailureMs, loc),
		LastBaseFailure:   MillisString(e.Base.LastFailureMs, loc),
		LastFullFailure:   MillisString(e.Full.LastFailureMs, loc),
		LastCumuSuccess:   MillisString(e.Cumulative.LastSuccessMs, loc),
		LastBaseSuccess:   MillisString(e.Base.LastSuccessMs, loc),
		LastFullSuccess:   MillisString(e.Full.LastSuccessMs, loc),
		LastCumuSchedule:  MillisString(e.Cumulative.LastScheduleMs, loc),
		LastBaseSchedule:  MillisString(e.Base.LastScheduleMs, loc),
		LastFullSchedule:  MillisString(e.Full.LastScheduleMs, loc),
		LastCumuStatus:    e.Cumulative.LastStatus,
		LastBaseStatus:    e.Base.LastStatus,
		LastFullStatus:    e.Full.LastStatus,
		Rowsets:           []string{},
		MissingRowsets:    []string{},
		StaleRowsets:      []string{},
		StaleVersionPaths: []pathJSON{},
	}
	if out.PolicyType == "" {
		out.PolicyType = PolicyNotInitialized
	}
	rows := make([]policy.Rowset, 0, len(st.Rowsets))
	sorted := append([]*dorispb.RowsetMetaCloudPB(nil), st.Rowsets...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].EndVersion.Get() < sorted[j].EndVersion.Get() })
	for _, rs := range sorted {
		out.Rowsets = append(out.Rowsets, RowsetLine(rs.StartVersion.Get(), rs.EndVersion.Get(), rs.NumSegments.Get(), rs.DeletePredicate != nil,
			rs.SegmentsOverlapPb.Get(), rs.RowsetIDV2.Get(), rs.TotalDiskSize.Get()))
		rows = append(rows, rowsetOf(rs))
	}
	for _, v := range policy.MissingRowsets(rows) {
		out.MissingRowsets = append(out.MissingRowsets, v.String())
	}
	paths := append([]tablet.StalePath(nil), e.StalePaths...)
	sort.SliceStable(paths, func(i, j int) bool { return paths[i].ID < paths[j].ID })
	var stale []tablet.Rowset
	for _, p := range paths {
		var list strings.Builder
		list.WriteString(strconv.FormatInt(p.ID, 10))
		var last int64
		for _, r := range p.Rowsets {
			list.WriteString(" -> [" + strconv.FormatInt(r.Start, 10) + "-" + strconv.FormatInt(r.End, 10) + "]")
			stale = append(stale, r)
			last = max(last, p.StaleAt)
		}
		out.StaleVersionPaths = append(out.StaleVersionPaths, pathJSON{
			PathID:         strconv.FormatInt(p.ID, 10),
			LastCreateTime: time.Unix(last, 0).In(loc).Format("2006-01-02 15:04:05 -0700"),
			PathList:       list.String(),
		})
	}
	sort.SliceStable(stale, func(i, j int) bool { return stale[i].End < stale[j].End })
	for _, r := range stale {
		out.StaleRowsets = append(out.StaleRowsets, RowsetLine(r.Start, r.End, r.NumSegments, r.Delete, r.Overlap, r.RowsetID, r.TotalDiskSize))
	}
	return pretty(out)
}

// pretty encodes v with 4-space indentation and no HTML escaping, without
// a trailing newline.
func pretty(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	_ = enc.Encode(v)
	return bytes.TrimRight(b.Bytes(), "\n")
}

// ErrorJSON is Status::to_json: {"status": code, "msg": msg}, pretty.
func ErrorJSON(code, msg string) []byte {
	return pretty(struct {
		Status string `json:"status"`
		Msg    string `json:"msg"`
	}{code, msg})
}

// RunStatusJSON is the run_status body for one tablet (the literal
// template of spec §1.4).
func RunStatusJSON(id int64, running Kind) []byte {
	run, msg, typ := "false", "compaction task for this tablet is not running", ""
	switch {
	case running&Full != 0:
		typ = "full"
	case running&Cumulative != 0:
		typ = "cumulative"
	case running&Base != 0:
		typ = "base"
	}
	if typ != "" {
		run, msg = "true", "compaction task for this tablet is running"
	}
	return []byte("{\n            \"status\" : \"Success\",\n            \"run_status\" : " + run + ",\n            \"msg\" : \"" + msg +
		"\",\n            \"tablet_id\" : " + strconv.FormatInt(id, 10) + ",\n            \"compact_type\" : \"" + typ + "\"\n        }")
}

// OverallStatusJSON is the run_status body without a tablet: the submitted
// tablets per data dir and type, ids as strings. Base and cumulative always
// list the dir; full lists it only when a full compaction is submitted.
func OverallStatusJSON(dir string, running map[Kind][]int64) []byte {
	ids := func(k Kind) []string {
		v := append([]int64(nil), running[k]...)
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
		out := make([]string, 0, len(v))
		for _, id := range v {
			out = append(out, strconv.FormatInt(id, 10))
		}
		return out
	}
	full := map[string][]string{}
	if len(running[Full]) > 0 {
		full[dir] = ids(Full)
	}
	return pretty(struct {
		Base map[string][]string `json:"BaseCompaction"`
		Cumu map[string][]string `json:"CumulativeCompaction"`
		Full map[string][]string `json:"FullCompaction"`
	}{map[string][]string{dir: ids(Base)}, map[string][]string{dir: ids(Cumulative)}, full})
}
