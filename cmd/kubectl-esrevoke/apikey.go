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
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/apikeyid"
)

// apiKeyName is the command that revokes a leaked API key, the key of the Secrets it creates and
// a flag that would take a key as an argument (refused).
const apiKeyName = "api-key"

const apiKeyLong = `Revoke one leaked Elasticsearch API key (Elasticsearch's invalidate API key API, by the key's id).

The key is read from standard input (on a terminal: a prompt that does not show it) or from
--from-file, never from an argument: arguments stay in shell history and are visible in process
lists. A value given as an argument is refused, and nothing is created. Give the key as you found
it, on one line: the encoded value (base64 of "id:api_key"), "ApiKey <encoded>", a whole
"Authorization: ApiKey <encoded>" header line, or "id:api_key". The plugin stores it as given;
the operator reads the key's id from it and never sends, records or logs the secret part. A value
in none of these forms is refused, as the operator would refuse it, and nothing is created.

The command creates a Secret holding the key, then an ApiKeyRevocation referring to it, then
makes the Secret owned by the ApiKeyRevocation, so that deleting the revocation deletes the
Secret. It waits for the operator and prints one line naming the key by its id.`

const apiKeyExample = `  # Paste the key (or the header line it was found in) at the prompt
  kubectl esrevoke api-key -n security --reason "INC-1240: API key pasted in a public repository"

  # Read it from a file, or pipe it in
  kubectl esrevoke api-key --from-file=leaked.txt --reason "INC-1240"
  grep -o 'ApiKey [A-Za-z0-9+/=_-]*' build.log | head -1 | kubectl esrevoke api-key --reason "INC-1240"

  # Validate against the cluster's admission rules without creating anything
  kubectl esrevoke api-key --from-file=leaked.txt --dry-run=server

  # Revoke on an ECK-managed cluster, and print the record as YAML
  kubectl esrevoke api-key --from-file=leaked.txt --elasticsearch eck/quickstart -o yaml`

var apiKey = secretKind{command: apiKeyName, noun: "API key", spaces: true, check: checkAPIKey,
	short:   "Revoke one leaked API key, read from standard input or a file",
	long:    apiKeyLong,
	example: apiKeyExample,
	newRevocation: func() (revocation, func(*securityv1alpha1.SecretKeySelector)) {
		rev := &securityv1alpha1.ApiKeyRevocation{}
		return rev, func(ref *securityv1alpha1.SecretKeySelector) { rev.Spec.EncodedKeySecretRef = ref }
	}}

const apiKeysLong = `Revoke the Elasticsearch API keys of a user, of a realm, with given ids or of a given name
(Elasticsearch's invalidate API key API, with "username" and "realm_name", "ids" or "name").
Use --user when an account is compromised: its API keys keep working after its password is
changed or the user deleted, and do not expire unless created to.

Without --realm to narrow it, --user invalidates the user's keys in every realm, and --realm alone
the keys of every user of the realm: every client using one fails to authenticate. Both ask for
confirmation on standard input unless --yes is given (or --dry-run=server, which creates nothing).

The command creates an ApiKeyRevocation, waits for the operator and prints one line with the
counts of API keys Elasticsearch answered.`

const apiKeysExample = `  # Every API key of a compromised account, in the realm it is compromised in
  kubectl esrevoke api-keys --user myuser --realm saml1 -n security --reason "INC-1237: account myuser compromised"

  # In every realm (asks for confirmation unless --yes)
  kubectl esrevoke api-keys --user myuser --reason "INC-1237"

  # Keys by their ids (ids are not secrets), or by their name
  kubectl esrevoke api-keys --ids VuaCfGcBCdbkQm-e5aOx,dGhpcyBpcyBhbiBpZA --reason "INC-1241"
  kubectl esrevoke api-keys --key-name ci-pipeline --reason "INC-1241"`

// checkAPIKey refuses a value the operator cannot read an API key's id from, as the operator
// reads it (apikeyid.Of): created, its revocation would only wait, Pending (InvalidEncodedKey),
// for a Secret nobody will fix, and the responder would learn it only at --timeout.
func checkAPIKey(value, source string) error {
	if _, err := apikeyid.Of(value); err != nil {
		return fmt.Errorf("%s holds no API key the operator can read: give the encoded value (base64 of \"id:api_key\"), "+
			"\"ApiKey <encoded>\", a whole \"Authorization: ApiKey <encoded>\" line or \"id:api_key\", on one line "+
			"(the value is not shown); nothing was created", source)
	}
	return nil
}

// apiKeySelectors are the flags of `api-keys` that say which keys.
type apiKeySelectors struct {
	user, realm, keyName string
	ids                  []string
	yes                  bool
}

