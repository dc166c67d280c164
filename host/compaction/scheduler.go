package compaction

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/tablet"
	"github.com/metahost/metahost/sdk/policy"
)

// Scheduler runs compaction on the raft leader.
type Scheduler struct {
	cfg      Config
	tablets  *tablet.Service
	store    *raftstore.Store
	policies Resolver
	exec     Executor
	logger   hclog.Logger
	// onLead runs once each time this node becomes the leader (default
	// policy registration).
	onLead func(ctx context.Context) error

	mu          sync.Mutex
	sum         *Summary
	running     map[int64]Kind // kinds this node is running, by tablet
	lastApplied uint64
	lastRefresh time.Time
	round       int
	refreshing  bool
	wg          sync.WaitGroup
	ctx         context.Context // the Run context (jobs outlive requests)
}

// Deps is what a Scheduler needs.
type Deps struct {
	// Tablets is the tablet service; Store its replicated store.
	Tablets *tablet.Service
	Store   *raftstore.Store
	// Policies resolves the policy of a table (default NativeResolver).
	Policies Resolver
	// Executor runs jobs (default the built-in one).
	Executor Executor
	// OnLead runs each time this node becomes the leader (may be nil).
	OnLead func(ctx context.Context) error
	// Logger receives the scheduler's logs.
	Logger hclog.Logger
}

// New returns a Scheduler; call Run to start it.
func New(cfg Config, d Deps) *Scheduler {
	s := &Scheduler{cfg: cfg.withDefaults(), tablets: d.Tablets, store: d.Store, policies: d.Policies, exec: d.Executor,
		logger: d.Logger, onLead: d.OnLead, sum: NewSummary(nil), running: map[int64]Kind{}, ctx: context.Background()}
	if s.policies == nil {
		s.policies = NativeResolver{}
	}
	if s.exec == nil {
		s.exec = Builtin{Tablets: d.Tablets}
	}
	if s.logger == nil {
		s.logger = hclog.NewNullLogger()
	}
	return s
}

// Config returns the effective configuration.
func (s *Scheduler) Config() Config { return s.cfg }

// Run schedules until ctx is done, acting only while this node leads; it
// waits for its jobs before returning.
func (s *Scheduler) Run(ctx context.Context) {
	s.mu.Lock()
	s.ctx = ctx
	s.mu.Unlock()
	defer s.wg.Wait()
	tick := time.NewTicker(s.cfg.Interval)
	defer tick.Stop()
	leading := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if !s.store.IsLeader() {
			if leading {
				s.logger.Info("lost leadership; compaction scheduling paused")
				s.mu.Lock()
				s.sum, s.lastApplied = NewSummary(nil), 0
				s.mu.Unlock()
			}
			leading = false
			continue
		}
		if !leading && s.onLead != nil {
			if err := s.onLead(ctx); err != nil {
				s.logger.Warn("leader start-up of compaction failed; retrying", "error", err)
				continue
			}
		}
		leading = true
		if err := s.RunRound(ctx); err != nil && ctx.Err() == nil {
			s.logger.Warn("compaction round failed", "error", err)
		}
	}
}

func (s *Scheduler) nowMs() int64 { return s.store.Now().UnixMilli() }

// NowMs returns the leader clock's time in Unix milliseconds.
func (s *Scheduler) NowMs() int64 { return s.nowMs() }

// Score is a tablet's whole-tablet score.
type Score struct {
	TabletID int64
	Total    int64
}

// Scores returns every summarised tablet's whole-tablet score.
func (s *Scheduler) Scores() []Score {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Score, len(s.sum.entries))
	for i, e := range s.sum.entries {
		out[i] = Score{TabletID: e.TabletID, Total: e.Total}
	}
	return out
}

// Refresh rebuilds the summary from the replicated state when it changed
// since the last rebuild (or force is set).
func (s *Scheduler) Refresh(ctx context.Context, force bool) error {
	applied := s.store.AppliedIndex()
	s.mu.Lock()
	due := force || (applied != s.lastApplied && time.Since(s.lastRefresh) >= s.cfg.RefreshInterval)
	s.mu.Unlock()
	if !due {
		return nil
	}
	var entries []Entry
	if err := s.tablets.States(ctx, raftstore.ReadOptions{Stale: true}, func(st *tablet.State) bool {
		entries = append(entries, Summarize(st))
		return true
	}); err != nil {
		return err
	}
	fresh := NewSummary(entries)
	s.mu.Lock()
	for i := range fresh.entries {
		e := &fresh.entries[i]
		e.Busy |= s.running[e.TabletID]
		if old, ok := s.sum.Get(e.TabletID); ok {
			e.SkipUntilMs = old.SkipUntilMs
		}
	}
	s.sum, s.lastApplied, s.lastRefresh = fresh, applied, time.Now()
	s.mu.Unlock()
	return nil
}

