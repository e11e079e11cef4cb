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
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

const (
	apiKeyUserPassword     = "e2e-myuser-password-71c0d2"
	apiKeyOperatorPassword = "e2e-operator-password-0a9f3b"
)

// createdAPIKey is what Elasticsearch answers a create API key request with.
type createdAPIKey struct {
	ID      string `json:"id"`
	APIKey  string `json:"api_key"`
	Encoded string `json:"encoded"`
}

// createAPIKey creates an API key as myuser would, through Elasticsearch's API.
func createAPIKey(t *testing.T, esURL, name string) createdAPIKey {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, esURL+"/_security/api_key",
		strings.NewReader(fmt.Sprintf(`{"name":%q}`, name)))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("myuser", apiKeyUserPassword)
	req.Header.Set("Content-Type", "application/json")
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	var key createdAPIKey
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &key) != nil || key.Encoded == "" {
		t.Fatalf("creating an API key: Elasticsearch answered %s", res.Status)
	}
	return key
}

// apiKeyAuthenticates tells whether Elasticsearch accepts an encoded API key.
func apiKeyAuthenticates(g Gomega, esURL, encoded string) bool {
	req, err := http.NewRequest(http.MethodGet, esURL+"/_security/_authenticate", nil)
	g.Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", "ApiKey "+encoded)
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	_ = res.Body.Close()
	g.Expect(res.StatusCode).To(BeElementOf(http.StatusOK, http.StatusUnauthorized))
	return res.StatusCode == http.StatusOK
}

// A responder's runbook for a leaked API key and a compromised account, with kubectl and the
// samples as shipped: the leaked key (as found in a log, with its header) goes into a Secret, the
// samples are applied, kubectl waits for both; then the keys no longer authenticate, and no log
// line, event or object holds the key.
func TestALeakedAPIKeyAndACompromisedUsersKeysAreRevokedWithKubectlLeavingNoTrace(t *testing.T) {
	g := NewWithT(t)
	env, logs := startLocalEnv(t, localenv.Options{
		Username: "elastic", Password: apiKeyOperatorPassword,
		EmulatorArgs: []string{"--user", "myuser:" + apiKeyUserPassword + ":saml1"},
		ManagerArgs:  []string{"--retry-base-delay=100ms"},
	})
	leaked := createAPIKey(t, env.ElasticsearchURL, "ci-pipeline")
	other := createAPIKey(t, env.ElasticsearchURL, "laptop")
	g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, leaked.Encoded)).To(BeTrue())

	found := filepath.Join(t.TempDir(), "leaked.txt")
	g.Expect(os.WriteFile(found, []byte("Authorization: ApiKey "+leaked.Encoded+"\n"), 0o600)).To(Succeed())
	_, err := env.Kubectl("create", "secret", "generic", "leaked-api-key", "-n", "default", "--from-file=encoded="+found)
	g.Expect(err).NotTo(HaveOccurred())
	samples := filepath.Join("..", "..", "config", "samples")
	// The leaked key first, then every key of its owner: one key each.
	for _, step := range []struct{ sample, name string }{
		{"encoded-key", "revoke-leaked-api-key"}, {"user", "revoke-api-keys-of-myuser"}} {
		out, err := env.Kubectl("apply", "-n", "default", "-f", filepath.Join(samples, "security_v1alpha1_apikeyrevocation_"+step.sample+".yaml"))
		g.Expect(err).NotTo(HaveOccurred(), out)
		out, err = env.Kubectl("wait", "-n", "default", "--for=condition=Ready", "akrev/"+step.name, "--timeout=60s")
		g.Expect(err).NotTo(HaveOccurred(), "%s\nmanager output:\n%s", out, logs)
	}

	g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, leaked.Encoded)).To(BeFalse(), "the leaked key")
	g.Expect(apiKeyAuthenticates(g, env.ElasticsearchURL, other.Encoded)).To(BeFalse(), "the compromised user's other key")

	table, err := env.Kubectl("get", "akrev", "-n", "default", "-o", "wide")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(table).To(MatchRegexp(`(?m)^revoke-leaked-api-key\s+Revoked\s+1\s+0\s+0\s+Revoked\s+\S+\s+` + leaked.ID + `\s`))
	g.Expect(table).To(MatchRegexp(`(?m)^revoke-api-keys-of-myuser\s+Revoked\s+1\s+0\s+0\s+Revoked\s`),
		"the user's other key; the leaked one was already invalid, and Elasticsearch no longer matches it")

	objects, err := env.Kubectl("get", "akrev", "-n", "default", "-o", "yaml")
	g.Expect(err).NotTo(HaveOccurred())
	described, err := env.Kubectl("describe", "akrev", "-n", "default")
	g.Expect(err).NotTo(HaveOccurred())
	events, err := env.Kubectl("get", "events", "-n", "default", "-o", "yaml")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(logs.String()).To(ContainSubstring(leaked.ID), "the audit log names the key by its id")
	for what, corpus := range map[string]string{"the logs": logs.String(), "kubectl get -o yaml": objects,
		"kubectl describe": described, "the events": events, "kubectl get -o wide": table} {
		for name, value := range map[string]string{"the leaked key's secret": leaked.APIKey, "the leaked encoded key": leaked.Encoded,
			"the other key's secret": other.APIKey, "the other encoded key": other.Encoded, "the user's password": apiKeyUserPassword,
			"the operator's password": apiKeyOperatorPassword} {
			g.Expect(strings.Contains(corpus, value)).To(BeFalse(), "%s contains %s", what, name)
		}
	}
}
