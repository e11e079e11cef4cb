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

// TokenRevocationSpec names what to invalidate in Elasticsearch and where. It mirrors the body of
// Elasticsearch's invalidate-token API (DELETE /_security/oauth2/token): set exactly one of a token or
// a refresh token, or set realmName and/or username to invalidate every token of a realm, a user, or
// a user in a realm; or name a leaked list of tokens (or refresh tokens) in a Secret, revoked with one
// call per token.
// +kubebuilder:validation:XValidation:rule="has(self.token) || has(self.tokenSecretRef) || has(self.refreshToken) || has(self.refreshTokenSecretRef) || has(self.tokenListSecretRef) || has(self.refreshTokenListSecretRef) || has(self.realmName) || has(self.username)",message="at least one of token, tokenSecretRef, refreshToken, refreshTokenSecretRef, tokenListSecretRef, refreshTokenListSecretRef, realmName or username must be set"
// +kubebuilder:validation:XValidation:rule="!has(self.tokenListSecretRef) || !(has(self.token) || has(self.tokenSecretRef) || has(self.refreshToken) || has(self.refreshTokenSecretRef) || has(self.refreshTokenListSecretRef) || has(self.realmName) || has(self.username))",message="tokenListSecretRef cannot be used with any other field naming what to revoke"
// +kubebuilder:validation:XValidation:rule="!has(self.refreshTokenListSecretRef) || !(has(self.token) || has(self.tokenSecretRef) || has(self.refreshToken) || has(self.refreshTokenSecretRef) || has(self.tokenListSecretRef) || has(self.realmName) || has(self.username))",message="refreshTokenListSecretRef cannot be used with any other field naming what to revoke"
// +kubebuilder:validation:XValidation:rule="!has(self.token) || !has(self.tokenSecretRef)",message="token and tokenSecretRef are mutually exclusive: give the token inline or in a Secret, not both"
// +kubebuilder:validation:XValidation:rule="!has(self.refreshToken) || !has(self.refreshTokenSecretRef)",message="refreshToken and refreshTokenSecretRef are mutually exclusive: give the refresh token inline or in a Secret, not both"
// +kubebuilder:validation:XValidation:rule="!(has(self.token) || has(self.tokenSecretRef)) || !(has(self.refreshToken) || has(self.refreshTokenSecretRef) || has(self.realmName) || has(self.username))",message="token (or tokenSecretRef) cannot be used with refreshToken, refreshTokenSecretRef, realmName or username"
// +kubebuilder:validation:XValidation:rule="!(has(self.refreshToken) || has(self.refreshTokenSecretRef)) || !(has(self.realmName) || has(self.username))",message="refreshToken (or refreshTokenSecretRef) cannot be used with realmName or username"
type TokenRevocationSpec struct {
	// token is the Elasticsearch access token to invalidate, inline. The value is stored in plain
	// text in the TokenRevocation and is readable by anyone who can read the resource: prefer
	// tokenSecretRef. Cannot be used with refreshToken, realmName or username.
	// +optional
	// +kubebuilder:validation:MaxLength=8192
	// +kubebuilder:validation:XValidation:rule="self.trim().size() > 0",message="token must not be empty or whitespace-only"
	Token *string `json:"token,omitempty"`

	// tokenSecretRef reads the access token to invalidate from a key of a Secret in the
	// TokenRevocation's namespace. Cannot be used with token, refreshToken, realmName or username.
	// +optional
	TokenSecretRef *SecretKeySelector `json:"tokenSecretRef,omitempty"`

	// refreshToken is the Elasticsearch refresh token to invalidate, inline. Like token, it is stored
	// in plain text: prefer refreshTokenSecretRef. Cannot be used with token, realmName or username.
	// +optional
	// +kubebuilder:validation:MaxLength=8192
	// +kubebuilder:validation:XValidation:rule="self.trim().size() > 0",message="refreshToken must not be empty or whitespace-only"
	RefreshToken *string `json:"refreshToken,omitempty"`

	// refreshTokenSecretRef reads the refresh token to invalidate from a key of a Secret in the
	// TokenRevocation's namespace. Cannot be used with refreshToken, token, realmName or username.
	// +optional
	RefreshTokenSecretRef *SecretKeySelector `json:"refreshTokenSecretRef,omitempty"`

	// tokenListSecretRef reads a list of access tokens to invalidate from a key of a Secret in the
	// TokenRevocation's namespace: one token per line; blank lines and surrounding whitespace are
	// ignored, and a token listed twice counts once. At most 20000 distinct tokens; a line that
	// cannot be a token (inner whitespace, control or non-ASCII characters, over 8192 characters)
	// fails the revocation before any call. The Secret must not change until the revocation ends.
	// Cannot be used with any other field naming what to revoke.
	// +optional
	TokenListSecretRef *SecretKeySelector `json:"tokenListSecretRef,omitempty"`

	// refreshTokenListSecretRef reads a list of refresh tokens to invalidate, as tokenListSecretRef
	// reads access tokens. Cannot be used with any other field naming what to revoke.
	// +optional
	RefreshTokenListSecretRef *SecretKeySelector `json:"refreshTokenListSecretRef,omitempty"`

	// realmName invalidates every active token issued by this Elasticsearch realm (for example
	// "saml1" or "default_native"), or, with username, every token of that user in this realm.
	// Without username it logs out every user of the realm. Cannot be used with token or refreshToken.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="self.trim().size() > 0",message="realmName must not be empty or whitespace-only"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'[\\p{Cc}\\x{061C}\\x{200E}\\x{200F}\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]')",message="realmName must not contain control or bidirectional formatting characters"
	RealmName *string `json:"realmName,omitempty"`

	// username invalidates every active token of this Elasticsearch user (matched exactly and
	// case-sensitively), in every realm unless realmName is also set. Cannot be used with token or
	// refreshToken.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="self.trim().size() > 0",message="username must not be empty or whitespace-only"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'[\\p{Cc}\\x{061C}\\x{200E}\\x{200F}\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]')",message="username must not contain control or bidirectional formatting characters"
	Username *string `json:"username,omitempty"`

	// elasticsearchRef says which Elasticsearch cluster to call. When omitted, the operator's
	// default cluster (its ELASTICSEARCH_URL) is used.
	// +optional
	ElasticsearchRef *ElasticsearchRef `json:"elasticsearchRef,omitempty"`

	// reason is free text explaining why the tokens are revoked, such as an incident number. It is
	// repeated in events and logs for the audit trail. It must not contain secrets, control
	// characters (newlines, tabs, ANSI escapes) or bidirectional formatting characters.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'[\\p{Cc}\\x{061C}\\x{200E}\\x{200F}\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]')",message="reason must not contain control or bidirectional formatting characters"
	Reason *string `json:"reason,omitempty"`
}

