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

package cluster

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// webhookEndpoint is where the API server sends TokenRevocations for validation.
type webhookEndpoint struct {
	service  *admissionregistrationv1.ServiceReference
	caBundle []byte
}

// tokenRevocationWebhook finds the operator's validating webhook for TokenRevocations.
func (h *harness) tokenRevocationWebhook(t *testing.T) (webhookEndpoint, error) {
	var configs admissionregistrationv1.ValidatingWebhookConfigurationList
	if err := h.c.List(bounded(t, 30*time.Second), &configs,
		client.MatchingLabels{"app.kubernetes.io/name": "token-revocation-operator"}); err != nil {
		return webhookEndpoint{}, err
	}
	for _, c := range configs.Items {
		for _, w := range c.Webhooks {
			for _, r := range w.Rules {
				for _, res := range r.Resources {
					if res == "tokenrevocations" && w.ClientConfig.Service != nil {
						return webhookEndpoint{service: w.ClientConfig.Service, caBundle: w.ClientConfig.CABundle}, nil
					}
				}
			}
		}
	}
	return webhookEndpoint{}, fmt.Errorf("no validating webhook for tokenrevocations among %d configurations", len(configs.Items))
}

// mountedCertSecret is the Secret the kubelet mounts as the manager's webhook certificate.
func (h *harness) mountedCertSecret(t *testing.T) string {
	t.Helper()
	var d appsv1.Deployment
	if err := h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Namespace: operatorNamespace, Name: managerDeployment}, &d); err != nil {
		t.Fatal(err)
	}
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Name == "webhook-certs" && v.Secret != nil {
			return v.Secret.SecretName
		}
	}
	t.Fatal("the manager's Deployment has no webhook-certs Secret volume")
	return ""
}

// testWebhookAdmission checks the manager's own rotation: it filled the mounted Secret and injected
// its CA into the webhook configuration; the webhook Service serves exactly that certificate (so the
// kubelet mounted it); the webhook refuses an invalid TokenRevocation and admits a valid one; and the
// API server calls it (its warning comes back through kubectl).
func (h *harness) testWebhookAdmission(t *testing.T) {
	g := NewWithT(t)
	var hook webhookEndpoint
	g.Eventually(func(g Gomega) {
		var err error
		hook, err = h.tokenRevocationWebhook(t)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(hook.caBundle).NotTo(BeEmpty(), "the rotator has not injected a CA yet")
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())

	var secret corev1.Secret
	secretName := h.mountedCertSecret(t)
	g.Expect(h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Namespace: operatorNamespace, Name: secretName}, &secret)).To(Succeed())
	g.Expect(secret.Data).To(HaveKey("tls.crt"))
	g.Expect(secret.Data).To(HaveKey("tls.key"))
	roots := x509.NewCertPool()
	g.Expect(roots.AppendCertsFromPEM(hook.caBundle)).To(BeTrue(), "caBundle holds no PEM certificate")

	serverName := hook.service.Name + "." + hook.service.Namespace + ".svc"
	port := int32(443)
	if hook.service.Port != nil {
		port = *hook.service.Port
	}
	addr := net.JoinHostPort(h.serviceIP(t, hook.service.Namespace, hook.service.Name), strconv.Itoa(int(port)))
	tlsConfig := &tls.Config{RootCAs: roots, ServerName: serverName, MinVersion: tls.VersionTLS12}
	// The kubelet refreshes a Secret volume within about a minute of a change.
	g.Eventually(func(g Gomega) {
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, tlsConfig)
		g.Expect(err).NotTo(HaveOccurred(), "TLS to the webhook Service, verified with the injected caBundle")
		defer func() { _ = conn.Close() }()
		block, _ := pem.Decode(secret.Data["tls.crt"])
		g.Expect(block).NotTo(BeNil())
		g.Expect(conn.ConnectionState().PeerCertificates[0].Raw).To(Equal(block.Bytes),
			"the webhook serves a certificate other than the one in Secret %s", secretName)
	}).WithTimeout(2 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())

	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConfig}}
	url := "https://" + addr + ptrOr(hook.service.Path, "/")
	invalid := review(t, `{"token":"abc","username":"bob"}`)
	answer := postReview(t, hc, url, invalid)
	g.Expect(answer.Allowed).To(BeFalse(), "the webhook admitted a token together with a username")
	g.Expect(answer.Result).NotTo(BeNil())
	g.Expect(answer.Result.Message).To(ContainSubstring("spec"))
	valid := review(t, `{"tokenSecretRef":{"name":"leak","key":"token"}}`)
	g.Expect(postReview(t, hc, url, valid).Allowed).To(BeTrue(), "the webhook refused a valid TokenRevocation")

	// Through the API server: a valid revocation of a whole realm is admitted with the webhook's
	// warning (dry run: the webhook has no side effects); an invalid one is refused.
	_, stderr, err := h.kubectl(`apiVersion: security.esrevoke.io/v1alpha1
kind: TokenRevocation
metadata: {name: realm-wide, namespace: default}
spec: {realmName: default_native}
`, "create", "--dry-run=server", "-f", "-")
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	g.Expect(stderr).To(ContainSubstring("every user of"), "no warning from the webhook: the API server did not call it")
	_, stderr, err = h.kubectl(`apiVersion: security.esrevoke.io/v1alpha1
kind: TokenRevocation
metadata: {name: invalid, namespace: default}
spec: {token: abc, username: bob}
`, "create", "--dry-run=server", "-f", "-")
	g.Expect(err).To(HaveOccurred(), "the API server admitted a token together with a username")
	g.Expect(stderr).To(ContainSubstring("spec"))
}

// review is an AdmissionReview asking to create a TokenRevocation with the given spec.
func review(t *testing.T, spec string) *admissionv1.AdmissionReview {
	t.Helper()
	obj := `{"apiVersion":"security.esrevoke.io/v1alpha1","kind":"TokenRevocation",` +
		`"metadata":{"name":"review","namespace":"default"},"spec":` + spec + `}`
	return &admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       types.UID(randomHex(t)),
			Kind:      metav1.GroupVersionKind{Group: "security.esrevoke.io", Version: "v1alpha1", Kind: "TokenRevocation"},
			Resource:  metav1.GroupVersionResource{Group: "security.esrevoke.io", Version: "v1alpha1", Resource: "tokenrevocations"},
			Name:      "review",
			Namespace: "default",
			Operation: admissionv1.Create,
			Object:    runtime.RawExtension{Raw: []byte(obj)},
		},
	}
}

// postReview sends an AdmissionReview to the webhook as the API server does, and returns its answer.
func postReview(t *testing.T, hc *http.Client, url string, r *admissionv1.AdmissionReview) *admissionv1.AdmissionResponse {
	t.Helper()
	body, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("calling the webhook: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	var answer admissionv1.AdmissionReview
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || answer.Response == nil {
		t.Fatalf("the webhook's answer (%s) is no AdmissionReview: %v", resp.Status, err)
	}
	if answer.Response.UID != r.Request.UID {
		t.Fatalf("the webhook answered for uid %q, asked %q", answer.Response.UID, r.Request.UID)
	}
	return answer.Response
}

// ptrOr is *p, or def when p is nil.
func ptrOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}
