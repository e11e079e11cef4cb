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
	"time"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// This file derives a TokenRevocation's status in memory, with small pure functions; the
// reconciler writes the result. Conditions follow kstatus: Ready is always present, Reconciling
// and Stalled only while True.

// maxReasonLength bounds the reasons copied from Elasticsearch into status.errorDetails.
const maxReasonLength = 1024

// markPending records that the revocation cannot be sent yet, and why.
func markPending(rev *securityv1alpha1.TokenRevocation, reason, message string) {
	rev.Status.Phase = securityv1alpha1.PhasePending
	setCondition(rev, securityv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	setCondition(rev, securityv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, message)
	meta.RemoveStatusCondition(&rev.Status.Conditions, securityv1alpha1.StalledCondition)
}

// markInvalidating records that an invalidate call is about to be made.
func markInvalidating(rev *securityv1alpha1.TokenRevocation, now time.Time) {
	rev.Status.Phase = securityv1alpha1.PhaseRevoking
	rev.Status.Attempts++
	rev.Status.LastAttemptTime = &metav1.MicroTime{Time: now}
	message := fmt.Sprintf("calling Elasticsearch (attempt %d)", rev.Status.Attempts)
	setCondition(rev, securityv1alpha1.ReadyCondition, metav1.ConditionFalse, securityv1alpha1.ReasonInvalidating, message)
	setCondition(rev, securityv1alpha1.ReconcilingCondition, metav1.ConditionTrue, securityv1alpha1.ReasonInvalidating, message)
	meta.RemoveStatusCondition(&rev.Status.Conditions, securityv1alpha1.StalledCondition)
}

// earlierAttempt says what is known of the attempt before the one about to be made, when its
// call may have invalidated tokens without the operator learning so.
type earlierAttempt int

const (
	// earlierAnswered: no earlier attempt, or one whose answer was read.
	earlierAnswered earlierAttempt = iota
	// earlierLost: a call was recorded but not its answer: the operator stopped mid-call.
	earlierLost
	// earlierUnreadable: the call failed without an answer Elasticsearch clearly gave (a timeout,
	// a reset, a body that is not Elasticsearch's), so Elasticsearch may have applied it.
	earlierUnreadable
)

// previousAttempt reads, before an attempt, what the status says of the previous one.
func previousAttempt(rev *securityv1alpha1.TokenRevocation) earlierAttempt {
	ready := meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReadyCondition)
	switch {
	case ready == nil:
		return earlierAnswered
	case ready.Reason == securityv1alpha1.ReasonInvalidating:
		return earlierLost
	case ready.Reason == securityv1alpha1.ReasonElasticsearchUnavailable:
		return earlierUnreadable
	}
	return earlierAnswered
}

// recordAnswer adds an answer's counters to the totals: invalidated tokens add up over attempts,
// previously invalidated tokens are the first answer's, errors are the latest answer's.
func recordAnswer(rev *securityv1alpha1.TokenRevocation, result elasticsearch.Result) {
	status := &rev.Status
	status.InvalidatedTokens = new(ptr.Deref(status.InvalidatedTokens, 0) + result.InvalidatedTokens)
	if status.PreviouslyInvalidatedTokens == nil {
		status.PreviouslyInvalidatedTokens = new(result.PreviouslyInvalidatedTokens)
	}
	status.ErrorCount = new(result.ErrorCount)
	status.ErrorDetails = errorDetails(result.ErrorDetails)
}

// markRevoked records success; caveat, when set, says what the answer could not tell.
func markRevoked(rev *securityv1alpha1.TokenRevocation, now time.Time, earlier earlierAttempt, caveat string) {
	rev.Status.Phase = securityv1alpha1.PhaseRevoked
	rev.Status.CompletionTime = metav1Time(now)
	message := revokedMessage(rev, earlier)
	if caveat != "" {
		message += "; " + caveat
	}
	setCondition(rev, securityv1alpha1.ReadyCondition, metav1.ConditionTrue, securityv1alpha1.ReasonRevoked, message)
	meta.RemoveStatusCondition(&rev.Status.Conditions, securityv1alpha1.ReconcilingCondition)
	meta.RemoveStatusCondition(&rev.Status.Conditions, securityv1alpha1.StalledCondition)
}

