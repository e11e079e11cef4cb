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

package elasticsearch

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// The seeds run as ordinary tests with `go test`; `go test ./internal/elasticsearch -run XXX
// -fuzz FuzzRedactor` (or FuzzRedactedAnswer) searches further.

var redactSeeds = []struct{ text, secret1, secret2 string }{
	{"", "", ""},
	{"https://es.example:9200 Elasticsearch answered 401", "hunter2xyz", ""},
	{"unable to authenticate user [u] with password [hunter2xyz] at https://es", "hunter2xyz", ""},
	{"hunter2xyzzy and xhunter2xyz stay; hunter2xyz_old stays too", "hunter2xyz", ""},
	{"Elasticsearch is not garbled by a password it contains", "lasticse", "asticsea"},
	{`{"token":"dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu"}`, "dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu", ""},
	{"token=dGhpcyBpcyBub3Qg… (a truncated echo)", "dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu", ""},
	{"a token that is a short word: failed to invalidate token", "token", "a"},
	{"adjacent: 0123456789abHUNTER", "0123456789abcdef", "HUNTER"},
	{"[REDACTED] pw [REDACTED]x REDACTED [[REDACTED]]", "REDACTED", "x[REDACTED]y"},
	{"[REDACTED]abcdefgh]", "]abcdefgh", "[REDAC"},
	{"pässwörd: pässwörd, passwörd", "pässwörd", "wörd"},
	{"caf\u00e9 cafe\u0301 cafe", "cafe", ""},
	{"invalid \xff\xfe bytes \xe6\x97 and 日本語日本語日本語", "\x97\xa5日本語日本語", "\xff\xfe"},
	{"  spaced  ", "  spaced  ", "\n"},
	{`{"reason":"bad \u003ctoken\u003e \"q\""}`, `<token> "q"`, ""},
	{strings.Repeat("ab", 40), strings.Repeat("ab", 10), "b"},
}

func FuzzRedactor(f *testing.F) {
	for _, s := range redactSeeds {
		f.Add(s.text, s.secret1, s.secret2, uint16(40))
	}
	f.Fuzz(func(t *testing.T, text, secret1, secret2 string, limit uint16) {
		r := redactorOf(secret1, secret2)
		values := checkedValues(secret1, secret2)

		out := r.String(text)

		if where := survivor(out, values); where != "" {
			t.Fatalf("%s survives in %q", where, out)
		}
		if again := r.String(out); again != out {
			t.Fatalf("redacting again changed %q to %q", out, again)
		}
		if survivor(text, values) == "" && out != text {
			t.Fatalf("a text without secrets changed from %q to %q", text, out)
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("valid UTF-8 became invalid: %q", out)
		}
		checkBounded(t, r, text, values, int(limit))
	})
}

// checkBounded asserts that bounded keeps within limit, leaves no secret, and changes nothing that needs
// neither cutting nor redaction.
func checkBounded(t *testing.T, r redactor, text string, values []string, limit int) {
	t.Helper()
	limit = 3 + limit%(2*MaxTextBytes)
	b := r.bounded(text, limit)
	if len(b) > limit {
		t.Fatalf("bounded to %d gave %d bytes", limit, len(b))
	}
	if where := survivor(b, values); where != "" {
		t.Fatalf("%s survives bounding: %q", where, b)
	}
	if out := r.String(text); len(out) <= limit && b != out {
		t.Fatalf("bounding %q, which fits, changed it to %q", out, b)
	}
}

func FuzzRedactedAnswer(f *testing.F) {
	for _, s := range redactSeeds {
		f.Add(400, s.text, s.secret1, s.secret2)
	}
	long := strings.Repeat("dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu", 70)
	f.Add(401, "bad token ["+long+"]", long, "hunter2xyz")
	f.Add(200, long+long, long, "")
	f.Add(404, strings.Repeat("é", 600)+"hunter2xyz", "hunter2xyz", "")
	f.Fuzz(func(t *testing.T, status int, text, secret1, secret2 string) {
		r := redactorOf(secret1, secret2)
		values := checkedValues(secret1, secret2)
		body := answerQuoting(status, text)

		res, err := parseInvalidateResponse(status, http.Header{"X-Elastic-Product": {"Elasticsearch"}}, body, r)
		res, err = r.result(res), r.error(err) // as Invalidate does

		var texts []string
		if e, ok := err.(*Error); ok {
			texts = append(texts, e.Type, e.Reason)
			if where := survivor(e.Error(), values); where != "" {
				t.Fatalf("%s survives in the message %q", where, e.Error())
			}
		}
		for i := range res.ErrorDetails {
			for c := &res.ErrorDetails[i]; c != nil; c = c.CausedBy {
				texts = append(texts, c.Type, c.Reason)
			}
		}
		for _, s := range texts {
			if len(s) > MaxTextBytes {
				t.Fatalf("a type or reason is %d bytes", len(s))
			}
			if where := survivor(s, values); where != "" {
				t.Fatalf("%s survives in %q", where, s)
			}
		}
	})
}

// answerQuoting is an Elasticsearch answer that quotes text in every type and reason it has: error
// details for a 200, an error body otherwise.
func answerQuoting(status int, text string) []byte {
	cause := map[string]any{"type": text, "reason": text, "caused_by": map[string]any{"type": text, "reason": text}}
	body := map[string]any{"error": cause, "status": status}
	if status == http.StatusOK {
		body = map[string]any{"invalidated_tokens": 0, "previously_invalidated_tokens": 0, "error_count": 1,
			"error_details": []any{cause}}
	}
	b, _ := json.Marshal(body)
	return b
}

// checkedValues is what must not survive of the secrets: every form redactorOf is given to find, split
// where it reads Redacted (that text is never searched).
func checkedValues(secrets ...string) []string {
	var values []string
	for _, s := range secrets {
		for _, form := range secretForms(s) {
			for _, v := range strings.Split(form, Redacted) {
				if v != "" {
					values = append(values, v)
				}
			}
		}
	}
	return values
}

// survivor names what of a secret text still shows outside Redacted marks: a SecretRunLength-byte run
// anywhere, or a whole value (both ends at the text's end, a Redacted mark, or a word boundary). It is
// written apart from the redactor, from the rules only; "" means nothing survives.
func survivor(text string, values []string) string {
	for _, piece := range strings.Split(text, Redacted) {
		for _, v := range values {
			for i := 0; i+SecretRunLength <= len(v); i++ {
				if strings.Contains(piece, v[i:i+SecretRunLength]) {
					return "a run of a secret"
				}
			}
			for i := strings.Index(piece, v); i >= 0; i = nextIndex(piece, v, i) {
				if wholeAt(piece, v, i) {
					return "a whole secret"
				}
			}
		}
	}
	return ""
}

func nextIndex(s, v string, i int) int {
	k := strings.Index(s[i+1:], v)
	if k < 0 {
		return -1
	}
	return i + 1 + k
}

var wordChar = regexp.MustCompile(`^[\p{L}\p{M}\p{N}_]$`)

func wholeAt(piece, v string, i int) bool {
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	before, _ := utf8.DecodeLastRuneInString(piece[:i])
	after, _ := utf8.DecodeRuneInString(piece[i+len(v):])
	startOK := i == 0 || !wordChar.MatchString(string(first)) || !wordChar.MatchString(string(before))
	endOK := i+len(v) == len(piece) || !wordChar.MatchString(string(last)) || !wordChar.MatchString(string(after))
	return startOK && endOK
}
