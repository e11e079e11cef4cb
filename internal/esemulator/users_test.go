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
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

func TestUsersAndRolesByAPIAreWhatAuthenticateAnswers(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t)

	role := f.send(http.MethodPut, "/_security/role/key_revoker", `{"cluster":["manage_api_key"],"indices":[]}`)
	user := f.send(http.MethodPut, "/_security/user/carol",
		`{"password":"carol-password","roles":["key_revoker"],"full_name":"Carol Responder","email":"carol@example.com","metadata":{"team":"sec"}}`)

	g.Expect(role.status).To(Equal(http.StatusOK))
	g.Expect(role.body).To(Equal(`{"role":{"created":true}}`))
	g.Expect(user.status).To(Equal(http.StatusOK))
	g.Expect(user.body).To(Equal(`{"created":true}`))
	who := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", basic("carol", "carol-password"))
	g.Expect(who.body).To(Equal(`{"username":"carol","roles":["key_revoker"],"full_name":"Carol Responder",` +
		`"email":"carol@example.com","metadata":{"team":"sec"},"enabled":true,` +
		`"authentication_realm":{"name":"default_native","type":"native"},` +
		`"lookup_realm":{"name":"default_native","type":"native"},"authentication_type":"realm"}`))
	id, _, _ := f.em.CreateAPIKey(samlUser, "someone-else")
	r := f.send(http.MethodDelete, "/_security/api_key", `{"ids":["`+id+`"]}`, "Authorization", basic("carol", "carol-password"))
	g.Expect(r.status).To(Equal(http.StatusOK), r.body)
	tokens := f.send(http.MethodDelete, tokenPath, `{"username":"alice"}`, "Authorization", basic("carol", "carol-password"))
	g.Expect(tokens.status).To(Equal(http.StatusForbidden))

	update := f.send(http.MethodPut, "/_security/user/carol", `{"roles":[],"enabled":false}`)
	g.Expect(update.body).To(Equal(`{"created":false}`))
	g.Expect(f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", basic("carol", "carol-password")).status).
		To(Equal(http.StatusUnauthorized))
	g.Expect(f.send(http.MethodDelete, "/_security/user/carol", "").body).To(Equal(`{"found":true}`))
	gone := f.send(http.MethodDelete, "/_security/user/carol", "")
	g.Expect(gone.status).To(Equal(http.StatusNotFound))
	g.Expect(gone.body).To(Equal(`{"found":false}`))
}

func TestUserAndRoleAPIsNeedManageSecurityAndValidPasswords(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t, esemulator.WithVersion("6.8.23"))

	short := f.send(http.MethodPut, "/_security/user/dave", `{"password":"12345","roles":[]}`)
	denied := f.send(http.MethodPut, "/_security/role/r", `{"cluster":["all"]}`, "Authorization", basic(weakUser, weakPassword))
	created := f.send(http.MethodPost, "/_security/user/dave", `{"password":"123456","roles":["superuser"]}`)

	g.Expect(short.status).To(Equal(http.StatusBadRequest))
	g.Expect(short.body).To(ContainSubstring("Validation Failed: 1: passwords must be at least [6] characters long;"))
	g.Expect(denied.status).To(Equal(http.StatusForbidden))
	g.Expect(denied.body).To(ContainSubstring("action [cluster:admin/xpack/security/role/put] is unauthorized for user [bob]"))
	g.Expect(created.body).To(Equal(`{"user":{"created":true},"created":true}`))
}

// TestTheAPIKeyRESTTestFlowPasses follows the create, authenticate, get and invalidate steps of
// Elasticsearch's x-pack api_key/10_basic.yml REST test (its role, user and assertions), leaving out
// what the emulator does not serve (application privileges, the API key cache, has_privileges).
func TestTheAPIKeyRESTTestFlowPasses(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	f := newFixture(t)
	g.Expect(f.send(http.MethodPut, "/_security/role/admin_role",
		`{"cluster":["manage_api_key"],"indices":[{"names":"*","privileges":["all"]}],`+
			`"applications":[{"application":"myapp","privileges":["*"],"resources":["*"]}]}`).status).To(Equal(http.StatusOK))
	g.Expect(f.send(http.MethodPut, "/_security/user/api_key_user",
		`{"password":"x-pack-test-password","roles":["admin_role"],"full_name":"API key user"}`).status).To(Equal(http.StatusOK))
	user := basic("api_key_user", "x-pack-test-password")
	names := []string{"my-api-key-1", "my-api-key-2", "my-api-key-3"}
	ids := make([]string, 0, len(names))
	for _, name := range names {
		k := f.createKey(user, `{"name":"`+name+`","expiration":"1d","role_descriptors":{"role-a":{"cluster":["all"]}}}`)
		g.Expect(k.Name).To(Equal(name))
		g.Expect(k.Expiration).NotTo(BeNil())
		g.Expect(k.Encoded).To(Equal(base64.StdEncoding.EncodeToString([]byte(k.ID + ":" + k.APIKey))))
		ids = append(ids, k.ID)
		f.clock.Step(time.Second) // invalidation lists keys oldest first
		who := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", "ApiKey "+k.Encoded)
		g.Expect(who.body).To(ContainSubstring(`"username":"api_key_user","roles":[]`))
		g.Expect(who.body).To(ContainSubstring(`"authentication_realm":{"name":"_es_api_key","type":"_es_api_key"}`))
		g.Expect(who.body).To(ContainSubstring(`"api_key":{"id":"` + k.ID + `","name":"` + name + `"}`))
	}
	byID := f.send(http.MethodGet, "/_security/api_key?id="+ids[0], "", "Authorization", user)
	g.Expect(byID.body).To(ContainSubstring(`"id":"` + ids[0] + `","name":"my-api-key-1"`))
	g.Expect(byID.body).To(ContainSubstring(`"invalidated":false,"username":"api_key_user"`))
	owned := f.send(http.MethodGet, "/_security/api_key?owner=true", "", "Authorization", user)
	g.Expect(strings.Count(owned.body, `"username":"api_key_user"`)).To(Equal(3))

	r := f.send(http.MethodDelete, "/_security/api_key", `{"ids":["`+strings.Join(ids, `","`)+`"]}`, "Authorization", user)

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body).To(Equal(`{"invalidated_api_keys":["` + strings.Join(ids, `","`) +
		`"],"previously_invalidated_api_keys":[],"error_count":0}`))
	g.Expect(f.send(http.MethodDelete, "/_security/role/admin_role", "").body).To(Equal(`{"found":true}`))
	g.Expect(f.send(http.MethodDelete, "/_security/user/api_key_user", "").body).To(Equal(`{"found":true}`))
}
