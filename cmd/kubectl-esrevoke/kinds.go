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

package main

import (
	"cmp"
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// revocation is a revocation of any kind, as the commands create, follow, list and retry it. The
// API's Revocation gives what every kind shares (its status progress, target and reason); what
// differs between kinds is written once, in this file.
type revocation = securityv1alpha1.Revocation

// revocationKind is what the commands know of one kind of revocation besides its Go type.
type revocationKind struct {
	// kind is the API kind, as in an owner reference.
	kind string
	// resource and shortName are the names kubectl takes for it (`kubectl get tokrev`).
	resource, shortName string
	// counted names what its counts count, in the singular.
	counted string
	// newObject returns an empty revocation of the kind.
	newObject func() revocation
	// list lists the kind's revocations.
	list func(ctx context.Context, c client.Client, opts ...client.ListOption) ([]revocation, error)
}

var (
	tokenRevocations = revocationKind{
		kind: "TokenRevocation", resource: "tokenrevocation", shortName: "tokrev", counted: "token",
		newObject: func() revocation { return &securityv1alpha1.TokenRevocation{} },
		list: func(ctx context.Context, c client.Client, opts ...client.ListOption) ([]revocation, error) {
			var list securityv1alpha1.TokenRevocationList
			err := c.List(ctx, &list, opts...)
			return revocationsOf(list.Items), err
		},
	}
	apiKeyRevocations = revocationKind{
		kind: "ApiKeyRevocation", resource: "apikeyrevocation", shortName: "akrev", counted: "API key",
		newObject: func() revocation { return &securityv1alpha1.ApiKeyRevocation{} },
		list: func(ctx context.Context, c client.Client, opts ...client.ListOption) ([]revocation, error) {
			var list securityv1alpha1.ApiKeyRevocationList
			err := c.List(ctx, &list, opts...)
			return revocationsOf(list.Items), err
		},
	}
	// revocationKinds are every kind, in the order list and retry look them up.
	revocationKinds = []revocationKind{tokenRevocations, apiKeyRevocations}
)

// revocationsOf turns a list's items into revocations.
func revocationsOf[T any, P interface {
	*T
	revocation
}](items []T) []revocation {
	revs := make([]revocation, len(items))
	for i := range items {
		revs[i] = P(&items[i])
	}
	return revs
}

// kindOf is the kind of rev.
func kindOf(rev revocation) revocationKind {
	if _, ok := rev.(*securityv1alpha1.ApiKeyRevocation); ok {
		return apiKeyRevocations
	}
	return tokenRevocations
}

// setTarget sets the spec's elasticsearchRef and reason, the fields every kind's spec shares.
func setTarget(rev revocation, ref *securityv1alpha1.ElasticsearchRef, reason *string) {
	switch rev := rev.(type) {
	case *securityv1alpha1.TokenRevocation:
		rev.Spec.ElasticsearchRef, rev.Spec.Reason = ref, reason
	case *securityv1alpha1.ApiKeyRevocation:
		rev.Spec.ElasticsearchRef, rev.Spec.Reason = ref, reason
	}
}

// counts are the counts Elasticsearch answered, nil before it has.
func counts(rev revocation) (invalidated, previously *int64) {
	switch rev := rev.(type) {
	case *securityv1alpha1.TokenRevocation:
		return rev.Status.InvalidatedTokens, rev.Status.PreviouslyInvalidatedTokens
	case *securityv1alpha1.ApiKeyRevocation:
		return rev.Status.InvalidatedApiKeys, rev.Status.PreviouslyInvalidatedApiKeys
	}
	return nil, nil
}

// listStatus is the status of a revocation of a token list, nil for any other revocation.
func listStatus(rev revocation) *securityv1alpha1.TokenRevocationStatus {
	if rev, ok := rev.(*securityv1alpha1.TokenRevocation); ok &&
		(rev.Spec.TokenListSecretRef != nil || rev.Spec.RefreshTokenListSecretRef != nil) {
		return &rev.Status
	}
	return nil
}

// secretRef is the Secret holding the credential the revocation revokes, nil when there is none.
func secretRef(rev revocation) *securityv1alpha1.SecretKeySelector {
	switch rev := rev.(type) {
	case *securityv1alpha1.TokenRevocation:
		return cmp.Or(rev.Spec.TokenSecretRef, rev.Spec.RefreshTokenSecretRef, rev.Spec.TokenListSecretRef, rev.Spec.RefreshTokenListSecretRef)
	case *securityv1alpha1.ApiKeyRevocation:
		return rev.Spec.EncodedKeySecretRef
	}
	return nil
}

// withSpecOf is a new revocation of the kind of rev, with a copy of its spec and nothing else.
func withSpecOf(rev revocation) revocation {
	switch rev := rev.(type) {
	case *securityv1alpha1.TokenRevocation:
		return &securityv1alpha1.TokenRevocation{Spec: *rev.Spec.DeepCopy()}
	case *securityv1alpha1.ApiKeyRevocation:
		return &securityv1alpha1.ApiKeyRevocation{Spec: *rev.Spec.DeepCopy()}
	}
	return nil
}

// revokesNothing describes a spec that selects nothing, which admission refuses.
const revokesNothing = "nothing"

// describeWhat names what the revocation revokes: a token by its fingerprint, a leaked API key
// by its id, once the operator recorded them.
func describeWhat(rev revocation) string {
	switch rev := rev.(type) {
	case *securityv1alpha1.TokenRevocation:
		return describeTokens(rev)
	case *securityv1alpha1.ApiKeyRevocation:
		return describeAPIKeys(rev)
	}
	return revokesNothing
}
