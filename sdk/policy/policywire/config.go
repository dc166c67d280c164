// Package policywire encodes the compaction-policy messages of metahost ABI v1 (the
// policy_invoke export): a request carrying the operation, the clock, the BE compaction config
// and the tablet with its rowsets, and a response carrying the result and the tablet fields the
// policy may update. Both the host and the wasm guest use it; it is hand-written over sdk/wire so
// that the guest decodes a 100-rowset tablet without reflection.
//
// Rowset lists that are a contiguous run of another list the receiver already has (the candidates
// within the tablet's rowsets, the picked input within the candidates) are sent as an offset and a
// length, and decoded as a capacity-capped subslice of that list, which also preserves the aliasing
// the native policies promise.
package policywire

import (
	"math"
	"strconv"

	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/wire"
)

// WireVersion is the version byte that starts every request.
const WireVersion = 1

// Op is a policy operation, one per method of policy.Policy (Name comes from plugin_describe).
type Op uint8

// Op values.
const (
	OpCalculateCumulativePoint Op = 1
	OpCalcCumulativeScore      Op = 2
	OpPickInputRowsets         Op = 3
	OpNewCumulativePoint       Op = 4
	OpCompactionLevel          Op = 5
)

// String returns the policy.Policy method name of the op.
func (o Op) String() string {
	switch o {
	case OpCalculateCumulativePoint:
		return "CalculateCumulativePoint"
	case OpCalcCumulativeScore:
		return "CalcCumulativeScore"
	case OpPickInputRowsets:
		return "PickInputRowsets"
	case OpNewCumulativePoint:
		return "NewCumulativePoint"
	case OpCompactionLevel:
		return "CompactionLevel"
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

// Request is one policy call.
type Request struct {
	// Op selects the policy.Policy method.
	Op Op
	// NowMs is the current time in unix milliseconds.
	NowMs int64
	// Config is the BE compaction configuration the policy is built with.
	Config policy.Config
	// Tablet is the tablet with all its rowsets.
	Tablet policy.Tablet
	// Cands, MaxScore, MinScore and AllowDelete are the PickInputRowsets arguments.
	Cands       []policy.Rowset
	MaxScore    int64
	MinScore    int64
	AllowDelete bool
	// Input, Output and LastDelete are the NewCumulativePoint / CompactionLevel arguments.
	Input      []policy.Rowset
	Output     policy.Rowset
	LastDelete policy.Version
}

// Response is the result of one policy call.
type Response struct {
	// Value is the int64 result of CalculateCumulativePoint, CalcCumulativeScore,
	// NewCumulativePoint or CompactionLevel.
	Value int64
	// PromotionSize is the tablet's CumulativePromotionSize after the call (SIZE_BASED caches it).
	PromotionSize int64
	// Pick is the PickInputRowsets result; Pick.Input aliases the request's candidates when it is
	// a contiguous run of them.
	Pick policy.PickResult
}

// minRowsetSize is the encoding of one rowset without its id: eight 8-byte integers, two bytes
// and the id's 4-byte length.
const minRowsetSize = 8*8 + 2 + 4

// EncodeConfig appends every field of c, in declaration order.
func EncodeConfig(e *wire.Encoder, c *policy.Config) {
	e.Int64(c.CompactionPromotionSizeMBytes)
	e.Float64(c.CompactionPromotionRatio)
	e.Int64(c.CompactionPromotionMinSizeMBytes)
	e.Int64(c.CompactionPromotionVersionCount)
	e.Int64(c.CompactionMinSizeMBytes)
	e.Int64(c.CumulativeCompactionMinDeltas)
	e.Int64(c.CumulativeCompactionMaxDeltas)
	e.Int64(c.CumulativeCompactionMaxDeltasFactor)
	e.Int64(c.BaseCompactionMinRowsetNum)
	e.Float64(c.BaseCompactionMinDataRatio)
	e.Int64(c.BaseCompactionMaxCompactionScore)
	e.Int64(c.MowBaseCompactionMaxCompactionScore)
	e.Int64(c.BaseCompactionIntervalSecondsSinceLastOperation)
	e.Int64(c.BaseCompactionDupKeyMaxFileSizeMBytes)
	e.Int64(c.PickRowsetToCompactIntervalSec)
	e.Bool(c.EnableDeleteWhenCumuCompaction)
	e.Int64(c.TabletSchedDelayTimeMs)
	e.Int64(c.SkipTabletCompactionSecond)
	e.Bool(c.EnableSkipTabletCompaction)
	e.Int64(c.CheckScoreRoundsNum)
	e.Int64(c.TabletRowsetStaleSweepTimeSec)
	e.Bool(c.TabletRowsetStaleSweepBySize)
	e.Int64(c.TabletRowsetStaleSweepThresholdSize)
	e.Int64(c.MinGarbageSweepInterval)
	e.Int64(c.MaxGarbageSweepInterval)
	e.Int64(c.CompactionKeepInvisibleVersionTimeoutSec)
	e.Int64(c.CompactionKeepInvisibleVersionMinCount)
	e.Int64(c.CompactionKeepInvisibleVersionMaxCount)
	e.Int64(c.CumulativeCompactionRoundsForEachBaseCompactionRound)
	e.Int64(c.GenerateCompactionTasksIntervalMs)
	e.Int64(c.CompactionTaskNumPerDisk)
	e.Int64(c.CompactionTaskNumPerFastDisk)
	e.Int64(c.LowPriorityCompactionTaskNumPerDisk)
	e.Int64(c.LowPriorityCompactionScoreThreshold)
	e.Int64(c.MaxBaseCompactionThreads)
	e.Int64(c.MaxCumuCompactionThreads)
	e.Int64(c.TotalPermitsForCompactionScore)
	e.Bool(c.DisableAutoCompaction)
	e.Int64(c.CompactionMaxRowsetCount)
	e.Int64(c.MinCompactionFailureIntervalMs)
	e.Int64(c.CompactionTimeoutSeconds)
	e.Int64(c.LeaseCompactionIntervalSeconds)
	e.Bool(c.EnableParallelCumuCompaction)
	e.Int64(c.BaseCompactionFreezeIntervalS)
	e.Int64(c.CumuCompactionIntervalS)
	e.Int64(c.CompactionLoadMaxFreezeIntervalS)
	e.Bool(c.EnableEmptyRowsetCompaction)
	e.Int64(c.EmptyRowsetCompactionMinCount)
	e.Float64(c.EmptyRowsetCompactionMinRatio)
	e.Bool(c.PrioritizeQueryPerfInCompaction)
}

// configSize is the encoded size of a Config.
const configSize = 351

// DecodeConfig reads what EncodeConfig wrote, as one fixed-layout block.
func DecodeConfig(d *wire.Decoder, c *policy.Config) {
	b := d.Take(configSize)
	if b == nil {
		return
	}
	c.CompactionPromotionSizeMBytes = int64(wire.U64(b[0:]))
	c.CompactionPromotionRatio = math.Float64frombits(wire.U64(b[8:]))
	c.CompactionPromotionMinSizeMBytes = int64(wire.U64(b[16:]))
	c.CompactionPromotionVersionCount = int64(wire.U64(b[24:]))
	c.CompactionMinSizeMBytes = int64(wire.U64(b[32:]))
	c.CumulativeCompactionMinDeltas = int64(wire.U64(b[40:]))
	c.CumulativeCompactionMaxDeltas = int64(wire.U64(b[48:]))
	c.CumulativeCompactionMaxDeltasFactor = int64(wire.U64(b[56:]))
	c.BaseCompactionMinRowsetNum = int64(wire.U64(b[64:]))
	c.BaseCompactionMinDataRatio = math.Float64frombits(wire.U64(b[72:]))
	c.BaseCompactionMaxCompactionScore = int64(wire.U64(b[80:]))
	c.MowBaseCompactionMaxCompactionScore = int64(wire.U64(b[88:]))
	c.BaseCompactionIntervalSecondsSinceLastOperation = int64(wire.U64(b[96:]))
	c.BaseCompactionDupKeyMaxFileSizeMBytes = int64(wire.U64(b[104:]))
	c.PickRowsetToCompactIntervalSec = int64(wire.U64(b[112:]))
	c.EnableDeleteWhenCumuCompaction = b[120] != 0
	c.TabletSchedDelayTimeMs = int64(wire.U64(b[121:]))
	c.SkipTabletCompactionSecond = int64(wire.U64(b[129:]))
	c.EnableSkipTabletCompaction = b[137] != 0
	c.CheckScoreRoundsNum = int64(wire.U64(b[138:]))
	c.TabletRowsetStaleSweepTimeSec = int64(wire.U64(b[146:]))
	c.TabletRowsetStaleSweepBySize = b[154] != 0
	c.TabletRowsetStaleSweepThresholdSize = int64(wire.U64(b[155:]))
	c.MinGarbageSweepInterval = int64(wire.U64(b[163:]))
	c.MaxGarbageSweepInterval = int64(wire.U64(b[171:]))
	c.CompactionKeepInvisibleVersionTimeoutSec = int64(wire.U64(b[179:]))
	c.CompactionKeepInvisibleVersionMinCount = int64(wire.U64(b[187:]))
	c.CompactionKeepInvisibleVersionMaxCount = int64(wire.U64(b[195:]))
	c.CumulativeCompactionRoundsForEachBaseCompactionRound = int64(wire.U64(b[203:]))
	c.GenerateCompactionTasksIntervalMs = int64(wire.U64(b[211:]))
	c.CompactionTaskNumPerDisk = int64(wire.U64(b[219:]))
	c.CompactionTaskNumPerFastDisk = int64(wire.U64(b[227:]))
	c.LowPriorityCompactionTaskNumPerDisk = int64(wire.U64(b[235:]))
	c.LowPriorityCompactionScoreThreshold = int64(wire.U64(b[243:]))
	c.MaxBaseCompactionThreads = int64(wire.U64(b[251:]))
	c.MaxCumuCompactionThreads = int64(wire.U64(b[259:]))
	c.TotalPermitsForCompactionScore = int64(wire.U64(b[267:]))
	c.DisableAutoCompaction = b[275] != 0
	c.CompactionMaxRowsetCount = int64(wire.U64(b[276:]))
	c.MinCompactionFailureIntervalMs = int64(wire.U64(b[284:]))
	c.CompactionTimeoutSeconds = int64(wire.U64(b[292:]))
	c.LeaseCompactionIntervalSeconds = int64(wire.U64(b[300:]))
	c.EnableParallelCumuCompaction = b[308] != 0
	c.BaseCompactionFreezeIntervalS = int64(wire.U64(b[309:]))
	c.CumuCompactionIntervalS = int64(wire.U64(b[317:]))
	c.CompactionLoadMaxFreezeIntervalS = int64(wire.U64(b[325:]))
	c.EnableEmptyRowsetCompaction = b[333] != 0
	c.EmptyRowsetCompactionMinCount = int64(wire.U64(b[334:]))
	c.EmptyRowsetCompactionMinRatio = math.Float64frombits(wire.U64(b[342:]))
	c.PrioritizeQueryPerfInCompaction = b[350] != 0
	for _, i := range configBoolOffsets {
		if b[i] > 1 {
			d.Fail("bad boolean %d in the config", b[i])
		}
	}
}

// configBoolOffsets are the offsets of the boolean fields in the config block.
var configBoolOffsets = [...]int{120, 137, 154, 275, 308, 333, 350}
