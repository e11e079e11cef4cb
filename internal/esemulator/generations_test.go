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
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// Answers that differ between generations, as Elasticsearch sends them.
const (
	malformedChallenge = `Bearer realm="security", error="invalid_token", error_description="The access token is malformed"`
	malformedBody      = `{"error":{"root_cause":[{"type":"security_exception","reason":"token malformed","header":{"WWW-Authenticate":` +
		`"Bearer realm=\"security\", error=\"invalid_token\", error_description=\"The access token is malformed\""}}],` +
		`"type":"security_exception","reason":"token malformed","header":{"WWW-Authenticate":` +
		`"Bearer realm=\"security\", error=\"invalid_token\", error_description=\"The access token is malformed\""}},"status":401}`
	invalidGrantBody = `{"error":{"root_cause":[{"type":"security_exception","reason":"invalid_grant","header":{"error_description":` +
		`"could not refresh the requested token"}}],"type":"security_exception","reason":"invalid_grant","header":{"error_description":` +
		`"could not refresh the requested token"}},"status":400}`
	xpackDelete = "[DELETE /_xpack/security/oauth2/token] is deprecated! Use [DELETE /_security/oauth2/token] instead."
)

func created(b bool) string {
	if b {
		return `{"created":true}`
	}
	return `{"created":false}`
}

// createdCounts is 6.7–6.8's body: created, then the counters.
func createdCounts(c bool, invalidated, previously int) string {
	return created(c)[:len(created(c))-1] + "," + counts(invalidated, previously)[1:]
}

// The answers to a DELETE on a path a version does not route: text before 6.4, JSON from 6.4 (PR #30383).
const (
	noHandlerText        = "No handler found for uri [" + tokenPath + "] and method [DELETE]"
	noHandlerJSONCurrent = `{"error":"no handler found for uri [` + tokenPath + `] and method [DELETE]"}`
	noHandlerJSON        = `{"error":"no handler found for uri [` + legacyPath + `] and method [DELETE]"}`
)

// warningFor matches a 7.x deprecation Warning for DELETE on the /_xpack path.
func warningFor(version string) string {
	return `^299 Elasticsearch-` + regexp.QuoteMeta(version) + `-[0-9a-f]{40} "` + regexp.QuoteMeta(xpackDelete) + `"$`
}

type pathAnswer struct {
	status  int
	body    string
	warning string // a regexp, or "" for no Warning header
}

func TestEachGenerationInvalidatesOnItsOwnPaths(t *testing.T) {
	tests := []struct {
		version        string
		product        bool
		first, again   string
		xpack, current pathAnswer // a fresh token on each path
	}{
		{"6.0.1", false, created(true), created(false),
			pathAnswer{200, created(true), ""}, pathAnswer{400, noHandlerText, ""}},
		{"6.1.4", false, created(true), created(false),
			pathAnswer{200, created(true), ""}, pathAnswer{400, noHandlerText, ""}},
		// Issue #35115: created is true even for a token already invalidated.
		// PR #30383 (6.4.0): the JSON answer to an unknown path.
		{"6.5.4", false, created(true), created(true),
			pathAnswer{200, created(true), ""}, pathAnswer{400, noHandlerJSONCurrent, ""}},
		// PR #36379 (6.6.0): /_security beside /_xpack, neither deprecated.
		{"6.6.2", false, created(true), created(true),
			pathAnswer{200, created(true), ""}, pathAnswer{200, created(true), ""}},
		{"6.8.23", false, createdCounts(true, 1, 0), createdCounts(false, 0, 1),
			pathAnswer{200, createdCounts(true, 1, 0), ""}, pathAnswer{200, createdCounts(true, 1, 0), ""}},
		{"7.6.2", false, counts(1, 0), counts(0, 1),
			pathAnswer{200, counts(1, 0), warningFor("7.6.2")}, pathAnswer{200, counts(1, 0), ""}},
		{"7.10.2", false, counts(1, 0), counts(0, 1),
			pathAnswer{200, counts(1, 0), warningFor("7.10.2")}, pathAnswer{200, counts(1, 0), ""}},
		{"7.13.4", false, counts(1, 0), counts(0, 1),
			pathAnswer{200, counts(1, 0), warningFor("7.13.4")}, pathAnswer{200, counts(1, 0), ""}},
		{"7.17.29", true, counts(1, 0), counts(0, 1),
			pathAnswer{200, counts(1, 0), warningFor("7.17.29")}, pathAnswer{200, counts(1, 0), ""}},
		{"8.19.7", true, counts(1, 0), counts(0, 1),
			pathAnswer{400, noHandlerJSON, ""}, pathAnswer{200, counts(1, 0), ""}},
		{"9.1.0", true, counts(1, 0), counts(0, 1),
			pathAnswer{400, noHandlerJSON, ""}, pathAnswer{200, counts(1, 0), ""}},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))
			home := tokenPath
			if tt.current.status != http.StatusOK {
				home = legacyPath
			}
			tok := f.mint(adminUser).AccessToken

			first := f.send(http.MethodDelete, home, `{"token":"`+tok+`"}`)
			again := f.send(http.MethodDelete, home, `{"token":"`+tok+`"}`)
			onXpack := f.send(http.MethodDelete, legacyPath, `{"token":"`+f.mint(adminUser).AccessToken+`"}`)
			onCurrent := f.send(http.MethodDelete, tokenPath, `{"token":"`+f.mint(adminUser).AccessToken+`"}`)

			g.Expect(first.status).To(Equal(http.StatusOK))
			g.Expect(first.body).To(Equal(tt.first))
			g.Expect(again.status).To(Equal(http.StatusOK))
			g.Expect(again.body).To(Equal(tt.again))
			for _, r := range []reply{first, again} {
				g.Expect(r.header.Get("Content-Type")).To(Equal("application/json"))
				g.Expect(r.header.Values("X-Elastic-Product")).To(Equal(productHeader(tt.product)))
			}
			for _, c := range []struct {
				got  reply
				want pathAnswer
			}{{onXpack, tt.xpack}, {onCurrent, tt.current}} {
				g.Expect(c.got.status).To(Equal(c.want.status))
				g.Expect(c.got.body).To(Equal(c.want.body))
				if c.want.warning == "" {
					g.Expect(c.got.header.Values("Warning")).To(BeEmpty())
				} else {
					g.Expect(c.got.header.Values("Warning")).To(ConsistOf(MatchRegexp(c.want.warning)))
				}
				if c.want.body == noHandlerText {
					g.Expect(c.got.header.Get("Content-Type")).To(Equal("text/plain; charset=UTF-8"))
				}
			}
		})
	}
}

