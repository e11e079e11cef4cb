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
	"encoding/json"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// The plugin test's secrets: distinctive, so that any copy of them is found.
const (
	pluginOperatorPassword = "plugin-operator-password-7d1e0b"
	pluginAccessToken      = "cGx1Z2luLWUyZS1hY2Nlc3MtdG9rZW4tb2YtbXl1c2VyLTk0YzE="
	pluginRefreshToken     = "cGx1Z2luLWUyZS1yZWZyZXNoLXRva2VuLTJhZjg="
	pluginCarolToken       = "cGx1Z2luLWUyZS1jYXJvbHMtYWNjZXNzLXRva2VuLTVlMzc="
	pluginDaveToken        = "cGx1Z2luLWUyZS1kYXZlcy1hY2Nlc3MtdG9rZW4tYjA2ZA=="
	pluginUnknownToken     = "cGx1Z2luLWUyZS10b2tlbi1uZXZlci1pc3N1ZWQtYnktdGhlLWVtdWxhdG9y"
	pluginDryRunToken      = "cGx1Z2luLWUyZS1kcnktcnVuLXRva2VuLW5vdC1zZW50LTdjNDQ="
	pluginNamespace        = "plugin-e2e"
)

// kubectl esrevoke run by the real kubectl, which finds it on PATH, against a real API server with
// the webhook, the manager binary and the emulator: every command, its exit codes, its refusals,
// and a search of everything it printed and the manager logged for the tokens it was given.
func TestPluginRevokesTokensWithTheRealKubectlAndLeaksNothing(t *testing.T) {
	p := startPluginEnv(t, localenv.Options{
		Username: "elastic", Password: pluginOperatorPassword,
		EmulatorArgs: []string{
			"--user", "myuser:plugin-myuser-password:saml1", "--user", "carol:plugin-carol-password", "--user", "dave:plugin-dave-password:ldap1",
			"--import-token", "myuser:" + pluginAccessToken + ":", "--import-token", "myuser::" + pluginRefreshToken,
			"--import-token", "carol:" + pluginCarolToken + ":", "--import-token", "dave:" + pluginDaveToken + ":",
		},
		ManagerArgs: []string{"--retry-base-delay=100ms"},
	}, pluginNamespace)
	env, logs, c, cli, ns := p.env, p.logs, p.c, p.cli, p.ns

	t.Run("token, from standard input: Revoked, exit 0, the Secret owned by the revocation", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, pluginAccessToken+"\n", append(ns, "token", "--reason", "INC-1234: token pasted into a CI log")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		rev := onlyRevocation(t, c, "token-")
		g.Expect(rev.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
		g.Expect(res.out).To(Equal("Revoked: token " + rev.Status.TokenFingerprint + " on " + env.ElasticsearchURL +
			": 1 invalidated, 0 already invalid, 0 errors (tokenrevocation/" + rev.Name + " in namespace " + pluginNamespace +
			`, reason "INC-1234: token pasted into a CI log")` + "\n"))
		g.Expect(rev.Status.TokenFingerprint).To(MatchRegexp(`^(hmac-)?sha256:[0-9a-f]{16}$`))
		g.Expect(rev.Spec.Token).To(BeNil())
		g.Expect(rev.Spec.TokenSecretRef).To(Equal(&securityv1alpha1.SecretKeySelector{Name: rev.Name, Key: "token"}))
		expectOwnedSecret(g, c, rev, "token", pluginAccessToken)
	})

	t.Run("refresh-token, from a file, -o name", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, "", append(ns, "refresh-token", "--from-file", writeSecretFile(t, pluginRefreshToken),
			"--name", "leak-refresh", "--reason", "INC-1235", "-o", "name")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(Equal("tokenrevocation.security.esrevoke.io/leak-refresh\n"))
		rev := getRevocation(g, c, pluginNamespace, "leak-refresh")
		g.Expect(rev.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
		g.Expect(*rev.Status.InvalidatedTokens).To(Equal(int64(1)))
		expectOwnedSecret(g, c, rev, "refresh-token", pluginRefreshToken)
	})

	t.Run("a token given as an argument is refused, and nothing is created", func(t *testing.T) {
		g := NewWithT(t)
		before := countObjects(g, c)
		for _, args := range [][]string{{"token", pluginUnknownToken}, {"token", "--token=" + pluginUnknownToken}} {
			res := cli.run(t, "", append(ns, args...)...)
			g.Expect(res.code).To(Equal(1))
			g.Expect(res.errOut).To(ContainSubstring("refusing to take"))
			g.Expect(res.errOut).To(ContainSubstring("--from-file=PATH"))
		}
		g.Expect(countObjects(g, c)).To(Equal(before))
	})

	t.Run("--dry-run=server validates through admission and creates nothing", func(t *testing.T) {
		g := NewWithT(t)
		before := countObjects(g, c)
		res := cli.run(t, pluginDryRunToken, append(ns, "token", "--dry-run=server", "--reason", "INC-dry")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(HavePrefix("Dry run, accepted by the API server, nothing created: token"))
		res = cli.run(t, "", append(ns, "realm", "saml1", "--dry-run=server", "--reason", "INC-dry")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.errOut).To(ContainSubstring("Warning: spec.realmName without spec.username"), "the webhook's warning")
		g.Expect(res.errOut).NotTo(ContainSubstring("Continue?"), "a dry run asks nothing")
		res = cli.run(t, "", append(ns, "user", " ", "--dry-run=server", "--reason", "INC-dry")...)
		g.Expect(res.code).To(Equal(1))
		g.Expect(res.errOut).To(ContainSubstring("username must not be empty or whitespace-only"), "admission refused it")
		g.Expect(countObjects(g, c)).To(Equal(before))
	})

	t.Run("user with --realm, -o json", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, "", append(ns, "user", "carol", "--realm", "default_native", "--reason", "INC-1237", "-o", "json")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		var rev securityv1alpha1.TokenRevocation
		g.Expect(json.Unmarshal([]byte(res.out), &rev)).To(Succeed())
		g.Expect(rev.Kind).To(Equal("TokenRevocation"))
		g.Expect(rev.Name).To(HavePrefix("user-carol-"))
		g.Expect(rev.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
		g.Expect(*rev.Status.InvalidatedTokens).To(Equal(int64(2)), "the access token and its refresh token")
	})

	t.Run("realm: refused without confirmation, Revoked with --yes", func(t *testing.T) {
		g := NewWithT(t)
		before := countObjects(g, c)
		res := cli.run(t, "", append(ns, "realm", "ldap1", "--reason", "INC-1240")...)
		g.Expect(res.code).To(Equal(1))
		g.Expect(res.errOut).To(ContainSubstring(`This logs out every user of realm "ldap1"`))
		g.Expect(res.errOut).To(ContainSubstring("nothing was created"))
		g.Expect(countObjects(g, c)).To(Equal(before))

		res = cli.run(t, "", append(ns, "realm", "ldap1", "--yes", "--reason", "INC-1240")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(HavePrefix(`Revoked: every token of every user of realm "ldap1" on ` + env.ElasticsearchURL + ": 2 invalidated"))
	})

	t.Run("an unknown token: Failed, exit 1; retry: a new revocation of the same spec, Failed too", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, pluginUnknownToken, append(ns, "token", "--name", "leak-unknown", "--reason", "INC-1239")...)
		g.Expect(res.code).To(Equal(1), res.errOut)
		g.Expect(res.out).To(MatchRegexp(`Failed: token (hmac-)?sha256:[0-9a-f]{16} `))
		g.Expect(res.out).To(ContainSubstring("TokenNotFound"))

		res = cli.run(t, "", append(ns, "retry", "leak-unknown", "-o", "yaml")...)
		g.Expect(res.code).To(Equal(1), res.errOut)
		first := getRevocation(g, c, pluginNamespace, "leak-unknown")
		var list securityv1alpha1.TokenRevocationList
		g.Expect(c.List(context.Background(), &list, client.InNamespace(pluginNamespace),
			client.MatchingLabels{"security.esrevoke.io/retry-of": "leak-unknown"})).To(Succeed())
		g.Expect(list.Items).To(HaveLen(1))
		retry := list.Items[0]
		g.Expect(res.out).To(ContainSubstring("name: " + retry.Name))
		g.Expect(retry.Name).To(HavePrefix("leak-unknown-retry-"))
		g.Expect(retry.Spec).To(Equal(first.Spec))
		g.Expect(retry.Status.Phase).To(Equal(securityv1alpha1.PhaseFailed))
		g.Expect(retry.Status.TokenFingerprint).To(Equal(first.Status.TokenFingerprint))
		secret := &corev1.Secret{}
		g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: pluginNamespace, Name: "leak-unknown"}, secret)).To(Succeed())
		g.Expect(secret.OwnerReferences).To(HaveLen(2), "the Secret goes when both revocations are gone")
		g.Expect(secret.OwnerReferences[1].UID).To(Equal(retry.UID))

		res = cli.run(t, "", append(ns, "retry", onlyRevocation(t, c, "token-").Name)...)
		g.Expect(res.code).To(Equal(1))
		g.Expect(res.errOut).To(ContainSubstring("is Revoked: there is nothing to retry"))
	})

	t.Run("a revocation not done within --timeout: exit 2", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, "", append(ns, "user", "carol", "--elasticsearch", "secret/no-such-connection",
			"--timeout", "3s", "--reason", "INC-timeout")...)
		g.Expect(res.code).To(Equal(2), res.errOut)
		g.Expect(res.out).To(HavePrefix(`Not done after 3s, still Pending: every token of user "carol" in every realm on secret/no-such-connection`))
		g.Expect(res.out).To(ContainSubstring("SecretNotFound"))
		g.Expect(res.errOut).To(ContainSubstring("Follow it with: kubectl get tokenrevocation user-carol-"))
	})

	t.Run("list: every namespace, and one", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, "", "-n", "default", "user", "myuser", "--reason", "INC-default")
		g.Expect(res.code).To(Equal(0), res.errOut)

		res = cli.run(t, "", "list")
		g.Expect(res.code).To(Equal(0), res.errOut)
		lines := strings.Split(strings.TrimSpace(res.out), "\n")
		g.Expect(lines[0]).To(MatchRegexp(`^NAMESPACE\s+NAME\s+PHASE\s+REVOKES\s+TARGET\s+INVALIDATED\s+PREVIOUSLY\s+ERRORS\s+AGE\s+REASON$`))
		g.Expect(lines).To(HaveLen(1 + 8 + 1))
		g.Expect(res.out).To(MatchRegexp(`plugin-e2e\s+tokenrevocation/leak-refresh\s+Revoked\s+refresh token (hmac-)?sha256:[0-9a-f]{16}\s+` + env.ElasticsearchURL))
		g.Expect(res.out).To(MatchRegexp(`default\s+tokenrevocation/user-myuser-\w+\s+Revoked\s+every token of user "myuser" in every realm`))
		g.Expect(lines[len(lines)-1]).To(Equal("8 revocations in 2 namespaces: 5 Revoked, 2 Failed, 1 Pending; 8 tokens invalidated"))

		res = cli.run(t, "", "list", "-n", "default")
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(strings.TrimSpace(res.out)).To(HaveSuffix("1 revocation in 1 namespace: 1 Revoked; 2 tokens invalidated"))
	})

	t.Run("no token in the plugin's output or the manager's logs", func(t *testing.T) {
		g := NewWithT(t)
		for _, token := range []string{pluginAccessToken, pluginRefreshToken, pluginCarolToken, pluginDaveToken, pluginUnknownToken, pluginDryRunToken} {
			g.Expect(cli.allOutput()).NotTo(ContainSubstring(token))
			g.Expect(logs.String()).NotTo(ContainSubstring(token))
		}
		g.Expect(logs.String()).NotTo(ContainSubstring(pluginOperatorPassword))
		g.Expect(logs.String()).To(ContainSubstring("INC-1234"), "the manager's logs are searched, and hold the reasons")
	})
}

