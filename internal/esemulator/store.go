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
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

const (
	// docLifetime is how long a token document (and its refresh token) lives.
	docLifetime = 24 * time.Hour
	// refreshWindow is how far apart two refreshes of one token may be and still get the same new pair.
	refreshWindow = 30 * time.Second
	// tokenBytes is the random payload of a token from Elasticsearch 8.10 on.
	tokenBytes = 24
	// legacyTokenChars is the UUID payload of a token from 7.2 to 8.9.
	legacyTokenChars = 22
	// minTokenTransportID is 7.2's transport version, the oldest undecryptable-free token format.
	minTokenTransportID = 7_02_00_99
)

// tokenDoc is one document of the tokens index: an access half and an
// optional refresh half, each with its own invalidated flag.
type tokenDoc struct {
	docID              string
	access             string
	refresh            string // "" for client_credentials tokens
	owner              identity
	client             *identity // who created it and may refresh it; nil means anyone
	created            time.Time
	expires            time.Time
	accessInvalidated  bool
	refreshInvalidated bool
	refreshedAt        time.Time // zero until refreshed
	superseding        *tokenDoc
	fixture            bool // imported with chosen token strings (ImportPasswordToken)
}

// tokenStore is the tokens index. Its caller holds Emulator.mu.
type tokenStore struct {
	transportID  uint64
	uuidPayload  bool // tokens carry a 22-character UUID (before 8.10), not 24 random bytes
	removerDelay time.Duration
	indexExists  bool
	indexUUID    string
	docs         map[string]*tokenDoc
	access       map[string]*tokenDoc
	refresh      map[string]*tokenDoc
}

func newTokenStore(transportID uint64, removerDelay time.Duration) *tokenStore {
	return &tokenStore{
		transportID:  transportID,
		removerDelay: removerDelay,
		indexUUID:    randomID(16),
		docs:         map[string]*tokenDoc{},
		access:       map[string]*tokenDoc{},
		refresh:      map[string]*tokenDoc{},
	}
}

// mint stores a new document; withRefresh adds a refresh token.
func (s *tokenStore) mint(owner identity, client *identity, withRefresh bool, now time.Time, timeout time.Duration) *tokenDoc {
	d := &tokenDoc{
		docID:   "token_" + randomID(32),
		access:  s.newToken(),
		owner:   owner,
		client:  client,
		created: now,
		expires: now.Add(timeout),
	}
	if withRefresh {
		d.refresh = s.newToken()
		s.refresh[d.refresh] = d
	}
	s.indexExists = true
	s.docs[d.docID] = d
	s.access[d.access] = d
	return d
}

// newToken encodes [VInt version][VInt 24][24 random bytes] (8.10+) or
// [VInt version][VInt 22][22-character UUID] (earlier) in standard base64,
// opaque to clients. Unverified for 6.x–7.1, whose tokens were encrypted
// blobs: the emulator gives them the 7.2 layout, which clients never read.
func (s *tokenStore) newToken() string {
	raw := binary.AppendUvarint(nil, s.transportID)
	if s.uuidPayload {
		raw = binary.AppendUvarint(raw, legacyTokenChars)
		raw = append(raw, randomID(16)[:legacyTokenChars]...)
	} else {
		raw = binary.AppendUvarint(raw, tokenBytes)
		raw = append(raw, randomBytes(tokenBytes)...)
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// byAccess finds the live document holding an access token.
func (s *tokenStore) byAccess(token string, now time.Time) *tokenDoc {
	return s.live(s.access[canonicalToken(token)], now)
}

// byRefresh finds the live document holding a refresh token.
func (s *tokenStore) byRefresh(token string, now time.Time) *tokenDoc {
	return s.live(s.refresh[canonicalToken(token)], now)
}

// live returns d unless the expired-token remover has deleted it by now.
func (s *tokenStore) live(d *tokenDoc, now time.Time) *tokenDoc {
	if d == nil {
		return nil
	}
	if now.Before(d.created.Add(docLifetime + s.removerDelay)) {
		return d
	}
	delete(s.docs, d.docID)
	delete(s.access, d.access)
	delete(s.refresh, d.refresh)
	return nil
}

// liveDocs returns every document not yet removed.
func (s *tokenStore) liveDocs(now time.Time) []*tokenDoc {
	out := make([]*tokenDoc, 0, len(s.docs))
	for _, d := range s.docs {
		if s.live(d, now) != nil {
			out = append(out, d)
		}
	}
	return out
}

// active is findActiveTokensForRealm/User's query: a live access half or a live refresh half.
func (d *tokenDoc) active(now time.Time) bool {
	accessLive := !d.accessInvalidated && !d.expires.Before(now)
	refreshLive := d.refresh != "" && !d.refreshInvalidated && !d.created.Before(now.Add(-docLifetime))
	return accessLive || refreshLive
}

// canonicalToken re-encodes a decodable token so that lookups, like
// Elasticsearch's, do not depend on base64 padding.
func canonicalToken(token string) string {
	raw, ok := decodeToken(token)
	if !ok {
		return token
	}
	return base64.StdEncoding.EncodeToString(raw)
}

func decodeToken(token string) ([]byte, bool) {
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(token, "="))
	}
	return raw, err == nil
}

// wellFormedToken reports whether token decodes like a token of 7.2 or
// later: a transport version, then a 24-byte or 22-character payload.
// Anything else is "unknown" before the tokens index is even consulted.
func wellFormedToken(token string) bool {
	raw, ok := decodeToken(token)
	if !ok {
		return false
	}
	version, n := binary.Uvarint(raw)
	if n <= 0 || version < minTokenTransportID {
		return false
	}
	length, m := binary.Uvarint(raw[n:])
	if m <= 0 {
		return false
	}
	// length is checked against the two sizes first, so converting it to int cannot overflow.
	payload := raw[n+m:]
	return (length == tokenBytes || length == legacyTokenChars) && len(payload) == int(length)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("esemulator: no randomness: " + err.Error())
	}
	return b
}

// randomID returns a base64url identifier made of n random bytes.
func randomID(n int) string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(n))
}
