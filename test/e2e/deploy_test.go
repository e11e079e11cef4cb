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
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// The names config/default gives the operator's objects. The certificate names are also the
// defaults of the manager's --cert-secret-name, --webhook-service-name and --webhook-config-name
// flags (webhook_setup.go), which is why the Deployment does not repeat them.
const (
	operatorNamespace    = "token-revocation-system"
	managerDeployment    = "token-revocation-controller-manager"
	managerAccount       = "token-revocation-controller-manager"
	webhookCertSecret    = "token-revocation-webhook-server-cert"
	webhookService       = "token-revocation-webhook-service"
	webhookConfiguration = "token-revocation-validating-webhook-configuration"
	metricsService       = "token-revocation-controller-manager-metrics-service"
	// The optional Secrets with the default Elasticsearch's URL and credentials, and its CA: the
	// README tells users to create them under these names.
	elasticsearchCredentials = "token-revocation-elasticsearch-credentials"
	elasticsearchCA          = "token-revocation-elasticsearch-ca"
	// Where controller-runtime's webhook server reads tls.crt and tls.key by default.
	webhookCertDir = "/tmp/k8s-webhook-server/serving-certs"
)

// manifests are the objects a kustomization renders, in order.
type manifests []unstructured.Unstructured

// kustomizeBuild renders config/<dir> with `kubectl kustomize`, as `make deploy` does.
func kustomizeBuild(t *testing.T, dir string) ([]byte, manifests) {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" && os.Getenv("KUBECTL") == "" {
		t.Skip("skipped: KUBEBUILDER_ASSETS is not set; `make test` builds kubectl beside the envtest binaries and sets it")
	}
	cmd := exec.Command(kubectlPath(t), "kustomize", filepath.Join("..", "..", "config", dir))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl kustomize config/%s: %v\n%s", dir, err, stderr.String())
	}
	objs, err := decodeManifests(out)
	if err != nil {
		t.Fatalf("parsing what kubectl kustomize config/%s rendered: %v", dir, err)
	}
	return out, objs
}

// decodeManifests reads a stream of YAML documents, skipping empty ones.
func decodeManifests(data []byte) (manifests, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objs manifests
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		var obj map[string]any
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, err
		}
		if len(obj) > 0 {
			objs = append(objs, unstructured.Unstructured{Object: obj})
		}
	}
}

// find returns the object of that kind and name, or nil.
func (m manifests) find(kind, name string) *unstructured.Unstructured {
	for i := range m {
		if m[i].GetKind() == kind && m[i].GetName() == name {
			return &m[i]
		}
	}
	return nil
}

// ofKind returns the objects of that kind.
func (m manifests) ofKind(kind string) manifests {
	var found manifests
	for _, obj := range m {
		if obj.GetKind() == kind {
			found = append(found, obj)
		}
	}
	return found
}

// decode finds the object of that kind and name and converts it into a typed object.
func (m manifests) decode(g Gomega, kind, name string, into any) {
	obj := m.find(kind, name)
	g.ExpectWithOffset(1, obj).NotTo(BeNil(), "no %s %s in the rendered manifests", kind, name)
	g.ExpectWithOffset(1, runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(obj.Object, into, true)).
		To(Succeed(), "%s %s has fields its type does not know", kind, name)
}

// encodeManifests writes objects as a YAML stream, for kubectl -f.
func encodeManifests(g Gomega, objs ...any) []byte {
	var out bytes.Buffer
	for _, obj := range objs {
		doc, err := yaml.Marshal(obj)
		g.ExpectWithOffset(1, err).NotTo(HaveOccurred())
		out.WriteString("---\n")
		out.Write(doc)
	}
	return out.Bytes()
}

// writeTemp writes data to a file in the test's temporary directory and returns its path.
func writeTemp(g Gomega, t *testing.T, name string, data []byte) string {
	path := filepath.Join(t.TempDir(), name)
	g.ExpectWithOffset(1, os.WriteFile(path, data, 0o600)).To(Succeed())
	return path
}

// managerContainer returns the Deployment's container named manager.
func managerContainer(g Gomega, deployment *appsv1.Deployment) corev1.Container {
	for _, c := range deployment.Spec.Template.Spec.Containers {
		if c.Name == "manager" {
			return c
		}
	}
	g.ExpectWithOffset(1, deployment.Spec.Template.Spec.Containers).To(ContainElement(HaveField("Name", "manager")))
	return corev1.Container{}
}

