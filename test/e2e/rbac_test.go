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
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/yaml"

	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// Most of these tests read config/rbac as kustomize does, before it names and places the objects:
// they need no API server or kubectl, so they run everywhere. The namespace "system" there is the
// operator's own namespace once config/default has placed it. The last test runs the manager under
// the RBAC config/default installs, to show that this least privilege is also enough.
const rbacSourceNamespace = "system"

// rbacTree is the RBAC of config/rbac: every Role and ClusterRole (keyed by kind/name, namespaced
// ones by kind/namespace/name) and every binding.
type rbacTree struct {
	roles    map[string][]rbacv1.PolicyRule
	bindings []rbacBinding
}

// rbacBinding is a RoleBinding or ClusterRoleBinding.
type rbacBinding struct {
	kind, namespace, name string
	roleRef               rbacv1.RoleRef
	subjects              []rbacv1.Subject
}

func roleKey(kind, namespace, name string) string {
	if kind == "ClusterRole" {
		return kind + "/" + name
	}
	return kind + "/" + namespace + "/" + name
}

// readRBAC parses the files config/rbac/kustomization.yaml lists.
func readRBAC(t *testing.T) rbacTree {
	t.Helper()
	g := NewWithT(t)
	dir := filepath.Join("..", "..", "config", "rbac")
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	var kustomization struct {
		Resources []string `json:"resources"`
	}
	g.Expect(yaml.Unmarshal(data, &kustomization)).To(Succeed())
	g.Expect(kustomization.Resources).To(ContainElement("role.yaml"))

	tree := rbacTree{roles: map[string][]rbacv1.PolicyRule{}}
	for _, file := range kustomization.Resources {
		data, err := os.ReadFile(filepath.Join(dir, file))
		g.Expect(err).NotTo(HaveOccurred())
		objs, err := decodeManifests(data)
		g.Expect(err).NotTo(HaveOccurred(), file)
		for _, obj := range objs {
			convert := func(into any) {
				g.Expect(runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(obj.Object, into, true)).
					To(Succeed(), "%s in %s", obj.GetName(), file)
			}
			switch obj.GetKind() {
			case "ClusterRole":
				var role rbacv1.ClusterRole
				convert(&role)
				g.Expect(role.AggregationRule).To(BeNil(), "ClusterRole %s: its rules would come from elsewhere", role.Name)
				tree.roles[roleKey("ClusterRole", "", role.Name)] = role.Rules
			case "Role":
				var role rbacv1.Role
				convert(&role)
				tree.roles[roleKey("Role", role.Namespace, role.Name)] = role.Rules
			case "ClusterRoleBinding":
				var b rbacv1.ClusterRoleBinding
				convert(&b)
				tree.bindings = append(tree.bindings, rbacBinding{"ClusterRoleBinding", "", b.Name, b.RoleRef, b.Subjects})
			case "RoleBinding":
				var b rbacv1.RoleBinding
				convert(&b)
				tree.bindings = append(tree.bindings, rbacBinding{"RoleBinding", b.Namespace, b.Name, b.RoleRef, b.Subjects})
			}
		}
	}
	return tree
}

// verbsOn returns the verbs the rules grant on a resource of an API group ("" is the core group).
func verbsOn(rules []rbacv1.PolicyRule, group, resource string) []string {
	var verbs []string
	for _, rule := range rules {
		if slices.Contains(rule.APIGroups, group) && slices.Contains(rule.Resources, resource) {
			verbs = append(verbs, rule.Verbs...)
		}
	}
	return verbs
}

