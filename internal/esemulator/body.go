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
	"strings"
	"unicode"
)

// jsonBody applies RestController's content-type check and
// RestRequest.contentParser's body requirement, then parses the body.
func jsonBody(req *request, p objectParser) (map[string]string, *response) {
	if len(req.body) > 0 {
		if resp := checkContentType(req.http.Header.Values("Content-Type")); resp != nil {
			return nil, resp
		}
	}
	if len(req.body) == 0 {
		resp := bodyRequiredError().response()
		return nil, &resp
	}
	values, x := p.parse(req.body)
	if x != nil {
		resp := x.response()
		return nil, &resp
	}
	return values, nil
}

// checkContentType answers 406 unless the body is JSON. Elasticsearch also
// reads YAML, CBOR and SMILE; the emulator does not.
func checkContentType(values []string) *response {
	var msg string
	switch {
	case len(values) == 0:
		msg = "Content-Type header is missing"
	case len(values) == 1 && isJSONMediaType(values[0]):
		return nil
	default:
		msg = fmt.Sprintf("Content-Type header [%s] is not supported", strings.Join(values, ", "))
	}
	resp := simpleError(http.StatusNotAcceptable, msg, true)
	return &resp
}

func isJSONMediaType(v string) bool {
	mt, _, _ := strings.Cut(v, ";")
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case "application/json", "application/x-ndjson", "application/vnd.elasticsearch+json":
		return true
	}
	return false
}

// hasText is Java's Strings.hasText: some character is not whitespace.
func hasText(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !javaWhitespace(r) }) >= 0
}

// javaWhitespace is Character.isWhitespace: separators except no-break
// spaces, and the ASCII control whitespace.
func javaWhitespace(r rune) bool {
	switch r {
	case '\u00a0', '\u2007', '\u202f':
		return false
	case '\t', '\n', '\v', '\f', '\r', '\u001c', '\u001d', '\u001e', '\u001f':
		return true
	}
	return unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp)
}
