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

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// The manager is killed with SIGKILL while Elasticsearch has applied an invalidation and before the
// answer reaches it, and restarted after each kill. Two kinds of call are killed: a revocation's
// first call, which is not recorded before it is made (the fast path), and a retry, which is.
// Revocations with an odd index get a 503 to their first call (before the token service), so
// that their next call is a retry. The first call that reaches the token service is killed for
// revocations 0 to 3: two first calls, two retries. Calls are made one at a time
// (--max-concurrent-reconciles=1), so the emulator's count can be checked exactly.
func TestRevocationsCompleteHonestlyWhenTheManagerIsKilledBetweenTheCallAndTheStatusWrite(t *testing.T) {
	const revocations, killed = 10, 4
	g := NewWithT(t)
	es := esemulator.New()
	es.AddUser("elastic", operatorPassword, "")
	es.AddUser("myuser", "myuser-password-restart", "")

	var (
		mu        sync.Mutex
		inFlight  string             // the token of the call the emulator is executing
		indexOf   = map[string]int{} // the revocation's index, per token
		callsOf   = map[string]int{} // invalidate calls that reached the token service, per token
		refusedOf = map[string]int{} // calls answered 503 before the token service, per token
		env       *localenv.Env
	)
	kills := make(chan string, revocations)
	// Calls wait until every revocation is created: the webhook must be up while kubectl applies.
	created := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && r.URL.Path == "/_security/oauth2/token" {
			select {
			case <-created:
			case <-r.Context().Done():
				return
			}
			token := requestedToken(r)
			mu.Lock()
			refuse := indexOf[token]%2 == 1 && refusedOf[token] == 0
			if refuse {
				refusedOf[token]++
			}
			inFlight = token
			mu.Unlock()
			if refuse {
				w.Header().Set("X-Elastic-Product", "Elasticsearch")
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
		}
		es.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	// Called after the emulator changed the token's state, before it writes the answer.
	es.SetInvalidateHook(func() {
		mu.Lock()
		token := inFlight
		callsOf[token]++
		kill := indexOf[token] < killed && callsOf[token] == 1
		mu.Unlock()
		if kill {
			env.Manager().Kill()
			kills <- token
		}
	})

	env, _ = startLocalEnv(t, localenv.Options{
		ElasticsearchURL: server.URL, Username: "elastic", Password: operatorPassword,
		ManagerArgs: []string{"--max-concurrent-reconciles=1", "--retry-base-delay=100ms", "--retry-max-delay=1s"},
	})
	c := kubeClient(t, env)

	nameOf := map[string]string{}
	objects := make([]client.Object, 0, revocations)
	want := map[string]expectedPhase{}
	for i := range revocations {
		pair, err := es.MintPasswordToken("myuser")
		g.Expect(err).NotTo(HaveOccurred())
		name := fmt.Sprintf("restart-%02d", i)
		mu.Lock()
		indexOf[pair.AccessToken] = i
		mu.Unlock()
		nameOf[pair.AccessToken] = name
		want[name] = revokedPhase
		objects = append(objects, revocation(name, securityv1alpha1.TokenRevocationSpec{
			Token: &pair.AccessToken, Reason: new("INC-restart: kill the manager mid-call")}))
	}
	kubectlApply(t, env, objects...)
	close(created)

	killCount := 0
	deadline := time.After(2 * time.Minute)
	poll := time.NewTicker(200 * time.Millisecond)
	defer poll.Stop()
	for !allInPhase(c, want) {
		select {
		case token := <-kills:
			killCount++
			rev := &securityv1alpha1.TokenRevocation{}
			g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: nameOf[token]}, rev)).To(Succeed())
			mu.Lock()
			expectCallInFlightRecorded(g, rev, refusedOf[token] > 0)
			mu.Unlock()
			_, err := env.RestartManager()
			g.Expect(err).NotTo(HaveOccurred())
		case <-poll.C:
		case <-deadline:
			t.Fatalf("not every revocation was Revoked within 2 minutes (%d kills)", killCount)
		}
	}
	g.Expect(killCount).To(Equal(killed))
	g.Consistently(es.InvalidateCalls).WithTimeout(time.Second).WithPolling(100*time.Millisecond).
		Should(BeEquivalentTo(revocations+killed), "one call per revocation, plus one per lost answer, and nothing more")

	final := waitForPhases(t, c, 10*time.Second, want)
	mu.Lock()
	defer mu.Unlock()
	for token, name := range nameOf {
		i, rev := indexOf[token], final[name]
		_, accessInvalidated, _ := es.TokenState(token)
		g.Expect(accessInvalidated).To(BeTrue(), "%s: the token is invalid in Elasticsearch", name)
		lost := 0
		if i < killed {
			lost = 1
		}
		g.Expect(callsOf[token]).To(Equal(1+lost), "%s: one call, plus one per lost answer", name)
		expectHonestRecord(g, rev, lost == 1, refusedOf[token] > 0, callsOf[token])
	}
}

