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
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

const (
	legacyPath = "/_xpack/security/oauth2/token"
	compat7    = "application/vnd.elasticsearch+json;compatible-with=7"
	compat8    = "application/vnd.elasticsearch+json;compatible-with=8"
	compat9    = "application/vnd.elasticsearch+json;compatible-with=9"
)

func mediaTypeError(cause string) string {
	const outer = `"type":"media_type_header_exception","reason":"Invalid media-type value on headers [Accept, Content-Type]"`
	return `{"error":{"root_cause":[{` + outer + `}],` + outer +
		`,"caused_by":{"type":"status_exception","reason":` + jsonString(cause) + `}},"status":400}`
}

func TestTheLegacyPathNeedsRESTCompatibilityVersion7(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)

	plain := f.send(http.MethodDelete, legacyPath, `{"token":"`+pair.AccessToken+`"}`)
	compat := f.send(http.MethodDelete, legacyPath, `{"token":"`+pair.AccessToken+`"}`, "Accept", compat7, "Content-Type", compat7)
	getToken := f.send(http.MethodPost, legacyPath, `{"grant_type":"client_credentials"}`, "Accept", compat7, "Content-Type", compat7)

	g.Expect(plain.status).To(Equal(http.StatusBadRequest))
	g.Expect(plain.body).To(Equal(`{"error":"no handler found for uri [/_xpack/security/oauth2/token] and method [DELETE]"}`))
	g.Expect(compat.status).To(Equal(http.StatusOK))
	g.Expect(compat.body).To(Equal(counts(1, 0)))
	g.Expect(compat.header.Get("Content-Type")).To(Equal(compat7))
	g.Expect(compat.header.Get("Warning")).To(MatchRegexp(`^299 Elasticsearch-8\.19\.7-[0-9a-f]{40} ` +
		`"\[DELETE /_xpack/security/oauth2/token\] is deprecated! Use \[DELETE /_security/oauth2/token\] instead\."$`))
	g.Expect(getToken.status).To(Equal(http.StatusOK))
	g.Expect(getToken.header.Get("Warning")).To(ContainSubstring(`"[POST /_xpack/security/oauth2/token] is deprecated! Use [POST /_security/oauth2/token] instead."`))
}

func TestCompatibleWithHeadersAreCheckedAgainstTheEmulatedMajor(t *testing.T) {
	tests := []struct {
		name       string
		version    string
		path       string
		headers    []string
		wantStatus int
		wantBody   string
	}{
		{"8.x rejects compatible-with=9", "8.19.7", tokenPath, []string{"Accept", compat9, "Content-Type", compat9}, 400,
			mediaTypeError("Accept version must be either version 8 or 7, but found 9. Accept=" + compat9)},
		{"8.x accepts compatible-with=8", "8.19.7", tokenPath, []string{"Accept", compat8, "Content-Type", compat8}, 404, notFoundBody},
		{"9.x accepts compatible-with=9", "9.1.5", tokenPath, []string{"Accept", compat9, "Content-Type", compat9}, 404, notFoundBody},
		{"9.x accepts compatible-with=8", "9.1.5", tokenPath, []string{"Accept", compat8, "Content-Type", compat8}, 404, notFoundBody},
		{"9.x rejects compatible-with=7", "9.1.5", legacyPath, []string{"Accept", compat7, "Content-Type", compat7}, 400,
			mediaTypeError("Accept version must be either version 9 or 8, but found 7. Accept=" + compat7)},
		{"9.x has no legacy path", "9.1.5", legacyPath, nil, 400,
			`{"error":"no handler found for uri [/_xpack/security/oauth2/token] and method [DELETE]"}`},
		{"a versioned Content-Type needs a versioned Accept", "8.19.7", tokenPath, []string{"Content-Type", compat8}, 400,
			mediaTypeError("A compatible version is required on both Content-Type and Accept headers if either one has " +
				"requested a compatible version. Accept=null, Content-Type=" + compat8)},
		{"the two versions must match", "8.19.7", tokenPath, []string{"Accept", compat8, "Content-Type", compat7}, 400,
			mediaTypeError("A compatible version is required on both Content-Type and Accept headers if either one has " +
				"requested a compatible version and the compatible versions must match. Accept=" + compat8 + ", Content-Type=" + compat7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))
			f.mint(adminUser)

			r := f.send(http.MethodDelete, tt.path, `{"token":"`+legacyToken+`"}`, tt.headers...)

			g.Expect(r.status).To(Equal(tt.wantStatus))
			g.Expect(r.body).To(Equal(tt.wantBody))
			g.Expect(r.header.Get("X-Elastic-Product")).To(Equal("Elasticsearch"))
		})
	}
}

func TestVendorMediaTypesAreEchoedInTheResponse(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, esemulator.WithVersion("9.0.0"))

	r := f.send(http.MethodGet, "/_security/_authenticate", "", "Accept", compat8)

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.header.Get("Content-Type")).To(Equal(compat8))
}