func revokedMessage(rev *securityv1alpha1.TokenRevocation, earlier earlierAttempt) string {
	invalidated, previously := ptr.Deref(rev.Status.InvalidatedTokens, 0), ptr.Deref(rev.Status.PreviouslyInvalidatedTokens, 0)
	message := fmt.Sprintf("invalidated %d tokens, %d already invalid", invalidated, previously)
	switch {
	case earlier == earlierLost && previously > 0:
		message += "; the answer to the previous attempt was lost (the operator stopped mid-call), " +
			"and that attempt most likely invalidated the tokens found already invalid"
	case earlier == earlierUnreadable && previously > 0:
		message += "; the previous attempt got no answer the operator could read (Elasticsearch unavailable), " +
			"and may have invalidated the tokens found already invalid"
	case invalidated == 0 && previously == 0:
		message += ": no active token matched"
	}
	return message
}

// markRetrying records a failed attempt that will be tried again.
func markRetrying(rev *securityv1alpha1.TokenRevocation, reason, message string, wait time.Duration) {
	rev.Status.Phase = securityv1alpha1.PhaseRevoking
	message = fmt.Sprintf("%s; attempt %d failed, retrying in %s", message, rev.Status.Attempts, wait.Round(time.Millisecond))
	setCondition(rev, securityv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	setCondition(rev, securityv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, message)
	meta.RemoveStatusCondition(&rev.Status.Conditions, securityv1alpha1.StalledCondition)
}

// markFailed records a failure for good.
func markFailed(rev *securityv1alpha1.TokenRevocation, reason, message string, now time.Time) {
	rev.Status.Phase = securityv1alpha1.PhaseFailed
	rev.Status.CompletionTime = metav1Time(now)
	setCondition(rev, securityv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	setCondition(rev, securityv1alpha1.StalledCondition, metav1.ConditionTrue, reason, message)
	meta.RemoveStatusCondition(&rev.Status.Conditions, securityv1alpha1.ReconcilingCondition)
}

func setCondition(rev *securityv1alpha1.TokenRevocation, conditionType string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(&rev.Status.Conditions, metav1.Condition{
		Type:               conditionType,
		Status:             status,
		Reason:             reason,
		Message:            truncate(message, 32*1024),
		ObservedGeneration: rev.Generation,
	})
	rev.Status.ObservedGeneration = rev.Generation
}

// errorDetails maps Elasticsearch's error_details into status, at most 10, two levels deep: the
// causes below the first are folded into its reason.
func errorDetails(causes []elasticsearch.ErrorCause) []securityv1alpha1.ErrorDetail {
	if len(causes) == 0 {
		return nil
	}
	details := make([]securityv1alpha1.ErrorDetail, 0, min(len(causes), 10))
	for _, cause := range causes[:min(len(causes), 10)] {
		detail := securityv1alpha1.ErrorDetail{Type: truncate(cause.Type, 256), Reason: truncate(cause.Reason, maxReasonLength)}
		if cause.CausedBy != nil {
			detail.CausedBy = &securityv1alpha1.ErrorCause{
				Type:   truncate(cause.CausedBy.Type, 256),
				Reason: truncate(foldCauses(cause.CausedBy), maxReasonLength),
			}
		}
		details = append(details, detail)
	}
	return details
}

// foldCauses renders a cause's reason followed by its own causes.
func foldCauses(cause *elasticsearch.ErrorCause) string {
	text := cause.Reason
	for deeper := cause.CausedBy; deeper != nil; deeper = deeper.CausedBy {
		text += fmt.Sprintf("; caused by %s: %s", deeper.Type, deeper.Reason)
	}
	return text
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
