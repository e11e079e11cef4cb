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
	"slices"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// decode converts a rendered object into a typed one, refusing fields the type does not know.
func decode(g Gomega, obj *unstructured.Unstructured, into any) {
	g.ExpectWithOffset(1, obj).NotTo(BeNil())
	g.ExpectWithOffset(1, runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(obj.Object, into, true)).
		To(Succeed(), "%s %s has fields its type does not know", obj.GetKind(), obj.GetName())
}

// grants are the rules the manager's ServiceAccount holds, by where they apply ("" is cluster-wide).
func grants(g Gomega, r rendering) map[string][]rbacv1.PolicyRule {
	held := map[string][]rbacv1.PolicyRule{}
	for _, kind := range []string{"RoleBinding", "ClusterRoleBinding"} {
		for _, obj := range r.ofKind(kind) {
			var binding rbacv1.RoleBinding
			decode(g, &obj, &binding)
			g.Expect(binding.Subjects).To(ConsistOf(rbacv1.Subject{Kind: "ServiceAccount", Name: managerAccount, Namespace: releaseNamespace}),
				"%s %s binds someone else than the manager", kind, binding.Name)
			role := r.find(binding.RoleRef.Kind, binding.RoleRef.Name, binding.Namespace)
			g.Expect(role).NotTo(BeNil(), "%s %s binds the missing %s %s", kind, binding.Name, binding.RoleRef.Kind, binding.RoleRef.Name)
			var rules rbacv1.ClusterRole
			decode(g, role, &rules)
			held[binding.Namespace] = append(held[binding.Namespace], rules.Rules...)
		}
	}
	return held
}

func coversSecrets(rule rbacv1.PolicyRule) bool {
	return slices.Contains(rule.APIGroups, "") && slices.Contains(rule.Resources, "secrets")
}

// Every rendering holds config/default's security properties: a Pod compliant with the
// restricted Pod Security Standard, no wildcard anywhere, Secrets get-only cluster-wide, and in
// the scoped mode nothing on Secrets cluster-wide at all, only in the watched namespaces (and, for
// the certificate rotator, the operator's own).
func TestEveryRenderingHoldsTheSecurityProperties(t *testing.T) {
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			g := NewWithT(t)
			r := mustRender(t, s.values)
			checkPodIsRestricted(g, r)
			checkNoWildcard(g, r)
			held := grants(g, r)
			for _, rule := range held[""] {
				if coversSecrets(rule) {
					g.Expect(s.watched).To(BeEmpty(), "the scoped mode grants %v on Secrets cluster-wide", rule.Verbs)
					g.Expect(rule.Verbs).To(Equal([]string{"get"}), "cluster-wide, Secrets may only be read one by one")
					g.Expect(rule.ResourceNames).To(BeEmpty())
				}
			}
			for namespace, rules := range held {
				if namespace == "" || namespace == releaseNamespace {
					continue
				}
				g.Expect(s.watched).To(ContainElement(namespace), "the manager holds a Role in %s, which it does not watch", namespace)
				for _, rule := range rules {
					if coversSecrets(rule) {
						g.Expect(rule.Verbs).To(Equal([]string{"get"}))
					}
				}
			}
			for _, namespace := range s.watched {
				g.Expect(held[namespace]).To(ContainElement(And(
					HaveField("Resources", ContainElement("secrets")), HaveField("Verbs", Equal([]string{"get"})))),
					"the manager cannot read the Secrets of the watched namespace %s", namespace)
			}
		})
	}
}

// allows says rules grant verb on the named object of a resource, as RBAC evaluates them.
func allows(rules []rbacv1.PolicyRule, verb, group, resource, name string) bool {
	for _, rule := range rules {
		if slices.Contains(rule.Verbs, verb) && slices.Contains(rule.APIGroups, group) && slices.Contains(rule.Resources, resource) &&
			(len(rule.ResourceNames) == 0 || slices.Contains(rule.ResourceNames, name)) {
			return true
		}
	}
	return false
}

// installationKeySecret is the Secret the manager keeps its installation key in, in its namespace.
const installationKeySecret = "token-revocation-installation-key"

// The manager reads its installation key at every start, and creates it at the first: whatever
// the certificate provider and the scope, its namespace's RBAC lets it, or it cannot start.
func TestEveryRenderingLetsTheManagerKeepItsInstallationKey(t *testing.T) {
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			g := NewWithT(t)
			held := grants(g, mustRender(t, s.values))
			inNamespace := append(slices.Clone(held[releaseNamespace]), held[""]...)
			for _, verb := range []string{"get", "create"} {
				g.Expect(allows(inNamespace, verb, "", "secrets", installationKeySecret)).To(BeTrue(),
					"the manager may not %s Secret %s/%s", verb, releaseNamespace, installationKeySecret)
			}
		})
	}
}

