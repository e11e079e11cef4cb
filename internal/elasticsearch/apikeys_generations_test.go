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
	"fmt"
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// keyStep is one API-key revocation in a sequence sent to one generation through one Clients. Requests
// name keys "k1", "k2", "k3": keys of alice the emulator created, replaced by their ids.
type keyStep struct {
	name    string
	req     es.APIKeyRequest
	want    []string // the keys reported invalidated, by name
	kind    es.Kind
	message string
	calls   int
	version string // APIKeyResult.Version after the step; "=" for the configured version
}

// keyCase is a generation and its steps when its version is unknown and when it is configured.
type keyCase struct {
	version             string
	unknown, configured []keyStep
}

var (
	oneKey    = es.APIKeyRequest{IDs: []string{"k1"}}
	twoKeys   = es.APIKeyRequest{IDs: []string{"k2", "k3"}}
	ownedKeys = es.APIKeyRequest{Owner: true}
)

func keyCases() []keyCase {
	unsupported := func(name string, req es.APIKeyRequest, since, version string) keyStep {
		return keyStep{name: name, req: req, kind: es.KindUnsupported, message: "needs Elasticsearch " + since + " or later",
			version: version}
	}
	// 6.7–7.9 refuse "ids": a single id is sent again as "id", once; then the target is known to be older
	// than 7.10 and every later id goes as "id" at once.
	beforeIDs := func(v string, owner bool) keyCase {
		c := keyCase{version: v, unknown: []keyStep{
			{name: "one key, ids refused then id", req: oneKey, want: []string{"k1"}, calls: 2, version: "6.7–7.9"},
			{name: "the same key again", req: oneKey, want: []string{}, calls: 1, version: "6.7–7.9"},
			unsupported("two keys", twoKeys, "7.10", "6.7–7.9"),
		}, configured: []keyStep{
			{name: "one key as id", req: oneKey, want: []string{"k1"}, calls: 1, version: "="},
			{name: "the same key again", req: oneKey, want: []string{}, calls: 1, version: "="},
			unsupported("two keys", twoKeys, "7.10", "="),
		}}
		if owner {
			c.unknown = append(c.unknown, keyStep{name: "owned keys", req: ownedKeys, want: []string{}, calls: 1, version: "6.7–7.9"})
			c.configured = append(c.configured, keyStep{name: "owned keys", req: ownedKeys, want: []string{}, calls: 1, version: "="})
		} else {
			refused := unsupported("owned keys", ownedKeys, "7.4", "6.7–7.3")
			refused.calls, refused.message = 1, "owner: true needs Elasticsearch 7.4"
			c.unknown = append(c.unknown, refused)
			c.configured = append(c.configured, unsupported("owned keys", ownedKeys, "7.4", "="))
		}
		return c
	}
	modern := func(v string) keyCase {
		steps := func(version string) []keyStep {
			return []keyStep{
				{name: "one key", req: oneKey, want: []string{"k1"}, calls: 1, version: version},
				{name: "the same key again", req: oneKey, want: []string{}, calls: 1, version: version},
				{name: "two keys", req: twoKeys, want: []string{"k2", "k3"}, calls: 1, version: version},
				{name: "owned keys", req: ownedKeys, want: []string{}, calls: 1, version: version},
			}
		}
		return keyCase{version: v, unknown: steps("7.14+"), configured: steps("=")}
	}
	return []keyCase{
		{version: "6.6.2", unknown: []keyStep{
			{name: "no API keys yet", req: oneKey, kind: es.KindInvalidTarget, message: "before 6.7", calls: 1},
		}, configured: []keyStep{unsupported("no API keys yet", oneKey, "6.7", "=")}},
		beforeIDs("6.8.23", false), beforeIDs("7.3.2", false), beforeIDs("7.9.3", true),
		modern("7.17.29"), modern("8.19.7"), modern("9.1.0"),
	}
}

func TestInvalidateAPIKeysServesEveryGenerationOfTheEmulator(t *testing.T) {
	t.Parallel()
	for _, scheme := range []string{"http", "https"} {
		for _, c := range keyCases() {
			t.Run(scheme+" "+c.version+" unknown", func(t *testing.T) {
				t.Parallel()
				runKeySteps(t, scheme, c.version, "", c.unknown)
			})
			t.Run(scheme+" "+c.version+" configured", func(t *testing.T) {
				t.Parallel()
				runKeySteps(t, scheme, c.version, c.version, c.configured)
			})
		}
	}
}

