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

package controllers

import (
	"encoding/base64"
	"fmt"
	"strings"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/installation"
)

// Bounds of a token list: distinct tokens, and the length of one (the API's bound of an inline token).
const (
	maxListTokens      = 20000
	maxListTokenLength = 8192
)

// tokenList is a leaked list as read from its Secret: the distinct tokens in list order.
type tokenList struct {
	tokens  []string
	refresh bool
}

// parseTokenList reads one token per line; blank lines and surrounding whitespace are ignored and
// a token listed twice counts once. A line that cannot be a token, or too many tokens, is a
// failure: the list must be fixed and revoked again. where names the Secret; messages give line
// numbers, never lines.
func parseTokenList(data, where string) ([]string, error) {
	var tokens []string
	seen := map[string]bool{}
	for i, line := range strings.Split(data, "\n") {
		token := strings.TrimSpace(line)
		if token == "" || seen[token] {
			continue
		}
		if problem := tokenLineProblem(token); problem != "" {
			return nil, &failure{reason: securityv1alpha1.ReasonInvalidTokenList,
				message: fmt.Sprintf("%s: line %d cannot be a token: %s; fix the list and revoke it again", where, i+1, problem)}
		}
		seen[token] = true
		tokens = append(tokens, token)
		if len(tokens) > maxListTokens {
			return nil, &failure{reason: securityv1alpha1.ReasonInvalidTokenList,
				message: fmt.Sprintf("%s holds more than %d distinct tokens: split it into several lists", where, maxListTokens)}
		}
	}
	if len(tokens) == 0 {
		return nil, &failure{reason: securityv1alpha1.ReasonInvalidTokenList, message: where + " lists no token"}
	}
	return tokens, nil
}

// tokenLineProblem says why a trimmed line cannot be an Elasticsearch token, "" if it can be one:
// tokens are printable ASCII (base64 and URL-safe base64) without spaces.
func tokenLineProblem(token string) string {
	if len(token) > maxListTokenLength {
		return fmt.Sprintf("it is longer than %d characters", maxListTokenLength)
	}
	for _, r := range token {
		if r <= ' ' || r > '~' {
			return "it holds whitespace, a control character or a non-ASCII character"
		}
	}
	return ""
}

// fingerprint identifies the whole list, in order: a list changed during its revocation is seen.
func (l tokenList) fingerprint(key *installation.Key) string {
	return key.Fingerprint(strings.Join(l.tokens, "\n"))
}

// listProgress is which listed tokens are settled, one bit per token in list order.
type listProgress []byte

func newListProgress(count int) listProgress { return make(listProgress, (count+7)/8) }

// decodeListProgress reads status.listProgress, or starts afresh when it does not fit the list.
func decodeListProgress(encoded string, count int) listProgress {
	bits, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || len(bits) != (count+7)/8 {
		return newListProgress(count)
	}
	return bits
}

func (p listProgress) settled(i int) bool { return p[i/8]&(1<<(i%8)) != 0 }

func (p listProgress) settle(i int) { p[i/8] |= 1 << (i % 8) }

func (p listProgress) encode() string { return base64.StdEncoding.EncodeToString(p) }