func TestDeployRendersObjectsThatTheAPIServerAccepts(t *testing.T) {
	g := NewWithT(t)
	rendered, objs := kustomizeBuild(t, "default")
	c := startCluster(t)

	// A server-side dry run of a namespaced object needs its namespace to exist: create it for
	// real, with the Pod Security labels the dry run of the Deployment is checked against.
	namespace := objs.find("Namespace", operatorNamespace)
	g.Expect(namespace).NotTo(BeNil())
	_, stderr, err := c.kubectl(t, "apply", "--server-side", "-f", writeTemp(g, t, "namespace.yaml", encodeManifests(g, namespace.Object)))
	g.Expect(err).NotTo(HaveOccurred(), stderr)

	stdout, stderr, err := c.kubectl(t, "apply", "--server-side", "--dry-run=server", "-f", writeTemp(g, t, "default.yaml", rendered))
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	g.Expect(strings.Count(stdout, "(server dry run)")).To(Equal(len(objs)), stdout)
	g.Expect(stderr).NotTo(ContainSubstring("would violate PodSecurity"))

	// The namespace enforces the restricted Pod Security Standard, and the API server does check
	// it: the same Deployment without its container security settings is flagged.
	var deployment appsv1.Deployment
	objs.decode(g, "Deployment", managerDeployment, &deployment)
	deployment.Spec.Template.Spec.Containers[0].SecurityContext = nil
	_, stderr, err = c.kubectl(t, "apply", "--server-side", "--dry-run=server", "-f",
		writeTemp(g, t, "insecure.yaml", encodeManifests(g, &deployment)))
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	g.Expect(stderr).To(ContainSubstring(`would violate PodSecurity "restricted:latest"`))
}

func TestDeployPutsEveryNamespacedObjectInTheOperatorNamespace(t *testing.T) {
	g := NewWithT(t)
	_, objs := kustomizeBuild(t, "default")

	clusterScoped := map[string]bool{
		"Namespace": true, "CustomResourceDefinition": true, "ClusterRole": true,
		"ClusterRoleBinding": true, "ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true,
	}
	kinds := map[string]int{}
	for _, obj := range objs {
		kinds[obj.GetKind()]++
		g.Expect(obj.GetName()).To(Or(HavePrefix("token-revocation-"), Equal("tokenrevocations.security.esrevoke.io"),
			Equal("apikeyrevocations.security.esrevoke.io")),
			"%s %s", obj.GetKind(), obj.GetName())
		g.Expect(obj.GetLabels()).To(HaveKeyWithValue("app.kubernetes.io/name", "token-revocation-operator"),
			"%s %s", obj.GetKind(), obj.GetName())
		if clusterScoped[obj.GetKind()] {
			g.Expect(obj.GetNamespace()).To(BeEmpty(), "%s %s", obj.GetKind(), obj.GetName())
		} else {
			g.Expect(obj.GetNamespace()).To(Equal(operatorNamespace), "%s %s", obj.GetKind(), obj.GetName())
		}
	}
	g.Expect(kinds).To(HaveKeyWithValue("CustomResourceDefinition", 2), "TokenRevocation and ApiKeyRevocation")
	g.Expect(kinds).To(HaveKeyWithValue("Deployment", 1))
	g.Expect(kinds).To(HaveKeyWithValue("ValidatingWebhookConfiguration", 1))
	g.Expect(kinds).To(HaveKeyWithValue("MutatingWebhookConfiguration", 1))
	g.Expect(kinds).To(HaveKeyWithValue("Service", 2))
	g.Expect(kinds).To(HaveKeyWithValue("ServiceAccount", 1))

	// The ServiceAccount every binding names is the one the Deployment runs as.
	for _, kind := range []string{"RoleBinding", "ClusterRoleBinding"} {
		for _, binding := range objs.ofKind(kind) {
			subjects, _, _ := unstructured.NestedSlice(binding.Object, "subjects")
			g.Expect(subjects).To(ConsistOf(map[string]any{
				"kind": "ServiceAccount", "name": managerAccount, "namespace": operatorNamespace,
			}), "%s %s", kind, binding.GetName())
			roleKind, _, _ := unstructured.NestedString(binding.Object, "roleRef", "kind")
			roleName, _, _ := unstructured.NestedString(binding.Object, "roleRef", "name")
			g.Expect(objs.find(roleKind, roleName)).NotTo(BeNil(), "%s %s binds the missing %s %s",
				kind, binding.GetName(), roleKind, roleName)
		}
	}
}

