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
// answer reaches it, on every third invalidate call, and restarted after each kill. Calls are made
// one at a time (--max-concurrent-reconciles=1), so each kill loses exactly one answer and the
// emulator's count can be checked exactly: one call per revocation, plus one per lost answer.
func TestRevocationsCompleteHonestlyWhenTheManagerIsKilledBetweenTheCallAndTheStatusWrite(t *testing.T) {
	const revocations, killEvery = 10, 3
	g := NewWithT(t)
	es := esemulator.New()
	es.AddUser("elastic", operatorPassword, "")
	es.AddUser("myuser", "myuser-password-restart", "")

	var (
		mu          sync.Mutex
		inFlight    string             // the token of the call the emulator is executing
		callsOf     = map[string]int{} // invalidate calls that reached the token service, per token
		killedCalls = map[string]int{} // of those, the ones whose answer was lost
		calls       int
		env         *localenv.Env
	)
	kills := make(chan string, revocations*2)
	// Calls wait until every revocation is created: the webhook must be up while kubectl applies.
	created := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && r.URL.Path == "/_security/oauth2/token" {
			select {
			case <-created:
			case <-r.Context().Done():
				return
			}
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var request struct {
				Token string `json:"token"`
			}
			_ = json.Unmarshal(body, &request)
			mu.Lock()
			inFlight = request.Token
			mu.Unlock()
		}
		es.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	// Called after the emulator changed the token's state, before it writes the answer.
	es.SetInvalidateHook(func() {
		mu.Lock()
		calls++
		token := inFlight
		callsOf[token]++
		kill := calls%killEvery == 0
		if kill {
			killedCalls[token]++
		}
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
			// The call was recorded before it was made: the status says a call is in flight.
			rev := &securityv1alpha1.TokenRevocation{}
			g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: nameOf[token]}, rev)).To(Succeed())
			g.Expect(rev.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoking))
			g.Expect(readyCondition(rev).Reason).To(Equal(securityv1alpha1.ReasonInvalidating))
			mu.Lock()
			g.Expect(rev.Status.Attempts).To(BeEquivalentTo(callsOf[token]), "the killed attempt is counted")
			mu.Unlock()
			_, err := env.RestartManager()
			g.Expect(err).NotTo(HaveOccurred())
		case <-poll.C:
		case <-deadline:
			t.Fatalf("not every revocation was Revoked within 2 minutes (%d kills)", killCount)
		}
	}

	// With one call at a time, each kill adds one call (the retry), and every third call is killed.
	expectedKills := 0
	for call, total := 1, revocations; call <= total; call++ {
		if call%killEvery == 0 {
			expectedKills++
			total++
		}
	}
	g.Expect(killCount).To(Equal(expectedKills), "10 revocations, a kill on every third call: calls 3, 6, 9 and 12")
	g.Consistently(es.InvalidateCalls).WithTimeout(time.Second).WithPolling(100*time.Millisecond).
		Should(BeEquivalentTo(revocations+killCount), "one call per revocation, plus one per lost answer, and nothing more")

	final := waitForPhases(t, c, 10*time.Second, want)
	mu.Lock()
	defer mu.Unlock()
	var attempts int32
	for token, name := range nameOf {
		rev := final[name]
		attempts += rev.Status.Attempts
		g.Expect(rev.Status.Attempts).To(BeEquivalentTo(callsOf[token]), "%s: status.attempts counts every call", name)
		g.Expect(callsOf[token]).To(Equal(1+killedCalls[token]), "%s: one call, plus one per lost answer", name)
		_, accessInvalidated, _ := es.TokenState(token)
		g.Expect(accessInvalidated).To(BeTrue(), "%s: the token is invalid in Elasticsearch", name)
		message := readyCondition(rev).Message
		if killedCalls[token] > 0 {
			g.Expect(int64Value(rev.Status.InvalidatedTokens)).To(BeZero(), name)
			g.Expect(int64Value(rev.Status.PreviouslyInvalidatedTokens)).To(BeEquivalentTo(1), name)
			g.Expect(message).To(ContainSubstring("the answer to the previous attempt was lost"), name)
			g.Expect(message).To(ContainSubstring("most likely invalidated the tokens found already invalid"), name)
		} else {
			g.Expect(int64Value(rev.Status.InvalidatedTokens)).To(BeEquivalentTo(1), name)
			g.Expect(int64Value(rev.Status.PreviouslyInvalidatedTokens)).To(BeZero(), name)
			g.Expect(message).To(Equal("invalidated 1 tokens, 0 already invalid"), name)
		}
	}
	g.Expect(attempts).To(BeEquivalentTo(calls), "every call is recorded in some status.attempts")
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
