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
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// MinCredentialLength is the fewest characters a password or an API key's key may have; Validate refuses
// shorter ones. Messages are redacted by finding a secret as a whole value (see redactor): a short one
// stands as a whole word in ordinary messages ("p", "token", "failed"), and each such match garbles the
// message and shows whoever reads it what the secret is. Eight characters leaves only secrets that are
// themselves words, and is the minimum NIST SP 800-63B (5.1.1.2) sets for memorized secrets. Elasticsearch
// accepts native-realm passwords from 6 characters (Validation.Users.MIN_PASSWD_LENGTH in
// x-pack/plugin/core/src/main/java/org/elasticsearch/xpack/core/security/support/Validation.java), so
// a 6- or 7-character password it accepts is refused here. The API keys it creates have 22-character
// keys (ApiKeyService: UUIDs.randomBase64UUIDSecureString, 16 random bytes in unpadded base64url), and
// ECK generates 24-character elastic passwords (cloud-on-k8s pkg/controller/common/random.go).
// Tokens have no minimum: Elasticsearch issues long ones, and a short one is sent (Elasticsearch does
// not know it) and redacted as a whole value.
const MinCredentialLength = 8

const (
	// Redacted replaces a secret wherever one shows up in an error or error detail. Text that already
	// reads Redacted is taken as redacted: it is never searched, and it bounds the text on either side.
	Redacted = "[REDACTED]"
	// SecretRunLength is the length, in bytes, of the shortest piece of a secret that is redacted
	// wherever it appears, even inside a longer word: a truncated or partial echo of a secret keeps no run
	// of this many bytes (so of this many characters) of it.
	SecretRunLength = 12
)

// redactor is the final defence: whatever text leaves Invalidate passes through it. Elasticsearch does
// not normally echo secrets, but a parse error (Jackson quotes the source) or a proxy might.
//
// A secret is replaced where it stands as a whole value: each of its ends either is a character that
// cannot continue a word (anything but a letter, mark, digit or '_') or touches one, the end of the text,
// or another replacement. That covers the places secrets are echoed (quoted, after ':' or '=', between
// brackets, at the end of a header) without touching ordinary words that merely contain a short secret,
// so a message is neither garbled nor made to show what the secret is. Any SecretRunLength-byte run of a
// secret is replaced wherever it appears. Replacements that touch or overlap become one Redacted.
type redactor struct {
	values []string            // the secrets' forms, found as whole values
	runs   map[string]struct{} // every SecretRunLength-byte run of a value, found anywhere
}

// newRedactor redacts the request's secrets (a token and a refresh token; an API-key request has none)
// and the target's password and API key, in the forms they travel in.
func newRedactor(t Target, requestSecrets ...string) redactor {
	secrets := append([]string{t.Password, t.APIKey}, requestSecrets...)
	if t.Username != "" || t.Password != "" {
		// The Basic credentials as they travel in the Authorization header.
		secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(t.Username+":"+t.Password)))
	}
	if id, key, ok := decodeAPIKey(t.APIKey); ok {
		// The decoded API key; its id alone is not secret and Elasticsearch names it in 403s.
		secrets = append(secrets, id+":"+key, key)
	}
	return redactorOf(secrets...)
}

// redactorOf redacts each secret as given, trimmed of surrounding spaces, and JSON-escaped as it stands
// in a request body that Elasticsearch quotes back. A secret is split where it contains Redacted, since
// that text is never searched; each piece is redacted on its own.
func redactorOf(secrets ...string) redactor {
	r := redactor{runs: map[string]struct{}{}}
	seen := map[string]bool{}
	for _, s := range secrets {
		for _, form := range secretForms(s) {
			for _, v := range strings.Split(form, Redacted) {
				if v == "" || seen[v] {
					continue
				}
				seen[v] = true
				r.values = append(r.values, v)
				for i := 0; i+SecretRunLength <= len(v); i++ {
					r.runs[v[i:i+SecretRunLength]] = struct{}{}
				}
			}
		}
	}
	return r
}

// secretForms is s, s without surrounding spaces, and s JSON-escaped with and without HTML escaping (Go's
// encoder, which builds the request body, escapes <, > and &; Jackson, which quotes it back, does not).
func secretForms(s string) []string {
	forms := []string{s, strings.TrimSpace(s)}
	for _, escapeHTML := range []bool{true, false} {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(escapeHTML)
		if enc.Encode(s) == nil {
			quoted := strings.TrimSuffix(b.String(), "\n")
			forms = append(forms, quoted[1:len(quoted)-1])
		}
	}
	return forms
}

// String returns s with every secret replaced.
func (r redactor) String(s string) string {
	if len(r.values) == 0 || s == "" {
		return s
	}
	pieces := strings.Split(s, Redacted)
	for i, p := range pieces {
		pieces[i] = r.piece(p)
	}
	return strings.Join(pieces, Redacted)
}

// bounded returns s redacted and then cut to at most limit bytes (see truncate). A cut can turn what
// was part of a word into a whole value, so the cut text is redacted again; that adds at most one
// Redacted, at the cut, so cutting Redacted's length shorter fits (unless limit is tiny: then "").
func (r redactor) bounded(s string, limit int) string {
	s = r.String(s)
	for cut := limit; cut > 0; cut -= len(Redacted) {
		if t := r.String(truncate(s, cut)); len(t) <= limit {
			return t
		}
	}
	return ""
}

// text is a Type or Reason taken from a body: redacted, then bounded to MaxTextBytes.
func (r redactor) text(s string) string {
	return r.bounded(s, MaxTextBytes)
}

// error returns err with its message redacted, and its type and reason redacted and bounded.
func (r redactor) error(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		return newError(KindUnavailable, 0, r.String(err.Error()))
	}
	out := &Error{
		Kind:       e.Kind,
		StatusCode: e.StatusCode,
		Type:       r.text(e.Type),
		Reason:     r.text(e.Reason),
		msg:        r.String(e.msg),
		cause:      e.cause,
	}
	if e.cause != nil && r.String(e.cause.Error()) != e.cause.Error() {
		// The cause would reveal a secret through Unwrap; keep only its redacted text.
		out.cause = errors.New(r.String(e.cause.Error()))
	}
	return out
}

// result returns res with every error detail redacted and bounded.
func (r redactor) result(res Result) Result {
	if res.ErrorDetails == nil {
		return res
	}
	details := make([]ErrorCause, len(res.ErrorDetails))
	for i := range res.ErrorDetails {
		details[i] = *r.cause(&res.ErrorDetails[i])
	}
	res.ErrorDetails = details
	return res
}

// cause returns a copy of c with every type and reason in its chain redacted and bounded.
func (r redactor) cause(c *ErrorCause) *ErrorCause {
	if c == nil {
		return nil
	}
	return &ErrorCause{Type: r.text(c.Type), Reason: r.text(c.Reason), CausedBy: r.cause(c.CausedBy)}
}

// tooShort reports whether a secret has fewer than MinCredentialLength characters.
func tooShort(secret string) bool {
	return utf8.RuneCountInString(secret) < MinCredentialLength
}
