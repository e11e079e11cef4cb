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

// Package apikeyid reads the id of a leaked Elasticsearch API key from the forms a responder finds
// it in. The operator, which invalidates the key by that id, and the kubectl plugin, which refuses
// before creating anything a value the operator could not read, share it so that they cannot
// disagree. It needs nothing but the standard library, so the plugin stays small.
package apikeyid

import (
	"encoding/base64"
	"errors"
	"strings"
)

// MaxIDBytes bounds an API key id. Elasticsearch's ids are 20 characters.
const MaxIDBytes = 256

// ErrNotAnAPIKey says a value holds no API key in a form Of reads. It never quotes the value.
var ErrNotAnAPIKey = errors.New(`not an encoded API key (base64 of "id:api_key", optionally after "ApiKey ") ` +
	`nor "id:api_key"; the value is not shown`)

// Of derives the id of a leaked API key credential as a responder finds it: the encoded value
// (base64 of id:api_key, standard or URL-safe, padded or not, as the create API key answer's "encoded"
// gives it), the same after the "ApiKey " scheme or a whole "Authorization: ApiKey " header line, or
// the raw "id:api_key". Surrounding whitespace (a newline from echo) is ignored. Only the id is
// returned; the error, ErrNotAnAPIKey, never repeats the credential, nor any part of it.
func Of(leaked string) (string, error) {
	v := strings.TrimSpace(leaked)
	if name, rest, ok := strings.Cut(v, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "Authorization") {
		v = strings.TrimSpace(rest)
	}
	if scheme, rest, ok := strings.Cut(v, " "); ok && strings.EqualFold(scheme, "ApiKey") {
		v = strings.TrimSpace(rest)
	}
	// A leaked value may have passed through URL-safe base64 (a URL, a JWT-minded tool): read both.
	id, secret, ok := decode(v, base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding)
	if !ok {
		id, secret, ok = strings.Cut(v, ":")
	}
	if !ok || !validID(id) || secret == "" {
		return "", ErrNotAnAPIKey
	}
	return id, nil
}

// decode decodes id:api_key from the first of the encodings that reads key.
func decode(key string, encodings ...*base64.Encoding) (id, secret string, ok bool) {
	for _, encoding := range encodings {
		if raw, err := encoding.DecodeString(key); err == nil {
			return strings.Cut(string(raw), ":")
		}
	}
	return "", "", false
}

// validID accepts what an API key id can be: Elasticsearch's are 20 base64url characters; ids
// chosen by other means (tests, the emulator's --api-key) are printable words without spaces or ':'.
func validID(id string) bool {
	if id == "" || len(id) > MaxIDBytes {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r == ':' || r > '~' {
			return false
		}
	}
	return true
}
