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
	"testing"

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
