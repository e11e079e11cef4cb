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
	"net/http"
	"time"

	. "github.com/onsi/gomega"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// outcome is one way an invalidate call against the emulator can end.
type outcome struct {
	name string
	// setup prepares the cluster (it may warm up clients) and returns the call to measure.
	setup func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest)
	// want is the Result when kind is "".
	want es.Result
	// check, when set, replaces the comparison with want.
	check  func(g Gomega, res es.Result)
	kind   es.Kind
	status int
	// message holds substrings of the error message.
	message []string
	// tokenServiceCalls is how many calls reached the token service; -1 when it does not matter.
	tokenServiceCalls int64
	// httpRequests is how many HTTP requests the call makes; 0 means 1.
	httpRequests int64
	// version is Result.Version; "" means "7.14+" when the emulator answered (it sends the product
	// header), and "" when no answer arrived.
	version string
}

func tokenOf(pair esemulator.TokenPair) es.InvalidateRequest {
	return es.InvalidateRequest{Token: pair.AccessToken}
}

// mintedToken is a setup that mints a token pair and invalidates its access token.
func mintedToken(g Gomega, c *cluster, _ *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
	return target, tokenOf(c.mint(g))
}

// withFaults is a setup that injects faults and invalidates a freshly minted access token.
func withFaults(faults ...esemulator.Fault) func(Gomega, *cluster, *es.Clients, es.Target) (es.Target, es.InvalidateRequest) {
	return func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
		c.em.InjectFaults(faults...)
		return mintedToken(g, c, clients, target)
	}
}

const tokenUnknown = "the token is unknown to Elasticsearch: never issued by this cluster, expired and deleted " +
	"(documents are removed 24h after creation), or mistyped"

