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

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// leakedList is a list as found in a log: blank lines, surrounding whitespace, Windows line
// endings and a duplicate, each token a secret of these tests.
var leakedList = "\n  " + leaked + "  \r\nbGlzdGVkLXRva2VuLXR3bw==\n\n" + leaked + "\nbGlzdGVkLXRva2VuLXRocmVl\n"

// listedTokens are leakedList's tokens, none of which may be printed.
var listedTokens = []string{leaked, "bGlzdGVkLXRva2VuLXR3bw==", "bGlzdGVkLXRva2VuLXRocmVl"}

func expectNoListedToken(g Gomega, output string) {
	for _, token := range listedTokens {
		g.Expect(output).NotTo(ContainSubstring(token))
	}
}

func TestTokensPutsTheListAsGivenInASecretOwnedByTheRevocation(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	g.Expect(h.run(leakedList, "tokens", "--wait=false", "--reason", "INC-1250")).To(Equal(exitOK))

	revs := h.revocations(t)
	g.Expect(revs).To(HaveLen(1))
	rev := revs[0]
	g.Expect(rev.Name).To(HavePrefix("tokens-"))
	g.Expect(rev.Spec.TokenListSecretRef).To(Equal(&securityv1alpha1.SecretKeySelector{Name: rev.Name, Key: "tokens"}))
	g.Expect(rev.Spec.TokenSecretRef).To(BeNil())
	g.Expect(*rev.Spec.Reason).To(Equal("INC-1250"))

	secret := &corev1.Secret{}
	g.Expect(h.client.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: rev.Name}, secret)).To(Succeed())
	g.Expect(secret.Data).To(Equal(map[string][]byte{"tokens": []byte(leakedList)}), "as given: the operator parses it")
	g.Expect(secret.Labels).To(HaveKeyWithValue(managedByLabel, managedBy))
	g.Expect(secret.OwnerReferences).To(ConsistOf(metav1.OwnerReference{
		APIVersion: "security.esrevoke.io/v1alpha1", Kind: "TokenRevocation", Name: rev.Name, UID: rev.UID,
		Controller: new(true), BlockOwnerDeletion: new(true),
	}))
	g.Expect(h.out.String()).To(Equal("Created, not waited for: token list (fingerprint not recorded yet) on the operator's default Elasticsearch " +
		`(tokenrevocation/` + rev.Name + ` in namespace security, reason "INC-1250")` + "\n"))
	expectNoListedToken(g, h.output())
}

func TestRefreshTokensReadsTheListFromAFileOrStandardInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.txt")
	if err := os.WriteFile(path, []byte(leakedList), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct{ stdin, file string }{
		"--from-file PATH": {"", path}, "--from-file -": {leakedList, "-"}, "standard input": {leakedList, ""},
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			args := []string{"refresh-tokens", "--wait=false", "--name", "leak-list", "--reason", "INC-1251", "-o", "name"}
			if tt.file != "" {
				args = append(args, "--from-file", tt.file)
			}
			g.Expect(h.run(tt.stdin, args...)).To(Equal(exitOK), h.errOut.String())
			g.Expect(h.out.String()).To(Equal("tokenrevocation.security.esrevoke.io/leak-list\n"))
			rev := h.revocations(t)[0]
			g.Expect(rev.Spec.RefreshTokenListSecretRef).To(Equal(&securityv1alpha1.SecretKeySelector{Name: "leak-list", Key: "refresh-tokens"}))
			secret := &corev1.Secret{}
			g.Expect(h.client.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: "leak-list"}, secret)).To(Succeed())
			g.Expect(secret.Data).To(Equal(map[string][]byte{"refresh-tokens": []byte(leakedList)}))
		})
	}
}

