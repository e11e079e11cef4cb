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
	"errors"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

var (
	testNow    = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	testPolicy = RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Minute, MaxPartialAttempts: 3}
)

// attempted returns a revocation whose attempt number attempts was just made.
func attempted(attempts int32) *securityv1alpha1.TokenRevocation {
	rev := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Generation: 1}}
	rev.Status.Attempts = attempts - 1
	markInvalidating(rev, testNow)
	return rev
}

func esError(kind elasticsearch.Kind) error {
	return &elasticsearch.Error{Kind: kind}
}

func TestApplyAnswerFollowsTheSemanticsTable(t *testing.T) {
	partial := elasticsearch.Result{InvalidatedTokens: 9, PreviouslyInvalidatedTokens: 15, ErrorCount: 2,
		ErrorDetails: []elasticsearch.ErrorCause{{Type: "exception", Reason: "foo"}}}
	tests := []struct {
		name       string
		attempts   int32
		result     elasticsearch.Result
		err        error
		phase      securityv1alpha1.Phase
		reason     string
		condition  string // the abnormal-true condition expected, or "" for none
		wantWait   time.Duration
		wantFinish bool
	}{
		{name: "200 without errors is Revoked", attempts: 1, result: elasticsearch.Result{InvalidatedTokens: 1},
			phase: securityv1alpha1.PhaseRevoked, reason: securityv1alpha1.ReasonRevoked, wantFinish: true},
		{name: "200 with errors is retried", attempts: 1, result: partial,
			phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonPartialFailure,
			condition: securityv1alpha1.ReconcilingCondition, wantWait: time.Second},
		{name: "200 with errors at the last allowed attempt is Failed", attempts: 3, result: partial,
			phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonPartialFailure,
			condition: securityv1alpha1.StalledCondition, wantFinish: true},
		{name: "404 is Failed as TokenNotFound", attempts: 1, err: esError(elasticsearch.KindTokenNotFound),
			phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonTokenNotFound,
			condition: securityv1alpha1.StalledCondition, wantFinish: true},
		{name: "400 is Failed as InvalidRequest", attempts: 1, err: esError(elasticsearch.KindInvalidRequest),
			phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonInvalidRequest,
			condition: securityv1alpha1.StalledCondition, wantFinish: true},
		{name: "tokens not enabled is Failed as TokenServiceDisabled", attempts: 1, err: esError(elasticsearch.KindTokenServiceDisabled),
			phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonTokenServiceDisabled,
			condition: securityv1alpha1.StalledCondition, wantFinish: true},
		{name: "401 is retried as Unauthorized", attempts: 2, err: esError(elasticsearch.KindUnauthorized),
			phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonUnauthorized,
			condition: securityv1alpha1.ReconcilingCondition, wantWait: 2 * time.Second},
		{name: "403 is retried as Forbidden", attempts: 3, err: esError(elasticsearch.KindForbidden),
			phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonForbidden,
			condition: securityv1alpha1.ReconcilingCondition, wantWait: 4 * time.Second},
		{name: "503 is retried as ElasticsearchUnavailable", attempts: 1, err: esError(elasticsearch.KindUnavailable),
			phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonElasticsearchUnavailable,
			condition: securityv1alpha1.ReconcilingCondition, wantWait: time.Second},
		{name: "an unclassified error is retried as ElasticsearchUnavailable", attempts: 10, err: errors.New("boom"),
			phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonElasticsearchUnavailable,
			condition: securityv1alpha1.ReconcilingCondition, wantWait: time.Minute},
		{name: "an unusable target is Pending", attempts: 1, err: esError(elasticsearch.KindInvalidTarget),
			phase: securityv1alpha1.PhasePending, reason: securityv1alpha1.ReasonInvalidConnection,
			condition: securityv1alpha1.ReconcilingCondition, wantWait: time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			rev := attempted(tc.attempts)
			wait := applyTokenAnswer(rev, tc.result, tc.err, testPolicy, testNow, earlierAnswered)

			g.Expect(wait).To(Equal(tc.wantWait))
			g.Expect(rev.Status.Phase).To(Equal(tc.phase))
			g.Expect(rev.Status.Phase.IsTerminal()).To(Equal(tc.wantFinish))
			ready := meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReadyCondition)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Reason).To(Equal(tc.reason))
			g.Expect(ready.ObservedGeneration).To(Equal(int64(1)))
			wantReady := metav1.ConditionFalse
			if tc.phase == securityv1alpha1.PhaseRevoked {
				wantReady = metav1.ConditionTrue
			}
			g.Expect(ready.Status).To(Equal(wantReady))
			for _, abnormal := range []string{securityv1alpha1.ReconcilingCondition, securityv1alpha1.StalledCondition} {
				present := meta.IsStatusConditionTrue(rev.Status.Conditions, abnormal)
				g.Expect(present).To(Equal(abnormal == tc.condition), "condition %s", abnormal)
			}
			if tc.wantFinish {
				g.Expect(rev.Status.CompletionTime).NotTo(BeNil())
			} else {
				g.Expect(rev.Status.CompletionTime).To(BeNil())
			}
		})
	}
}