// SecretKeySelector names one key of a Secret in the TokenRevocation's namespace.
type SecretKeySelector struct {
	// name is the name of the Secret, in the TokenRevocation's namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`

	// key is the key of the Secret's data that holds the value, for example "token".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	Key string `json:"key"`
}

// ElasticsearchRef points at the Elasticsearch cluster to call: a Secret describing an external
// cluster, or an Elasticsearch resource managed by ECK.
// +kubebuilder:validation:XValidation:rule="has(self.secretName) || has(self.name)",message="elasticsearchRef needs secretName or name; omit elasticsearchRef to use the operator's default Elasticsearch"
// +kubebuilder:validation:XValidation:rule="!has(self.namespace) || has(self.name)",message="elasticsearchRef.namespace can only be used with elasticsearchRef.name"
type ElasticsearchRef struct {
	// secretName names a Secret in the TokenRevocation's namespace that describes the cluster in
	// ECK's format for external clusters: key "url", then "username" and "password" or "api-key"
	// (an encoded API key), optionally "ca.crt" (PEM) and "version" (the Elasticsearch version, such
	// as "7.10.2": without it the operator learns it from the cluster's first answer). With name, it
	// overrides the credentials ECK would give.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	SecretName *string `json:"secretName,omitempty"`

	// name names an Elasticsearch resource managed by ECK (elasticsearch.k8s.elastic.co). Its URL,
	// CA and elastic user's credentials are found by ECK's naming conventions.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name *string `json:"name,omitempty"`

	// namespace is the namespace of the ECK Elasticsearch named by name. Defaults to the
	// TokenRevocation's namespace. Other namespaces must be allowed by the operator's configuration.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Namespace *string `json:"namespace,omitempty"`
}

