// Command policy-custom is an example third-party compaction policy, "count_capped", built to
// wasm with the metahost SDK:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o count_capped.wasm ./examples/policy-custom
//
// It keeps SIZE_BASED's cumulative point and promotion rules (by embedding sizebased.Policy) but
// picks differently: starting at the oldest candidate it takes consecutive rowsets until their
// score reaches the max score or their size reaches MaxInputBytes, stops before a delete rowset
// (unless delete rowsets may be inputs), and compacts once the score reaches the min score. Small
// writes are merged in bounded batches, whatever their size levels.
package main

import (
	"github.com/metahost/metahost/sdk/guest"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/sizebased"
)

// Name is the policy name the plugin reports.
const Name = "count_capped"

// Version is the plugin version reported by plugin_describe.
const Version = "0.1.0"

// MaxInputBytes caps the total size of one pick.
const MaxInputBytes = 256 * policy.MB

// countCapped is the policy.
type countCapped struct {
	*sizebased.Policy
}

func newPolicy(cfg *policy.Config) policy.Policy { return countCapped{sizebased.New(cfg)} }

func init() {
	guest.RegisterPolicy(guest.Info{Name: Name, Version: Version}, newPolicy)
}

func main() {}

// Name implements policy.Policy.
func (countCapped) Name() string { return Name }

// CalcCumulativeScore is the score of the rowsets at or above the cumulative point.
func (countCapped) CalcCumulativeScore(t *policy.Tablet, _ int64) int64 {
	var s int64
	for i := range t.Rowsets {
		if t.Rowsets[i].StartVersion >= t.CumulativePoint {
			s += t.Rowsets[i].Score()
		}
	}
	return s
}

// PickInputRowsets implements policy.Policy.
func (countCapped) PickInputRowsets(_ *policy.Tablet, cands []policy.Rowset, maxScore, minScore int64,
	allowDelete bool, _ int64) policy.PickResult {
	res := policy.PickResult{LastDeleteVersion: policy.NoVersion}
	var size int64
	n := 0
	for i := range cands {
		r := &cands[i]
		if r.HasDeletePredicate && !allowDelete {
			res.LastDeleteVersion = r.Version()
			res.Rule = policy.RuleDelete
			break
		}
		if n > 0 && (res.Score+r.Score() > maxScore || size+r.TotalDiskSize > MaxInputBytes) {
			break
		}
		res.Score += r.Score()
		size += r.TotalDiskSize
		n++
	}
	res.Transient = n
	if n == 0 || res.Score < minScore {
		res.Score = 0
		if res.Rule != policy.RuleDelete {
			res.Rule = policy.RuleNone
		}
		return res
	}
	res.Input = cands[:n:n]
	if res.Rule != policy.RuleDelete {
		res.Rule = policy.RuleLevel
	}
	return res
}

// CompactionLevel implements policy.Policy: no levels.
func (countCapped) CompactionLevel(*policy.Tablet, []policy.Rowset, policy.Rowset) int64 { return 0 }
