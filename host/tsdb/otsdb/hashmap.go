package otsdb

import "slices"

// Tag is one tag pair. ValueNull marks a JSON null value (Java null), which
// renders as null and fails validation with "...: null".
type Tag struct {
	Key       string
	Value     string
	ValueNull bool
}

// JavaStringHash is Java's String.hashCode over the UTF-16 code units of s
// (int32 arithmetic with wrap-around).
func JavaStringHash(s string) int32 {
	var h uint32
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			h = 31*h + uint32(0xD800+(r>>10))
			h = 31*h + uint32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + uint32(r)
	}
	return int32(h)
}

// javaSpread is HashMap.hash: h ^ (h >>> 16).
func javaSpread(s string) uint32 {
	h := uint32(JavaStringHash(s))
	return h ^ h>>16
}

// JavaTagOrder returns tags (given in insertion order, e.g. JSON order) as a
// java.util.HashMap<String,String> built by put()-ing them in that order
// would iterate: a repeated key keeps its first position and takes its last
// value; entries are ordered by bucket ((h ^ h>>>16) & (capacity-1)), ties in
// insertion order. Capacity starts at 16 and doubles when the size exceeds
// 3/4 of it or when a bucket reaches 9 entries below capacity 64. (Above
// that Java turns crowded buckets into trees, whose order is not modelled:
// insertion order is kept.) The result is a new slice; tags is not modified.
func JavaTagOrder(tags []Tag) []Tag {
	out := make([]Tag, len(tags))
	copy(out, tags)
	return javaTagOrderInPlace(out)
}

// javaTagOrderInPlace dedupes and reorders tags in place and returns the
// (possibly shorter) slice.
func javaTagOrderInPlace(tags []Tag) []Tag {
	tags = dedupeTags(tags)
	n := len(tags)
	if n < 2 {
		return tags
	}
	if n <= smallTagCount {
		var perm [smallTagCount]uint8
		if javaOrderSmall(tags, &perm) {
			return tags
		}
		var tmp [smallTagCount]Tag
		for i := range tags {
			tmp[i] = tags[perm[i]]
		}
		copy(tags, tmp[:n])
		return tags
	}
	hashes := make([]uint32, n)
	for i := range tags {
		hashes[i] = javaSpread(tags[i].Key)
	}
	capacity := javaCapacity(hashes)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	mask := uint32(capacity - 1)
	slices.SortStableFunc(idx, func(a, b int) int {
		return int(hashes[a]&mask) - int(hashes[b]&mask)
	})
	sorted := make([]Tag, n)
	for i, j := range idx {
		sorted[i] = tags[j]
	}
	copy(tags, sorted)
	return tags
}

// smallTagCount is the largest distinct-key count for which a HashMap
// cannot resize (16 buckets: no size or crowding trigger).
const smallTagCount = 8

// javaOrderSmall computes the Java iteration order of at most
// smallTagCount distinct keys as a permutation of indices into tags. It
// reports whether tags are already in that order.
func javaOrderSmall(tags []Tag, perm *[smallTagCount]uint8) (inOrder bool) {
	var buckets [smallTagCount]uint8
	inOrder = true
	for i := range tags {
		buckets[i] = uint8(javaSpread(tags[i].Key) & 15)
		perm[i] = uint8(i)
		if i > 0 && buckets[i] < buckets[i-1] {
			inOrder = false
		}
	}
	if inOrder {
		return true
	}
	for i := 1; i < len(tags); i++ { // stable insertion sort
		for j := i; j > 0 && buckets[j] < buckets[j-1]; j-- {
			buckets[j], buckets[j-1] = buckets[j-1], buckets[j]
			perm[j], perm[j-1] = perm[j-1], perm[j]
		}
	}
	return false
}

// javaCapacity replays HashMap.putVal's table growth for distinct keys with
// the given spread hashes inserted in order and returns the final capacity.
func javaCapacity(hashes []uint32) int {
	capacity := 16
	counts := make([]int, capacity)
	recount := func(upto int) {
		counts = make([]int, capacity)
		for _, h := range hashes[:upto] {
			counts[h&uint32(capacity-1)]++
		}
	}
	for i, h := range hashes {
		b := h & uint32(capacity-1)
		crowded := counts[b] >= 8 // this put makes the 9th node of the bin
		counts[b]++
		size := i + 1
		grew := false
		if crowded && capacity < 64 { // treeifyBin resizes instead
			capacity *= 2
			grew = true
		}
		if size > capacity*3/4 {
			capacity *= 2
			grew = true
		}
		if grew {
			recount(size)
		}
	}
	return capacity
}

// dedupeTags keeps the first position of each key with its last value,
// like repeated HashMap.put. It works in place.
func dedupeTags(tags []Tag) []Tag {
	n := len(tags)
	if n < 2 {
		return tags
	}
	if n <= 16 {
		if !hasDuplicateKey(tags) {
			return tags
		}
		out := tags[:0]
		for _, t := range tags {
			dup := false
			for k := range out {
				if out[k].Key == t.Key {
					out[k].Value, out[k].ValueNull = t.Value, t.ValueNull
					dup = true
					break
				}
			}
			if !dup {
				out = append(out, t)
			}
		}
		return out
	}
	pos := make(map[string]int, n)
	out := tags[:0]
	for _, t := range tags {
		if k, ok := pos[t.Key]; ok {
			out[k].Value, out[k].ValueNull = t.Value, t.ValueNull
			continue
		}
		pos[t.Key] = len(out)
		out = append(out, t)
	}
	return out
}

func hasDuplicateKey(tags []Tag) bool {
	for i := 1; i < len(tags); i++ {
		for j := 0; j < i; j++ {
			if tags[i].Key == tags[j].Key {
				return true
			}
		}
	}
	return false
}

// AppendJavaMap appends Java's AbstractMap.toString rendering of tags (in
// the given order): "{k=v, k2=v2}", null values as "null", "{}" when empty.
func AppendJavaMap(dst []byte, tags []Tag) []byte {
	dst = append(dst, '{')
	for i, t := range tags {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = append(dst, t.Key...)
		dst = append(dst, '=')
		if t.ValueNull {
			dst = append(dst, "null"...)
		} else {
			dst = append(dst, t.Value...)
		}
	}
	return append(dst, '}')
}

// JavaMapString returns Java's HashMap.toString rendering of tags (in the
// given order).
func JavaMapString(tags []Tag) string { return string(AppendJavaMap(nil, tags)) }
