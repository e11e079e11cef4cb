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
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

const apiKeyPath = "/_security/api_key"

// createdKey is the answer of POST /_security/api_key.
type createdKey struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	APIKey     string `json:"api_key"`
	Encoded    string `json:"encoded"`
	Expiration *int64 `json:"expiration"`
}

// createKey creates a key over HTTP with the given Authorization header.
func (f *fixture) createKey(auth, body string) createdKey {
	f.t.Helper()
	r := f.send(http.MethodPost, apiKeyPath, body, "Authorization", auth)
	if r.status != http.StatusOK {
		f.t.Fatalf("creating an API key: %d %s", r.status, r.body)
	}
	var k createdKey
	if err := json.Unmarshal([]byte(r.body), &k); err != nil {
		f.t.Fatalf("decoding %s: %v", r.body, err)
	}
	return k
}

func keyLists(invalidated ...string) string {
	b, _ := json.Marshal(map[string]any{"invalidated_api_keys": append([]string{}, invalidated...)})
	return `{"invalidated_api_keys":` + string(b[len(`{"invalidated_api_keys":`):len(b)-1]) +
		`,"previously_invalidated_api_keys":[],"error_count":0}`
}

func TestACreatedKeyAuthenticatesUntilItIsInvalidated(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t)

	k := f.createKey(basic(samlUser, samlPassword), `{"name":"ci-build","expiration":"1d"}`)

	g.Expect(k.ID).To(HaveLen(20))
	g.Expect(k.APIKey).To(HaveLen(22))
	g.Expect(k.Encoded).To(Equal(base64.StdEncoding.EncodeToString([]byte(k.ID + ":" + k.APIKey))))
	g.Expect(*k.Expiration).To(Equal(epoch.Add(24 * 3600e9).UnixMilli()))
	who := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", "ApiKey "+k.Encoded)
	g.Expect(who.status).To(Equal(http.StatusOK))
	g.Expect(who.body).To(ContainSubstring(`"username":"alice"`))
	g.Expect(who.body).To(ContainSubstring(`"authentication_type":"api_key"`))
	g.Expect(who.body).To(ContainSubstring(`"api_key":{"id":"` + k.ID + `","name":"ci-build"}`))

	r := f.send(http.MethodDelete, apiKeyPath, `{"ids":["`+k.ID+`"]}`)

	g.Expect(r.status).To(Equal(http.StatusOK), r.body)
	g.Expect(r.body).To(Equal(keyLists(k.ID)))
	expectElasticsearchHeaders(g, r)
	after := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", "ApiKey "+k.Encoded)
	g.Expect(after.status).To(Equal(http.StatusUnauthorized))
	g.Expect(after.body).To(ContainSubstring("has been invalidated"))
	known, invalidated := f.em.APIKeyState(k.ID)
	g.Expect(known && invalidated).To(BeTrue())
}

func TestInvalidatingAKeyAgainOrAnUnknownIDFindsNothing(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t)
	id, _, _ := f.em.CreateAPIKey(samlUser, "leaked")
	g.Expect(f.send(http.MethodDelete, apiKeyPath, `{"ids":["`+id+`"]}`).body).To(Equal(keyLists(id)))

	again := f.send(http.MethodDelete, apiKeyPath, `{"ids":["`+id+`"]}`)
	unknown := f.send(http.MethodDelete, apiKeyPath, `{"ids":["no-such-key-id"]}`)

	// ApiKeyService searches only valid keys: an invalidated key is not found, so it is not reported
	// as previously invalidated, and neither answer is a 404.
	g.Expect(again.status).To(Equal(http.StatusOK))
	g.Expect(again.body).To(Equal(keyLists()))
	g.Expect(unknown.status).To(Equal(http.StatusOK))
	g.Expect(unknown.body).To(Equal(keyLists()))
}

