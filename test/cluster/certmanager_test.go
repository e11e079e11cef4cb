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
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// testCertManagerOverlay renders config/default-certmanager with kubectl's kustomize, as
// `kubectl apply --server-side -k config/default-certmanager` does, and has the API server take it in a
// server-side dry run (cert-manager's CRDs replaced by stand-ins; cert-manager itself does not run).
// What the API server would store must wire cert-manager to the manager: the Certificate's Secret is
// the one the Deployment mounts, its DNS names cover the webhook Service, the webhook configuration
// asks for that Certificate's CA, and the manager leaves rotation to cert-manager.
func (h *harness) testCertManagerOverlay(t *testing.T) {
	g := NewWithT(t)
	crds := filepath.Join("testdata", "cert-manager-crds.yaml")
	h.mustKubectl(t, "apply", "-f", crds)
	t.Cleanup(func() { _, _, _ = h.kubectl("", "delete", "--ignore-not-found", "-f", crds) })
	h.mustKubectl(t, "wait", "--for=condition=Established", "-f", crds, "--timeout=60s")

	rendered := h.mustKubectl(t, "kustomize", filepath.Join(h.root, "config", "default-certmanager"))
	out, stderr, err := h.kubectl(rendered, "apply", "--server-side", "--dry-run=server", "-o", "json", "-f", "-")
	g.Expect(err).NotTo(HaveOccurred(), "the API server refused config/default-certmanager: %s", stderr)
	byKind := map[string][]unstructured.Unstructured{}
	for _, o := range decodeObjects(t, out) {
		byKind[o.GetKind()] = append(byKind[o.GetKind()], o)
	}
	g.Expect(byKind["Certificate"]).To(HaveLen(1))
	g.Expect(byKind["Deployment"]).To(HaveLen(1))
	cert, deploy := byKind["Certificate"][0], byKind["Deployment"][0]
	secretName, _, _ := unstructured.NestedString(cert.Object, "spec", "secretName")
	dnsNames, _, _ := unstructured.NestedStringSlice(cert.Object, "spec", "dnsNames")
	g.Expect(secretName).NotTo(BeEmpty())

	volumes, _, _ := unstructured.NestedSlice(deploy.Object, "spec", "template", "spec", "volumes")
	g.Expect(volumes).To(ContainElement(HaveKeyWithValue("secret", HaveKeyWithValue("secretName", secretName))),
		"the Deployment does not mount the Certificate's Secret %s", secretName)
	containers, _, _ := unstructured.NestedSlice(deploy.Object, "spec", "template", "spec", "containers")
	g.Expect(containers).To(ContainElement(HaveKeyWithValue("args", ContainElement("--disable-cert-rotation"))))

	var webhookService string
	for _, vwc := range byKind["ValidatingWebhookConfiguration"] {
		g.Expect(vwc.GetAnnotations()).To(HaveKeyWithValue("cert-manager.io/inject-ca-from",
			cert.GetNamespace()+"/"+cert.GetName()))
		hooks, _, _ := unstructured.NestedSlice(vwc.Object, "webhooks")
		for _, hk := range hooks {
			name, _, _ := unstructured.NestedString(hk.(map[string]any), "clientConfig", "service", "name")
			ns, _, _ := unstructured.NestedString(hk.(map[string]any), "clientConfig", "service", "namespace")
			webhookService = name + "." + ns + ".svc"
		}
	}
	g.Expect(webhookService).NotTo(BeEmpty(), "no ValidatingWebhookConfiguration with a Service in the overlay")
	g.Expect(dnsNames).To(ContainElement(webhookService))
}

// decodeObjects reads what `kubectl ... -o json` printed: one object per resource, or a List of them.
func decodeObjects(t *testing.T, out string) []unstructured.Unstructured {
	t.Helper()
	var objs []unstructured.Unstructured
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var o unstructured.Unstructured
		if err := dec.Decode(&o.Object); err != nil {
			t.Fatalf("decoding kubectl's output: %v", err)
		}
		if !o.IsList() {
			objs = append(objs, o)
			continue
		}
		list, err := o.ToList()
		if err != nil {
			t.Fatalf("decoding kubectl's output: %v", err)
		}
		objs = append(objs, list.Items...)
	}
	return objs
}
