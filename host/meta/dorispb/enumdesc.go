package dorispb

import "strconv"

// enumVal is one enumerator: its name and number.
type enumVal struct {
	name string
	num  int32
}

// enumDesc describes an enum type: its enumerators in declaration order.
// Descriptors are immutable package-level tables.
type enumDesc struct {
	values []enumVal
}

// byName returns the number of the enumerator with exactly this name
// (case-sensitive, like protobuf's FindEnumValueByNameOrNull).
func (d *enumDesc) byName(s string) (int32, bool) {
	for _, v := range d.values {
		if v.name == s {
			return v.num, true
		}
	}
	return 0, false
}

// byNum returns the name of the first enumerator with this number.
func (d *enumDesc) byNum(n int32) (string, bool) {
	for _, v := range d.values {
		if v.num == n {
			return v.name, true
		}
	}
	return "", false
}

// str returns the enumerator name, or the decimal number when unknown.
func (d *enumDesc) str(n int32) string {
	if s, ok := d.byNum(n); ok {
		return s
	}
	return strconv.FormatInt(int64(n), 10)
}