func TestAListTheOperatorWouldFailIsRefusedByLineNumberBeforeAnythingIsCreated(t *testing.T) {
	many := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "dG9rZW4t%08d\n", i)
		}
		return b.String()
	}
	inner := leaked[:10] + " " + leaked[10:]
	tests := map[string]struct {
		list    string
		wantErr string
	}{
		"inner whitespace": {leaked + "\n\n" + inner + "\n", "standard input: line 3 cannot be a token (whitespace inside, a control or non-ASCII character, or more than 8192 characters): " +
			"fix the list; nothing was created, and the lines are not shown"},
		"several lines, one of them twice": {inner + "\n" + leaked + "é\n" + inner + "\n" + leaked + "\x1b[0m\n", "standard input: lines 1, 2 and 4 cannot be tokens"},
		"a line too long":                  {leaked + "\n" + strings.Repeat(leaked, 8192/len(leaked)+1) + "\n", "line 2 cannot be a token"},
		"more lines than are named":        {strings.ReplaceAll(many(12), "dG9r", "dG9r "), "lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more cannot be tokens"},
		"no token":                         {"\n \n\t\n", "no token list on standard input: give the list with --from-file=PATH, or pipe it in"},
		"too many tokens":                  {many(20001), "standard input holds 20001 distinct tokens, more than the 20000 a revocation takes: split the list"},
		"more than a Secret holds":         {strings.Repeat(leaked+"\n", (1<<20)/len(leaked)+1), "standard input holds more than 1 MiB, more than a Secret holds"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			g.Expect(h.run(tt.list, "tokens", "--reason", "INC-1252")).To(Equal(exitFailed))
			g.Expect(h.errOut.String()).To(ContainSubstring(tt.wantErr))
			g.Expect(h.output()).NotTo(ContainSubstring(leaked))
			g.Expect(h.output()).NotTo(ContainSubstring(leaked[10:]))
			g.Expect(h.connects).To(BeZero(), "nothing is sent to the API server")
		})
	}
	g := NewWithT(t)
	h := newHarness(t, nil)
	g.Expect(h.run(many(20000), "tokens", "--wait=false", "--reason", "INC-1252")).To(Equal(exitOK), "20000 tokens, the most a revocation takes")
}

func TestTheSummaryOfAListGivesItsCountsAndFingerprint(t *testing.T) {
	list := securityv1alpha1.TokenRevocationSpec{TokenListSecretRef: &securityv1alpha1.SecretKeySelector{Name: "leak", Key: "tokens"}, Reason: str("INC-1")}
	refreshList := securityv1alpha1.TokenRevocationSpec{RefreshTokenListSecretRef: &securityv1alpha1.SecretKeySelector{Name: "leak", Key: "refresh-tokens"}}
	progress := func(phase securityv1alpha1.Phase, errors int64, reason, message string) securityv1alpha1.RevocationProgress {
		p := securityv1alpha1.RevocationProgress{Phase: phase, Target: "https://es:9200", ErrorCount: int64Ptr(errors)}
		if reason != "" {
			p.Conditions = []metav1.Condition{{Type: "Ready", Reason: reason, Message: message}}
		}
		return p
	}
	status := func(p securityv1alpha1.RevocationProgress, invalidated, previously, unknown, processed, count int64) securityv1alpha1.TokenRevocationStatus {
		return securityv1alpha1.TokenRevocationStatus{RevocationProgress: p, TokenFingerprint: "hmac-sha256:0123456789abcdef",
			InvalidatedTokens: int64Ptr(invalidated), PreviouslyInvalidatedTokens: int64Ptr(previously), UnknownTokens: int64Ptr(unknown),
			ProcessedTokens: int64Ptr(processed), TokenCount: int64Ptr(count)}
	}
	tests := map[string]struct {
		rev    *securityv1alpha1.TokenRevocation
		result outcome
		want   string
	}{
		"Revoked": {tokrev("tokens-x", list, status(progress(securityv1alpha1.PhaseRevoked, 0, "Revoked", "invalidated 30 tokens, 5 already invalid; 4 listed tokens unknown"), 30, 5, 4, 39, 39)), outcomeFinished,
			`Revoked: token list hmac-sha256:0123456789abcdef on https://es:9200: 30 invalidated, 5 already invalid, 4 unknown of 39 listed (tokenrevocation/tokens-x in namespace security, reason "INC-1")`},
		"Failed, tokens refused for good": {tokrev("r", refreshList, status(progress(securityv1alpha1.PhaseFailed, 2, "TokensFailed", "Elasticsearch refused 2 of 10\nlisted tokens"), 7, 0, 1, 10, 10)), outcomeFinished,
			`Failed: refresh token list hmac-sha256:0123456789abcdef on https://es:9200: 7 invalidated, 0 already invalid, 1 unknown, 2 failed of 10 listed; TokensFailed: Elasticsearch refused 2 of 10 listed tokens (tokenrevocation/r in namespace security)`},
		"Failed before reading the list": {tokrev("t", list, securityv1alpha1.TokenRevocationStatus{RevocationProgress: progress(securityv1alpha1.PhaseFailed, 0, "InvalidTokenList", "Secret leak, key tokens: line 3 cannot be a token")}), outcomeFinished,
			`Failed: token list (fingerprint not recorded yet) on https://es:9200: InvalidTokenList: Secret leak, key tokens: line 3 cannot be a token (tokenrevocation/t in namespace security, reason "INC-1")`},
		"not done in time": {tokrev("t", list, status(progress(securityv1alpha1.PhaseRevoking, 0, "Revoking", "revoking"), 12, 1, 0, 13, 20000)), outcomeTimedOut,
			`Not done after 2m0s, still Revoking: token list hmac-sha256:0123456789abcdef on https://es:9200: 12 invalidated, 1 already invalid, 0 unknown of 20000 listed, 13 processed; Revoking: revoking (tokenrevocation/t in namespace security, reason "INC-1")`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			g.Expect(summary(tt.rev, tt.result, 2*time.Minute)).To(Equal(tt.want))
		})
	}
}

