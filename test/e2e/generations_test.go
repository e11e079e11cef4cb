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
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
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
