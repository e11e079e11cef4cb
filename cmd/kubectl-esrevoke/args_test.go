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
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
)

// leaked is the secret of these tests: any copy of it in the output is a leak.
const leaked = "dGhpcy1pcy1hLWxlYWtlZC10b2tlbi1mb3ItdW5pdC10ZXN0cw=="

func TestASecretOnTheCommandLineIsRefusedNotRepeatedAndNothingIsCreated(t *testing.T) {
	tests := map[string][]string{
		"a token as an argument":                           {"token", leaked},
		"a refresh token as an argument":                   {"refresh-token", leaked},
		"a token after flags":                              {"token", "--reason", "INC-1", leaked},
		"--token=VALUE":                                    {"token", "--token=" + leaked},
		"--token VALUE":                                    {"token", "--token", leaked},
		"--refresh-token VALUE":                            {"refresh-token", "--refresh-token", leaked},
		"--token on another command":                       {"user", "myuser", "--token", leaked},
		"a token in place of a command":                    {leaked},
		"a token in place of a flag's value":               {"token", "--timeout", leaked},
		"a token that reads as shorthand flags":            {"token", "-" + leaked},
		"a token that reads as a long flag":                {"token", "--" + leaked},
		"a lowercase token that reads as a flag":           {"token", "--" + strings.ToLower(leaked)},
		"a token in place of --dry-run's value":            {"token", "--dry-run=" + leaked},
		"a token in place of --output's value":             {"token", "-o", leaked},
		"a token in place of --elasticsearch":              {"token", "--elasticsearch", leaked},
		"a token in place of a token's file name":          {"token", "--from-file", leaked},
		"an API key as an argument":                        {"api-key", leaked},
		"an API key header as arguments":                   {"api-key", "Authorization:", "ApiKey", leaked},
		"an API key after flags":                           {"api-key", "--reason", "INC-1", leaked},
		"--api-key VALUE":                                  {"api-key", "--api-key", leaked},
		"--api-key=VALUE on api-keys":                      {"api-keys", "--user", "u", "--api-key=" + leaked},
		"an API key as an argument of api-keys":            {"api-keys", leaked},
		"a token as an argument of tokens":                 {"tokens", leaked},
		"a refresh token as an argument of refresh-tokens": {"refresh-tokens", leaked},
		"a token after --from-file on tokens":              {"tokens", "--from-file", "-", leaked},
		"--tokens VALUE":                                   {"tokens", "--tokens", leaked},
		"--refresh-tokens=VALUE":                           {"refresh-tokens", "--refresh-tokens=" + leaked},
	}
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			g.Expect(h.run("", args...)).To(Equal(exitFailed))
			g.Expect(h.output()).To(HavePrefix("error: "))
			g.Expect(h.output()).NotTo(ContainSubstring(leaked))
			g.Expect(h.output()).NotTo(ContainSubstring(strings.ToLower(leaked)))
			g.Expect(h.connects).To(BeZero(), "nothing is sent to the API server")
		})
	}
}

func TestTheRefusalOfATokenArgumentSaysHowToPassIt(t *testing.T) {
	for _, args := range [][]string{{"token", leaked}, {"refresh-token", leaked}, {"token", "--token", leaked}, {"api-key", leaked},
		{"tokens", leaked}, {"refresh-tokens", "--refresh-tokens", leaked}} {
		g := NewWithT(t)
		h := newHarness(t, nil)
		g.Expect(h.run("", args...)).To(Equal(exitFailed))
		g.Expect(h.errOut.String()).To(ContainSubstring("refusing to take"))
		g.Expect(h.errOut.String()).To(ContainSubstring("standard input"))
		g.Expect(h.errOut.String()).To(ContainSubstring("--from-file=PATH"))
		g.Expect(h.errOut.String()).To(ContainSubstring("shell history"))
	}
	g := NewWithT(t)
	h := newHarness(t, nil)
	g.Expect(h.run("", "api-key", leaked)).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("refusing to take the API key as an argument (nothing was created, " +
		"and the argument is not repeated here)"))
	g.Expect(h.errOut.String()).To(ContainSubstring("`kubectl esrevoke api-key < leaked.txt`"))
	g.Expect(h.run("", "api-keys", "--user", "u", "--api-key", leaked)).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("`kubectl esrevoke api-key < leaked.txt`"), "the command that takes a key")
	g.Expect(h.run("", "user", "u", "--refresh-token", leaked)).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("`kubectl esrevoke refresh-token < leaked.txt`"))
	g.Expect(h.run("", "tokens", leaked)).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("refusing to take the token list as an argument"))
	g.Expect(h.errOut.String()).To(ContainSubstring("(`kubectl esrevoke tokens < leaked.txt`)"), "a list is not pasted at a prompt")
}

