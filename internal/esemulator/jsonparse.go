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
	"net/http"
	"slices"
	"strings"
)

// Field names of the request bodies the objectParsers read.
const (
	fieldGrantType      = "grant_type"
	fieldUsername       = "username"
	fieldPassword       = "password"
	fieldKerberosTicket = "kerberos_ticket"
	fieldScope          = "scope"
	fieldToken          = "token"
	fieldRefreshToken   = "refresh_token"
	fieldRealmName      = "realm_name"
)

// objectParser parses a flat JSON object of optional string fields the way
// Elasticsearch's ConstructingObjectParser does, with its error messages
// and [line:column] locations.
type objectParser struct {
	name    string
	fields  []string
	dialect parseDialect // how an unknown field is reported
	// lists are the fields declared with declareStringArray, bools with declareBoolean; the other
	// fields are strings. A list is kept in values as encodeList writes it, a boolean as "true"/"false".
	lists, bools []string
	// build is the constructor; a non-nil error is wrapped like buildTarget wraps it.
	build func(values map[string]string) *esError
}

// listMark starts each item of a list kept in a string (encodeList), so that [] and [""] differ.
const listMark = "\x1e"

func encodeList(items []string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(listMark + it)
	}
	return b.String()
}

// decodeList reverses encodeList; nil for a field that was not sent.
func decodeList(v string, sent bool) []string {
	if !sent {
		return nil
	}
	if v == "" {
		return []string{}
	}
	return strings.Split(v[len(listMark):], listMark)
}

// parse returns the fields present in body, or the 400 Elasticsearch answers.
func (p objectParser) parse(body []byte) (map[string]string, *esError) {
	l := &lexer{src: body, line: 1}
	l.skipSpace()
	start := l.loc()
	kind, x := l.valueKind()
	if x != nil {
		return nil, x
	}
	if kind != "START_OBJECT" {
		return nil, parseError(start, fmt.Sprintf("[%s] Expected START_OBJECT but was: %s", p.name, kind))
	}
	l.pos++
	values := map[string]string{}
	built := false
	for first := true; ; first = false {
		done, x := l.nextEntry(first)
		if x != nil {
			return nil, x
		}
		if done {
			break
		}
		if x := p.entry(l, values); x != nil {
			return nil, x
		}
		if !built && len(values) == len(p.fields) {
			built = true
			if x := p.construct(values); x != nil {
				return nil, wrapParseError(l.lastValue, fmt.Sprintf("[%s] failed to parse field [%s]", p.name, l.lastField), x)
			}
		}
	}
	if !built {
		if x := p.construct(values); x != nil {
			return nil, x
		}
	}
	return values, nil
}

// entry reads one "name": value pair into values.
func (p objectParser) entry(l *lexer, values map[string]string) *esError {
	fieldLoc := l.loc()
	name, x := l.fieldName()
	if x != nil {
		return x
	}
	if _, dup := values[name]; dup {
		return malformed(fieldLoc, fmt.Sprintf("Duplicate field '%s'", name))
	}
	if x := l.colon(); x != nil {
		return x
	}
	valueLoc, valueStart := l.loc(), l.pos
	kind, x := l.valueKind()
	if x != nil {
		return x
	}
	if !slices.Contains(p.fields, name) {
		return p.unknownField(fieldLoc, name)
	}
	if typed, x := p.typedValue(l, name, kind, valueStart, values); typed || x != nil {
		l.lastField, l.lastValue = name, valueLoc
		return x
	}
	if kind != kindString {
		return parseError(valueLoc, fmt.Sprintf("[%s] %s doesn't support values of type: %s", p.name, name, kind))
	}
	l.pos++
	s, x := l.stringBody()
	if x != nil {
		return x
	}
	switch {
	case slices.Contains(p.lists, name):
		// ObjectParser takes a single value for an array field as a list of one.
		s = encodeList([]string{s})
	case slices.Contains(p.bools, name) && s != jsonTrue && s != jsonFalse:
		return parseError(valueLoc, fmt.Sprintf("[%s] failed to parse field [%s]", p.name, name))
	}
	values[name] = s
	l.lastField, l.lastValue = name, valueLoc
	return nil
}

// typedValue reads a boolean literal of a boolean field or an array of a list field into values; typed
// is false for every other value, which entry reads as a string.
func (p objectParser) typedValue(l *lexer, name, kind string, start int, values map[string]string) (typed bool, x *esError) {
	switch {
	case slices.Contains(p.bools, name) && kind == "VALUE_BOOLEAN":
		values[name] = string(l.src[start:l.pos])
		return true, nil
	case slices.Contains(p.lists, name) && kind == "START_ARRAY":
		items, x := p.stringArray(l, name)
		if x != nil {
			return true, x
		}
		values[name] = encodeList(items)
		return true, nil
	}
	return false, nil
}

// stringArray reads a JSON array of strings at the cursor. An item of another type gets the same
// message as a field of the wrong type (unverified for arrays (u)).
func (p objectParser) stringArray(l *lexer, name string) ([]string, *esError) {
	l.pos++
	items := []string{}
	for first := true; ; first = false {
		l.skipSpace()
		if l.eof() {
			return nil, malformed(l.loc(), "Unexpected end-of-input: expected close marker for Array")
		}
		if l.src[l.pos] == ']' {
			l.pos++
			return items, nil
		}
		if !first {
			if l.src[l.pos] != ',' {
				return nil, l.unexpected("was expecting comma to separate Array entries")
			}
			l.pos++
			l.skipSpace()
		}
		loc := l.loc()
		kind, x := l.valueKind()
		if x != nil {
			return nil, x
		}
		if kind != kindString {
			return nil, parseError(loc, fmt.Sprintf("[%s] %s doesn't support values of type: %s", p.name, name, kind))
		}
		l.pos++
		item, x := l.stringBody()
		if x != nil {
			return nil, x
		}
		items = append(items, item)
	}
}

// unknownField is ObjectParser's error for an undeclared field, in the
// dialect of the emulated version (see esVersion.parseDialect).
func (p objectParser) unknownField(loc, name string) *esError {
	msg := fmt.Sprintf("[%s] unknown field [%s]", p.name, name)
	switch p.dialect {
	case dialectIllegalArgument:
		return illegalArgument(msg + ", parser not found")
	case dialectParserNotFound:
		return parseError(loc, msg+", parser not found")
	}
	return parseError(loc, msg+didYouMean(name, p.fields))
}

func (p objectParser) construct(values map[string]string) *esError {
	if p.build == nil {
		return nil
	}
	if x := p.build(values); x != nil {
		return wrapParseError("", fmt.Sprintf("Failed to build [%s] after last required field arrived", p.name), x)
	}
	return nil
}

// parseError is an XContentParseException: not an ElasticsearchException,
// so it is its own root cause.
func parseError(loc, msg string) *esError {
	return wrapParseError(loc, msg, nil)
}

func wrapParseError(loc, msg string, cause *esError) *esError {
	if loc != "" {
		msg = loc + " " + msg
	}
	x := newError(http.StatusBadRequest, "x_content_parse_exception", msg)
	x.plain, x.cause = true, cause
	return x
}

// malformed is a JSON syntax error reported by the JSON parser.
func malformed(loc, msg string) *esError {
	cause := newError(0, "json_parse_exception", msg)
	cause.plain = true
	return wrapParseError(loc, msg, cause)
}

func illegalArgument(msg string) *esError {
	x := newError(http.StatusBadRequest, "illegal_argument_exception", msg)
	x.plain = true
	return x
}