func TestInvalidateSelectsKeysByEveryShape(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		body string
		want []string // names of the keys invalidated
	}{
		"by name":                       {`{"name":"deploy"}`, []string{"deploy"}},
		"by name prefix":                {`{"name":"ci-*"}`, []string{"ci-1", "ci-2"}},
		"by username":                   {`{"username":"alice"}`, []string{"ci-1", "ci-2", "deploy"}},
		"by realm":                      {`{"realm_name":"default_native"}`, []string{"admin-key"}},
		"by realm and username":         {`{"realm_name":"saml1","username":"alice"}`, []string{"ci-1", "ci-2", "deploy"}},
		"by realm and another username": {`{"realm_name":"saml1","username":"elastic"}`, nil},
		"the caller's own":              {`{"owner":true}`, []string{"admin-key"}},
		"a single id as a string":       {`{"ids":"ID:deploy"}`, []string{"deploy"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			f := newFixture(t)
			ids := map[string]string{}
			for _, n := range []string{"ci-1", "ci-2", "deploy"} {
				ids[n], _, _ = f.em.CreateAPIKey(samlUser, n)
			}
			ids["admin-key"], _, _ = f.em.CreateAPIKey(adminUser, "admin-key")
			body := tt.body
			if strings.HasPrefix(body, `{"ids":"ID:`) {
				body = `{"ids":"` + ids["deploy"] + `"}`
			}
			want := make([]string, 0, len(tt.want))
			for _, n := range tt.want {
				want = append(want, ids[n])
			}

			r := f.send(http.MethodDelete, apiKeyPath, body)

			g.Expect(r.status).To(Equal(http.StatusOK), r.body)
			var got struct {
				Invalidated []string `json:"invalidated_api_keys"`
			}
			g.Expect(json.Unmarshal([]byte(r.body), &got)).To(Succeed())
			g.Expect(got.Invalidated).To(ConsistOf(want))
		})
	}
}

func TestInvalidateAPIKeyValidationFollowsEachGeneration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, body string
		status        int
		typ, reason   string
	}{
		{"8.19.7", `{}`, 400, "action_request_validation_exception",
			"Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false;"},
		{"8.19.7", `{"ids":["a"],"name":"n","username":"u"}`, 400, "action_request_validation_exception",
			"Validation Failed: 1: username or realm name must not be specified when the api key id(s) or api key name are specified;2: only one of [api key id(s), api key name] can be specified;"},
		{"8.19.7", `{"owner":true,"realm_name":"r"}`, 400, "action_request_validation_exception",
			"Validation Failed: 1: neither username nor realm-name may be specified when invalidating owned API keys;"},
		{"8.19.7", `{"ids":[]}`, 400, "x_content_parse_exception",
			"Failed to build [invalidate_api_key] after last required field arrived"},
		{"8.19.7", `{"id":"a"}`, 400, "x_content_parse_exception", "[1:2] [invalidate_api_key] unknown field [id] did you mean [ids]?"},
		{"7.17.29", `{"idz":"a"}`, 400, "x_content_parse_exception",
			"[1:2] [invalidate_api_key] unknown field [idz] did you mean any of [id, ids]?"},
		{"7.17.29", `{"ids":["a",""," "]}`, 400, "action_request_validation_exception",
			"Validation Failed: 1: Field [ids] must not contain blank id, but got blank ids at index positions: [1, 2];"},
		{"7.17.29", `{"id":"a","ids":["b"]}`, 400, "x_content_parse_exception",
			"Failed to build [invalidate_api_key] after last required field arrived"},
		{"7.9.3", `{"ids":["a"]}`, 400, "x_content_parse_exception", "[1:2] [invalidate_api_key] unknown field [ids] did you mean [id]?"},
		{"7.9.3", `{}`, 400, "action_request_validation_exception",
			"Validation Failed: 1: One of [api key id, api key name, username, realm name] must be specified if [owner] flag is false;"},
		{"7.3.2", `{"owner":true}`, 400, "x_content_parse_exception", "[1:2] [invalidate_api_key] unknown field [owner], parser not found"},
		{"6.8.23", `{"id":"a","name":"b"}`, 400, "action_request_validation_exception",
			"Validation Failed: 1: api key name must not be specified when api key id is specified;"},
		{"7.3.2", `{"id":"a","name":"b","username":"u"}`, 400, "action_request_validation_exception",
			"Validation Failed: 1: api key id must not be specified when username or realm name is specified;" +
				"2: api key name must not be specified when username or realm name is specified;"},
		{"7.9.3", `{"id":"a","name":"b"}`, 400, "action_request_validation_exception",
			"Validation Failed: 1: only one of [api key id, api key name] can be specified;"},
		{"6.8.23", `{"username":""}`, 400, "action_request_validation_exception",
			"Validation Failed: 1: One of [api key id, api key name, username, realm name] must be specified;"},
		{"6.8.23", `{"id":"unknown"}`, 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.body, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))

			r := f.send(http.MethodDelete, apiKeyPath, tt.body)

			g.Expect(r.status).To(Equal(tt.status), r.body)
			if tt.status == http.StatusOK {
				g.Expect(r.body).To(Equal(keyLists()))
				return
			}
			var e struct {
				Error struct{ Type, Reason string }
			}
			g.Expect(json.Unmarshal([]byte(r.body), &e)).To(Succeed())
			g.Expect(e.Error.Type).To(Equal(tt.typ))
			g.Expect(e.Error.Reason).To(ContainSubstring(tt.reason))
		})
	}
}

