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

package esemulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

func TestStatusFaultsAnswerLikeElasticsearchAndChangeNothing(t *testing.T) {
	tests := []struct {
		status      int
		wantType    string
		wantBody    string
		wantContent string
	}{
		{http.StatusTooManyRequests, "es_rejected_execution_exception", `"reason":"rejected execution of `, "application/json"},
		{http.StatusInternalServerError, "illegal_state_exception", `is not on the current version`, "application/json"},
		{http.StatusServiceUnavailable, "security_exception", `"reason":"unable to perform requested action","caused_by":{"type":"unavailable_shards_exception"`, "application/json"},
		{http.StatusBadGateway, "", "<title>502 Bad Gateway</title>", "text/html"},
		{http.StatusGatewayTimeout, "", "<title>504 Gateway Timeout</title>", "text/html"},
		{http.StatusTeapot, "status_exception", `"reason":"I'm a teapot"`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			pair := f.mint(adminUser)
			f.em.InjectFaults(esemulator.Fault{Status: tt.status})

			r := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)

			g.Expect(r.status).To(Equal(tt.status))
			g.Expect(r.body).To(ContainSubstring(tt.wantBody))
			g.Expect(r.header.Get("Content-Type")).To(Equal(tt.wantContent))
			if tt.wantType != "" {
				g.Expect(r.body).To(HavePrefix(`{"error":{"root_cause":[`))
				g.Expect(r.body).To(ContainSubstring(`],"type":"` + tt.wantType + `"`))
				g.Expect(r.body).To(HaveSuffix(fmt.Sprintf(`"status":%d}`, tt.status)))
			}
			_, access, _ := f.em.TokenState(pair.AccessToken)
			g.Expect(access).To(BeFalse())
			g.Expect(f.em.InvalidateCalls()).To(Equal(int64(1)))
			g.Expect(f.em.PendingFaults()).To(BeZero())
			g.Expect(f.invalidate(`{"token":"`+pair.AccessToken+`"}`).body).To(Equal(counts(1, 0)), "the next call is normal")
		})
	}
}

func TestPartialErrorsFailTheFirstHalvesAndInvalidateTheRest(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	first, second := f.mint(samlUser), f.mint(samlUser)
	f.em.InjectFaults(esemulator.Fault{PartialErrors: 1})

	r := f.invalidate(`{"username":"alice"}`)

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body).To(MatchRegexp(`^\{"invalidated_tokens":3,"previously_invalidated_tokens":0,"error_count":1,"error_details":\[` +
		`\{"type":"exception","reason":"Error invalidating refresh_token: ","caused_by":\{"type":"document_missing_exception",` +
		`"reason":"\[token_[A-Za-z0-9_-]+\]: document missing","index_uuid":"[A-Za-z0-9_-]+","shard":"0","index":".security-tokens-7"\}\}\]\}$`))
	_, _, firstRefresh := f.em.TokenState(first.RefreshToken)
	_, _, secondRefresh := f.em.TokenState(second.RefreshToken)
	g.Expect(firstRefresh && secondRefresh).To(BeFalse(), "one refresh half stayed valid")
	g.Expect(f.invalidate(`{"username":"alice"}`).body).To(Equal(counts(1, 1)), "a retry finishes the job")
}

func TestPartialErrorsOnASingleTokenLeaveItValid(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	f.em.InjectFaults(esemulator.Fault{PartialErrors: 3})

	r := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body).To(HavePrefix(`{"invalidated_tokens":0,"previously_invalidated_tokens":0,"error_count":1,"error_details":[` +
		`{"type":"exception","reason":"Error invalidating access_token: "`))
	_, access, _ := f.em.TokenState(pair.AccessToken)
	g.Expect(access).To(BeFalse())
}

func TestADroppedConnectionChangesNothing(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	f.em.InjectFaults(esemulator.Fault{Drop: true})
	req, err := http.NewRequest(http.MethodDelete, f.srv.URL+tokenPath, strings.NewReader(`{"token":"`+pair.AccessToken+`"}`))
	g.Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", basic(adminUser, adminPassword))
	req.Header.Set("Content-Type", "application/json")

	_, err = f.srv.Client().Do(req)

	g.Expect(err).To(HaveOccurred())
	_, access, _ := f.em.TokenState(pair.AccessToken)
	g.Expect(access).To(BeFalse())
	g.Expect(f.em.InvalidateCalls()).To(Equal(int64(1)))
}