// refreshAsync starts a summary rebuild in the background unless one is
// running: a rebuild reads every tablet, so rounds go on with the previous
// summary meanwhile.
func (s *Scheduler) refreshAsync(ctx context.Context) {
	s.mu.Lock()
	if s.refreshing {
		s.mu.Unlock()
		return
	}
	s.refreshing = true
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.Refresh(ctx, false); err != nil && ctx.Err() == nil {
			s.logger.Warn("refresh the tablet summary failed", "error", err)
		}
		s.mu.Lock()
		s.refreshing = false
		s.mu.Unlock()
	}()
}

// refreshOne re-reads one tablet into the summary.
func (s *Scheduler) refreshOne(ctx context.Context, inst string, id int64) {
	st, ok, err := s.tablets.Tablet(ctx, raftstore.ReadOptions{Stale: true}, inst, id)
	if err != nil || !ok {
		return
	}
	e := Summarize(st)
	s.mu.Lock()
	e.Busy |= s.running[id]
	s.sum.Put(e)
	s.mu.Unlock()
}

// RunRound runs one scheduling round: refresh the summary, expire stale
// paths, pick candidates (9 cumulative rounds, then 1 base) and start
// their jobs in the background.
func (s *Scheduler) RunRound(ctx context.Context) error {
	s.refreshAsync(ctx)
	now := s.nowMs()
	sweep := s.cfg.Policy.TabletRowsetStaleSweepTimeSec
	s.mu.Lock()
	due := s.sum.DueStale(now/1000, sweep, nil)
	s.mu.Unlock()
	for _, e := range due {
		if err := s.tablets.Record(ctx, e.Instance, tablet.RecordRequest{TabletID: e.TabletID, ExpireStaleAfterS: sweep}); err != nil {
			s.logger.Warn("expire stale rowsets failed", "tablet", e.TabletID, "error", err)
			continue
		}
		s.refreshOne(ctx, e.Instance, e.TabletID)
	}
	if !s.cfg.BuiltinExecutor {
		return nil
	}
	s.mu.Lock()
	s.round++
	kind := Cumulative
	if s.round%int(s.cfg.Policy.CumulativeCompactionRoundsForEachBaseCompactionRound+1) == 0 {
		kind = Base
	}
	busy := 0
	for _, k := range s.running {
		if k != 0 {
			busy++
		}
	}
	cands := s.sum.Score(Round{Kind: kind, NowMs: now, BackoffMs: s.cfg.Policy.TabletSchedDelayTimeMs, Slots: s.cfg.Concurrency - busy}, nil)
	for _, c := range cands {
		s.markLocked(c.Entry.TabletID, c.Kind)
	}
	s.mu.Unlock()
	for _, c := range cands {
		c := c
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.unmark(c.Entry.TabletID, c.Kind)
			st := s.compact(ctx, c.Entry.Instance, c.Entry.TabletID, c.Kind, false)
			if !st.IsOK() && st.Code != codeSkipped {
				s.logger.Debug("compaction not done", "tablet", c.Entry.TabletID, "type", c.Kind.String(), "status", st.String())
			}
		}()
	}
	return nil
}

func (s *Scheduler) markLocked(id int64, k Kind) {
	s.running[id] |= k
	if e, ok := s.sum.Get(id); ok {
		e.Busy |= k
	}
}

func (s *Scheduler) unmark(id int64, k Kind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running[id] &^= k
	if s.running[id] == 0 {
		delete(s.running, id)
	}
	if e, ok := s.sum.Get(id); ok {
		e.Busy &^= k
	}
}

// Running returns the kinds this node is running on a tablet.
func (s *Scheduler) Running(id int64) Kind {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running[id]
}

// RunningTablets returns the tablets running each kind.
func (s *Scheduler) RunningTablets() map[Kind][]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[Kind][]int64{}
	for id, k := range s.running {
		for _, one := range []Kind{Cumulative, Base, Full} {
			if k&one != 0 {
				out[one] = append(out[one], id)
			}
		}
	}
	return out
}

// ErrNotFound is returned for an unknown tablet.
var ErrNotFound = errors.New("tablet not found")

