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
	"time"
)

// RetryPolicy says when the reconciler tries again. It is the only retry policy: the
// Elasticsearch client's own retries are off.
type RetryPolicy struct {
	// BaseDelay is the wait after the first failed attempt; it doubles with every attempt.
	BaseDelay time.Duration
	// MaxDelay caps the wait between attempts.
	MaxDelay time.Duration
	// PendingMaxDelay caps the wait between checks of a pending revocation, so that one waiting
	// for a Secret is picked up within seconds of the Secret's creation without watching Secrets
	// (the operator may only get them). Zero means MaxDelay.
	PendingMaxDelay time.Duration
	// MaxPartialAttempts is the number of attempts after which a revocation that Elasticsearch
	// keeps answering with error_details is given up as Failed.
	MaxPartialAttempts int32
}

// DefaultRetryPolicy suits incident response: quick first retries, a wait capped at five minutes,
// and a pending revocation checked again at least every ten seconds (one GET per check).
var DefaultRetryPolicy = RetryPolicy{BaseDelay: time.Second, MaxDelay: 5 * time.Minute,
	PendingMaxDelay: 10 * time.Second, MaxPartialAttempts: 5}

// attemptDelay is the wait before the attempt that follows attempt number attempts (1-based):
// BaseDelay, 2×BaseDelay, 4×BaseDelay, ... capped at MaxDelay.
func (p RetryPolicy) attemptDelay(attempts int32) time.Duration {
	delay := p.BaseDelay
	for i := int32(1); i < attempts && delay < p.MaxDelay; i++ {
		delay *= 2
	}
	return min(delay, p.MaxDelay)
}

// pendingDelay is the wait before checking again a revocation that has been pending for the
// given time. Waiting as long as it has already waited doubles the interval at every check,
// an exponential backoff that needs no counter, capped at PendingMaxDelay.
func (p RetryPolicy) pendingDelay(pendingFor time.Duration) time.Duration {
	limit := p.MaxDelay
	if p.PendingMaxDelay > 0 {
		limit = min(limit, p.PendingMaxDelay)
	}
	return min(max(pendingFor, p.BaseDelay), limit)
}
