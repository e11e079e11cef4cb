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

package main

import (
	"fmt"
	"strconv"
	"strings"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// The names of the two list commands, which are also the keys of the Secrets they create and the
// flags that would take a list as an argument (refused).
const (
	tokensName        = "tokens"
	refreshTokensName = "refresh-tokens"
)

// The operator's bounds of a token list (controllers/tokenrevocation_list.go), checked before
// anything is created, and the most a Secret holds.
const (
	maxListTokens      = 20000
	maxListTokenLength = 8192
	maxListBytes       = 1 << 20
	// maxLinesNamed bounds the line numbers an error names.
	maxLinesNamed = 10
)

var (
	accessTokens = secretKind{command: tokensName, noun: "token list", list: true,
		short:   "Revoke a leaked list of tokens, one per line, read from a file or standard input",
		long:    fmt.Sprintf(tokensLong, "token", "tokenListSecretRef"),
		example: fmt.Sprintf(tokensExample, "token", tokensName),
		newRevocation: referredBy(func(spec *securityv1alpha1.TokenRevocationSpec, ref *securityv1alpha1.SecretKeySelector) {
			spec.TokenListSecretRef = ref
		})}
	refreshTokens = secretKind{command: refreshTokensName, noun: "refresh token list", list: true,
		short:   "Revoke a leaked list of refresh tokens, one per line, read from a file or standard input",
		long:    fmt.Sprintf(tokensLong, "refresh token", "refreshTokenListSecretRef"),
		example: fmt.Sprintf(tokensExample, "refresh token", refreshTokensName),
		newRevocation: referredBy(func(spec *securityv1alpha1.TokenRevocationSpec, ref *securityv1alpha1.SecretKeySelector) {
			spec.RefreshTokenListSecretRef = ref
		})}
)

const tokensLong = `Revoke a leaked list of Elasticsearch %[1]ss in one revocation: one invalidate call per
distinct %[1]s, made by the operator.

The list is read from --from-file (or standard input, piped in), one %[1]s per line; blank lines
and surrounding whitespace are ignored and a %[1]s listed twice counts once. At most 20000
distinct %[1]ss, in at most 1 MiB (what a Secret holds). A line that cannot be a %[1]s (inner
whitespace, a control or non-ASCII character, more than 8192 characters) is refused before
anything is created, by its line number: the lines themselves are never printed. A list is
never taken from an argument, nor from a terminal, where it would be echoed.

The command creates a Secret holding the list as given, then a TokenRevocation referring to
it (spec.%[2]s), then makes the Secret owned by the TokenRevocation, so that
deleting the revocation deletes the Secret. It waits for the operator (on a terminal, showing
how many %[1]ss are processed) and prints one line with the list's counts (invalidated,
already invalid, unknown to Elasticsearch, of how many listed) and its fingerprint. It exits 0
when Revoked (unknown %[1]ss do not fail it), 1 when Failed (a %[1]s Elasticsearch refused
for good, or the list changed), 2 when --timeout passed first: the operator goes on; follow
it with kubectl get tokenrevocation NAME --watch.`

const tokensExample = `  # Revoke every %[1]s found in a log, one per line
  kubectl esrevoke %[2]s --from-file=tokens.txt -n security --reason "INC-1250: %[1]ss in a debug log"

  # Pipe them in
  grep -o 'access_token=[^& ]*' access.log | cut -d= -f2 | kubectl esrevoke %[2]s --reason "INC-1250"

  # Validate against the cluster's admission rules without creating anything
  kubectl esrevoke %[2]s --from-file=tokens.txt --dry-run=server

  # A long list: give it more time than the default two minutes
  kubectl esrevoke %[2]s --from-file=tokens.txt --timeout=15m --reason "INC-1250"`

// checkTokenList checks a list the way the operator will parse it (one token per line, blank
// lines and surrounding whitespace ignored, duplicates once), so that a list the operator would
// fail is refused before anything is created. Its errors name line numbers, never lines.
func checkTokenList(raw []byte, source string, what secretKind) error {
	if len(raw) > maxListBytes {
		return fmt.Errorf("%s holds more than 1 MiB, more than a Secret holds: split the list and revoke each part", source)
	}
	seen := map[string]bool{}
	var bad []int
	for i, line := range strings.Split(string(raw), "\n") {
		token := strings.TrimSpace(line)
		if token == "" || seen[token] {
			continue
		}
		seen[token] = true
		if !couldBeToken(token) {
			bad = append(bad, i+1)
		}
	}
	switch {
	case len(bad) > 0:
		token := "a " + strings.TrimSuffix(what.noun, " list")
		if len(bad) > 1 {
			token = strings.TrimPrefix(token, "a ") + "s"
		}
		return fmt.Errorf("%s: %s cannot be %s (whitespace inside, a control or non-ASCII character, or more than %d "+
			"characters): fix the list; nothing was created, and the lines are not shown", source, lineNumbers(bad), token, maxListTokenLength)
	case len(seen) == 0:
		return fmt.Errorf("no %s on %s: give the list with --from-file=PATH, or pipe it in", what.noun, source)
	case len(seen) > maxListTokens:
		return fmt.Errorf("%s holds %d distinct tokens, more than the %d a revocation takes: split the list and revoke each part",
			source, len(seen), maxListTokens)
	}
	return nil
}

// couldBeToken says a trimmed line can be an Elasticsearch token: printable ASCII without spaces,
// at most maxListTokenLength characters.
func couldBeToken(token string) bool {
	return len(token) <= maxListTokenLength && !strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r > '~' })
}

// lineNumbers names the lines: "line 3", "lines 3, 7 and 9", "lines 3, 7, ... and 14 more".
func lineNumbers(lines []int) string {
	if len(lines) == 1 {
		return "line " + strconv.Itoa(lines[0])
	}
	shown := lines[:min(len(lines), maxLinesNamed)]
	names := make([]string, len(shown))
	for i, n := range shown {
		names[i] = strconv.Itoa(n)
	}
	if more := len(lines) - len(shown); more > 0 {
		return fmt.Sprintf("lines %s and %d more", strings.Join(names, ", "), more)
	}
	return "lines " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
