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

package cluster

import (
	"crypto/rand"
	"encoding/hex"
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
)

// emulatorNamespace holds the emulator's pod and Service.
const emulatorNamespace = "esrevoke-e2e-es"

// emulatorClient talks to the emulator pod from the host, through its Service's ClusterIP.
type emulatorClient struct {
	// url is what the manager calls too: http://CLUSTER-IP:9200 (pods have no cluster DNS here).
	url            string
	user, password string
	http           *http.Client
}

// installEmulator starts the emulator as a pod of its own image and waits until its Service answers.
func (h *harness) installEmulator(t *testing.T) {
	t.Helper()
	manifest, err := os.ReadFile(filepath.Join("testdata", "emulator.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	h.es = &emulatorClient{user: "elastic", password: randomHex(t), http: &http.Client{Timeout: 10 * time.Second}}
	rendered := strings.ReplaceAll(string(manifest), "IMAGE", h.emulatorImage)
	if _, stderr, err := h.kubectl(rendered, "apply", "-f", "-"); err != nil {
		t.Fatalf("applying the emulator: %v: %s", err, stderr)
	}
	if _, stderr, err := h.kubectl("", "-n", emulatorNamespace, "create", "secret", "generic", "emulator-user",
		"--from-literal=user="+h.es.user+":"+h.es.password); err != nil {
		t.Fatalf("creating the emulator's Secret: %v: %s", err, stderr)
	}
	h.mustKubectl(t, "-n", emulatorNamespace, "rollout", "status", "deployment/emulator", "--timeout=3m")
	h.es.url = "http://" + h.serviceIP(t, emulatorNamespace, "emulator") + ":9200"
	// kube-proxy routes a Service about a second after its endpoint is ready.
	NewWithT(t).Eventually(func() error { _, err := h.es.callsErr(); return err }).
		WithTimeout(time.Minute).WithPolling(500 * time.Millisecond).Should(Succeed())
}

// randomHex is a random secret for this run.
func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// calls is the number of invalidate calls the emulator received so far.
func (e *emulatorClient) calls(t *testing.T) int64 {
	t.Helper()
	n, err := e.callsErr()
	if err != nil {
		t.Fatalf("reading the emulator's call count: %v", err)
	}
	return n
}

func (e *emulatorClient) callsErr() (int64, error) {
	resp, err := e.http.Get(e.url + "/_emulator/calls")
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	var calls struct {
		Invalidate int64 `json:"invalidate"`
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET /_emulator/calls: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&calls); err != nil {
		return 0, err
	}
	return calls.Invalidate, nil
}

// mintToken gets a new access token from the emulator (Elasticsearch's get-token API, password grant).
func (e *emulatorClient) mintToken(t *testing.T) string {
	t.Helper()
	body := fmt.Sprintf(`{"grant_type":"password","username":%q,"password":%q}`, e.user, e.password)
	req, err := http.NewRequest(http.MethodPost, e.url+"/_security/oauth2/token", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(e.user, e.password)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.http.Do(req)
	if err != nil {
		t.Fatalf("getting a token: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		t.Fatalf("getting a token: %s: %s", resp.Status, msg)
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("getting a token: no access_token in the answer (%v)", err)
	}
	return tok.AccessToken
}

// tokenActive says whether the emulator still accepts the access token (GET /_security/_authenticate
// with it as a Bearer token: 200 while valid, 401 once invalidated).
func (e *emulatorClient) tokenActive(t *testing.T, token string) bool {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.url+"/_security/_authenticate", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.http.Do(req)
	if err != nil {
		t.Fatalf("authenticating with a token: %v", err)
	}
	_ = resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return true
	case http.StatusUnauthorized:
		return false
	}
	t.Fatalf("authenticating with a token: unexpected %s", resp.Status)
	return false
}