// Locate returns the instance of a tablet id: from the summary, else by a
// scan of the tablet index.
func (s *Scheduler) Locate(ctx context.Context, id int64) (string, error) {
	s.mu.Lock()
	e, ok := s.sum.Get(id)
	var inst string
	if ok {
		inst = e.Instance
	}
	s.mu.Unlock()
	if ok {
		return inst, nil
	}
	err := s.tablets.ListTablets(ctx, raftstore.ReadOptions{Stale: true}, func(x *tablet.Ext) bool {
		if x.TabletID == id {
			inst = x.InstanceID
			return false
		}
		return true
	})
	if err != nil {
		return "", err
	}
	if inst == "" {
		return "", ErrNotFound
	}
	return inst, nil
}

// Trigger runs a compaction of a tablet now (the BE API's run). It waits
// up to wait for the outcome, as Doris waits 2 s; the job goes on after
// that. A kind already running on the tablet gives E-216.
func (s *Scheduler) Trigger(ctx context.Context, inst string, id int64, kind Kind, wait time.Duration) policy.Status {
	s.mu.Lock()
	cur := s.running[id]
	conflict := cur&kind != 0 || cur&Full != 0 || (kind == Full && cur != 0)
	if !conflict {
		s.markLocked(id, kind)
	}
	runCtx := s.ctx
	s.mu.Unlock()
	if conflict {
		if kind == Base {
			return policy.StatusBaseLocked(id)
		}
		return policy.StatusCumulativeLocked(id)
	}
	done := make(chan policy.Status, 1)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.unmark(id, kind)
		done <- s.compact(runCtx, inst, id, kind, true)
	}()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case st := <-done:
		return st
	case <-t.C:
		return policy.StatusOK
	case <-ctx.Done():
		return policy.StatusOK
	}
}

// codeSkipped marks a candidate the policy found unsuitable (score 0): it
// is skipped for skip_tablet_compaction_second without a failure record.
const codeSkipped policy.Code = "SKIPPED"

// compact runs one compaction of a tablet: pick, start the job, execute,
// and record the outcome.
func (s *Scheduler) compact(ctx context.Context, inst string, id int64, kind Kind, manual bool) policy.Status {
	st, ok, err := s.tablets.Tablet(ctx, raftstore.ReadOptions{}, inst, id)
	if err != nil {
		return policy.Status{Code: policy.CodeInternalError, Msg: err.Error()}
	}
	if !ok {
		return policy.Status{Code: "NOT_FOUND", Msg: fmt.Sprintf("Tablet not found. tablet_id=%d", id)}
	}
	defer s.refreshOne(ctx, inst, id)
	cfg := s.cfg.Policy
	fallback := st.Ext.Policy
	if st.Meta != nil && st.Meta.CompactionPolicy.Get() != "" {
		fallback = st.Meta.CompactionPolicy.Get()
	}
	b, err := s.policies.Resolve(ctx, st.Ext.TableID, fallback, &cfg)
	if err != nil {
		return s.fail(ctx, inst, id, kind, policy.Status{Code: policy.CodeInternalError, Msg: err.Error()}, true)
	}
	if name := b.Policy.Name(); name != "" && name != st.Ext.Policy {
		if err := s.tablets.Record(ctx, inst, tablet.RecordRequest{TabletID: id, Policy: name}); err != nil {
			s.logger.Warn("record policy binding failed", "tablet", id, "error", err)
		}
	}
	pt := policyTablet(st)
	origPoint := pt.CumulativePoint
	now := s.nowMs()
	var input []policy.Rowset
	lastDelete := policy.NoVersion
	switch kind {
	case Cumulative:
		// The score comes first, as in Doris (it also caches SIZE_BASED's
		// promotion size that the pick reads); a manual run ignores it.
		if score := b.Policy.CalcCumulativeScore(&pt, now); !manual && score <= 0 {
			if err := b.check(); err != nil {
				return s.fail(ctx, inst, id, kind, policy.Status{Code: policy.CodeInternalError, Msg: err.Error()}, true)
			}
			s.mu.Lock()
			if e, ok := s.sum.Get(id); ok {
				e.SkipUntilMs = now + cfg.SkipTabletCompactionSecond*1000
			}
			s.mu.Unlock()
			return policy.Status{Code: codeSkipped}
		}
		res := policy.PickCumulative(b.Policy, &pt, &cfg, policy.Env{NowMs: now})
		if err := b.check(); err != nil {
			return s.fail(ctx, inst, id, kind, policy.Status{Code: policy.CodeInternalError, Msg: err.Error()}, true)
		}
		if len(res.Missing) > 0 {
			s.logger.Warn("tablet has missing versions; compacting the longest consecutive run", "tablet", id, "missing", fmt.Sprint(res.Missing))
		}
		if !res.Status.IsOK() {
			if pt.CumulativePoint != origPoint {
				if err := s.movePoint(ctx, st, pt.CumulativePoint); err != nil {
					s.logger.Warn("move cumulative point failed", "tablet", id, "error", err)
				}
			}
			return s.fail(ctx, inst, id, kind, res.Status, res.Status.Code != policy.CodeCumulativeMeetDeleteVersion)
		}
		input, lastDelete = res.Input, res.LastDeleteVersion
	case Base:
		sel := policy.PickBase(&pt, &cfg, now)
		if !sel.Status.IsOK() {
			return s.fail(ctx, inst, id, kind, sel.Status, true)
		}
		input = sel.Input
	case Full:
		sel := policy.PickFull(&pt)
		if !sel.Status.IsOK() {
			return s.fail(ctx, inst, id, kind, sel.Status, true)
		}
		input = sel.Input
	}
	out := mergedRowset(input, now/1000)
	var newPoint int64
	switch kind {
	case Cumulative:
		newPoint = b.Policy.NewCumulativePoint(&pt, input, out, lastDelete)
	case Base:
		newPoint = pt.CumulativePoint
	case Full:
		newPoint = policy.FullCompactionPoint(b.Policy, &pt, input, out)
	}
	level := b.Policy.CompactionLevel(&pt, input, out)
	if err := b.check(); err != nil {
		return s.fail(ctx, inst, id, kind, policy.Status{Code: policy.CodeInternalError, Msg: err.Error()}, true)
	}
	job, jst := s.startJob(ctx, st, kind, input, pt.CumulativePoint, newPoint, level)
	if !jst.IsOK() {
		return s.fail(ctx, inst, id, kind, jst, true)
	}
	if err := s.exec.Execute(ctx, job); err != nil {
		s.abort(ctx, job)
		return s.fail(ctx, inst, id, kind, policy.Status{Code: policy.CodeInternalError, Msg: err.Error()}, true)
	}
	s.logger.Debug("compaction committed", "tablet", id, "type", kind.String(), "inputs", len(input),
		"output", fmt.Sprintf("[%d-%d]", out.StartVersion, out.EndVersion), "point", newPoint)
	return policy.StatusOK
}

