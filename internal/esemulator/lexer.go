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
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

const (
	// jsonNull is JSON's null literal.
	jsonNull = "null"
	// jsonTrue and jsonFalse are JSON's boolean literals.
	jsonTrue  = "true"
	jsonFalse = "false"
	// kindString is Jackson's name of a string token.
	kindString = "VALUE_STRING"
	// javaNull is how Java renders a null reference in a message, as in
	// Jackson's current token at the end of the input.
	javaNull = "null"
)

// lexer walks JSON text and knows Jackson's [line:column] of each token.
type lexer struct {
	src       []byte
	pos       int
	line      int
	lineStart int
	lastField string
	lastValue string
}

func (l *lexer) loc() string {
	return fmt.Sprintf("[%d:%d]", l.line, l.pos-l.lineStart+1)
}

func (l *lexer) eof() bool { return l.pos >= len(l.src) }

func (l *lexer) skipSpace() {
	for !l.eof() {
		switch l.src[l.pos] {
		case ' ', '\t':
		case '\n':
			l.line, l.lineStart = l.line+1, l.pos+1
		case '\r':
			if l.pos+1 < len(l.src) && l.src[l.pos+1] == '\n' {
				l.pos++
			}
			l.line, l.lineStart = l.line+1, l.pos+1
		default:
			return
		}
		l.pos++
	}
}

// unexpected reports the character at the cursor.
func (l *lexer) unexpected(expecting string) *esError {
	if l.eof() {
		return malformed(l.loc(), "Unexpected end-of-input: "+expecting)
	}
	c := l.src[l.pos]
	return malformed(l.loc(), fmt.Sprintf("Unexpected character ('%c' (code %d)): %s", c, c, expecting))
}

// nextEntry moves to the next field name; done reports the end of the object.
func (l *lexer) nextEntry(first bool) (done bool, x *esError) {
	l.skipSpace()
	if l.eof() {
		return false, malformed(l.loc(), "Unexpected end-of-input: expected close marker for Object")
	}
	if l.src[l.pos] == '}' && first {
		l.pos++
		return true, nil
	}
	if !first {
		switch l.src[l.pos] {
		case '}':
			l.pos++
			return true, nil
		case ',':
			l.pos++
			l.skipSpace()
		default:
			return false, l.unexpected("was expecting comma to separate Object entries")
		}
	}
	if l.eof() || l.src[l.pos] != '"' {
		return false, l.unexpected("was expecting double-quote to start field name")
	}
	return false, nil
}

func (l *lexer) fieldName() (string, *esError) {
	l.pos++
	return l.stringBody()
}

func (l *lexer) colon() *esError {
	l.skipSpace()
	if l.eof() || l.src[l.pos] != ':' {
		return l.unexpected("was expecting a colon to separate field name and value")
	}
	l.pos++
	l.skipSpace()
	return nil
}

// valueKind names the token at the cursor as Jackson does. Objects, arrays
// and strings are left unread; numbers and literals are consumed.
func (l *lexer) valueKind() (string, *esError) {
	if l.eof() {
		return javaNull, nil
	}
	switch c := l.src[l.pos]; {
	case c == '{':
		return "START_OBJECT", nil
	case c == '[':
		return "START_ARRAY", nil
	case c == '"':
		return kindString, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return l.number()
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return l.literal()
	}
	return "", l.unexpected("expected a value")
}

func (l *lexer) number() (string, *esError) {
	start, loc := l.pos, l.loc()
	for !l.eof() && strings.IndexByte("0123456789+-.eE", l.src[l.pos]) >= 0 {
		l.pos++
	}
	if _, err := strconv.ParseFloat(string(l.src[start:l.pos]), 64); err != nil {
		return "", malformed(loc, fmt.Sprintf("Invalid numeric value: '%s'", l.src[start:l.pos]))
	}
	return "VALUE_NUMBER", nil
}

func (l *lexer) literal() (string, *esError) {
	start, loc := l.pos, l.loc()
	for !l.eof() && isWordByte(l.src[l.pos]) {
		l.pos++
	}
	switch word := string(l.src[start:l.pos]); word {
	case jsonTrue, jsonFalse:
		return "VALUE_BOOLEAN", nil
	case jsonNull:
		return "VALUE_NULL", nil
	default:
		return "", malformed(loc, fmt.Sprintf("Unrecognized token '%s': was expecting "+
			"(JSON String, Number, Array, Object or token 'null', 'true' or 'false')", word))
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// stringBody reads a string whose opening quote was consumed.
func (l *lexer) stringBody() (string, *esError) {
	var b strings.Builder
	for {
		if l.eof() {
			return "", malformed(l.loc(), "Unexpected end-of-input: was expecting closing quote for a string value")
		}
		c := l.src[l.pos]
		switch {
		case c == '"':
			l.pos++
			return b.String(), nil
		case c == '\\':
			if x := l.escape(&b); x != nil {
				return "", x
			}
		case c < 0x20:
			return "", malformed(l.loc(), fmt.Sprintf("Illegal unquoted character ((CTRL-CHAR, code %d)): "+
				"has to be escaped using backslash to be included in string value", c))
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
}

var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func (l *lexer) escape(b *strings.Builder) *esError {
	l.pos++
	if l.eof() {
		return malformed(l.loc(), "Unexpected end-of-input in character escape sequence")
	}
	c := l.src[l.pos]
	if r, ok := simpleEscapes[c]; ok {
		b.WriteByte(r)
		l.pos++
		return nil
	}
	if c != 'u' {
		return malformed(l.loc(), fmt.Sprintf("Unrecognized character escape '%c' (code %d)", c, c))
	}
	r1, ok := l.hex4()
	if !ok {
		return malformed(l.loc(), "Unexpected character: expected a hex-digit for character escape sequence")
	}
	if utf16.IsSurrogate(r1) && strings.HasPrefix(string(l.src[l.pos:]), `\u`) {
		l.pos++
		if r2, ok := l.hex4(); ok {
			b.WriteRune(utf16.DecodeRune(r1, r2))
			return nil
		}
	}
	b.WriteRune(r1)
	return nil
}

// hex4 reads "uXXXX" at the cursor.
func (l *lexer) hex4() (rune, bool) {
	if l.pos+5 > len(l.src) {
		return 0, false
	}
	// Four hex digits fit 16 bits; bitSize 16 makes that bound explicit for the rune conversion.
	n, err := strconv.ParseUint(string(l.src[l.pos+1:l.pos+5]), 16, 16)
	if err != nil {
		return 0, false
	}
	l.pos += 5
	return rune(n), true
}
