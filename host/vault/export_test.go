package vault

import "context"

// ProbeState reports the probe flag a context carries: "true", "false" or
// "unset".
func ProbeState(ctx context.Context, _ *Prober) string {
	v, ok := probeFlag(ctx)
	switch {
	case !ok:
		return "unset"
	case v:
		return "true"
	}
	return "false"
}