// expectCallInFlightRecorded checks the status of a revocation whose call was just killed: a
// first call is not recorded (the fast path), a retry is.
func expectCallInFlightRecorded(g Gomega, rev *securityv1alpha1.TokenRevocation, retry bool) {
	if !retry {
		g.Expect(rev.Status.Attempts).To(BeZero(), "%s: a first call is not recorded before it is made", rev.Name)
		return
	}
	g.Expect(rev.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoking), rev.Name)
	g.Expect(readyCondition(rev).Reason).To(Equal(securityv1alpha1.ReasonInvalidating), rev.Name)
	g.Expect(rev.Status.Attempts).To(BeEquivalentTo(2), "%s: the 503, then the retry recorded before it was made", rev.Name)
}

// expectHonestRecord checks a revoked revocation's counters, attempts and message.
func expectHonestRecord(g Gomega, rev *securityv1alpha1.TokenRevocation, lost, refusedFirst bool, calls int) {
	name, message := rev.Name, readyCondition(rev).Message
	attempts := calls
	if refusedFirst {
		attempts++ // the 503 is an attempt
	}
	if lost && !refusedFirst {
		attempts-- // the killed first call left no record
	}
	g.Expect(rev.Status.Attempts).To(BeEquivalentTo(attempts), "%s: status.attempts counts every recorded call", name)
	if !lost {
		g.Expect(int64Value(rev.Status.InvalidatedTokens)).To(BeEquivalentTo(1), name)
		g.Expect(int64Value(rev.Status.PreviouslyInvalidatedTokens)).To(BeZero(), name)
		g.Expect(message).To(Equal("invalidated 1 tokens, 0 already invalid"), name)
		return
	}
	g.Expect(int64Value(rev.Status.InvalidatedTokens)).To(BeZero(), name)
	g.Expect(int64Value(rev.Status.PreviouslyInvalidatedTokens)).To(BeEquivalentTo(1), "%s: the lost call invalidated it", name)
	if refusedFirst {
		g.Expect(message).To(ContainSubstring("the answer to the previous attempt was lost"), name)
		g.Expect(message).To(ContainSubstring("most likely invalidated the tokens found already invalid"), name)
	} else {
		g.Expect(message).To(Equal("invalidated 0 tokens, 1 already invalid"), name)
	}
}

// requestedToken reads the token of an invalidate request, leaving the body for the emulator.
func requestedToken(r *http.Request) string {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var request struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal(body, &request)
	return request.Token
}

// allInPhase reports whether every named revocation (in namespace default) is in its expected phase.
func allInPhase(c client.Client, want map[string]expectedPhase) bool {
	for name, expected := range want {
		rev := &securityv1alpha1.TokenRevocation{}
		if err := c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: name}, rev); err != nil {
			return false
		}
		if rev.Status.Phase != expected.phase || readyCondition(rev).Reason != expected.reason {
			return false
		}
	}
	return true
}
