package otsdb

import (
	"fmt"
	"slices"
	"testing"
)

func keysOf(tags []Tag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.Key
	}
	return out
}

func tagsOf(keys ...string) []Tag {
	out := make([]Tag, len(keys))
	for i, k := range keys {
		out[i] = Tag{Key: k, Value: "v" + k}
	}
	return out
}

func TestJavaStringHash(t *testing.T) {
	cases := []struct {
		s    string
		want int32
	}{
		{"", 0}, {"hello", 99162322}, {"host", 3208616}, {"web01", 113003605},
		{"sys.cpu.user", 1365505618}, {"😀", 1772899}, {"Aa", 2112}, {"BB", 2112},
	}
	for _, c := range cases {
		if got := JavaStringHash(c.s); got != c.want {
			t.Errorf("JavaStringHash(%q) = %d, want %d", c.s, got, c.want)
		}
	}
}

// TestJavaTagOrderSpec holds the JVM-verified examples of §2.
func TestJavaTagOrderSpec(t *testing.T) {
	cases := []struct{ in, want []string }{
		{[]string{"dc", "host"}, []string{"host", "dc"}},
		{[]string{"host", "dc"}, []string{"host", "dc"}},
		{[]string{"host", "owner"}, []string{"owner", "host"}},
		{[]string{"type", "host"}, []string{"host", "type"}},
		{[]string{"cpu", "user"}, []string{"cpu", "user"}},
		{[]string{"user", "cpu"}, []string{"cpu", "user"}},
		// HashMap<String,Object> summary keys: success, failed, errors (+timeouts).
		{[]string{"errors", "failed", "success", "timeouts"}, []string{"success", "timeouts", "failed", "errors"}},
		{[]string{"error", "datapoint"}, []string{"datapoint", "error"}},
	}
	for _, c := range cases {
		if got := keysOf(JavaTagOrder(tagsOf(c.in...))); !slices.Equal(got, c.want) {
			t.Errorf("JavaTagOrder(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestJavaTagOrderDedupe(t *testing.T) {
	in := []Tag{{Key: "dc", Value: "1"}, {Key: "host", Value: "a"}, {Key: "dc", Value: "2"}, {Key: "dc", ValueNull: true}}
	got := JavaTagOrder(in)
	want := []Tag{{Key: "host", Value: "a"}, {Key: "dc", ValueNull: true}}
	if !slices.Equal(got, want) {
		t.Errorf("JavaTagOrder dedupe = %v, want %v", got, want)
	}
	if in[0].Value != "1" || len(in) != 4 {
		t.Error("JavaTagOrder modified its input")
	}
}

// refHashMap is an independent model of java.util.HashMap's linked bins:
// append to the bin tail, resize when size > 0.75*capacity or (below 64)
// when a bin reaches 9 nodes, resize splitting bins in order.
type refHashMap struct {
	bins [][]string
	size int
}

func (m *refHashMap) put(k string) {
	if m.bins == nil {
		m.bins = make([][]string, 16)
	}
	h := javaSpread(k)
	b := h & uint32(len(m.bins)-1)
	for _, e := range m.bins[b] {
		if e == k {
			return
		}
	}
	m.bins[b] = append(m.bins[b], k)
	if len(m.bins[b]) >= 9 && len(m.bins) < 64 {
		m.resize()
	}
	m.size++
	if m.size > len(m.bins)*3/4 {
		m.resize()
	}
}

func (m *refHashMap) resize() {
	old := m.bins
	m.bins = make([][]string, 2*len(old))
	for j, bin := range old {
		for _, k := range bin {
			if javaSpread(k)&uint32(len(old)) == 0 {
				m.bins[j] = append(m.bins[j], k)
			} else {
				m.bins[j+len(old)] = append(m.bins[j+len(old)], k)
			}
		}
	}
}

func (m *refHashMap) keys() []string {
	var out []string
	for _, bin := range m.bins {
		out = append(out, bin...)
	}
	return out
}

func TestJavaTagOrderAgainstReference(t *testing.T) {
	// Keys with equal hashes collide ("Aa" == "BB"); build crowded bins too.
	collide := []string{"Aa", "BB"}
	var crowded []string
	for _, a := range collide {
		for _, b := range collide {
			for _, c := range collide {
				for _, d := range collide {
					crowded = append(crowded, a+b+c+d) // 16 keys, one hash
				}
			}
		}
	}
	sets := [][]string{crowded[:9], crowded[:10], crowded}
	for n := 1; n <= 60; n += 7 {
		var keys []string
		for i := 0; i < n; i++ {
			keys = append(keys, fmt.Sprintf("tag%d", i*7919%1000))
		}
		sets = append(sets, keys)
	}
	sets = append(sets, append(slices.Clone(crowded[:10]), "host", "dc", "owner", "type"))
	for _, keys := range sets {
		var ref refHashMap
		for _, k := range keys {
			ref.put(k)
		}
		got := keysOf(JavaTagOrder(tagsOf(keys...)))
		if want := ref.keys(); !slices.Equal(got, want) {
			t.Errorf("JavaTagOrder(%v)\n got  %v\n want %v", keys, got, want)
		}
	}
}

func TestJavaMapString(t *testing.T) {
	cases := []struct {
		tags []Tag
		want string
	}{
		{nil, "{}"},
		{[]Tag{{Key: "host", Value: "web01"}}, "{host=web01}"},
		{JavaTagOrder([]Tag{{Key: "dc", Value: "lga"}, {Key: "host", Value: "web01"}}), "{host=web01, dc=lga}"},
		{[]Tag{{Key: "k", ValueNull: true}}, "{k=null}"},
	}
	for _, c := range cases {
		if got := JavaMapString(c.tags); got != c.want {
			t.Errorf("JavaMapString(%v) = %q, want %q", c.tags, got, c.want)
		}
	}
}
