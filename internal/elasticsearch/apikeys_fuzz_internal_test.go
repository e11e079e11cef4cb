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

// FuzzClassifyAPIKeyAnswerOfAnyGeneration classifies arbitrary invalidate API key answers as a target
// of unknown version would, for any set of body fields sent: nothing panics, a refused field is only
// ever one that was sent, what is learned is a range, and an error comes with an empty result of a
// known Kind and a bounded message.
func FuzzClassifyAPIKeyAnswerOfAnyGeneration(f *testing.F) {
	f.Add(200, 0b10, []byte(`{"invalidated_api_keys":["a"],"previously_invalidated_api_keys":[],"error_count":0}`))
	f.Add(400, 0b10, []byte(`{"error":{"type":"x_content_parse_exception","reason":"[1:2] [invalidate_api_key] unknown field [ids], parser not found"},"status":400}`))
	f.Add(400, 0b100001, []byte(`{"error":{"type":"x_content_parse_exception","reason":"[1:9] [invalidate_api_key] unknown field [owner]"},"status":400}`))
	f.Add(400, 0b1, []byte(`{"error":{"type":"x_content_parse_exception","reason":"[1:2] [invalidate_api_key] unknown field [id]"},"status":400}`))
	f.Add(400, 0, []byte("No handler found for uri [/_security/api_key] and method [DELETE]"))
	f.Add(400, 0, []byte(`{"error":{"type":"feature_not_enabled_exception","reason":"api keys are not enabled"},"status":400}`))

	f.Fuzz(func(t *testing.T, status, fields int, body []byte) {
		a := newAnswer(status, http.Header{"Content-Type": {"application/json"}}, body)
		a.version, a.sent = anyVersion, apiKeyMode
		all := []string{"id", fieldIDs, "name", "realm_name", "username", fieldOwner}
		for i, name := range all {
			if fields&(1<<i) != 0 {
				a.keyFields = append(a.keyFields, name)
			}
		}

		res, err := a.classifyAPIKeys()

		if refused := a.refusedKeyField(); refused != "" {
			sent := false
			for _, f := range a.keyFields {
				sent = sent || f == refused
			}
			if !sent {
				t.Fatalf("a field that was not sent was refused: %q", refused)
			}
		}
		for _, l := range limitsOf(a) {
			if l.hi.less(l.lo) {
				t.Fatalf("an empty range was learned: %v–%v", l.lo, l.hi)
			}
		}
		if err == nil {
			if status != http.StatusOK || res.InvalidatedIDs == nil || res.PreviouslyInvalidatedIDs == nil {
				t.Fatalf("status %d gave a result %#v", status, res)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("the error is a %T", err)
		}
		if res.InvalidatedIDs != nil || res.PreviouslyInvalidatedIDs != nil || res.ErrorCount != 0 {
			t.Fatalf("an error came with a result")
		}
		switch e.Kind {
		case KindInvalidRequest, KindAPIKeyServiceDisabled, KindUnauthorized, KindForbidden, KindUnavailable,
			KindInvalidTarget, KindUnsupported:
		default:
			t.Fatalf("unexpected kind %q", e.Kind)
		}
		if len(e.Error()) > 16*MaxTextBytes || !utf8.ValidString(e.Error()) {
			t.Fatalf("the message is %d bytes or not UTF-8", len(e.Error()))
		}
	})
}
