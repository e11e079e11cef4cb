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
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Revocation is what every revocation kind offers the operator's shared machinery (admission of
// the requester, target resolution, the status and its conditions, events, audit): one object
// whose spec names what to revoke and where, and whose status embeds RevocationProgress.
// +kubebuilder:object:generate=false
type Revocation interface {
	client.Object
	// GetProgress returns the part of the status every kind shares, to read and change in place.
	GetProgress() *RevocationProgress
	// GetElasticsearchRef is spec.elasticsearchRef: nil for the operator's default cluster.
	GetElasticsearchRef() *ElasticsearchRef
	// GetReason is spec.reason, "" when unset.
	GetReason() string
	// SecretsRead lists the Secrets the operator reads for the revocation, in its namespace or
	// an ECK Elasticsearch's.
	SecretsRead() []SecretUse
	// SignedBytes is what the admission signature covers of the spec.
	SignedBytes() []byte
}

var _ Revocation = &TokenRevocation{}

// GetProgress returns the status every revocation kind shares.
func (r *TokenRevocation) GetProgress() *RevocationProgress { return &r.Status.RevocationProgress }

// GetElasticsearchRef is spec.elasticsearchRef.
func (r *TokenRevocation) GetElasticsearchRef() *ElasticsearchRef { return r.Spec.ElasticsearchRef }

// GetReason is spec.reason, "" when unset.
func (r *TokenRevocation) GetReason() string { return stringValue(r.Spec.Reason) }

// SecretsRead lists the Secrets the operator reads for the revocation.
func (r *TokenRevocation) SecretsRead() []SecretUse { return r.Spec.SecretsRead(r.Namespace) }

// SignedBytes is what the admission signature covers of the spec.
func (r *TokenRevocation) SignedBytes() []byte { return r.Spec.SignedBytes() }

func stringValue(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var _ Revocation = &ApiKeyRevocation{}

// GetProgress returns the status every revocation kind shares.
func (r *ApiKeyRevocation) GetProgress() *RevocationProgress { return &r.Status.RevocationProgress }

// GetElasticsearchRef is spec.elasticsearchRef.
func (r *ApiKeyRevocation) GetElasticsearchRef() *ElasticsearchRef { return r.Spec.ElasticsearchRef }

// GetReason is spec.reason, "" when unset.
func (r *ApiKeyRevocation) GetReason() string { return stringValue(r.Spec.Reason) }

// SecretsRead lists the Secrets the operator reads for the revocation.
func (r *ApiKeyRevocation) SecretsRead() []SecretUse { return r.Spec.SecretsRead(r.Namespace) }

// SignedBytes is what the admission signature covers of the spec.
func (r *ApiKeyRevocation) SignedBytes() []byte { return r.Spec.SignedBytes() }