// The responder role for the kubectl plugin is in every rendering, bound by nothing and aggregated
// into nothing: it may read the Secrets of wherever an admin binds it, so only a RoleBinding made
// on purpose grants it (and grants(), above, fails on any binding whose subject is not the manager).
func TestTheResponderRoleIsShippedUnbound(t *testing.T) {
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			g := NewWithT(t)
			r := mustRender(t, s.values)
			var role rbacv1.ClusterRole
			decode(g, r.find("ClusterRole", "token-revocation-responder-role", ""), &role)
			g.Expect(role.AggregationRule).To(BeNil())
			for label := range role.Labels {
				g.Expect(label).NotTo(HavePrefix("rbac.authorization.k8s.io/aggregate-to-"))
			}
			for _, kind := range []string{"RoleBinding", "ClusterRoleBinding"} {
				for _, obj := range r.ofKind(kind) {
					var binding rbacv1.RoleBinding
					decode(g, &obj, &binding)
					g.Expect(binding.RoleRef.Name).NotTo(Equal(role.Name), "%s %s", kind, binding.Name)
				}
			}
		})
	}
}

func checkPodIsRestricted(g Gomega, r rendering) {
	deployments := r.ofKind("Deployment")
	g.ExpectWithOffset(1, deployments).To(HaveLen(1))
	var deployment appsv1.Deployment
	decode(g, &deployments[0], &deployment)
	pod := deployment.Spec.Template.Spec
	g.ExpectWithOffset(1, pod.HostNetwork || pod.HostPID || pod.HostIPC).To(BeFalse())
	g.ExpectWithOffset(1, pod.SecurityContext).NotTo(BeNil())
	g.ExpectWithOffset(1, pod.SecurityContext.RunAsNonRoot).To(HaveValue(BeTrue()))
	g.ExpectWithOffset(1, pod.SecurityContext.SeccompProfile).To(HaveValue(HaveField("Type", corev1.SeccompProfileTypeRuntimeDefault)))
	for _, volume := range pod.Volumes {
		g.ExpectWithOffset(1, volume.Secret).NotTo(BeNil(), "volume %s is not a Secret", volume.Name)
	}
	for _, c := range append(pod.InitContainers, pod.Containers...) {
		g.ExpectWithOffset(1, c.SecurityContext).NotTo(BeNil(), c.Name)
		g.ExpectWithOffset(1, c.SecurityContext.AllowPrivilegeEscalation).To(HaveValue(BeFalse()), c.Name)
		g.ExpectWithOffset(1, c.SecurityContext.ReadOnlyRootFilesystem).To(HaveValue(BeTrue()), c.Name)
		g.ExpectWithOffset(1, c.SecurityContext.Capabilities).To(HaveValue(HaveField("Drop", Equal([]corev1.Capability{"ALL"}))), c.Name)
		g.ExpectWithOffset(1, c.SecurityContext.Capabilities.Add).To(BeEmpty(), c.Name)
		g.ExpectWithOffset(1, c.SecurityContext.Privileged).To(Or(BeNil(), HaveValue(BeFalse())), c.Name)
	}
}

func checkNoWildcard(g Gomega, r rendering) {
	for _, kind := range []string{"Role", "ClusterRole"} {
		for _, obj := range r.ofKind(kind) {
			var role rbacv1.ClusterRole
			decode(g, &obj, &role)
			g.ExpectWithOffset(1, role.AggregationRule).To(BeNil(), "%s %s", kind, role.Name)
			for _, rule := range role.Rules {
				for _, list := range [][]string{rule.APIGroups, rule.Resources, rule.Verbs, rule.NonResourceURLs} {
					g.ExpectWithOffset(1, list).NotTo(ContainElement(ContainSubstring("*")), "%s %s: %v", kind, role.Name, rule)
				}
			}
		}
	}
}

