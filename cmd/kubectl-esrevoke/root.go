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
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

const rootLong = `Revoke Elasticsearch tokens, lists of tokens and API keys in one command, the safe way,
and leave a TokenRevocation or an ApiKeyRevocation behind as the record of what was revoked, why
and with what result.

The token, refresh token, list of tokens or API key to revoke is read from standard input or
from a file, never from an argument: arguments stay in shell history and are visible in process
lists. It is put in a Secret owned by the revocation, so both are deleted together. Nothing
secret is ever printed: a token, and a list of tokens, is named by its fingerprint (hmac-sha256:
and 16 hex digits), an API key by its id, as the operator names them.

Each revocation command waits for the operator (--wait, on by default) and prints one line to
paste into the incident ticket. Exit codes: 0 when Revoked (or created, with --wait=false, or
accepted, with --dry-run=server), 1 when Failed or on an error, 2 when --timeout passed first.`

const rootExample = `  # Revoke a leaked access token, pasted at the prompt (not echoed) or piped in
  kubectl esrevoke token -n security --reason "INC-1234: token pasted into a CI log"
  pbpaste | kubectl esrevoke token -n security --reason "INC-1234"

  # Revoke a refresh token kept in a file, on an ECK-managed cluster
  kubectl esrevoke refresh-token --from-file=refresh.txt --elasticsearch eck/quickstart --reason "INC-1235"

  # Revoke a leaked list of tokens, one per line (refresh-tokens for a list of refresh tokens)
  kubectl esrevoke tokens --from-file=tokens.txt -n security --reason "INC-1236: tokens in a debug log"

  # Log a compromised account out everywhere, or out of one realm
  kubectl esrevoke user myuser --reason "INC-1237: account compromised"
  kubectl esrevoke user myuser --realm saml1 --reason "INC-1237"

  # Log out every user of a realm (asks for confirmation unless --yes)
  kubectl esrevoke realm saml1 --reason "INC-1240: IdP signing key leaked"

  # Revoke a leaked API key, as found ("Authorization: ApiKey ..." will do), and the account's other keys
  kubectl esrevoke api-key --from-file=leaked.txt --reason "INC-1241: API key in a public repository"
  kubectl esrevoke api-keys --user myuser --realm saml1 --reason "INC-1241"

  # See every revocation, and retry a failed one
  kubectl esrevoke list
  kubectl esrevoke retry token-x7k2p -n security`

// run runs the plugin with args and returns the process's exit code.
func run(args []string, streams genericiooptions.IOStreams) int {
	return runWith(&dependencies{streams: streams}, args)
}

// runWith runs the plugin on deps with args and returns the process's exit code.
func runWith(deps *dependencies, args []string) int {
	cmd := newRootCommand(deps)
	cmd.SetArgs(args)
	cmd.SetIn(deps.streams.In)
	cmd.SetOut(deps.streams.Out)
	cmd.SetErr(deps.streams.ErrOut)
	return exitCode(cmd.Execute(), deps.streams.ErrOut)
}

// newRootCommand builds `kubectl esrevoke` and its commands on deps, setting its connection flags.
func newRootCommand(deps *dependencies) *cobra.Command {
	config := genericclioptions.NewConfigFlags(true)
	// No --token for the API server: it would sit beside the Elasticsearch token this plugin
	// must never take as an argument, and it is as visible in process lists. Use a kubeconfig.
	config.BearerToken = nil

	root := &cobra.Command{
		Use:                        "kubectl-esrevoke",
		Short:                      "Revoke Elasticsearch tokens, lists of tokens and API keys from the command line, leaving a revocation as the record",
		Long:                       rootLong,
		Example:                    rootExample,
		Annotations:                map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl esrevoke"},
		Args:                       unknownCommand,
		RunE:                       func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		SilenceErrors:              true,
		SuggestionsMinimumDistance: 2,
		SilenceUsage:               true,
		CompletionOptions:          cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetFlagErrorFunc(safeFlagError)
	config.AddFlags(root.PersistentFlags())
	addSecretFlagTraps(root.PersistentFlags())

	deps.config = config
	// The kinds of revocation, one command each.
	root.AddCommand(
		newSecretCommand(deps, accessToken),
		newSecretCommand(deps, refreshToken),
		newSecretCommand(deps, accessTokens),
		newSecretCommand(deps, refreshTokens),
		newUserCommand(deps),
		newRealmCommand(deps),
		newSecretCommand(deps, apiKey),
		newAPIKeysCommand(deps),
		newListCommand(deps),
		newRetryCommand(deps),
	)
	return root
}

// unknownCommand refuses arguments to the root command without repeating them: a token pasted
// in place of a command must not be printed back.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := "unknown command (not repeated here, in case it is a secret)"
	if suggestions := cmd.SuggestionsFor(args[0]); len(suggestions) > 0 {
		msg += "; did you mean " + strings.Join(suggestions, " or ") + "?"
	}
	return fmt.Errorf("%s; see 'kubectl esrevoke --help'", msg)
}

// flagName matches what a flag's name looks like; anything else may be a secret typed in its place.
var flagName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,40}$`)

// safeFlagError rewrites pflag's errors so that no value from the command line is repeated: a
// token typed where a flag or its value was expected would otherwise be printed back.
func safeFlagError(cmd *cobra.Command, err error) error {
	var (
		secret   *secretArgumentError
		notExist *pflag.NotExistError
		invalid  *pflag.InvalidValueError
		required *pflag.ValueRequiredError
	)
	help := fmt.Sprintf("see '%s --help'", cmd.DisplayName())
	switch {
	case errors.As(err, &secret):
		return &exitError{code: exitFailed, err: fmt.Errorf("%w (nothing was created)", secret)}
	case errors.As(err, &notExist) && notExist.GetSpecifiedShortnames() == "" && flagName.MatchString(notExist.GetSpecifiedName()):
		return fmt.Errorf("unknown flag --%s; %s", notExist.GetSpecifiedName(), help)
	case errors.As(err, &invalid):
		return fmt.Errorf("invalid value for --%s (not repeated here, in case it is a secret); %s", invalid.GetFlag().Name, help)
	case errors.As(err, &required):
		return fmt.Errorf("%v; %s", required, help)
	default:
		return fmt.Errorf("unknown flag or bad flag syntax (not repeated here, in case it is a secret); %s", help)
	}
}

// dependencies are what every command needs: the connection flags and the streams.
type dependencies struct {
	config  *genericclioptions.ConfigFlags
	streams genericiooptions.IOStreams
	// connect, when set, replaces the connection the flags describe (unit tests use a fake client).
	connect func() (*session, error)
}
