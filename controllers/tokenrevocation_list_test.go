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

package controllers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// leakedList mints valid tokens and already invalidated ones, and returns them with unknown ones,
// a duplicate and blank lines, as a list a responder might find.
type leakedList struct {
	valid, invalidated, unknown []string
}

func (h *harness) leakedList(valid, invalidated, unknown int) leakedList {
	h.t.Helper()
	var l leakedList
	for range valid {
		l.valid = append(l.valid, h.mint(esUser).AccessToken)
	}
	for range invalidated {
		token := h.mint(esUser).AccessToken
		h.invalidateDirectly(token)
		l.invalidated = append(l.invalidated, token)
	}
	for i := range unknown {
		l.unknown = append(l.unknown, fmt.Sprintf("dW5rbm93bi10b2tlbi0%04d", i))
	}
	return l
}

// text is the list as found: every token, the first one twice, blank lines and stray spaces.
func (l leakedList) text() string {
	all := append(append(append([]string{}, l.valid...), l.invalidated...), l.unknown...)
	return "\n  " + strings.Join(all, "\n\n") + "\t\n" + all[0] + "\n"
}

func (l leakedList) all() []string {
	return append(append(append([]string{}, l.valid...), l.invalidated...), l.unknown...)
}

// invalidateDirectly invalidates a token as another client would.
func (h *harness) invalidateDirectly(token string) {
	h.t.Helper()
	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Token: str(token)}), securityv1alpha1.PhaseRevoked,
		securityv1alpha1.ReasonRevoked)
	NewWithT(h.t).Expect(ptr.Deref(rev.Status.InvalidatedTokens, 0)).To(BeEquivalentTo(1))
}

func TestAListOfValidAlreadyInvalidUnknownAndDuplicateTokensEndsWithTheExactCounts(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	list := h.leakedList(30, 5, 4)
	h.secret("leak-list", map[string]string{"tokens": list.text()})
	calls := h.es.InvalidateCalls()

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{TokenListSecretRef: ref("leak-list", "tokens"),
		Reason: str("INC-9: CI log")}), securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(h.es.InvalidateCalls()-calls).To(BeEquivalentTo(39), "one call per distinct token")
	g.Expect(ptr.Deref(rev.Status.TokenCount, -1)).To(BeEquivalentTo(39))
	g.Expect(ptr.Deref(rev.Status.ProcessedTokens, -1)).To(BeEquivalentTo(39))
	g.Expect(ptr.Deref(rev.Status.InvalidatedTokens, -1)).To(BeEquivalentTo(30))
	g.Expect(ptr.Deref(rev.Status.PreviouslyInvalidatedTokens, -1)).To(BeEquivalentTo(5))
	g.Expect(ptr.Deref(rev.Status.UnknownTokens, -1)).To(BeEquivalentTo(4))
	g.Expect(ptr.Deref(rev.Status.ErrorCount, -1)).To(BeEquivalentTo(0))
	g.Expect(rev.Status.FailedTokens).To(BeEmpty())
	g.Expect(rev.Status.ElasticsearchVersion).NotTo(BeEmpty(), "learned from the answers")
	g.Expect(readyMessage(rev)).To(Equal("invalidated 30 tokens, 5 already invalid; 4 listed tokens unknown to Elasticsearch " +
		"(mistyped, from another cluster, or expired and deleted)"))
	for _, token := range list.valid {
		_, accessInvalidated, _ := h.es.TokenState(token)
		g.Expect(accessInvalidated).To(BeTrue())
	}
	h.expectEventReasons(rev, EventRevoked)

	status, err := yaml.Marshal(rev)
	g.Expect(err).NotTo(HaveOccurred())
	events := h.events(g, rev)
	notes := make([]string, 0, len(events))
	for _, e := range events {
		notes = append(notes, e.Note)
	}
	for what, text := range map[string]string{"the logs": h.logs.String(), "the status": string(status), "the events": strings.Join(notes, "\n")} {
		expectNoSecret(g, what, text, list.all()...)
	}
	g.Expect(strings.Count(h.logs.String(), `"listedTokenFingerprint"`)).To(Equal(39), "one audit line per call")
}

func TestAListWithALineThatCannotBeATokenFailsBeforeAnyCallWithoutQuotingIt(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	token := h.mint(esUser).AccessToken
	h.secret("leak-list", map[string]string{"tokens": token + "\nnot a token at all\n"})
	calls := h.es.InvalidateCalls()

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{TokenListSecretRef: ref("leak-list", "tokens")}),
		securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonInvalidTokenList)

	g.Expect(readyMessage(rev)).To(ContainSubstring("line 2 cannot be a token"))
	expectNoSecret(g, "the message", readyMessage(rev), "not a token at all", token)
	g.Consistently(h.es.InvalidateCalls).WithTimeout(500 * time.Millisecond).Should(Equal(calls))
}

func TestAStormOf503sOnPartOfAListIsRetriedForThatPartOnly(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	list := h.leakedList(20, 0, 0)
	h.secret("leak-list", map[string]string{"tokens": list.text()})
	for range 7 {
		h.es.InjectFaults(esemulatorUnavailable())
	}
	calls := h.es.InvalidateCalls()

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{TokenListSecretRef: ref("leak-list", "tokens")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(h.es.InvalidateCalls()-calls).To(BeEquivalentTo(20+7), "the 7 unanswered tokens, and only they, sent again")
	g.Expect(ptr.Deref(rev.Status.InvalidatedTokens, -1)).To(BeEquivalentTo(20))
	g.Expect(ptr.Deref(rev.Status.PreviouslyInvalidatedTokens, -1)).To(BeEquivalentTo(0))
	g.Expect(rev.Status.Attempts).To(BeNumerically(">=", 2))
	h.expectEventReasons(rev, EventRetrying, EventRevoked)
}

func TestAManagerStoppedMidListResumesAndCountsEveryTokenOnce(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	list := h.leakedList(60, 0, 0)
	h.secret("leak-list", map[string]string{"tokens": list.text()})
	h.es.SetLatency(500 * time.Millisecond) // 60 tokens, 16 at a time: two seconds, progress written each second
	rev := h.create(securityv1alpha1.TokenRevocationSpec{TokenListSecretRef: ref("leak-list", "tokens")})
	g.Eventually(func(g Gomega) {
		g.Expect(ptr.Deref(h.get(g, rev).Status.ProcessedTokens, 0)).To(BeNumerically(">", 0), "progress recorded")
	}).WithTimeout(waitTimeout).WithPolling(50 * time.Millisecond).Should(Succeed())
	h.stopManager()
	stopped := h.get(g, rev)
	g.Expect(stopped.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoking), "stopped mid-list")
	g.Expect(ptr.Deref(stopped.Status.ProcessedTokens, 0)).To(BeNumerically("<", 60))
	h.es.SetLatency(0)
	h.startManager()

	done := h.waitFor(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	invalidated, previously := ptr.Deref(done.Status.InvalidatedTokens, 0), ptr.Deref(done.Status.PreviouslyInvalidatedTokens, 0)
	g.Expect(invalidated+previously).To(BeEquivalentTo(60), "every token counted exactly once")
	g.Expect(ptr.Deref(done.Status.ProcessedTokens, 0)).To(BeEquivalentTo(60))
	for _, token := range list.valid {
		_, accessInvalidated, _ := h.es.TokenState(token)
		g.Expect(accessInvalidated).To(BeTrue())
	}
	if previously > 0 {
		g.Expect(readyMessage(done)).To(ContainSubstring("the answer to the previous attempt was lost"))
	}
}
