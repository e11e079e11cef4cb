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

package v1alpha1

import "strings"

// specCase is one spec and the verdict Elasticsearch's rules give it. The same table drives the
// webhook's unit tests, the CRD's CEL tests against a real API server, and the webhook suite, so
// the two layers of validation cannot drift apart unnoticed.
type specCase struct {
	name string
	spec TokenRevocationSpec
	// valid is the expected verdict.
	valid bool
	// mentions are the field names an error message must contain (for invalid cases).
	mentions []string
}

func ptr(s string) *string { return &s }

func secretRef(name, key string) *SecretKeySelector {
	return &SecretKeySelector{Name: name, Key: key}
}

const (
	seedToken        = "dGhpcyBpcyBub3QgYSByZWFsIHRva2VuIGJ1dCBpdCBpcyBvbmx5IHRlc3QgZGF0YS4gZG8gbm90IHRyeSB0byByZWFkIHRva2VuIQ=="
	seedRefreshToken = "vLBPvmAB6KvwvJZr27cS"
)

// specCases covers every row of DESIGN.md's combinations table, plus empty and whitespace-only
// strings, inline values with their secret refs, bounds and elasticsearchRef rules.
var specCases = []specCase{
	{name: "an inline token alone is valid", spec: TokenRevocationSpec{Token: ptr(seedToken)}, valid: true},
	{name: "a token secret ref alone is valid", spec: TokenRevocationSpec{TokenSecretRef: secretRef("leaked", "token")}, valid: true},
	{name: "an inline refresh token alone is valid", spec: TokenRevocationSpec{RefreshToken: ptr(seedRefreshToken)}, valid: true},
	{name: "a refresh token secret ref alone is valid", spec: TokenRevocationSpec{RefreshTokenSecretRef: secretRef("leaked", "refresh")}, valid: true},
	{name: "a realm name alone is valid", spec: TokenRevocationSpec{RealmName: ptr("saml1")}, valid: true},
	{name: "a username alone is valid", spec: TokenRevocationSpec{Username: ptr("myuser")}, valid: true},
	{name: "a realm name with a username is valid", spec: TokenRevocationSpec{RealmName: ptr("saml1"), Username: ptr("myuser")}, valid: true},
	{name: "a token with a reason and a secret target is valid", spec: TokenRevocationSpec{
		Token: ptr(seedToken), Reason: ptr("INC-1"), ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("prod-es")}}, valid: true},
	{name: "an ECK reference with a namespace is valid", spec: TokenRevocationSpec{
		Username: ptr("u"), ElasticsearchRef: &ElasticsearchRef{Name: ptr("quickstart"), Namespace: ptr("elastic")}}, valid: true},
	{name: "an empty reason is valid", spec: TokenRevocationSpec{Username: ptr("u"), Reason: ptr("")}, valid: true},

	{name: "nothing set is rejected", spec: TokenRevocationSpec{}, mentions: []string{"token", "refreshToken", "realmName", "username"}},
	{name: "only a reason is rejected", spec: TokenRevocationSpec{Reason: ptr("INC-1")}, mentions: []string{"at least one of"}},
	{name: "a token with a refresh token is rejected", spec: TokenRevocationSpec{Token: ptr("a"), RefreshToken: ptr("b")}, mentions: []string{"token", "refreshToken"}},
	{name: "a token with a realm name is rejected", spec: TokenRevocationSpec{Token: ptr("a"), RealmName: ptr("r")}, mentions: []string{"token", "realmName"}},
	{name: "a token with a username is rejected", spec: TokenRevocationSpec{Token: ptr("a"), Username: ptr("u")}, mentions: []string{"token", "username"}},
	{name: "a token secret ref with a username is rejected", spec: TokenRevocationSpec{TokenSecretRef: secretRef("s", "k"), Username: ptr("u")}, mentions: []string{"tokenSecretRef", "username"}},
	{name: "a token with a refresh token secret ref is rejected", spec: TokenRevocationSpec{Token: ptr("a"), RefreshTokenSecretRef: secretRef("s", "k")}, mentions: []string{"token", "refreshTokenSecretRef"}},
	{name: "a refresh token with a realm name is rejected", spec: TokenRevocationSpec{RefreshToken: ptr("b"), RealmName: ptr("r")}, mentions: []string{"refreshToken", "realmName"}},
	{name: "a refresh token with a username is rejected", spec: TokenRevocationSpec{RefreshToken: ptr("b"), Username: ptr("u")}, mentions: []string{"refreshToken", "username"}},
	{name: "a refresh token secret ref with a realm and a username is rejected", spec: TokenRevocationSpec{
		RefreshTokenSecretRef: secretRef("s", "k"), RealmName: ptr("r"), Username: ptr("u")}, mentions: []string{"refreshTokenSecretRef", "realmName"}},
	{name: "every field set is rejected", spec: TokenRevocationSpec{Token: ptr("a"), RefreshToken: ptr("b"), RealmName: ptr("r"), Username: ptr("u")}, mentions: []string{"token", "refreshToken"}},
	{name: "an inline token with its secret ref is rejected", spec: TokenRevocationSpec{Token: ptr("a"), TokenSecretRef: secretRef("s", "k")}, mentions: []string{"token and tokenSecretRef"}},
	{name: "an inline refresh token with its secret ref is rejected", spec: TokenRevocationSpec{
		RefreshToken: ptr("b"), RefreshTokenSecretRef: secretRef("s", "k")}, mentions: []string{"refreshToken and refreshTokenSecretRef"}},

	{name: "an empty token is rejected", spec: TokenRevocationSpec{Token: ptr("")}, mentions: []string{"token must not be empty"}},
	{name: "a whitespace-only token is rejected", spec: TokenRevocationSpec{Token: ptr(" \t\n ")}, mentions: []string{"token must not be empty"}},
	{name: "an empty refresh token is rejected", spec: TokenRevocationSpec{RefreshToken: ptr("")}, mentions: []string{"refreshToken must not be empty"}},
	{name: "a whitespace-only realm name is rejected", spec: TokenRevocationSpec{RealmName: ptr("   ")}, mentions: []string{"realmName must not be empty"}},
	{name: "an empty username is rejected", spec: TokenRevocationSpec{Username: ptr("")}, mentions: []string{"username must not be empty"}},
	{name: "an empty username beside a valid realm name is rejected", spec: TokenRevocationSpec{RealmName: ptr("r"), Username: ptr(" ")}, mentions: []string{"username must not be empty"}},
	{name: "a token over 8192 characters is rejected", spec: TokenRevocationSpec{Token: ptr(strings.Repeat("a", 8193))}, mentions: []string{"token"}},
	{name: "a username over 1024 characters is rejected", spec: TokenRevocationSpec{Username: ptr(strings.Repeat("u", 1025))}, mentions: []string{"username"}},
	{name: "a reason over 1024 characters is rejected", spec: TokenRevocationSpec{Username: ptr("u"), Reason: ptr(strings.Repeat("r", 1025))}, mentions: []string{"reason"}},

	{name: "a reason with a newline is rejected", spec: TokenRevocationSpec{Username: ptr("u"), Reason: ptr("INC-1\nPhase: Revoked")},
		mentions: []string{"reason must not contain control or bidirectional formatting characters"}},
	{name: "a reason with an ANSI escape is rejected", spec: TokenRevocationSpec{Username: ptr("u"), Reason: ptr("\x1b[2J")}, mentions: []string{"reason"}},
	{name: "a username with a right-to-left override is rejected", spec: TokenRevocationSpec{Username: ptr("admin\u202e")}, mentions: []string{"username"}},
	{name: "a realm name with a bidirectional isolate is rejected", spec: TokenRevocationSpec{RealmName: ptr("\u2066saml1\u2069")}, mentions: []string{"realmName"}},
	{name: "a reason in another script is valid", spec: TokenRevocationSpec{Username: ptr("u"), Reason: ptr("インシデント 42 — fuite")}, valid: true},

	{name: "a secret ref with an empty name is rejected", spec: TokenRevocationSpec{TokenSecretRef: secretRef("", "token")}, mentions: []string{"tokenSecretRef.name"}},
	{name: "a secret ref with an invalid name is rejected", spec: TokenRevocationSpec{TokenSecretRef: secretRef("Not_A_Name", "token")}, mentions: []string{"tokenSecretRef.name"}},
	{name: "a secret ref with an invalid key is rejected", spec: TokenRevocationSpec{RefreshTokenSecretRef: secretRef("s", "a/b")}, mentions: []string{"refreshTokenSecretRef.key"}},
	{name: "an empty elasticsearchRef is rejected", spec: TokenRevocationSpec{Username: ptr("u"), ElasticsearchRef: &ElasticsearchRef{}}, mentions: []string{"elasticsearchRef", "secretName", "name"}},
	{name: "an elasticsearchRef namespace without a name is rejected", spec: TokenRevocationSpec{
		Username: ptr("u"), ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("es"), Namespace: ptr("elastic")}}, mentions: []string{"elasticsearchRef.namespace"}},
	{name: "an elasticsearchRef with an invalid namespace is rejected", spec: TokenRevocationSpec{
		Username: ptr("u"), ElasticsearchRef: &ElasticsearchRef{Name: ptr("es"), Namespace: ptr("Elastic.NS")}}, mentions: []string{"namespace"}},

	{name: "a token list alone is valid", spec: TokenRevocationSpec{TokenListSecretRef: secretRef("leak-list", "tokens")}, valid: true},
	{name: "a refresh token list alone is valid", spec: TokenRevocationSpec{RefreshTokenListSecretRef: secretRef("leak-list", "refresh")},
		valid: true},
	{name: "a token list with a reason and a target is valid", spec: TokenRevocationSpec{TokenListSecretRef: secretRef("leak-list", "tokens"),
		Reason: ptr("INC-9"), ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("prod-es")}}, valid: true},
	{name: "a token list with a token is rejected", spec: TokenRevocationSpec{TokenListSecretRef: secretRef("l", "t"), Token: ptr("a")},
		mentions: []string{"tokenListSecretRef cannot be used with any other field"}},
	{name: "a token list with a username is rejected", spec: TokenRevocationSpec{TokenListSecretRef: secretRef("l", "t"), Username: ptr("u")},
		mentions: []string{"tokenListSecretRef"}},
	{name: "both lists are rejected", spec: TokenRevocationSpec{TokenListSecretRef: secretRef("l", "t"),
		RefreshTokenListSecretRef: secretRef("l", "r")}, mentions: []string{"tokenListSecretRef", "refreshTokenListSecretRef"}},
	{name: "a refresh token list with a refresh token secret ref is rejected", spec: TokenRevocationSpec{
		RefreshTokenListSecretRef: secretRef("l", "r"), RefreshTokenSecretRef: secretRef("s", "k")}, mentions: []string{"refreshTokenListSecretRef"}},
	{name: "a token list ref with an invalid key is rejected", spec: TokenRevocationSpec{TokenListSecretRef: secretRef("l", "a/b")},
		mentions: []string{"tokenListSecretRef.key"}},
}
