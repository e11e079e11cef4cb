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

// This file holds every per-generation difference the emulator makes, each
// with its source; doc.go tables them. "Unverified" marks a boundary or a
// detail chosen without a source saying so.

// xpackMode is how a version routes the /_xpack/security/... paths.
type xpackMode int

const (
	// xpackCurrent: the only (6.0–6.5) or an equal (6.6–6.8) path, no warning.
	xpackCurrent xpackMode = iota
	// xpackDeprecated: routed for every request, answered with a Warning (7.x).
	xpackDeprecated
	// xpackCompatV7: routed only for compatible-with=7 requests, with a Warning (8.x).
	xpackCompatV7
	// xpackNone: not routed (9.x).
	xpackNone
)

// xpackRoutes: 6.x registered only DELETE/POST /_xpack/security/oauth2/token
// (6.0, 6.2 RestInvalidateTokenAction: controller.registerHandler); 7.x
// registered it as a ReplacedRoute of /_security/... ("TODO: remove
// deprecated endpoint in 8.0.0"), answering with RestController's deprecation
// Warning; 8.x registers it only for RestApiVersion.V_7 (Route.replaces(...,
// V_7)); 9.x has no V_7 compatibility, so no such route.
func (v esVersion) xpackRoutes() xpackMode {
	switch v.major {
	case 6:
		return xpackCurrent
	case 7:
		return xpackDeprecated
	case 8:
		return xpackCompatV7
	}
	return xpackNone
}

// routesSecurityPrefix: /_security/... exists from 7.0 (PR #36293, issue
// #35958) and, undocumented and without deprecating /_xpack, in 6.x from 6.6:
// PR #36379 ("adds support for the /_security endpoints in 6.x to facilitate
// ... a mixed 6.x/7.x cluster") carries the v6.6.0 label and was merged into
// 6.x by 9 December 2018 (a commit of that day cites it), while 6.x was still
// 6.6.0 (the 6.6 branch was cut about 19 December 2018: elasticsearch-hadoop
// PR #1228); the 6.6.0 release notes list it, as quoted by a third-party
// feature table (the stored 6.6 notes file is a stub).
func (v esVersion) routesSecurityPrefix() bool {
	return v.atLeast(6, 6, 0)
}

// invalidateFields are the fields RestInvalidateTokenAction's parser
// declares: 6.0–6.1 "token" only (a required constructorArg); 6.2 adds
// "refresh_token" (6.2 source, 6.3 reference page); 6.7 adds "realm_name"
// and "username" (PR #35388, backport #36766; 6.7 reference page).
func (v esVersion) invalidateFields() []string {
	switch {
	case v.atLeast(6, 7, 0):
		return []string{fieldToken, fieldRefreshToken, fieldRealmName, fieldUsername}
	case v.atLeast(6, 2, 0):
		return []string{fieldToken, fieldRefreshToken}
	}
	return []string{fieldToken}
}

// answerShape is the body of a successful invalidation.
type answerShape int

const (
	// shapeCreated is {"created": bool} (6.0–6.6: RestInvalidateTokenAction
	// builds it from InvalidateTokenResponse.isCreated()).
	shapeCreated answerShape = iota
	// shapeCreatedAndCounters is 6.7–6.8's: the counters of PR #35388 plus
	// the deprecated "created". Sources: PR #35388 ("After backporting to
	// 6.x, `created` will be removed from master"), PR #36893 (7.0 "Removes
	// the created field from the TokensInvalidationResult and the
	// InvalidateTokenResponse"), the 6.x token/10_basic.yml matching
	// {created: true} after invalidating by username. Unverified: the key
	// order (created first here) and the exact rule; the emulator uses the
	// 7.0 bwc rule of InvalidateTokenResponse.isCreated(): invalidated > 0,
	// none previously invalidated, no error.
	shapeCreatedAndCounters
	// shapeCounters is 7.0+'s TokensInvalidationResult.toXContent.
	shapeCounters
)

func (v esVersion) answerShape() answerShape {
	switch {
	case v.major >= 7:
		return shapeCounters
	case v.atLeast(6, 7, 0):
		return shapeCreatedAndCounters
	}
	return shapeCreated
}

// alwaysCreated is issue #35115: from 6.2 (tokens stored as documents that
// invalidation updates) until the fix in PR #35388 (6.7), TokenService read
// "created" from an UpdateResponse that never carries the source, so the
// answer is {"created": true} even for a token already invalidated.
func (v esVersion) alwaysCreated() bool {
	return v.atLeast(6, 2, 0) && !v.atLeast(6, 7, 0)
}

// unknownTokenIsError: before PR #54532 (7.8.0; issue #53323) an unknown
// access token failed with 401 "token malformed" and an unknown refresh
// token with 400 invalid_grant; since, both answer 404 with zero counters,
// and a missing tokens index answers 400. The fix was backported to 7.7 by
// #56741 (commit 5ed4e7cc), opened after 7.7.0 shipped. Unverified: the
// 7.7 patch; 7.7.1 is chosen.
func (v esVersion) unknownTokenIsError() bool {
	return !v.atLeast(7, 7, 1)
}