func TestAPIKeyPrivileges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.em.AddRole("key_admin", "manage_api_key")
	f.em.AddRole("own_keys", "manage_own_api_key")
	f.em.AddRole("tokens", "manage_token")
	f.em.AddUserWithRoles("ka", "ka-password", "", "key_admin")
	f.em.AddUserWithRoles("ok", "ok-password", "", "own_keys")
	f.em.AddUserWithRoles("tk", "tk-password", "", "tokens")
	aliceKey, _, _ := f.em.CreateAPIKey(samlUser, "alice-key")
	okKey, _, okEncoded := f.em.CreateAPIKey("ok", "ok-key")

	tests := []struct {
		name, auth, body string
		status           int
	}{
		{"an API key invalidates itself by id", "ApiKey " + okEncoded, `{"ids":["` + okKey + `"]}`, 200},
		{"manage_api_key invalidates anyone's key", basic("ka", "ka-password"), `{"ids":["` + aliceKey + `"]}`, 200},
		{"manage_own_api_key invalidates its own keys with owner", basic("ok", "ok-password"), `{"owner":true}`, 200},
		{"manage_own_api_key invalidates its own keys by username and realm", basic("ok", "ok-password"),
			`{"username":"ok","realm_name":"default_native"}`, 200},
		{"manage_own_api_key cannot name another user's key", basic("ok", "ok-password"), `{"ids":["` + aliceKey + `"]}`, 403},
		{"manage_own_api_key cannot name a user alone", basic("ok", "ok-password"), `{"username":"ok"}`, 403},
		{"manage_token is not enough", basic("tk", "tk-password"), `{"owner":true}`, 403},
		{"no privilege", basic(weakUser, weakPassword), `{"owner":true}`, 403},
		{"validation comes before authorization", basic(weakUser, weakPassword), `{}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)

			r := f.send(http.MethodDelete, apiKeyPath, tt.body, "Authorization", tt.auth)

			g.Expect(r.status).To(Equal(tt.status), r.body)
			if tt.status == http.StatusForbidden {
				g.Expect(r.body).To(ContainSubstring("action [cluster:admin/xpack/security/api_key/invalidate] is unauthorized for user ["))
				g.Expect(r.body).To(ContainSubstring("manage_api_key"))
			}
		})
	}
}

func TestCreateAndGetAPIKeysPerGeneration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		encoded bool
	}{
		{"6.8.23", false}, {"7.15.2", false}, {"7.16.0", true}, {"8.19.7", true}, {"9.1.0", true},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))

			put := f.send(http.MethodPut, apiKeyPath, `{"name":"k1"}`)
			g.Expect(put.status).To(Equal(http.StatusOK), put.body)
			g.Expect(put.body).To(MatchRegexp(`^\{"id":"[-_A-Za-z0-9]{20}","name":"k1","api_key":"[-_A-Za-z0-9]{22}"`))
			g.Expect(put.body).To(map[bool]OmegaMatcher{true: ContainSubstring(`"encoded":`), false: Not(ContainSubstring(`"encoded"`))}[tt.encoded])
			var k createdKey
			g.Expect(json.Unmarshal([]byte(put.body), &k)).To(Succeed())

			got := f.send(http.MethodGet, apiKeyPath+"?id="+k.ID, "")
			g.Expect(got.status).To(Equal(http.StatusOK))
			g.Expect(got.body).To(Equal(`{"api_keys":[{"id":"` + k.ID + `","name":"k1","creation":` +
				jsonInt(epoch.UnixMilli()) + `,"invalidated":false,"username":"elastic","realm":"default_native"}]}`))
			nope := f.send(http.MethodGet, apiKeyPath+"?id=nope", "")
			g.Expect(nope.status).To(Equal(http.StatusNotFound)) // an id no key matches, in every version
			g.Expect(nope.body).To(Equal(`{"api_keys":[]}`))
			noName := f.send(http.MethodGet, apiKeyPath+"?name=nope", "")
			g.Expect(noName.status).To(Equal(http.StatusOK))
			g.Expect(noName.body).To(Equal(`{"api_keys":[]}`))
			g.Expect(f.send(http.MethodGet, apiKeyPath+"?id=x&username=y", "").status).To(Equal(http.StatusBadRequest))
		})
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestTheCommandsAPIKeysAreListedAndInvalidatable(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t)

	g.Expect(f.send(http.MethodGet, apiKeyPath+"?id="+apiKeyID, "").body).To(ContainSubstring(`"name":"` + apiKeyID + `"`))
	g.Expect(f.send(http.MethodDelete, apiKeyPath, `{"ids":["`+apiKeyID+`"]}`).body).To(Equal(keyLists(apiKeyID)))

	r := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", apiKey(apiKeyID, apiKeySecret))
	g.Expect(r.status).To(Equal(http.StatusUnauthorized))
}

func TestAPIKeysDoNotExistBefore67(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t, esemulator.WithVersion("6.6.2"))

	r := f.send(http.MethodDelete, apiKeyPath, `{"id":"a"}`)

	g.Expect(r.status).To(Equal(http.StatusBadRequest))
	g.Expect(r.body).To(Equal(`{"error":"no handler found for uri [/_security/api_key] and method [DELETE]"}`))
}

func TestFaultsApplyToAPIKeyInvalidationsToo(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t)
	first, _, _ := f.em.CreateAPIKey(samlUser, "a")
	f.clock.Step(time.Second) // keys fail oldest first
	second, _, _ := f.em.CreateAPIKey(samlUser, "b")
	f.em.InjectFaults(esemulator.Fault{Status: http.StatusServiceUnavailable}, esemulator.Fault{PartialErrors: 1})

	unavailable := f.send(http.MethodDelete, apiKeyPath, `{"username":"alice"}`)
	partial := f.send(http.MethodDelete, apiKeyPath, `{"username":"alice"}`)

	g.Expect(unavailable.status).To(Equal(http.StatusServiceUnavailable))
	g.Expect(partial.status).To(Equal(http.StatusOK))
	g.Expect(partial.body).To(HavePrefix(`{"invalidated_api_keys":["` + second + `"],"previously_invalidated_api_keys":[],` +
		`"error_count":1,"error_details":[{"type":"exception","reason":"Error invalidating api key","caused_by":` +
		`{"type":"document_missing_exception","reason":"[` + first + `]: document missing"`))
	g.Expect(f.em.InvalidateCalls()).To(Equal(int64(2)))
	_, invalidated := f.em.APIKeyState(first)
	g.Expect(invalidated).To(BeFalse())
}

func TestADisabledAPIKeyServiceRefusesEveryAPIKeyAction(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t)
	f.em.SetAPIKeyServiceEnabled(false)

	for _, r := range []reply{
		f.send(http.MethodDelete, apiKeyPath, `{"ids":["a"]}`),
		f.send(http.MethodPost, apiKeyPath, `{"name":"a"}`),
		f.send(http.MethodGet, apiKeyPath, ""),
	} {
		g.Expect(r.status).To(Equal(http.StatusBadRequest))
		g.Expect(r.body).To(ContainSubstring(`"type":"feature_not_enabled_exception","reason":"api keys are not enabled","disabled.feature":"api_keys"`))
	}
	g.Expect(f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", apiKey(apiKeyID, apiKeySecret)).status).
		To(Equal(http.StatusUnauthorized))
}

func TestTheDeprecatedIDFieldWarnsFrom712(t *testing.T) {
	t.Parallel()
	for version, warns := range map[string]bool{"7.9.3": false, "7.11.2": false, "7.12.0": true, "7.17.29": true} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(version))

			r := f.send(http.MethodDelete, apiKeyPath, `{"id":"unknown"}`)

			g.Expect(r.status).To(Equal(http.StatusOK))
			if warns {
				g.Expect(r.header.Get("Warning")).To(MatchRegexp(`^299 Elasticsearch-` + regexp.QuoteMeta(version) +
					`-[0-9a-f]+ "Deprecated field \[id\] used, replaced by \[ids\]"$`))
			} else {
				g.Expect(r.header.Values("Warning")).To(BeEmpty())
			}
		})
	}
}

func TestVersion8TakesIDOnlyForCompatibleWith7(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t, esemulator.WithVersion("8.19.7"))
	id, _, _ := f.em.CreateAPIKey(samlUser, "old-client")
	compat := "application/vnd.elasticsearch+json;compatible-with=7"

	plain := f.send(http.MethodDelete, apiKeyPath, `{"id":"`+id+`"}`)
	v7 := f.send(http.MethodDelete, apiKeyPath, `{"id":"`+id+`"}`, "Content-Type", compat, "Accept", compat)

	g.Expect(plain.status).To(Equal(http.StatusBadRequest))
	g.Expect(v7.status).To(Equal(http.StatusOK), v7.body)
	g.Expect(v7.body).To(Equal(keyLists(id)))
	g.Expect(v7.header.Get("Warning")).To(ContainSubstring("Deprecated field [id] used, replaced by [ids]"))

	// The v7 parser has its own name (RestInvalidateApiKeyAction), which its errors quote.
	typo := f.send(http.MethodDelete, apiKeyPath, `{"idz":"a"}`, "Content-Type", compat, "Accept", compat)
	g.Expect(typo.status).To(Equal(http.StatusBadRequest))
	g.Expect(typo.body).To(ContainSubstring(`"reason":"[1:2] [invalidate_api_key_v7] unknown field [idz] did you mean any of [id, ids]?"`))
}

func TestGetAPIKeysWithManageOwnAPIKeySeesOnlyOwnKeys(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t)
	f.em.AddRole("own_keys", "manage_own_api_key")
	f.em.AddUserWithRoles("ok", "ok-password", "", "own_keys")
	own, _, _ := f.em.CreateAPIKey("ok", "mine")
	other, _, _ := f.em.CreateAPIKey(samlUser, "theirs")
	auth := basic("ok", "ok-password")

	mine := f.send(http.MethodGet, apiKeyPath+"?owner=true", "", "Authorization", auth)
	theirs := f.send(http.MethodGet, apiKeyPath+"?id="+other, "", "Authorization", auth)
	all := f.send(http.MethodGet, apiKeyPath, "")

	g.Expect(mine.status).To(Equal(http.StatusOK))
	g.Expect(mine.body).To(ContainSubstring(`"id":"` + own + `"`))
	g.Expect(mine.body).NotTo(ContainSubstring(other))
	g.Expect(theirs.status).To(Equal(http.StatusForbidden))
	g.Expect(theirs.body).To(ContainSubstring("action [cluster:admin/xpack/security/api_key/get] is unauthorized for user [ok]"))
	g.Expect(all.body).To(ContainSubstring(own))
	g.Expect(all.body).To(ContainSubstring(other))
}

// Before 7.7 (PR #52811) a disabled service threw IllegalStateException: a 500.
func TestADisabledServiceAnswers500Before77(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t, esemulator.WithVersion("7.6.2"))
	access := f.mint(adminUser).AccessToken
	f.em.SetAPIKeyServiceEnabled(false)
	f.em.SetTokenServiceEnabled(false)

	keys := f.send(http.MethodDelete, apiKeyPath, `{"id":"a"}`)
	tokens := f.send(http.MethodDelete, tokenPath, `{"token":"`+access+`"}`)

	g.Expect(keys.status).To(Equal(http.StatusInternalServerError))
	g.Expect(keys.body).To(ContainSubstring(`"type":"illegal_state_exception","reason":"api keys are not enabled"`))
	g.Expect(tokens.status).To(Equal(http.StatusInternalServerError))
	g.Expect(tokens.body).To(ContainSubstring(`"type":"illegal_state_exception","reason":"tokens are not enabled"`))
}