func TestRBACFilesAreAllPartOfTheInstall(t *testing.T) {
	g := NewWithT(t)
	files, err := filepath.Glob(filepath.Join("..", "..", "config", "rbac", "*.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "rbac", "kustomization.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	var kustomization struct {
		Resources []string `json:"resources"`
	}
	g.Expect(yaml.Unmarshal(data, &kustomization)).To(Succeed())
	for _, file := range files {
		if name := filepath.Base(file); name != "kustomization.yaml" {
			g.Expect(kustomization.Resources).To(ContainElement(name), "config/rbac/%s is not listed in its kustomization.yaml", name)
		}
	}
}

func TestRBACRulesUseNoWildcards(t *testing.T) {
	tree := readRBAC(t)
	g := NewWithT(t)
	for key, rules := range tree.roles {
		for _, rule := range rules {
			for _, field := range [][]string{rule.APIGroups, rule.Resources, rule.Verbs, rule.NonResourceURLs, rule.ResourceNames} {
				for _, value := range field {
					g.Expect(value).NotTo(ContainSubstring("*"), "%s grants a wildcard: %+v", key, rule)
				}
			}
		}
	}
}

func TestRBACLetsTheManagerOnlyGetSecretsClusterWide(t *testing.T) {
	tree := readRBAC(t)
	g := NewWithT(t)
	manager := tree.roles[roleKey("ClusterRole", "", "manager-role")]
	g.Expect(manager).NotTo(BeEmpty(), "config/rbac/role.yaml has no ClusterRole manager-role")

	// The reconciler reads the token and connection Secrets a TokenRevocation names with uncached
	// GETs, so it never holds every Secret of the cluster in memory or sees them change.
	g.Expect(verbsOn(manager, "", "secrets")).To(ConsistOf("get"))
	// No other ClusterRole touches Secrets, but the responder role, which nothing binds or
	// aggregates: it is for people, bound in a namespace (TestRBACResponderRoleIsForANamespaceOnly).
	for key, rules := range tree.roles {
		if strings.HasPrefix(key, "ClusterRole/") && key != roleKey("ClusterRole", "", "manager-role") &&
			key != roleKey("ClusterRole", "", responderRole) {
			g.Expect(verbsOn(rules, "", "secrets")).To(BeEmpty(), "%s grants access to Secrets", key)
		}
	}
}

// responderRole is the ClusterRole for the people who run kubectl esrevoke, as config/rbac names it.
const responderRole = "responder-role"

// The responder role is what kubectl esrevoke needs (the e2e test
// TestPluginRunsWithTheResponderRoleAlone shows it is enough), and no more: on Secrets only what
// the plugin does with the one it makes, never list or watch; bound by no one and aggregated into
// nothing, so that it grants something only where an admin binds it.
func TestRBACResponderRoleIsForANamespaceOnly(t *testing.T) {
	tree := readRBAC(t)
	g := NewWithT(t)
	rules := tree.roles[roleKey("ClusterRole", "", responderRole)]
	g.Expect(rules).NotTo(BeEmpty(), "config/rbac has no ClusterRole %s", responderRole)
	g.Expect(verbsOn(rules, "", "secrets")).To(ConsistOf("create", "get", "patch", "delete"))
	for _, resource := range []string{"tokenrevocations", "apikeyrevocations"} {
		g.Expect(verbsOn(rules, "security.esrevoke.io", resource)).To(ConsistOf("create", "get", "list", "watch"), resource)
		g.Expect(verbsOn(rules, "security.esrevoke.io", resource+"/status")).To(ConsistOf("get"), resource)
		g.Expect(verbsOn(rules, "security.esrevoke.io", resource+"/finalizers")).To(ConsistOf("update"), resource)
	}
	for _, rule := range rules {
		g.Expect(rule.APIGroups).To(ConsistOf(BeElementOf("", "security.esrevoke.io")), "%+v", rule)
		g.Expect(rule.ResourceNames).To(BeEmpty())
	}
	for _, b := range tree.bindings {
		g.Expect(b.roleRef.Name).NotTo(Equal(responderRole), "%s %s binds the responder role", b.kind, b.name)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "rbac", "responder_role.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	var role rbacv1.ClusterRole
	g.Expect(yaml.Unmarshal(data, &role)).To(Succeed())
	g.Expect(role.Name).To(Equal(responderRole))
	for label := range role.Labels {
		g.Expect(label).NotTo(HavePrefix("rbac.authorization.k8s.io/aggregate-to-"), "the responder role may read Secrets: bound on purpose only")
	}
}

func TestRBACConfinesRolesOnSecretsToTheOperatorNamespace(t *testing.T) {
	tree := readRBAC(t)
	g := NewWithT(t)
	for key, rules := range tree.roles {
		if !strings.HasPrefix(key, "Role/") || len(verbsOn(rules, "", "secrets")) == 0 {
			continue
		}
		// The webhook certificate rotator watches, and rewrites, the one Secret holding the
		// webhook's certificate, which lives beside the manager: a Role granting that anywhere
		// else would let the manager read and change other applications' Secrets.
		g.Expect(key).To(HavePrefix("Role/"+rbacSourceNamespace+"/"), "%s touches Secrets outside the operator namespace", key)
	}
	// And the manager is granted nothing namespaced anywhere else.
	for _, b := range tree.bindings {
		if b.kind == "RoleBinding" {
			g.Expect(b.namespace).To(Equal(rbacSourceNamespace), "RoleBinding %s", b.name)
		}
	}
}

func TestRBACLetsTheManagerReadTokenRevocationsAndPatchTheirStatus(t *testing.T) {
	tree := readRBAC(t)
	g := NewWithT(t)
	manager := tree.roles[roleKey("ClusterRole", "", "manager-role")]
	g.Expect(verbsOn(manager, "security.esrevoke.io", "tokenrevocations")).To(ContainElements("get", "list", "watch"))
	g.Expect(verbsOn(manager, "security.esrevoke.io", "tokenrevocations/status")).To(ContainElements("get", "patch"))
	// A revocation is the record of an act: the manager writes its status, never its spec.
	g.Expect(verbsOn(manager, "security.esrevoke.io", "tokenrevocations")).
		NotTo(ContainElement(BeElementOf("create", "update", "patch", "delete", "deletecollection")))
}

func TestRBACBindsEveryManagerRoleToTheManagerAccount(t *testing.T) {
	tree := readRBAC(t)
	g := NewWithT(t)
	g.Expect(tree.bindings).NotTo(BeEmpty())
	bound := map[string]bool{}
	for _, b := range tree.bindings {
		key := roleKey(b.roleRef.Kind, b.namespace, b.roleRef.Name)
		g.Expect(tree.roles).To(HaveKey(key), "%s %s binds a role config/rbac does not define", b.kind, b.name)
		bound[key] = true
		g.Expect(b.subjects).To(ConsistOf(rbacv1.Subject{
			Kind: rbacv1.ServiceAccountKind, Name: "controller-manager", Namespace: rbacSourceNamespace,
		}), "%s %s", b.kind, b.name)
	}
	// Every role of the manager is bound; the roles for people are bound by the cluster's admins.
	for key := range tree.roles {
		if strings.Contains(key, "tokenrevocation-") || strings.Contains(key, "apikeyrevocation-") ||
			key == roleKey("ClusterRole", "", "metrics-reader") || key == roleKey("ClusterRole", "", responderRole) {
			continue
		}
		g.Expect(bound).To(HaveKey(key), "%s is bound to nobody", key)
	}
}

func TestRBACRolesForPeopleCoverOnlyTokenRevocations(t *testing.T) {
	tree := readRBAC(t)
	g := NewWithT(t)
	viewer := tree.roles[roleKey("ClusterRole", "", "tokenrevocation-viewer-role")]
	editor := tree.roles[roleKey("ClusterRole", "", "tokenrevocation-editor-role")]
	g.Expect(viewer).NotTo(BeEmpty())
	g.Expect(editor).NotTo(BeEmpty())
	for _, rule := range append(slices.Clone(viewer), editor...) {
		g.Expect(rule.APIGroups).To(ConsistOf("security.esrevoke.io"))
	}
	g.Expect(verbsOn(viewer, "security.esrevoke.io", "tokenrevocations")).To(ConsistOf("get", "list", "watch"))
	g.Expect(verbsOn(editor, "security.esrevoke.io", "tokenrevocations")).To(ContainElements("create", "delete"))
	// Nobody but the manager writes the status: it is the only record that Elasticsearch was called.
	g.Expect(verbsOn(viewer, "security.esrevoke.io", "tokenrevocations/status")).To(ConsistOf("get"))
	g.Expect(verbsOn(editor, "security.esrevoke.io", "tokenrevocations/status")).To(ConsistOf("get"))
}

// serviceAccountKubeconfig writes a kubeconfig that authenticates as a ServiceAccount of the
// cluster, with a token the API server issues for it.
func (c *cluster) serviceAccountKubeconfig(t *testing.T, namespace, name string) (path, token string) {
	t.Helper()
	g := NewWithT(t)
	stdout, stderr, err := c.kubectl(t, "create", "token", name, "-n", namespace, "--duration=1h")
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	token = strings.TrimSpace(stdout)
	config := clientcmdapi.NewConfig()
	config.Clusters["envtest"] = &clientcmdapi.Cluster{Server: c.config.Host, CertificateAuthorityData: c.config.CAData}
	config.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: token}
	config.Contexts[name] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: name}
	config.CurrentContext = name
	path = filepath.Join(t.TempDir(), name+".kubeconfig")
	g.Expect(clientcmd.WriteToFile(*config, path)).To(Succeed())
	return path, token
}

// metricsStatus asks the manager's HTTPS metrics endpoint for /metrics with a bearer token.
func metricsStatus(url, token string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil) //nolint:noctx // a bounded probe in a test
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	// The manager serves metrics with a self-signed certificate, as in a cluster.
	transport := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // see above
	res, err := (&http.Client{Timeout: 5 * time.Second, Transport: transport}).Do(req)
	if err != nil {
		return 0, err
	}
	_ = res.Body.Close()
	return res.StatusCode, nil
}

