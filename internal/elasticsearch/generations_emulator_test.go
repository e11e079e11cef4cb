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

package elasticsearch_test

import (
	"context"
	"encoding/pem"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// emulatedCases are learnedCases as the emulator plays them: it routes /_security in 6.7–6.8 (its
// doc.go, note 1), so 6.8 costs one call from the start, and a user's tokens count both halves of
// each of the user's documents still active (elasticsearch-token-api.md §4.3).
func emulatedCases() []genCase {
	cases := learnedCases()
	for i := range cases {
		steps := cases[i].steps
		if cases[i].version == "6.8.23" {
			steps[0].calls = 1
		}
		last := &steps[len(steps)-1]
		if last.kind == "" {
			// pair one: access invalidated, refresh live; pair two: refresh invalidated, access live.
			last.want = es.Result{InvalidatedTokens: 2, PreviouslyInvalidatedTokens: 2}
		}
	}
	return cases
}

func TestInvalidateServesEveryGenerationOfTheEmulator(t *testing.T) {
	eachGeneration(t, emulatedCases(), runEmulatorSteps)
}

// runEmulatorSteps plays c's steps against an emulator of c.version, with the tokens the steps name
// replaced by tokens the emulator minted for the user "alice".
func runEmulatorSteps(t *testing.T, scheme string, c genCase, version string) {
	g := NewWithT(t)
	em := esemulator.New(esemulator.WithVersion(c.version))
	em.AddUser(genUser, genPassword, "")
	em.AddUser(byUser.Username, "pw-Alice-77c1d0", "")
	one, err := em.MintPasswordToken(byUser.Username)
	g.Expect(err).NotTo(HaveOccurred())
	two, err := em.MintPasswordToken(byUser.Username)
	g.Expect(err).NotTo(HaveOccurred())
	srv := startServer(t, scheme, em)
	target := es.Target{URL: srv.URL, Username: genUser, Password: genPassword, Version: version, Timeout: 10 * time.Second}
	if scheme == "https" {
		target.CACert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	}
	minted := map[string]string{validToken.Token: one.AccessToken, validRefresh.RefreshToken: two.RefreshToken}
	if two.RefreshToken == "" {
		// Before 6.2 the password grant gives no refresh token; the request still names one.
		minted[validRefresh.RefreshToken] = validRefresh.RefreshToken
	}
	clients := es.NewClients()
	for _, s := range c.steps {
		g := NewWithT(t)
		req := s.req
		if m, ok := minted[req.Token]; ok && req.Token != "" {
			req.Token = m
		}
		if m, ok := minted[req.RefreshToken]; ok && req.RefreshToken != "" {
			req.RefreshToken = m
		}
		before := em.Requests()

		res, err := clients.Invalidate(context.Background(), target, req)

		g.Expect(em.Requests()-before).To(Equal(int64(s.calls)), "%s: calls", s.name)
		g.Expect(res.Version).To(Equal(s.version), "%s: version", s.name)
		g.Expect(es.KindOf(err)).To(Equal(s.kind), "%s: kind (%v)", s.name, err)
		if s.kind != "" {
			g.Expect(err.Error()).To(ContainSubstring(s.message), s.name)
			continue
		}
		if s.caveat {
			g.Expect(res.Caveat).NotTo(BeEmpty(), "%s: a caveat", s.name)
		} else {
			g.Expect(res.Caveat).To(BeEmpty(), "%s: no caveat", s.name)
		}
		res.Version, res.Caveat = "", ""
		g.Expect(res).To(Equal(s.want), s.name)
	}
}
