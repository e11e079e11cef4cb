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

package targets

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

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

// Resolver finds the Elasticsearch cluster a revocation calls and reads the Secrets it names.
// It reads straight from the API server, so nothing about Secrets is cached.
type Resolver struct {
	// Reader reads Secrets, Services and ECK Elasticsearch objects (the manager's API reader).
	Reader client.Reader
	// Default is the cluster used when a revocation has no elasticsearchRef; nil if none.
	Default *elasticsearch.Target
	// RequestTimeout bounds one call to a cluster found through a Secret or ECK.
	RequestTimeout time.Duration
	// AllowCrossNamespaceRefs lets a revocation refer to an ECK Elasticsearch in another namespace.
	AllowCrossNamespaceRefs bool
	// WatchNamespaces, when not empty, are the only namespaces the operator reads from
	// (--watch-namespaces): a reference to an ECK Elasticsearch elsewhere is refused, never read.
	WatchNamespaces []string
}

// Check refuses a reference the operator may not follow (an ECK Elasticsearch in another
// namespace without --allow-cross-namespace-refs, or outside the watched namespaces). It reads
// nothing, so a refused reference is refused before anything else is looked at.
func (r *Resolver) Check(namespace string, ref *securityv1alpha1.ElasticsearchRef) error {
	_, err := r.eckKey(namespace, ref)
	return err
}

// Target finds the cluster a revocation in namespace calls, and its credentials.
func (r *Resolver) Target(ctx context.Context, namespace string, ref *securityv1alpha1.ElasticsearchRef) (elasticsearch.Target, error) {
	switch {
	case ref == nil && r.Default == nil:
		return elasticsearch.Target{}, Problemf(securityv1alpha1.ReasonNoTarget,
			"spec.elasticsearchRef is not set and the operator has no default Elasticsearch (ELASTICSEARCH_URL)")
	case ref == nil:
		return *r.Default, nil
	case ref.Name != nil:
		return r.targetFromECK(ctx, namespace, ref)
	}
	return r.targetFromSecret(ctx, namespace, *ref.SecretName)
}

// targetFromSecret reads a connection Secret in ECK's external-cluster format.
func (r *Resolver) targetFromSecret(ctx context.Context, namespace, name string) (elasticsearch.Target, error) {
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
		return elasticsearch.Target{}, Problemf(securityv1alpha1.ReasonInvalidConnection,
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

// WithCredentialHint adds to Elasticsearch's refusal of the credentials what is visibly wrong with
// them: a password with surrounding whitespace, most often the newline of echo or of a file that
// ended up in the Secret (passwords are used as given, since Elasticsearch allows any character).
func WithCredentialHint(err error, target elasticsearch.Target) error {
	if elasticsearch.KindOf(err) != elasticsearch.KindUnauthorized || strings.TrimSpace(target.Password) == target.Password {
		return err
	}
	return fmt.Errorf("%w; the password begins or ends with whitespace (often the newline of echo or of a file): "+
		"remove it from the Secret", err)
}
