package dorispb

import "maps"

// Reset clears every field of m (C++ Message::Clear()).
func Reset(m Message) { m.walk(resetter{}) }

// resetter implements walker, clearing each field.
type resetter struct{}

func (resetter) field(_ int32, _ string, ref any) {
	switch r := ref.(type) {
	case *Opt[string]:
		r.Clear()
	case *Opt[int64]:
		r.Clear()
	case *Opt[int32]:
		r.Clear()
	case *Opt[bool]:
		r.Clear()
	case *Opt[[]byte]:
		r.Clear()
	case enumField:
		r.clear()
	case msgField:
		r.clear()
	case *[]string:
		*r = nil
	case *[]int64:
		*r = nil
	case *[]int32:
		*r = nil
	case enumList:
		r.clear()
	case msgList:
		r.clear()
	case *map[string]string:
		*r = nil
	case *unknownFields:
		*r = nil
	}
}

// Clone returns a deep copy of m (C++ CopyFrom into a new message),
// including unknown enum values. It returns nil for a nil m.
func Clone[T any, PT msgPtr[T]](m PT) PT {
	if m == nil {
		return nil
	}
	dst := PT(new(T))
	copyMessage(dst, m)
	return dst
}

// copyMessage deep-copies src into dst, which must be an empty message of
// the same type.
func copyMessage(dst, src Message) {
	c := refCollector{}
	src.walk(&c)
	dst.walk(&copier{src: c.refs})
}

// refCollector implements walker, recording the field refs in walk order.
type refCollector struct{ refs []any }

func (c *refCollector) field(_ int32, _ string, ref any) { c.refs = append(c.refs, ref) }

// copier implements walker, copying the i-th collected source ref into the
// i-th visited destination field.
type copier struct {
	src []any
	i   int
}

func (c *copier) field(_ int32, _ string, ref any) {
	s := c.src[c.i]
	c.i++
	switch r := ref.(type) {
	case *Opt[string]:
		*r = *s.(*Opt[string])
	case *Opt[int64]:
		*r = *s.(*Opt[int64])
	case *Opt[int32]:
		*r = *s.(*Opt[int32])
	case *Opt[bool]:
		*r = *s.(*Opt[bool])
	case *Opt[[]byte]:
		o := *s.(*Opt[[]byte])
		if o.ok {
			r.Set(append([]byte{}, o.v...))
		}
	case enumField:
		if v, ok := s.(enumField).get(); ok {
			r.set(v)
		}
	case msgField:
		if sub := s.(msgField).get(); sub != nil {
			copyMessage(r.mutable(), sub)
		}
	case *[]string:
		*r = append([]string(nil), *s.(*[]string)...)
	case *[]int64:
		*r = append([]int64(nil), *s.(*[]int64)...)
	case *[]int32:
		*r = append([]int32(nil), *s.(*[]int32)...)
	case enumList:
		sl := s.(enumList)
		for i := range sl.length() {
			r.add(sl.at(i))
		}
	case msgList:
		sl := s.(msgList)
		for i := range sl.length() {
			copyMessage(r.add(), sl.at(i))
		}
	case *map[string]string:
		*r = maps.Clone(*s.(*map[string]string))
	case *unknownFields:
		*r = append(unknownFields(nil), *s.(*unknownFields)...)
	}
}