// TokenRevocation invalidates Elasticsearch tokens once and records what Elasticsearch answered.
// Its spec is immutable: a revocation is the record of an act; create a new one to revoke again.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,shortName=tokrev,categories=esrevoke
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`,description="Pending, Revoking, Revoked or Failed"
// +kubebuilder:printcolumn:name="Invalidated",type=integer,JSONPath=`.status.invalidatedTokens`,description="Tokens this revocation invalidated"
// +kubebuilder:printcolumn:name="Previously",type=integer,JSONPath=`.status.previouslyInvalidatedTokens`,description="Tokens that were already invalid"
// +kubebuilder:printcolumn:name="Errors",type=integer,JSONPath=`.status.errorCount`,description="Tokens Elasticsearch failed to invalidate in the latest attempt"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`,description="Why the revocation is in its phase: Revoked, SecretNotFound, Unauthorized, ..."
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Listed",type=integer,JSONPath=`.status.tokenCount`,priority=1,description="Distinct tokens in a list revocation"
// +kubebuilder:printcolumn:name="Processed",type=integer,JSONPath=`.status.processedTokens`,priority=1,description="Listed tokens settled so far"
// +kubebuilder:printcolumn:name="Unknown",type=integer,JSONPath=`.status.unknownTokens`,priority=1,description="Listed tokens Elasticsearch does not know"
// +kubebuilder:printcolumn:name="Target",type=string,JSONPath=`.status.target`,priority=1,description="The Elasticsearch URL called"
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.elasticsearchVersion`,priority=1,description="The Elasticsearch version, as configured or learned"
// +kubebuilder:printcolumn:name="Why",type=string,JSONPath=`.spec.reason`,priority=1,description="Why the tokens are revoked (spec.reason)"
// +kubebuilder:printcolumn:name="Requester",type=string,JSONPath=`.metadata.annotations.security\.esrevoke\.io/requested-by`,priority=1,description="Who created the revocation, as admission recorded it"
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1,description="What happened, or what the revocation waits for"
type TokenRevocation struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec names the tokens to invalidate and the cluster to call. It cannot change after creation.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec is immutable: create a new TokenRevocation"
	Spec TokenRevocationSpec `json:"spec"`

	// status records the revocation's progress and what Elasticsearch answered. Until the
	// operator first writes it, its observedGeneration is -1, so that GitOps tools (kstatus) read
	// a revocation nobody has acted on as in progress, not as done.
	// +optional
	// +kubebuilder:default={observedGeneration:-1}
	Status TokenRevocationStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// TokenRevocationList is a list of TokenRevocations.
type TokenRevocationList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the TokenRevocations.
	Items []TokenRevocation `json:"items"`
}

// TokenRevocationStatus records a TokenRevocation's progress and what Elasticsearch answered.
type TokenRevocationStatus struct {
	RevocationProgress `json:",inline"`

	// invalidatedTokens is the number of tokens invalidated, added up over all attempts. An access
	// token and its refresh token count as two in realm and user revocations. Unset until
	// Elasticsearch has answered.
	// +optional
	// +kubebuilder:validation:Minimum=0
	InvalidatedTokens *int64 `json:"invalidatedTokens,omitempty"`

	// previouslyInvalidatedTokens is the number of matching tokens that were already invalid when
	// the first answered attempt ran. Unset until Elasticsearch has answered.
	// +optional
	// +kubebuilder:validation:Minimum=0
	PreviouslyInvalidatedTokens *int64 `json:"previouslyInvalidatedTokens,omitempty"`

	// tokenCount is the number of distinct tokens in the list of tokenListSecretRef or
	// refreshTokenListSecretRef, once read. Unset for other revocations.
	// +optional
	// +kubebuilder:validation:Minimum=0
	TokenCount *int64 `json:"tokenCount,omitempty"`

	// processedTokens is the number of listed tokens settled so far: invalidated, found already
	// invalid, unknown to Elasticsearch, or failed for good. Written about once a second.
	// +optional
	// +kubebuilder:validation:Minimum=0
	ProcessedTokens *int64 `json:"processedTokens,omitempty"`

	// unknownTokens is the number of listed tokens Elasticsearch does not know (it answered 404):
	// mistyped, from another cluster, or expired and deleted. They are counted, not fatal.
	// +optional
	// +kubebuilder:validation:Minimum=0
	UnknownTokens *int64 `json:"unknownTokens,omitempty"`

	// failedTokens are listed tokens that failed for good, at most 20, by fingerprint.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	FailedTokens []FailedToken `json:"failedTokens,omitempty"`

	// listProgress records which listed tokens are settled, for the operator to resume a list
	// after a restart: one bit per distinct token in list order, base64-encoded. It holds no token.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	ListProgress string `json:"listProgress,omitempty"`

	// tokenFingerprint identifies the token or refresh token revoked, or the whole list, as
	// "hmac-sha256:" and the first 16 hex digits of its HMAC-SHA256 under this installation's key (kept in a Secret of the
	// operator's namespace): stable within one installation, so it can be matched against the
	// operator's logs and other revocations, but useless for guessing the token.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	TokenFingerprint string `json:"tokenFingerprint,omitempty"`
}

// FailedToken is a listed token that failed for good, and why.
type FailedToken struct {
	// fingerprint identifies the token, as tokenFingerprint does.
	// +required
	// +kubebuilder:validation:MaxLength=64
	Fingerprint string `json:"fingerprint"`

	// reason is what Elasticsearch answered, truncated to 256 characters.
	// +required
	// +kubebuilder:validation:MaxLength=256
	Reason string `json:"reason"`
}
