package dorispb

import "strconv"

// DebugString returns m in protobuf text format exactly as C++
// Message::DebugString() of protobuf 21 prints it: one "name: value" line
// per set field (one line per element of repeated fields) in field-number
// order, nested messages as "name {" ... "}" indented by two spaces per
// level, strings and bytes quoted with C escapes (\n \r \t \" \' \\ and
// three-digit octal for every other byte outside 0x20-0x7E, so non-ASCII
// UTF-8 appears as octal), enums by name (number when not declared), map
// entries as "name { key: ... value: ... }" sorted by key, and unknown enum
// values last as "<number>: <uint64 value>".
// Example: a GetTabletStatsResponse with status {code OK, msg ""} prints as
// "status {\n  code: OK\n  msg: \"\"\n}\n".
func DebugString(m Message) string {
	p := textPrinter{}
	p.message(m)
	return string(p.buf)
}

// ShortDebugString returns m in single-line text format like C++
// Message::ShortDebugString(): fields separated by single spaces, nested
// messages as "name { ... }", without a trailing space.
func ShortDebugString(m Message) string {
	p := textPrinter{single: true}
	p.message(m)
	b := p.buf
	if len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// textPrinter implements walker for the text format.
type textPrinter struct {
	buf    []byte
	indent int
	single bool
}

func (p *textPrinter) message(m Message) { m.walk(p) }

// start writes the indentation and the field name.
func (p *textPrinter) start(name string) {
	if !p.single {
		for range p.indent {
			p.buf = append(p.buf, ' ', ' ')
		}
	}
	p.buf = append(p.buf, name...)
}

// scalar writes "name: " and leaves the value to the caller; end() finishes.
func (p *textPrinter) scalar(name string) {
	p.start(name)
	p.buf = append(p.buf, ':', ' ')
}

func (p *textPrinter) end() {
	if p.single {
		p.buf = append(p.buf, ' ')
	} else {
		p.buf = append(p.buf, '\n')
	}
}

func (p *textPrinter) openMsg(name string) {
	p.start(name)
	if p.single {
		p.buf = append(p.buf, " { "...)
	} else {
		p.buf = append(p.buf, " {\n"...)
	}
	p.indent++
}

func (p *textPrinter) closeMsg() {
	p.indent--
	if !p.single {
		for range p.indent {
			p.buf = append(p.buf, ' ', ' ')
		}
	}
	p.buf = append(p.buf, '}')
	p.end()
}

func (p *textPrinter) subMessage(name string, m Message) {
	p.openMsg(name)
	p.message(m)
	p.closeMsg()
}

func (p *textPrinter) str(name, s string) {
	p.scalar(name)
	p.buf = appendCEscapedQuoted(p.buf, s)
	p.end()
}

func (p *textPrinter) int(name string, v int64) {
	p.scalar(name)
	p.buf = strconv.AppendInt(p.buf, v, 10)
	p.end()
}

func (p *textPrinter) enum(name string, d *enumDesc, v int32) {
	p.scalar(name)
	if s, ok := d.byNum(v); ok {
		p.buf = append(p.buf, s...)
	} else {
		p.buf = strconv.AppendInt(p.buf, int64(v), 10)
	}
	p.end()
}

func (p *textPrinter) field(_ int32, name string, ref any) {
	switch r := ref.(type) {
	case *Opt[string]:
		if r.ok {
			p.str(name, r.v)
		}
	case *Opt[int64]:
		if r.ok {
			p.int(name, r.v)
		}
	case *Opt[int32]:
		if r.ok {
			p.int(name, int64(r.v))
		}
	case *Opt[bool]:
		if r.ok {
			p.scalar(name)
			p.buf = strconv.AppendBool(p.buf, r.v)
			p.end()
		}
	case *Opt[[]byte]:
		if r.ok {
			p.str(name, string(r.v))
		}
	case enumField:
		if v, ok := r.get(); ok {
			p.enum(name, r.enumDesc(), v)
		}
	case msgField:
		if sub := r.get(); sub != nil {
			p.subMessage(name, sub)
		}
	case *[]string:
		for _, s := range *r {
			p.str(name, s)
		}
	case *[]int64:
		for _, v := range *r {
			p.int(name, v)
		}
	case *[]int32:
		for _, v := range *r {
			p.int(name, int64(v))
		}
	case enumList:
		d := r.enumDesc()
		for i := range r.length() {
			p.enum(name, d, r.at(i))
		}
	case msgList:
		for i := range r.length() {
			p.subMessage(name, r.at(i))
		}
	case *map[string]string:
		for _, k := range sortedKeys(*r) {
			p.openMsg(name)
			p.str("key", k)
			p.str("value", (*r)[k])
			p.closeMsg()
		}
	case *unknownFields:
		for _, f := range *r {
			p.scalar(strconv.Itoa(int(f.num)))
			p.buf = strconv.AppendUint(p.buf, uint64(int64(f.val)), 10)
			p.end()
		}
	}
}

// appendCEscapedQuoted appends s quoted and escaped like protobuf's CEscape.
func appendCEscapedQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '"':
			dst = append(dst, '\\', '"')
		case '\'':
			dst = append(dst, '\\', '\'')
		case '\\':
			dst = append(dst, '\\', '\\')
		default:
			if c < 0x20 || c >= 0x7f {
				dst = append(dst, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
			} else {
				dst = append(dst, c)
			}
		}
	}
	return append(dst, '"')
}