func TestCountersAddUpAcrossAttempts(t *testing.T) {
	g := NewWithT(t)
	rev := attempted(1)
	applyTokenAnswer(rev, elasticsearch.Result{InvalidatedTokens: 9, PreviouslyInvalidatedTokens: 15, ErrorCount: 2,
		ErrorDetails: make([]elasticsearch.ErrorCause, 2)}, nil, testPolicy, testNow, earlierAnswered)
	g.Expect(*rev.Status.ErrorCount).To(BeEquivalentTo(2))
	g.Expect(rev.Status.ErrorDetails).To(HaveLen(2))

	markInvalidating(rev, testNow)
	applyTokenAnswer(rev, elasticsearch.Result{InvalidatedTokens: 2, PreviouslyInvalidatedTokens: 24}, nil, testPolicy, testNow, earlierAnswered)

	g.Expect(rev.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked))
	g.Expect(*rev.Status.InvalidatedTokens).To(BeEquivalentTo(11), "invalidated tokens add up")
	g.Expect(*rev.Status.PreviouslyInvalidatedTokens).To(BeEquivalentTo(15), "the first answer's count is kept")
	g.Expect(*rev.Status.ErrorCount).To(BeEquivalentTo(0), "errors are the latest answer's")
	g.Expect(rev.Status.ErrorDetails).To(BeEmpty())
	g.Expect(rev.Status.Attempts).To(BeEquivalentTo(2))
	g.Expect(meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReadyCondition).Message).
		To(Equal("invalidated 11 tokens, 15 already invalid"))
}

func TestRevokedMessageIsHonestAboutALostAnswer(t *testing.T) {
	g := NewWithT(t)
	rev := attempted(2)
	applyTokenAnswer(rev, elasticsearch.Result{PreviouslyInvalidatedTokens: 1}, nil, testPolicy, testNow, earlierLost)
	message := meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReadyCondition).Message
	g.Expect(message).To(ContainSubstring("invalidated 0 tokens, 1 already invalid"))
	g.Expect(message).To(ContainSubstring("the answer to the previous attempt was lost"))
}

func TestRevokedMessageSaysWhenNothingMatched(t *testing.T) {
	g := NewWithT(t)
	rev := attempted(1)
	applyTokenAnswer(rev, elasticsearch.Result{}, nil, testPolicy, testNow, earlierAnswered)
	g.Expect(meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReadyCondition).Message).
		To(Equal("invalidated 0 tokens, 0 already invalid: no active token matched"))
}

func TestThePreviousAttemptIsReadFromTheStatus(t *testing.T) {
	g := NewWithT(t)
	g.Expect(previousAttempt(&securityv1alpha1.TokenRevocation{})).To(Equal(earlierAnswered), "no attempt yet")
	rev := attempted(1)
	g.Expect(previousAttempt(rev)).To(Equal(earlierLost), "a recorded call with no answer")
	applyTokenAnswer(rev, elasticsearch.Result{}, esError(elasticsearch.KindUnavailable), testPolicy, testNow, earlierAnswered)
	g.Expect(previousAttempt(rev)).To(Equal(earlierUnreadable), "no answer Elasticsearch clearly gave")
	markInvalidating(rev, testNow)
	applyTokenAnswer(rev, elasticsearch.Result{}, esError(elasticsearch.KindUnauthorized), testPolicy, testNow, earlierAnswered)
	g.Expect(previousAttempt(rev)).To(Equal(earlierAnswered), "a 401 is an answer: nothing was applied")
}

