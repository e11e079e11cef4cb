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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/targets"
)

var installECKOnce sync.Once

// installECK installs the stand-in of ECK's Elasticsearch CRD into the test API server.
func installECK(t *testing.T) {
	t.Helper()
	var err error
	installECKOnce.Do(func() {
		_, err = envtest.InstallCRDs(testConfig, envtest.CRDInstallOptions{Paths: []string{filepath.Join("testdata", "crds")}})
	})
	if err != nil {
		t.Fatalf("installing the ECK CRD: %v", err)
	}
}

// eckCluster creates the objects ECK makes for an Elasticsearch named quickstart; skip leaves one out.
func (h *harness) eckCluster(tlsDisabled bool, skip string) []byte {
	h.t.Helper()
	g := NewWithT(h.t)
	ca := selfSignedPEM(g)
	objects := map[string]client.Object{
		"elasticsearch": eckElasticsearch(h.namespace, tlsDisabled),
		"service": &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "quickstart-es-http", Namespace: h.namespace},
			Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: map[bool]string{true: "http", false: "https"}[tlsDisabled], Port: 9200}}}},
		"ca": &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "quickstart-es-http-certs-public", Namespace: h.namespace},
			Data: map[string][]byte{"ca.crt": ca}},
		"user": &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "quickstart-es-elastic-user", Namespace: h.namespace},
			Data: map[string][]byte{"elastic": []byte("eck-elastic-password-8a9b")}},
	}
	for name, obj := range objects {
		if name != skip {
			g.Expect(h.client.Create(h.ctx, obj)).To(Succeed())
		}
	}
	return ca
}

func eckElasticsearch(namespace string, tlsDisabled bool) *unstructured.Unstructured {
	es := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"version": "8.19.7"}}}
	if tlsDisabled {
		es.Object["spec"] = map[string]any{"http": map[string]any{"tls": map[string]any{"selfSignedCertificate": map[string]any{"disabled": true}}}}
	}
	es.SetGroupVersionKind(targets.ECKElasticsearchGVK)
	es.SetNamespace(namespace)
	es.SetName("quickstart")
	return es
}

func eckRef(namespace *string) *securityv1alpha1.ElasticsearchRef {
	return &securityv1alpha1.ElasticsearchRef{Name: str("quickstart"), Namespace: namespace}
}

func (h *harness) resolver() *targets.Resolver {
	return &targets.Resolver{Reader: h.client, RequestTimeout: 7 * time.Second}
}

// resolveTarget resolves a TokenRevocation's target as its reconciler does.
func resolveTarget(r *targets.Resolver, ctx context.Context, rev *securityv1alpha1.TokenRevocation) (elasticsearch.Target, error) {
	return r.Target(ctx, rev.Namespace, rev.Spec.ElasticsearchRef)
}

func TestAnECKElasticsearchResolvesToItsServiceCAAndElasticUser(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	installECK(t)
	ca := h.eckCluster(false, "")
	rev := h.create(securityv1alpha1.TokenRevocationSpec{Username: str("u"), ElasticsearchRef: eckRef(nil)})

	target, err := resolveTarget(h.resolver(), h.ctx, rev)

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(target.URL).To(Equal("https://quickstart-es-http." + h.namespace + ".svc:9200"))
	g.Expect(target.CACert).To(Equal(ca))
	g.Expect(target.Username).To(Equal("elastic"))
	g.Expect(target.Password).To(Equal("eck-elastic-password-8a9b"))
	g.Expect(target.Timeout).To(Equal(7 * time.Second))
	g.Expect(target.Version).To(Equal("8.19.7"), "spec.version tells how to call the cluster without asking it")
}