// productHeader: X-Elastic-Product: Elasticsearch is sent from 7.14 on, on
// every answer including routing errors (the 7.14+ RestController adds
// ELASTIC_PRODUCT_HTTP_HEADER in dispatchRequest and dispatchBadRequest;
// the 7.7–7.9 RestController has no such header); go-elasticsearch 7.14+
// checks it.
func (v esVersion) productHeader() bool {
	return v.atLeast(7, 14, 0)
}

// parseDialect is how ObjectParser reports an unknown field.
type parseDialect int

const (
	// dialectIllegalArgument: 400 illegal_argument_exception "[name] unknown
	// field [f], parser not found", no location (ObjectParser.getParser
	// before PR #31030; 6.0–6.3).
	dialectIllegalArgument parseDialect = iota
	// dialectParserNotFound: x_content_parse_exception "[l:c] [name] unknown
	// field [f], parser not found" (PR #31030, June 2018, so 6.4; the message
	// is asserted in ObjectParserTests as of PR #42491).
	dialectParserNotFound
	// dialectModern: "[l:c] [name] unknown field [f]", followed by " did you
	// mean [g]?" when a declared field is close (PR #50938, January 2020,
	// listed as Add "did you mean" to ObjectParser in the 7.6.0 release notes;
	// SuggestingErrorOnUnknown and its tests).
	dialectModern
)

func (v esVersion) parseDialect() parseDialect {
	switch {
	case v.atLeast(7, 6, 0):
		return dialectModern
	case v.atLeast(6, 4, 0):
		return dialectParserNotFound
	}
	return dialectIllegalArgument
}

// plainTextNoHandler: an unknown path gets a text/plain "No handler found
// for uri [...] and method [...]" before 6.4 (RestController; issue #30329
// shows 6.2.4's text/plain answer), the JSON {"error":"no handler found ..."}
// without status from 6.4.0 (PR #30383 "Respect accept header on no
// handler", listed in the 6.4.0 release notes under REST API bug fixes;
// RestController.handleBadRequest read at 7.7–7.9, 7.14+ and 8.x).
func (v esVersion) plainTextNoHandler() bool {
	return !v.atLeast(6, 4, 0)
}

// apiKeys: API keys and the "ApiKey" challenge exist from 6.7 (the create
// API key reference page appears in 6.7).
func (v esVersion) apiKeys() bool {
	return v.atLeast(6, 7, 0)
}

// grantTypes are the get-token grant types CreateTokenRequest accepts:
// password (6.0 reference page: "Currently only the password grant type is
// supported"), refresh_token (6.2, with refresh tokens), client_credentials
// and _kerberos (6.5; unverified). The 7.0+ message order is
// [password, _kerberos, refresh_token, client_credentials].
func (v esVersion) grantTypes() []string {
	switch {
	case v.atLeast(6, 5, 0):
		return []string{grantPassword, grantKerberos, grantRefreshToken, grantClientCredentials}
	case v.atLeast(6, 2, 0):
		return []string{grantPassword, grantRefreshToken}
	}
	return []string{grantPassword}
}

// tokenRequestFields are the fields RestGetTokenAction's parser declares,
// following grantTypes.
func (v esVersion) tokenRequestFields() []string {
	fields := []string{fieldGrantType, fieldUsername, fieldPassword}
	if v.atLeast(6, 5, 0) {
		fields = append(fields, fieldKerberosTicket)
	}
	fields = append(fields, fieldScope)
	if v.atLeast(6, 2, 0) {
		fields = append(fields, fieldRefreshToken)
	}
	return fields
}

// authenticationInTokenResponse: CreateTokenResponse gained "authentication"
// in 7.11 (TransportVersion V_7_11_0; shared reference §8).
func (v esVersion) authenticationInTokenResponse() bool {
	return v.atLeast(7, 11, 0)
}

// refreshWindow30s: from 7.2, refreshing one refresh token twice within 30
// seconds gives the same new pair (shared reference §8, TokenService); a
// token of an older version is refreshed once only: "token has already
// been refreshed".
func (v esVersion) refreshWindow30s() bool {
	return v.atLeast(7, 2, 0)
}

// tokensDisabledIsFeatureError: from 7.7 a disabled token (or API key)
// service throws FeatureNotEnabledException (400 feature_not_enabled_exception;
// PR #52811, 7.x backport #53941, "Add exception metadata for disabled
// features" in the 7.7.0 release notes); before, ensureEnabled threw
// IllegalStateException("tokens are not enabled" / "api keys are not
// enabled"), a 500 (6.0 TokenService; kibana#49403 shows 7.x's 500
// illegal_state_exception "api keys are not enabled" in March 2020).
func (v esVersion) tokensDisabledIsFeatureError() bool {
	return v.atLeast(7, 7, 0)
}

