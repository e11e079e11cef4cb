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
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// Keys of a connection Secret, in ECK's format for external Elasticsearch clusters.
const (
	secretKeyURL      = "url"
	secretKeyUsername = "username"
	secretKeyPassword = "password"
	secretKeyAPIKey   = "api-key"
	secretKeyCACert   = "ca.crt"
	secretKeyVersion  = "version"
)

// pendingError is a reason the revocation cannot be sent yet that someone can fix: a Secret not
// created yet, a missing key, no target. It becomes the Pending phase's condition.
type pendingError struct {
	reason  string
	message string
}

func (e *pendingError) Error() string { return e.message }

func pending(reason, format string, args ...any) error {
	return &pendingError{reason: reason, message: fmt.Sprintf(format, args...)}
}

// resolveTarget finds the Elasticsearch cluster to call and its credentials.
func (r *TokenRevocationReconciler) resolveTarget(ctx context.Context, rev *securityv1alpha1.TokenRevocation) (elasticsearch.Target, error) {
	ref := rev.Spec.ElasticsearchRef
	switch {
	case ref == nil && r.DefaultTarget == nil:
		return elasticsearch.Target{}, pending(securityv1alpha1.ReasonNoTarget,
			"spec.elasticsearchRef is not set and the operator has no default Elasticsearch (ELASTICSEARCH_URL)")
	case ref == nil:
		return *r.DefaultTarget, nil
	case ref.Name != nil:
		return r.targetFromECK(ctx, rev)
	}
	return r.targetFromSecret(ctx, rev.Namespace, *ref.SecretName)
}

// targetFromSecret reads a connection Secret in ECK's external-cluster format.
func (r *TokenRevocationReconciler) targetFromSecret(ctx context.Context, namespace, name string) (elasticsearch.Target, error) {
	secret, err := r.readSecret(ctx, namespace, name, "spec.elasticsearchRef.secretName")
	if err != nil {
		return elasticsearch.Target{}, err
	}
	target := elasticsearch.Target{
		URL:     strings.TrimSpace(string(secret.Data[secretKeyURL])),
		CACert:  secret.Data[secretKeyCACert],
		Version: strings.TrimSpace(string(secret.Data[secretKeyVersion])),
		Timeout: r.RequestTimeout,
	}
	setCredentials(&target, secret)
	if err := target.Validate(); err != nil {
		return elasticsearch.Target{}, pending(securityv1alpha1.ReasonInvalidConnection,
			"connection Secret %s/%s (keys %q, %q + %q or %q, optional %q and %q): %v", namespace, name,
			secretKeyURL, secretKeyUsername, secretKeyPassword, secretKeyAPIKey, secretKeyCACert, secretKeyVersion, err)
	}
	return target, nil
}

// setCredentials takes the credentials of a connection Secret: "username" and "password", or "api-key".
func setCredentials(target *elasticsearch.Target, secret *corev1.Secret) {
	target.Username = strings.TrimSpace(string(secret.Data[secretKeyUsername]))
	target.Password = string(secret.Data[secretKeyPassword])
	target.APIKey = strings.TrimSpace(string(secret.Data[secretKeyAPIKey]))
}

// resolveRequest builds the invalidate request, reading tokens from their Secrets.
func (r *TokenRevocationReconciler) resolveRequest(ctx context.Context, rev *securityv1alpha1.TokenRevocation) (elasticsearch.InvalidateRequest, error) {
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
		request.Token, err = r.readSecretKey(ctx, rev.Namespace, spec.TokenSecretRef, "spec.tokenSecretRef")
	}
	if spec.RefreshTokenSecretRef != nil && err == nil {
		request.RefreshToken, err = r.readSecretKey(ctx, rev.Namespace, spec.RefreshTokenSecretRef, "spec.refreshTokenSecretRef")
	}
	return request, err
}

// readSecretKey reads one key of a Secret holding a token. Surrounding whitespace, such as the
// newline `kubectl create secret --from-file` keeps, is dropped: tokens never contain any.
func (r *TokenRevocationReconciler) readSecretKey(ctx context.Context, namespace string,
	ref *securityv1alpha1.SecretKeySelector, field string) (string, error) {
	secret, err := r.readSecret(ctx, namespace, ref.Name, field+".name")
	if err != nil {
		return "", err
	}
	data, ok := secret.Data[ref.Key]
	if !ok {
		return "", pending(securityv1alpha1.ReasonSecretKeyNotFound, "Secret %s/%s (%s) has no key %q", namespace, ref.Name, field, ref.Key)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return "", pending(securityv1alpha1.ReasonSecretKeyNotFound, "key %q of Secret %s/%s (%s) is empty", ref.Key, namespace, ref.Name, field)
	}
	return token, nil
}

// readSecret reads a Secret straight from the API server: the operator may get Secrets, not list
// or watch them, so nothing about Secrets is cached.
func (r *TokenRevocationReconciler) readSecret(ctx context.Context, namespace, name, field string) (*corev1.Secret, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var secret corev1.Secret
	err := r.APIReader.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &secret)
	switch {
	case apierrors.IsNotFound(err):
		return nil, pending(securityv1alpha1.ReasonSecretNotFound, "Secret %s/%s (%s) not found", namespace, name, field)
	case apierrors.IsForbidden(err):
		return nil, pending(securityv1alpha1.ReasonSecretNotFound, "the operator may not read Secret %s/%s (%s): %v", namespace, name, field, err)
	case err != nil:
		return nil, fmt.Errorf("reading Secret %s/%s: %w", namespace, name, err)
	}
	return &secret, nil
}

// withCredentialHint adds to Elasticsearch's refusal of the credentials what is visibly wrong with
// them: a password with surrounding whitespace, most often the newline of echo or of a file that
// ended up in the Secret (passwords are used as given, since Elasticsearch allows any character).
func withCredentialHint(err error, target elasticsearch.Target) error {
	if elasticsearch.KindOf(err) != elasticsearch.KindUnauthorized || strings.TrimSpace(target.Password) == target.Password {
		return err
	}
	return fmt.Errorf("%w; the password begins or ends with whitespace (often the newline of echo or of a file): "+
		"remove it from the Secret", err)
}
