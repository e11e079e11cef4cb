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
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// ECKElasticsearchGVK is ECK's Elasticsearch kind, read as unstructured so that ECK's CRDs are not a dependency.
var ECKElasticsearchGVK = schema.GroupVersionKind{Group: "elasticsearch.k8s.elastic.co", Version: "v1", Kind: "Elasticsearch"}

// ECK's naming conventions for what it creates beside an Elasticsearch named <name>.
const (
	eckHTTPServiceSuffix   = "-es-http"
	eckPublicCertsSuffix   = "-es-http-certs-public"
	eckElasticUser         = "elastic"
	eckDefaultHTTPPort     = 9200
	eckCACertKey           = "ca.crt"
	eckHTTPServicePortName = "https"
)

// targetFromECK finds an ECK-managed Elasticsearch: its URL from the <name>-es-http Service (https
// unless ECK's self-signed TLS is disabled), its CA from <name>-es-http-certs-public, and the
// elastic user's credentials from <name>-es-elastic-user unless spec.elasticsearchRef.secretName
// gives others.
func (r *Resolver) targetFromECK(ctx context.Context, namespace string, ref *securityv1alpha1.ElasticsearchRef) (elasticsearch.Target, error) {
	key, err := r.eckKey(namespace, ref)
	if err != nil {
		return elasticsearch.Target{}, err
	}
	tlsDisabled, version, err := r.eckCluster(ctx, key)
	if err != nil {
		return elasticsearch.Target{}, err
	}
	target := elasticsearch.Target{Timeout: r.RequestTimeout, Version: version}
	if target.URL, err = r.eckURL(ctx, key, tlsDisabled); err != nil {
		return elasticsearch.Target{}, err
	}
	if !tlsDisabled {
		caName := key.Name + eckPublicCertsSuffix
		if target.CACert, err = r.readECKSecretKey(ctx, key.Namespace, caName, eckCACertKey); err != nil {
			return elasticsearch.Target{}, err
		}
	}
	if err := r.eckCredentials(ctx, namespace, ref, key, &target); err != nil {
		return elasticsearch.Target{}, err
	}
	if err := target.Validate(); err != nil {
		return elasticsearch.Target{}, Problemf(securityv1alpha1.ReasonInvalidConnection, "ECK Elasticsearch %s: %v", key, err)
	}
	return target, nil
}

// eckKey is the ECK Elasticsearch a revocation in namespace refers to, or why the operator may not
// use it: in another namespace without --allow-cross-namespace-refs, or outside the watched
// namespaces. It reads nothing.
func (r *Resolver) eckKey(namespace string, ref *securityv1alpha1.ElasticsearchRef) (types.NamespacedName, error) {
	if ref == nil || ref.Name == nil {
		return types.NamespacedName{}, nil
	}
	key := types.NamespacedName{Namespace: namespace, Name: *ref.Name}
	if ref.Namespace != nil {
		key.Namespace = *ref.Namespace
	}
	if key.Namespace != namespace && !r.AllowCrossNamespaceRefs {
		return key, Problemf(securityv1alpha1.ReasonCrossNamespaceRefForbidden,
			"spec.elasticsearchRef refers to namespace %q; the operator allows references to other namespaces "+
				"only with --allow-cross-namespace-refs", key.Namespace)
	}
	if len(r.WatchNamespaces) > 0 && !slices.Contains(r.WatchNamespaces, key.Namespace) {
		return key, Problemf(securityv1alpha1.ReasonCrossNamespaceRefForbidden,
			"spec.elasticsearchRef refers to namespace %q, which the operator does not watch (--watch-namespaces %s)",
			key.Namespace, strings.Join(r.WatchNamespaces, ","))
	}
	return key, nil
}

// eckCluster reads the Elasticsearch object: whether its HTTP TLS is disabled, and its
// spec.version, which tells the operator how to call it without asking the cluster.
func (r *Resolver) eckCluster(ctx context.Context, key types.NamespacedName) (tlsDisabled bool, version string, err error) {
	es := &unstructured.Unstructured{}
	es.SetGroupVersionKind(ECKElasticsearchGVK)
	err = r.Reader.Get(ctx, key, es)
	switch {
	case meta.IsNoMatchError(err):
		return false, "", Problemf(securityv1alpha1.ReasonElasticsearchNotFound,
			"spec.elasticsearchRef.name needs ECK, but the cluster has no %s kind", ECKElasticsearchGVK.GroupKind())
	case apierrors.IsNotFound(err):
		return false, "", Problemf(securityv1alpha1.ReasonElasticsearchNotFound, "ECK Elasticsearch %s not found", key)
	case err != nil:
		return false, "", fmt.Errorf("reading ECK Elasticsearch %s: %w", key, err)
	}
	tlsDisabled, _, _ = unstructured.NestedBool(es.Object, "spec", "http", "tls", "selfSignedCertificate", "disabled")
	version, _, _ = unstructured.NestedString(es.Object, "spec", "version")
	return tlsDisabled, version, nil
}

// eckURL is the URL of the <name>-es-http Service, on its https (or http) port.
func (r *Resolver) eckURL(ctx context.Context, key types.NamespacedName, tlsDisabled bool) (string, error) {
	name := key.Name + eckHTTPServiceSuffix
	var svc corev1.Service
	err := r.Reader.Get(ctx, types.NamespacedName{Namespace: key.Namespace, Name: name}, &svc)
	switch {
	case apierrors.IsNotFound(err):
		return "", Problemf(securityv1alpha1.ReasonElasticsearchNotFound,
			"Service %s/%s of ECK Elasticsearch %s not found (is ECK still creating it?)", key.Namespace, name, key)
	case err != nil:
		return "", fmt.Errorf("reading Service %s/%s: %w", key.Namespace, name, err)
	}
	scheme, portName := "https", eckHTTPServicePortName
	if tlsDisabled {
		scheme, portName = "http", "http"
	}
	port := eckDefaultHTTPPort
	for _, p := range svc.Spec.Ports {
		if p.Name == portName {
			port = int(p.Port)
		}
	}
	host := fmt.Sprintf("%s.%s.svc", name, key.Namespace)
	return scheme + "://" + host + ":" + strconv.Itoa(port), nil
}

// eckCredentials takes the credentials of spec.elasticsearchRef.secretName when set, else the
// elastic user's that ECK keeps in <name>-es-elastic-user.
func (r *Resolver) eckCredentials(ctx context.Context, namespace string, ref *securityv1alpha1.ElasticsearchRef,
	key types.NamespacedName, target *elasticsearch.Target) error {
	if name := ref.SecretName; name != nil {
		secret, err := r.readSecret(ctx, namespace, *name, "spec.elasticsearchRef.secretName")
		if err != nil {
			return err
		}
		setCredentials(target, secret)
		return nil
	}
	password, err := r.readECKSecretKey(ctx, key.Namespace, key.Name+securityv1alpha1.ECKElasticUserSecretSuffix, eckElasticUser)
	if err != nil {
		return err
	}
	target.Username, target.Password = eckElasticUser, string(password)
	return nil
}

// readECKSecretKey reads one key of a Secret ECK manages.
func (r *Resolver) readECKSecretKey(ctx context.Context, namespace, name, key string) ([]byte, error) {
	secret, err := r.readSecret(ctx, namespace, name, "ECK Elasticsearch")
	if err != nil {
		return nil, err
	}
	value, ok := secret.Data[key]
	if !ok || len(value) == 0 {
		return nil, Problemf(securityv1alpha1.ReasonSecretKeyNotFound, "Secret %s/%s (ECK Elasticsearch) has no key %q", namespace, name, key)
	}
	return value, nil
}