func productHeader(sent bool) []string {
	if sent {
		return []string{"Elasticsearch"}
	}
	return nil
}

func TestEachGenerationAnswersUnknownTokensAsItDid(t *testing.T) {
	notFound := reply{status: http.StatusNotFound, body: notFoundBody}
	malformed := reply{status: http.StatusUnauthorized, body: malformedBody}
	invalidGrant := reply{status: http.StatusBadRequest, body: invalidGrantBody}
	tests := []struct {
		version string
		access  reply
		refresh *reply // nil: the version has no refresh_token field
	}{
		{"6.0.1", malformed, nil},
		{"6.1.4", malformed, nil},
		{"6.5.4", malformed, &invalidGrant},
		{"6.8.23", malformed, &invalidGrant},
		{"7.6.2", malformed, &invalidGrant},
		{"7.7.0", malformed, &invalidGrant},
		{"7.7.1", notFound, &notFound},
		{"7.10.2", notFound, &notFound},
		{"7.17.29", notFound, &notFound},
		{"8.19.7", notFound, &notFound},
		{"9.1.0", notFound, &notFound},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))
			f.mint(adminUser) // the tokens index exists
			path := pathFor(tt.version)

			access := f.send(http.MethodDelete, path, `{"token":"`+legacyToken+`"}`)
			g.Expect(access.status).To(Equal(tt.access.status))
			g.Expect(access.body).To(Equal(tt.access.body))
			if tt.access.status == http.StatusUnauthorized {
				g.Expect(access.header.Values("WWW-Authenticate")).To(Equal([]string{malformedChallenge}))
			}
			if tt.refresh == nil {
				return
			}
			refresh := f.send(http.MethodDelete, path, `{"refresh_token":"`+legacyToken+`"}`)
			g.Expect(refresh.status).To(Equal(tt.refresh.status))
			g.Expect(refresh.body).To(Equal(tt.refresh.body))
			if tt.refresh.status == http.StatusBadRequest {
				g.Expect(refresh.header.Values("Error_description")).To(Equal([]string{"could not refresh the requested token"}))
			}
		})
	}
}

// pathFor is the invalidate path every 6.x and later version routes.
func pathFor(version string) string {
	if version[0] == '6' {
		return legacyPath
	}
	return tokenPath
}

func TestEachGenerationRefusesTheFieldsItDoesNotKnow(t *testing.T) {
	unknownIAE := func(field string) string {
		return errorBody(400, "illegal_argument_exception", "[invalidate_token] unknown field ["+field+"], parser not found")
	}
	unknownParse := func(field, suffix string) string {
		return errorBody(400, "x_content_parse_exception", "[1:2] [invalidate_token] unknown field ["+field+"]"+suffix)
	}
	tests := []struct {
		version, body string
		status        int
		want          string
	}{
		{"6.0.1", `{"refresh_token":"x"}`, 400, unknownIAE("refresh_token")},
		{"6.0.1", `{}`, 400, errorBody(400, "illegal_argument_exception", "Required [token]")},
		{"6.1.4", `{"username":"elastic"}`, 400, unknownIAE("username")},
		{"6.5.4", `{"realm_name":"default_native"}`, 400, unknownParse("realm_name", ", parser not found")},
		{"6.5.4", `{"token":"a","refresh_token":"b"}`, 400,
			errorBody(400, "illegal_argument_exception", "only one of [token, refresh_token] may be sent per request")},
		{"6.8.23", `{"username":"elastic"}`, 200, createdCounts(true, 2, 0)},
		{"7.5.2", `{"user":"elastic"}`, 400, unknownParse("user", ", parser not found")},
		{"7.6.0", `{"user":"elastic"}`, 400, unknownParse("user", "")},
		{"7.6.0", `{"tokn":"x"}`, 400, unknownParse("tokn", " did you mean [token]?")},
		{"7.10.2", `{"user":"elastic"}`, 400, unknownParse("user", "")},
		{"9.1.0", `{"user":"elastic"}`, 400, unknownParse("user", "")},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.body, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))
			f.mint(adminUser)

			r := f.send(http.MethodDelete, pathFor(tt.version), tt.body)

			g.Expect(r.status).To(Equal(tt.status))
			g.Expect(r.body).To(Equal(tt.want))
		})
	}
}