func TestAMistypedCommandOrFlagIsStillNamedWhenItCannotBeASecret(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	g.Expect(h.run("", "tokne")).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("did you mean token or tokens?"))
	g.Expect(h.run("", "user", "myuser", "--reasn", "x")).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("unknown flag --reasn"))
	g.Expect(h.run("", "user", "myuser", "--reason")).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("flag needs an argument: --reason"))
}

func TestCommandsRefuseBadFlagValuesBeforeCallingTheAPIServer(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"client-side dry run":          {[]string{"user", "u", "--dry-run=client"}, "--dry-run=client is not supported"},
		"an unknown dry run":           {[]string{"user", "u", "--dry-run=maybe"}, `--dry-run must be "none" or "server"`},
		"an unknown output":            {[]string{"user", "u", "-o", "wide"}, "--output must be one of name, yaml, json"},
		"a zero timeout":               {[]string{"user", "u", "--timeout=0s"}, "--timeout must be positive"},
		"a bad name":                   {[]string{"user", "u", "--name", "Not_A_Name"}, "is not a valid resource name"},
		"a bad elasticsearch kind":     {[]string{"user", "u", "--elasticsearch", "url/x"}, "--elasticsearch takes secret/NAME"},
		"two elasticsearch secrets":    {[]string{"user", "u", "--elasticsearch", "secret/a", "--elasticsearch", "secret/b"}, "at most one of each"},
		"an ECK name with a bad label": {[]string{"realm", "r", "--yes", "--elasticsearch", "eck/Quick"}, "--elasticsearch eck/NAME"},
		"user without a name":          {[]string{"user"}, "accepts 1 arg(s), received 0"},
		"realm with two names":         {[]string{"realm", "a", "b"}, "accepts 1 arg(s), received 2"},
		"retry with a bad timeout":     {[]string{"retry", "x", "--timeout=-1s"}, "--timeout must be positive"},
		"list with an argument":        {[]string{"list", "x"}, `unknown command "x"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			g.Expect(h.run("", tt.args...)).To(Equal(exitFailed))
			g.Expect(h.errOut.String()).To(ContainSubstring(tt.want))
			g.Expect(h.connects).To(BeZero())
		})
	}
}

func TestReadSecretTakesOneValueFromStandardInputOrAFile(t *testing.T) {
	dir := t.TempDir()
	file := func(content string) string {
		path := filepath.Join(dir, "f"+string(rune('a'+len(content)%26)))
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := map[string]struct {
		stdin, fromFile string
		kind            *secretKind
		want, wantErr   string
	}{
		"standard input, with its newline":   {stdin: leaked + "\n", want: leaked},
		"standard input named -":             {stdin: "  " + leaked + "\r\n", fromFile: "-", want: leaked},
		"a file":                             {fromFile: file(leaked + "\n"), want: leaked},
		"empty standard input":               {stdin: "\n", wantErr: "no token on standard input"},
		"two values":                         {stdin: leaked + "\n" + leaked + "\n", wantErr: "holds more than one value"},
		"two words":                          {stdin: "Bearer " + leaked, wantErr: "holds more than one value"},
		"more than a token could be":         {stdin: strings.Repeat("a", maxSecretBytes+1), wantErr: "holds more than"},
		"a file that does not exist":         {fromFile: filepath.Join(dir, "missing"), wantErr: "no such file"},
		"an empty file":                      {fromFile: file(""), wantErr: "no token on " + filepath.Join(dir, "fa")},
		"standard input, however much blank": {stdin: " \t \n\n", wantErr: "no token"},
		"the largest value a token could be": {stdin: strings.Repeat("a", maxSecretBytes), want: strings.Repeat("a", maxSecretBytes)},
		"an API key's header line":           {stdin: "Authorization: ApiKey " + leakedKeyEncoded + "\n", kind: &apiKey, want: "Authorization: ApiKey " + leakedKeyEncoded},
		"a token given as an API key":        {stdin: "Authorization: ApiKey " + leaked + "\n", kind: &apiKey, wantErr: "holds no API key the operator can read"},
		"an API key on two lines":            {stdin: "ApiKey\n" + leaked, kind: &apiKey, wantErr: "holds more than one value: give exactly one API key"},
		"no API key":                         {stdin: " \t\n", kind: &apiKey, wantErr: "no API key on standard input"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			var prompt strings.Builder
			kind := accessToken
			if tt.kind != nil {
				kind = *tt.kind
			}
			got, err := readSecret(strings.NewReader(tt.stdin), &prompt, tt.fromFile, kind)
			if tt.wantErr != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tt.wantErr)))
				g.Expect(err.Error()).NotTo(ContainSubstring(leaked))
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(tt.want))
			g.Expect(prompt.String()).To(BeEmpty(), "no prompt when standard input is not a terminal")
		})
	}
}