func TestRoutingErrorsComeBeforeAuthentication(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantBody   string
		wantAllow  string
	}{
		{"a wrong method on the token path", http.MethodPut, tokenPath, 405,
			`{"error":"Incorrect HTTP method for uri [/_security/oauth2/token] and method [PUT], allowed: [POST, DELETE]","status":405}`, "POST,DELETE"},
		{"a wrong method on authenticate", http.MethodPost, "/_security/_authenticate?human", 405,
			`{"error":"Incorrect HTTP method for uri [/_security/_authenticate?human] and method [POST], allowed: [GET]","status":405}`, "GET"},
		{"OPTIONS lists the methods", http.MethodOptions, tokenPath, 200, "", "POST,DELETE"},
		{"an unknown path", http.MethodGet, "/_security/oauth2/tokens?x=1", 400,
			`{"error":"no handler found for uri [/_security/oauth2/tokens?x=1] and method [GET]"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)

			r := f.send(tt.method, tt.path, "", "Authorization", "")

			g.Expect(r.status).To(Equal(tt.wantStatus))
			g.Expect(r.body).To(Equal(tt.wantBody))
			g.Expect(r.header.Get("Allow")).To(Equal(tt.wantAllow))
			g.Expect(r.header.Get("X-Elastic-Product")).To(Equal("Elasticsearch"))
		})
	}
}

func TestOpaqueIDsAreEchoed(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)

	r := f.invalidate(`{"token":"x"}`, "X-Opaque-Id", "revocation-42")

	g.Expect(r.header.Get("X-Opaque-Id")).To(Equal("revocation-42"))
}

func TestWithVersionRefusesVersionsItDoesNotEmulate(t *testing.T) {
	g := NewWithT(t)

	g.Expect(esemulator.ValidateVersion("8.19.7")).To(Succeed())
	g.Expect(esemulator.ValidateVersion("9.0.0")).To(Succeed())
	g.Expect(esemulator.ValidateVersion("6.0.0")).To(Succeed())
	g.Expect(esemulator.ValidateVersion("7.17.0")).To(Succeed())
	g.Expect(esemulator.ValidateVersion("5.6.16")).To(MatchError(ContainSubstring("only Elasticsearch 6.0.0 through 9.x")))
	g.Expect(esemulator.ValidateVersion("10.0.0")).To(MatchError(ContainSubstring("only Elasticsearch 6.0.0 through 9.x")))
	g.Expect(esemulator.ValidateVersion("8.19")).To(HaveOccurred())
	g.Expect(esemulator.ValidateVersion("8.19.x")).To(HaveOccurred())
	g.Expect(esemulator.ValidateVersion("8.019.1")).To(HaveOccurred())
	g.Expect(func() { esemulator.WithVersion("10.0.0") }).To(Panic())
}

func TestTheLegacyPathSurvivesEveryFault(t *testing.T) {
	faults := map[string]esemulator.Fault{
		"a dropped connection": {Drop: true},
		"garbage":              {Garbage: true},
		"a gateway error":      {Status: http.StatusBadGateway},
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			pair := f.mint(adminUser)
			f.em.InjectFaults(fault)
			req, err := http.NewRequest(http.MethodDelete, f.srv.URL+legacyPath, strings.NewReader(`{"token":"`+pair.AccessToken+`"}`))
			g.Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Authorization", basic(adminUser, adminPassword))
			req.Header.Set("Accept", compat7)
			req.Header.Set("Content-Type", compat7)

			res, err := f.srv.Client().Do(req)
			if err == nil {
				_ = res.Body.Close()
			}

			g.Expect(f.em.PendingFaults()).To(BeZero())
			g.Expect(f.serverLog.String()).NotTo(ContainSubstring("panic"))
			g.Expect(f.invalidate(`{"token":"x"}`).status).To(Equal(http.StatusNotFound), "the emulator keeps serving")
		})
	}
}

func TestPrettyOutputIsIndentedLikeElasticsearchs(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(weakUser)

	counters := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)
	me := f.send(http.MethodGet, "/_security/_authenticate?pretty", "", "Authorization", basic(weakUser, weakPassword))
	denied := f.send(http.MethodDelete, tokenPath+"?pretty=true", "", "Authorization", "")

	g.Expect(counters.body).To(Equal(counts(1, 0)), "compact without ?pretty")
	g.Expect(me.body).To(Equal(`{
  "username" : "bob",
  "roles" : [ ],
  "full_name" : null,
  "email" : null,
  "metadata" : { },
  "enabled" : true,
  "authentication_realm" : {
    "name" : "default_native",
    "type" : "native"
  },
  "lookup_realm" : {
    "name" : "default_native",
    "type" : "native"
  },
  "authentication_type" : "realm"
}
`))
	g.Expect(denied.body).To(HavePrefix(`{
  "error" : {
    "root_cause" : [
      {
        "type" : "security_exception",
        "reason" : "missing authentication credentials for REST request [/_security/oauth2/token?pretty=true]",
        "header" : {
          "WWW-Authenticate" : [
            "Basic realm=\"security\" charset=\"UTF-8\"",
            "Bearer realm=\"security\"",
            "ApiKey"
          ]
        }
      }
    ],
`))
	g.Expect(denied.body).To(HaveSuffix("  },\n  \"status\" : 401\n}\n"))
}

// PR #30383 (in the 6.4.0 release notes) made the answer to an unknown path JSON; before it, text.
func TestUnknownPathsAreAnsweredInJSONFrom64(t *testing.T) {
	tests := []struct {
		version, body, contentType string
	}{
		{"6.3.2", "No handler found for uri [/_nowhere] and method [GET]", "text/plain; charset=UTF-8"},
		{"6.4.0", `{"error":"no handler found for uri [/_nowhere] and method [GET]"}`, "application/json"},
		{"6.8.23", `{"error":"no handler found for uri [/_nowhere] and method [GET]"}`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))

			r := f.send(http.MethodGet, "/_nowhere", "")

			g.Expect(r.status).To(Equal(http.StatusBadRequest))
			g.Expect(r.body).To(Equal(tt.body))
			g.Expect(r.header.Get("Content-Type")).To(Equal(tt.contentType))
		})
	}
}