// onlyRevocation is the one revocation of the plugin's namespace whose name starts with prefix.
func onlyRevocation(t *testing.T, c client.Client, prefix string) *securityv1alpha1.TokenRevocation {
	t.Helper()
	var list securityv1alpha1.TokenRevocationList
	if err := c.List(context.Background(), &list, client.InNamespace(pluginNamespace)); err != nil {
		t.Fatal(err)
	}
	var found []*securityv1alpha1.TokenRevocation
	for i := range list.Items {
		if strings.HasPrefix(list.Items[i].Name, prefix) {
			found = append(found, &list.Items[i])
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d revocations named %s*, want 1", len(found), prefix)
	}
	return found[0]
}

func getRevocation(g Gomega, c client.Client, namespace, name string) *securityv1alpha1.TokenRevocation {
	rev := &securityv1alpha1.TokenRevocation{}
	g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, rev)).To(Succeed())
	return rev
}

// expectOwnedSecret checks the revocation's Secret: it holds the token and is controlled by the
// revocation, so the garbage collector deletes it with the revocation (envtest runs no garbage
// collector: the owner reference is what can be checked here).
func expectOwnedSecret(g Gomega, c client.Client, rev *securityv1alpha1.TokenRevocation, key, token string) {
	secret := &corev1.Secret{}
	g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: rev.Namespace, Name: rev.Name}, secret)).To(Succeed())
	g.Expect(secret.Data[key]).To(Equal([]byte(token)))
	g.Expect(secret.OwnerReferences).To(ConsistOf(metav1.OwnerReference{
		APIVersion: "security.esrevoke.io/v1alpha1", Kind: "TokenRevocation", Name: rev.Name, UID: rev.UID,
		Controller: new(true), BlockOwnerDeletion: new(true),
	}))
}

