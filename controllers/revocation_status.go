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

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// This file derives the status every revocation kind shares in memory, with small pure
// functions; the reconciler writes the result. Conditions follow kstatus: Ready is always
// present, Reconciling and Stalled only while True, all derived from the phase by setPhase.

// maxReasonLength bounds the reasons copied from Elasticsearch into status.errorDetails.
const maxReasonLength = 1024

// setPhase sets the phase and derives the conditions from it: Ready (True only when Revoked)
// with the reason and message; Reconciling while Pending or Revoking; Stalled once Failed.
func setPhase(rev securityv1alpha1.Revocation, phase securityv1alpha1.Phase, reason, message string) {
	progress := rev.GetProgress()
	progress.Phase = phase
	ready := metav1.ConditionFalse
	if phase == securityv1alpha1.PhaseRevoked {
		ready = metav1.ConditionTrue
	}
	setCondition(rev, securityv1alpha1.ReadyCondition, ready, reason, message)
	abnormal := map[securityv1alpha1.Phase]string{
		securityv1alpha1.PhasePending:  securityv1alpha1.ReconcilingCondition,
		securityv1alpha1.PhaseRevoking: securityv1alpha1.ReconcilingCondition,
		securityv1alpha1.PhaseFailed:   securityv1alpha1.StalledCondition,
	}[phase]
	for _, conditionType := range []string{securityv1alpha1.ReconcilingCondition, securityv1alpha1.StalledCondition} {
		if conditionType == abnormal {
			setCondition(rev, conditionType, metav1.ConditionTrue, reason, message)
		} else {
			meta.RemoveStatusCondition(&progress.Conditions, conditionType)
		}
	}
}

// markPending records that the revocation cannot be sent yet, and why.
func markPending(rev securityv1alpha1.Revocation, reason, message string) {
	setPhase(rev, securityv1alpha1.PhasePending, reason, message)
}

// markInvalidating records that an invalidate call is about to be made.
func markInvalidating(rev securityv1alpha1.Revocation, now time.Time) {
	progress := rev.GetProgress()
	progress.Attempts++
	progress.LastAttemptTime = &metav1.MicroTime{Time: now}
	setPhase(rev, securityv1alpha1.PhaseRevoking, securityv1alpha1.ReasonInvalidating,
		fmt.Sprintf("calling Elasticsearch (attempt %d)", progress.Attempts))
}

// markRetrying records a failed attempt that will be tried again.
func markRetrying(rev securityv1alpha1.Revocation, reason, message string, wait time.Duration) {
	message = fmt.Sprintf("%s; attempt %d failed, retrying in %s", message, rev.GetProgress().Attempts, wait.Round(time.Millisecond))
	setPhase(rev, securityv1alpha1.PhaseRevoking, reason, message)
}

// markRevoked records success.
func markRevoked(rev securityv1alpha1.Revocation, message string, now time.Time) {
	rev.GetProgress().CompletionTime = metav1Time(now)
	setPhase(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked, message)
}

// markFailed records a failure for good.
func markFailed(rev securityv1alpha1.Revocation, reason, message string, now time.Time) {
	rev.GetProgress().CompletionTime = metav1Time(now)
	setPhase(rev, securityv1alpha1.PhaseFailed, reason, message)
}

func setCondition(rev securityv1alpha1.Revocation, conditionType string, status metav1.ConditionStatus, reason, message string) {
	progress := rev.GetProgress()
	meta.SetStatusCondition(&progress.Conditions, metav1.Condition{
		Type:               conditionType,
		Status:             status,
		Reason:             reason,
		Message:            truncate(message, 32*1024),
		ObservedGeneration: rev.GetGeneration(),
	})
	progress.ObservedGeneration = rev.GetGeneration()
}

// earlierAttempt says what is known of the attempt before the one about to be made, when its
// call may have invalidated credentials without the operator learning so.
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
func previousAttempt(rev securityv1alpha1.Revocation) earlierAttempt {
	ready := meta.FindStatusCondition(rev.GetProgress().Conditions, securityv1alpha1.ReadyCondition)
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

// recordErrors keeps the latest answer's errors.
func recordErrors(rev securityv1alpha1.Revocation, a answer) {
	progress := rev.GetProgress()
	progress.ErrorCount = new(a.errorCount)
	progress.ErrorDetails = errorDetails(a.errorDetails)
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

func metav1Time(t time.Time) *metav1.Time {
	return &metav1.Time{Time: t}
}