func runKeySteps(t *testing.T, scheme, emulated, configured string, steps []keyStep) {
	em := esemulator.New(esemulator.WithVersion(emulated))
	em.AddUser(genUser, genPassword, "")
	em.AddUser("alice", "pw-Alice-77c1d0", "")
	ids := map[string]string{}
	for _, name := range []string{"k1", "k2", "k3"} {
		// A 6.6 emulator stores keys too; it only routes no API key API.
		ids[name], _, _ = em.CreateAPIKey("alice", name)
	}
	srv := startServer(t, scheme, em)
	target := es.Target{URL: srv.URL, Username: genUser, Password: genPassword, Version: configured, Timeout: 10 * time.Second}
	if scheme == "https" {
		target.CACert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	}
	clients := es.NewClients()
	for _, s := range steps {
		g := NewWithT(t)
		req := s.req
		req.IDs = nil
		for _, name := range s.req.IDs {
			req.IDs = append(req.IDs, ids[name])
		}
		before := em.Requests()

		res, err := clients.InvalidateAPIKeys(context.Background(), target, req)

		g.Expect(em.Requests()-before).To(Equal(int64(s.calls)), "%s: calls", s.name)
		want := s.version
		if want == "=" {
			want = configured
		}
		g.Expect(res.Version).To(Equal(want), "%s: version", s.name)
		g.Expect(es.KindOf(err)).To(Equal(s.kind), "%s: kind (%v)", s.name, err)
		if s.kind != "" {
			g.Expect(err.Error()).To(ContainSubstring(s.message), s.name)
			g.Expect(es.IsRetryable(s.kind)).To(BeFalse(), "%s: final", s.name)
			continue
		}
		wantIDs := make([]string, 0, len(s.want))
		for _, name := range s.want {
			wantIDs = append(wantIDs, ids[name])
			_, invalidated := em.APIKeyState(ids[name])
			g.Expect(invalidated).To(BeTrue(), "%s: %s invalidated", s.name, name)
		}
		g.Expect(res.InvalidatedIDs).To(ConsistOf(wantIDs), s.name)
		if len(req.IDs) > len(wantIDs) {
			g.Expect(res.Caveat).To(ContainSubstring("were not invalidated by this call"), s.name)
		} else {
			g.Expect(res.Caveat).To(BeEmpty(), s.name)
		}
		g.Expect(res.PreviouslyInvalidatedIDs).To(BeEmpty(), s.name)
		g.Expect(res.ErrorCount).To(BeZero(), s.name)
	}
}

func TestARevokedKeyNoLongerAuthenticates(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	c := newCluster(t, "https")
	id, secret, encoded := c.em.CreateAPIKey(userName, "leaked-in-ci")
	leaked := es.Target{URL: c.url, CACert: c.caPEM, APIKey: encoded, Timeout: 10 * time.Second}
	clients := es.NewClients()
	// The leaked key itself holds the superuser's privileges, so it can list itself before the revocation.
	_, err := clients.InvalidateAPIKeys(context.Background(), leaked, es.APIKeyRequest{Name: "no-such-key"})
	g.Expect(err).NotTo(HaveOccurred())

	res, err := clients.InvalidateAPIKeys(context.Background(), c.target(basicAuth), es.APIKeyRequest{IDs: []string{id}})

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.InvalidatedIDs).To(Equal([]string{id}))
	g.Expect(res.Version).To(Equal("7.14+"))
	_, err = clients.InvalidateAPIKeys(context.Background(), leaked, es.APIKeyRequest{Name: "no-such-key"})
	g.Expect(es.KindOf(err)).To(Equal(es.KindUnauthorized))
	expectNoSecrets(g, err.Error(), append(secretsOf(leaked, es.InvalidateRequest{}), secret))
}

