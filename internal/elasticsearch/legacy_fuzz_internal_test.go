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
	"errors"
	"net/http"
	"testing"
	"unicode/utf8"
)

// FuzzClassifyAnswerOfAnyGeneration classifies arbitrary answers as a target of unknown version would:
// headerless bodies may be trusted there, so every rule for 6.x and 7.x runs. Nothing panics, an error
// comes with an empty Result of a known Kind and a bounded message, and a 6.x or 7.x shape only ever
// narrows what is known.
func FuzzClassifyAnswerOfAnyGeneration(f *testing.F) {
	f.Add(200, 0, []byte(`{"created":true}`), "")
	f.Add(200, 1, []byte(`{"created":false,"invalidated_tokens":0,"previously_invalidated_tokens":1,"error_count":0}`), "")
	f.Add(401, 0, []byte(`{"error":{"type":"security_exception","reason":"token malformed"},"status":401}`),
		`Bearer realm="security", error="invalid_token"`)
	f.Add(400, 1, []byte(`{"error":{"type":"security_exception","reason":"invalid_grant"},"status":400}`), "")
	f.Add(400, 2, []byte(`{"error":{"type":"parsing_exception","reason":"[invalidate_token] unknown field [username]"},"status":400}`), "")
	f.Add(400, 0, []byte("No handler found for uri [/_security/oauth2/token] and method [DELETE]"), "")
	f.Add(500, 0, []byte(`{"error":{"type":"illegal_state_exception","reason":"tokens are not enabled"},"status":500}`), "")
	f.Add(301, 0, []byte(""), "https://u:p@elsewhere/?q=1")

	f.Fuzz(func(t *testing.T, status, mode int, body []byte, extra string) {
		header := http.Header{"Content-Type": {"application/json"}, "WWW-Authenticate": {extra}, "Location": {extra}}
		a := newAnswer(status, header, body)
		a.version, a.sent = anyVersion, requestMode(((mode%3)+3)%3)

		res, err := a.classify()
		lims := limitsOf(a)

		for _, l := range lims {
			if l.hi.less(l.lo) {
				t.Fatalf("an empty range was learned: %v–%v", l.lo, l.hi)
			}
		}
		if err == nil {
			if status != http.StatusOK {
				t.Fatalf("status %d gave a Result", status)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("the error is a %T", err)
		}
		if res.InvalidatedTokens != 0 || res.PreviouslyInvalidatedTokens != 0 || res.ErrorCount != 0 {
			t.Fatalf("an error came with counts")
		}
		switch e.Kind {
		case KindTokenNotFound, KindInvalidRequest, KindTokenServiceDisabled, KindUnauthorized, KindForbidden,
			KindUnavailable, KindInvalidTarget, KindUnsupported:
		default:
			t.Fatalf("unexpected kind %q", e.Kind)
		}
		if len(e.Error()) > 16*MaxTextBytes || !utf8.ValidString(e.Error()) {
			t.Fatalf("the message is %d bytes or not UTF-8", len(e.Error()))
		}
	})
}