func TestRevokedMessageSaysAnUnreadableAnswerMayHaveInvalidatedTheTokens(t *testing.T) {
	g := NewWithT(t)
	rev := attempted(2)
	applyTokenAnswer(rev, elasticsearch.Result{PreviouslyInvalidatedTokens: 1}, nil, testPolicy, testNow, earlierUnreadable)
	message := meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReadyCondition).Message
	g.Expect(message).To(HavePrefix("invalidated 0 tokens, 1 already invalid; the previous attempt got no answer"))
	g.Expect(message).To(ContainSubstring("may have invalidated"))
}

func TestErrorDetailsAreBoundedAndFolded(t *testing.T) {
	g := NewWithT(t)
	deep := elasticsearch.ErrorCause{Type: "exception", Reason: "outer", CausedBy: &elasticsearch.ErrorCause{
		Type: "exception", Reason: "middle", CausedBy: &elasticsearch.ErrorCause{Type: "illegal_argument_exception", Reason: "inner"}}}
	causes := make([]elasticsearch.ErrorCause, 12)
	for i := range causes {
		causes[i] = deep
	}
	causes[0].Reason = string(make([]byte, 5000))

	details := errorDetails(causes)
	g.Expect(details).To(HaveLen(10))
	g.Expect(len(details[0].Reason)).To(BeNumerically("<=", maxReasonLength))
	g.Expect(details[1].CausedBy.Reason).To(Equal("middle; caused by illegal_argument_exception: inner"))
	g.Expect(errorDetails(nil)).To(BeNil())
}

func TestRetryPolicyDelays(t *testing.T) {
	g := NewWithT(t)
	p := RetryPolicy{BaseDelay: time.Second, MaxDelay: 10 * time.Second}
	g.Expect([]time.Duration{p.attemptDelay(1), p.attemptDelay(2), p.attemptDelay(3), p.attemptDelay(4), p.attemptDelay(5), p.attemptDelay(100)}).
		To(Equal([]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}))
	g.Expect(p.pendingDelay(0)).To(Equal(time.Second))
	g.Expect(p.pendingDelay(3 * time.Second)).To(Equal(3 * time.Second))
	g.Expect(p.pendingDelay(time.Hour)).To(Equal(10 * time.Second))
}

func TestPendingChecksAreCappedSoAnArrivingSecretIsSeenWithinSeconds(t *testing.T) {
	g := NewWithT(t)
	p := DefaultRetryPolicy
	g.Expect(p.pendingDelay(time.Hour)).To(Equal(p.PendingMaxDelay), "an hour-old pending revocation is checked every PendingMaxDelay")
	g.Expect(p.attemptDelay(100)).To(Equal(p.MaxDelay), "attempts keep their own, longer cap")
	p.PendingMaxDelay = 0
	g.Expect(p.pendingDelay(time.Hour)).To(Equal(p.MaxDelay), "zero means MaxDelay")
}

func TestTruncateKeepsRunesWhole(t *testing.T) {
	g := NewWithT(t)
	g.Expect(truncate("short", 10)).To(Equal("short"))
	cut := truncate("ééééé", 6)
	g.Expect(len(cut)).To(BeNumerically("<=", 6))
	g.Expect(cut).To(HaveSuffix("…"))
	g.Expect([]rune(cut)[0]).To(Equal('é'))
}

// applyTokenAnswer applies an invalidate token answer to a TokenRevocation, as its reconciler does.
func applyTokenAnswer(rev *securityv1alpha1.TokenRevocation, result elasticsearch.Result, callErr error,
	policy RetryPolicy, now time.Time, earlier earlierAttempt) time.Duration {
	return applyAnswer(tokenKind{}, rev, tokenAnswer(result), callErr, policy, now, earlier)
}