func TestDeployRunsTheManagerHardenedLeaderElectedAndWithTheWebhookCertificate(t *testing.T) {
	g := NewWithT(t)
	_, objs := kustomizeBuild(t, "default")

	var namespace corev1.Namespace
	objs.decode(g, "Namespace", operatorNamespace, &namespace)
	g.Expect(namespace.Labels).To(HaveKeyWithValue("pod-security.kubernetes.io/enforce", "restricted"))

	var deployment appsv1.Deployment
	objs.decode(g, "Deployment", managerDeployment, &deployment)
	g.Expect(deployment.Spec.Replicas).To(HaveValue(BeEquivalentTo(1)))
	pod := deployment.Spec.Template.Spec
	g.Expect(pod.ServiceAccountName).To(Equal(managerAccount))
	g.Expect(objs.find("ServiceAccount", managerAccount)).NotTo(BeNil())
	g.Expect(pod.TerminationGracePeriodSeconds).To(HaveValue(BeEquivalentTo(20)))
	g.Expect(pod.Containers[0].Lifecycle).NotTo(BeNil(), "no preStop delay: a deleted pod stops serving before it leaves the Service")
	g.Expect(pod.Containers[0].Lifecycle.PreStop).NotTo(BeNil())
	g.Expect(pod.Containers[0].Lifecycle.PreStop.Sleep).NotTo(BeNil())
	g.Expect(pod.Containers[0].Lifecycle.PreStop.Sleep.Seconds).To(BeEquivalentTo(5))
	g.Expect(pod.SecurityContext).NotTo(BeNil())
	g.Expect(pod.SecurityContext.RunAsNonRoot).To(HaveValue(BeTrue()))
	g.Expect(pod.SecurityContext.SeccompProfile).To(HaveValue(HaveField("Type", corev1.SeccompProfileTypeRuntimeDefault)))

	manager := managerContainer(g, &deployment)
	g.Expect(manager.Image).To(Equal("esrevoke/token-revocation-operator:latest"))
	g.Expect(manager.Command).To(Equal([]string{"/manager"}))
	// Leader election makes a second replica safe; the probes and the secured metrics endpoint
	// listen where the Service and the probes below expect them.
	g.Expect(manager.Args).To(ContainElements("--leader-elect", "--health-probe-bind-address=:8081", "--metrics-bind-address=:8443"))
	g.Expect(manager.Args).NotTo(ContainElement("--disable-cert-rotation"))

	g.Expect(manager.SecurityContext).NotTo(BeNil())
	g.Expect(manager.SecurityContext.AllowPrivilegeEscalation).To(HaveValue(BeFalse()))
	g.Expect(manager.SecurityContext.ReadOnlyRootFilesystem).To(HaveValue(BeTrue()))
	g.Expect(manager.SecurityContext.Privileged).To(Or(BeNil(), HaveValue(BeFalse())))
	g.Expect(manager.SecurityContext.Capabilities).To(HaveValue(HaveField("Drop", ConsistOf(corev1.Capability("ALL")))))
	g.Expect(manager.SecurityContext.Capabilities.Add).To(BeEmpty())

	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		g.Expect(manager.Resources.Requests).To(HaveKey(name))
		g.Expect(manager.Resources.Limits).To(HaveKey(name))
		request, limit := manager.Resources.Requests[name], manager.Resources.Limits[name]
		g.Expect(request.Cmp(limit)).To(BeNumerically("<=", 0), "the %s request exceeds its limit", name)
	}

	g.Expect(manager.LivenessProbe).To(HaveValue(HaveField("HTTPGet", HaveValue(And(
		HaveField("Path", "/healthz"), HaveField("Port", intstr.FromInt32(8081)))))))
	g.Expect(manager.ReadinessProbe).To(HaveValue(HaveField("HTTPGet", HaveValue(And(
		HaveField("Path", "/readyz"), HaveField("Port", intstr.FromInt32(8081)))))))

	// The certificate rotator finds its Secret in the manager's own namespace.
	g.Expect(manager.Env).To(ContainElement(corev1.EnvVar{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{
		FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"},
	}}))
	// The default Elasticsearch comes from an optional Secret that users create (README), and its
	// CA, if private, from another, mounted where ELASTICSEARCH_CA_CERT can name it.
	optional := true
	g.Expect(manager.EnvFrom).To(ConsistOf(corev1.EnvFromSource{SecretRef: &corev1.SecretEnvSource{
		LocalObjectReference: corev1.LocalObjectReference{Name: elasticsearchCredentials}, Optional: &optional,
	}}))
	g.Expect(manager.VolumeMounts).To(ContainElement(And(HaveField("Name", "elasticsearch-ca"),
		HaveField("MountPath", "/etc/elasticsearch-ca"), HaveField("ReadOnly", BeTrue()))))
	g.Expect(pod.Volumes).To(ContainElement(And(HaveField("Name", "elasticsearch-ca"), HaveField("Secret", HaveValue(And(
		HaveField("SecretName", elasticsearchCA), HaveField("Optional", HaveValue(BeTrue()))))))))
	g.Expect(manager.Ports).To(ContainElement(And(
		HaveField("Name", "webhook-server"), HaveField("ContainerPort", BeEquivalentTo(9443)))))

	// The webhook server reads the certificate the rotator writes into the Secret, read-only.
	g.Expect(objs.find("Secret", webhookCertSecret)).NotTo(BeNil())
	g.Expect(manager.VolumeMounts).To(ContainElement(And(
		HaveField("MountPath", webhookCertDir), HaveField("ReadOnly", BeTrue()), HaveField("Name", "webhook-certs"))))
	g.Expect(pod.Volumes).To(ContainElement(And(HaveField("Name", "webhook-certs"),
		HaveField("Secret", HaveValue(HaveField("SecretName", webhookCertSecret))))))
}