func TestInvalidateAPIKeysClassifiesPrivilegesAgainstTheEmulator(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "http")
	c.em.AddRole("own_keys", "manage_own_api_key")
	c.em.AddUserWithRoles("owner", "pw-Owner-5e1f0a", "", "own_keys")
	aliceKey, _, _ := c.em.CreateAPIKey(userName, "not-the-owners")
	tests := []struct {
		name   string
		target es.Target
		req    es.APIKeyRequest
		kind   es.Kind
		hint   string
	}{
		{"without any privilege", es.Target{URL: c.url, Username: viewerName, Password: viewerPassword},
			es.APIKeyRequest{Owner: true}, es.KindForbidden, "manage_api_key"},
		{"manage_own_api_key naming another user's key", es.Target{URL: c.url, Username: "owner", Password: "pw-Owner-5e1f0a"},
			es.APIKeyRequest{IDs: []string{aliceKey}}, es.KindForbidden, "manage_own_api_key"},
		{"manage_own_api_key with owner", es.Target{URL: c.url, Username: "owner", Password: "pw-Owner-5e1f0a"},
			es.APIKeyRequest{Owner: true}, "", ""},
		{"a validation error", c.target(basicAuth), es.APIKeyRequest{IDs: []string{"a"}, Name: "b"}, es.KindInvalidRequest,
			"only one of [api key id(s), api key name] can be specified"},
		{"nothing to select", c.target(basicAuth), es.APIKeyRequest{}, es.KindInvalidRequest, "must be specified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)

			res, err := es.NewClients().InvalidateAPIKeys(context.Background(), tt.target, tt.req)

			g.Expect(es.KindOf(err)).To(Equal(tt.kind), "%v", err)
			if tt.kind != "" {
				g.Expect(err.Error()).To(ContainSubstring(tt.hint))
				g.Expect(res.InvalidatedIDs).To(BeNil())
				return
			}
			g.Expect(res.InvalidatedIDs).To(BeEmpty())
		})
	}
}

func TestADisabledAPIKeyServiceIsFinal(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	c := newCluster(t, "http")
	c.em.SetAPIKeyServiceEnabled(false)

	_, err := es.NewClients().InvalidateAPIKeys(context.Background(), c.target(basicAuth), oneKey)

	g.Expect(es.KindOf(err)).To(Equal(es.KindAPIKeyServiceDisabled))
	g.Expect(es.IsRetryable(es.KindOf(err))).To(BeFalse())
	g.Expect(err.Error()).To(ContainSubstring("xpack.security.authc.api_key.enabled: false"))
}

func TestInvalidateAPIKeysFailsWithoutACallForAShapeTheConfiguredVersionCannotTake(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	calls := 0
	srv := startServer(t, "http", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { calls++ }))

	for _, tc := range []struct {
		version string
		req     es.APIKeyRequest
	}{{"6.6", oneKey}, {"7.3.2", ownedKeys}, {"7.9", twoKeys}} {
		target := es.Target{URL: srv.URL, Username: genUser, Password: genPassword, Version: tc.version}

		res, err := es.NewClients().InvalidateAPIKeys(context.Background(), target, tc.req)

		g.Expect(es.KindOf(err)).To(Equal(es.KindUnsupported), "%s %v", tc.version, tc.req)
		g.Expect(res.Version).To(Equal(tc.version))
	}
	g.Expect(calls).To(BeZero())
}

func TestInvalidateAPIKeysRedactsTheTargetsCredentialsFromEverythingReturned(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	echo := `{"error":{"root_cause":[],"type":"x_content_parse_exception","reason":"bad [` + userPassword + `]"},"status":400}`
	listed := `{"invalidated_api_keys":["` + userPassword + `"],"previously_invalidated_api_keys":[],"error_count":1,` +
		`"error_details":[{"type":"exception","reason":"Error invalidating api key","caused_by":{"type":"x","reason":"` + userPassword + `"}}]}`
	answers := []string{echo, listed}
	calls := 0
	srv := startServer(t, "http", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		if calls == 0 {
			w.WriteHeader(http.StatusBadRequest)
		}
		_, _ = w.Write([]byte(answers[calls]))
		calls++
	}))
	target := es.Target{URL: srv.URL, Username: userName, Password: userPassword}
	clients := es.NewClients()

	_, err := clients.InvalidateAPIKeys(context.Background(), target, oneKey)
	res, _ := clients.InvalidateAPIKeys(context.Background(), target, oneKey)

	g.Expect(es.KindOf(err)).To(Equal(es.KindInvalidRequest))
	expectNoSecrets(g, err.Error()+fmt.Sprintf("%#v", err), secretsOf(target, es.InvalidateRequest{}))
	g.Expect(res.InvalidatedIDs).To(Equal([]string{es.Redacted}))
	g.Expect(res.ErrorDetails[0].CausedBy.Reason).To(Equal(es.Redacted))
}

