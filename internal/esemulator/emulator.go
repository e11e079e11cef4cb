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
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults taken from Elasticsearch's settings.
const (
	// DefaultVersion is the Elasticsearch version emulated unless WithVersion says otherwise.
	DefaultVersion = "8.19.7"
	// DefaultTokenTimeout is xpack.security.authc.token.timeout's default.
	DefaultTokenTimeout = 20 * time.Minute
	// DefaultRealm is the realm AddUser uses when given "".
	DefaultRealm = "default_native"

	maxBodyBytes = 10 << 20
)

// Emulator is an in-memory Elasticsearch that serves the token APIs over
// HTTP. It implements http.Handler and is safe for concurrent use.
type Emulator struct {
	now          func() time.Time
	tokenTimeout time.Duration
	removerDelay time.Duration
	version      esVersion
	clusterUUID  string
	latency      atomic.Int64

	requests        atomic.Int64
	invalidateCalls atomic.Int64

	mu             sync.Mutex
	users          map[string]*account
	roles          map[string][]string // role name → cluster privileges (PUT /_security/role)
	apiKeys        map[string]*apiKey
	tokens         *tokenStore
	tokensDisabled bool
	apiKeysOff     bool // xpack.security.authc.api_key.enabled: false
	faults         []Fault
	invalidateHook func()
}

// account is a user's password and the identity it proves.
type account struct {
	secret   string
	identity identity
	disabled bool // enabled: false in PUT /_security/user: the user cannot authenticate
}

// Option configures an Emulator.
type Option func(*Emulator)

// WithClock sets the clock used for token expiry and document lifetime (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(e *Emulator) { e.now = now }
}

// WithLatency adds d to every request before it is handled.
func WithLatency(d time.Duration) Option {
	return func(e *Emulator) { e.latency.Store(int64(d)) }
}

// WithTokenTimeout sets the access-token lifetime, xpack.security.authc.token.timeout
// (default 20m, answered as "expires_in":1200).
func WithTokenTimeout(d time.Duration) Option {
	return func(e *Emulator) { e.tokenTimeout = d }
}

// WithRemoverDelay keeps token documents this long after their 24h lifetime
// before they vanish, like ExpiredTokenRemover running late (default 0: they
// vanish at 24h). In between, invalidation still finds them and a refresh
// answers "token document has expired".
func WithRemoverDelay(d time.Duration) Option {
	return func(e *Emulator) { e.removerDelay = d }
}

// WithVersion sets the Elasticsearch version to emulate, any MAJOR.MINOR.PATCH
// from 6.0.0 through 9.x, e.g. "6.8.23", "7.17.29", "8.19.7" or "9.1.0". The
// emulator then behaves on the wire as that generation does (paths, bodies,
// status codes, headers and known bugs; see the package documentation). From
// 8.x the major version decides which compatible-with versions are accepted
// (8.x: 7 and 8; 9.x: 8 and 9). It panics on any other version; check user
// input with ValidateVersion first.
func WithVersion(v string) Option {
	parsed, err := parseVersion(v)
	if err != nil {
		panic("esemulator: " + err.Error())
	}
	return func(e *Emulator) { e.version = parsed }
}

// New returns an Emulator with no users, no API keys and no tokens.
func New(opts ...Option) *Emulator {
	e := &Emulator{
		now:          time.Now,
		tokenTimeout: DefaultTokenTimeout,
		clusterUUID:  randomID(16),
		users:        map[string]*account{},
		roles:        map[string][]string{},
		apiKeys:      map[string]*apiKey{},
	}
	e.version, _ = parseVersion(DefaultVersion)
	for _, opt := range opts {
		opt(e)
	}
	e.tokens = newTokenStore(e.version.transportID, e.removerDelay)
	e.tokens.uuidPayload = !e.version.atLeast(8, 10, 0)
	return e
}

// ServeHTTP answers one request the way Elasticsearch would.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.requests.Add(1)
	if !sleep(r.Context(), time.Duration(e.latency.Load())) {
		return
	}
	req := &request{http: r, path: r.URL.Path, now: e.now()}
	e.write(w, req, e.handle(req))
}

// SetLatency changes the latency added to every request.
func (e *Emulator) SetLatency(d time.Duration) {
	e.latency.Store(int64(d))
}

