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
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// The samples applied with kubectl, as a responder would, to the manager binary in front of the
// emulator command playing older generations of Elasticsearch, whose version the operator learns.
func TestTheSamplesAppliedWithKubectlEndAsEachGenerationAllows(t *testing.T) {
	unsupportedBefore67 := map[string]string{
		"revoke-user-myuser": securityv1alpha1.ReasonUnsupportedByElasticsearch, "revoke-realm-saml1": securityv1alpha1.ReasonUnsupportedByElasticsearch,
		"revoke-user-myuser-in-saml1": securityv1alpha1.ReasonUnsupportedByElasticsearch,
	}
	generations := []struct {
		version     string
		failed      map[string]string // revocation name -> Ready reason; every other sample is Revoked
		invalidated int64             // over every sample
	}{
		{version: "6.5.4", failed: unsupportedBefore67, invalidated: 2},
		{version: "6.8.23", invalidated: 4},
		{version: "7.6.2", invalidated: 4},
	}
	for _, gen := range generations {
		t.Run("Elasticsearch "+gen.version, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			env, logs := startLocalEnv(t, localenv.Options{
				Username: "elastic", Password: operatorPassword,
				EmulatorArgs: []string{"--version", gen.version, "--user", "myuser:myuser-password:saml1",
					"--import-token", "myuser:" + seedToken + ":", "--import-token", "myuser::" + seedRefreshToken},
			})
			out, err := env.Kubectl("apply", "-n", "default", "-k", filepath.Join("..", "..", "config", "samples"))
			g.Expect(err).NotTo(HaveOccurred(), out)
			_, err = env.Kubectl("wait", "-n", "default", "--for=jsonpath={.status.completionTime}", "tokenrevocation",
				"--all", "--timeout=90s")
			g.Expect(err).NotTo(HaveOccurred(), "manager output:\n%s", logs)

			var list securityv1alpha1.TokenRevocationList
			g.Expect(kubeClient(t, env).List(context.Background(), &list, client.InNamespace("default"))).To(Succeed())
			g.Expect(list.Items).To(HaveLen(5))
			var invalidated int64
			for _, rev := range list.Items {
				want, failed := gen.failed[rev.Name]
				if !failed {
					want = securityv1alpha1.ReasonRevoked
				}
				g.Expect(readyCondition(&rev).Reason).To(Equal(want), rev.Name)
				g.Expect(rev.Status.Attempts).To(BeEquivalentTo(1), "%s: never retried for its version", rev.Name)
				g.Expect(rev.Status.ElasticsearchVersion).NotTo(BeEmpty(), rev.Name)
				invalidated += ptr.Deref(rev.Status.InvalidatedTokens, 0)
			}
			g.Expect(invalidated).To(Equal(gen.invalidated), "each half of the documentation's tokens invalidated once")
			g.Expect(strings.Contains(logs.String(), seedToken)).To(BeFalse(), "the token appears in the output")
		})
	}
}

// A shape's outcome on a generation: phase and Ready reason, counters, and the calls it cost.
type genOutcome struct {
	phase                   securityv1alpha1.Phase
	reason                  string
	invalidated, previously int64
	calls                   int64
}

func revokedWith(invalidated, previously int64) genOutcome {
	return genOutcome{securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked, invalidated, previously, 1}
}

// costs is o costing n calls.
func (o genOutcome) costs(n int64) genOutcome { o.calls = n; return o }

var (
	unsupportedHere = genOutcome{phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonUnsupportedByElasticsearch}
	notFoundHere    = genOutcome{phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonTokenNotFound, calls: 1}
)

// genExpectation is what each of genShapes ends with on a generation, and the version learned at the end.
type genExpectation struct {
	outcomes []genOutcome
	learned  string
}

// genShape is one of the documentation's request shapes (a sample of config/samples, or the demo's
// unknown token), applied in this order; relogin mints myuser a fresh token pair first.
type genShape struct {
	name, file string
	relogin    bool
}

var genShapes = []genShape{
	{name: "token", file: "config/samples/security_v1alpha1_tokenrevocation_token.yaml"},
	{name: "token-again", file: "config/samples/security_v1alpha1_tokenrevocation_token.yaml"},
	{name: "refresh", file: "config/samples/security_v1alpha1_tokenrevocation_refresh-token.yaml"},
	{name: "user", file: "config/samples/security_v1alpha1_tokenrevocation_user.yaml"},
	{name: "realm-user", file: "config/samples/security_v1alpha1_tokenrevocation_realm-user.yaml", relogin: true},
	{name: "realm", file: "config/samples/security_v1alpha1_tokenrevocation_realm.yaml", relogin: true},
	{name: "unknown", file: "hack/demo/unknown-token.yaml"},
}

