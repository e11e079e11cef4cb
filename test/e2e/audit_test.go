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
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// auditBurst is the size of the burst whose every call must be in the audit log: controller-runtime's
// production logger keeps only the first 100 lines of a message per second, then one in 100.
const auditBurst = 2000

func TestTheAuditLogHasOneLineForEveryCallAndOutcomeOfABurst(t *testing.T) {
	g := NewWithT(t)
	env, logs := startLocalEnv(t, localenv.Options{Username: "elastic", Password: "changeme-audit"})
	c := kubeClient(t, env)

	createConcurrently(t, c, auditBurst, func(i int) *securityv1alpha1.TokenRevocation {
		rev := revocation(fmt.Sprintf("audit-%04d", i), securityv1alpha1.TokenRevocationSpec{
			Username: new(fmt.Sprintf("user-%d", i)), Reason: new("INC-AUDIT")})
		return rev
	})
	g.Eventually(func(g Gomega) {
		var list securityv1alpha1.TokenRevocationList
		g.Expect(c.List(context.Background(), &list, client.InNamespace("default"))).To(Succeed())
		revoked := 0
		for _, rev := range list.Items {
			if rev.Status.Phase == securityv1alpha1.PhaseRevoked {
				revoked++
			}
		}
		g.Expect(revoked).To(Equal(auditBurst))
	}).WithTimeout(5 * time.Minute).WithPolling(time.Second).Should(Succeed())

	lines := auditLines(logs.String())
	g.Expect(lines["Invalidate call answered"]).To(Equal(auditBurst), "one line per call")
	g.Expect(lines["TokenRevocation Revoked"]).To(Equal(auditBurst), "one line per outcome")
	g.Expect(logs.String()).To(ContainSubstring(`"requester":"`), "audit lines name the requester")
	g.Expect(logs.String()).To(ContainSubstring(`"reason":"INC-AUDIT"`), "and the reason")
}

// auditLines counts the audit logger's lines by message.
func auditLines(logs string) map[string]int {
	counts := map[string]int{}
	for line := range strings.SplitSeq(logs, "\n") {
		if !strings.Contains(line, `"logger":"audit"`) {
			continue
		}
		for _, msg := range []string{"Invalidate call answered", "TokenRevocation Revoked"} {
			if strings.Contains(line, `"msg":"`+msg+`"`) {
				counts[msg]++
			}
		}
	}
	return counts
}

// createConcurrently creates n objects with 16 workers, as a pipeline applying a directory would.
func createConcurrently(t *testing.T, c client.Client, n int, object func(i int) *securityv1alpha1.TokenRevocation) {
	t.Helper()
	work := make(chan int)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := range work {
				if err := c.Create(context.Background(), object(i)); err != nil {
					t.Errorf("creating revocation %d: %v", i, err)
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}
