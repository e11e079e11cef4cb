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
	"context"
	"fmt"
	"strings"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// revocationKind is what one kind of revocation adds to the shared machinery: its object, the
// call it makes (built from its spec and the values it reads from Secrets), and where the counts
// of an answer go in its status. Everything else (target, requester, write-ahead record,
// retries, conditions, events, audit, metrics) is the machinery's.
type revocationKind[T securityv1alpha1.Revocation] interface {
	// names are the kind's names, for messages, logs and metrics.
	names() kindNames
	// newObject returns an empty object of the kind, to read into.
	newObject() T
	// prepare reads the values rev names from their Secrets, records in rev's status what
	// identifies them (never the values), and returns the call to make. A *targets.Problem
	// says what someone must fix first.
	prepare(ctx context.Context, rev T) (invalidateCall, error)
	// record adds an answer's counts to rev's status: what was invalidated adds up over
	// attempts, what was already invalid is the first answer's.
	record(rev T, a answer)
	// totals are what rev's status records as invalidated and already invalid, over all attempts.
	totals(rev T) (invalidated, previously int64)
	// auditValues are the key/value pairs that identify what rev revokes in the audit log.
	auditValues(rev T) []any
}

// invalidateCall makes one invalidate call to target, or, for a list, one call per listed
// credential; env is what the machinery lends it for that.
type invalidateCall func(ctx context.Context, target elasticsearch.Target, env callEnv) (answer, error)

// callEnv is what the machinery lends a call: the per-target limit on calls in flight, and, for
// a call that makes many, a way to record its progress.
type callEnv struct {
	limiter *TargetLimiter
	// audit is the revocation's audit log, for a call that logs each of its calls.
	audit logr.Logger
	// stopping is closed when the manager stops: a call that makes many makes no new one then.
	stopping <-chan struct{}
	// recordProgress writes the revocation's status as the call has changed it so far, with
	// optimistic locking; after an error the call must stop making calls.
	recordProgress func(ctx context.Context) error
}

// failure is why a revocation can never be sent: prepare returns it, and the revocation fails
// for good without any call (a list that cannot be read as tokens, for example).
type failure struct {
	reason, message string
}

func (f *failure) Error() string { return f.message }

// answer is what an Elasticsearch invalidate call reported, in the terms every kind shares.
// An answer that comes with an error carries only version.
type answer struct {
	invalidated, previouslyInvalidated, errorCount int64
	// invalidatedIDs are the ids of what this call invalidated, when Elasticsearch names them.
	invalidatedIDs []string
	errorDetails   []elasticsearch.ErrorCause
	// version is what is known of the target's version after the call ("" if nothing).
	version string
	// caveat says what the answer could not tell, for the Revoked message ("" if nothing).
	caveat string
}

// kindNames are a kind's names.
type kindNames struct {
	// kind is the API kind, such as "TokenRevocation".
	kind string
	// logKey names the object in log lines, such as "tokenRevocation".
	logKey string
	// singular and plural name what the kind revokes, such as "token" and "tokens".
	singular, plural string
	// invalidatedField and previouslyField name the status fields of the totals, such as
	// "invalidatedTokens": the audit log uses the same keys.
	invalidatedField, previouslyField string
	// invalidatedCounter counts what Elasticsearch invalidated.
	invalidatedCounter prometheus.Counter
}

// revokedMessage summarises a Revoked revocation's totals, and what is known of an earlier
// attempt that may have invalidated what was found already invalid.
func (n kindNames) revokedMessage(invalidated, previously int64, earlier earlierAttempt) string {
	message := fmt.Sprintf("invalidated %d %s, %d already invalid", invalidated, n.plural, previously)
	switch {
	case earlier == earlierLost && previously > 0:
		message += "; the answer to the previous attempt was lost (the operator stopped mid-call), " +
			"and that attempt most likely invalidated the " + n.plural + " found already invalid"
	case earlier == earlierUnreadable && previously > 0:
		message += "; the previous attempt got no answer the operator could read (Elasticsearch unavailable), " +
			"and may have invalidated the " + n.plural + " found already invalid"
	case invalidated == 0 && previously == 0:
		message += ": no active " + n.singular + " matched"
	}
	return message
}

// partialFailureMessage describes an answer with error_details.
func (n kindNames) partialFailureMessage(a answer) string {
	message := fmt.Sprintf("Elasticsearch failed to invalidate %d %s (invalidated %d, %d already invalid)",
		a.errorCount, n.plural, a.invalidated, a.previouslyInvalidated)
	if len(a.errorDetails) > 0 {
		first := a.errorDetails[0]
		message += fmt.Sprintf(": %s: %s", first.Type, first.Reason)
	}
	return message
}

// controllerName is the name of the kind's controller, such as "tokenrevocation".
func (n kindNames) controllerName() string {
	return strings.ToLower(n.kind)
}
