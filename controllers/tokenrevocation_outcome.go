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

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// applyAnswer turns Elasticsearch's answer to attempt number rev.Status.Attempts into status,
// following the reconcile semantics of DESIGN.md, and returns how long to wait before the next
// attempt (0 when there is none). earlier says what is known of the previous attempt.
func applyAnswer(rev *securityv1alpha1.TokenRevocation, result elasticsearch.Result, callErr error,
	policy RetryPolicy, now time.Time, earlier earlierAttempt) time.Duration {
	if result.Version != "" {
		rev.Status.ElasticsearchVersion = result.Version
	}
	if callErr == nil {
		return applyResult(rev, result, policy, now, earlier)
	}
	kind := elasticsearch.KindOf(callErr)
	message := callErr.Error()
	switch kind {
	case elasticsearch.KindUnsupported:
		markFailed(rev, securityv1alpha1.ReasonUnsupportedByElasticsearch, message, now)
		return 0
	case elasticsearch.KindTokenNotFound:
		recordAnswer(rev, elasticsearch.Result{})
		markFailed(rev, securityv1alpha1.ReasonTokenNotFound, message, now)
		return 0
	case elasticsearch.KindInvalidRequest, elasticsearch.KindTokenServiceDisabled:
		markFailed(rev, string(kind), message, now)
		return 0
	case elasticsearch.KindInvalidTarget:
		// The connection is wrong in a way someone can fix (a redirect, a URL whose path answers "no
		// handler found", a client that cannot be built): wait for the fix, checking again with backoff.
		markPending(rev, securityv1alpha1.ReasonInvalidConnection, message)
		return policy.attemptDelay(rev.Status.Attempts)
	}
	wait := policy.attemptDelay(rev.Status.Attempts)
	markRetrying(rev, retryReason(kind), message, wait)
	return wait
}

// applyResult handles an answered call: success, or a partial failure retried a bounded number of times.
func applyResult(rev *securityv1alpha1.TokenRevocation, result elasticsearch.Result, policy RetryPolicy,
	now time.Time, earlier earlierAttempt) time.Duration {
	recordAnswer(rev, result)
	if result.ErrorCount == 0 {
		markRevoked(rev, now, earlier, result.Caveat)
		return 0
	}
	message := partialFailureMessage(result)
	if rev.Status.Attempts >= policy.MaxPartialAttempts {
		markFailed(rev, securityv1alpha1.ReasonPartialFailure,
			fmt.Sprintf("%s; giving up after %d attempts", message, rev.Status.Attempts), now)
		return 0
	}
	wait := policy.attemptDelay(rev.Status.Attempts)
	markRetrying(rev, securityv1alpha1.ReasonPartialFailure, message, wait)
	return wait
}

func partialFailureMessage(result elasticsearch.Result) string {
	message := fmt.Sprintf("Elasticsearch failed to invalidate %d tokens (invalidated %d, %d already invalid)",
		result.ErrorCount, result.InvalidatedTokens, result.PreviouslyInvalidatedTokens)
	if len(result.ErrorDetails) > 0 {
		first := result.ErrorDetails[0]
		message += fmt.Sprintf(": %s: %s", first.Type, first.Reason)
	}
	return message
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