func TestEachGenerationDescribesItselfOnGETRoot(t *testing.T) {
	tests := []struct {
		version, lucene, minWire, minIndex string
		hashDigits                         int
		flavor, product                    bool
	}{
		{"6.0.1", "7.0.1", "5.6.0", "5.0.0", 7, false, false},
		{"6.5.4", "7.5.0", "5.6.0", "5.0.0", 7, true, false},
		{"6.8.23", "7.7.3", "5.6.0", "5.0.0", 7, true, false},
		{"7.10.2", "8.7.0", "6.8.0", "6.0.0-beta1", 40, true, false},
		{"7.17.29", "8.11.1", "6.8.0", "6.0.0-beta1", 40, true, true},
		{"8.19.7", "9.12.2", "7.17.0", "7.0.0", 40, true, true},
		{"9.1.0", "10.2.2", "8.19.0", "8.0.0", 40, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))

			r := f.send(http.MethodGet, "/", "")

			flavor := ""
			if tt.flavor {
				flavor = `"build_flavor":"default","build_type":"docker",`
			}
			g.Expect(r.status).To(Equal(http.StatusOK))
			g.Expect(r.body).To(MatchRegexp(`^\{"name":"es-emulator","cluster_name":"es-emulator","cluster_uuid":"[A-Za-z0-9_-]{22}",` +
				`"version":\{"number":"` + regexp.QuoteMeta(tt.version) + `",` + flavor +
				`"build_hash":"[0-9a-f]{` + strconv.Itoa(tt.hashDigits) + `}","build_date":"[^"]+","build_snapshot":false,` +
				`"lucene_version":"` + regexp.QuoteMeta(tt.lucene) + `",` +
				`"minimum_wire_compatibility_version":"` + regexp.QuoteMeta(tt.minWire) + `",` +
				`"minimum_index_compatibility_version":"` + regexp.QuoteMeta(tt.minIndex) + `"\},` +
				`"tagline":"You Know, for Search"\}$`))
			g.Expect(r.header.Values("X-Elastic-Product")).To(Equal(productHeader(tt.product)))
		})
	}
}

func TestEachGenerationWordsA403AsItDid(t *testing.T) {
	const denied = "action [cluster:admin/xpack/security/token/invalidate] is unauthorized for user [carol]"
	const byKey = "action [cluster:admin/xpack/security/token/invalidate] is unauthorized for API key id [%s] of user [carol]"
	const granted = ", this action is granted by the cluster privileges [manage_saml,manage_token,manage_security,all]"
	tests := []struct{ version, reason, keyReason string }{
		{"6.8.23", denied, byKey},
		{"7.11.2", denied, byKey},
		{"7.12.1", denied + granted, byKey + granted},
		{"7.13.0", denied + " with roles [zeta,gone,alpha]" + granted, byKey + granted},
		{"8.4.3", denied + " with roles [zeta,gone,alpha]" + granted, byKey + granted},
		{"8.5.0", denied + " with effective roles [alpha,zeta] (assigned roles [gone] were not found)" + granted, byKey + granted},
		{"9.1.0", denied + " with effective roles [alpha,zeta] (assigned roles [gone] were not found)" + granted, byKey + granted},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))
			f.em.AddRole("alpha", "monitor")
			f.em.AddRole("zeta")
			f.em.AddUserWithRoles("carol", "carol-password", "", "zeta", "gone", "alpha")
			keyID, keySecret, _ := f.em.CreateAPIKey("carol", "carols-key")

			byUser := f.send(http.MethodDelete, pathFor(tt.version), `{"token":"x"}`, "Authorization", basic("carol", "carol-password"))
			byCarolsKey := f.send(http.MethodDelete, pathFor(tt.version), `{"token":"x"}`, "Authorization", apiKey(keyID, keySecret))

			g.Expect(byUser.status).To(Equal(http.StatusForbidden))
			g.Expect(byUser.body).To(Equal(errorBody(403, "security_exception", tt.reason)))
			g.Expect(byCarolsKey.status).To(Equal(http.StatusForbidden))
			g.Expect(byCarolsKey.body).To(Equal(errorBody(403, "security_exception", strings.ReplaceAll(tt.keyReason, "%s", keyID))))
		})
	}
}
