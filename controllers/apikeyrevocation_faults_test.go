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
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/utils/ptr"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// The fault matrix of ApiKeyRevocation: one revocation of one API key by id per row, against one
// fault of Elasticsearch or its connection, and the record it must leave. The machinery is the
// TokenRevocation's (fault_matrix_test.go covers it row by row); these rows show the API-key call
// classifies and records each fault the same way, and invalidates the key exactly once.
func TestApiKeyRevocationsRecordEveryFaultAndInvalidateTheKeyOnce(t *testing.T) {
	tests := []struct {
		name           string
		requestTimeout time.Duration
		faults         []esemulator.Fault
		attempts       int32
		// message is the Revoked message: a key invalidated by an attempt whose answer was lost is
		// not reported again (Elasticsearch searches only valid keys), and the message says so.
		message   string
		retryCase string
	}{
		{name: "a 503 is retried", faults: []esemulator.Fault{{Status: http.StatusServiceUnavailable}}, attempts: 2,
			message: "invalidated 1 API keys, 0 already invalid", retryCase: "503"},
		{name: "a 429 is retried", faults: []esemulator.Fault{{Status: http.StatusTooManyRequests}}, attempts: 2,
			message: "invalidated 1 API keys, 0 already invalid", retryCase: "429"},
		{name: "a proxy's 502 page is retried", faults: []esemulator.Fault{{Status: http.StatusBadGateway}}, attempts: 2,
			message: "invalidated 1 API keys, 0 already invalid", retryCase: "502"},
		{name: "a dropped connection is retried", faults: []esemulator.Fault{{Drop: true}}, attempts: 2,
			message: "invalidated 1 API keys, 0 already invalid", retryCase: "closed before Elasticsearch answered"},
		{name: "a call outlasting the request timeout is retried", requestTimeout: 300 * time.Millisecond,
			faults: []esemulator.Fault{{Delay: 2 * time.Second}}, attempts: 2,
			message: "invalidated 1 API keys, 0 already invalid", retryCase: "timed out after 300ms"},
		{name: "a partial failure is retried", faults: []esemulator.Fault{{PartialErrors: 1}}, attempts: 2,
			message: "invalidated 1 API keys, 0 already invalid", retryCase: "failed to invalidate 1 API keys"},
		{name: "an answer that is not Elasticsearch's is retried, and the lost answer said", faults: []esemulator.Fault{{Garbage: true}},
			attempts: 2, retryCase: "ElasticsearchUnavailable",
			message: "not invalidated by this call"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			var opts []harnessOption
			if tc.requestTimeout > 0 {
				opts = append(opts, withRequestTimeout(tc.requestTimeout))
			}
			h := newHarness(t, nil, opts...)
			id, _, _ := h.es.CreateAPIKey("elastic", "integration")
			h.es.InjectFaults(tc.faults...)

			rev := h.waitForKeys(h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{id}}),
				securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

			g.Expect(rev.Status.Attempts).To(Equal(tc.attempts))
			g.Expect(keysReadyMessage(rev)).To(ContainSubstring(tc.message))
			g.Expect(ptr.Deref(rev.Status.InvalidatedApiKeys, -1)+ptr.Deref(rev.Status.PreviouslyInvalidatedApiKeys, -1)).
				To(BeNumerically("<=", 1), "the key is counted at most once")
			_, invalidated := h.es.APIKeyState(id)
			g.Expect(invalidated).To(BeTrue())
			events := h.expectEventReasons(rev, EventRetrying, EventRevoked)
			notes := ""
			for _, e := range events {
				notes += e.Reason + ": " + e.Note + "\n"
			}
			g.Expect(notes).To(ContainSubstring(tc.retryCase))
		})
	}
}
