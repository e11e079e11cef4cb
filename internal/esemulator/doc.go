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

// Package esemulator is an in-memory emulator of Elasticsearch's token and API key APIs.
// TEST TOOL ONLY; the operator never imports it.
//
// It follows the project's behaviour reference (elasticsearch-token-api.md,
// shared with the operator's design documents): get token (password,
// client_credentials and refresh_token grants), invalidate token (all four
// modes, with Elasticsearch's counters, status codes and error bodies),
// API keys (create, get, invalidate), native users and roles by API,
// GET / and GET /_security/_authenticate, with Basic, ApiKey and Bearer
// authentication and the X-Elastic-Product header the official clients check.
//
// # Generations
//
// WithVersion (the command's --version) picks any release from 6.0.0
// through 9.x; the default is DefaultVersion. The emulator then answers as
// that generation does. Each difference is coded in generations.go (or next
// to its use) with its source. Numbers refer to the notes below; (u) marks
// an unverified boundary or detail, chosen as stated.
//
//	Paths of invalidate (DELETE) and get token (POST) [routes]
//	  6.0–6.5        /_xpack/security/oauth2/token only
//	  6.6–6.8        /_xpack/... and /_security/... (1), neither with a Warning
//	  7.x            /_security/...; /_xpack/... works and adds a Warning
//	  8.x            /_security/...; /_xpack/... only for compatible-with=7, with a Warning
//	  9.x            /_security/... only
//	Warning value    299 Elasticsearch-<version>-<build hash> "[DELETE /_xpack/security/oauth2/token]
//	                 is deprecated! Use [DELETE /_security/oauth2/token] instead." (no date: PR #37622, 7.0)
//	Unknown path     6.0–6.3: 400 text/plain "No handler found for uri [...] and method [...]";
//	                 6.4+: 400 {"error":"no handler found for uri [...] and method [...]"} [no handler]
//	Invalidate fields
//	  6.0–6.1        token (required: "Required [token]")
//	  6.2–6.6        token or refresh_token (both: "only one of [token, refresh_token] ...")
//	  6.7+           token, refresh_token, realm_name, username [PR #35388, #36766]
//	Successful invalidation body
//	  6.0–6.6        {"created":bool}; 6.2–6.6 say true even for an invalidated token (2)
//	  6.7–6.8        {"created":bool,"invalidated_tokens":n,"previously_invalidated_tokens":n,"error_count":n} (3)
//	  7.0+           {"invalidated_tokens":n,"previously_invalidated_tokens":n,"error_count":n[,"error_details":[...]]}
//	Unknown token (no document holds it)
//	  6.x–7.7.0      access: 401 security_exception "token malformed" with WWW-Authenticate: Bearer
//	                 realm="security", error="invalid_token", error_description="The access token is
//	                 malformed"; refresh: 400 security_exception "invalid_grant" with the header
//	                 error_description: could not refresh the requested token (4)
//	  7.7.1+ (u)     404 with zero counters; a tokens index that does not exist yet: 400
//	                 security_exception "failed to invalidate token" (4)
//	Unknown body field (5)
//	  6.0–6.3        400 illegal_argument_exception "[invalidate_token] unknown field [f], parser not found"
//	  6.4–7.5        400 x_content_parse_exception "[1:2] [invalidate_token] unknown field [f], parser not found"
//	  7.6+           400 x_content_parse_exception "[1:2] [invalidate_token] unknown field [f]", then " did
//	                 you mean [g]?" (or "any of [g, h]?") for declared fields close to f
//	X-Elastic-Product: Elasticsearch    from 7.14 (before, the official clients' product check fails)
//	Get token        grant types: password (6.0), refresh_token (6.2), client_credentials and _kerberos
//	                 (6.5 (u)); a password grant returns a refresh token from 6.2; "authentication"
//	                 in the answer from 7.11; a refresh token refreshed twice: "token has already been
//	                 refreshed" before 7.2, the same new pair within 30 seconds from 7.2
//	ApiKey           authentication and the ApiKey challenge from 6.7
//	API keys         POST/PUT /_security/api_key (create), GET (get), DELETE (invalidate), from 6.7,
//	                 at /_security only (no /_xpack route was ever found) (6)
//	  create answer  {"id","name"[,"expiration"],"api_key"}; "encoded" (base64 of id:api_key) from 7.16 (7);
//	                 ids are 20 characters, secrets 22 (base64url); the key holds its creator's
//	                 privileges as they were (role_descriptors accepted, not applied (u))
//	  invalidate     6.7–7.3: id, name, realm_name, username; 7.4+: owner; 7.10+: ids (a list, or one
//	                 string); 7.10–7.17 also id (not with ids: "Must use either [id] or [ids], not both
//	                 at the same time"); 8.x: id only for compatible-with=7; 9.x never (8); from
//	                 7.12 "id" adds a Warning: Deprecated field [id] used, replaced by [ids] (PR #66317,
//	                 7.12.0 release notes; without the "[invalidate_api_key][1:7] " prefix 7.7+ put first)
//	  validation     "Validation Failed: n: ..." (8). 6.7–7.3: One of [api key id, api key name, username,
//	                 realm name] must be specified; api key id (name) must not be specified when username
//	                 or realm name is specified; api key name must not be specified when api key id is
//	                 specified (the id checks restart the list). 7.4+: "... must be specified if [owner]
//	                 flag is false"; username or realm name must not be specified when the api key id or
//	                 api key name is specified; neither username nor realm-name may be specified when
//	                 invalidating owned API keys; only one of [api key id, api key name] can be specified.
//	                 7.10+: "api key id(s)", "... are specified"; Field [ids] cannot be an empty array /
//	                 must not contain blank id, but got blank id[s] at index position[s]: [i, ...]
//	                 (7.10–7.17 in validate, 8.x+ while parsing, wrapped as a parse error (u: 8.0))
//	  invalidate     {"invalidated_api_keys":[ids],"previously_invalidated_api_keys":[ids],"error_count":n
//	  answer         [,"error_details"]}; unknown ids and keys already invalidated: 200 with empty lists
//	                 (the search skips invalidated keys), never 404 (9)
//	  get answer     {"api_keys":[{"id","name","creation"[,"expiration"],"invalidated","username","realm"}]};
//	                 nothing found: {"api_keys":[]}, with status 404 when the id parameter was given,
//	                 else 200 (7.4+, 6.7–7.3 (u)) [get]
//	  authenticate   an invalidated key: 401 "api key [id] has been invalidated" (checked before the
//	                 secret; wording (u)); an expired one: 401 "api key is expired"
//	  privileges     manage_api_key, manage_security, all: any key; manage_own_api_key (7.4+): owner: true,
//	                 or the caller's own username and realm_name, or an API key naming only its own id;
//	                 403 names "manage_api_key,manage_security,all" (u: list)
//	  disabled       (SetAPIKeyServiceEnabled) 400 feature_not_enabled_exception "api keys are not
//	                 enabled" from 7.7, 500 illegal_state_exception before, after authorization; ApiKey
//	                 credentials no longer authenticate [disabled]
//	Users and roles  PUT/POST /_security/user/{name} (password >= 6 characters, roles, full_name, email,
//	                 metadata, enabled): {"created":b} from 7.0, {"user":{"created":b},"created":b} in 6.x
//	                 (u); DELETE: {"found":b}, 404 when false; PUT/POST /_security/role/{name}: cluster
//	                 privileges kept, the rest accepted: {"role":{"created":b}}; all need manage_security.
//	                 _authenticate then answers the user's roles, full_name, email, metadata, enabled,
//	                 realms (default_native, native) and authentication_type realm
//	Tokens disabled  6.0–7.6: 500 illegal_state_exception "tokens are not enabled"; 7.7+: 400
//	                 feature_not_enabled_exception [disabled]
//	403 wording      "action [a] is unauthorized for user [u]" (6.x–7.11); 7.12 adds ", this action is
//	                 granted by the cluster privileges [...]"; 7.13–8.4 "... for user [u] with roles
//	                 [r], this action ..."; 8.5+ "... with effective roles [r] (sorted)[ (assigned
//	                 roles [x] were not found)], this action ..." [403]; an API key caller: "... for
//	                 API key id [id] of user [u]" and never roles (7.0+; 6.7–6.8 (u))
//	Media types      REST API compatibility (compatible-with) negotiated from 8.0 only (PR #71879's
//	                 guide: 7.x only reads the header, 7.13+ per the clients); before, any media type
//	                 is served as the current version (7.x's and older refusals not emulated (u))
//	GET /            number; build_flavor and build_type from 6.3; build_hash (7 hex digits in 6.x,
//	                 40 from 7.0; derived from the version, not real); lucene_version per minor from
//	                 the release notes (u per patch); minimum wire/index compatibility 5.6.0/5.0.0
//	                 (6.x), 6.8.0/6.0.0-beta1 (7.x), 7.17.0/7.0.0 (8.x), 8.19.0/8.0.0 (9.x); tagline
//	                 "You Know, for Search"
//	Token strings    base64 of [VInt version id][VInt 22][22-char UUID] before 8.10, [..][VInt 24][24
//	                 random bytes] from 8.10 (6.x–7.1 encrypted theirs (u); clients never read them)
//
// Sources:
//   - [routes] RestInvalidateTokenAction and RestGetTokenAction at 6.0 and 6.2
//     (registerHandler on /_xpack only), 7.x (ReplacedRoute, "TODO: remove
//     deprecated endpoint in 8.0.0") and 8.x (Route.replaces(..., V_7));
//     issue #35958 and PR #36293 (the 7.0 deprecation); RestController's
//     deprecation message.
//   - [no handler] Issue #30329 (6.2.4's text/plain answer); PR #30383
//     "Respect accept header on no handler", listed in the 6.4.0 release
//     notes (docs/reference/release-notes/6.4.asciidoc, REST API bug fixes);
//     RestController.handleBadRequest (8.x) for the JSON form.
//   - (1) PR #36379 added the /_security paths to 6.x, undocumented and
//     without deprecating /_xpack: labelled v6.6.0, merged into 6.x by
//     9 December 2018, before the 6.6 branch was cut (about 19 December,
//     elasticsearch-hadoop PR #1228); the 6.6.0 release notes list it (seen
//     quoted; the stored docs/reference/release-notes/6.6.asciidoc is a stub).
//   - (2) Issue #35115 (v6.4.2 TokenService "always returns created: true");
//     fixed by PR #35388, so 6.7.
//   - (3) PR #35388 ("After backporting to 6.x, `created` will be removed
//     from master"), PR #36893 (7.0 removes "created"), the 6.x
//     token/10_basic.yml ({created: true} after invalidating by username).
//     The value follows the 7.0 bwc rule of InvalidateTokenResponse:
//     invalidated > 0, none previously, no error. Unverified: its position.
//   - (4) Issue #53323, PR #54532 (7.8.0), backport #56741 to 7.7 (commit
//     5ed4e7cc), opened after 7.7.0 shipped; 7.7.1 is chosen, unverified:
//     the 7.7.1 release notes do not list it (their Authentication fixes are
//     #56354 and #55114). The answers themselves: the REST test
//     token/11_invalidation.yml (404 with zero counters for unknown access
//     and refresh tokens, 400 before any token exists).
//   - (5) ObjectParser before PR #31030 (June 2018) threw
//     IllegalArgumentException; #31030 made it XContentParseException
//     (6.4); PR #50938 (January 2020; listed as Add "did you mean" to ObjectParser in
//     the 7.6.0 release notes, docs/reference/release-notes/7.6.asciidoc) dropped
//     ", parser not found" and added the suggestions: SuggestingErrorOnUnknown
//     keeps the fields whose Lucene Levenshtein similarity to f exceeds 0.5.
//   - Get token: 6.0 reference page (password grant only), refresh tokens in
//     6.2 (6.3 reference page), CreateTokenResponse V_7_11_0, TokenService.
//   - [disabled] 6.0 TokenService.ensureEnabled (IllegalStateException);
//     FeatureNotEnabledException (status BAD_REQUEST) from PR #52811, 7.x
//     backport #53941, "Add exception metadata for disabled features" in the
//     7.7.0 release notes; kibana#49403 (March 2020) shows 7.x's 500
//     illegal_state_exception "api keys are not enabled".
//   - (6) RestCreateApiKeyAction, RestGetApiKeyAction, RestInvalidateApiKeyAction (routes
//     /_security/api_key only); the create API key reference page appears in 6.7.
//   - (7) PR #77351 "CreateApiKey response now returns the base64 encoded
//     credentials" (September 2021), 7.x backport #77670: 7.16.
//   - (8) InvalidateApiKeyRequest: 6.x (id, name, realm, user), Version.V_7_4_0
//     (owner), Version.V_7_10_0 (ids); its validate() at 7.10 and 8.x; the
//     high-level REST client's InvalidateApiKeyRequestTests for the older
//     wordings; RestInvalidateApiKeyAction's invalidate_api_key_v7 parser.
//   - (9) ApiKeyService.invalidateApiKeys: "No active api keys to invalidate
//     ..." answers InvalidateApiKeyResponse.emptyResponse(); the search filters
//     api_key_invalidated: false; ApiKeyIntegTests assert no previously
//     invalidated keys; ManageOwnApiKeyClusterPrivilege for the own-key rules.
//   - [403] PR #66900 (cluster privileges named; 7.x backport #68263) and PR #68260 (the word
//     "cluster"; backport #68426), both in February 2021 and the first in the 7.12.0 release notes;
//     PR #69318 (role names; backport #70284) in the 7.13.0 release notes; PR #89680 (effective
//     roles) in the 8.5.0 release notes; AuthorizationDenialMessages before and after #89680. The API
//     key caller: denialException in the 7.x AuthorizationService before #66900 (API_KEY_REALM_TYPE).
//   - [get] RestGetApiKeyAction (404 when the id has text and no key is found) read at 7.4–7.6,
//     7.7–7.10 and 8.x; ApiKeyService.getApiKeys (GetApiKeyResponse.emptyResponse()).
//
// Not emulated per generation: JSON syntax and field type errors (always
// 8.x's x_content_parse_exception), 405 and unrecognized-parameter texts,
// the GET /_security/_authenticate body, and 6.0–6.1's created: false for an
// expired token (the emulator invalidates it like later versions).
package esemulator
