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
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// The responder test's tokens, imported into the emulator as myuser's: distinctive, so that any
// copy of them is found.
const (
	responderToken        = "cmVzcG9uZGVyLWUyZS1hY2Nlc3MtdG9rZW4tMWY4Yw=="
	responderListTokenA   = "cmVzcG9uZGVyLWUyZS1saXN0ZWQtdG9rZW4tYS02ZDJl"
	responderListTokenB   = "cmVzcG9uZGVyLWUyZS1saXN0ZWQtdG9rZW4tYi05YjQx"
	responderUnknownToken = "cmVzcG9uZGVyLWUyZS10b2tlbi1uZXZlci1pc3N1ZWQtNGE3MA=="
)

// kubectl esrevoke run by a person who holds nothing but config/rbac's responder role, bound in
// one namespace with a RoleBinding, against an API server that also enforces owner-reference
// permissions (the OwnerReferencesPermissionEnforcement admission plugin, on in OpenShift): every
// command that creates or follows a revocation succeeds there, each Secret it makes is owned by
// its revocation, and the webhook's check that the creator may read the Secret passes. In another
// namespace, nothing is allowed and nothing is created. A role without the finalizers rule is
// shown to be short of it, so the enforcement is real.
func TestPluginRunsWithTheResponderRoleAlone(t *testing.T) {
	const namespace, elsewhere = "responders", "elsewhere"
	const responder, shortOfFinalizers = "alice", "bob"
	p := startPluginEnv(t, localenv.Options{
		Username: "elastic", Password: pluginOperatorPassword,
		EmulatorArgs: []string{"--user", "myuser:" + apiKeyUserPassword + ":saml1",
			"--import-token", "myuser:" + responderToken + ":", "--import-token", "myuser:" + responderListTokenA + ":",
			"--import-token", "myuser:" + responderListTokenB + ":"},
		ManagerArgs:   []string{"--retry-base-delay=100ms"},
		APIServerArgs: map[string]string{"enable-admission-plugins": "OwnerReferencesPermissionEnforcement"},
	}, namespace)
	env, logs, c, cli := p.env, p.logs, p.c, p.cli
	g := NewWithT(t)

	// The responder role as config/default installs it, bound to alice in the one namespace.
	_, objs := kustomizeBuild(t, "default")
	var role rbacv1.ClusterRole
	objs.decode(g, "ClusterRole", "token-revocation-responder-role", &role)
	g.Expect(c.Create(context.Background(), &role)).To(Succeed())
	kubectl := func(args ...string) {
		out, err := env.Kubectl(args...)
		g.Expect(err).NotTo(HaveOccurred(), out)
	}
	kubectl("create", "namespace", elsewhere)
	kubectl("create", "rolebinding", "responder", "-n", namespace, "--clusterrole="+role.Name, "--user="+responder)
	// bob holds the same rules but the finalizers one.
	short := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "responder-without-finalizers", Namespace: namespace}}
	for _, rule := range role.Rules {
		if !strings.HasSuffix(rule.Resources[0], "/finalizers") {
			short.Rules = append(short.Rules, rule)
		}
	}
	g.Expect(short.Rules).To(HaveLen(len(role.Rules) - 1))
	g.Expect(c.Create(context.Background(), short)).To(Succeed())
	kubectl("create", "rolebinding", "short-of-finalizers", "-n", namespace, "--role="+short.Name, "--user="+shortOfFinalizers)

	as := func(user, ns string, args ...string) []string {
		return append([]string{"--as", user, "-n", ns}, args...)
	}
	// expectOwned checks that the revocation's Secret is controlled by it, with blockOwnerDeletion.
	expectOwned := func(g Gomega, kind, name string, uid any) {
		secret := &corev1.Secret{}
		g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, secret)).To(Succeed())
		g.Expect(secret.OwnerReferences).To(ContainElement(And(HaveField("Kind", kind), HaveField("Name", name),
			HaveField("UID", uid), HaveField("Controller", HaveValue(BeTrue())), HaveField("BlockOwnerDeletion", HaveValue(BeTrue())))))
	}
	listFile := filepath.Join(t.TempDir(), "tokens.txt")
	g.Expect(os.WriteFile(listFile, []byte(responderListTokenA+"\n"+responderListTokenB+"\n"), 0o600)).To(Succeed())
	key := createAPIKey(t, env.ElasticsearchURL, "responder-ci")

	t.Run("token, tokens and api-key: Revoked, exit 0, each Secret owned by its revocation", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, responderToken+"\n", as(responder, namespace, "token", "--name", "leak-token", "--reason", "INC-2001")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(HavePrefix("Revoked: token "))
		res = cli.run(t, "", as(responder, namespace, "tokens", "--from-file", listFile, "--name", "leak-list", "--reason", "INC-2002")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(HavePrefix("Revoked: token list "))
		for _, name := range []string{"leak-token", "leak-list"} {
			expectOwned(g, "TokenRevocation", name, getRevocation(g, c, namespace, name).UID)
		}
		res = cli.run(t, "Authorization: ApiKey "+key.Encoded+"\n", as(responder, namespace, "api-key", "--name", "leak-key", "--reason", "INC-2003")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(HavePrefix("Revoked: API key " + key.ID))
		rev := &securityv1alpha1.ApiKeyRevocation{}
		g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: "leak-key"}, rev)).To(Succeed())
		expectOwned(g, "ApiKeyRevocation", "leak-key", rev.UID)
		g.Expect(cli.allOutput()).NotTo(ContainSubstring("Warning: Secret"), "every Secret is owned")
	})

	t.Run("user, realm --yes, api-keys and a dry run: exit 0", func(t *testing.T) {
		g := NewWithT(t)
		for _, args := range [][]string{
			{"user", "myuser", "--realm", "saml1", "--reason", "INC-2004"},
			{"realm", "saml1", "--yes", "--reason", "INC-2005"},
			{"api-keys", "--user", "myuser", "--realm", "saml1", "--reason", "INC-2006"},
		} {
			res := cli.run(t, "", as(responder, namespace, args...)...)
			g.Expect(res.code).To(Equal(0), res.errOut)
			g.Expect(res.out).To(HavePrefix("Revoked: "))
		}
		before := countObjects(g, c)
		res := cli.run(t, responderUnknownToken, as(responder, namespace, "token", "--dry-run=server", "--reason", "INC-dry")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(HavePrefix("Dry run, accepted by the API server, nothing created: token"))
		g.Expect(countObjects(g, c)).To(Equal(before))
	})

	t.Run("a Failed revocation retried: the retry becomes an owner of the Secret too", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, responderUnknownToken, as(responder, namespace, "token", "--name", "leak-unknown", "--reason", "INC-2007")...)
		g.Expect(res.code).To(Equal(1), res.errOut)
		g.Expect(res.out).To(ContainSubstring("TokenNotFound"))
		res = cli.run(t, "", as(responder, namespace, "retry", "leak-unknown", "-o", "name")...)
		g.Expect(res.code).To(Equal(1), res.errOut)
		g.Expect(res.errOut).NotTo(ContainSubstring("Warning:"), "the Secret is shared with the retry")
		secret := &corev1.Secret{}
		g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: "leak-unknown"}, secret)).To(Succeed())
		g.Expect(secret.OwnerReferences).To(HaveLen(2))
	})

	t.Run("list: the namespace with -n, not the cluster", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, "", as(responder, namespace, "list")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(strings.TrimSpace(res.out)).To(MatchRegexp(`\n8 revocations in 1 namespace: 6 Revoked, 2 Failed; \d+ tokens and 1 API key invalidated$`))
		res = cli.run(t, "", "--as", responder, "list")
		g.Expect(res.code).To(Equal(1))
		g.Expect(res.errOut).To(ContainSubstring("list the revocations of one namespace with -n NAMESPACE"))
	})

	t.Run("in a namespace it is not bound in, nothing is allowed and nothing is created", func(t *testing.T) {
		g := NewWithT(t)
		before := countObjects(g, c)
		res := cli.run(t, responderUnknownToken, as(responder, elsewhere, "token", "--reason", "INC-2008")...)
		g.Expect(res.code).To(Equal(1))
		g.Expect(res.errOut).To(ContainSubstring("forbidden"))
		g.Expect(res.errOut).To(ContainSubstring("nothing was created"))
		res = cli.run(t, "", as(responder, elsewhere, "user", "myuser", "--reason", "INC-2008")...)
		g.Expect(res.code).To(Equal(1))
		g.Expect(res.errOut).To(ContainSubstring("forbidden"))
		g.Expect(countObjects(g, c)).To(Equal(before))
	})

	t.Run("without the finalizers rule, the Secret cannot be owned: the rule is needed", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, responderUnknownToken, as(shortOfFinalizers, namespace, "token", "--name", "short", "--wait=false", "--reason", "INC-2009")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.errOut).To(ContainSubstring("Warning: Secret " + namespace + "/short is not owned by the revocation"))
	})

	t.Run("no token or key in the plugin's output or the manager's logs", func(t *testing.T) {
		g := NewWithT(t)
		for _, secret := range []string{responderToken, responderListTokenA, responderListTokenB, responderUnknownToken, key.Encoded, key.APIKey} {
			g.Expect(strings.Contains(cli.allOutput(), secret)).To(BeFalse(), "the plugin printed a secret")
			g.Expect(strings.Contains(logs.String(), secret)).To(BeFalse(), "the manager logged a secret")
		}
	})
}
