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
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/installation"
)

// runbookNamespace is the namespace of the README's runbook example.
const runbookNamespace = "security"

// readmeRunbook is the first ```sh block of the README's "A runbook example" section, as written.
func (h *harness) readmeRunbook(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(h.root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## A runbook example\n")
	if !ok {
		t.Fatal(`README.md has no "## A runbook example" section`)
	}
	_, block, ok := strings.Cut(section, "```sh\n")
	if !ok {
		t.Fatal("the runbook section has no ```sh block")
	}
	block, _, ok = strings.Cut(block, "```")
	if !ok {
		t.Fatal("the runbook's ```sh block does not end")
	}
	return block
}

// ensureNamespace creates a namespace unless it exists.
func (h *harness) ensureNamespace(t *testing.T, name string) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if err := h.c.Create(bounded(t, 30*time.Second), ns); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
}

// testRunbook runs the README's runbook block with a leaked token from the emulator: it puts the
// token in a Secret, applies the revocation and waits for Ready. The revocation must be Revoked by
// one call, the token dead in Elasticsearch, and the token nowhere in what kubectl shows.
func (h *harness) testRunbook(t *testing.T) {
	g := NewWithT(t)
	h.ensureNamespace(t, runbookNamespace)
	token := h.es.mintToken(t)
	before := h.es.calls(t)
	h.shell(t, h.readmeRunbook(t), "LEAKED_TOKEN="+token)

	var tr securityv1alpha1.TokenRevocation
	g.Expect(h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Namespace: runbookNamespace, Name: "leak-42"}, &tr)).To(Succeed())
	g.Expect(tr.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
	g.Expect(tr.Status.InvalidatedTokens).To(HaveValue(BeEquivalentTo(1)))
	g.Expect(tr.Status.Target).To(Equal(h.es.url))
	g.Expect(tr.Status.TokenFingerprint).To(HavePrefix(installation.FingerprintPrefix))
	g.Expect(h.es.tokenActive(t, token)).To(BeFalse(), "the leaked token still authenticates")
	g.Expect(h.es.calls(t)-before).To(BeEquivalentTo(1), "invalidate calls for one revocation")

	shown := h.mustKubectl(t, "-n", runbookNamespace, "get", "tokenrevocation", "leak-42", "-o", "yaml") +
		h.mustKubectl(t, "-n", runbookNamespace, "describe", "tokenrevocation", "leak-42")
	g.Expect(strings.Contains(shown, token)).To(BeFalse(), "the token appears in kubectl get -o yaml or describe")
}

// testConnectionSecret revokes through spec.elasticsearchRef.secretName: a connection Secret in ECK's
// format for external clusters, made with the README's command. It names the emulator by its pod's
// address, which differs from the default URL, so status.target tells which connection was used.
// (An ECK reference by name would need cluster DNS for <name>-es-http.<namespace>.svc, which this
// node has not.)
func (h *harness) testConnectionSecret(t *testing.T) {
	g := NewWithT(t)
	h.ensureNamespace(t, runbookNamespace)
	var pods corev1.PodList
	g.Expect(h.c.List(bounded(t, 30*time.Second), &pods, client.InNamespace(emulatorNamespace))).To(Succeed())
	g.Expect(pods.Items).NotTo(BeEmpty())
	url := "http://" + pods.Items[0].Status.PodIP + ":9200"
	h.mustKubectl(t, "-n", runbookNamespace, "create", "secret", "generic", "prod-es", "--from-literal=url="+url,
		"--from-literal=username="+h.es.user, "--from-literal=password="+h.es.password)
	token := h.es.mintToken(t)
	h.mustKubectl(t, "-n", runbookNamespace, "create", "secret", "generic", "leak-43", "--from-literal=token="+token)
	_, stderr, err := h.kubectl(`apiVersion: security.esrevoke.io/v1alpha1
kind: TokenRevocation
metadata: {name: leak-43, namespace: security}
spec:
  tokenSecretRef: {name: leak-43, key: token}
  elasticsearchRef: {secretName: prod-es}
  reason: "INC-1235: token revoked through a connection Secret"
`, "apply", "-f", "-")
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	h.mustKubectl(t, "-n", runbookNamespace, "wait", "--for=condition=Ready", "tokenrevocation/leak-43", "--timeout=2m")

	var tr securityv1alpha1.TokenRevocation
	g.Expect(h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Namespace: runbookNamespace, Name: "leak-43"}, &tr)).To(Succeed())
	g.Expect(tr.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
	g.Expect(tr.Status.Target).To(Equal(url))
	g.Expect(h.es.tokenActive(t, token)).To(BeFalse())
}
