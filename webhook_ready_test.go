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
	"context"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"
	"github.com/open-policy-agent/cert-controller/pkg/rotator"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

// issued is a CA and a serving certificate made as the rotator makes them.
type issued struct{ caPEM, certPEM, keyPEM []byte }

func issue(t *testing.T) issued {
	t.Helper()
	usages := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	r := &rotator.CertRotator{CAName: "test-ca", CAOrganization: "esrevoke.io", DNSName: "webhook.ns.svc",
		ExtKeyUsages: &usages}
	begin, end := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	ca, err := r.CreateCACert(begin, end)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := r.CreateCertPEM(ca, begin, end)
	if err != nil {
		t.Fatal(err)
	}
	return issued{caPEM: ca.CertPEM, certPEM: certPEM, keyPEM: keyPEM}
}

// webhookConfigs are the two configurations, each with one webhook carrying bundle.
func webhookConfigs(validatingBundle, mutatingBundle []byte) []client.Object {
	return []client.Object{
		&admissionregistrationv1.ValidatingWebhookConfiguration{
			ObjectMeta: metav1.ObjectMeta{Name: "validating"},
			Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "v.esrevoke.io",
				ClientConfig: admissionregistrationv1.WebhookClientConfig{CABundle: validatingBundle}}},
		},
		&admissionregistrationv1.MutatingWebhookConfiguration{
			ObjectMeta: metav1.ObjectMeta{Name: "mutating"},
			Webhooks: []admissionregistrationv1.MutatingWebhook{{Name: "m.esrevoke.io",
				ClientConfig: admissionregistrationv1.WebhookClientConfig{CABundle: mutatingBundle}}},
		},
	}
}

func certCheck(t *testing.T, dir string, objects ...client.Object) webhookCertCheck {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := admissionregistrationv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	reader := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objects...).Build()
	return webhookCertCheck{reader: reader, certDir: dir, validating: "validating", mutating: "mutating"}
}

func mount(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// The webhooks serve only once the certificate is mounted and both configurations trust it: what
// the rotator and the kubelet do, in the order they may do it.
func TestWebhookCertificateIsReadyOnlyWhenMountedAndTrusted(t *testing.T) {
	pair, other := issue(t), issue(t)
	cases := []struct {
		name    string
		files   map[string][]byte
		configs []client.Object
		wantWhy string
	}{
		{"nothing mounted (the kubelet has not refreshed the volume)", nil,
			webhookConfigs(pair.caPEM, pair.caPEM), "not mounted yet"},
		{"the empty Secret config/ ships", map[string][]byte{"tls.crt": {}, "tls.key": {}},
			webhookConfigs(pair.caPEM, pair.caPEM), "not a PEM certificate yet"},
		{"certificate without its key", map[string][]byte{"tls.crt": pair.certPEM},
			webhookConfigs(pair.caPEM, pair.caPEM), "key is not mounted yet"},
		{"no CA injected yet", map[string][]byte{"tls.crt": pair.certPEM, "tls.key": pair.keyPEM},
			webhookConfigs(nil, nil), "has no CA bundle yet"},
		{"only the validating configuration trusts it", map[string][]byte{"tls.crt": pair.certPEM, "tls.key": pair.keyPEM},
			webhookConfigs(pair.caPEM, nil), "m.esrevoke.io has no CA bundle yet"},
		{"an older CA injected (a rotation under way)", map[string][]byte{"tls.crt": pair.certPEM, "tls.key": pair.keyPEM},
			webhookConfigs(other.caPEM, other.caPEM), "does not trust the mounted certificate yet"},
		{"no webhook configuration", map[string][]byte{"tls.crt": pair.certPEM, "tls.key": pair.keyPEM},
			nil, "reading the validating webhook configuration"},
		{"mounted and trusted", map[string][]byte{"tls.crt": pair.certPEM, "tls.key": pair.keyPEM},
			webhookConfigs(pair.caPEM, pair.caPEM), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mount(t, dir, tc.files)
			err := certCheck(t, dir, tc.configs...).ready(context.Background())
			switch {
			case tc.wantWhy == "" && err != nil:
				t.Fatalf("not ready: %v", err)
			case tc.wantWhy != "" && (err == nil || !strings.Contains(err.Error(), tc.wantWhy)):
				t.Fatalf("got %v, want an error saying %q", err, tc.wantWhy)
			}
		})
	}
}

// The waiter registers the webhooks as soon as the kubelet mounts the certificate, and the
// readiness probe says why it is not ready until then.
func TestCertWaiterRegistersOnceTheMountAppears(t *testing.T) {
	pair := issue(t)
	dir := t.TempDir()
	registered := make(chan struct{})
	waiter := &certWaiter{
		check:    certCheck(t, dir, webhookConfigs(pair.caPEM, pair.caPEM)...),
		register: func() error { close(registered); return nil },
		ready:    make(chan struct{}),
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- waiter.Start(ctx) }()

	g := gomega.NewWithT(t)
	g.Eventually(func() string { return waiter.notReady().Error() }).WithTimeout(30*time.Second).
		Should(gomega.ContainSubstring("not mounted yet"), "the readiness probe says why before the mount")
	mount(t, dir, map[string][]byte{"tls.crt": pair.certPEM, "tls.key": pair.keyPEM})
	select {
	case <-waiter.ready:
	case <-ctx.Done():
		t.Fatal("the webhooks were not registered after the certificate was mounted")
	}
	select {
	case <-registered:
	default:
		t.Fatal("ready was closed before the webhooks were registered")
	}
	if err := <-done; err != nil {
		t.Fatalf("Start: %v", err)
	}
}
