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
	"encoding/base64"
	"slices"
	"sort"
	"strings"
	"time"
)

// apiKey is one API key document of the security index.
type apiKey struct {
	id, name, secret string
	owner            identity // the creator: its username and realm
	cluster          []string // the cluster privileges the key holds
	created          time.Time
	expires          *time.Time
	invalidated      bool
}

// principal is who a request authenticated with the key is: the owner's username in the "_es_api_key"
// realm, no roles, and the key's own privileges (_authenticate answers so for an API key).
func (k apiKey) principal() *principal {
	id := identity{username: k.owner.username, realmName: apiKeyRealm, realmType: apiKeyRealm,
		roles: []string{}, cluster: k.cluster}
	return &principal{identity: id, authType: authTypeAPIKey, apiKeyID: k.id, apiKeyName: k.name, owner: k.owner}
}

// CreateAPIKey creates an API key named name for the user owner, as POST /_security/api_key would
// with that user's credentials, and returns its id, its secret and the encoded value clients send
// (base64 of id:secret). The key holds the owner's cluster privileges as they are now; an owner that
// is not a user of the emulator owns it in "default_native" with no privilege. For Go tests and the demo.
func (e *Emulator) CreateAPIKey(owner, name string) (id, secret, encoded string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	who := identity{username: owner, realmName: DefaultRealm, realmType: realmType(DefaultRealm), roles: []string{}}
	if acct := e.users[owner]; acct != nil {
		who = acct.identity
	}
	k := e.newAPIKey(who, name, e.clusterPrivileges(&principal{identity: who}), nil)
	return k.id, k.secret, encodeAPIKey(k.id, k.secret)
}

// APIKeyState reports whether the emulator knows an API key id and whether the key is invalidated.
func (e *Emulator) APIKeyState(id string) (known, invalidated bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := e.apiKeys[id]
	return k != nil, k != nil && k.invalidated
}

// newAPIKey stores a key with Elasticsearch's id and secret formats: a 20-character id (a time-based
// UUID in base64url, UUIDs.base64UUID) and a 22-character secret (16 random bytes in unpadded base64url,
// ApiKeyService). The caller holds e.mu.
func (e *Emulator) newAPIKey(owner identity, name string, cluster []string, expires *time.Time) *apiKey {
	k := &apiKey{id: randomURLID(15), name: name, secret: randomURLID(16), owner: owner,
		cluster: cluster, created: e.now(), expires: expires}
	e.apiKeys[k.id] = k
	return k
}

// randomURLID is n random bytes in unpadded base64url.
func randomURLID(n int) string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(n))
}

func encodeAPIKey(id, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
}

// keyQuery selects API keys as ApiKeyService.findApiKeysForUserRealmApiKeyIdAndNameCombination does:
// by the creator's realm and username, by name (exact; "*" for any and a trailing "*" for a prefix
// (u: from which version)), and by ids, each filter applied only when set.
type keyQuery struct {
	realmName, username, name string
	ids                       []string
	activeOnly                bool // leave out invalidated keys (invalidation searches so)
}

func (q keyQuery) matches(k *apiKey) bool {
	switch {
	case q.activeOnly && k.invalidated:
		return false
	case hasText(q.realmName) && k.owner.realmName != q.realmName:
		return false
	case hasText(q.username) && k.owner.username != q.username:
		return false
	case len(q.ids) > 0 && !slices.Contains(q.ids, k.id):
		return false
	case !hasText(q.name) || q.name == "*":
		return true
	case strings.HasSuffix(q.name, "*"):
		return strings.HasPrefix(k.name, strings.TrimSuffix(q.name, "*"))
	default:
		return k.name == q.name
	}
}

// find lists the keys q selects, oldest first. The caller holds e.mu.
func (e *Emulator) find(q keyQuery) []*apiKey {
	var out []*apiKey
	for _, k := range e.apiKeys {
		if q.matches(k) {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].created.Equal(out[j].created) {
			return out[i].created.Before(out[j].created)
		}
		return out[i].id < out[j].id
	})
	return out
}

// ownerOf is whose keys "owner": true names: the authenticated user, or for an API key its creator
// (TransportInvalidateApiKeyAction takes the effective user and ApiKeyService.getOwnersRealmNames).
func ownerOf(p *principal) identity {
	if p.authType == authTypeAPIKey {
		return p.owner
	}
	return p.identity
}

// ownsAll is ManageOwnApiKeyClusterPrivilege's check for one request: an API key reaches only itself,
// by id; a user reaches its own keys through owner: true, or through its own username and realm_name.
func ownsAll(p *principal, ids []string, owner bool, username, realmName string) bool {
	if p.authType == authTypeAPIKey {
		return len(ids) > 0 && !slices.ContainsFunc(ids, func(id string) bool { return id != p.apiKeyID })
	}
	if owner {
		return true
	}
	return hasText(username) && hasText(realmName) && username == p.username && realmName == p.realmName
}

// authorizeAPIKeys checks an API key action: manage_api_key, manage_security or all grant it for any
// key; manage_own_api_key (7.4 and later) only when own says the request reaches the caller's keys.
func (e *Emulator) authorizeAPIKeys(action string, p *principal, own func() bool) *esError {
	if e.holdsAny(p, privManageAPIKey, privManageSecurity, privAll) {
		return nil
	}
	if e.version.manageOwnAPIKey() && e.holdsAny(p, privManageOwnAPIKey) && own() {
		return nil
	}
	return e.unauthorizedError(action, p)
}

// Transport action names of the API key APIs (CreateApiKeyAction, GetApiKeyAction, InvalidateApiKeyAction).
const (
	actionCreateAPIKey     = "cluster:admin/xpack/security/api_key/create"
	actionGetAPIKey        = "cluster:admin/xpack/security/api_key/get"
	actionInvalidateAPIKey = "cluster:admin/xpack/security/api_key/invalidate"
)

// keyInfo renders a key as GET /_security/api_key lists it (ApiKey.toXContent): id, name, creation and
// expiration in epoch milliseconds (expiration only when set), invalidated, and the creator.
func keyInfo(k *apiKey) object {
	o := obj("id", k.id, "name", k.name, "creation", k.created.UnixMilli())
	if k.expires != nil {
		o = o.with("expiration", k.expires.UnixMilli())
	}
	return o.with("invalidated", k.invalidated, "username", k.owner.username, "realm", k.owner.realmName)
}
