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

package v1alpha1

import (
	"encoding/json"
	"fmt"
)

// Annotations the operator's admission webhook sets on every revocation it admits. Users cannot
// set or change them: the mutating webhook overwrites them on creation and restores them on every
// update, and the validating webhook refuses an update that changes them.
const (
	// RequesterAnnotation records who created the revocation: the username Kubernetes
	// authenticated for the creating request.
	RequesterAnnotation = "security.esrevoke.io/requested-by"
	// AdmissionSignatureAnnotation proves that the operator's webhook admitted the revocation for
	// that requester, after checking that the requester may read every Secret it names. It is an
	// HMAC under the installation's key over the namespace, the requester and the spec, so it
	// cannot be forged, copied to another spec, or kept across a change.
	AdmissionSignatureAnnotation = "security.esrevoke.io/admission-signature"
)

// ECKElasticUserSecretSuffix ends the name of the Secret in which ECK keeps the password of the
// elastic superuser of an Elasticsearch named <name>: <name>-es-elastic-user.
const ECKElasticUserSecretSuffix = "-es-elastic-user"

// SecretUse is a Secret the operator reads on behalf of a revocation's requester, and why.
// +kubebuilder:object:generate=false
type SecretUse struct {
	// Namespace and Name name the Secret.
	Namespace, Name string
	// Field is the spec field that names it, for messages.
	Field string
}

// String names the Secret and the field that names it.
func (u SecretUse) String() string {
	return fmt.Sprintf("Secret %s/%s (%s)", u.Namespace, u.Name, u.Field)
}

// SecretsRead lists the Secrets the operator would read for a revocation with this spec in this
// namespace: the token, refresh token and list Secrets, the connection Secret, and, for an ECK reference
// without a connection Secret, the Secret of ECK's elastic superuser. The operator uses them only
// for a requester who may get each of them.
func (s *TokenRevocationSpec) SecretsRead(namespace string) []SecretUse {
	var uses []SecretUse
	if s.TokenSecretRef != nil {
		uses = append(uses, SecretUse{namespace, s.TokenSecretRef.Name, "spec.tokenSecretRef"})
	}
	if s.RefreshTokenSecretRef != nil {
		uses = append(uses, SecretUse{namespace, s.RefreshTokenSecretRef.Name, "spec.refreshTokenSecretRef"})
	}
	if s.TokenListSecretRef != nil {
		uses = append(uses, SecretUse{namespace, s.TokenListSecretRef.Name, "spec.tokenListSecretRef"})
	}
	if s.RefreshTokenListSecretRef != nil {
		uses = append(uses, SecretUse{namespace, s.RefreshTokenListSecretRef.Name, "spec.refreshTokenListSecretRef"})
	}
	return append(uses, s.ElasticsearchRef.secretsRead(namespace)...)
}

// SecretsRead lists the Secrets the operator would read for an ApiKeyRevocation with this spec in
// this namespace: the Secret of the leaked key, the connection Secret, and, for an ECK reference
// without a connection Secret, the Secret of ECK's elastic superuser.
func (s *ApiKeyRevocationSpec) SecretsRead(namespace string) []SecretUse {
	var uses []SecretUse
	if s.EncodedKeySecretRef != nil {
		uses = append(uses, SecretUse{namespace, s.EncodedKeySecretRef.Name, "spec.encodedKeySecretRef"})
	}
	return append(uses, s.ElasticsearchRef.secretsRead(namespace)...)
}

// SignedBytes is what the admission signature covers of an ApiKeyRevocation's spec: its JSON.
func (s *ApiKeyRevocationSpec) SignedBytes() []byte {
	// Marshalling a struct of strings, booleans and pointers to them cannot fail.
	b, _ := json.Marshal(s) //nolint:gosec // G117: the bytes are hashed, never stored or shown
	return b
}

func (r *ElasticsearchRef) secretsRead(namespace string) []SecretUse {
	switch {
	case r == nil:
		return nil
	case r.SecretName != nil:
		return []SecretUse{{namespace, *r.SecretName, "spec.elasticsearchRef.secretName"}}
	case r.Name != nil:
		eckNamespace := namespace
		if r.Namespace != nil {
			eckNamespace = *r.Namespace
		}
		return []SecretUse{{eckNamespace, *r.Name + ECKElasticUserSecretSuffix, "spec.elasticsearchRef.name (ECK's elastic user)"}}
	}
	return nil
}

// SignedBytes is what the admission signature covers of a spec: its JSON, which encoding/json
// writes in one order, so the webhook and the reconciler compute the same bytes.
func (s *TokenRevocationSpec) SignedBytes() []byte {
	// Marshalling a struct of strings and pointers to them cannot fail.
	b, _ := json.Marshal(s) //nolint:gosec // G117: the bytes are hashed, never stored or shown
	return b
}