func TestDeployedWebhookAndMetricsServicesReachTheManagerPods(t *testing.T) {
	g := NewWithT(t)
	_, objs := kustomizeBuild(t, "default")
	var deployment appsv1.Deployment
	objs.decode(g, "Deployment", managerDeployment, &deployment)
	podLabels := labels.Set(deployment.Spec.Template.Labels)
	g.Expect(labels.SelectorFromSet(deployment.Spec.Selector.MatchLabels).Matches(podLabels)).To(BeTrue())

	var webhook corev1.Service
	objs.decode(g, "Service", webhookService, &webhook)
	g.Expect(labels.SelectorFromSet(webhook.Spec.Selector).Matches(podLabels)).To(BeTrue())
	g.Expect(webhook.Spec.Ports).To(ConsistOf(And(
		HaveField("Port", BeEquivalentTo(443)), HaveField("TargetPort", intstr.FromInt32(9443)))))

	// The API server calls the webhook through that Service, and the manager injects its CA into
	// the configuration of this name.
	g.Expect(objs.find("ValidatingWebhookConfiguration", webhookConfiguration)).NotTo(BeNil())
	hooks, _, _ := unstructured.NestedSlice(objs.find("ValidatingWebhookConfiguration", webhookConfiguration).Object, "webhooks")
	g.Expect(hooks).NotTo(BeEmpty())
	for _, hook := range hooks {
		service, _, _ := unstructured.NestedStringMap(hook.(map[string]any), "clientConfig", "service")
		g.Expect(service).To(HaveKeyWithValue("name", webhookService))
		g.Expect(service).To(HaveKeyWithValue("namespace", operatorNamespace))
	}

	var metrics corev1.Service
	objs.decode(g, "Service", metricsService, &metrics)
	g.Expect(labels.SelectorFromSet(metrics.Spec.Selector).Matches(podLabels)).To(BeTrue())
	g.Expect(metrics.Spec.Ports).To(ConsistOf(And(HaveField("Name", "https"),
		HaveField("Port", BeEquivalentTo(8443)), HaveField("TargetPort", intstr.FromInt32(8443)))))
}

