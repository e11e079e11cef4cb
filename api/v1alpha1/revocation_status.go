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

// Phase is a one-word summary of a revocation's progress, for people and printer columns.
// Tools should read the conditions instead.
// +kubebuilder:validation:Enum=Pending;Revoking;Revoked;Failed
type Phase string

const (
	// PhasePending means the revocation cannot be sent yet: a Secret or the target is missing or invalid.
	PhasePending Phase = "Pending"
	// PhaseRevoking means the invalidate call is being made or retried.
	PhaseRevoking Phase = "Revoking"
	// PhaseRevoked means Elasticsearch invalidated every matching token. Terminal.
	PhaseRevoked Phase = "Revoked"
	// PhaseFailed means the revocation failed for good; conditions say why. Terminal.
	PhaseFailed Phase = "Failed"
)

// IsTerminal reports whether the phase is final: such a revocation is never sent to Elasticsearch again.
func (p Phase) IsTerminal() bool {
	return p == PhaseRevoked || p == PhaseFailed
}

// Condition types of every revocation kind, following kstatus conventions.
const (
	// ReadyCondition is True once every matching token is invalidated.
	ReadyCondition = "Ready"
	// ReconcilingCondition is True while attempts go on.
	ReconcilingCondition = "Reconciling"
	// StalledCondition is True when the revocation failed for good.
	StalledCondition = "Stalled"
)

// Condition reasons of the revocation kinds. Reasons that name an Elasticsearch answer match the
// kinds of outcome the operator tells apart.
const (
	// ReasonRevoked: Elasticsearch invalidated every matching token (or found them already invalid).
	ReasonRevoked = "Revoked"
	// ReasonInvalidating: a retry's invalidate call is being made. Found on a fresh pass, it means
	// that call's answer was lost (the operator stopped mid-call).
	ReasonInvalidating = "Invalidating"
	// ReasonPartialFailure: Elasticsearch failed to invalidate some matching tokens.
	ReasonPartialFailure = "PartialFailure"
	// ReasonTokenNotFound: Elasticsearch does not know the token: mistyped, from another cluster,
	// or expired and deleted (Elasticsearch deletes tokens 24 hours after creation).
	ReasonTokenNotFound = "TokenNotFound"
	// ReasonInvalidRequest: Elasticsearch refused the request as invalid.
	ReasonInvalidRequest = "InvalidRequest"
	// ReasonTokenServiceDisabled: the cluster's token service is disabled.
	ReasonTokenServiceDisabled = "TokenServiceDisabled"
	// ReasonAPIKeyServiceDisabled: the cluster's API key service is disabled.
	ReasonAPIKeyServiceDisabled = "APIKeyServiceDisabled"
	// ReasonInvalidEncodedKey: the Secret named by encodedKeySecretRef does not hold an API key in a
	// form the operator reads (the encoded value, with or without "ApiKey ", or "id:api_key").
	ReasonInvalidEncodedKey = "InvalidEncodedKey"
	// ReasonInvalidTokenList: the Secret of a token list holds a line that cannot be a token, too
	// many tokens, or none. Final: fix the list and create a new revocation.
	ReasonInvalidTokenList = "InvalidTokenList"
	// ReasonTokenListChanged: the Secret of a token list changed while its tokens were being
	// revoked, so what was counted no longer matches the list. Final: create a new revocation.
	ReasonTokenListChanged = "TokenListChanged"
	// ReasonTokensFailed: every listed token was tried, and Elasticsearch refused some of them for
	// good (status.failedTokens). Final.
	ReasonTokensFailed = "TokensFailed"
	// ReasonUnauthorized: Elasticsearch refused the operator's credentials.
	ReasonUnauthorized = "Unauthorized"
	// ReasonForbidden: the operator's credentials lack the cluster privilege the call needs
	// (manage_token for tokens; manage_api_key, or manage_own_api_key with owner, for API keys).
	ReasonForbidden = "Forbidden"
	// ReasonElasticsearchUnavailable: Elasticsearch could not be reached or did not answer properly.
	ReasonElasticsearchUnavailable = "ElasticsearchUnavailable"
	// ReasonSecretNotFound: a Secret the revocation refers to does not exist (yet).
	ReasonSecretNotFound = "SecretNotFound"
	// ReasonSecretKeyNotFound: a Secret the revocation refers to lacks the key named.
	ReasonSecretKeyNotFound = "SecretKeyNotFound"
	// ReasonInvalidConnection: the connection details (URL, credentials, CA) are unusable.
	ReasonInvalidConnection = "InvalidConnection"
	// ReasonNoTarget: no elasticsearchRef is set and the operator has no default Elasticsearch.
	ReasonNoTarget = "NoTarget"
	// ReasonElasticsearchNotFound: the ECK Elasticsearch named, or its HTTP Service, does not exist (yet).
	ReasonElasticsearchNotFound = "ElasticsearchNotFound"
	// ReasonUnsupportedByElasticsearch: the target's Elasticsearch version cannot do what the
	// revocation asks (realm or user revocations need 6.7, refresh tokens 6.2). Final.
	ReasonUnsupportedByElasticsearch = "UnsupportedByElasticsearch"
	// ReasonRequesterNotVerified: the revocation names Secrets, and the operator's admission
	// webhook did not check that its creator may read them (it was created without the webhook,
	// by another installation, or changed since). Final: create it again through the webhook.
	ReasonRequesterNotVerified = "RequesterNotVerified"
	// ReasonCrossNamespaceRefForbidden: the ECK Elasticsearch is in another namespace, which the
	// operator does not allow (--allow-cross-namespace-refs).
	ReasonCrossNamespaceRefForbidden = "CrossNamespaceRefForbidden"
)

