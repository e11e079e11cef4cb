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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ApiKeyRevocationSpec names the API keys to invalidate in Elasticsearch and where. It mirrors the
// body of Elasticsearch's invalidate API key API (DELETE /_security/api_key): name the keys by ids
// or by name, or invalidate every key of a realm, a user, or a user in a realm, or the keys the
// operator's own credentials own; or give a leaked key as found in encodedKeySecretRef.
// +kubebuilder:validation:XValidation:rule="has(self.encodedKeySecretRef) || has(self.ids) || has(self.name) || has(self.realmName) || has(self.username) || (has(self.owner) && self.owner)",message="one of encodedKeySecretRef, ids, name, realmName or username must be set, or owner must be true"
// +kubebuilder:validation:XValidation:rule="!has(self.encodedKeySecretRef) || !(has(self.ids) || has(self.name) || has(self.realmName) || has(self.username) || has(self.owner))",message="encodedKeySecretRef names one key: it cannot be used with ids, name, realmName, username or owner"
// +kubebuilder:validation:XValidation:rule="!(has(self.ids) || has(self.name)) || !(has(self.realmName) || has(self.username))",message="realmName or username cannot be used with ids or name"
// +kubebuilder:validation:XValidation:rule="!(has(self.owner) && self.owner) || !(has(self.realmName) || has(self.username))",message="realmName or username cannot be used when owner is true"
// +kubebuilder:validation:XValidation:rule="!has(self.ids) || !has(self.name)",message="only one of ids and name can be set"
type ApiKeyRevocationSpec struct {
	// encodedKeySecretRef reads a leaked API key from a key of a Secret in the ApiKeyRevocation's
	// namespace, as a responder finds it: the encoded value (base64 of "id:api_key"), with or
	// without the "ApiKey " prefix of an Authorization header, or "id:api_key" itself. The operator
	// invalidates the key by the id it derives from the value; the secret part is never sent to
	// Elasticsearch, stored or logged. Cannot be used with ids, name, realmName, username or owner.
	// +optional
	EncodedKeySecretRef *SecretKeySelector `json:"encodedKeySecretRef,omitempty"`

	// ids are the ids of the API keys to invalidate (ids are not secrets). Elasticsearch before
	// 7.10 takes a single id: more than one fails there as UnsupportedByElasticsearch. Cannot be
	// used with name, realmName or username.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=1000
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	// +kubebuilder:validation:items:Pattern=`^[^\s\p{Cc}\x{061C}\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}]+$`
	IDs []string `json:"ids,omitempty"`

	// name invalidates the API keys of this name. Cannot be used with ids, realmName or username.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="self.trim().size() > 0",message="name must not be empty or whitespace-only"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'[\\p{Cc}\\x{061C}\\x{200E}\\x{200F}\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]')",message="name must not contain control or bidirectional formatting characters"
	Name *string `json:"name,omitempty"`

	// realmName invalidates every API key owned by users of this Elasticsearch realm (for example
	// "saml1" or "default_native"), or, with username, every key of that user in this realm.
	// Cannot be used with ids, name or owner.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="self.trim().size() > 0",message="realmName must not be empty or whitespace-only"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'[\\p{Cc}\\x{061C}\\x{200E}\\x{200F}\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]')",message="realmName must not contain control or bidirectional formatting characters"
	RealmName *string `json:"realmName,omitempty"`

	// username invalidates every API key owned by this Elasticsearch user, in every realm unless
	// realmName is also set: the keys of a compromised account. Cannot be used with ids, name or owner.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="self.trim().size() > 0",message="username must not be empty or whitespace-only"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'[\\p{Cc}\\x{061C}\\x{200E}\\x{200F}\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]')",message="username must not contain control or bidirectional formatting characters"
	Username *string `json:"username,omitempty"`

	// owner, when true, limits the invalidation to the API keys owned by the credentials the
	// operator calls Elasticsearch with (Elasticsearch's owner flag; with manage_own_api_key that
	// is all they may invalidate); alone, it invalidates all of them. Needs Elasticsearch 7.4 or
	// later. Cannot be used with realmName or username.
	// +optional
	Owner *bool `json:"owner,omitempty"`

	// elasticsearchRef says which Elasticsearch cluster to call. When omitted, the operator's
	// default cluster (its ELASTICSEARCH_URL) is used.
	// +optional
	ElasticsearchRef *ElasticsearchRef `json:"elasticsearchRef,omitempty"`

	// reason is free text explaining why the keys are revoked, such as an incident number. It is
	// repeated in events and logs for the audit trail. It must not contain secrets, control
	// characters (newlines, tabs, ANSI escapes) or bidirectional formatting characters.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'[\\p{Cc}\\x{061C}\\x{200E}\\x{200F}\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]')",message="reason must not contain control or bidirectional formatting characters"
	Reason *string `json:"reason,omitempty"`
}