// unauthorizedStyle is the wording of a 403 for a missing privilege.
type unauthorizedStyle int

const (
	// unauthorizedPlain: "action [a] is unauthorized for user [u]" (6.x–7.11).
	unauthorizedPlain unauthorizedStyle = iota
	// unauthorizedPrivileges adds ", this action is granted by the cluster privileges [...]" (7.12: PR
	// #66900, 7.x backport #68263, listed in the 7.12.0 release notes; the word "cluster" from PR
	// #68260, backport #68426, merged with it in February 2021).
	unauthorizedPrivileges
	// unauthorizedRoles also puts "with roles [r]" after the user (7.13–8.4: PR #69318, backport
	// #70284, "Include role names in access denied errors" in the 7.13.0 release notes; the 8.x
	// AuthorizationDenialMessages before PR #89680 prints the user's assigned roles).
	unauthorizedRoles
	// unauthorizedEffectiveRoles says "with effective roles [r]", sorted, and names the assigned roles
	// that do not exist: "(assigned roles [x] were not found)" (8.5+: PR #89680, "Add information of
	// resolved roles in denial messages" in the 8.5.0 release notes; AuthorizationDenialMessages).
	unauthorizedEffectiveRoles
)

func (v esVersion) unauthorizedStyle() unauthorizedStyle {
	switch {
	case v.atLeast(8, 5, 0):
		return unauthorizedEffectiveRoles
	case v.atLeast(7, 13, 0):
		return unauthorizedRoles
	case v.atLeast(7, 12, 0):
		return unauthorizedPrivileges
	}
	return unauthorizedPlain
}

// manageOwnAPIKey: the manage_own_api_key privilege and the invalidate and get bodies' "owner" exist from
// 7.4 (ManageOwnApiKeyClusterPrivilege; InvalidateApiKeyRequest reads owner from Version.V_7_4_0).
func (v esVersion) manageOwnAPIKey() bool {
	return v.atLeast(7, 4, 0)
}

// apiKeyIDList: the invalidate API key body takes "ids", a list, from 7.10 (InvalidateApiKeyRequest
// reads a string array from Version.V_7_10_0); before, a single "id". 7.10–7.17 still take "id" (not
// beside "ids"); 8.x only for compatible-with=7 requests (RestInvalidateApiKeyAction's v7 parser); 9.x,
// which accepts compatible-with=8 and 9 only, never.
func (v esVersion) apiKeyIDList() bool {
	return v.atLeast(7, 10, 0)
}

// deprecatedIDField: a body with "id" gets a deprecation Warning from 7.12 (PR #66317, "Deprecate the
// id field for the InvalidateApiKey API", 7.x backport #66670 in December 2020, listed under
// Deprecations in the 7.12.0 release notes), and in 8.x for compatible-with=7
// (ParseField("id").withAllDeprecated("ids")); the text follows LoggingDeprecationHandler's
// "Deprecated field [id] used, replaced by [ids]". Not emulated: the "[parser][line:column] " prefix
// the handler has put first since 7.7 (PR #53805), the column being the value's.
func (v esVersion) deprecatedIDField() bool {
	return v.atLeast(7, 12, 0)
}

// idsCheckedWhileParsing: 8.x checks "ids" (not empty, no blank id) in InvalidateApiKeyRequest's
// constructor, so a refusal comes wrapped as a parse error; 7.10–7.17 check it in validate(), with the
// other validation errors. Unverified: 8.0 as the boundary (u).
func (v esVersion) idsCheckedWhileParsing() bool {
	return v.major >= 8
}

// encodedAPIKey: the create API key answer carries "encoded" (base64 of id:api_key) from 7.16 (PR
// #77351, backported to 7.x by #77670 in September 2021, after 7.15 branched).
func (v esVersion) encodedAPIKey() bool {
	return v.atLeast(7, 16, 0)
}

// getAPIKeyNotFoundIs404: GET /_security/api_key with an id parameter that no key matches answers 404
// with the usual body, {"api_keys":[]}; without an id, finding nothing is a 200 with that body
// (RestGetApiKeyAction sets NOT_FOUND when the id has text and the list is empty; ApiKeyService
// answers GetApiKeyResponse.emptyResponse() when nothing matches). Read at 7.4–7.6 (registerHandler,
// owner), 7.7–7.10 (routes()) and 8.x (client.internal); a 404 was observed on 8.0.0, 8.19 and 9.3.
// Unverified (u): 6.7–7.3, chosen alike (the handler was written with the API).
func (v esVersion) getAPIKeyNotFoundIs404() bool {
	return v.apiKeys()
}

// nestedPutUserAnswer: 6.x answers PUT /_security/user/{name} with {"user":{"created":b},"created":b}
// (RestPutUserAction wrapped PutUserResponse's fragment, and kept a top-level "created"); 7.0 answers
// {"created":b} (PutUserResponse became a ToXContentObject). Unverified (u): the 6.x shape's second field.
func (v esVersion) nestedPutUserAnswer() bool {
	return v.major < 7
}
