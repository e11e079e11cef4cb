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

package elasticsearch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// maxMessageBytes bounds an error message: a type and reason per level of the error and its causes,
// plus our own words.
const maxMessageBytes = 2*es.MaxTextBytes*(es.MaxCauseDepth+1) + 1024

var fuzzSeeds = []struct {
	status int
	body   string
}{
	{200, bodyInvalidated}, {200, bodyPrevious}, {200, bodyPartial}, {404, bodyNotFound},
	{400, bodyNoIndex}, {400, bodyValidation}, {400, bodyBothTokens}, {400, bodyNoBody}, {400, bodyDisabled},
	{400, bodyNoHandler}, {400, bodyMediaType}, {405, bodyWrongMethod}, {401, bodyNoCredential},
	{403, bodyForbidden}, {403, bodyLicense}, {429, bodyRejected}, {500, bodyBasic7x}, {503, bodyUnavailable},
	{404, bodyIndexMissing}, {502, bodyNginx502}, {504, ""}, {200, "<<emulated garbage: not JSON>>\n"},
	{200, `{"invalidated_tokens":1e3,"previously_invalidated_tokens":0,"error_count":0}`},
	{200, `{"invalidated_tokens":0,"previously_invalidated_tokens":0,"error_count":1,"error_details":[null,"s",1,{"caused_by":"x"}]}`},
	{400, `{"error":null}`}, {400, `{"error":{}}`}, {400, `{"error":["a"]}`}, {500, `[]`}, {200, `null`},
}

func FuzzParseInvalidateResponse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.status, true, []byte(s.body))
	}
	f.Add(200, false, []byte(bodyInvalidated))
	f.Add(404, false, []byte(bodyNotFound))

	f.Fuzz(func(t *testing.T, status int, productHeader bool, body []byte) {

		res, err := es.ParseInvalidateResponse(status, fuzzHeader(productHeader), body)

		if err == nil {
			if status != http.StatusOK {
				t.Fatalf("status %d gave a Result", status)
			}
			checkResultBounds(t, res)
			return
		}
		var e *es.Error
		if !errors.As(err, &e) {
			t.Fatalf("the error is a %T, not an *Error", err)
		}
		if res.InvalidatedTokens != 0 || res.PreviouslyInvalidatedTokens != 0 || res.ErrorCount != 0 || res.ErrorDetails != nil {
			t.Fatalf("an error came with a non-empty Result")
		}
		checkErrorBounds(t, e)
		if !json.Valid(body) {
			checkBodyNotQuoted(t, e, status, fuzzHeader(productHeader), body)
		}
	})
}

// fuzzHeader is a JSON answer's header, with the product header or without.
func fuzzHeader(productHeader bool) http.Header {
	header := http.Header{"Content-Type": {"application/json"}}
	if productHeader {
		header.Set("X-Elastic-Product", "Elasticsearch")
	}
	return header
}

func checkResultBounds(t *testing.T, res es.Result) {
	t.Helper()
	if len(res.ErrorDetails) > es.MaxErrorDetails {
		t.Fatalf("%d error details kept", len(res.ErrorDetails))
	}
	for i := range res.ErrorDetails {
		depth := 0
		for c := &res.ErrorDetails[i]; c != nil; c = c.CausedBy {
			if depth > es.MaxCauseDepth {
				t.Fatalf("a cause chain is deeper than %d", es.MaxCauseDepth)
			}
			checkText(t, c.Type)
			checkText(t, c.Reason)
			depth++
		}
	}
}

func checkErrorBounds(t *testing.T, e *es.Error) {
	t.Helper()
	switch e.Kind {
	case es.KindTokenNotFound, es.KindInvalidRequest, es.KindTokenServiceDisabled, es.KindAPIKeyServiceDisabled,
		es.KindUnauthorized, es.KindForbidden, es.KindUnavailable, es.KindInvalidTarget:
	default:
		t.Fatalf("unexpected kind %q", e.Kind)
	}
	checkText(t, e.Type)
	checkText(t, e.Reason)
	if len(e.Error()) > maxMessageBytes || !utf8.ValidString(e.Error()) {
		t.Fatalf("the message is %d bytes or not UTF-8", len(e.Error()))
	}
}

func checkText(t *testing.T, s string) {
	t.Helper()
	if len(s) > es.MaxTextBytes || !utf8.ValidString(s) {
		t.Fatalf("a type or reason is %d bytes or not UTF-8", len(s))
	}
}

// checkBodyNotQuoted asserts that a body that is not JSON shows up in the message by size only: the
// message for a same-length body of other bytes is identical.
func checkBodyNotQuoted(t *testing.T, e *es.Error, status int, header http.Header, body []byte) {
	t.Helper()
	if e.Type != "" || e.Reason != "" {
		t.Fatalf("a body that is not JSON gave a type or reason")
	}
	_, other := es.ParseInvalidateResponse(status, header, bytes.Repeat([]byte("x"), len(body)))
	if other == nil || other.Error() != e.Error() {
		t.Fatalf("the message depends on the body's content: %q", e.Error())
	}
	if len(body) >= 8 && strings.Contains(e.Error(), string(body)) {
		t.Fatalf("the message quotes the body: %q", e.Error())
	}
}
