package vectors

import (
	"testing"

	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/sizebased"
	"github.com/metahost/metahost/sdk/policy/timeseries"
)

// Native builds the native policy a vector names.
func native(v *Vector) policy.Policy {
	if v.Policy == policy.NameTimeSeries {
		return timeseries.New(&v.Config)
	}
	return sizebased.New(&v.Config)
}

func TestVectorsNative(t *testing.T) {
	all := All()
	if n := len(For(policy.NameSizeBased)); n != 19 {
		t.Errorf("%d SIZE_BASED vectors, want 19 (S-1..S-20 without S-11)", n)
	}
	if n := len(For(policy.NameTimeSeries)); n < 5 {
		t.Errorf("%d TIME_SERIES vectors", n)
	}
	for i := range all {
		v := &all[i]
		t.Run(v.ID, func(t *testing.T) {
			if err := Check(native(v), v); err != nil {
				t.Error(err)
			}
		})
	}
}

// A wrong expectation must be reported: the checker cannot pass everything.
func TestCheckDetectsMismatch(t *testing.T) {
	for _, v := range All()[:3] {
		v.WantScore++
		if err := Check(native(&v), &v); err == nil {
			t.Errorf("%s: a wrong score passed", v.ID)
		}
	}
}
