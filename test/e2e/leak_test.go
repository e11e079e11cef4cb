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
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// Credentials of the leak test: distinctive, so that any copy of them is found.
const (
	leakOperatorPassword = "leak-operator-password-3f9a7c"
	leakUserPassword     = "leak-myuser-password-8e21d4"
	leakViewerPassword   = "leak-viewer-password-5b60aa"
	leakWrongPassword    = "leak-wrong-password-c47e19"
	leakAPIKeyID         = "leak-key-id"
	leakAPIKeySecret     = "leak-api-key-secret-91d2e6"
	leakUnknownToken     = "bGVhay11bmtub3duLXRva2VuLW5ldmVyLWlzc3VlZC1ieS10aGlzLWNsdXN0ZXI="
)

// A whole run of the operator, with revocations that succeed and fail in each way, then every log
// line of the manager and the emulator, every event, and every TokenRevocation (status and all:
// tokens are only given through Secrets here) searched for every secret involved, as given and as
// it travels on the wire (HTTP Basic credentials, the encoded API key).
func TestNoSecretAppearsInLogsEventsOrTokenRevocationsOfAWholeRun(t *testing.T) {
	g := NewWithT(t)
	env, logs := startLocalEnv(t, localenv.Options{
		Username: "elastic", Password: leakOperatorPassword,
		EmulatorArgs: []string{"--user", "myuser:" + leakUserPassword + ":saml1",
			"--api-key", leakAPIKeyID + ":" + leakAPIKeySecret, "--unprivileged-user", "viewer:" + leakViewerPassword},
		ManagerArgs: []string{"--retry-base-delay=100ms", "--retry-max-delay=500ms"},
	})
	c := kubeClient(t, env)
	viaDefault, viaAPIKey := loginAsMyuser(t, env.ElasticsearchURL), loginAsMyuser(t, env.ElasticsearchURL)
	viaWrongPassword, viaViewer := loginAsMyuser(t, env.ElasticsearchURL), loginAsMyuser(t, env.ElasticsearchURL)
	encodedAPIKey := base64.StdEncoding.EncodeToString([]byte(leakAPIKeyID + ":" + leakAPIKeySecret))

	tokenSecret := func(name, token string) *corev1.Secret {
		return secretObject(name, map[string]string{"token": token})
	}
	connection := func(name string, data map[string]string) *corev1.Secret {
		data["url"] = env.ElasticsearchURL
		return secretObject(name, data)
	}
	ref := func(secretName string) *securityv1alpha1.ElasticsearchRef {
		return &securityv1alpha1.ElasticsearchRef{SecretName: &secretName}
	}
	fromSecret := func(name string) *securityv1alpha1.SecretKeySelector {
		return &securityv1alpha1.SecretKeySelector{Name: name, Key: "token"}
	}
	kubectlApply(t, env,
		tokenSecret("access", viaDefault.AccessToken),
		tokenSecret("refresh", viaAPIKey.RefreshToken),
		tokenSecret("unknown", leakUnknownToken),
		tokenSecret("access-wrong-password", viaWrongPassword.AccessToken),
		tokenSecret("access-viewer", viaViewer.AccessToken),
		connection("es-api-key", map[string]string{"api-key": encodedAPIKey}),
		connection("es-wrong-password", map[string]string{"username": "elastic", "password": leakWrongPassword}),
		connection("es-viewer", map[string]string{"username": "viewer", "password": leakViewerPassword}),
		revocation("leak-revoked", securityv1alpha1.TokenRevocationSpec{TokenSecretRef: fromSecret("access"), Reason: new("INC-leak-1")}),
		revocation("leak-revoked-with-api-key", securityv1alpha1.TokenRevocationSpec{
			RefreshTokenSecretRef: &securityv1alpha1.SecretKeySelector{Name: "refresh", Key: "token"}, ElasticsearchRef: ref("es-api-key")}),
		revocation("leak-unknown-404", securityv1alpha1.TokenRevocationSpec{TokenSecretRef: fromSecret("unknown")}),
		revocation("leak-wrong-password-401", securityv1alpha1.TokenRevocationSpec{
			TokenSecretRef: fromSecret("access-wrong-password"), ElasticsearchRef: ref("es-wrong-password")}),
		revocation("leak-unprivileged-403", securityv1alpha1.TokenRevocationSpec{
			TokenSecretRef: fromSecret("access-viewer"), ElasticsearchRef: ref("es-viewer")}),
	)
	revocations := waitForPhases(t, c, time.Minute, map[string]expectedPhase{
		"leak-revoked":              revokedPhase,
		"leak-revoked-with-api-key": revokedPhase,
		"leak-unknown-404":          {securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonTokenNotFound},
		"leak-wrong-password-401":   {securityv1alpha1.PhaseRevoking, securityv1alpha1.ReasonUnauthorized},
		"leak-unprivileged-403":     {securityv1alpha1.PhaseRevoking, securityv1alpha1.ReasonForbidden},
	})
	// Let the failing ones retry a few times, so that their messages are logged again and again.
	g.Eventually(func(g Gomega) {
		rev := &securityv1alpha1.TokenRevocation{}
		g.Expect(c.Get(t.Context(), client.ObjectKey{Namespace: "default", Name: "leak-wrong-password-401"}, rev)).To(Succeed())
		g.Expect(rev.Status.Attempts).To(BeNumerically(">=", 3))
	}).WithTimeout(30 * time.Second).Should(Succeed())

	secrets := map[string]string{
		"an access token":                              viaDefault.AccessToken,
		"its refresh token":                            viaDefault.RefreshToken,
		"a refresh token":                              viaAPIKey.RefreshToken,
		"an access token sent with a wrong password":   viaWrongPassword.AccessToken,
		"an access token sent by an unprivileged user": viaViewer.AccessToken,
		"an unknown token":                             leakUnknownToken,
		"the operator's password":                      leakOperatorPassword,
		"the operator's Basic credentials":             basicCredentials("elastic", leakOperatorPassword),
		"a user's password":                            leakUserPassword,
		"the unprivileged user's password":             leakViewerPassword,
		"the unprivileged user's Basic credentials":    basicCredentials("viewer", leakViewerPassword),
		"a wrong password":                             leakWrongPassword,
		"the wrong Basic credentials":                  basicCredentials("elastic", leakWrongPassword),
		"an API key's secret":                          leakAPIKeySecret,
		"an encoded API key":                           encodedAPIKey,
	}
	events, err := env.Kubectl("get", "events", "-A", "-o", "yaml")
	g.Expect(err).NotTo(HaveOccurred())
	tokenRevocations, err := env.Kubectl("get", "tokenrevocations", "-A", "-o", "yaml")
	g.Expect(err).NotTo(HaveOccurred())
	// The failing revocations keep retrying, and while a call is in flight their message says so
	// instead of naming the last answer: describe them again until both answers show.
	var described string
	g.Eventually(func(g Gomega) {
		described, err = env.Kubectl("describe", "tokenrevocations", "-A")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(described).To(ContainSubstring("unable to authenticate user [elastic]"))
		g.Expect(described).To(ContainSubstring("manage_token"))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	corpora := map[string]string{
		"the managers' and the emulator's output": logs.String(),
		"kubectl get events -o yaml":              events,
		"kubectl get tokenrevocations -o yaml":    tokenRevocations,
		"kubectl describe tokenrevocations":       described,
	}

	// The corpora hold what was searched for: every outcome, and the tokens by their fingerprints.
	for _, reason := range []string{"Revoked", "TokenNotFound", "Unauthorized", "Forbidden", "RevocationFailed", "Retrying"} {
		g.Expect(events).To(ContainSubstring(reason))
	}
	for name, rev := range revocations {
		g.Expect(logs.String()).To(ContainSubstring(rev.Status.TokenFingerprint), "the logs name %s's token by its fingerprint", name)
		g.Expect(tokenRevocations).To(ContainSubstring(rev.Status.TokenFingerprint))
	}
	g.Expect(logs.String()).To(ContainSubstring("es-emulator (TEST TOOL)"), "the emulator's output is searched too")

	for what, corpus := range corpora {
		for secretName, value := range secrets {
			g.Expect(strings.Contains(corpus, value)).To(BeFalse(), "%s contains %s", what, secretName)
		}
	}
}

// grantedTokens is what the password grant answers.
type grantedTokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// loginAsMyuser gets a token pair for myuser with the password grant, as a user's session would.
func loginAsMyuser(t *testing.T, esURL string) grantedTokens {
	t.Helper()
	body := fmt.Sprintf(`{"grant_type":"password","username":"myuser","password":%q}`, leakUserPassword)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, esURL+"/_security/oauth2/token", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("elastic", leakOperatorPassword)
	req.Header.Set("Content-Type", "application/json")
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	answer, _ := io.ReadAll(res.Body)
	var pair grantedTokens
	if res.StatusCode != http.StatusOK || json.Unmarshal(answer, &pair) != nil || pair.AccessToken == "" || pair.RefreshToken == "" {
		t.Fatalf("logging in: Elasticsearch answered %s", res.Status)
	}
	return pair
}

func secretObject(name string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{StringData: data}
	s.APIVersion, s.Kind = "v1", "Secret"
	s.Name, s.Namespace = name, "default"
	return s
}

func basicCredentials(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}
