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

package esemulator

import (
	"net/http"
	"unicode/utf8"
)

// Transport action names of the native user and role APIs, as 403 messages name them.
const (
	actionPutUser    = "cluster:admin/xpack/security/user/put"
	actionDeleteUser = "cluster:admin/xpack/security/user/delete"
	actionPutRole    = "cluster:admin/xpack/security/role/put"
	actionDeleteRole = "cluster:admin/xpack/security/role/delete"
)

// minPasswordLength is Validation.Users.MIN_PASSWD_LENGTH, the native realm's shortest password.
const minPasswordLength = 6

// authorizeSecurity checks manage_security (or all), which the user and role APIs need.
func (e *Emulator) authorizeSecurity(action string, p *principal) *esError {
	if e.holdsAny(p, privManageSecurity, privAll) {
		return nil
	}
	return e.unauthorizedError(action, p)
}

// putUser serves PUT and POST /_security/user/{name}: {"password", "roles", "full_name", "email",
// "metadata", "enabled"} (PutUserRequest). A new user needs a password of at least 6 characters; an
// existing one keeps its password when none is sent. The user joins the native realm, default_native.
// The answer is {"created": bool} from 7.0 (see esVersion.nestedPutUserAnswer for 6.x).
func (e *Emulator) putUser(req *request) response {
	body, fail := looseBody(req, "put_user_request",
		[]string{"password", "password_hash", "roles", "full_name", "email", fieldMetadata, "enabled"})
	if fail != nil {
		return *fail
	}
	password, hasPassword := body.str("password")
	roles := body.strs("roles")
	e.mu.Lock()
	existing := e.users[req.param]
	e.mu.Unlock()
	var errs []string
	switch {
	case hasPassword && utf8.RuneCountInString(password) < minPasswordLength:
		errs = append(errs, "passwords must be at least [6] characters long")
	case !hasPassword && existing == nil:
		// PutUserRequestBuilder's wording for a new user without a password (u).
		errs = append(errs, "password must be specified unless you are updating an existing user")
	}
	if roles == nil {
		errs = append(errs, "roles are missing")
	}
	if len(errs) > 0 {
		return validationError(errs).response()
	}
	if x := e.authorizeSecurity(actionPutUser, req.who); x != nil {
		return x.response()
	}
	id := identity{username: req.param, realmName: DefaultRealm, realmType: realmType(DefaultRealm), roles: roles}
	id.fullName, _ = body.str("full_name")
	id.email, _ = body.str("email")
	id.metadata = body[fieldMetadata]
	acct := &account{secret: password, identity: id, disabled: !body.boolean("enabled", true)}
	e.mu.Lock()
	if existing != nil && !hasPassword {
		acct.secret = existing.secret
	}
	e.users[req.param] = acct
	e.mu.Unlock()
	created := existing == nil
	if e.version.nestedPutUserAnswer() {
		return jsonResponse(http.StatusOK, obj("user", obj("created", created), "created", created))
	}
	return jsonResponse(http.StatusOK, obj("created", created))
}

// deleteUser serves DELETE /_security/user/{name}: {"found": true}, or {"found": false} with a 404
// (RestDeleteUserAction answers NOT_FOUND when nothing was deleted). The user's API keys and tokens
// stay valid, as in Elasticsearch: deleting a user revokes nothing.
func (e *Emulator) deleteUser(req *request) response {
	return e.deleteNamed(req, actionDeleteUser, func() bool {
		_, found := e.users[req.param]
		delete(e.users, req.param)
		return found
	})
}

// deleteRole serves DELETE /_security/role/{name}, answering as deleteUser does (RestDeleteRoleAction).
// Users keep the role's name; it grants nothing from then on.
func (e *Emulator) deleteRole(req *request) response {
	return e.deleteNamed(req, actionDeleteRole, func() bool {
		_, found := e.roles[req.param]
		delete(e.roles, req.param)
		return found
	})
}

// deleteNamed authorizes a delete, runs remove under e.mu, and answers {"found": b}, 404 when false.
func (e *Emulator) deleteNamed(req *request, action string, remove func() bool) response {
	if x := e.authorizeSecurity(action, req.who); x != nil {
		return x.response()
	}
	e.mu.Lock()
	found := remove()
	e.mu.Unlock()
	status := http.StatusOK
	if !found {
		status = http.StatusNotFound
	}
	return jsonResponse(status, obj("found", found))
}

// putRole serves PUT and POST /_security/role/{name}: the role's "cluster" privileges are kept (the
// emulator authorizes by them); indices, applications, run_as, metadata and the other fields are
// accepted and not applied. The answer is {"role":{"created": bool}}.
func (e *Emulator) putRole(req *request) response {
	body, fail := looseBody(req, "put_role_request", []string{"cluster", "indices", "applications", "run_as",
		fieldMetadata, "transient_metadata", "global", "description", "remote_indices", "remote_cluster"})
	if fail != nil {
		return *fail
	}
	if x := e.authorizeSecurity(actionPutRole, req.who); x != nil {
		return x.response()
	}
	cluster := body.strs("cluster")
	if cluster == nil {
		cluster = []string{}
	}
	e.mu.Lock()
	_, existed := e.roles[req.param]
	e.roles[req.param] = cluster
	e.mu.Unlock()
	return jsonResponse(http.StatusOK, obj("role", obj("created", !existed)))
}