// The documentation's request shapes, applied with kubectl one after the other, against each
// generation of issue 11's matrix, all at once: one manager, and per generation an emulator this test
// serves (to count its calls exactly) behind its own connection Secret with no version key, so the
// manager learns eight clusters' versions side by side. myuser (realm saml1) holds the two
// documentation tokens, each with its other half, as in the demo.
func TestEveryShapeOnEveryGenerationEndsExactlyAsThatVersionAllowsAndCostsItsCalls(t *testing.T) {
	// 6.0–6.6 cost a second call until their version is learned ("no handler found" on /_security,
	// then /_xpack; the emulator routes /_security from 6.7, its doc.go's note 1); realm and user need 6.7, so they are refused before any call.
	sixOld := func(again, refresh genOutcome, learned string) genExpectation {
		return genExpectation{learned: learned, outcomes: []genOutcome{revokedWith(1, 0).costs(2), again, refresh,
			unsupportedHere, unsupportedHere, unsupportedHere, notFoundHere}}
	}
	// 6.7 and later: user revokes the two documents' live halves and counts the two halves revoked
	// before; realm-user and realm each revoke a fresh pair.
	counters := func(learned string) genExpectation {
		return genExpectation{learned: learned, outcomes: []genOutcome{revokedWith(1, 0), revokedWith(0, 1), revokedWith(1, 0),
			revokedWith(2, 2), revokedWith(2, 0), revokedWith(2, 0), notFoundHere}}
	}
	generations := []struct {
		version string
		want    genExpectation
	}{
		// 6.0–6.1: created: false for a token already invalid; refresh_token refused by the parser.
		{"6.1.4", sixOld(revokedWith(0, 1), unsupportedHere.costs(1), "6.0–6.1")},
		// 6.2–6.6: created: true even for a token already invalid (elastic/elasticsearch#35115).
		{"6.5.4", sixOld(revokedWith(1, 0), revokedWith(1, 0), "6.0–6.6")},
		{"6.8.23", counters("6.7–6.8")},
		// An unknown token's 401 "token malformed" narrows 7.0–7.13 to 7.0–7.7.
		{"7.6.2", counters("7.0–7.7")},
		{"7.10.2", counters("7.0–7.13")},
		{"7.17.29", counters("7.14+")},
		{"8.19.7", counters("7.14+")},
		{"9.1.0", counters("7.14+")},
	}
	emulators := map[string]*esemulator.Emulator{}
	urls := map[string]string{}
	for _, gen := range generations {
		em := esemulator.New(esemulator.WithVersion(gen.version))
		em.AddUser("elastic", operatorPassword, "")
		em.AddUser("myuser", "myuser-password-generations", "saml1")
		for _, pair := range []esemulator.TokenPair{{AccessToken: seedToken}, {RefreshToken: seedRefreshToken}} {
			if _, err := em.ImportPasswordToken("myuser", pair); err != nil {
				t.Fatal(err)
			}
		}
		server := httptest.NewServer(em)
		t.Cleanup(server.Close)
		emulators[gen.version], urls[gen.version] = em, server.URL
	}
	env, logs := startLocalEnv(t, localenv.Options{
		ElasticsearchURL: urls["9.1.0"], Username: "elastic", Password: operatorPassword,
	})
	c := kubeClient(t, env)

	for _, gen := range generations {
		t.Run("Elasticsearch "+gen.version, func(t *testing.T) {
			t.Parallel()
			em, prefix := emulators[gen.version], "gen-"+strings.ReplaceAll(gen.version, ".", "-")
			connection := secretObject(prefix, map[string]string{"url": urls[gen.version], "username": "elastic", "password": operatorPassword})
			kubectlApply(t, env, connection)
			var last string
			for i, shape := range genShapes {
				g, want := NewWithT(t), gen.want.outcomes[i]
				rev := sampleRevocation(t, shape.file)
				rev.Name, rev.Spec.ElasticsearchRef = prefix+"-"+shape.name, &securityv1alpha1.ElasticsearchRef{SecretName: &connection.Name}
				if shape.relogin {
					_, err := em.MintPasswordToken("myuser")
					g.Expect(err).NotTo(HaveOccurred())
				}
				before := em.Requests()
				kubectlApply(t, env, rev)
				got := waitForCompletion(t, c, rev.Name)
				g.Expect(got.Status.Phase).To(Equal(want.phase), shape.name)
				g.Expect(readyCondition(got).Reason).To(Equal(want.reason), "%s: %s", shape.name, readyCondition(got).Message)
				g.Expect(got.Status.Attempts).To(BeEquivalentTo(1), "%s: never retried for its version", shape.name)
				g.Expect(ptr.Deref(got.Status.InvalidatedTokens, 0)).To(Equal(want.invalidated), shape.name)
				g.Expect(ptr.Deref(got.Status.PreviouslyInvalidatedTokens, 0)).To(Equal(want.previously), shape.name)
				g.Expect(em.Requests()-before).To(Equal(want.calls), "%s: calls", shape.name)
				if want.reason == securityv1alpha1.ReasonUnsupportedByElasticsearch {
					g.Expect(readyCondition(got).Message).To(MatchRegexp(`needs Elasticsearch 6\.[27] or later`), shape.name)
				}
				last = rev.Name
			}
			out, err := env.Kubectl("get", "tokenrevocation", last, "-n", "default", "-o", "wide")
			NewWithT(t).Expect(err).NotTo(HaveOccurred())
			NewWithT(t).Expect(out).To(And(ContainSubstring("VERSION"), ContainSubstring(gen.want.learned)), "the version learned, in -o wide")
		})
	}
	// The parallel subtests run once this function has returned: look at the output after them.
	t.Cleanup(func() {
		NewWithT(t).Expect(logs.String()).NotTo(ContainSubstring(seedToken), "the token appears in the output")
	})
}

// sampleRevocation reads a TokenRevocation from a YAML file of the repository, for namespace default.
func sampleRevocation(t *testing.T, file string) *securityv1alpha1.TokenRevocation {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", file))
	if err != nil {
		t.Fatal(err)
	}
	rev := &securityv1alpha1.TokenRevocation{}
	if err := yaml.Unmarshal(data, rev); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	rev.Namespace = "default"
	return rev
}

// waitForCompletion waits until the TokenRevocation (in namespace default) is finished, and returns it.
func waitForCompletion(t *testing.T, c client.Client, name string) *securityv1alpha1.TokenRevocation {
	t.Helper()
	rev := &securityv1alpha1.TokenRevocation{}
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: name}, rev)).To(Succeed())
		g.Expect(rev.Status.CompletionTime).NotTo(BeNil())
	}).WithTimeout(time.Minute).WithPolling(100 * time.Millisecond).Should(Succeed())
	return rev
}
