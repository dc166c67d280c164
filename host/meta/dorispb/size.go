package dorispb

// ByteSize returns the protobuf binary wire size of m, like C++
// Message::ByteSizeLong(): every set field is counted with its tag; varints
// of negative int32 and enum values take 10 bytes; repeated fields are not
// packed (proto2 default); map entries always count both key and value;
// unknown enum values kept by Unmarshal are counted too. add_obj_info uses it
// on the ObjectStoreInfoPB as received (the 1024-byte limit of spec §6.2).
func ByteSize(m Message) int {
	s := sizer{}
	m.walk(&s)
	return s.n
}

// sizer implements walker, summing the encoded size of the fields it visits.
type sizer struct{ n int }

const (
	wireVarint = 0
	wireBytes  = 2
)

func varintSize(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func tagSize(num int32, wire int) int {
	return varintSize(uint64(fieldNumber(num))<<3 | uint64(wire))
}

// lenSize is the size of a length-delimited payload of n bytes with its length prefix.
func lenSize(n int) int { return varintSize(uint64(n)) + n }

func (s *sizer) field(num int32, _ string, ref any) {
	switch r := ref.(type) {
	case *Opt[string]:
		if r.ok {
			s.n += tagSize(num, wireBytes) + lenSize(len(r.v))
		}
	case *Opt[int64]:
		if r.ok {
			s.n += tagSize(num, wireVarint) + varintSize(uint64(r.v))
		}
	case *Opt[int32]:
		if r.ok {
			s.n += tagSize(num, wireVarint) + varintSize(uint64(int64(r.v)))
		}
	case *Opt[bool]:
		if r.ok {
			s.n += tagSize(num, wireVarint) + 1
		}
	case *Opt[[]byte]:
		if r.ok {
			s.n += tagSize(num, wireBytes) + lenSize(len(r.v))
		}
	case enumField:
		if v, ok := r.get(); ok {
			s.n += tagSize(num, wireVarint) + varintSize(uint64(int64(v)))
		}
	case msgField:
		if sub := r.get(); sub != nil {
			s.n += tagSize(num, wireBytes) + lenSize(ByteSize(sub))
		}
	case *[]string:
		for _, v := range *r {
			s.n += tagSize(num, wireBytes) + lenSize(len(v))
		}
	case *[]int64:
		for _, v := range *r {
			s.n += tagSize(num, wireVarint) + varintSize(uint64(v))
		}
	case *[]int32:
		for _, v := range *r {
			s.n += tagSize(num, wireVarint) + varintSize(uint64(int64(v)))
		}
	case enumList:
		for i := range r.length() {
			s.n += tagSize(num, wireVarint) + varintSize(uint64(int64(r.at(i))))
		}
	case msgList:
		for i := range r.length() {
			s.n += tagSize(num, wireBytes) + lenSize(ByteSize(r.at(i)))
		}
	case *map[string]string:
		for k, v := range *r {
			entry := 1 + lenSize(len(k)) + 1 + lenSize(len(v))
			s.n += tagSize(num, wireBytes) + lenSize(entry)
		}
	case *unknownFields:
		for _, f := range *r {
			s.n += tagSize(f.num, wireVarint) + varintSize(uint64(int64(f.val)))
		}
	}
}
