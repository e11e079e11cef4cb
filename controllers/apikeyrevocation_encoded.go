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
	"fmt"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/targets"
)

// Forms of a leaked API key the operator reads, for messages.
const encodedKeyForms = `the encoded value (base64 of "id:api_key"), with or without "ApiKey " or ` +
	`"Authorization: ApiKey ", or "id:api_key"`

// apiKeyID derives the id of an API key from a leaked credential as a responder finds it (see
// elasticsearch.APIKeyIDOf). Only the id is returned: the secret part is dropped there and never
// kept. where names the Secret for messages, which never quote the value.
func apiKeyID(value, where string) (string, error) {
	id, err := elasticsearch.APIKeyIDOf(value)
	if err != nil {
		return "", targets.Problemf(securityv1alpha1.ReasonInvalidEncodedKey, "%s does not hold an API key: expected %s",
			where, encodedKeyForms)
	}
	return id, nil
}

// describeSecretKey names a key of a Secret for messages.
func describeSecretKey(namespace string, ref *securityv1alpha1.SecretKeySelector, field string) string {
	return fmt.Sprintf("key %q of Secret %s/%s (%s)", ref.Key, namespace, ref.Name, field)
}