// The scoped mode's RBAC, spelled out: the reconciler's permissions are Roles in each watched
// namespace, the webhook is called only for those namespaces, and the manager is told to watch them.
func TestTheScopedModeGrantsRolesInTheWatchedNamespacesOnly(t *testing.T) {
	g := NewWithT(t)
	r := mustRender(t, map[string]any{"watchNamespaces": []any{"team-a", "team-b"}})

	for _, namespace := range []string{"team-a", "team-b"} {
		var role rbacv1.Role
		decode(g, r.find("Role", "token-revocation-manager-role", namespace), &role)
		for _, resource := range []string{"tokenrevocations", "apikeyrevocations", "secrets"} {
			g.Expect(role.Rules).To(ContainElement(HaveField("Resources", ContainElement(resource))), "%s in %s", resource, namespace)
		}
		g.Expect(r.find("RoleBinding", "token-revocation-manager-rolebinding", namespace)).NotTo(BeNil())
	}
	g.Expect(r.find("ClusterRoleBinding", "token-revocation-manager-rolebinding", "")).To(BeNil())
	g.Expect(r.find("ClusterRole", "token-revocation-manager-role", "")).To(BeNil())

	var deployment appsv1.Deployment
	decode(g, &r.ofKind("Deployment")[0], &deployment)
	g.Expect(deployment.Spec.Template.Spec.Containers[0].Args).To(ContainElement("--watch-namespaces=team-a,team-b"))

	for _, configuration := range r.ofKind("ValidatingWebhookConfiguration") {
		webhooks, _, _ := unstructured.NestedSlice(configuration.Object, "webhooks")
		for _, webhook := range webhooks {
			values, _, _ := unstructured.NestedSlice(webhook.(map[string]any), "namespaceSelector", "matchExpressions")
			g.Expect(values).To(ConsistOf(map[string]any{"key": "kubernetes.io/metadata.name", "operator": "In",
				"values": []any{"team-a", "team-b"}}))
		}
	}
}

// The values reach the manager's Pod.
func TestTheValuesReachTheManager(t *testing.T) {
	g := NewWithT(t)
	everything := scenarios[len(scenarios)-1]
	g.Expect(everything.name).To(Equal("everything"))
	r := mustRender(t, everything.values)

	var deployment appsv1.Deployment
	decode(g, &r.ofKind("Deployment")[0], &deployment)
	pod := deployment.Spec.Template
	g.Expect(deployment.Spec.Replicas).To(HaveValue(BeEquivalentTo(2)))
	g.Expect(pod.Labels).To(HaveKeyWithValue("team", "security"))
	g.Expect(pod.Annotations).To(HaveKeyWithValue("example.com/audit", "yes"))
	g.Expect(pod.Spec.NodeSelector).To(Equal(map[string]string{"kubernetes.io/os": "linux"}))
	g.Expect(pod.Spec.Tolerations).To(ConsistOf(HaveField("Key", "dedicated")))
	manager := pod.Spec.Containers[0]
	g.Expect(manager.Image).To(Equal("registry.example/tro:v1.2.3"))
	g.Expect(manager.Args).To(ContainElements("--leader-elect", "--forbid-inline-tokens", "--zap-log-level=debug"))
	g.Expect(manager.Resources.Requests.Memory().String()).To(Equal("128Mi"))
	g.Expect(manager.Env).To(ContainElements(
		corev1.EnvVar{Name: "ELASTICSEARCH_URL", Value: "https://es.example:9200"},
		corev1.EnvVar{Name: "ELASTICSEARCH_CA_CERT", Value: "/etc/elasticsearch-ca/ca.crt"}))
	g.Expect(manager.EnvFrom).To(ConsistOf(HaveField("SecretRef.Name", "es-credentials")))
	g.Expect(pod.Spec.Volumes).To(ContainElement(HaveField("Secret.SecretName", "es-ca")))

	monitor := r.find("ServiceMonitor", "token-revocation-controller-manager-metrics-monitor", releaseNamespace)
	g.Expect(monitor).NotTo(BeNil())
	g.Expect(monitor.GetLabels()).To(HaveKeyWithValue("release", "prom"))

	// Without leader election nor metrics, the manager is told so.
	r = mustRender(t, map[string]any{"leaderElection": map[string]any{"enabled": false}, "metrics": map[string]any{"enabled": false}})
	decode(g, &r.ofKind("Deployment")[0], &deployment)
	g.Expect(deployment.Spec.Template.Spec.Containers[0].Args).NotTo(ContainElement("--leader-elect"))
	g.Expect(deployment.Spec.Template.Spec.Containers[0].Args).To(ContainElement("--metrics-bind-address=0"))
	g.Expect(r.ofKind("Service")).To(HaveLen(1), "only the webhook Service")
}