func TestTokensExitsAsTheListsRevocationEnded(t *testing.T) {
	revoked := securityv1alpha1.TokenRevocationStatus{
		RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseRevoked, ErrorCount: int64Ptr(0), Target: "https://es:9200"},
		TokenFingerprint:   "hmac-sha256:0123456789abcdef", InvalidatedTokens: int64Ptr(2), PreviouslyInvalidatedTokens: int64Ptr(0),
		UnknownTokens: int64Ptr(1), ProcessedTokens: int64Ptr(3), TokenCount: int64Ptr(3),
	}
	failed := *revoked.DeepCopy()
	failed.Phase, failed.ErrorCount = securityv1alpha1.PhaseFailed, int64Ptr(1)
	failed.Conditions = []metav1.Condition{{Type: "Ready", Reason: "TokensFailed", Message: "Elasticsearch refused 1 of 3 listed tokens"}}
	failed.InvalidatedTokens = int64Ptr(1)
	for name, tt := range map[string]struct {
		status   securityv1alpha1.TokenRevocationStatus
		wantCode int
		wantOut  string
	}{
		"Revoked": {revoked, exitOK, "Revoked: token list hmac-sha256:0123456789abcdef on https://es:9200: 2 invalidated, 0 already invalid, 1 unknown of 3 listed (tokenrevocation/tokens-"},
		"Failed":  {failed, exitFailed, "Failed: token list hmac-sha256:0123456789abcdef on https://es:9200: 1 invalidated, 0 already invalid, 1 unknown, 1 failed of 3 listed; TokensFailed: "},
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, withStatus(tt.status))
			g.Expect(h.run(leakedList, "tokens", "--reason", "INC-1253")).To(Equal(tt.wantCode))
			g.Expect(h.out.String()).To(HavePrefix(tt.wantOut))
			g.Expect(strings.Count(h.out.String(), "\n")).To(Equal(1), "one line")
			expectNoListedToken(g, h.output())
		})
	}
}

