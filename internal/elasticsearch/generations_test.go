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
)

// genStep is one revocation in a sequence sent to one generation through one Clients.
type genStep struct {
	name string
	req  es.InvalidateRequest
	want es.Result // Version and Caveat are checked through version and caveat
	kind es.Kind
	// message is a substring of the error's message.
	message string
	// calls is how many HTTP requests the step makes.
	calls int
	// version is Result.Version after the step.
	version string
	caveat  bool
}

var (
	validToken     = es.InvalidateRequest{Token: "dG9rLTEtdmFsaWQtYWNjZXNz"}
	unknownToken   = es.InvalidateRequest{Token: "dG9rLXVua25vd24tYWNjZXNz"}
	validRefresh   = es.InvalidateRequest{RefreshToken: "cmVmLTEtdmFsaWQ"}
	unknownRefresh = es.InvalidateRequest{RefreshToken: "cmVmLXVua25vd24"}
	byUser         = es.InvalidateRequest{Username: "alice"}
	otherTokens    = []string{"dG9rLTItb3RoZXI", "dG9rLTMtb3RoZXI"}
)

// genCase is a generation and what a target learns of it, when nothing is configured.
type genCase struct {
	version string
	steps   []genStep
}

func invalidated(n int64) es.Result { return es.Result{InvalidatedTokens: n} }
func previously(n int64) es.Result  { return es.Result{PreviouslyInvalidatedTokens: n} }
func step(name string, req es.InvalidateRequest) genStep {
	return genStep{name: name, req: req, calls: 1}
}

func (s genStep) result(r es.Result) genStep          { s.want = r; return s }
func (s genStep) fails(k es.Kind, msg string) genStep { s.kind, s.message = k, msg; return s }
func (s genStep) costs(n int) genStep                 { s.calls = n; return s }
func (s genStep) learns(v string) genStep             { s.version = v; return s }
func (s genStep) withCaveat() genStep                 { s.caveat = true; return s }

// learnedCases are the generations of issue 11 seen by a target without a configured version.
func learnedCases() []genCase {
	notFound := func(s genStep) genStep { return s.fails(es.KindTokenNotFound, "the token is unknown to Elasticsearch") }
	unsupported := func(s genStep, since string) genStep {
		return s.fails(es.KindUnsupported, "needs Elasticsearch "+since+" or later")
	}
	modern := func(v string) genCase {
		return genCase{version: v, steps: []genStep{
			step("a valid access token", validToken).result(invalidated(1)).learns("7.14+"),
			step("the same token again", validToken).result(previously(1)).learns("7.14+"),
			notFound(step("an unknown access token", unknownToken)).learns("7.14+"),
			step("a valid refresh token", validRefresh).result(invalidated(1)).learns("7.14+"),
			notFound(step("an unknown refresh token", unknownRefresh)).learns("7.14+"),
			step("a user's tokens", byUser).result(invalidated(2)).learns("7.14+"),
		}}
	}
	return []genCase{
		{version: "6.1.4", steps: []genStep{
			step("a valid access token", validToken).result(invalidated(1)).costs(2).learns("6.0–6.6").withCaveat(),
			step("the same token again", validToken).result(previously(1)).learns("6.0–6.6"),
			notFound(step("an unknown access token", unknownToken)).learns("6.0–6.6"),
			unsupported(step("a valid refresh token", validRefresh), "6.2").learns("6.0–6.1"),
			unsupported(step("an unknown refresh token", unknownRefresh), "6.2").costs(0).learns("6.0–6.1"),
			unsupported(step("a user's tokens", byUser), "6.7").costs(0).learns("6.0–6.1"),
		}},
		{version: "6.5.4", steps: []genStep{
			step("a valid access token", validToken).result(invalidated(1)).costs(2).learns("6.0–6.6").withCaveat(),
			step("the same token again, which 6.5 still calls created", validToken).result(invalidated(1)).learns("6.0–6.6").withCaveat(),
			notFound(step("an unknown access token", unknownToken)).learns("6.0–6.6"),
			step("a valid refresh token", validRefresh).result(invalidated(1)).learns("6.0–6.6").withCaveat(),
			notFound(step("an unknown refresh token", unknownRefresh)).learns("6.0–6.6"),
			unsupported(step("a user's tokens", byUser), "6.7").costs(0).learns("6.0–6.6"),
		}},
		{version: "6.8.23", steps: []genStep{
			step("a valid access token", validToken).result(invalidated(1)).costs(2).learns("6.7–6.8"),
			step("the same token again", validToken).result(previously(1)).learns("6.7–6.8"),
			notFound(step("an unknown access token", unknownToken)).learns("6.7–6.8"),
			step("a valid refresh token", validRefresh).result(invalidated(1)).learns("6.7–6.8"),
			notFound(step("an unknown refresh token", unknownRefresh)).learns("6.7–6.8"),
			step("a user's tokens", byUser).result(invalidated(2)).learns("6.7–6.8"),
		}},
		{version: "7.6.2", steps: []genStep{
			step("a valid access token", validToken).result(invalidated(1)).learns("7.0–7.13"),
			step("the same token again", validToken).result(previously(1)).learns("7.0–7.13"),
			notFound(step("an unknown access token", unknownToken)).learns("7.0–7.7"),
			step("a valid refresh token", validRefresh).result(invalidated(1)).learns("7.0–7.7"),
			notFound(step("an unknown refresh token", unknownRefresh)).learns("7.0–7.7"),
			step("a user's tokens", byUser).result(invalidated(2)).learns("7.0–7.7"),
		}},
		{version: "7.10.2", steps: []genStep{
			step("a valid access token", validToken).result(invalidated(1)).learns("7.0–7.13"),
			step("the same token again", validToken).result(previously(1)).learns("7.0–7.13"),
			notFound(step("an unknown access token", unknownToken)).learns("7.0–7.13"),
			step("a valid refresh token", validRefresh).result(invalidated(1)).learns("7.0–7.13"),
			notFound(step("an unknown refresh token", unknownRefresh)).learns("7.0–7.13"),
			step("a user's tokens", byUser).result(invalidated(2)).learns("7.0–7.13"),
		}},
		modern("7.17.25"), modern("8.19.7"), modern("9.1.5"),
	}
}

