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
	"fmt"
	"strings"

	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// TokenRevocationReconciler invalidates the tokens a TokenRevocation names, once, and records
// Elasticsearch's answer in its status.
type TokenRevocationReconciler struct {
	Machinery
	// Elasticsearch makes the invalidate token calls.
	Elasticsearch elasticsearch.Invalidator
}

// +kubebuilder:rbac:groups=security.esrevoke.io,resources=tokenrevocations,verbs=get;list;watch
// +kubebuilder:rbac:groups=security.esrevoke.io,resources=tokenrevocations/status,verbs=get;patch

// SetupWithManager registers the TokenRevocation controller with the manager.
func (r *TokenRevocationReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return setupRevocationController(mgr, &r.Machinery, tokenKind{machinery: &r.Machinery, es: r.Elasticsearch})
}

// tokenKind is what TokenRevocation adds to the shared machinery: the invalidate token request.
type tokenKind struct {
	machinery *Machinery
	es        elasticsearch.Invalidator
}

var tokenNames = kindNames{kind: "TokenRevocation", logKey: "tokenRevocation", singular: "token", plural: "tokens",
	invalidatedField: "invalidatedTokens", previouslyField: "previouslyInvalidatedTokens",
	invalidatedCounter: tokensInvalidatedTotal}

func (tokenKind) names() kindNames { return tokenNames }

func (tokenKind) newObject() *securityv1alpha1.TokenRevocation {
	return &securityv1alpha1.TokenRevocation{}
}

// prepare builds the invalidate request, reading tokens from their Secrets, and records the
// token's fingerprint.
func (k tokenKind) prepare(ctx context.Context, rev *securityv1alpha1.TokenRevocation) (invalidateCall, error) {
	if ref, field, refresh := listRef(&rev.Spec); ref != nil {
		list, err := k.readList(ctx, rev, ref, field)
		if err != nil {
			return nil, err
		}
		list.refresh = refresh
		return k.listCall(rev, list), nil
	}
	request, err := k.request(ctx, rev)
	if err != nil {
		return nil, err
	}
	rev.Status.TokenFingerprint = k.machinery.Key.Fingerprint(request.Token + request.RefreshToken)
	return func(ctx context.Context, target elasticsearch.Target, env callEnv) (answer, error) {
		return env.limited(ctx, target.URL, func() (answer, error) {
			result, err := k.es.Invalidate(ctx, target, request)
			return tokenAnswer(result), err
		})
	}, nil
}

// request is the invalidate request of a TokenRevocation's spec.
func (k tokenKind) request(ctx context.Context, rev *securityv1alpha1.TokenRevocation) (elasticsearch.InvalidateRequest, error) {
	spec := rev.Spec
	// Inline tokens are trimmed like those read from Secrets: a token never holds whitespace, and
	// one pasted with a trailing space would otherwise be unknown to Elasticsearch for good.
	request := elasticsearch.InvalidateRequest{
		Token:        strings.TrimSpace(ptr.Deref(spec.Token, "")),
		RefreshToken: strings.TrimSpace(ptr.Deref(spec.RefreshToken, "")),
		RealmName:    ptr.Deref(spec.RealmName, ""),
		Username:     ptr.Deref(spec.Username, ""),
	}
	var err error
	if spec.TokenSecretRef != nil {
		request.Token, err = k.machinery.Targets.SecretValue(ctx, rev.Namespace, spec.TokenSecretRef, "spec.tokenSecretRef")
	}
	if spec.RefreshTokenSecretRef != nil && err == nil {
		request.RefreshToken, err = k.machinery.Targets.SecretValue(ctx, rev.Namespace, spec.RefreshTokenSecretRef,
			"spec.refreshTokenSecretRef")
	}
	return request, err
}

// tokenAnswer is an invalidate token answer in the machinery's terms.
func tokenAnswer(result elasticsearch.Result) answer {
	return answer{invalidated: result.InvalidatedTokens, previouslyInvalidated: result.PreviouslyInvalidatedTokens,
		errorCount: result.ErrorCount, errorDetails: result.ErrorDetails, version: result.Version, caveat: result.Caveat}
}

func (tokenKind) record(rev *securityv1alpha1.TokenRevocation, a answer) {
	status := &rev.Status
	status.InvalidatedTokens = new(ptr.Deref(status.InvalidatedTokens, 0) + a.invalidated)
	if status.PreviouslyInvalidatedTokens == nil {
		status.PreviouslyInvalidatedTokens = new(a.previouslyInvalidated)
	}
}

func (tokenKind) totals(rev *securityv1alpha1.TokenRevocation) (invalidated, previously int64) {
	return ptr.Deref(rev.Status.InvalidatedTokens, 0), ptr.Deref(rev.Status.PreviouslyInvalidatedTokens, 0)
}

func (tokenKind) auditValues(rev *securityv1alpha1.TokenRevocation) []any {
	return []any{"tokenFingerprint", rev.Status.TokenFingerprint}
}

// listRef is the list Secret a spec names, if any: the field, and whether it lists refresh tokens.
func listRef(spec *securityv1alpha1.TokenRevocationSpec) (*securityv1alpha1.SecretKeySelector, string, bool) {
	switch {
	case spec.TokenListSecretRef != nil:
		return spec.TokenListSecretRef, "spec.tokenListSecretRef", false
	case spec.RefreshTokenListSecretRef != nil:
		return spec.RefreshTokenListSecretRef, "spec.refreshTokenListSecretRef", true
	}
	return nil, "", false
}

// readList reads a list from its Secret and records its fingerprint and size; a list that changed
// since the revocation began fails it, since its progress no longer matches the list.
func (k tokenKind) readList(ctx context.Context, rev *securityv1alpha1.TokenRevocation,
	ref *securityv1alpha1.SecretKeySelector, field string) (tokenList, error) {
	value, err := k.machinery.Targets.SecretValue(ctx, rev.Namespace, ref, field)
	if err != nil {
		return tokenList{}, err
	}
	where := describeSecretKey(rev.Namespace, ref, field)
	tokens, err := parseTokenList(value, where)
	if err != nil {
		return tokenList{}, err
	}
	list := tokenList{tokens: tokens}
	fingerprint := list.fingerprint(k.machinery.Key)
	if rev.Status.TokenFingerprint != "" && rev.Status.TokenFingerprint != fingerprint {
		return tokenList{}, &failure{reason: securityv1alpha1.ReasonTokenListChanged, message: fmt.Sprintf(
			"%s changed while its tokens were being revoked (list %s, now %s): what was counted no longer matches the list; "+
				"create a new TokenRevocation for the list as it is now", where, rev.Status.TokenFingerprint, fingerprint)}
	}
	rev.Status.TokenFingerprint = fingerprint
	rev.Status.TokenCount = new(int64(len(tokens)))
	return list, nil
}