func TestInvalidateAPIKeysClassifiesTheEmulatorsFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    esemulator.Fault
		kind     es.Kind
		contains string
		partial  bool
	}{
		{"a 503", esemulator.Fault{Status: http.StatusServiceUnavailable}, es.KindUnavailable, "unable to perform requested action", false},
		{"a 429", esemulator.Fault{Status: http.StatusTooManyRequests}, es.KindUnavailable, "overloaded", false},
		{"a proxy's 502", esemulator.Fault{Status: http.StatusBadGateway}, es.KindUnavailable, "not Elasticsearch's", false},
		{"a dropped connection", esemulator.Fault{Drop: true}, es.KindUnavailable, "", false},
		{"a timeout", esemulator.Fault{Delay: 2 * time.Second}, es.KindUnavailable, "timed out", false},
		{"garbage", esemulator.Fault{Garbage: true}, es.KindUnavailable, "not an invalidate API key response", false},
		{"no product header", esemulator.Fault{NoProductHeader: true}, es.KindUnavailable, "X-Elastic-Product", false},
		{"a partial failure", esemulator.Fault{PartialErrors: 1}, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			c := newCluster(t, "http")
			id, _, _ := c.em.CreateAPIKey(userName, "k")
			c.em.InjectFaults(tt.fault)
			target := c.target(basicAuth)
			target.Timeout, target.Version = 500*time.Millisecond, "8.19.7"

			res, err := es.NewClients().InvalidateAPIKeys(context.Background(), target, es.APIKeyRequest{IDs: []string{id}})

			g.Expect(es.KindOf(err)).To(Equal(tt.kind), "%v", err)
			if tt.kind != "" {
				g.Expect(err.Error()).To(ContainSubstring(tt.contains))
				g.Expect(es.IsRetryable(tt.kind)).To(BeTrue())
				return
			}
			g.Expect(res.ErrorCount).To(Equal(int64(1)))
			g.Expect(res.InvalidatedIDs).To(BeEmpty())
			g.Expect(res.ErrorDetails).To(HaveLen(1))
			g.Expect(res.ErrorDetails[0].CausedBy.Type).To(Equal("document_missing_exception"))
			g.Expect(res.Caveat).To(ContainSubstring("1 of the 1 API key ids named were not invalidated by this call (" + id + "): " +
				"Elasticsearch failed to invalidate 1 key(s)"))
		})
	}
}

// 6.x–7.6 answer a disabled service with 500 illegal_state_exception (elastic/elasticsearch#52811 made
// it 400 feature_not_enabled_exception in 7.7): still a final verdict, not an outage to retry.
func TestADisabledServiceBefore77IsFinal(t *testing.T) {
	t.Parallel()
	for _, configured := range []string{"", "7.6.2"} {
		g := NewWithT(t)
		em := esemulator.New(esemulator.WithVersion("7.6.2"))
		em.AddUser(genUser, genPassword, "")
		pair, err := em.MintPasswordToken(genUser)
		g.Expect(err).NotTo(HaveOccurred())
		em.SetAPIKeyServiceEnabled(false)
		em.SetTokenServiceEnabled(false)
		srv := startServer(t, "http", em)
		target := es.Target{URL: srv.URL, Username: genUser, Password: genPassword, Version: configured, Timeout: 10 * time.Second}

		_, keysErr := es.NewClients().InvalidateAPIKeys(context.Background(), target, oneKey)
		_, tokenErr := es.NewClients().Invalidate(context.Background(), target, es.InvalidateRequest{Token: pair.AccessToken})

		g.Expect(es.KindOf(keysErr)).To(Equal(es.KindAPIKeyServiceDisabled), "configured %q: %v", configured, keysErr)
		g.Expect(keysErr.Error()).To(ContainSubstring("xpack.security.authc.api_key.enabled: false"))
		g.Expect(es.KindOf(tokenErr)).To(Equal(es.KindTokenServiceDisabled), "configured %q: %v", configured, tokenErr)
		g.Expect(tokenErr.Error()).To(ContainSubstring("xpack.security.authc.token.enabled: false"))
	}
}
