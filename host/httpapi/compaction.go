package httpapi

// The Doris BE compaction API (compaction spec §1, §2): show, run and
// run_status under /api/compaction/, and /api/compaction_score. Every
// reply is HTTP 200 with application/json, errors as Status::to_json
// ({"status": code, "msg": message}); other methods get 404 "Not Found".
// Also the policy dry run, POST /v1/plugins/{name}/eval.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/metahost/metahost/host/compaction"
	"github.com/metahost/metahost/host/plugin/catalog"
	"github.com/metahost/metahost/host/plugin/manager"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/tablet"
)

// runWait is how long run waits for the compaction's outcome (Doris: 2 s).
const runWait = 2 * time.Second

// maxEvalBody caps an eval request.
const maxEvalBody = 32 << 20

func mountCompaction(r chi.Router, d Deps) {
	c := d.Compaction
	if c == nil || d.Tablet == nil {
		return
	}
	h := compactionAPI{sched: c, tablets: d.Tablet, loc: time.Local}
	r.HandleFunc("/api/compaction/show", h.only(http.MethodGet, h.show))
	r.HandleFunc("/api/compaction/run", h.only(http.MethodPost, h.run))
	r.HandleFunc("/api/compaction/run_status", h.only(http.MethodGet, h.runStatus))
	r.HandleFunc("/api/compaction_score", h.only(http.MethodGet, h.score))
	if d.Plugins != nil {
		r.With(requireToken(d.Token)).Post("/v1/plugins/{name}/eval", func(w http.ResponseWriter, req *http.Request) {
			evalPolicy(w, req, d.Plugins.Catalog, d.Plugins.Manager, c)
		})
	}
}

type compactionAPI struct {
	sched   *compaction.Scheduler
	tablets *tablet.Service
	loc     *time.Location
}

// only answers other methods with Doris's 404 "Not Found".
func (h compactionAPI) only(method string, fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("Not Found"))
			return
		}
		fn(w, r)
	}
}

func writeBE(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func writeBEError(w http.ResponseWriter, code, msg string) {
	writeBE(w, compaction.ErrorJSON(code, msg))
}

// ParseStoull parses like std::stoull: leading whitespace, an optional
// sign (a minus wraps around), then the longest digit prefix; no digits
// or overflow is an error whose text is libstdc++'s what(), "stoull".
func ParseStoull(s string) (uint64, error) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i {
		return 0, errors.New("stoull")
	}
	v, err := strconv.ParseUint(s[i:j], 10, 64)
	if err != nil {
		return 0, errors.New("stoull")
	}
	if neg {
		v = -v
	}
	return v, nil
}

// checkOne is check_one(req, name): absent or empty is 0.
func checkOne(r *http.Request, name string) (uint64, string) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, ""
	}
	n, err := ParseStoull(v)
	if err != nil {
		return 0, "convert " + name + " failed, " + err.Error()
	}
	return n, ""
}