// configured turns a learned case into the same steps with Target.Version set: one call each, none for
// a shape the version cannot do, and the configured version reported.
func configured(c genCase) genCase {
	out := genCase{version: c.version}
	for _, s := range c.steps {
		s.version = c.version
		if s.calls == 2 {
			s.calls = 1
		}
		if s.kind == es.KindUnsupported {
			s.calls = 0
		}
		if s.caveat && c.version < "6.2" {
			s.caveat = false
		}
		out.steps = append(out.steps, s)
	}
	return out
}

func TestInvalidateServesEveryGenerationLearningItsVersionOnce(t *testing.T) {
	eachGeneration(t, learnedCases(), runSteps)
}

// eachGeneration runs every case over HTTP and over TLS, once with the target's version unknown
// (learned from the answers) and once configured.
func eachGeneration(t *testing.T, cases []genCase, run func(t *testing.T, scheme string, c genCase, version string)) {
	t.Parallel()
	for _, scheme := range []string{"http", "https"} {
		for _, c := range cases {
			t.Run(scheme+" "+c.version+" unknown", func(t *testing.T) {
				t.Parallel()
				run(t, scheme, c, "")
			})
			t.Run(scheme+" "+c.version+" configured", func(t *testing.T) {
				t.Parallel()
				run(t, scheme, configured(c), c.version)
			})
		}
	}
}

func runSteps(t *testing.T, scheme string, c genCase, version string) {
	gen := newGeneration(c.version)
	gen.add(validToken.Token, validRefresh.RefreshToken)
	gen.add(otherTokens...)
	srv := startServer(t, scheme, gen)
	target := es.Target{URL: srv.URL, Username: genUser, Password: genPassword, Version: version, Timeout: 10 * time.Second}
	if scheme == "https" {
		target.CACert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	}
	clients := es.NewClients()
	for _, s := range c.steps {
		g := NewWithT(t)
		before := gen.totalCalls()

		res, err := clients.Invalidate(context.Background(), target, s.req)

		g.Expect(gen.totalCalls()-before).To(Equal(s.calls), "%s: calls", s.name)
		g.Expect(res.Version).To(Equal(s.version), "%s: version", s.name)
		g.Expect(es.KindOf(err)).To(Equal(s.kind), "%s: kind (%v)", s.name, err)
		if s.kind != "" {
			g.Expect(err.Error()).To(ContainSubstring(s.message), s.name)
			g.Expect(es.IsRetryable(s.kind)).To(BeFalse(), "%s: final", s.name)
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