// AddUser adds a user with the superuser role (all privileges, manage_token and manage_api_key
// included). Realm "" means "default_native".
func (e *Emulator) AddUser(name, password, realm string) {
	e.AddUserWithRoles(name, password, realm, "superuser")
}

// AddUnprivilegedUser adds a user in "default_native" who authenticates but
// holds no privilege, so the token and API key APIs answer 403.
func (e *Emulator) AddUnprivilegedUser(name, password string) {
	e.AddUserWithRoles(name, password, DefaultRealm)
}

// AddUserWithRoles adds a user holding the given roles: "superuser", or roles defined with AddRole or
// PUT /_security/role/{name} (a role defined later applies from then on). Realm "" means "default_native".
func (e *Emulator) AddUserWithRoles(name, password, realm string, roles ...string) {
	if realm == "" {
		realm = DefaultRealm
	}
	id := identity{username: name, realmName: realm, realmType: realmType(realm), roles: append([]string{}, roles...)}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.users[name] = &account{secret: password, identity: id}
}

// AddRole defines (or replaces) a role holding the given cluster privileges, for example
// "manage_api_key", "manage_own_api_key", "manage_token" or "manage_security".
func (e *Emulator) AddRole(name string, clusterPrivileges ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.roles[name] = append([]string{}, clusterPrivileges...)
}

// AddAPIKey adds an API key with a chosen id and secret holding manage_token, as the command's
// --api-key does. Clients send "Authorization: ApiKey base64(id:key)". The key is named after its id and
// owned by a user named after its id in the "_es_api_key" realm (how _authenticate reports it); it is
// listed by GET /_security/api_key and can be invalidated like a created key.
func (e *Emulator) AddAPIKey(id, key string) {
	owner := identity{username: id, realmName: apiKeyRealm, realmType: apiKeyRealm, roles: []string{}}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.apiKeys[id] = &apiKey{id: id, name: id, secret: key, owner: owner, created: e.now(),
		cluster: []string{privManageToken}}
}

// SetTokenServiceEnabled emulates xpack.security.authc.token.enabled; when
// false the token APIs answer 400 feature_not_enabled_exception and Bearer
// tokens no longer authenticate.
func (e *Emulator) SetTokenServiceEnabled(enabled bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokensDisabled = !enabled
}

// SetAPIKeyServiceEnabled emulates xpack.security.authc.api_key.enabled; when false the API key APIs
// answer 400 feature_not_enabled_exception "api keys are not enabled" (500 illegal_state_exception
// before 7.7) (after authorization, as
// ApiKeyService.ensureEnabled runs in the action) and API keys no longer authenticate.
func (e *Emulator) SetAPIKeyServiceEnabled(enabled bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.apiKeysOff = !enabled
}

// apiKeysDisabled is the answer of an API key action while the service is disabled, or nil.
func (e *Emulator) apiKeysDisabled() *esError {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.apiKeysOff {
		return nil
	}
	// FeatureNotEnabledException(Feature.API_KEY_SERVICE, "api keys are not enabled") from 7.7, an
	// IllegalStateException before (esVersion.tokensDisabledIsFeatureError).
	if !e.version.tokensDisabledIsFeatureError() {
		x := newError(http.StatusInternalServerError, "illegal_state_exception", "api keys are not enabled")
		x.plain = true
		return x
	}
	x := newError(http.StatusBadRequest, "feature_not_enabled_exception", "api keys are not enabled")
	x.metadata = obj("disabled.feature", "api_keys")
	return x
}

func (e *Emulator) tokenServiceEnabled() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return !e.tokensDisabled
}

// InvalidateCalls counts invalidate requests (of tokens or API keys) that
// reached execution, that is passed authentication, parsing, validation and
// authorization, whatever their outcome (including feature_not_enabled_exception
// and faults).
func (e *Emulator) InvalidateCalls() int64 {
	return e.invalidateCalls.Load()
}

// Requests counts every request served, whatever its outcome.
func (e *Emulator) Requests() int64 {
	return e.requests.Load()
}

// sleep waits d or until ctx is done; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

var errBodyTooLarge = errors.New("request body too large")

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err == nil && len(b) > maxBodyBytes {
		err = errBodyTooLarge
	}
	return b, err
}