func TestGarbageAnswersAreNotJSONButTheWorkIsDone(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	f.em.InjectFaults(esemulator.Fault{Garbage: true})

	r := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(json.Valid([]byte(r.body))).To(BeFalse())
	g.Expect(r.body).NotTo(ContainSubstring("invalidated_tokens"))
	_, access, _ := f.em.TokenState(pair.AccessToken)
	g.Expect(access).To(BeTrue())
}

func TestNoProductHeaderFaultsOnlyDropTheHeader(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	f.em.InjectFaults(esemulator.Fault{NoProductHeader: true})

	r := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body).To(Equal(counts(1, 0)))
	g.Expect(r.header.Values("X-Elastic-Product")).To(BeEmpty())
}

func TestDelayedAnswersArriveLate(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	const delay = 50 * time.Millisecond
	f.em.InjectFaults(esemulator.Fault{Delay: delay})

	start := time.Now()
	r := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)

	g.Expect(time.Since(start)).To(BeNumerically(">=", delay))
	g.Expect(r.body).To(Equal(counts(1, 0)))
}

func TestADelayTheClientGivesUpOnChangesNothing(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	f.em.InjectFaults(esemulator.Fault{Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, f.srv.URL+tokenPath,
		strings.NewReader(`{"token":"`+pair.AccessToken+`"}`))
	g.Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", basic(adminUser, adminPassword))
	req.Header.Set("Content-Type", "application/json")

	_, err = f.srv.Client().Do(req)
	f.srv.Close() // waits for the handler to return

	g.Expect(err).To(MatchError(context.DeadlineExceeded))
	_, access, _ := f.em.TokenState(pair.AccessToken)
	g.Expect(access).To(BeFalse())
	g.Expect(f.em.InvalidateCalls()).To(Equal(int64(1)))
}

func TestAfterApplyRunsAfterTheChangeAndBeforeTheAnswer(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	applied, release, answered := make(chan struct{}), make(chan struct{}), make(chan reply)
	var invalidatedInside atomic.Bool
	f.em.InjectFaults(esemulator.Fault{AfterApply: func() {
		_, access, _ := f.em.TokenState(pair.AccessToken)
		invalidatedInside.Store(access)
		close(applied)
		<-release
	}})

	go func() { answered <- f.invalidate(`{"token":"` + pair.AccessToken + `"}`) }()
	<-applied
	select {
	case <-answered:
		t.Fatal("answered before AfterApply returned")
	default:
	}
	close(release)
	r := <-answered

	g.Expect(invalidatedInside.Load()).To(BeTrue())
	g.Expect(r.body).To(Equal(counts(1, 0)))
}

func TestFaultsWaitForAnInvalidateThatReachesTheTokenService(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	var hookCalls atomic.Int64
	f.em.SetInvalidateHook(func() { hookCalls.Add(1) })
	f.em.InjectFaults(esemulator.Fault{Status: http.StatusServiceUnavailable}, esemulator.Fault{Status: http.StatusTooManyRequests})

	unauthenticated := f.invalidate(`{"token":"x"}`, "Authorization", "")
	invalid := f.invalidate(`{}`)
	forbidden := f.invalidate(`{"token":"x"}`, "Authorization", basic(weakUser, weakPassword))
	minted := f.getToken(`{"grant_type":"client_credentials"}`)
	first := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)
	second := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)
	third := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)
	f.em.SetInvalidateHook(nil)
	f.invalidate(`{"token":"` + pair.AccessToken + `"}`)

	g.Expect([]int{unauthenticated.status, invalid.status, forbidden.status, minted.status}).To(Equal([]int{401, 400, 403, 200}))
	g.Expect([]int{first.status, second.status, third.status}).To(Equal([]int{503, 429, 200}), "faults apply in order")
	g.Expect(third.body).To(Equal(counts(1, 0)))
	g.Expect(hookCalls.Load()).To(Equal(int64(3)))
	g.Expect(f.em.InvalidateCalls()).To(Equal(int64(4)))
	g.Expect(f.em.Requests()).To(Equal(int64(8)))
}

func TestLatencyIsAddedToEveryRequestAndCanChange(t *testing.T) {
	g := NewWithT(t)
	const latency = 40 * time.Millisecond
	f := newFixture(t, esemulator.WithLatency(latency))

	start := time.Now()
	r := f.send(http.MethodGet, "/", "")
	slow := time.Since(start)
	f.em.SetLatency(0)
	start = time.Now()
	f.send(http.MethodGet, "/", "")
	fast := time.Since(start)

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(slow).To(BeNumerically(">=", latency))
	g.Expect(fast).To(BeNumerically("<", slow))
}
