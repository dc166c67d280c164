package dorispb

// Opt is an optional proto2 scalar with explicit presence (the C++ "has-bit").
// The zero value is "not set". A set field may hold the zero value of T
// (for example a key present in JSON with "" is set).
type Opt[T any] struct {
	v  T
	ok bool
}

// Some returns an Opt that is set to v.
func Some[T any](v T) Opt[T] { return Opt[T]{v: v, ok: true} }

// Get returns the value, or the zero value of T when the field is not set
// (the proto2 getter for fields without an explicit default).
func (o Opt[T]) Get() T { return o.v }

// Has reports whether the field is set (the proto2 has_xxx()).
func (o Opt[T]) Has() bool { return o.ok }

// Value returns the value and whether it is set.
func (o Opt[T]) Value() (T, bool) { return o.v, o.ok }

// Set stores v and marks the field as set.
func (o *Opt[T]) Set(v T) { o.v, o.ok = v, true }

// Clear marks the field as not set and drops its value.
func (o *Opt[T]) Clear() { *o = Opt[T]{} }
