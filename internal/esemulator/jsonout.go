/*
Copyright 2026 The Token Revocation Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package esemulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// object is a JSON object whose keys keep their insertion order, because
// Elasticsearch writes its keys in a fixed order that clients may notice.
type object []field

type field struct {
	key   string
	value any
}

// obj builds an object from alternating keys and values.
func obj(kv ...any) object {
	o := make(object, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		o = append(o, field{key: kv[i].(string), value: kv[i+1]})
	}
	return o
}

// with returns o extended by the given keys and values.
func (o object) with(kv ...any) object {
	return append(append(object{}, o...), obj(kv...)...)
}

// encodeJSON renders v the way Elasticsearch's Jackson generator does:
// compact, keys in order, no HTML escaping; with pretty, as ?pretty does.
func encodeJSON(v any, pretty bool) []byte {
	w := &jsonWriter{pretty: pretty}
	w.value(v)
	if pretty {
		w.b.WriteByte('\n')
	}
	return w.b.Bytes()
}

// jsonWriter writes JSON; pretty output indents objects and arrays by two
// spaces per level and separates keys with " : ", like Elasticsearch.
type jsonWriter struct {
	b      bytes.Buffer
	pretty bool
	level  int
}

func (w *jsonWriter) value(v any) {
	switch x := v.(type) {
	case nil:
		w.b.WriteString(jsonNull)
	case string:
		writeJSONString(&w.b, x)
	case bool:
		w.b.WriteString(strconv.FormatBool(x))
	case int:
		w.b.WriteString(strconv.Itoa(x))
	case int64:
		w.b.WriteString(strconv.FormatInt(x, 10))
	case json.RawMessage:
		// A value stored as the client sent it (user and key metadata), written compact; pretty output
		// keeps it on one line.
		if json.Compact(&w.b, x) != nil {
			w.b.WriteString(jsonNull)
		}
	case object:
		w.container('{', '}', len(x), func(i int) {
			writeJSONString(&w.b, x[i].key)
			if w.pretty {
				w.b.WriteString(" : ")
			} else {
				w.b.WriteByte(':')
			}
			w.value(x[i].value)
		})
	case []string:
		w.container('[', ']', len(x), func(i int) { writeJSONString(&w.b, x[i]) })
	case []any:
		w.container('[', ']', len(x), func(i int) { w.value(x[i]) })
	default:
		panic(fmt.Sprintf("esemulator: cannot encode %T as JSON", v))
	}
}

func (w *jsonWriter) container(open, close byte, n int, item func(i int)) {
	w.b.WriteByte(open)
	if n == 0 {
		if w.pretty {
			w.b.WriteByte(' ')
		}
		w.b.WriteByte(close)
		return
	}
	w.level++
	for i := range n {
		if i > 0 {
			w.b.WriteByte(',')
		}
		w.newline()
		item(i)
	}
	w.level--
	w.newline()
	w.b.WriteByte(close)
}

func (w *jsonWriter) newline() {
	if w.pretty {
		w.b.WriteByte('\n')
		w.b.WriteString(strings.Repeat("  ", w.level))
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r)
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		default:
			b.WriteByte(c)
		}
		i++
	}
	b.WriteByte('"')
}
