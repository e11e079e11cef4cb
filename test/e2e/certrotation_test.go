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

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// The manager creates its own webhook certificate, and the API server calls the webhook over TLS
// trusting only the CA the manager injected. Outside a cluster nothing mounts the certificate
// Secret into the manager's certificate directory, so the test plays the kubelet's part.
func TestTheWebhookServesWithTheCertificateTheManagerRotatesAndInjects(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("skipped: KUBEBUILDER_ASSETS is not set; `make test` builds the envtest binaries and sets it")
	}
	g := NewWithT(t)
	env := &envtest.Environment{
		CRDDirectoryPaths: []string{filepath.Join("..", "..", "config", "crd", "bases")},
		WebhookInstallOptions: envtest.WebhookInstallOptions{
			Paths:            []string{filepath.Join("..", "..", "config", "webhook")},
			LocalServingHost: "localhost", LocalServingHostExternalName: "localhost",
		},
	}
	c := startClusterWith(t, env)
	k8s, err := client.New(c.config, client.Options{})
	g.Expect(err).NotTo(HaveOccurred())
	ctx := context.Background()
	envtestCA := webhookCABundle(g, k8s)

	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "webhook-cert", Namespace: "default"}}
	g.Expect(k8s.Create(ctx, secret)).To(Succeed())
	certDir := t.TempDir()
	probe := freePort(g)
	manager := buildManager(t)
	cmd := exec.Command(manager, //nolint:gosec // our own binary
		"--metrics-bind-address=0", fmt.Sprintf("--health-probe-bind-address=127.0.0.1:%d", probe),
		"--webhook-port="+strconv.Itoa(env.WebhookInstallOptions.LocalServingPort), "--webhook-cert-dir="+certDir,
		"--cert-secret-name=webhook-cert", "--webhook-config-name=validating-webhook-configuration",
		"--mutating-webhook-config-name=mutating-webhook-configuration",
		"--webhook-extra-dns-names=localhost", "--forbid-inline-tokens")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+c.kubeconfig, "POD_NAMESPACE=default", "ELASTICSEARCH_URL=")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	g.Expect(cmd.Start()).To(Succeed())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	readyz := fmt.Sprintf("http://127.0.0.1:%d/readyz", probe)
	g.Eventually(func() (int, error) { return httpStatus(readyz) }).WithTimeout(30*time.Second).
		Should(Equal(http.StatusInternalServerError), "not ready before the certificate is mounted")

	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(secret), secret)).To(Succeed())
		g.Expect(secret.Data).To(HaveKey("tls.crt"))
		mountSecret(g, secret, certDir)
	}).WithTimeout(60 * time.Second).Should(Succeed())

	g.Eventually(func() (int, error) { return httpStatus(readyz) }).WithTimeout(60*time.Second).
		Should(Equal(http.StatusOK), "ready once the webhook serves; manager output:\n%s", &logs)
	injected := webhookCABundle(g, k8s)
	g.Expect(injected).NotTo(Equal(envtestCA), "the manager replaced the CA bundle")
	g.Expect(injected).To(Equal(secret.Data["ca.crt"]))

	// Only the webhook enforces --forbid-inline-tokens, and only the webhook sends warnings.
	samples := filepath.Join("..", "..", "config", "samples")
	_, stderr, err := c.kubectl(t, "apply", "-n", "default", "-f", filepath.Join(samples, "security_v1alpha1_tokenrevocation_token.yaml"))
	g.Expect(err).To(HaveOccurred())
	g.Expect(stderr).To(ContainSubstring("inline tokens are forbidden on this cluster"))

	_, stderr, err = c.kubectl(t, "apply", "-n", "default", "-f", filepath.Join(samples, "security_v1alpha1_tokenrevocation_realm.yaml"))
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	g.Expect(stderr).To(ContainSubstring(`every user of realm "saml1"`), "the webhook's warning came back over TLS")
}

// mountSecret writes the Secret's files into dir as the kubelet does for a mounted Secret.
func mountSecret(g Gomega, secret *corev1.Secret, dir string) {
	for _, key := range []string{"tls.crt", "tls.key"} {
		tmp := filepath.Join(dir, "."+key)
		g.Expect(os.WriteFile(tmp, secret.Data[key], 0o600)).To(Succeed())
		g.Expect(os.Rename(tmp, filepath.Join(dir, key))).To(Succeed())
	}
}

func webhookCABundle(g Gomega, k8s client.Client) []byte {
	var config admissionregistrationv1.ValidatingWebhookConfiguration
	g.Expect(k8s.Get(context.Background(), client.ObjectKey{Name: "validating-webhook-configuration"}, &config)).To(Succeed())
	// One webhook per revocation kind, all served by the manager with the same certificate.
	g.Expect(config.Webhooks).To(HaveLen(2))
	g.Expect(config.Webhooks[1].ClientConfig.CABundle).To(Equal(config.Webhooks[0].ClientConfig.CABundle))
	return config.Webhooks[0].ClientConfig.CABundle
}

// buildManager builds the manager binary for the test.
func buildManager(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "manager")
	cmd := exec.Command("go", "build", "-o", path, ".")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the manager: %v\n%s", err, out)
	}
	return path
}

func freePort(g Gomega) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

func httpStatus(url string) (int, error) {
	res, err := (&http.Client{Timeout: 2 * time.Second}).Get(url) //nolint:noctx // a bounded probe in a test
	if err != nil {
		return 0, err
	}
	_ = res.Body.Close()
	return res.StatusCode, nil
}
