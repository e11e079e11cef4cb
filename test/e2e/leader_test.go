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
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// leaseName is the manager's leader election lease (LeaderElectionID in main.go).
const leaseName = "token-revocation-operator.security.esrevoke.io"

// Two replicas of the manager with leader election, against one API server and one Elasticsearch
// (served in process, to count the calls).
//
// The webhook: the API server calls one webhook port, and two processes on one machine cannot both
// listen on it (in a cluster, a Service spreads the calls over every replica). So the first replica
// runs without its webhook server (ENABLE_WEBHOOKS=false) and is started alone, so that it takes the
// lease; the second serves the webhook and stands by. Killing the leader then leaves the webhook up,
// and the revocations created while the standby takes over are admitted as in a cluster.
func TestTwoReplicasMakeOneCallPerRevocationAndTheStandbyTakesOverWhenTheLeaderIsKilled(t *testing.T) {
	const burst = 20
	g := NewWithT(t)
	es := esemulator.New()
	es.AddUser("elastic", operatorPassword, "")
	es.AddUser("myuser", "myuser-password-leader", "")
	server := httptest.NewServer(es)
	t.Cleanup(server.Close)

	env, _ := startLocalEnv(t, localenv.Options{
		ElasticsearchURL: server.URL, Username: "elastic", Password: operatorPassword, NoManager: true,
		ManagerArgs: []string{"--leader-elect", "--leader-election-namespace=default", "--retry-base-delay=100ms"},
	})
	c := kubeClient(t, env)
	leader, err := env.StartManager(localenv.ManagerOptions{NoWebhook: true})
	g.Expect(err).NotTo(HaveOccurred())
	var leaderIdentity string
	g.Eventually(func() (string, error) {
		leaderIdentity, err = leaseHolder(c)
		return leaderIdentity, err
	}).WithTimeout(time.Minute).WithPolling(200*time.Millisecond).ShouldNot(BeEmpty(), "the only replica takes the lease")
	standby, err := env.StartManager(localenv.ManagerOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	tokens := map[string]string{}
	createBurst := func(first int) map[string]expectedPhase {
		want := map[string]expectedPhase{}
		objects := make([]client.Object, 0, burst)
		for i := first; i < first+burst; i++ {
			pair, err := es.MintPasswordToken("myuser")
			g.Expect(err).NotTo(HaveOccurred())
			name := fmt.Sprintf("replica-%02d", i)
			tokens[name], want[name] = pair.AccessToken, revokedPhase
			objects = append(objects, revocation(name, securityv1alpha1.TokenRevocationSpec{Token: &pair.AccessToken}))
		}
		kubectlApply(t, env, objects...)
		return want
	}

	waitForPhases(t, c, time.Minute, createBurst(0))
	g.Consistently(es.InvalidateCalls).WithTimeout(time.Second).WithPolling(100*time.Millisecond).
		Should(BeEquivalentTo(burst), "one call per revocation: the standby makes none")
	g.Expect(leaseHolder(c)).To(Equal(leaderIdentity), "the first replica led throughout")

	// SIGKILL: the leader cannot release its lease; the standby takes over once the lease expires
	// (15s by default), and completes what was created meanwhile.
	leader.Kill()
	second := createBurst(burst)
	waitForPhases(t, c, time.Minute, second)
	g.Expect(leaseHolder(c)).NotTo(Equal(leaderIdentity), "the standby holds the lease")
	g.Expect(standby.Exited()).NotTo(BeClosed())
	g.Consistently(es.InvalidateCalls).WithTimeout(time.Second).WithPolling(100*time.Millisecond).
		Should(BeEquivalentTo(2*burst), "still one call per revocation")

	for name, token := range tokens {
		rev := &securityv1alpha1.TokenRevocation{}
		g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: name}, rev)).To(Succeed())
		g.Expect(rev.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked), name)
		g.Expect(rev.Status.Attempts).To(BeEquivalentTo(1), name)
		g.Expect(int64Value(rev.Status.InvalidatedTokens)).To(BeEquivalentTo(1), name)
		_, accessInvalidated, _ := es.TokenState(token)
		g.Expect(accessInvalidated).To(BeTrue(), name)
	}
}

// leaseHolder is the identity of the replica holding the leader election lease ("" if none yet).
func leaseHolder(c client.Client) (string, error) {
	lease := &coordinationv1.Lease{}
	err := c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: leaseName}, lease)
	if client.IgnoreNotFound(err) != nil {
		return "", err
	}
	if lease.Spec.HolderIdentity == nil {
		return "", nil
	}
	return *lease.Spec.HolderIdentity, nil
}
