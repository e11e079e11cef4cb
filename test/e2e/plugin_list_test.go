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
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// pluginListUnknownToken is a well-formed token the emulator never issued.
const pluginListUnknownToken = "cGx1Z2luLWxpc3QtdG9rZW4tbmV2ZXItaXNzdWVkLTNlOGY="

// kubectl esrevoke tokens, run by the real kubectl against a real API server with the webhook,
// the manager binary and the emulator: a list as found in a log (tokens minted by the emulator's
// password grant, one of them twice, blank lines, surrounding whitespace, a token it never
// issued) revoked in one revocation, the exact one-line summary, the tokens no longer
// authenticating, a list the operator would refuse refused by line number, and no token in the
// plugin's output or the manager's logs.
func TestPluginRevokesALeakedListOfTokensAndLeaksNothing(t *testing.T) {
	p := startPluginEnv(t, localenv.Options{
		Username: "elastic", Password: leakOperatorPassword,
		EmulatorArgs: []string{"--user", "myuser:" + leakUserPassword + ":saml1"},
		ManagerArgs:  []string{"--retry-base-delay=100ms"},
	}, pluginNamespace)
	env, logs, c, cli, ns := p.env, p.logs, p.c, p.cli, p.ns
	minted := make([]string, 3)
	for i := range minted {
		minted[i] = loginAsMyuser(t, env.ElasticsearchURL).AccessToken
	}
	list := "\n" + minted[0] + "\n  " + minted[1] + "  \r\n\n" + minted[0] + "\n" + pluginListUnknownToken + "\n" + minted[2] + "\n\n"
	listFile := filepath.Join(t.TempDir(), "tokens.txt")
	if err := os.WriteFile(listFile, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("tokens --from-file: Revoked, exit 0, the list's counts, the Secret owned by the revocation", func(t *testing.T) {
		g := NewWithT(t)
		g.Expect(bearerStatuses(g, env.ElasticsearchURL, minted)).To(HaveEach(http.StatusOK))
		res := cli.run(t, "", append(ns, "tokens", "--from-file", listFile, "--reason", "INC-1250: tokens in a debug log")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		rev := onlyRevocation(t, c, "tokens-")
		g.Expect(rev.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
		g.Expect(rev.Status.TokenFingerprint).To(MatchRegexp(`^hmac-sha256:[0-9a-f]{16}$`))
		g.Expect(res.out).To(Equal("Revoked: token list " + rev.Status.TokenFingerprint + " on " + env.ElasticsearchURL +
			": 3 invalidated, 0 already invalid, 1 unknown of 4 listed (tokenrevocation/" + rev.Name + " in namespace " + pluginNamespace +
			`, reason "INC-1250: tokens in a debug log")` + "\n"))
		g.Expect(rev.Spec.TokenListSecretRef).To(Equal(&securityv1alpha1.SecretKeySelector{Name: rev.Name, Key: "tokens"}))
		expectOwnedSecret(g, c, rev, "tokens", list)
		g.Expect(bearerStatuses(g, env.ElasticsearchURL, minted)).To(HaveEach(http.StatusUnauthorized), "every listed token is invalid")
	})

	t.Run("a list the operator would fail, or one given as an argument, is refused and nothing is created", func(t *testing.T) {
		g := NewWithT(t)
		before := countObjects(g, c)
		bad := filepath.Join(t.TempDir(), "bad.txt")
		g.Expect(os.WriteFile(bad, []byte(minted[0]+"\n"+minted[1][:8]+" "+minted[1][8:]+"\n"), 0o600)).To(Succeed())
		res := cli.run(t, "", append(ns, "tokens", "--from-file", bad, "--reason", "INC-1251")...)
		g.Expect(res.code).To(Equal(1))
		g.Expect(res.errOut).To(ContainSubstring(": line 2 cannot be a token"))
		res = cli.run(t, "", append(ns, "refresh-tokens", pluginListUnknownToken)...)
		g.Expect(res.code).To(Equal(1))
		g.Expect(res.errOut).To(ContainSubstring("refusing to take the refresh token list as an argument"))
		g.Expect(countObjects(g, c)).To(Equal(before))
	})

	t.Run("list shows the list's fingerprint and counts", func(t *testing.T) {
		g := NewWithT(t)
		res := cli.run(t, "", "list")
		g.Expect(res.code).To(Equal(0), res.errOut)
		g.Expect(res.out).To(MatchRegexp(`plugin-e2e\s+tokenrevocation/tokens-\w+\s+Revoked\s+token list hmac-sha256:[0-9a-f]{16} \(4 listed, 1 unknown\)\s+` +
			env.ElasticsearchURL + `\s+3\s+0\s+0\s`))
		g.Expect(strings.TrimSpace(res.out)).To(HaveSuffix("1 revocation in 1 namespace: 1 Revoked; 3 tokens invalidated"))
	})

	refreshTokens := []string{loginAsMyuser(t, env.ElasticsearchURL).RefreshToken, loginAsMyuser(t, env.ElasticsearchURL).RefreshToken}
	t.Run("refresh-tokens, piped in: Revoked, exit 0, the Secret owned by the revocation", func(t *testing.T) {
		g := NewWithT(t)
		refreshList := refreshTokens[0] + "\n" + refreshTokens[1] + "\n"
		res := cli.run(t, refreshList, append(ns, "refresh-tokens", "--reason", "INC-1252: refresh tokens in a crash dump")...)
		g.Expect(res.code).To(Equal(0), res.errOut)
		rev := onlyRevocation(t, c, "refresh-tokens-")
		g.Expect(rev.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
		g.Expect(res.out).To(MatchRegexp(`^Revoked: refresh token list hmac-sha256:[0-9a-f]{16} on ` + env.ElasticsearchURL +
			`: [1-9]\d* invalidated, 0 already invalid, 0 unknown of 2 listed \(tokenrevocation/` + rev.Name + ` in namespace ` + pluginNamespace))
		g.Expect(rev.Spec.RefreshTokenListSecretRef).To(Equal(&securityv1alpha1.SecretKeySelector{Name: rev.Name, Key: "refresh-tokens"}))
		expectOwnedSecret(g, c, rev, "refresh-tokens", refreshList)
	})

	t.Run("no token in the plugin's output or the manager's logs", func(t *testing.T) {
		g := NewWithT(t)
		for _, token := range append(append(minted, refreshTokens...), pluginListUnknownToken) {
			g.Expect(cli.allOutput()).NotTo(ContainSubstring(token))
			g.Expect(logs.String()).NotTo(ContainSubstring(token))
		}
		g.Expect(logs.String()).To(ContainSubstring("INC-1250"), "the manager's logs are searched, and hold the reason")
	})
}

// bearerStatuses are the statuses Elasticsearch answers to an authentication with each token.
func bearerStatuses(g Gomega, esURL string, tokens []string) []int {
	client := &http.Client{Timeout: 10 * time.Second}
	statuses := make([]int, 0, len(tokens))
	for _, token := range tokens {
		req, err := http.NewRequest(http.MethodGet, esURL+"/_security/_authenticate", nil)
		g.Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		g.Expect(err).NotTo(HaveOccurred())
		_ = res.Body.Close()
		statuses = append(statuses, res.StatusCode)
	}
	return statuses
}