// RevocationProgress is the part of the status every revocation kind shares: its phase and
// conditions, the attempts made, when, against which cluster, and the errors of the latest answer.
// Each kind's status embeds it and adds the counts of what it revokes.
type RevocationProgress struct {
	// conditions are Ready, Reconciling and Stalled, with reasons such as Revoked, Unauthorized,
	// Forbidden or ElasticsearchUnavailable.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the metadata.generation this status was computed from.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// phase summarises progress: Pending, Revoking, Revoked or Failed.
	// +optional
	Phase Phase `json:"phase,omitempty"`

	// errorCount is the number of credentials Elasticsearch failed to invalidate in the latest
	// attempt. Unset until Elasticsearch has answered.
	// +optional
	// +kubebuilder:validation:Minimum=0
	ErrorCount *int64 `json:"errorCount,omitempty"`

	// errorDetails are Elasticsearch's error_details of the latest attempt, at most 10.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=10
	ErrorDetails []ErrorDetail `json:"errorDetails,omitempty"`

	// attempts is the number of invalidate calls made to Elasticsearch and recorded here. A first
	// call is recorded with its answer, so one whose answer was lost (the operator stopped during
	// it) is not counted, and is made again; a retry is recorded before it is made.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Attempts int32 `json:"attempts,omitempty"`

	// startTime is when the operator first acted on this revocation.
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty"`

	// lastAttemptTime is when the latest invalidate call was made, to the microsecond: the next
	// attempt's backoff counts from it, also after the operator restarts.
	// +optional
	LastAttemptTime *metav1.MicroTime `json:"lastAttemptTime,omitempty"`

	// completionTime is when the revocation reached Revoked or Failed.
	// +optional
	CompletionTime *metav1.Time `json:"completionTime,omitempty"`

	// target is the URL of the Elasticsearch cluster called. It never contains credentials.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	Target string `json:"target,omitempty"`

	// elasticsearchVersion is what the operator knows of the target's Elasticsearch version: as
	// configured (an ECK Elasticsearch's spec.version, the connection Secret's "version" key, or the
	// operator's --elasticsearch-version), such as "7.10.2", or as learned from its answers, such as
	// "7.0-7.13". The version decides the API path and the request shapes the operator may send.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ElasticsearchVersion string `json:"elasticsearchVersion,omitempty"`
}

// ErrorDetail is one entry of Elasticsearch's error_details: a token Elasticsearch failed to
// invalidate and why.
type ErrorDetail struct {
	// type is Elasticsearch's exception type, such as "exception".
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Type string `json:"type,omitempty"`

	// reason is Elasticsearch's message, truncated to 1024 characters.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Reason string `json:"reason,omitempty"`

	// causedBy is the underlying cause Elasticsearch gave. Deeper causes are folded into its reason.
	// +optional
	CausedBy *ErrorCause `json:"causedBy,omitempty"`
}

// ErrorCause is the cause of an ErrorDetail.
type ErrorCause struct {
	// type is Elasticsearch's exception type, such as "illegal_argument_exception".
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Type string `json:"type,omitempty"`

	// reason is Elasticsearch's message, truncated to 1024 characters.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Reason string `json:"reason,omitempty"`
}
