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
	"fmt"
	"time"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// finalFailures are the kinds of outcome that can never succeed, with their condition reasons:
// retrying would send the same request for the same answer.
var finalFailures = map[elasticsearch.Kind]string{
	elasticsearch.KindUnsupported:           securityv1alpha1.ReasonUnsupportedByElasticsearch,
	elasticsearch.KindTokenNotFound:         securityv1alpha1.ReasonTokenNotFound,
	elasticsearch.KindInvalidRequest:        securityv1alpha1.ReasonInvalidRequest,
	elasticsearch.KindTokenServiceDisabled:  securityv1alpha1.ReasonTokenServiceDisabled,
	elasticsearch.KindAPIKeyServiceDisabled: securityv1alpha1.ReasonAPIKeyServiceDisabled,
}

// applyAnswer turns Elasticsearch's answer to attempt number Attempts into status, following the
// reconcile semantics of DESIGN.md, and returns how long to wait before the next attempt (0 when
// there is none). earlier says what is known of the previous attempt.
func applyAnswer[T securityv1alpha1.Revocation](k revocationKind[T], rev T, a answer, callErr error,
	policy RetryPolicy, now time.Time, earlier earlierAttempt) time.Duration {
	progress := rev.GetProgress()
	if a.version != "" {
		progress.ElasticsearchVersion = a.version
	}
	if callErr == nil {
		return applyResult(k, rev, a, policy, now, earlier)
	}
	var final *failure
	if errors.As(callErr, &final) {
		markFailed(rev, final.reason, final.message, now)
		return 0
	}
	kind := elasticsearch.KindOf(callErr)
	if reason, final := finalFailures[kind]; final {
		if kind == elasticsearch.KindTokenNotFound {
			// Elasticsearch answered: nothing matched.
			k.record(rev, answer{})
			recordErrors(rev, answer{})
		}
		markFailed(rev, reason, callErr.Error(), now)
		return 0
	}
	wait := policy.attemptDelay(progress.Attempts)
	if kind == elasticsearch.KindInvalidTarget {
		// The connection is wrong in a way someone can fix (a redirect, a URL whose path answers "no
		// handler found", a client that cannot be built): wait for the fix, checking again with backoff.
		markPending(rev, securityv1alpha1.ReasonInvalidConnection, callErr.Error())
		return wait
	}
	markRetrying(rev, retryReason(kind), callErr.Error(), wait)
	return wait
}

// applyResult handles an answered call: success, or a partial failure retried a bounded number of times.
func applyResult[T securityv1alpha1.Revocation](k revocationKind[T], rev T, a answer, policy RetryPolicy,
	now time.Time, earlier earlierAttempt) time.Duration {
	k.record(rev, a)
	recordErrors(rev, a)
	names, attempts := k.names(), rev.GetProgress().Attempts
	if a.errorCount == 0 {
		invalidated, previously := k.totals(rev)
		message := names.revokedMessage(invalidated, previously, earlier)
		if a.caveat != "" {
			message += "; " + a.caveat
		}
		markRevoked(rev, message, now)
		return 0
	}
	message := names.partialFailureMessage(a)
	if attempts >= policy.MaxPartialAttempts {
		markFailed(rev, securityv1alpha1.ReasonPartialFailure,
			fmt.Sprintf("%s; giving up after %d attempts", message, attempts), now)
		return 0
	}
	wait := policy.attemptDelay(attempts)
	markRetrying(rev, securityv1alpha1.ReasonPartialFailure, message, wait)
	return wait
}

// retryReason names the condition reason of a retryable failure.
func retryReason(kind elasticsearch.Kind) string {
	switch kind {
	case elasticsearch.KindUnauthorized:
		return securityv1alpha1.ReasonUnauthorized
	case elasticsearch.KindForbidden:
		return securityv1alpha1.ReasonForbidden
	default:
		return securityv1alpha1.ReasonElasticsearchUnavailable
	}
}
