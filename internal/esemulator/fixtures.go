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
	"errors"
	"fmt"
)

// ImportPasswordToken stores a password-grant token document with the given token strings, as if
// Elasticsearch had issued them to an existing user; an empty string is replaced by a freshly
// minted token. Real Elasticsearch never lets a client choose a token: this is a fixture, so that
// demos can replay the example requests of Elastic's documentation, whose tokens are not
// well-formed and would otherwise be unknown (404). It returns the pair stored.
func (e *Emulator) ImportPasswordToken(username string, pair TokenPair) (TokenPair, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tokensDisabled {
		return TokenPair{}, errors.New("esemulator: security tokens are not enabled")
	}
	acct := e.users[username]
	if acct == nil {
		return TokenPair{}, fmt.Errorf("esemulator: unknown user %q", username)
	}
	for _, token := range []string{pair.AccessToken, pair.RefreshToken} {
		if token != "" && (e.tokens.access[canonicalToken(token)] != nil || e.tokens.refresh[canonicalToken(token)] != nil) {
			return TokenPair{}, errors.New("esemulator: an imported token is already stored")
		}
	}
	d := e.tokens.mint(acct.identity, nil, true, e.now(), e.tokenTimeout)
	d.fixture = true
	e.tokens.replace(d, pair)
	return TokenPair{AccessToken: d.access, RefreshToken: d.refresh}, nil
}

// replace swaps a new document's generated tokens for the given ones, where set.
func (s *tokenStore) replace(d *tokenDoc, pair TokenPair) {
	if pair.AccessToken != "" {
		delete(s.access, d.access)
		d.access = canonicalToken(pair.AccessToken)
		s.access[d.access] = d
	}
	if pair.RefreshToken != "" {
		delete(s.refresh, d.refresh)
		d.refresh = canonicalToken(pair.RefreshToken)
		s.refresh[d.refresh] = d
	}
}

// isFixture reports whether token belongs to an imported document, which is known whatever its form.
func (s *tokenStore) isFixture(token string) bool {
	token = canonicalToken(token)
	d := s.access[token]
	if d == nil {
		d = s.refresh[token]
	}
	return d != nil && d.fixture
}
