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
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// helmRelease is the release name the README's "Install with Helm" uses; under it the chart's names
// are config/default's.
const helmRelease = "token-revocation"

// crdNames are the CustomResourceDefinitions the chart installs and keeps, one per kind.
var crdNames = []string{"tokenrevocations.security.esrevoke.io", "apikeyrevocations.security.esrevoke.io"}

// testHelmInstall installs dist/chart with the helm command line as the README's "Install with Helm"
// says (the namespace made and labelled restricted first, the default Elasticsearch's credentials in
// an existing Secret), with the e2e image. The manager pod must become Ready with the chart's
// settings, a revocation made through its webhook must end Revoked with one call, and
// `helm uninstall` must remove the manager and keep the CRD (the audit trail), as the README says.
func (h *harness) testHelmInstall(t *testing.T) {
	g := NewWithT(t)
	h.mustKubectl(t, "create", "namespace", operatorNamespace)
	h.mustKubectl(t, "label", "namespace", operatorNamespace, "pod-security.kubernetes.io/enforce=restricted")
	t.Cleanup(func() {
		_, _, _ = h.helm("uninstall", helmRelease, "-n", operatorNamespace, "--ignore-not-found", "--wait")
		_, _, _ = h.kubectl("", append([]string{"delete", "crd", "--ignore-not-found"}, crdNames...)...)
		_, _, _ = h.kubectl("", "delete", "namespace", operatorNamespace, "--ignore-not-found")
	})
	h.mustKubectl(t, "-n", operatorNamespace, "create", "secret", "generic", "token-revocation-elasticsearch-credentials",
		"--from-literal=ELASTICSEARCH_USERNAME="+h.es.user, "--from-literal=ELASTICSEARCH_PASSWORD="+h.es.password)
	repository, tag, _ := strings.Cut(h.image, ":")
	// The pod is Ready once the kubelet has refreshed the certificate Secret the manager fills after
	// it starts (on its periodic resync), and the manager (which looks every second) has seen the
	// files: 13 s to 97 s measured here; the timeout leaves room for a loaded machine.
	installed := time.Now()
	if out, stderr, err := h.helm("install", helmRelease, filepath.Join(h.root, "dist", "chart"), "-n", operatorNamespace,
		"--set", "elasticsearch.url="+h.es.url,
		"--set", "elasticsearch.credentialsSecret=token-revocation-elasticsearch-credentials",
		"--set", "image.repository="+repository, "--set", "image.tag="+tag,
		"--wait", "--timeout", "8m"); err != nil {
		t.Fatalf("helm install: %v\n%s%s", err, out, stderr)
	}
	t.Logf("helm install --wait: the manager was Ready after %s", time.Since(installed).Round(time.Second))

	pods := h.managerPods(t)
	g.Expect(pods).To(HaveLen(1))
	g.Expect(podReady(&pods[0])).To(BeTrue(), "pod %s is not Ready: %+v", pods[0].Name, pods[0].Status.Conditions)
	g.Expect(pods[0].Spec.Containers[0].Image).To(Equal(h.image))

	const ns = "esrevoke-e2e-helm"
	h.ensureNamespace(t, ns)
	token := h.es.mintToken(t)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "tokens", Namespace: ns}, StringData: map[string]string{"t-000": token}}
	g.Expect(h.c.Create(bounded(t, 30*time.Second), secret)).To(Succeed())
	before := h.es.calls(t)
	// The webhook fails closed until the manager has mounted its certificate and kube-proxy routes
	// its Service: the create is retried within a bound, as in a burst.
	h.createRevocation(t, ns, 0)
	g.Eventually(func(g Gomega) {
		var tr securityv1alpha1.TokenRevocation
		g.Expect(h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Namespace: ns, Name: "burst-t-000"}, &tr)).To(Succeed())
		g.Expect(tr.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	g.Expect(h.es.tokenActive(t, token)).To(BeFalse(), "the token still authenticates")
	g.Expect(h.es.calls(t)-before).To(BeEquivalentTo(1), "invalidate calls for one revocation")

	if out, stderr, err := h.helm("uninstall", helmRelease, "-n", operatorNamespace, "--wait"); err != nil {
		t.Fatalf("helm uninstall: %v\n%s%s", err, out, stderr)
	}
	err := h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Namespace: operatorNamespace, Name: managerDeployment}, &appsv1.Deployment{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "the manager's Deployment after helm uninstall: %v", err)
	for _, crd := range crdNames {
		g.Expect(h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Name: crd}, &apiextensionsv1.CustomResourceDefinition{})).
			To(Succeed(), "helm uninstall removed the CRD %s, and with it the audit trail", crd)
	}
	g.Expect(h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Namespace: ns, Name: "burst-t-000"}, &securityv1alpha1.TokenRevocation{})).
		To(Succeed(), "the revocation is gone after helm uninstall")
}