// countObjects counts the Secrets and TokenRevocations of every namespace.
func countObjects(g Gomega, c client.Client) [2]int {
	return countRevocationObjects(g, c, &securityv1alpha1.TokenRevocationList{})
}

// countAPIKeyObjects counts the Secrets and ApiKeyRevocations of every namespace.
func countAPIKeyObjects(g Gomega, c client.Client) [2]int {
	return countRevocationObjects(g, c, &securityv1alpha1.ApiKeyRevocationList{})
}

// countRevocationObjects counts the Secrets and the revocations of revs's kind of every namespace.
func countRevocationObjects(g Gomega, c client.Client, revs client.ObjectList) [2]int {
	var secrets corev1.SecretList
	g.Expect(c.List(context.Background(), &secrets)).To(Succeed())
	g.Expect(c.List(context.Background(), revs)).To(Succeed())
	return [2]int{len(secrets.Items), meta.LenList(revs)}
}

// The API-key commands of kubectl esrevoke, run by the real kubectl against a real API server with
// the webhook, the manager binary and the emulator: a key created in Elasticsearch, leaked with
// its header, revoked from standard input; the rest of its owner's keys; a Failed revocation
// retried; list showing both kinds; and neither the encoded key nor its secret part printed or logged.
func TestPluginRevokesALeakedAPIKeyAndAUsersKeysAndLeaksNothing(t *testing.T) {
	const namespace = "plugin-api-keys"
	p := startPluginEnv(t, localenv.Options{
		Username: "elastic", Password: pluginOperatorPassword,
		EmulatorArgs: []string{"--user", "myuser:" + apiKeyUserPassword + ":saml1"},
		ManagerArgs:  []string{"--retry-base-delay=100ms"},
	}, namespace)
	env, logs, c, cli, ns := p.env, p.logs, p.c, p.cli, p.ns
	leaked := createAPIKey(t, env.ElasticsearchURL, "ci-pipeline")
	other := createAPIKey(t, env.ElasticsearchURL, "laptop")
	unsupported := createAPIKey(t, env.ElasticsearchURL, "old-cluster")

	t.Run("api-key, from standard input as found in a log: Revoked, exit 0, named by its id", func(t *testing.T) {
		g := NewWithT(t)
		g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, leaked.Encoded)).To(BeTrue())
		res := cli.run(t, "Authorization: ApiKey "+leaked.Encoded+"\n", append(ns, "api-key", "--reason", "INC-1240: API key in a CI log")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		rev := &securityv1alpha1.ApiKeyRevocation{}
		var list securityv1alpha1.ApiKeyRevocationList
		g.Expect(c.List(context.Background(), &list, client.InNamespace(namespace))).To(Succeed())
		g.Expect(list.Items).To(HaveLen(1))
		*rev = list.Items[0]
		g.Expect(rev.Name).To(HavePrefix("api-key-"))
		g.Expect(rev.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
		g.Expect(rev.Status.EncodedKeyId).To(Equal(leaked.ID))
		g.Expect(res.out).To(Equal("Revoked: API key " + leaked.ID + " on " + env.ElasticsearchURL +
			": 1 invalidated, 0 already invalid, 0 errors (apikeyrevocation/" + rev.Name + " in namespace " + namespace +
			`, reason "INC-1240: API key in a CI log")` + "\n"))
		g.Expect(rev.Spec.EncodedKeySecretRef).To(Equal(&securityv1alpha1.SecretKeySelector{Name: rev.Name, Key: "api-key"}))

		secret := &corev1.Secret{}
		g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: rev.Name}, secret)).To(Succeed())
		g.Expect(secret.Data["api-key"]).To(Equal([]byte("Authorization: ApiKey "+leaked.Encoded)), "kept as given, trimmed")
		g.Expect(secret.OwnerReferences).To(ConsistOf(metav1.OwnerReference{
			APIVersion: "security.esrevoke.io/v1alpha1", Kind: "ApiKeyRevocation", Name: rev.Name, UID: rev.UID,
			Controller: new(true), BlockOwnerDeletion: new(true),
		}))

		g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, leaked.Encoded)).To(BeFalse(), "the leaked key")
		g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, other.Encoded)).To(BeTrue(), "only the leaked key")
	})

	t.Run("an API key given as an argument is refused, and nothing is created", func(t *testing.T) {
		g := NewWithT(t)
		before := countAPIKeyObjects(g, c)
		for _, args := range [][]string{{"api-key", other.Encoded}, {"api-key", "--api-key=" + other.Encoded}, {"api-keys", other.Encoded},
			{"api-keys", "--ids", other.ID + ":" + other.APIKey}} {
			res := cli.run(t, "", append(ns, args...)...)
			g.Expect(res.code).To(Equal(1))
			g.Expect(res.errOut).To(ContainSubstring("--from-file=PATH"))
			g.Expect(res.errOut).To(ContainSubstring("kubectl esrevoke api-key"))
		}
		g.Expect(countAPIKeyObjects(g, c)).To(Equal(before))
		g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, other.Encoded)).To(BeTrue())
	})

	t.Run("a value that holds no API key is refused at once, and nothing is created", func(t *testing.T) {
		g := NewWithT(t)
		before := countAPIKeyObjects(g, c)
		garbled := strings.TrimRight(other.Encoded, "=") + "!"
		res := cli.run(t, "Authorization: ApiKey "+garbled+"\n", append(ns, "api-key", "--reason", "INC-garbled")...)
		g.Expect(res.code).To(Equal(1))
		g.Expect(res.errOut).To(ContainSubstring("standard input holds no API key the operator can read"))
		g.Expect(res.errOut).To(ContainSubstring("nothing was created"))
		g.Expect(res.errOut).NotTo(ContainSubstring(garbled))
		g.Expect(countAPIKeyObjects(g, c)).To(Equal(before))
	})

	t.Run("--dry-run=server validates a key's revocation through admission and creates nothing", func(t *testing.T) {
		g := NewWithT(t)
		before := countAPIKeyObjects(g, c)
		res := cli.run(t, other.Encoded, append(ns, "api-key", "--dry-run=server", "--reason", "INC-dry")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(HavePrefix("Dry run, accepted by the API server, nothing created: API key (id not recorded yet)"))
		res = cli.run(t, "", append(ns, "api-keys", "--user", "myuser", "--dry-run=server", "--reason", "INC-dry")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.errOut).To(ContainSubstring("Warning: spec.username without spec.realmName"), "the webhook's warning")
		g.Expect(countAPIKeyObjects(g, c)).To(Equal(before))
		g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, other.Encoded)).To(BeTrue())
	})

	t.Run("on a cluster too old for API keys: Failed, exit 1; retry akrev/NAME: Failed too", func(t *testing.T) {
		g := NewWithT(t)
		_, err := env.Kubectl("create", "secret", "generic", "old-es", "-n", namespace, "--from-literal=url="+env.ElasticsearchURL,
			"--from-literal=username=elastic", "--from-literal=password="+pluginOperatorPassword, "--from-literal=version=6.0.0")
		g.Expect(err).NotTo(HaveOccurred())
		res := cli.run(t, "", append(ns, "api-key", "--from-file", writeSecretFile(t, unsupported.Encoded), "--name", "old-key",
			"--elasticsearch", "secret/old-es", "--reason", "INC-1242")...)
		g.Expect(res.code).To(Equal(1), res.errOut)
		g.Expect(res.out).To(HavePrefix("Failed: API key "))
		g.Expect(res.out).To(ContainSubstring("UnsupportedByElasticsearch"))
		g.Expect(res.errOut).To(ContainSubstring("See why with: kubectl describe apikeyrevocation old-key -n " + namespace))

		res = cli.run(t, "", append(ns, "retry", "akrev/old-key", "-o", "name")...)
		g.Expect(res.code).To(Equal(1), res.errOut)
		var list securityv1alpha1.ApiKeyRevocationList
		g.Expect(c.List(context.Background(), &list, client.InNamespace(namespace),
			client.MatchingLabels{"security.esrevoke.io/retry-of": "old-key"})).To(Succeed())
		g.Expect(list.Items).To(HaveLen(1))
		retry := list.Items[0]
		g.Expect(res.out).To(Equal("apikeyrevocation.security.esrevoke.io/" + retry.Name + "\n"))
		g.Expect(retry.Status.Phase).To(Equal(securityv1alpha1.PhaseFailed))
		secret := &corev1.Secret{}
		g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: "old-key"}, secret)).To(Succeed())
		g.Expect(secret.OwnerReferences).To(HaveLen(2), "the Secret goes when both revocations are gone")
		g.Expect(secret.OwnerReferences[1].UID).To(Equal(retry.UID))
		g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, unsupported.Encoded)).To(BeTrue(), "nothing was sent")
	})

	t.Run("api-keys --user --realm: the rest of the compromised account's keys", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, "", append(ns, "api-keys", "--user", "myuser", "--realm", "saml1", "--reason", "INC-1237")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(MatchRegexp(`^Revoked: every API key of user "myuser" in realm "saml1" on ` + env.ElasticsearchURL +
			`: 2 invalidated, 0 already invalid, 0 errors \(apikeyrevocation/api-keys-user-myuser-\w+ in namespace ` + namespace + `, reason "INC-1237"\)\n$`))
		g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, other.Encoded)).To(BeFalse())
		g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, unsupported.Encoded)).To(BeFalse())
	})

	t.Run("list shows ApiKeyRevocations beside TokenRevocations", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, "", "-n", "default", "user", "myuser", "--reason", "INC-tokens")
		g.Expect(res.code).To(Equal(0), res.errOut)
		res = cli.run(t, "", "list")
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(MatchRegexp(namespace + `\s+apikeyrevocation/api-key-\w+\s+Revoked\s+API key ` + leaked.ID + `\s+` + env.ElasticsearchURL + `\s+1\s+0\s+0\s`))
		g.Expect(res.out).To(MatchRegexp(namespace + `\s+apikeyrevocation/old-key\s+Failed\s+API key ` + unsupported.ID + `\s`))
		g.Expect(res.out).To(MatchRegexp(`default\s+tokenrevocation/user-myuser-\w+\s+Revoked\s+every token of user "myuser" in every realm`))
		lines := strings.Split(strings.TrimSpace(res.out), "\n")
		g.Expect(lines).To(HaveLen(1 + 5 + 1))
		g.Expect(lines[len(lines)-1]).To(Equal("5 revocations in 2 namespaces: 3 Revoked, 2 Failed; 0 tokens and 3 API keys invalidated"))
	})

	t.Run("neither the encoded keys nor their secret parts in the plugin's output or the manager's logs", func(t *testing.T) {
		g := NewWithT(t)
		for _, key := range []createdAPIKey{leaked, other, unsupported} {
			for what, value := range map[string]string{"encoded key": key.Encoded, "secret part": key.APIKey} {
				g.Expect(strings.Contains(cli.allOutput(), value)).To(BeFalse(), "the plugin printed the %s of %s", what, key.ID)
				g.Expect(strings.Contains(logs.String(), value)).To(BeFalse(), "the manager logged the %s of %s", what, key.ID)
			}
		}
		g.Expect(logs.String()).NotTo(ContainSubstring(pluginOperatorPassword))
		g.Expect(logs.String()).To(ContainSubstring(leaked.ID), "the manager's logs are searched, and name the key by its id")
	})
}
