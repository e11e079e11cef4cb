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
	"context"
	"slices"

	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// ApiKeyRevocationReconciler invalidates the API keys an ApiKeyRevocation names, once, and
// records Elasticsearch's answer in its status.
type ApiKeyRevocationReconciler struct {
	Machinery
	// Elasticsearch makes the invalidate API key calls.
	Elasticsearch elasticsearch.APIKeyInvalidator
}

// +kubebuilder:rbac:groups=security.esrevoke.io,resources=apikeyrevocations,verbs=get;list;watch
// +kubebuilder:rbac:groups=security.esrevoke.io,resources=apikeyrevocations/status,verbs=get;patch

// SetupWithManager registers the ApiKeyRevocation controller with the manager.
func (r *ApiKeyRevocationReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return setupRevocationController(mgr, &r.Machinery, apiKeyKind{machinery: &r.Machinery, es: r.Elasticsearch})
}

// maxRecordedIDs bounds status.invalidatedApiKeyIds.
const maxRecordedIDs = 100

// apiKeyKind is what ApiKeyRevocation adds to the shared machinery: the invalidate API key request.
type apiKeyKind struct {
	machinery *Machinery
	es        elasticsearch.APIKeyInvalidator
}

var apiKeyNames = kindNames{kind: "ApiKeyRevocation", logKey: "apiKeyRevocation", singular: "API key", plural: "API keys",
	invalidatedField: "invalidatedApiKeys", previouslyField: "previouslyInvalidatedApiKeys",
	invalidatedCounter: apiKeysInvalidatedTotal}

func (apiKeyKind) names() kindNames { return apiKeyNames }

func (apiKeyKind) newObject() *securityv1alpha1.ApiKeyRevocation {
	return &securityv1alpha1.ApiKeyRevocation{}
}

// prepare builds the invalidate API key request; a leaked key is read from its Secret and only
// its id is kept, in the request and in status.encodedKeyId.
func (k apiKeyKind) prepare(ctx context.Context, rev *securityv1alpha1.ApiKeyRevocation) (invalidateCall, error) {
	spec := rev.Spec
	request := elasticsearch.APIKeyRequest{IDs: spec.IDs, Name: ptr.Deref(spec.Name, ""),
		RealmName: ptr.Deref(spec.RealmName, ""), Username: ptr.Deref(spec.Username, ""), Owner: ptr.Deref(spec.Owner, false)}
	if ref := spec.EncodedKeySecretRef; ref != nil {
		const field = "spec.encodedKeySecretRef"
		value, err := k.machinery.Targets.SecretValue(ctx, rev.Namespace, ref, field)
		if err != nil {
			return nil, err
		}
		id, err := apiKeyID(value, describeSecretKey(rev.Namespace, ref, field))
		if err != nil {
			return nil, err
		}
		rev.Status.EncodedKeyId = id
		request.IDs = []string{id}
	}
	return func(ctx context.Context, target elasticsearch.Target, env callEnv) (answer, error) {
		return env.limited(ctx, target.URL, func() (answer, error) {
			result, err := k.es.InvalidateAPIKeys(ctx, target, request)
			return apiKeyAnswer(result), err
		})
	}, nil
}

// apiKeyAnswer is an invalidate API key answer in the machinery's terms.
func apiKeyAnswer(result elasticsearch.APIKeyResult) answer {
	return answer{invalidated: int64(len(result.InvalidatedIDs)), previouslyInvalidated: int64(len(result.PreviouslyInvalidatedIDs)),
		invalidatedIDs: result.InvalidatedIDs, errorCount: result.ErrorCount, errorDetails: result.ErrorDetails,
		version: result.Version, caveat: result.Caveat}
}

func (apiKeyKind) record(rev *securityv1alpha1.ApiKeyRevocation, a answer) {
	status := &rev.Status
	status.InvalidatedApiKeys = new(ptr.Deref(status.InvalidatedApiKeys, 0) + a.invalidated)
	if status.PreviouslyInvalidatedApiKeys == nil {
		status.PreviouslyInvalidatedApiKeys = new(a.previouslyInvalidated)
	}
	for _, id := range a.invalidatedIDs {
		if len(status.InvalidatedApiKeyIds) < maxRecordedIDs && !slices.Contains(status.InvalidatedApiKeyIds, id) {
			status.InvalidatedApiKeyIds = append(status.InvalidatedApiKeyIds, id)
		}
	}
}

func (apiKeyKind) totals(rev *securityv1alpha1.ApiKeyRevocation) (invalidated, previously int64) {
	return ptr.Deref(rev.Status.InvalidatedApiKeys, 0), ptr.Deref(rev.Status.PreviouslyInvalidatedApiKeys, 0)
}

func (apiKeyKind) auditValues(rev *securityv1alpha1.ApiKeyRevocation) []any {
	if ids := auditIDs(rev); len(ids) > 0 {
		return []any{"apiKeyIds", ids}
	}
	return nil
}

// auditIDs names the keys a revocation targets by id, for the audit log: ids are not secrets.
// Ids from the spec are escaped like other spec text (admission refuses unsafe characters in
// them, but older revocations may hold some).
func auditIDs(rev *securityv1alpha1.ApiKeyRevocation) []string {
	if rev.Status.EncodedKeyId != "" {
		return []string{rev.Status.EncodedKeyId}
	}
	ids := make([]string, len(rev.Spec.IDs))
	for i, id := range rev.Spec.IDs {
		ids[i] = printable(id)
	}
	return ids
}