func TestAnECKElasticsearchWithoutTLSIsCalledOverHTTPWithTheSecretsCredentials(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	installECK(t)
	h.eckCluster(true, "ca")
	h.secret("api-key", map[string]string{"api-key": "aWQ6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="})
	rev := h.create(securityv1alpha1.TokenRevocationSpec{Username: str("u"),
		ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{Name: str("quickstart"), SecretName: str("api-key")}})

	target, err := resolveTarget(h.resolver(), h.ctx, rev)

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(target.URL).To(Equal("http://quickstart-es-http." + h.namespace + ".svc:9200"))
	g.Expect(target.CACert).To(BeEmpty())
	g.Expect(target.APIKey).To(Equal("aWQ6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="))
	g.Expect(target.Username).To(BeEmpty(), "secretName overrides the elastic user")
}

func TestAMissingPieceOfAnECKElasticsearchIsNamed(t *testing.T) {
	tests := []struct {
		skip, reason, names string
	}{
		{skip: "elasticsearch", reason: securityv1alpha1.ReasonElasticsearchNotFound, names: "ECK Elasticsearch"},
		{skip: "service", reason: securityv1alpha1.ReasonElasticsearchNotFound, names: "quickstart-es-http"},
		{skip: "ca", reason: securityv1alpha1.ReasonSecretNotFound, names: "quickstart-es-http-certs-public"},
		{skip: "user", reason: securityv1alpha1.ReasonSecretNotFound, names: "quickstart-es-elastic-user"},
	}
	for _, tc := range tests {
		t.Run("without the "+tc.skip, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			installECK(t)
			h.eckCluster(false, tc.skip)
			rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Username: str("u"), ElasticsearchRef: eckRef(nil)}),
				securityv1alpha1.PhasePending, tc.reason)
			g.Expect(readyMessage(rev)).To(ContainSubstring(tc.names))
			g.Expect(rev.Status.Attempts).To(BeZero())
		})
	}
}

func TestAnECKElasticsearchInAnotherNamespaceNeedsPermission(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	installECK(t)
	h.eckCluster(false, "")
	other := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "other-"}}
	g.Expect(h.client.Create(h.ctx, other)).To(Succeed())
	rev := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Name: "cross", Namespace: other.Name},
		Spec: securityv1alpha1.TokenRevocationSpec{Username: str("u"), ElasticsearchRef: eckRef(str(h.namespace))}}

	_, err := resolveTarget(h.resolver(), h.ctx, rev)
	var problem *targets.Problem
	g.Expect(errors.As(err, &problem)).To(BeTrue())
	g.Expect(problem.Reason).To(Equal(securityv1alpha1.ReasonCrossNamespaceRefForbidden))
	g.Expect(problem.Message).To(ContainSubstring("--allow-cross-namespace-refs"))

	allowed := h.resolver()
	allowed.AllowCrossNamespaceRefs = true
	target, err := resolveTarget(allowed, h.ctx, rev)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(target.URL).To(ContainSubstring("." + h.namespace + ".svc"))
}

func TestAClusterWithoutECKSaysSo(t *testing.T) {
	g := NewWithT(t)
	noECK := fake.NewClientBuilder().WithInterceptorFuncs(interceptor.Funcs{
		Get: func(context.Context, client.WithWatch, client.ObjectKey, client.Object, ...client.GetOption) error {
			return &meta.NoKindMatchError{GroupKind: targets.ECKElasticsearchGVK.GroupKind()}
		},
	}).Build()
	rev := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "ns"},
		Spec: securityv1alpha1.TokenRevocationSpec{Username: str("u"), ElasticsearchRef: eckRef(nil)}}

	_, err := resolveTarget(&targets.Resolver{Reader: noECK}, context.Background(), rev)

	var problem *targets.Problem
	g.Expect(errors.As(err, &problem)).To(BeTrue())
	g.Expect(problem.Reason).To(Equal(securityv1alpha1.ReasonElasticsearchNotFound))
	g.Expect(problem.Message).To(ContainSubstring("needs ECK"))
}

// selfSignedPEM returns a throwaway self-signed CA certificate.
func selfSignedPEM(g Gomega) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	g.Expect(err).NotTo(HaveOccurred())
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	g.Expect(err).NotTo(HaveOccurred())
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