// lookup finds a tablet by id; ok false means unknown.
func (h compactionAPI) lookup(ctx context.Context, id uint64) (*tablet.State, bool, error) {
	if id == 0 || id > 1<<63-1 {
		return nil, false, nil
	}
	inst, err := h.sched.Locate(ctx, int64(id))
	if errors.Is(err, compaction.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return h.tablets.Tablet(ctx, raftstore.ReadOptions{Stale: true}, inst, int64(id))
}

// find is lookup that answers the request when the tablet cannot be read:
// INTERNAL_ERROR for a failure, code and msg for an unknown tablet.
func (h compactionAPI) find(w http.ResponseWriter, r *http.Request, id uint64, code, msg string) (*tablet.State, bool) {
	st, ok, err := h.lookup(r.Context(), id)
	switch {
	case err != nil:
		writeBEError(w, "INTERNAL_ERROR", err.Error())
		return nil, false
	case !ok:
		writeBEError(w, code, msg)
		return nil, false
	}
	return st, true
}

func (h compactionAPI) show(w http.ResponseWriter, r *http.Request) {
	id, perr := checkOne(r, "tablet_id")
	if perr != "" {
		writeBEError(w, "INTERNAL_ERROR", perr)
		return
	}
	if id == 0 {
		writeBEError(w, "INTERNAL_ERROR", "check param failed: missing tablet_id")
		return
	}
	if st, ok := h.find(w, r, id, "NOT_FOUND", "Tablet not found. tablet_id="+strconv.FormatUint(id, 10)); ok {
		writeBE(w, compaction.Show(st, h.loc))
	}
}

func (h compactionAPI) run(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, tbl := q.Get("tablet_id"), q.Get("table_id")
	if ts == "" && tbl == "" {
		writeBEError(w, "INTERNAL_ERROR", "tablet id and table id can not be empty at the same time!")
		return
	}
	if ts != "" && tbl != "" {
		writeBEError(w, "INTERNAL_ERROR", "tablet id and table id can not be set at the same time!")
		return
	}
	var tabletID, tableID uint64
	var err error
	if ts != "" {
		if tabletID, err = ParseStoull(ts); err != nil {
			writeBEError(w, "INTERNAL_ERROR", "convert tablet_id failed, "+err.Error())
			return
		}
	} else if tableID, err = ParseStoull(tbl); err != nil {
		writeBEError(w, "INTERNAL_ERROR", "convert table_id failed, "+err.Error())
		return
	}
	typ := q.Get("compact_type")
	kind, ok := compaction.ParseKind(typ)
	if !ok {
		writeBEError(w, "NOT_IMPLEMENTED_ERROR", "The compaction type '"+typ+"' is not supported")
		return
	}
	remote := q.Get("remote")
	if remote != "" && remote != "true" && remote != "false" {
		writeBEError(w, "NOT_IMPLEMENTED_ERROR", "The remote = '"+remote+"' is not supported")
		return
	}
	success := func() {
		writeBE(w, []byte(fmt.Sprintf(`{"status": "Success", "msg": "compaction task is successfully triggered. Table id: %d. Tablet id: %d"}`, tableID, tabletID)))
	}
	if tabletID == 0 && tableID != 0 {
		// Whatever compact_type says, a table gets FULL compactions, not awaited.
		var ids []tablet.Ext
		if err := h.tablets.ListTablets(r.Context(), raftstore.ReadOptions{Stale: true}, func(e *tablet.Ext) bool {
			if uint64(e.TableID) == tableID {
				ids = append(ids, *e)
			}
			return true
		}); err != nil {
			writeBEError(w, "INTERNAL_ERROR", err.Error())
			return
		}
		for _, e := range ids {
			if st := h.sched.Trigger(r.Context(), e.InstanceID, e.TabletID, compaction.Full, 0); !st.IsOK() {
				writeBEError(w, string(st.Code), st.Msg)
				return
			}
		}
		success()
		return
	}
	st, found := h.find(w, r, tabletID, "NOT_FOUND", "Tablet not found. tablet_id="+strconv.FormatUint(tabletID, 10))
	if !found {
		return
	}
	if remote == "true" {
		writeBEError(w, "NOT_IMPLEMENTED_ERROR", "tablet should do compaction locally")
		return
	}
	if res := h.sched.Trigger(r.Context(), st.Ext.InstanceID, st.Ext.TabletID, kind, runWait); !res.IsOK() {
		writeBEError(w, string(res.Code), res.Msg)
		return
	}
	success()
}

func (h compactionAPI) runStatus(w http.ResponseWriter, r *http.Request) {
	id, perr := checkOne(r, "tablet_id")
	if perr != "" {
		writeBEError(w, "INTERNAL_ERROR", perr)
		return
	}
	if id == 0 {
		dir := h.sched.Config().DataDir
		writeBE(w, compaction.OverallStatusJSON(dir, h.sched.RunningTablets()))
		return
	}
	if st, ok := h.find(w, r, id, "INTERNAL_ERROR", "fail to get "+strconv.FormatUint(id, 10)); ok {
		kinds := h.sched.Running(st.Ext.TabletID) | compaction.Summarize(st).Busy
		writeBE(w, compaction.RunStatusJSON(st.Ext.TabletID, kinds))
	}
}

// score is /api/compaction_score: tablets by whole-tablet score, descending.
func (h compactionAPI) score(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	top := -1
	if v, ok := q["top_n"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 0 {
			http.Error(w, "invalid argument: top_n="+v[0], http.StatusBadRequest)
			return
		}
		top = n
	}
	if _, ok := q["sync_meta"]; ok {
		http.Error(w, "param `sync_meta` is only available for cloud mode", http.StatusBadRequest)
		return
	}
	scores := h.sched.Scores()
	sort.SliceStable(scores, func(i, j int) bool { return scores[i].Total > scores[j].Total })
	if top >= 0 && top < len(scores) {
		scores = scores[:top]
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range scores {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"compaction_score":"%d","tablet_id":"%d"}`, s.Total, s.TabletID)
	}
	b.WriteByte(']')
	writeBE(w, []byte(b.String()))
}

// evalPolicy is POST /v1/plugins/{name}/eval: the registered policy plugin
// name evaluated on the tablet and rowsets of the body (see
// compaction.EvalRequest), changing nothing.
func evalPolicy(w http.ResponseWriter, req *http.Request, cat *catalog.Service, mgr *manager.Manager, sched *compaction.Scheduler) {
	name := chi.URLParam(req, "name")
	body, err := compaction.DecodeEvalRequest(http.MaxBytesReader(w, req.Body, maxEvalBody))
	if err != nil {
		writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, err.Error())
		return
	}
	cfg, err := body.Config.Apply(sched.Config().Policy)
	if err != nil {
		writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, err.Error())
		return
	}
	// Linearizable: a dry run right after a swap evaluates the new version.
	e, ok := readEntry(w, req, cat, name, raftstore.ReadOptions{})
	if !ok {
		return
	}
	if e.Kind != catalog.KindPolicy {
		writeAdminError(w, http.StatusBadRequest, raftstore.CodeInvalid, fmt.Sprintf("plugin %q is a %s, not a policy", name, e.Kind))
		return
	}
	b, err := compaction.BindPlugin(req.Context(), mgr, name, &cfg)
	if err != nil {
		writeAdminError(w, http.StatusServiceUnavailable, "PLUGIN_UNAVAILABLE", err.Error())
		return
	}
	out := compaction.Evaluate(b.Policy, body, &cfg, sched.NowMs())
	if err := b.Err(); err != nil {
		writeAdminError(w, http.StatusServiceUnavailable, "PLUGIN_FAILED", fmt.Sprintf("policy %q failed: %v", name, err))
		return
	}
	writeJSON(w, http.StatusOK, out)
}
