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
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// maxSecretBytes bounds what is read as one secret value: Elasticsearch's tokens and encoded API
// keys are a few hundred bytes, and the API accepts at most 8192 characters inline.
const maxSecretBytes = 16 << 10

// secretArgumentHelp says how to pass a secret to command, for every refusal of one given as an argument.
func secretArgumentHelp(command string) string {
	prompt := "paste it at the prompt, or " // a list is not read from a terminal, where it would be echoed
	if command == tokensName || command == refreshTokensName {
		prompt = ""
	}
	return "arguments stay in shell history and are visible to anyone who can list processes. " +
		"Pass it on standard input instead (" + prompt + "`kubectl esrevoke " + command + " < leaked.txt`), " +
		"or with --from-file=PATH"
}

// secretArgumentError is the refusal of a secret given on the command line as a flag's value; it
// says how to pass it to command instead.
type secretArgumentError struct{ command string }

func (e *secretArgumentError) Error() string {
	return "refusing to take a secret as an argument: " + secretArgumentHelp(e.command)
}

// refuseSecretArguments is the Args of the commands that read a secret: any argument may be the
// secret itself, so it is refused, and not repeated.
func refuseSecretArguments(what secretKind) func(*cobra.Command, []string) error {
	return func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return &exitError{code: exitFailed, err: fmt.Errorf("refusing to take the %s as an argument "+
			"(nothing was created, and the argument is not repeated here): %s", what.noun, secretArgumentHelp(what.command))}
	}
}

// secretTrap is a hidden flag that refuses any value: --token=... typed out of habit. command is
// the command that takes that kind of secret, on standard input.
type secretTrap struct{ command string }

func (secretTrap) String() string     { return "" }
func (t secretTrap) Set(string) error { return &secretArgumentError{command: t.command} }
func (secretTrap) Type() string       { return "string" }

// addSecretFlagTraps adds hidden flags that catch a secret typed as a flag (--token=...,
// --refresh-token=..., --tokens=..., --api-key=...), so it is refused with the way to pass it, not echoed back.
func addSecretFlagTraps(flags *pflag.FlagSet) {
	for name, command := range map[string]string{tokenName: tokenName, refreshTokenName: refreshTokenName,
		tokensName: tokensName, refreshTokensName: refreshTokensName, apiKeyName: apiKeyName, "password": tokenName} {
		flags.Var(secretTrap{command: command}, name, "never accepted: secrets are read from standard input or --from-file")
		_ = flags.MarkHidden(name)
	}
}

// readSecret reads one secret value (a token, an API key) from fromFile, or from in when fromFile
// is empty or "-". On a terminal it prompts on prompt and reads without echo. The value is
// trimmed; empty input, or more than one value, is refused. A value of a kind that may hold spaces
// (an "Authorization: ApiKey ..." line) is one line.
func readSecret(in io.Reader, prompt io.Writer, fromFile string, what secretKind) (string, error) {
	raw, err := readSecretInput(in, prompt, fromFile, what)
	if err != nil {
		return "", err
	}
	value := strings.TrimSpace(string(raw))
	source := "standard input"
	if fromFile != "" && fromFile != "-" {
		source = fromFile
	}
	if what.list {
		return string(raw), checkTokenList(raw, source, what)
	}
	switch {
	case len(raw) > maxSecretBytes:
		return "", fmt.Errorf("%s holds more than %d bytes: not a single %s", source, maxSecretBytes, what.noun)
	case value == "":
		return "", fmt.Errorf("no %s on %s: paste it at the prompt, pipe it in, or use --from-file=PATH", what.noun, source)
	case strings.ContainsAny(value, "\r\n") || !what.spaces && strings.ContainsAny(value, " \t"):
		return "", fmt.Errorf("%s holds more than one value: give exactly one %s (the values are not shown)", source, what.noun)
	case what.check != nil:
		return value, what.check(value, source)
	}
	return value, nil
}

func readSecretInput(in io.Reader, prompt io.Writer, fromFile string, what secretKind) ([]byte, error) {
	limit := int64(maxSecretBytes)
	if what.list {
		limit = maxListBytes
	}
	if fromFile != "" && fromFile != "-" {
		f, err := os.Open(fromFile) //nolint:gosec // the responder's own file, named on purpose
		if err != nil {
			// Not the path: a token typed in place of the file name must not be printed back.
			var pathErr *fs.PathError
			if errors.As(err, &pathErr) {
				err = pathErr.Err
			}
			return nil, fmt.Errorf("cannot read the file of --from-file (its name is not repeated here): %w", err)
		}
		defer func() { _ = f.Close() }()
		return io.ReadAll(io.LimitReader(f, limit+1))
	}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) { //nolint:gosec // a file descriptor fits an int
		if what.list {
			// A list pasted at a prompt would be echoed, or read one line at a time.
			return nil, fmt.Errorf("a %s is not read from a terminal: give it with --from-file=PATH, or pipe it in", what.noun)
		}
		_, _ = fmt.Fprintf(prompt, "Paste the %s to revoke (it is not shown), then press Enter: ", what.noun)
		value, err := term.ReadPassword(int(f.Fd())) //nolint:gosec // as above
		_, _ = fmt.Fprintln(prompt)
		return bytes.TrimSpace(value), err
	}
	return io.ReadAll(io.LimitReader(in, limit+1))
}
