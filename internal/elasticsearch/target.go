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
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout is the per-request timeout used when Target.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Target is where and how to call Elasticsearch. It prints (String, GoString, Format and gomega's
// GomegaString) with its URL only: credentials and the CA are never shown.
type Target struct {
	// URL is the Elasticsearch endpoint, for example https://es.example:9200. It may carry a path prefix
	// (for a proxy) but no credentials, query or fragment.
	URL string
	// APIKey is the encoded API key (base64 of id:key, the "encoded" field of the create API key
	// response); it is sent as "ApiKey <value>". Set it or Username and Password, not both.
	APIKey string
	// Username is the user for HTTP Basic authentication, together with Password.
	Username string
	// Password is the password for HTTP Basic authentication.
	Password string
	// CACert is PEM; when set, its certificates are the only roots trusted. TLS is always verified.
	CACert []byte
	// Timeout bounds one invalidate call; 0 means DefaultTimeout.
	Timeout time.Duration
	// Version is the target's Elasticsearch version when known ("7.10.2", "7.10" or "6"; 6.0 or later),
	// from an ECK Elasticsearch's spec.version, a connection Secret or a flag. Empty means unknown: the
	// version is then learned from the answers. It decides the path, how answers are read, and which
	// requests fail as KindUnsupported before any call.
	Version string
}

// Validate reports every problem that makes the Target unusable, as one error of Kind KindInvalidTarget
// naming each field at fault but never its value. Exactly one kind of credentials is required.
func (t Target) Validate() error {
	var problems []string
	problems = append(problems, t.urlProblems()...)
	problems = append(problems, t.authProblems()...)
	if len(t.CACert) > 0 && !x509.NewCertPool().AppendCertsFromPEM(t.CACert) {
		problems = append(problems, "caCert: no PEM-encoded certificate could be parsed")
	}
	if t.Timeout < 0 {
		problems = append(problems, "timeout: must not be negative")
	}
	if _, ok := parseVersion(t.Version); t.Version != "" && !ok {
		problems = append(problems, `version: is not an Elasticsearch version of 6.0 or later, such as "7.10.2", "7.10" or "6"`)
	}
	if len(problems) == 0 {
		return nil
	}
	return newError(KindInvalidTarget, 0, "invalid Elasticsearch target: "+strings.Join(problems, "; "))
}

func (t Target) urlProblems() []string {
	if t.URL == "" {
		return []string{"url: is empty"}
	}
	if !strings.Contains(t.URL, "://") {
		// "es.example:9200" parses as scheme "es.example", and "10.0.0.1:9200" not at all.
		return []string{"url: has no scheme; write it as https://host:9200 (or http://host:9200 without TLS)"}
	}
	u, err := url.Parse(t.URL)
	if err != nil {
		// err repeats the URL, which could hold credentials: keep only our own words.
		return []string{"url: cannot be parsed"}
	}
	var problems []string
	if u.Scheme != "http" && u.Scheme != "https" {
		problems = append(problems, "url: scheme must be http or https")
	}
	if u.Host == "" {
		problems = append(problems, "url: has no host")
	}
	if u.User != nil {
		problems = append(problems, "url: must not contain credentials (set username and password, or apiKey)")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		problems = append(problems, "url: must not have a query or fragment")
	}
	return problems
}

func (t Target) authProblems() []string {
	hasKey := t.APIKey != ""
	hasBasic := t.Username != "" || t.Password != ""
	switch {
	case hasKey && hasBasic:
		return []string{"credentials: set either apiKey or username and password, not both"}
	case hasKey:
		return apiKeyProblems(t.APIKey)
	case hasBasic:
		return basicAuthProblems(t.Username, t.Password)
	default:
		return []string{"credentials: none set; set apiKey, or username and password"}
	}
}

func apiKeyProblems(key string) []string {
	if strings.TrimSpace(key) != key {
		return []string{"apiKey: has leading or trailing whitespace (often a newline from echo)"}
	}
	id, secret, ok := decodeAPIKey(key)
	if !ok || id == "" || secret == "" {
		return []string{`apiKey: is not an encoded API key; use base64 of id:key, the "encoded" field of the create API key response`}
	}
	if tooShort(secret) {
		return []string{fmt.Sprintf("apiKey: its key (after the id and ':') is shorter than %d characters, too short to keep "+
			"out of messages safely; use a key Elasticsearch created (22 characters)", MinCredentialLength)}
	}
	return nil
}

// decodeAPIKey splits an encoded API key into its id and key, accepting padded and unpadded base64.
func decodeAPIKey(key string) (id, secret string, ok bool) {
	return decodeAPIKeyWith(key, base64.StdEncoding, base64.RawStdEncoding)
}

// decodeAPIKeyWith decodes id:api_key from the first of the encodings that reads key.
func decodeAPIKeyWith(key string, encodings ...*base64.Encoding) (id, secret string, ok bool) {
	for _, encoding := range encodings {
		if raw, err := encoding.DecodeString(key); err == nil {
			return strings.Cut(string(raw), ":")
		}
	}
	return "", "", false
}

func basicAuthProblems(username, password string) []string {
	var problems []string
	if username == "" {
		problems = append(problems, "username: is empty but password is set")
	}
	if password == "" {
		problems = append(problems, "password: is empty but username is set")
	} else if tooShort(password) {
		problems = append(problems, fmt.Sprintf("password: is shorter than %d characters, too short to keep out of "+
			"messages safely; use a longer password", MinCredentialLength))
	}
	if strings.Contains(username, ":") {
		problems = append(problems, "username: must not contain ':' (HTTP Basic authentication cannot carry it)")
	}
	return problems
}

// timeout is the effective per-request timeout.
func (t Target) timeout() time.Duration {
	if t.Timeout == 0 {
		return DefaultTimeout
	}
	return t.Timeout
}

// safeURL is the URL with any userinfo, query and fragment removed, for messages.
func (t Target) safeURL() string {
	u, err := url.Parse(t.URL)
	if err != nil {
		return "(unparseable URL)"
	}
	u.User, u.RawQuery, u.Fragment, u.ForceQuery = nil, "", "", false
	return u.String()
}

func (t Target) authDescription() string {
	switch {
	case t.APIKey != "":
		return "apiKey"
	case t.Username != "" || t.Password != "":
		return "basic(" + t.Username + ")"
	default:
		return "none"
	}
}

// String describes the Target without secrets: its URL, the kind of credentials, the CA size, the
// timeout and the configured version.
func (t Target) String() string {
	version := ""
	if t.Version != "" {
		version = fmt.Sprintf(", version: %q", t.Version)
	}
	return fmt.Sprintf("Target{URL: %s, auth: %s, caCert: %d bytes, timeout: %s%s}",
		t.safeURL(), t.authDescription(), len(t.CACert), t.Timeout, version)
}

// GoString is String, so %#v shows no secrets either.
func (t Target) GoString() string { return "elasticsearch." + t.String() }

// GomegaString keeps gomega's failure output, which otherwise dumps fields by reflection, free of secrets.
func (t Target) GomegaString() string { return t.String() }

// Format prints String for every verb (GoString for %#v), so no fmt verb can reveal a field.
func (t Target) Format(f fmt.State, verb rune) { formatVia(f, verb, t.String, t.GoString) }
