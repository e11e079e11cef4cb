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
	"os"
	"os/exec"
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
)

// testPluginSecretGoesWithItsRevocation runs kubectl esrevoke on the node as the README's runbook
// does: the real kubectl finds kubectl-esrevoke on PATH, the token comes on standard input, the
// revocation ends Revoked with one call. Then the revocation is deleted and the cluster's garbage collector, which
// envtest has not, deletes the Secret the plugin made for it.
func (h *harness) testPluginSecretGoesWithItsRevocation(t *testing.T) {
	g := NewWithT(t)
	h.ensureNamespace(t, runbookNamespace)
	pluginDir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "kubectl-esrevoke"), "./cmd/kubectl-esrevoke")
	build.Dir = h.root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, out)
	}
	token := h.es.mintToken(t)
	before := h.es.calls(t)

	cmd := exec.Command(h.kubectlBin, "esrevoke", "token", "-n", runbookNamespace,
		"--reason", "INC-1236: revoked with kubectl esrevoke on a real node", "--timeout", "2m", "-o", "name")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+h.kubeconfig, "PATH="+pluginDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Stdin = strings.NewReader(token + "\n")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	g.Expect(out.String()+errOut.String()).NotTo(ContainSubstring(token), "the plugin printed the token")
	g.Expect(err).NotTo(HaveOccurred(), "kubectl esrevoke token: %s", errOut.String())

	_, name, found := strings.Cut(strings.TrimSpace(out.String()), "/")
	g.Expect(found).To(BeTrue(), "-o name printed %q", out.String())
	var tr securityv1alpha1.TokenRevocation
	g.Expect(h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Namespace: runbookNamespace, Name: name}, &tr)).To(Succeed())
	g.Expect(tr.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
	g.Expect(h.es.tokenActive(t, token)).To(BeFalse(), "the leaked token still authenticates")
	g.Expect(h.es.calls(t)-before).To(BeEquivalentTo(1), "invalidate calls for one revocation")

	secret := h.secretOwnedBy(t, &tr)
	h.mustKubectl(t, "-n", runbookNamespace, "delete", "tokenrevocation", name)
	g.Eventually(func() bool {
		err := h.c.Get(bounded(t, 10*time.Second), types.NamespacedName{Namespace: runbookNamespace, Name: secret}, &corev1.Secret{})
		return apierrors.IsNotFound(err)
	}).WithTimeout(2*time.Minute).WithPolling(time.Second).Should(BeTrue(),
		"the garbage collector left Secret %s after its revocation was deleted", secret)
}

// secretOwnedBy names the one Secret of the revocation's namespace that the revocation controls.
func (h *harness) secretOwnedBy(t *testing.T, owner metav1.Object) string {
	t.Helper()
	var secrets corev1.SecretList
	if err := h.c.List(bounded(t, 30*time.Second), &secrets, client.InNamespace(owner.GetNamespace())); err != nil {
		t.Fatalf("listing Secrets: %v", err)
	}
	var owned []string
	for _, s := range secrets.Items {
		if ref := metav1.GetControllerOf(&s); ref != nil && ref.UID == owner.GetUID() {
			owned = append(owned, s.Name)
		}
	}
	if len(owned) != 1 {
		t.Fatalf("Secrets controlled by %s: %v, want exactly one", owner.GetName(), owned)
	}
	return owned[0]
}