func outcomes() []outcome {
	return []outcome{
		{
			name:  "invalidates an access token",
			setup: mintedToken, want: es.Result{InvalidatedTokens: 1}, tokenServiceCalls: 1,
		},
		{
			name: "invalidates a refresh token",
			setup: func(g Gomega, c *cluster, _ *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				return target, es.InvalidateRequest{RefreshToken: c.mint(g).RefreshToken}
			},
			want: es.Result{InvalidatedTokens: 1}, tokenServiceCalls: 1,
		},
		{
			name: "counts an access token invalidated before as previously invalidated",
			setup: func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				req := tokenOf(c.mint(g))
				_, err := clients.Invalidate(context.Background(), target, req)
				g.Expect(err).NotTo(HaveOccurred())
				return target, req
			},
			want: es.Result{PreviouslyInvalidatedTokens: 1}, tokenServiceCalls: 1,
		},
		{
			name: "invalidates both halves of every token of a user in a realm",
			setup: func(g Gomega, c *cluster, _ *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				c.mint(g)
				c.mint(g)
				_, err := c.em.MintClientCredentialsToken(userName)
				g.Expect(err).NotTo(HaveOccurred())
				return target, es.InvalidateRequest{RealmName: esemulator.DefaultRealm, Username: userName}
			},
			want: es.Result{InvalidatedTokens: 5}, tokenServiceCalls: 1,
		},
		{
			name: "finds nothing to invalidate for a user without tokens",
			setup: func(_ Gomega, _ *cluster, _ *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				return target, es.InvalidateRequest{Username: "nobody"}
			},
			want: es.Result{}, tokenServiceCalls: 1,
		},
		{
			name: "returns partial errors as a Result with their details",
			setup: func(g Gomega, c *cluster, _ *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				c.mint(g)
				c.em.InjectFaults(esemulator.Fault{PartialErrors: 1})
				return target, es.InvalidateRequest{Username: userName}
			},
			check: func(g Gomega, res es.Result) {
				g.Expect(res.InvalidatedTokens).To(Equal(int64(1)))
				g.Expect(res.ErrorCount).To(Equal(int64(1)))
				g.Expect(res.ErrorDetails).To(HaveLen(1))
				g.Expect(res.ErrorDetails[0].Type).To(Equal("exception"))
				g.Expect(res.ErrorDetails[0].Reason).To(HavePrefix("Error invalidating"))
			},
			tokenServiceCalls: 1,
		},
		{
			name: "reports an unknown token as TokenNotFound",
			setup: func(g Gomega, c *cluster, _ *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				c.mint(g) // the tokens index exists
				return target, es.InvalidateRequest{Token: "dGhpcyBpcyBub3QgYSByZWFsIHRva2VuIGJ1dCB0ZXN0IGRhdGE="}
			},
			kind: es.KindTokenNotFound, status: http.StatusNotFound,
			message: []string{"Elasticsearch answered 404: " + tokenUnknown}, tokenServiceCalls: 1,
		},
		{
			name: "reports a token as TokenNotFound on a cluster that never issued one",
			setup: func(g Gomega, _ *cluster, _ *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				other := esemulator.New()
				other.AddUser(userName, userPassword, "")
				pair, err := other.MintPasswordToken(userName)
				g.Expect(err).NotTo(HaveOccurred())
				return target, tokenOf(pair)
			},
			kind: es.KindTokenNotFound, status: http.StatusBadRequest,
			message: []string{
				"Elasticsearch answered 400 (security_exception): failed to invalidate token",
				"this cluster has no tokens index, so it never issued a token",
			},
			tokenServiceCalls: 1,
		},
		{
			name: "rejects a request naming no token, realm or user as InvalidRequest",
			setup: func(_ Gomega, _ *cluster, _ *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				return target, es.InvalidateRequest{}
			},
			kind: es.KindInvalidRequest, status: http.StatusBadRequest,
			message:           []string{"(action_request_validation_exception): Validation Failed: 1: token string must be provided"},
			tokenServiceCalls: 0,
		},
		{
			name: "rejects a token and a refresh token together as InvalidRequest",
			setup: func(g Gomega, c *cluster, _ *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				pair := c.mint(g)
				return target, es.InvalidateRequest{Token: pair.AccessToken, RefreshToken: pair.RefreshToken}
			},
			kind: es.KindInvalidRequest, status: http.StatusBadRequest,
			message:           []string{"x_content_parse_exception", "only one of [token, refresh_token] may be sent per request"},
			tokenServiceCalls: 0,
		},
		{
			name: "reports a disabled token service as TokenServiceDisabled",
			setup: func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				target, req := mintedToken(g, c, clients, target)
				c.em.SetTokenServiceEnabled(false)
				return target, req
			},
			kind: es.KindTokenServiceDisabled, status: http.StatusBadRequest,
			message:           []string{"(feature_not_enabled_exception)", "xpack.security.authc.token.enabled: false"},
			tokenServiceCalls: 1,
		},
		{
			name: "reports rejected credentials as Unauthorized",
			setup: func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				if target.APIKey != "" {
					target.APIKey = encodeAPIKey(apiKeyID, wrongSecret)
				} else {
					target.Password = wrongSecret
				}
				return mintedToken(g, c, clients, target)
			},
			kind: es.KindUnauthorized, status: http.StatusUnauthorized,
			message:           []string{"Elasticsearch answered 401 (security_exception)", "check the credentials"},
			tokenServiceCalls: 0,
		},
		{
			name: "reports a user without manage_token as Forbidden",
			setup: func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				target.APIKey, target.Username, target.Password = "", viewerName, viewerPassword
				return mintedToken(g, c, clients, target)
			},
			kind: es.KindForbidden, status: http.StatusForbidden,
			message: []string{
				"Elasticsearch answered 403 (security_exception): action [cluster:admin/xpack/security/token/invalidate] is unauthorized for user [viewer]",
				"the credential needs the manage_token cluster privilege",
			},
			tokenServiceCalls: 0,
		},
		{
			name: "reports a URL whose path reaches no handler on either path as InvalidTarget",
			setup: func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				target.URL += "/not-a-prefix"
				return mintedToken(g, c, clients, target)
			},
			kind: es.KindInvalidTarget, status: http.StatusBadRequest,
			message: []string{`Elasticsearch answered 400 "no handler found" for DELETE /_security/oauth2/token and /_xpack/security/oauth2/token`,
				"the URL's path is wrong", "security is disabled"},
			tokenServiceCalls: 0, httpRequests: 2, version: "7.14+",
		},
		{
			name: "reports a URL whose path reaches no handler as InvalidTarget after one call when the version is known",
			setup: func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				target.URL += "/not-a-prefix"
				target.Version = esemulator.DefaultVersion
				return mintedToken(g, c, clients, target)
			},
			kind: es.KindInvalidTarget, status: http.StatusBadRequest,
			message: []string{`Elasticsearch answered 400 "no handler found" for DELETE /_security/oauth2/token:`,
				"the URL's path is wrong", "security is disabled", "the configured version " + esemulator.DefaultVersion},
			tokenServiceCalls: 0, version: esemulator.DefaultVersion,
		},
		{
			name:  "reports 429 as ElasticsearchUnavailable",
			setup: withFaults(esemulator.Fault{Status: http.StatusTooManyRequests}),
			kind:  es.KindUnavailable, status: http.StatusTooManyRequests,
			message:           []string{"Elasticsearch answered 429 (es_rejected_execution_exception): rejected execution", "overloaded"},
			tokenServiceCalls: 1,
		},
		{
			name:  "reports 500 as ElasticsearchUnavailable",
			setup: withFaults(esemulator.Fault{Status: http.StatusInternalServerError}),
			kind:  es.KindUnavailable, status: http.StatusInternalServerError,
			message:           []string{"Elasticsearch answered 500 (illegal_state_exception): Index [.security-tokens-7] is not on the current version"},
			tokenServiceCalls: 1,
		},
		{
			name:  "reports 502 from a proxy without quoting its page",
			setup: withFaults(esemulator.Fault{Status: http.StatusBadGateway}),
			kind:  es.KindUnavailable, status: http.StatusBadGateway,
			message:           []string{"the server answered 502 with a body that is not Elasticsearch's (", " bytes, content-type text/html"},
			tokenServiceCalls: 1,
		},
		{
			name:  "reports 503 once, with its cause, as ElasticsearchUnavailable",
			setup: withFaults(esemulator.Fault{Status: http.StatusServiceUnavailable}),
			kind:  es.KindUnavailable, status: http.StatusServiceUnavailable,
			message: []string{
				"Elasticsearch answered 503 (security_exception): unable to perform requested action",
				"caused by unavailable_shards_exception: [.security-tokens-7][0] primary shard is not active",
			},
			tokenServiceCalls: 1,
		},
		{
			name:  "reports a dropped connection as ElasticsearchUnavailable",
			setup: withFaults(esemulator.Fault{Drop: true}),
			kind:  es.KindUnavailable, status: 0,
			message:           []string{"closed before Elasticsearch answered"},
			tokenServiceCalls: 1,
		},
		{
			name:  "reports a garbage body as ElasticsearchUnavailable without quoting it",
			setup: withFaults(esemulator.Fault{Garbage: true}),
			kind:  es.KindUnavailable, status: http.StatusOK,
			message:           []string{"the server answered 200 with a body that is not an invalidate token response ("},
			tokenServiceCalls: 1,
		},
		{
			name:              "takes a first answer without the product header from an unknown target as 7.0–7.13's",
			setup:             withFaults(esemulator.Fault{NoProductHeader: true}),
			want:              es.Result{InvalidatedTokens: 1},
			tokenServiceCalls: 1, version: "7.0–7.13",
		},
		{
			name: "reports an answer without the product header from a target configured as 8.x as ElasticsearchUnavailable",
			setup: func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				target.Version = esemulator.DefaultVersion
				return withFaults(esemulator.Fault{NoProductHeader: true})(g, c, clients, target)
			},
			kind: es.KindUnavailable, status: http.StatusOK,
			message: []string{"the server answered 200 without the X-Elastic-Product: Elasticsearch header",
				"its configured version " + esemulator.DefaultVersion + " is wrong"},
			tokenServiceCalls: 1, version: esemulator.DefaultVersion,
		},
		{
			name: "reports a later answer without the product header as ElasticsearchUnavailable",
			setup: func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				_, err := clients.Invalidate(context.Background(), target, tokenOf(c.mint(g)))
				g.Expect(err).NotTo(HaveOccurred(), "the client passed its product check")
				c.em.InjectFaults(esemulator.Fault{NoProductHeader: true})
				return mintedToken(g, c, clients, target)
			},
			kind: es.KindUnavailable, status: http.StatusOK,
			message:           []string{"the server answered 200 without the X-Elastic-Product: Elasticsearch header"},
			tokenServiceCalls: 1,
		},
		{
			name: "reports an answer slower than the target's timeout as ElasticsearchUnavailable",
			setup: func(g Gomega, c *cluster, clients *es.Clients, target es.Target) (es.Target, es.InvalidateRequest) {
				target.Timeout = 200 * time.Millisecond
				return withFaults(esemulator.Fault{Delay: time.Minute})(g, c, clients, target)
			},
			kind: es.KindUnavailable, status: 0,
			message:           []string{"did not answer: timed out after 200ms"},
			tokenServiceCalls: 1,
		},
	}
}
