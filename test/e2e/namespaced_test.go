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
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// The namespaces config/namespaced watches, and one it does not.
var watchedNamespaces = []string{"team-a", "team-b"}

const unwatchedNamespace = "team-c"

// auditedRequest is what the API server's audit log records of one request.
type auditedRequest struct {
	User struct {
		Username string `json:"username"`
	} `json:"user"`
	Verb      string `json:"verb"`
	ObjectRef *struct {
		Resource  string `json:"resource"`
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	} `json:"objectRef"`
	RequestURI string `json:"requestURI"`
}

// startAuditedCluster starts an API server that writes every request to an audit log.
func startAuditedCluster(t *testing.T) (*cluster, string) {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("skipped: KUBEBUILDER_ASSETS is not set; `make test` builds the envtest binaries and sets it")
	}
	dir := t.TempDir()
	policy, auditLog := filepath.Join(dir, "audit-policy.yaml"), filepath.Join(dir, "audit.log")
	err := os.WriteFile(policy, []byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	args := env.ControlPlane.GetAPIServer().Configure()
	args.Set("audit-policy-file", policy)
	args.Set("audit-log-path", auditLog)
	return startClusterWith(t, env), auditLog
}

// requestsBy reads the audit log's entries for one user.
func requestsBy(g Gomega, auditLog, username string) []auditedRequest {
	file, err := os.Open(auditLog) //nolint:gosec // the test's own file
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = file.Close() }()
	var requests []auditedRequest
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		var request auditedRequest
		g.Expect(json.Unmarshal(scanner.Bytes(), &request)).To(Succeed())
		if request.User.Username == username {
			requests = append(requests, request)
		}
	}
	g.Expect(scanner.Err()).NotTo(HaveOccurred())
	return requests
}