// The manager runs as its ServiceAccount, with exactly the RBAC config/default installs and the
// arguments of its Deployment: every permission it lacks would surface here, not first in a cluster.
// Outside a cluster nothing mounts the certificate Secret, so the test plays the kubelet's part.
func TestDeployedRBACLetsTheManagerRotateItsCertificateLeadReconcileAndServeMetrics(t *testing.T) {
	g := NewWithT(t)
	_, objs := kustomizeBuild(t, "default")
	c := startCluster(t)
	manager := buildManager(t)

	// Everything but the webhook configuration first: envtest cannot reach the webhook Service,
	// so the TokenRevocation goes in before the configuration that would send it there.
	var install, webhooks []any
	for _, obj := range objs {
		if obj.GetKind() == "ValidatingWebhookConfiguration" || obj.GetKind() == "MutatingWebhookConfiguration" {
			webhooks = append(webhooks, obj.Object)
		} else {
			install = append(install, obj.Object)
		}
	}
	_, stderr, err := c.kubectl(t, "apply", "--server-side", "-f", writeTemp(g, t, "install.yaml", encodeManifests(g, install...)))
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	// A revocation against an Elasticsearch that does not answer (the default target, since a
	// connection Secret needs the webhook's signature, and envtest cannot call the webhook): the
	// manager patches the status and records a Retrying event.
	revocationFile := writeTemp(g, t, "revocation.yaml", []byte(`apiVersion: security.esrevoke.io/v1alpha1
kind: TokenRevocation
metadata: {name: rbac-check, namespace: default}
spec:
  username: myuser
`))
	_, stderr, err = c.kubectl(t, "apply", "-f", revocationFile)
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	_, stderr, err = c.kubectl(t, "apply", "--server-side", "-f", writeTemp(g, t, "webhooks.yaml", encodeManifests(g, webhooks...)))
	g.Expect(err).NotTo(HaveOccurred(), stderr)

	var deployment appsv1.Deployment
	objs.decode(g, "Deployment", managerDeployment, &deployment)
	kubeconfig, _ := c.serviceAccountKubeconfig(t, operatorNamespace, managerAccount)
	certDir := t.TempDir()
	probe, metrics := freePort(g), freePort(g)
	// The Deployment's arguments, then what differs outside a Pod (the last value of a flag wins).
	args := append(managerContainer(g, &deployment).Args,
		fmt.Sprintf("--health-probe-bind-address=127.0.0.1:%d", probe),
		fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", metrics),
		fmt.Sprintf("--webhook-port=%d", freePort(g)), "--webhook-cert-dir="+certDir,
		"--leader-election-namespace="+operatorNamespace, "--retry-base-delay=100ms")
	cmd := exec.Command(manager, args...) //nolint:gosec // our own binary
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "POD_NAMESPACE="+operatorNamespace,
		"ELASTICSEARCH_URL=http://127.0.0.1:1", "ELASTICSEARCH_USERNAME=elastic", "ELASTICSEARCH_PASSWORD=changeme-unreachable")
	var logs localenv.SyncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	g.Expect(cmd.Start()).To(Succeed())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	get := func(args ...string) func() (string, error) {
		return func() (string, error) {
			stdout, stderr, err := c.kubectl(t, append([]string{"get"}, args...)...)
			if err != nil {
				return "", fmt.Errorf("%w: %s", err, stderr)
			}
			return stdout, nil
		}
	}
	// The certificate rotator filled its Secret (the namespaced Role) and injected the CA into the
	// webhook configuration (the ClusterRole).
	var secret corev1.Secret
	g.Eventually(func(g Gomega) {
		stdout, err := get("secret", webhookCertSecret, "-n", operatorNamespace, "-o", "json")()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(yaml.Unmarshal([]byte(stdout), &secret)).To(Succeed())
		g.Expect(secret.Data).To(HaveKey("ca.crt"))
		g.Expect(secret.Data).To(HaveKey("tls.crt"))
	}).WithTimeout(60*time.Second).Should(Succeed(), "manager output:\n%s", &logs)
	g.Eventually(get("validatingwebhookconfiguration", webhookConfiguration,
		"-o", "jsonpath={.webhooks[0].clientConfig.caBundle}")).WithTimeout(30*time.Second).
		Should(Equal(base64.StdEncoding.EncodeToString(secret.Data["ca.crt"])), "manager output:\n%s", &logs)
	g.Eventually(func(g Gomega) { mountSecret(g, &secret, certDir) }).Should(Succeed())
	g.Eventually(func() (int, error) { return httpStatus(fmt.Sprintf("http://127.0.0.1:%d/readyz", probe)) }).
		WithTimeout(60*time.Second).Should(Equal(http.StatusOK), "manager output:\n%s", &logs)

	// It made its installation key Secret (create in its namespace) and read it back (get).
	g.Expect(get("secret", "token-revocation-installation-key", "-n", operatorNamespace, "-o", "name")()).
		To(Equal("secret/token-revocation-installation-key\n"))

	// It leads (the leader election Role) and reconciles: status patched, event recorded.
	g.Eventually(get("lease", "token-revocation-operator.security.esrevoke.io", "-n", operatorNamespace,
		"-o", "jsonpath={.spec.holderIdentity}")).WithTimeout(30 * time.Second).Should(Not(BeEmpty()))
	g.Eventually(get("tokenrevocation", "rbac-check", "-n", "default",
		"-o", `jsonpath={.status.conditions[?(@.type=="Ready")].reason}`)).WithTimeout(30*time.Second).
		Should(Equal("ElasticsearchUnavailable"), "manager output:\n%s", &logs)
	g.Eventually(get("events", "-n", "default", "--field-selector", "involvedObject.name=rbac-check",
		"-o", "jsonpath={.items[*].reason}")).WithTimeout(30 * time.Second).Should(ContainSubstring("Retrying"))

	// The metrics endpoint authenticates and authorizes its callers (TokenReview and
	// SubjectAccessReview): only a holder of the metrics-reader ClusterRole may read it.
	for _, name := range []string{"scraper", "stranger"} {
		_, stderr, err = c.kubectl(t, "create", "serviceaccount", name, "-n", operatorNamespace)
		g.Expect(err).NotTo(HaveOccurred(), stderr)
	}
	_, stderr, err = c.kubectl(t, "create", "clusterrolebinding", "scraper-metrics-reader",
		"--clusterrole=token-revocation-metrics-reader", "--serviceaccount="+operatorNamespace+":scraper")
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	_, scraper := c.serviceAccountKubeconfig(t, operatorNamespace, "scraper")
	_, stranger := c.serviceAccountKubeconfig(t, operatorNamespace, "stranger")
	url := fmt.Sprintf("https://127.0.0.1:%d/metrics", metrics)
	g.Eventually(func() (int, error) { return metricsStatus(url, scraper) }).WithTimeout(30*time.Second).
		Should(Equal(http.StatusOK), "manager output:\n%s", &logs)
	g.Expect(metricsStatus(url, stranger)).To(Equal(http.StatusForbidden))

	g.Expect(logs.String()).NotTo(ContainSubstring("forbidden"), "the manager lacks a permission")
}