func TestTheWaitShowsAListsProgressOnATerminalOnly(t *testing.T) {
	g := NewWithT(t)
	rev := tokrev("t", securityv1alpha1.TokenRevocationSpec{TokenListSecretRef: &securityv1alpha1.SecretKeySelector{Name: "t", Key: "tokens"}},
		securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseRevoking},
			ProcessedTokens: int64Ptr(12), TokenCount: int64Ptr(39)})
	var terminal bytes.Buffer
	s := &session{progress: &terminal}
	s.showProgress(rev)
	s.clearProgress()
	g.Expect(terminal.String()).To(Equal("\r\x1b[KRevoking: 12 of 39 listed tokens processed\r\x1b[K"))

	terminal.Reset()
	s.showProgress(tokrev("u", securityv1alpha1.TokenRevocationSpec{Username: str("myuser")}, securityv1alpha1.TokenRevocationStatus{}))
	s.clearProgress()
	g.Expect(terminal.String()).To(BeEmpty(), "only a list has progress to show")

	(&session{}).showProgress(rev) // not a terminal: nothing to write to
}

func TestListShowsAListsCountsAndProgress(t *testing.T) {
	g := NewWithT(t)
	ref := &securityv1alpha1.SecretKeySelector{Name: "l", Key: "tokens"}
	done := tokrev("tokens-done", securityv1alpha1.TokenRevocationSpec{TokenListSecretRef: ref}, securityv1alpha1.TokenRevocationStatus{
		RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseRevoked, Target: "https://es:9200", ErrorCount: int64Ptr(0)},
		TokenFingerprint:   "hmac-sha256:0123456789abcdef", InvalidatedTokens: int64Ptr(30), PreviouslyInvalidatedTokens: int64Ptr(5),
		UnknownTokens: int64Ptr(4), ProcessedTokens: int64Ptr(39), TokenCount: int64Ptr(39)})
	running := tokrev("tokens-running", securityv1alpha1.TokenRevocationSpec{RefreshTokenListSecretRef: ref}, securityv1alpha1.TokenRevocationStatus{
		RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseRevoking, Target: "https://es:9200", ErrorCount: int64Ptr(0)},
		TokenFingerprint:   "hmac-sha256:fedcba9876543210", InvalidatedTokens: int64Ptr(100), PreviouslyInvalidatedTokens: int64Ptr(0),
		UnknownTokens: int64Ptr(0), ProcessedTokens: int64Ptr(100), TokenCount: int64Ptr(1000)})
	running.CreationTimestamp = metav1.NewTime(testNow.Add(-time.Minute))
	h := newHarness(t, nil, done, running)
	g.Expect(h.run("", "list")).To(Equal(exitOK))
	g.Expect(h.out.String()).To(MatchRegexp(`security\s+tokenrevocation/tokens-done\s+Revoked\s+token list hmac-sha256:0123456789abcdef \(39 listed, 4 unknown\)\s+https://es:9200\s+30\s+5\s+0\s+60m`))
	g.Expect(h.out.String()).To(MatchRegexp(`security\s+tokenrevocation/tokens-running\s+Revoking 100/1000\s+refresh token list hmac-sha256:fedcba9876543210 \(1000 listed, 0 unknown\)\s+https://es:9200\s+100\s+0\s+0\s+60s`))
	g.Expect(h.out.String()).To(HaveSuffix("2 revocations in 1 namespace: 1 Revoked, 1 Revoking; 130 tokens invalidated\n"))
}

func TestRetryOfAFailedListSharesItsSecret(t *testing.T) {
	g := NewWithT(t)
	failed := tokrev("tokens-x", securityv1alpha1.TokenRevocationSpec{TokenListSecretRef: &securityv1alpha1.SecretKeySelector{Name: "tokens-x", Key: "tokens"}},
		securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseFailed}})
	failed.UID = "first-uid"
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "tokens-x", Namespace: testNamespace, OwnerReferences: []metav1.OwnerReference{{
		APIVersion: "security.esrevoke.io/v1alpha1", Kind: "TokenRevocation", Name: "tokens-x", UID: "first-uid"}}},
		Data: map[string][]byte{"tokens": []byte(leakedList)}}
	h := newHarness(t, nil, failed, secret)
	g.Expect(h.run("", "retry", "tokens-x", "--wait=false")).To(Equal(exitOK), h.errOut.String())
	g.Expect(h.client.Get(context.Background(), client.ObjectKeyFromObject(secret), secret)).To(Succeed())
	g.Expect(secret.OwnerReferences).To(HaveLen(2), "the Secret goes when both revocations are gone")
	expectNoListedToken(g, h.output())
}