// The namespace-scoped mode end to end: config/namespaced installed into a real API server, and
// the manager run as its ServiceAccount with the Deployment's arguments. A revocation of either
// kind in a watched namespace is revoked (its status patched and its event recorded through a
// Role); one in another namespace is never touched, and an ECK reference there is refused. The API
// server's audit log shows that the manager never sent a single request about another namespace,
// nor a cluster-wide one about namespaced objects: not even one RBAC would have refused.
func TestTheScopedManagerRevokesInItsNamespacesAndNeverReadsOutside(t *testing.T) {
	g := NewWithT(t)
	_, objs := kustomizeBuild(t, "namespaced")
	c, auditLog := startAuditedCluster(t)
	manager := buildManager(t)

	es := esemulator.New()
	es.AddUser("elastic", operatorPassword, "")
	es.AddUser("myuser", "myuser-password-scoped", "")
	server := httptest.NewServer(es)
	t.Cleanup(server.Close)

	for _, namespace := range append([]string{unwatchedNamespace}, watchedNamespaces...) {
		_, stderr, err := c.kubectl(t, "create", "namespace", namespace)
		g.Expect(err).NotTo(HaveOccurred(), stderr)
	}
	// Everything but the webhook configuration: this test runs the manager without its webhook
	// (the certificate rotation has its own test), so nothing must send revocations there. Nor the
	// certificate rotator's RBAC, which the manager does not use without its webhook: left out, it
	// cannot lend the manager a Secret permission in its own namespace, so the manager runs with
	// what it holds in the scoped mode with cert-manager too (the chart's watchNamespaces with
	// webhook.certificate.provider=cert-manager), and must still read its installation key.
	var install []any
	for _, obj := range objs {
		switch {
		case obj.GetKind() == "ValidatingWebhookConfiguration" || obj.GetKind() == "MutatingWebhookConfiguration":
		case strings.HasPrefix(obj.GetName(), "token-revocation-cert-rotation-"):
		default:
			install = append(install, obj.Object)
		}
	}
	_, stderr, err := c.kubectl(t, "apply", "--server-side", "-f", writeTemp(g, t, "install.yaml", encodeManifests(g, install...)))
	g.Expect(err).NotTo(HaveOccurred(), stderr)

	tokens, keys := map[string]string{}, map[string]string{}
	var manifests strings.Builder
	for _, namespace := range append([]string{unwatchedNamespace}, watchedNamespaces...) {
		pair, err := es.MintPasswordToken("myuser")
		g.Expect(err).NotTo(HaveOccurred())
		tokens[namespace] = pair.AccessToken
		keys[namespace], _, _ = es.CreateAPIKey("myuser", "scoped-"+namespace)
		// The token is inline, and the API key named by its id: a revocation naming a Secret needs
		// the webhook to vouch for its creator, and this test runs the manager without it.
		fmt.Fprintf(&manifests, `---
apiVersion: security.esrevoke.io/v1alpha1
kind: TokenRevocation
metadata: {name: scoped, namespace: %[1]s}
spec:
  token: %[2]s
---
apiVersion: security.esrevoke.io/v1alpha1
kind: ApiKeyRevocation
metadata: {name: scoped, namespace: %[1]s}
spec:
  ids: [%[3]s]
`, namespace, pair.AccessToken, keys[namespace])
	}
	// A reference from a watched namespace to an ECK Elasticsearch in the unwatched one.
	fmt.Fprintf(&manifests, `---
apiVersion: security.esrevoke.io/v1alpha1
kind: TokenRevocation
metadata: {name: cross, namespace: team-a}
spec:
  username: myuser
  elasticsearchRef: {name: quickstart, namespace: %s}
`, unwatchedNamespace)
	_, stderr, err = c.kubectl(t, "apply", "-f", writeTemp(g, t, "revocations.yaml", []byte(manifests.String())))
	g.Expect(err).NotTo(HaveOccurred(), stderr)

	var deployment appsv1.Deployment
	objs.decode(g, "Deployment", managerDeployment, &deployment)
	args := managerContainer(g, &deployment).Args
	g.Expect(args).To(ContainElement("--watch-namespaces=team-a,team-b"))
	kubeconfig, _ := c.serviceAccountKubeconfig(t, operatorNamespace, managerAccount)
	args = append(args, "--health-probe-bind-address=0", "--metrics-bind-address=0",
		"--leader-election-namespace="+operatorNamespace, "--allow-cross-namespace-refs", "--retry-base-delay=100ms")
	cmd := exec.Command(manager, args...) //nolint:gosec // our own binary
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "POD_NAMESPACE="+operatorNamespace, "ENABLE_WEBHOOKS=false",
		"ELASTICSEARCH_URL="+server.URL, "ELASTICSEARCH_USERNAME=elastic", "ELASTICSEARCH_PASSWORD="+operatorPassword)
	var logs localenv.SyncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	g.Expect(cmd.Start()).To(Succeed())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	phase := func(kind, namespace, name string) func() (string, error) {
		return func() (string, error) {
			stdout, stderr, err := c.kubectl(t, "get", kind, name, "-n", namespace, "-o", "jsonpath={.status.phase}")
			if err != nil {
				return "", fmt.Errorf("%w: %s", err, stderr)
			}
			return stdout, nil
		}
	}
	for _, namespace := range watchedNamespaces {
		g.Eventually(phase("tokenrevocation", namespace, "scoped")).WithTimeout(time.Minute).Should(Equal("Revoked"), "manager output:\n%s", &logs)
		_, invalidated, _ := es.TokenState(tokens[namespace])
		g.Expect(invalidated).To(BeTrue(), namespace)
		g.Eventually(phase("apikeyrevocation", namespace, "scoped")).WithTimeout(time.Minute).Should(Equal("Revoked"), "manager output:\n%s", &logs)
		_, invalidated = es.APIKeyState(keys[namespace])
		g.Expect(invalidated).To(BeTrue(), namespace)
	}
	g.Eventually(func() (string, error) {
		stdout, stderr, err := c.kubectl(t, "get", "tokenrevocation", "cross", "-n", "team-a",
			"-o", `jsonpath={.status.conditions[?(@.type=="Ready")].reason}: {.status.conditions[?(@.type=="Ready")].message}`)
		if err != nil {
			return "", fmt.Errorf("%w: %s", err, stderr)
		}
		return stdout, nil
	}).WithTimeout(30*time.Second).Should(And(HavePrefix("CrossNamespaceRefForbidden: "),
		ContainSubstring(`namespace "team-c", which the operator does not watch`)), "manager output:\n%s", &logs)

	// The revocations outside were never touched: no status, their token and key still valid, one
	// call per watched revocation in all.
	g.Consistently(func() ([]string, error) {
		var phases []string
		for _, kind := range []string{"tokenrevocation", "apikeyrevocation"} {
			p, err := phase(kind, unwatchedNamespace, "scoped")()
			phases = append(phases, p)
			if err != nil {
				return nil, err
			}
		}
		return phases, nil
	}).WithTimeout(2 * time.Second).Should(Equal([]string{"", ""}))
	_, invalidated, _ := es.TokenState(tokens[unwatchedNamespace])
	g.Expect(invalidated).To(BeFalse())
	known, invalidated := es.APIKeyState(keys[unwatchedNamespace])
	g.Expect(known).To(BeTrue())
	g.Expect(invalidated).To(BeFalse())
	g.Expect(es.InvalidateCalls()).To(BeEquivalentTo(2 * len(watchedNamespaces)))

	// What the manager asked the API server, as the API server recorded it.
	user := "system:serviceaccount:" + operatorNamespace + ":" + managerAccount
	requests := requestsBy(g, auditLog, user)
	read := map[string]bool{}
	for _, request := range requests {
		if request.ObjectRef == nil {
			continue
		}
		ref := request.ObjectRef
		g.Expect(ref.Namespace).NotTo(Equal(unwatchedNamespace), "%s %s", request.Verb, request.RequestURI)
		if ref.Namespace == "" {
			g.Expect(ref.Resource).NotTo(BeElementOf("secrets", "services", "tokenrevocations", "apikeyrevocations", "elasticsearches", "events"),
				"a cluster-wide %s %s", request.Verb, request.RequestURI)
		}
		read[ref.Namespace+"/"+ref.Resource] = true
	}
	// The log does hold the manager's requests: it watched revocations in each watched namespace.
	for _, namespace := range watchedNamespaces {
		g.Expect(read).To(HaveKey(namespace+"/tokenrevocations"), "the audit log lacks the manager's requests")
		g.Expect(read).To(HaveKey(namespace+"/apikeyrevocations"), "the audit log lacks the manager's requests")
	}
	// It read its installation key, by name, in its own namespace.
	g.Expect(read).To(HaveKey(operatorNamespace + "/secrets"))
	g.Expect(logs.String()).NotTo(ContainSubstring("forbidden"), "the manager lacks a permission")
	for _, token := range tokens {
		g.Expect(logs.String()).NotTo(ContainSubstring(token))
	}
}