// mergedRowset is the policy view of the output of merging input.
func mergedRowset(input []policy.Rowset, nowS int64) policy.Rowset {
	out := policy.Rowset{StartVersion: input[0].StartVersion, EndVersion: input[len(input)-1].EndVersion,
		SegmentsOverlap: policy.NonOverlapping, CreationTime: nowS}
	for _, r := range input {
		out.NumSegments += r.NumSegments
		out.TotalDiskSize += r.TotalDiskSize
		out.DataDiskSize += r.DataDiskSize
		out.NumRows += r.NumRows
	}
	return out
}

// fail records a failed attempt (status, and the failure time when
// setFailure) and returns st.
func (s *Scheduler) fail(ctx context.Context, inst string, id int64, kind Kind, st policy.Status, setFailure bool) policy.Status {
	err := s.tablets.Record(ctx, inst, tablet.RecordRequest{TabletID: id, Type: kind.jobType(), Failed: setFailure, Status: st.String()})
	if err != nil && ctx.Err() == nil {
		s.logger.Warn("record compaction failure failed", "tablet", id, "error", err)
	}
	return st
}

func (s *Scheduler) newJob(st *tablet.State, kind dorispb.TabletCompactionJobPB_CompactionType, nowS int64) (*dorispb.TabletCompactionJobPB, error) {
	id, err := NewRowsetID()
	if err != nil {
		return nil, err
	}
	c := &dorispb.TabletCompactionJobPB{}
	c.ID.Set("metahost-" + id[2:34])
	c.Initiator.Set("metahost:" + fmt.Sprint(s.store.ID()))
	c.Type.Set(kind)
	if st.Stats != nil {
		c.BaseCompactionCnt.Set(st.Stats.BaseCompactionCnt.Get())
		c.CumulativeCompactionCnt.Set(st.Stats.CumulativeCompactionCnt.Get())
	} else {
		c.BaseCompactionCnt.Set(0)
		c.CumulativeCompactionCnt.Set(0)
	}
	c.Lease.Set(nowS + 4*s.cfg.Policy.LeaseCompactionIntervalSeconds)
	return c, nil
}

