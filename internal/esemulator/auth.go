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
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

const apiKeyRealm = "_es_api_key"

// identity is who a credential or a token stands for.
type identity struct {
	username  string
	realmName string
	realmType string
	roles     []string // role names, resolved to privileges when a request is authorized
	cluster   []string // cluster privileges held beside the roles' (an API key's own)
	fullName  string   // "" renders as null
	email     string   // "" renders as null
	metadata  json.RawMessage
}

// principal is an authenticated caller.
type principal struct {
	identity
	authType   string // authTypeRealm, authTypeAPIKey or authTypeToken
	apiKeyID   string
	apiKeyName string
	owner      identity // for an API key: the user who created it
}

// The authentication_type of a principal.
const (
	authTypeRealm  = "realm"
	authTypeAPIKey = "api_key"
	authTypeToken  = "token"
)

// authentication renders the caller as GET /_security/_authenticate and the
// get-token response's "authentication" object do.
func (p *principal) authentication() object {
	realm := obj("name", p.realmName, "type", p.realmType)
	o := obj(
		"username", p.username,
		"roles", append([]string{}, p.roles...),
		"full_name", nullIfEmpty(p.fullName),
		"email", nullIfEmpty(p.email),
		"metadata", p.metadataValue(),
		"enabled", true,
		"authentication_realm", realm,
		"lookup_realm", realm,
		"authentication_type", p.authType,
	)
	if p.apiKeyID != "" {
		name := p.apiKeyName
		if name == "" {
			name = p.apiKeyID
		}
		o = o.with("api_key", obj("id", p.apiKeyID, "name", name))
	}
	return o
}

// nullIfEmpty renders "" as JSON null, as Elasticsearch renders an unset full_name or email.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// metadataValue is the identity's metadata, {} when it has none.
func (id identity) metadataValue() any {
	if len(id.metadata) == 0 {
		return obj()
	}
	return id.metadata
}

// realmType guesses a realm's type from its name: "default_native" is
// native, "saml1" is saml; anything unrecognised is native.
func realmType(name string) string {
	n := strings.TrimPrefix(name, "default_")
	for _, t := range []string{"native", "file", "ldap", "active_directory", "pki", "saml", "kerberos", "oidc", "jwt", "reserved"} {
		if strings.HasPrefix(n, t) {
			return t
		}
	}
	return "native"
}

// authenticate runs the authenticator chain on the Authorization header. It
// never puts a credential into an error message.
func (e *Emulator) authenticate(req *request) (*principal, *esError) {
	h := strings.TrimSpace(req.http.Header.Get("Authorization"))
	uri := req.http.URL.RequestURI()
	if cred, ok := credentials(h, "Basic"); ok {
		return e.basicAuth(cred, uri)
	}
	if cred, ok := credentials(h, "ApiKey"); ok && e.version.apiKeys() && e.apiKeysDisabled() == nil {
		return e.apiKeyAuth(cred)
	}
	if cred, ok := credentials(h, "Bearer"); ok {
		return e.bearerAuth(cred, req)
	}
	return nil, e.authenticationError(fmt.Sprintf("missing authentication credentials for REST request [%s]", uri))
}

// credentials returns what follows a case-insensitive "<scheme> " prefix.
func credentials(header, scheme string) (string, bool) {
	prefix := scheme + " "
	if len(header) <= len(prefix) || !strings.EqualFold(header[:len(prefix)], prefix) {
		return "", false
	}
	cred := strings.TrimSpace(header[len(prefix):])
	return cred, cred != ""
}

func (e *Emulator) basicAuth(cred, uri string) (*principal, *esError) {
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return nil, e.authenticationError("invalid basic authentication header encoding")
	}
	name, password, ok := strings.Cut(string(raw), ":")
	if !ok {
		return nil, e.authenticationError("invalid basic authentication header value")
	}
	id, ok := e.checkUser(name, password)
	if !ok {
		return nil, e.authenticationError(fmt.Sprintf("unable to authenticate user [%s] for REST request [%s]", name, uri))
	}
	return &principal{identity: id, authType: authTypeRealm}, nil
}

// checkUser verifies a username and password against the emulated realms.
func (e *Emulator) checkUser(name, password string) (identity, bool) {
	e.mu.Lock()
	acct := e.users[name]
	e.mu.Unlock()
	if acct == nil || acct.disabled || !sameSecret(acct.secret, password) {
		return identity{}, false
	}
	return acct.identity, true
}

func (e *Emulator) apiKeyAuth(cred string) (*principal, *esError) {
	raw, err := base64.StdEncoding.DecodeString(cred)
	id, secret, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok || id == "" {
		return nil, e.unsuccessfulCredentials("API key: invalid ApiKey value")
	}
	e.mu.Lock()
	key := e.apiKeys[id]
	var k apiKey
	if key != nil {
		k = *key
	}
	e.mu.Unlock()
	switch {
	case key == nil:
		return nil, e.unsuccessfulCredentials("API key: unable to find apikey with id " + id)
	case k.invalidated:
		// ApiKeyService.validateApiKeyCredentials refuses an invalidated key (401) before it compares the
		// secret; the wording is unverified (u).
		return nil, e.unsuccessfulCredentials(fmt.Sprintf("API key: api key [%s] has been invalidated", id))
	case !sameSecret(k.secret, secret):
		return nil, e.unsuccessfulCredentials(fmt.Sprintf("API key: invalid credentials for API key [%s]", id))
	case k.expires != nil && !e.now().Before(*k.expires):
		return nil, e.unsuccessfulCredentials("API key: api key is expired")
	}
	return k.principal(), nil
}

// bearerAuth accepts an access token that is known, not invalidated and not expired.
func (e *Emulator) bearerAuth(cred string, req *request) (*principal, *esError) {
	e.mu.Lock()
	enabled := !e.tokensDisabled
	doc := e.tokens.byAccess(cred, req.now)
	var owner identity
	var expired bool
	if doc != nil {
		owner, expired = doc.owner, doc.accessInvalidated || req.now.After(doc.expires)
	}
	e.mu.Unlock()
	switch {
	case !enabled || doc == nil:
		return nil, e.unsuccessfulCredentials("oauth2 token: invalid token")
	case expired:
		return nil, tokenExpiredError()
	}
	return &principal{identity: owner, authType: authTypeToken}, nil
}

// unsuccessfulCredentials is AuthenticatorChain's failure after every
// authenticator declined the credentials.
func (e *Emulator) unsuccessfulCredentials(detail string) *esError {
	x := e.authenticationError("unable to authenticate with provided credentials and anonymous access is not allowed for this request")
	x.metadata = obj("additional_unsuccessful_credentials", detail)
	return x
}

func sameSecret(want, got string) bool {
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// authorize checks that p holds a privilege granting a token action: manage_token, manage_security or
// all, and manage_saml for refreshing and invalidating (ClusterPrivilegeResolver; shared reference §1).
func (e *Emulator) authorize(action string, p *principal) *esError {
	granting := []string{privManageToken, privManageSecurity, privAll}
	if action != actionCreateToken {
		granting = append(granting, privManageSAML)
	}
	if e.holdsAny(p, granting...) {
		return nil
	}
	return e.unauthorizedError(action, p)
}
