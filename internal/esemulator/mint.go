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

// TokenPair is an access token and its refresh token.
type TokenPair struct {
	AccessToken  string
	RefreshToken string
}

// MintPasswordToken creates tokens for an existing user as the password grant
// does, without HTTP: both halves, refreshable by any client.
func (e *Emulator) MintPasswordToken(username string) (TokenPair, error) {
	d, err := e.mintFor(username, true)
	if err != nil {
		return TokenPair{}, err
	}
	return TokenPair{AccessToken: d.access, RefreshToken: d.refresh}, nil
}

// MintClientCredentialsToken creates an access token, without refresh token,
// for an existing user as the client_credentials grant does. In realm and
// user modes it counts 1.
func (e *Emulator) MintClientCredentialsToken(username string) (string, error) {
	d, err := e.mintFor(username, false)
	if err != nil {
		return "", err
	}
	return d.access, nil
}

func (e *Emulator) mintFor(username string, withRefresh bool) (*tokenDoc, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tokensDisabled {
		return nil, errors.New("esemulator: security tokens are not enabled")
	}
	acct := e.users[username]
	if acct == nil {
		return nil, fmt.Errorf("esemulator: unknown user %q", username)
	}
	return e.tokens.mint(acct.identity, nil, withRefresh, e.now(), e.tokenTimeout), nil
}

// TokenState reports whether token (an access or a refresh token) belongs to
// a live token document, and whether that document's halves are invalidated.
func (e *Emulator) TokenState(token string) (known, accessInvalidated, refreshInvalidated bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	d := e.tokens.byAccess(token, now)
	if d == nil {
		d = e.tokens.byRefresh(token, now)
	}
	if d == nil {
		return false, false, false
	}
	return true, d.accessInvalidated, d.refreshInvalidated
}
