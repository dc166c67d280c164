package dorispb

// Message is implemented by every protobuf message type of this package.
// Its methods are unexported: the codecs in this package are the only
// consumers, and only types declared here can be messages.
type Message interface {
	// protoName returns the fully qualified protobuf name, e.g.
	// "doris.cloud.ClusterPB". It must not dereference its receiver.
	protoName() string
	// walk calls w.field once per field, in field-number order, and
	// finally once with number 0 and the message's unknownFields.
	walk(w walker)
}

// walker receives the fields of a message. ref is one of:
//
//	*Opt[string], *Opt[int64], *Opt[int32], *Opt[bool], *Opt[[]byte],
//	*[]string, *[]int64, *[]int32, *map[string]string,
//	enumField, enumList, msgField, msgList, *unknownFields.
//
// num is the field number, possibly or-ed with requiredBit.
type walker interface {
	field(num int32, name string, ref any)
}

// requiredBit marks a proto2 "required" field in the num passed to walker.field.
const requiredBit int32 = 1 << 30

// req marks field number n as required.
const req = requiredBit

// fieldNumber strips requiredBit.
func fieldNumber(num int32) int32 { return num &^ requiredBit }

// unknownField is an enum value that proto2 parsing could not map to a
// declared enumerator: C++ keeps it in the message's UnknownFieldSet, so it
// is invisible to has_xxx() but is still serialized, printed by the JSON and
// text printers (after all known fields) and counted by ByteSizeLong.
type unknownField struct {
	num      int32
	name     string
	repeated bool
	val      int32
}

// unknownFields is the list of unknown enum values of one message, in
// arrival order.
type unknownFields []unknownField

// enumType is the constraint satisfied by the enum types of this package.
type enumType interface {
	~int32
	desc() *enumDesc
}

// enumField is an optional enum field.
type enumField interface {
	enumDesc() *enumDesc
	get() (int32, bool)
	set(v int32)
	clear()
}

// enumList is a repeated enum field.
type enumList interface {
	enumDesc() *enumDesc
	length() int
	at(i int) int32
	add(v int32)
	clear()
}

// msgField is an optional message field.
type msgField interface {
	typeName() string
	get() Message // nil when not set
	mutable() Message
	clear()
}

// msgList is a repeated message field.
type msgList interface {
	typeName() string
	length() int
	at(i int) Message
	add() Message
	clear()
}

type enumOpt[E enumType] struct{ p *Opt[E] }

func (r enumOpt[E]) enumDesc() *enumDesc      { var z E; return z.desc() }
func (r enumOpt[E]) get() (int32, bool)       { return int32(r.p.v), r.p.ok }
func (r enumOpt[E]) set(v int32)              { r.p.Set(E(v)) }
func (r enumOpt[E]) clear()                   { r.p.Clear() }
func enumRef[E enumType](p *Opt[E]) enumField { return enumOpt[E]{p} }

type enumSlice[E enumType] struct{ p *[]E }

func (r enumSlice[E]) enumDesc() *enumDesc { var z E; return z.desc() }
func (r enumSlice[E]) length() int         { return len(*r.p) }
func (r enumSlice[E]) at(i int) int32      { return int32((*r.p)[i]) }
func (r enumSlice[E]) add(v int32)         { *r.p = append(*r.p, E(v)) }
func (r enumSlice[E]) clear()              { *r.p = nil }
func enumsRef[E enumType](p *[]E) enumList { return enumSlice[E]{p} }

// msgPtr is the constraint "pointer to T that is a Message".
type msgPtr[T any] interface {
	*T
	Message
}

type msgOpt[T any, PT msgPtr[T]] struct{ p **T }

func (r msgOpt[T, PT]) typeName() string { return PT(nil).protoName() }
func (r msgOpt[T, PT]) get() Message {
	if *r.p == nil {
		return nil
	}
	return PT(*r.p)
}
func (r msgOpt[T, PT]) mutable() Message {
	if *r.p == nil {
		*r.p = new(T)
	}
	return PT(*r.p)
}
func (r msgOpt[T, PT]) clear() { *r.p = nil }

func msgRef[T any, PT msgPtr[T]](p **T) msgField { return msgOpt[T, PT]{p} }

type msgSlice[T any, PT msgPtr[T]] struct{ p *[]*T }

func (r msgSlice[T, PT]) typeName() string { return PT(nil).protoName() }
func (r msgSlice[T, PT]) length() int      { return len(*r.p) }
func (r msgSlice[T, PT]) at(i int) Message {
	e := (*r.p)[i]
	if e == nil {
		// A nil element cannot exist in C++; treat it as an empty message.
		e = new(T)
	}
	return PT(e)
}
func (r msgSlice[T, PT]) add() Message {
	e := new(T)
	*r.p = append(*r.p, e)
	return PT(e)
}
func (r msgSlice[T, PT]) clear() { *r.p = nil }

func msgsRef[T any, PT msgPtr[T]](p *[]*T) msgList { return msgSlice[T, PT]{p} }