// ApiKeyRevocationStatus records an ApiKeyRevocation's progress and what Elasticsearch answered.
type ApiKeyRevocationStatus struct {
	RevocationProgress `json:",inline"`

	// invalidatedApiKeys is the number of API keys invalidated, added up over all attempts. Unset
	// until Elasticsearch has answered.
	// +optional
	// +kubebuilder:validation:Minimum=0
	InvalidatedApiKeys *int64 `json:"invalidatedApiKeys,omitempty"`

	// previouslyInvalidatedApiKeys is the number of matching API keys that were already invalid
	// when the first answered attempt ran. Unset until Elasticsearch has answered.
	// +optional
	// +kubebuilder:validation:Minimum=0
	PreviouslyInvalidatedApiKeys *int64 `json:"previouslyInvalidatedApiKeys,omitempty"`

	// invalidatedApiKeyIds are the ids of the API keys invalidated, at most 100 (the count is in
	// invalidatedApiKeys). Ids are not secrets.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MaxLength=256
	InvalidatedApiKeyIds []string `json:"invalidatedApiKeyIds,omitempty"`

	// encodedKeyId is the id of the API key read from encodedKeySecretRef, once read.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	EncodedKeyId string `json:"encodedKeyId,omitempty"`
}

// ApiKeyRevocation invalidates Elasticsearch API keys once and records what Elasticsearch
// answered. Its spec is immutable: a revocation is the record of an act; create a new one to
// revoke again.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,shortName=akrev,categories=esrevoke
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`,description="Pending, Revoking, Revoked or Failed"
// +kubebuilder:printcolumn:name="Invalidated",type=integer,JSONPath=`.status.invalidatedApiKeys`,description="API keys this revocation invalidated"
// +kubebuilder:printcolumn:name="Previously",type=integer,JSONPath=`.status.previouslyInvalidatedApiKeys`,description="API keys that were already invalid"
// +kubebuilder:printcolumn:name="Errors",type=integer,JSONPath=`.status.errorCount`,description="API keys Elasticsearch failed to invalidate in the latest attempt"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`,description="Why the revocation is in its phase: Revoked, SecretNotFound, Unauthorized, ..."
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Key",type=string,JSONPath=`.status.encodedKeyId`,priority=1,description="The id of the leaked key read from encodedKeySecretRef"
// +kubebuilder:printcolumn:name="Target",type=string,JSONPath=`.status.target`,priority=1,description="The Elasticsearch URL called"
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.elasticsearchVersion`,priority=1,description="The Elasticsearch version, as configured or learned"
// +kubebuilder:printcolumn:name="Why",type=string,JSONPath=`.spec.reason`,priority=1,description="Why the keys are revoked (spec.reason)"
// +kubebuilder:printcolumn:name="Requester",type=string,JSONPath=`.metadata.annotations.security\.esrevoke\.io/requested-by`,priority=1,description="Who created the revocation, as admission recorded it"
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1,description="What happened, or what the revocation waits for"
type ApiKeyRevocation struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec names the API keys to invalidate and the cluster to call. It cannot change after creation.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec is immutable: create a new ApiKeyRevocation"
	Spec ApiKeyRevocationSpec `json:"spec"`

	// status records the revocation's progress and what Elasticsearch answered. Until the
	// operator first writes it, its observedGeneration is -1, so that GitOps tools (kstatus) read
	// a revocation nobody has acted on as in progress, not as done.
	// +optional
	// +kubebuilder:default={observedGeneration:-1}
	Status ApiKeyRevocationStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ApiKeyRevocationList is a list of ApiKeyRevocations.
type ApiKeyRevocationList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the ApiKeyRevocations.
	Items []ApiKeyRevocation `json:"items"`
}