func TestDeployWithCertManagerLetsCertManagerIssueAndInjectTheWebhookCertificate(t *testing.T) {
	g := NewWithT(t)
	_, objs := kustomizeBuild(t, "default-certmanager")

	// cert-manager creates the Secret; the manager neither rotates it nor injects the CA.
	g.Expect(objs.find("Secret", webhookCertSecret)).To(BeNil())
	var deployment appsv1.Deployment
	objs.decode(g, "Deployment", managerDeployment, &deployment)
	manager := managerContainer(g, &deployment)
	g.Expect(manager.Args).To(ContainElements("--leader-elect", "--disable-cert-rotation"))
	g.Expect(deployment.Spec.Template.Spec.Volumes).To(ContainElement(
		HaveField("Secret", HaveValue(HaveField("SecretName", webhookCertSecret)))))

	certificate := objs.find("Certificate", "token-revocation-serving-cert")
	g.Expect(certificate).NotTo(BeNil())
	g.Expect(certificate.GetNamespace()).To(Equal(operatorNamespace))
	secretName, _, _ := unstructured.NestedString(certificate.Object, "spec", "secretName")
	g.Expect(secretName).To(Equal(webhookCertSecret))
	dnsNames, _, _ := unstructured.NestedStringSlice(certificate.Object, "spec", "dnsNames")
	g.Expect(dnsNames).To(ContainElement(webhookService + "." + operatorNamespace + ".svc"))
	issuer, _, _ := unstructured.NestedString(certificate.Object, "spec", "issuerRef", "name")
	g.Expect(objs.find("Issuer", issuer)).NotTo(BeNil(), "the Certificate's issuer %s is not rendered", issuer)

	vwc := objs.find("ValidatingWebhookConfiguration", webhookConfiguration)
	g.Expect(vwc).NotTo(BeNil())
	g.Expect(vwc.GetAnnotations()).To(HaveKeyWithValue("cert-manager.io/inject-ca-from",
		operatorNamespace+"/token-revocation-serving-cert"))

	// Nor does it get the rotator's permissions: on Secrets in its namespace, on webhook configurations.
	rotatorRBAC := map[string]string{
		"Role": "token-revocation-cert-rotation-role", "RoleBinding": "token-revocation-cert-rotation-rolebinding",
		"ClusterRole": "token-revocation-cert-rotation-role", "ClusterRoleBinding": "token-revocation-cert-rotation-rolebinding",
	}
	for kind, name := range rotatorRBAC {
		g.Expect(objs.find(kind, name)).To(BeNil(), "%s %s", kind, name)
	}
	for _, obj := range objs {
		if obj.GetKind() == "Role" {
			var role rbacv1.Role
			g.Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &role)).To(Succeed())
			if role.Name == "token-revocation-installation-key-role" {
				// The installation key is created, and read back by name only.
				g.Expect(role.Rules).To(ConsistOf(
					rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"create"}},
					rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"},
						ResourceNames: []string{"token-revocation-installation-key"}}))
				continue
			}
			g.Expect(verbsOn(role.Rules, "", "secrets")).To(BeEmpty(), "Role %s grants access to Secrets", role.Name)
		}
	}

	// Everything else is config/default's.
	_, defaults := kustomizeBuild(t, "default")
	for _, obj := range defaults {
		if obj.GetKind() == "Secret" && obj.GetName() == webhookCertSecret || rotatorRBAC[obj.GetKind()] == obj.GetName() {
			continue
		}
		g.Expect(objs.find(obj.GetKind(), obj.GetName())).NotTo(BeNil(), "%s %s is missing", obj.GetKind(), obj.GetName())
	}
}

func TestDeployedServiceMonitorScrapesOnlyTheMetricsService(t *testing.T) {
	g := NewWithT(t)
	_, objs := kustomizeBuild(t, "prometheus")
	g.Expect(objs).To(HaveLen(1))
	monitor := objs.find("ServiceMonitor", "token-revocation-controller-manager-metrics-monitor")
	g.Expect(monitor).NotTo(BeNil())
	g.Expect(monitor.GetNamespace()).To(Equal(operatorNamespace))

	endpoints, _, _ := unstructured.NestedSlice(monitor.Object, "spec", "endpoints")
	g.Expect(endpoints).To(HaveLen(1))
	endpoint := endpoints[0].(map[string]any)
	g.Expect(endpoint).To(HaveKeyWithValue("scheme", "https"))
	g.Expect(endpoint).To(HaveKeyWithValue("path", "/metrics"))
	g.Expect(endpoint).To(HaveKeyWithValue("bearerTokenFile", "/var/run/secrets/kubernetes.io/serviceaccount/token"))
	g.Expect(endpoint).To(HaveKey("tlsConfig"))

	// Its selector picks the metrics Service of config/default, by the name of its port, and not
	// the webhook Service (which has an https port too).
	_, defaults := kustomizeBuild(t, "default")
	selector, _, _ := unstructured.NestedStringMap(monitor.Object, "spec", "selector", "matchLabels")
	g.Expect(selector).NotTo(BeEmpty())
	var selected []string
	for _, service := range defaults.ofKind("Service") {
		if labels.SelectorFromSet(selector).Matches(labels.Set(service.GetLabels())) {
			selected = append(selected, service.GetName())
		}
	}
	g.Expect(selected).To(ConsistOf(metricsService))
	var metrics corev1.Service
	defaults.decode(g, "Service", metricsService, &metrics)
	g.Expect(metrics.Spec.Ports).To(ContainElement(HaveField("Name", endpoint["port"])))
}
