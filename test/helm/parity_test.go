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

package helm

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// kustomize renders config/<dir> with `kubectl kustomize`, as `make deploy` does.
func kustomize(t *testing.T, dir string) rendering {
	t.Helper()
	kubectl := os.Getenv("KUBECTL")
	if kubectl == "" {
		if os.Getenv("KUBEBUILDER_ASSETS") == "" {
			t.Skip("skipped: neither KUBECTL nor KUBEBUILDER_ASSETS is set; `make test-chart` builds kubectl beside the envtest binaries")
		}
		kubectl = filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
	}
	g := NewWithT(t)
	var stderr bytes.Buffer
	cmd := exec.Command(kubectl, "kustomize", repoPath("config", dir))
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	g.Expect(err).NotTo(HaveOccurred(), stderr.String())
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
	var r rendering
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return r
		}
		g.Expect(err).NotTo(HaveOccurred())
		var obj map[string]any
		g.Expect(yaml.Unmarshal(doc, &obj)).To(Succeed())
		if len(obj) > 0 {
			r.objects = append(r.objects, unstructured.Unstructured{Object: obj})
		}
	}
}

// ids are the kind, namespace and name of each object.
func ids(r rendering) []string {
	var list []string
	for _, obj := range r.objects {
		if obj.GetKind() != "Namespace" { // Helm installs into a namespace that exists
			list = append(list, obj.GetKind()+" "+obj.GetNamespace()+"/"+obj.GetName())
		}
	}
	return list
}

// Installed as "token-revocation" into token-revocation-system, the chart gives the operator
// config/default gives: the same objects under the same names, the same RBAC rules, the same
// webhooks, and a manager run the same way. The same holds with cert-manager against
// config/default-certmanager, and in the scoped mode against config/namespaced.
func TestTheChartInstallsTheOperatorConfigDefaultDoes(t *testing.T) {
	for config, values := range map[string]map[string]any{
		"default":             {},
		"default-certmanager": scenarios[1].values,
		"namespaced":          scenarios[2].values,
	} {
		t.Run(config, func(t *testing.T) {
			g := NewWithT(t)
			want := kustomize(t, config)
			got := mustRender(t, values)
			g.Expect(ids(got)).To(ConsistOf(ids(want)))

			for _, kind := range []string{"Role", "ClusterRole"} {
				for _, obj := range want.ofKind(kind) {
					var wanted, rendered rbacv1.ClusterRole
					decode(g, &obj, &wanted)
					decode(g, got.find(kind, obj.GetName(), obj.GetNamespace()), &rendered)
					g.Expect(rendered.Rules).To(Equal(wanted.Rules), "%s %s", kind, obj.GetName())
					for key, value := range wanted.Labels {
						if key != "app.kubernetes.io/managed-by" {
							g.Expect(rendered.Labels).To(HaveKeyWithValue(key, value), "%s %s", kind, obj.GetName())
						}
					}
				}
			}
			for _, kind := range []string{"RoleBinding", "ClusterRoleBinding"} {
				for _, obj := range want.ofKind(kind) {
					var wanted, rendered rbacv1.RoleBinding
					decode(g, &obj, &wanted)
					decode(g, got.find(kind, obj.GetName(), obj.GetNamespace()), &rendered)
					g.Expect(rendered.RoleRef).To(Equal(wanted.RoleRef))
					g.Expect(rendered.Subjects).To(Equal(wanted.Subjects))
				}
			}
			webhookConfigurations := append(want.ofKind("ValidatingWebhookConfiguration"), want.ofKind("MutatingWebhookConfiguration")...)
			for _, obj := range webhookConfigurations {
				rendered := got.find(obj.GetKind(), obj.GetName(), "").DeepCopy()
				if config == "namespaced" {
					// The chart also limits the webhook to the watched namespaces (a test of its own).
					webhooks, _, _ := unstructured.NestedSlice(rendered.Object, "webhooks")
					for _, webhook := range webhooks {
						delete(webhook.(map[string]any), "namespaceSelector")
					}
					rendered.Object["webhooks"] = webhooks
				}
				g.Expect(rendered.Object["webhooks"]).To(Equal(obj.Object["webhooks"]))
				g.Expect(rendered.GetAnnotations()).To(Equal(obj.GetAnnotations()))
			}
			checkSameManager(g, want, got)
		})
	}
}

func checkSameManager(g Gomega, want, got rendering) {
	var wanted, rendered appsv1.Deployment
	decode(g, &want.ofKind("Deployment")[0], &wanted)
	decode(g, &got.ofKind("Deployment")[0], &rendered)
	g.Expect(rendered.Name).To(Equal(wanted.Name))
	g.Expect(rendered.Spec.Replicas).To(Equal(wanted.Spec.Replicas))
	w, r := wanted.Spec.Template.Spec, rendered.Spec.Template.Spec
	g.Expect(r.SecurityContext).To(Equal(w.SecurityContext))
	g.Expect(r.ServiceAccountName).To(Equal(w.ServiceAccountName))
	g.Expect(r.TerminationGracePeriodSeconds).To(Equal(w.TerminationGracePeriodSeconds))
	g.Expect(r.Volumes).To(ContainElement(w.Volumes[0]), "the webhook certificate volume")
	wc, rc := w.Containers[0], r.Containers[0]
	g.Expect(rc.Command).To(Equal(wc.Command))
	// The chart names the certificate objects explicitly; config/default relies on the flags'
	// defaults, which are those same names.
	g.Expect(rc.Args).To(ContainElements(wc.Args))
	g.Expect(rc.Args).To(ContainElements("--cert-secret-name=token-revocation-webhook-server-cert",
		"--webhook-service-name=token-revocation-webhook-service",
		"--webhook-config-name=token-revocation-validating-webhook-configuration"))
	g.Expect(rc.SecurityContext).To(Equal(wc.SecurityContext))
	g.Expect(rc.Ports).To(Equal(wc.Ports))
	g.Expect(rc.LivenessProbe).To(Equal(wc.LivenessProbe))
	g.Expect(rc.ReadinessProbe).To(Equal(wc.ReadinessProbe))
	g.Expect(rc.Resources).To(Equal(wc.Resources))
	g.Expect(rc.VolumeMounts).To(ContainElement(wc.VolumeMounts[0]))
	g.Expect(rc.Env).To(ContainElement(wc.Env[0]), "POD_NAMESPACE")
	for _, obj := range want.ofKind("Service") {
		var wantedSvc, renderedSvc unstructured.Unstructured
		wantedSvc, renderedSvc = obj, *got.find("Service", obj.GetName(), obj.GetNamespace())
		g.Expect(renderedSvc.Object["spec"].(map[string]any)["ports"]).To(Equal(wantedSvc.Object["spec"].(map[string]any)["ports"]))
	}
}
