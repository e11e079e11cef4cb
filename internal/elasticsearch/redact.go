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
	"cmp"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
)

// Redacted replaces a secret wherever one shows up in an error or error detail.
const Redacted = "[REDACTED]"

// redactor is the final defence: whatever text leaves Invalidate passes through it. Elasticsearch does
// not normally echo secrets, but a parse error (Jackson quotes the source) or a proxy might.
type redactor struct {
	replacer *strings.Replacer
}

func newRedactor(t Target, req InvalidateRequest) redactor {
	secrets := []string{req.Token, req.RefreshToken, t.Password, t.APIKey}
	if t.Username != "" || t.Password != "" {
		// The Basic credentials as they travel in the Authorization header.
		secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(t.Username+":"+t.Password)))
	}
	if id, key, ok := decodeAPIKey(t.APIKey); ok {
		// The decoded API key; its id alone is not secret and Elasticsearch names it in 403s.
		secrets = append(secrets, id+":"+key, key)
	}
	secrets = slices.DeleteFunc(secrets, func(s string) bool { return s == "" })
	// Longest first, so a secret that contains another is replaced whole.
	slices.SortFunc(secrets, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	secrets = slices.Compact(secrets)
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, Redacted)
	}
	return redactor{replacer: strings.NewReplacer(pairs...)}
}

// String returns s with every secret replaced.
func (r redactor) String(s string) string {
	return r.replacer.Replace(s)
}

// error returns err with its message, type, reason and cause redacted.
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
		Type:       r.String(e.Type),
		Reason:     r.String(e.Reason),
		msg:        r.String(e.msg),
		cause:      e.cause,
	}
	if e.cause != nil && r.String(e.cause.Error()) != e.cause.Error() {
		// The cause would reveal a secret through Unwrap; keep only its redacted text.
		out.cause = errors.New(r.String(e.cause.Error()))
	}
	return out
}

// result returns res with every error detail redacted.
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

func (r redactor) cause(c *ErrorCause) *ErrorCause {
	if c == nil {
		return nil
	}
	return &ErrorCause{Type: r.String(c.Type), Reason: r.String(c.Reason), CausedBy: r.cause(c.CausedBy)}
}
