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
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"

	. "github.com/onsi/gomega"
)

func TestRedactorFindsSecretsAsWholeValuesAndRunsOnly(t *testing.T) {
	t.Parallel()
	const token = "dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu" // 32 characters
	tests := []struct {
		name, text, want string
		secrets          []string
	}{
		{"quoted", `password "hunter2xyz" refused`, `password "[REDACTED]" refused`, []string{"hunter2xyz"}},
		{"after : and =", "pw:hunter2xyz, pw=hunter2xyz", "pw:[REDACTED], pw=[REDACTED]", []string{"hunter2xyz"}},
		{"in brackets and at the ends", "hunter2xyz [hunter2xyz] hunter2xyz", "[REDACTED] [[REDACTED]] [REDACTED]", []string{"hunter2xyz"}},
		{"inside longer words it stays", "hunter2xyzzy xhunter2xyz hunter2xyz_2", "hunter2xyzzy xhunter2xyz hunter2xyz_2", []string{"hunter2xyz"}},
		{"a short secret does not garble words", "https://es.example: Elasticsearch says so",
			"https://es.example: Elasticsearch says so", []string{"p", "s", "lasticse", "ttps"}},
		{"a short token is found as a whole value", "failed to invalidate token [tok] tokens", "failed to invalidate token [[REDACTED]] tokens",
			[]string{"tok"}},
		{"a run of a long secret is found anywhere", "Bearer xx" + token[3:20] + "… (cut)", "Bearer xx[REDACTED]… (cut)", []string{token}},
		{"a run beside a short value makes it whole", "hunter2xyz" + token[:12] + " end", "[REDACTED] end", []string{token, "hunter2xyz"}},
		{"values apart are marked apart", "hunter2xyz:" + token, "[REDACTED]:[REDACTED]", []string{token, "hunter2xyz"}},
		{"the JSON-escaped form is found", `source [{"token":"a\u003cb\"c\\d"}]`, `source [{"token":"[REDACTED]"}]`, []string{`a<b"c\d`}},
		{"the trimmed form is found", "token [abc-token-9] unknown", "token [[REDACTED]] unknown", []string{" abc-token-9\n"}},
		{"a mark already there is left alone", "[REDACTED] and REDACTED", "[REDACTED] and [REDACTED]", []string{"REDACTED"}},
		{"a secret holding the mark is found by its pieces", "x[REDACTED]hunter2xyz", "x[REDACTED][REDACTED]", []string{"[REDACTED]hunter2xyz"}},
		{"a character is never split", "é日本語 x", "é[REDACTED] x", []string{"\x97\xa5本語"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			r := redactorOf(tt.secrets...)

			got := r.String(tt.text)

			g.Expect(got).To(Equal(tt.want))
			g.Expect(r.String(got)).To(Equal(got), "redaction is idempotent")
			g.Expect(utf8.ValidString(got)).To(BeTrue())
		})
	}
}

func TestNewRedactorFindsCredentialsInTheFormsTheyTravelIn(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	basic := Target{Username: "revoker", Password: "pw-Revoker-7f3a9c"}
	apiKey := Target{APIKey: base64.StdEncoding.EncodeToString([]byte("key-id-4411:key-secret-9d2c7e5a"))}
	req := InvalidateRequest{Token: "access-token-c0ffee", RefreshToken: "refresh-token-decaf"}
	text := "Basic cmV2b2tlcjpwdy1SZXZva2VyLTdmM2E5Yw== ApiKey " + apiKey.APIKey +
		" key-id-4411:key-secret-9d2c7e5a [key-secret-9d2c7e5a] key-id-4411 access-token-c0ffee refresh-token-decaf"

	g.Expect(newRedactor(basic, req.Token, req.RefreshToken).String(text)).To(Equal("Basic [REDACTED] ApiKey " + apiKey.APIKey +
		" key-id-4411:key-secret-9d2c7e5a [key-secret-9d2c7e5a] key-id-4411 [REDACTED] [REDACTED]"))
	g.Expect(newRedactor(apiKey, req.Token, req.RefreshToken).String(text)).To(Equal("Basic cmV2b2tlcjpwdy1SZXZva2VyLTdmM2E5Yw== ApiKey [REDACTED] " +
		"[REDACTED] [[REDACTED]] key-id-4411 [REDACTED] [REDACTED]"))
}

func TestBoundedRedactsBeforeItCutsAndAfter(t *testing.T) {
	t.Parallel()
	token := strings.Repeat("dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu", 64) // 2,048 characters
	tests := []struct {
		name, text, want string
		limit            int
		secrets          []string
	}{
		{"a long secret is redacted whole, not cut first", "bad token [" + token + "] here", "bad token [[REDACTED]] here", 30,
			[]string{token}},
		{"a cut that makes a word a whole value redacts it", "see hunter2xyzabcdef", "see [REDACTED]…", 17, []string{"hunter2xyz"}},
		{"a cut that would overflow by the mark cuts shorter", "see hunter2xabcdef", "se…", 15, []string{"hunter2x"}},
		{"text that fits and has no secret is kept", "nothing secret", "nothing secret", 14, []string{"hunter2xyz"}},
		{"a text without secrets is only cut", "0123456789abcdef", "0123456789a…", 14, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)

			got := redactorOf(tt.secrets...).bounded(tt.text, tt.limit)

			g.Expect(got).To(Equal(tt.want))
			g.Expect(len(got)).To(BeNumerically("<=", tt.limit))
		})
	}
}
