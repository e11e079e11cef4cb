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
	"net/http"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// These tests pin down what the reconciler writes, and when, relative to its calls to
// Elasticsearch: the first call's answer is the pass's only status write (the fast path of a
// burst), a retry is recorded before it is made, and an outdated read never leads to a call.

// timeline is the ordered record of a test's invalidate calls and status writes.
type timeline struct {
	mu      sync.Mutex
	entries []string
}

func (l *timeline) add(entry string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, entry)
}

func (l *timeline) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.entries...)
}

// callsInto adds "call" to the timeline for every invalidate request Elasticsearch receives.
func callsInto(l *timeline) func(http.Handler) http.Handler {
	return func(es http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete && r.URL.Path == "/_security/oauth2/token" {
				l.add("call")
			}
			es.ServeHTTP(w, r)
		})
	}
}

// observedClient lets a test see what the reconciler writes, and change what it reads.
type observedClient struct {
	client.Client
	afterGet         func(obj client.Object)
	afterStatusPatch func(obj client.Object)
}

func (c *observedClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	err := c.Client.Get(ctx, key, obj, opts...)
	if err == nil && c.afterGet != nil {
		c.afterGet(obj)
	}
	return err
}

func (c *observedClient) Status() client.SubResourceWriter {
	return &observedStatusWriter{SubResourceWriter: c.Client.Status(), after: c.afterStatusPatch}
}

type observedStatusWriter struct {
	client.SubResourceWriter
	after func(obj client.Object)
}

func (w *observedStatusWriter) Patch(ctx context.Context, obj client.Object, patch client.Patch,
	opts ...client.SubResourcePatchOption) error {
	err := w.SubResourceWriter.Patch(ctx, obj, patch, opts...)
	if err == nil && w.after != nil {
		w.after(obj)
	}
	return err
}

// statusWritesInto adds "status <Ready reason> <attempts>" to the timeline for every status write.
func statusWritesInto(l *timeline) harnessOption {
	return withClient(func(c client.Client) client.Client { return recordingStatusWrites(c, l) })
}

func recordingStatusWrites(c client.Client, l *timeline) *observedClient {
	return &observedClient{Client: c, afterStatusPatch: func(obj client.Object) {
		rev := obj.(*securityv1alpha1.TokenRevocation)
		l.add(fmt.Sprintf("status %s %d", readyReason(rev), rev.Status.Attempts))
	}}
}

func TestAFirstCallThatSucceedsIsOneStatusWriteAndOneEvent(t *testing.T) {
	g := NewWithT(t)
	var l timeline
	h := newHarness(t, callsInto(&l), statusWritesInto(&l))
	pair := h.mint(esUser)

	rev := h.create(securityv1alpha1.TokenRevocationSpec{Token: str(pair.AccessToken)})
	h.waitFor(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	h.expectEventReasons(rev, EventRevoked)

	want := []string{"call", "status Revoked 1"}
	g.Eventually(l.get).WithTimeout(waitTimeout).Should(Equal(want), "one call, then one status write with its answer")
	g.Consistently(l.get).WithTimeout(500*time.Millisecond).Should(Equal(want), "and nothing more")
}

func TestARetryIsRecordedBeforeItIsMade(t *testing.T) {
	g := NewWithT(t)
	var l timeline
	h := newHarness(t, callsInto(&l), statusWritesInto(&l))
	h.es.InjectFaults(esemulatorUnavailable())
	pair := h.mint(esUser)

	rev := h.create(securityv1alpha1.TokenRevocationSpec{Token: str(pair.AccessToken)})
	h.waitFor(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Eventually(l.get).WithTimeout(waitTimeout).Should(Equal([]string{
		"call", "status ElasticsearchUnavailable 1",
		"status Invalidating 2", "call", "status Revoked 2",
	}), "the first answer, then the retry recorded, made, and answered")
}

func TestAPassThatReadsAnOutdatedStatusWaitsInsteadOfCalling(t *testing.T) {
	g := NewWithT(t)
	var l timeline
	var (
		mu         sync.Mutex
		firstRead  *securityv1alpha1.TokenRevocation
		staleReads int
	)
	const staleReadsWanted = 3
	marker := fmt.Sprintf("INC-outdated-reads-%d", time.Now().UnixNano())
	// The first read of this test's revocation (other tests' may be in the cache) is served again
	// for the next reads: a cache that has not seen the status written after the first call yet.
	outdatedReads := withClient(func(c client.Client) client.Client {
		observed := recordingStatusWrites(c, &l)
		observed.afterGet = func(obj client.Object) {
			rev, ok := obj.(*securityv1alpha1.TokenRevocation)
			if !ok || ptr.Deref(rev.Spec.Reason, "") != marker {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case firstRead == nil:
				firstRead = rev.DeepCopy()
			case staleReads < staleReadsWanted:
				staleReads++
				firstRead.DeepCopyInto(rev)
			}
		}
		return observed
	})
	h := newHarness(t, callsInto(&l), outdatedReads)
	h.es.InjectFaults(esemulatorUnavailable())
	pair := h.mint(esUser)

	rev := h.create(securityv1alpha1.TokenRevocationSpec{Token: str(pair.AccessToken), Reason: str(marker)})
	revoked := h.waitFor(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Eventually(l.get).WithTimeout(waitTimeout).Should(Equal([]string{
		"call", "status ElasticsearchUnavailable 1",
		"status Invalidating 2", "call", "status Revoked 2",
	}), "no call on an outdated read: the retry waits until the cache shows the first answer")
	mu.Lock()
	g.Expect(staleReads).To(Equal(staleReadsWanted), "the reconciler read the outdated status")
	mu.Unlock()
	g.Expect(revoked.Status.Attempts).To(BeEquivalentTo(h.es.InvalidateCalls()), "every call is counted")
}