// newAPIKeysCommand builds `api-keys --user USER [--realm REALM] | --realm REALM | --ids IDS | --key-name NAME`.
func newAPIKeysCommand(deps *dependencies) *cobra.Command {
	opts := &revocationOptions{}
	sel := &apiKeySelectors{}
	cmd := &cobra.Command{
		Use:     "api-keys (--user USERNAME [--realm REALM] | --realm REALM | --ids ID,... | --key-name NAME) [--reason=TEXT]",
		Short:   "Revoke the API keys of a user, of a realm, with given ids or of a given name",
		Long:    apiKeysLong,
		Example: apiKeysExample,
		Args:    noAPIKeysArguments,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			rev, prefix, err := sel.revocation()
			if err != nil {
				return err
			}
			if warning := sel.unnarrowed(); warning != "" && !sel.yes && !opts.serverDryRun() {
				if err := confirm(deps.streams.In, deps.streams.ErrOut,
					fmt.Sprintf("This invalidates %s on %s.", warning, describeRef(mustRef(opts)))); err != nil {
					return err
				}
			}
			return runRevocation(cmd, deps, opts, func(namespace string) *newRevocation {
				return identityRevocation(rev, namespace, prefix)
			})
		},
	}
	opts.addFlags(cmd)
	flags := cmd.Flags()
	flags.StringVar(&sel.user, "user", "", "Every API key of this user (in every realm, unless --realm narrows it).")
	flags.StringVar(&sel.realm, "realm", "", "Every API key of the users of this realm (of --user only, with it).")
	flags.StringSliceVar(&sel.ids, "ids", nil, "The API keys with these ids, separated by commas.")
	flags.StringVar(&sel.keyName, "key-name", "", "The API keys of this name (--name names the revocation).")
	flags.BoolVarP(&sel.yes, "yes", "y", false, "Do not ask for confirmation.")
	return cmd
}

// noAPIKeysArguments refuses arguments to `api-keys` without repeating them: the argument may be
// a leaked key, given to the wrong command.
func noAPIKeysArguments(_ *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return errors.New("api-keys takes no argument (not repeated here, in case it is a secret): say which keys with " +
		"--user, --realm, --ids or --key-name; to revoke a leaked key, pass it to `kubectl esrevoke api-key` " +
		"on standard input or with --from-file=PATH")
}

// errNoSelector asks for the flags of `api-keys` that say which keys.
var errNoSelector = errors.New("say which API keys: --user USERNAME [--realm REALM], --realm REALM, " +
	"--ids ID,... or --key-name NAME")

// revocation is the ApiKeyRevocation the selectors describe, and the prefix of its generated name.
// Elasticsearch's own rules are checked here too, so that nothing is asked before a refusal: ids
// and a name each select keys on their own.
func (sel *apiKeySelectors) revocation() (*securityv1alpha1.ApiKeyRevocation, string, error) {
	byUser := sel.user != "" || sel.realm != ""
	spec := securityv1alpha1.ApiKeyRevocationSpec{}
	switch {
	case !byUser && sel.ids == nil && sel.keyName == "":
		return nil, "", errNoSelector
	case sel.ids != nil && (byUser || sel.keyName != "") || sel.keyName != "" && byUser:
		return nil, "", errors.New("--ids and --key-name each select API keys on their own: " +
			"give one of them, without --user or --realm")
	case slices.ContainsFunc(sel.ids, looksLikeAPIKey):
		return nil, "", errors.New("--ids takes the ids of API keys, and one of the values is a whole API key " +
			"(not repeated here): revoke a leaked key with `kubectl esrevoke api-key`, on standard input or with --from-file=PATH")
	case sel.ids != nil:
		spec.IDs = sel.ids
		return &securityv1alpha1.ApiKeyRevocation{Spec: spec}, "api-keys-ids-", nil
	case sel.keyName != "":
		spec.Name = &sel.keyName
		return &securityv1alpha1.ApiKeyRevocation{Spec: spec}, namePrefix("api-keys-named", sel.keyName), nil
	}
	prefix := namePrefix("api-keys-realm", sel.realm)
	if sel.user != "" {
		spec.Username = &sel.user
		prefix = namePrefix("api-keys-user", sel.user)
	}
	if sel.realm != "" {
		spec.RealmName = &sel.realm
	}
	return &securityv1alpha1.ApiKeyRevocation{Spec: spec}, prefix, nil
}

// looksLikeAPIKey says a value given as an id is a whole API key, its secret part included:
// "id:api_key", or its encoded value (base64 of that). Elasticsearch's ids are URL-safe base64
// of random bytes, which decode to printable text with a colon about never.
func looksLikeAPIKey(id string) bool {
	if strings.Contains(id, ":") {
		return true
	}
	for _, encoding := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		decoded, err := encoding.DecodeString(strings.TrimLeft(id, "-")) // "-": pasted where a flag was expected
		if err != nil {
			continue
		}
		keyID, secret, ok := strings.Cut(string(decoded), ":")
		printable := !strings.ContainsFunc(string(decoded), func(r rune) bool { return r <= ' ' || r > '~' })
		if ok && keyID != "" && secret != "" && printable {
			return true
		}
	}
	return false
}

// unnarrowed describes what a user or realm revocation not narrowed by the other invalidates, for
// the confirmation; "" when it is narrowed, or selects by ids or name.
func (sel *apiKeySelectors) unnarrowed() string {
	switch {
	case sel.user != "" && sel.realm == "":
		return fmt.Sprintf("every API key of user %q in every realm (--realm narrows it)", sel.user)
	case sel.realm != "" && sel.user == "":
		return fmt.Sprintf("the API keys of every user of realm %q", sel.realm)
	}
	return ""
}
