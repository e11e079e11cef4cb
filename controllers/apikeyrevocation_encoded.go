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

package controllers

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/targets"
)

var apiKeyIDRegexp = regexp.MustCompile(securityv1alpha1.APIKeyIDPattern)

// Forms of a leaked API key the operator reads, for messages.
const encodedKeyForms = `the encoded value (base64 of "id:api_key"), with or without "ApiKey " or ` +
	`"Authorization: ApiKey ", or "id:api_key"`

// apiKeyID derives the id of an API key from a leaked credential as a responder finds it: the
// encoded value Elasticsearch returns on creation and clients send in "Authorization: ApiKey
// <encoded>" (base64 of "id:api_key"), with or without that header's name and scheme, or
// "id:api_key" itself. Only the id is returned: the secret part is dropped here and never kept.
// where names the Secret for messages, which never quote the value.
func apiKeyID(value, where string) (string, error) {
	credential := strings.TrimSpace(value)
	if name, rest, ok := strings.Cut(credential, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "Authorization") {
		credential = strings.TrimSpace(rest)
	}
	if scheme, rest, ok := strings.Cut(credential, " "); ok && strings.EqualFold(scheme, "ApiKey") {
		credential = strings.TrimSpace(rest)
	}
	decoded, ok := decodeBase64(credential)
	if !ok {
		decoded = credential
	}
	id, secret, ok := strings.Cut(decoded, ":")
	switch {
	case !ok || id == "" || secret == "":
		return "", targets.Problemf(securityv1alpha1.ReasonInvalidEncodedKey, "%s does not hold an API key: expected %s",
			where, encodedKeyForms)
	case len(id) > 256 || !apiKeyIDRegexp.MatchString(id):
		return "", targets.Problemf(securityv1alpha1.ReasonInvalidEncodedKey,
			"%s does not hold an API key: the id part has whitespace or control characters, or is longer than 256 "+
				"characters; expected %s", where, encodedKeyForms)
	}
	return id, nil
}

// decodeBase64 decodes standard or URL-safe base64, with or without padding, when the result
// is text.
func decodeBase64(s string) (string, bool) {
	for _, encoding := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := encoding.DecodeString(s); err == nil && strings.Contains(string(b), ":") {
			return string(b), true
		}
	}
	return "", false
}

// describeSecretKey names a key of a Secret for messages.
func describeSecretKey(namespace string, ref *securityv1alpha1.SecretKeySelector, field string) string {
	return fmt.Sprintf("key %q of Secret %s/%s (%s)", ref.Key, namespace, ref.Name, field)
}