// startJob records the job (start_tablet_job with its input range).
func (s *Scheduler) startJob(ctx context.Context, st *tablet.State, kind Kind, input []policy.Rowset, inPoint, outPoint, level int64) (*Job, policy.Status) {
	nowS := s.nowMs() / 1000
	c, err := s.newJob(st, kind.jobType(), nowS)
	if err != nil {
		return nil, policy.Status{Code: policy.CodeInternalError, Msg: err.Error()}
	}
	exp := nowS + s.cfg.Policy.CompactionTimeoutSeconds
	c.Expiration.Set(exp)
	c.InputVersions = []int64{input[0].StartVersion, input[len(input)-1].EndVersion}
	c.CheckInputVersionsRange.Set(s.cfg.Policy.EnableParallelCumuCompaction)
	idx := st.Ext.Idx()
	resp, err := s.tablets.StartJob(ctx, st.Ext.InstanceID, &dorispb.StartTabletJobRequest{Job: &dorispb.TabletJobInfoPB{Idx: idx, Compaction: []*dorispb.TabletCompactionJobPB{c}}})
	if err != nil {
		return nil, policy.Status{Code: policy.CodeInternalError, Msg: err.Error()}
	}
	if code, msg := tablet.Status(resp); code != dorispb.MetaServiceCode_OK {
		if code == dorispb.MetaServiceCode_JOB_TABLET_BUSY && kind == Cumulative {
			return nil, policy.Status{Code: policy.CodeCumulativeNoSuitableVersion, Msg: "cumu no suitable versions: job tablet busy"}
		}
		return nil, policy.Status{Code: policy.CodeInternalError, Msg: code.String() + " " + msg}
	}
	job := &Job{Instance: st.Ext.InstanceID, Idx: idx, ID: c.ID.Get(), Kind: kind, InputPoint: inPoint, OutputPoint: outPoint,
		Level: level, Expiration: exp, NowS: nowS}
	lo, hi := c.InputVersions[0], c.InputVersions[1]
	for _, rs := range st.Rowsets {
		if rs.StartVersion.Get() >= lo && rs.EndVersion.Get() <= hi {
			job.Inputs = append(job.Inputs, rs)
		}
	}
	return job, policy.StatusOK
}

// movePoint persists a cumulative point the policy moved without inputs
// (calculated, past a delete, stall breaker) with an EMPTY_CUMULATIVE job.
func (s *Scheduler) movePoint(ctx context.Context, st *tablet.State, point int64) error {
	nowS := s.nowMs() / 1000
	c, err := s.newJob(st, dorispb.TabletCompactionJobPB_EMPTY_CUMULATIVE, nowS)
	if err != nil {
		return err
	}
	idx := st.Ext.Idx()
	resp, err := s.tablets.StartJob(ctx, st.Ext.InstanceID, &dorispb.StartTabletJobRequest{Job: &dorispb.TabletJobInfoPB{Idx: idx, Compaction: []*dorispb.TabletCompactionJobPB{c}}})
	if err != nil {
		return err
	}
	if code, msg := tablet.Status(resp); code != dorispb.MetaServiceCode_OK {
		return fmt.Errorf("start EMPTY_CUMULATIVE: %s %s", code, msg)
	}
	f := &dorispb.TabletCompactionJobPB{}
	f.ID.Set(c.ID.Get())
	f.Type.Set(dorispb.TabletCompactionJobPB_EMPTY_CUMULATIVE)
	f.InputCumulativePoint.Set(st.CumulativePoint())
	f.OutputCumulativePoint.Set(point)
	freq := &dorispb.FinishTabletJobRequest{Job: &dorispb.TabletJobInfoPB{Idx: idx, Compaction: []*dorispb.TabletCompactionJobPB{f}}}
	freq.Action.Set(dorispb.FinishTabletJobRequest_COMMIT)
	fresp, err := s.tablets.FinishJob(ctx, st.Ext.InstanceID, freq)
	if err != nil {
		return err
	}
	if code, msg := tablet.Status(fresp); code != dorispb.MetaServiceCode_OK {
		return fmt.Errorf("commit EMPTY_CUMULATIVE: %s %s", code, msg)
	}
	return nil
}

// abort aborts a job whose execution failed.
func (s *Scheduler) abort(ctx context.Context, job *Job) {
	c := &dorispb.TabletCompactionJobPB{}
	c.ID.Set(job.ID)
	c.Type.Set(job.Kind.jobType())
	req := &dorispb.FinishTabletJobRequest{Job: &dorispb.TabletJobInfoPB{Idx: job.Idx, Compaction: []*dorispb.TabletCompactionJobPB{c}}}
	req.Action.Set(dorispb.FinishTabletJobRequest_ABORT)
	if _, err := s.tablets.FinishJob(ctx, job.Instance, req); err != nil {
		s.logger.Warn("abort compaction job failed", "tablet", job.Idx.TabletID.Get(), "job", job.ID, "error", err)
	}
}
