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
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// revokeList revokes a leaked list of tokens in one revocation: three sessions' tokens, one of
// them twice, and one the cluster never issued.
func revokeList(env *localenv.Env) error {
	say("\n# A scraped CI artifact held a list of tokens: revoke the whole list in one act.")
	var lines []string
	for range 3 {
		token, err := login(env.ElasticsearchURL, "alice")
		if err != nil {
			return err
		}
		lines = append(lines, token)
	}
	lines = append(lines, lines[0], "", "dW5rbm93bi10b2tlbi1mcm9tLWFub3RoZXItY2x1c3Rlcg==")
	file, err := secretFile("tokens.txt", strings.Join(lines, "\n")+"\n")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(file) }()
	if err := show(env, "create", "secret", "generic", "leak-list", "--from-file=tokens="+file); err != nil {
		return err
	}
	if err := show(env, "apply", "-f", filepath.Join("config", "samples", "security_v1alpha1_tokenrevocation_list.yaml")); err != nil {
		return err
	}
	if err := show(env, "wait", finished, "tokenrevocation/revoke-leaked-list", "--timeout=60s"); err != nil {
		return err
	}
	return show(env, "get", "tokenrevocation", "revoke-leaked-list", "-o", "wide")
}

// revokeAPIKeys revokes a leaked API key from its encoded value, then every key of the
// compromised user, and shows what kubectl shows.
func revokeAPIKeys(env *localenv.Env) error {
	if !apiKeysExist() {
		say("\n# (Elasticsearch %s has no API keys: they arrived in 6.7. The API key steps are skipped.)", esVersion)
		return nil
	}
	say("\n# An API key was pasted into a public repository, with its Authorization header: revoke it.")
	leaked, err := createAPIKey(env.ElasticsearchURL, "ci-pipeline")
	if err != nil {
		return err
	}
	if _, err := createAPIKey(env.ElasticsearchURL, "laptop"); err != nil {
		return err
	}
	file, err := secretFile("leaked-api-key.txt", "Authorization: ApiKey "+leaked+"\n")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(file) }()
	if err := show(env, "create", "secret", "generic", "leaked-api-key", "--from-file=encoded="+file); err != nil {
		return err
	}
	for _, step := range []struct{ story, sample, name string }{
		{"", "encoded-key", "revoke-leaked-api-key"},
		{"myuser's account is compromised: its API keys keep working after its tokens are gone. Revoke them too.",
			"user", "revoke-api-keys-of-myuser"},
	} {
		if step.story != "" {
			say("\n# %s", step.story)
		}
		file := filepath.Join("config", "samples", "security_v1alpha1_apikeyrevocation_"+step.sample+".yaml")
		if err := show(env, "apply", "-f", file); err != nil {
			return err
		}
		if err := show(env, "wait", finished, "apikeyrevocation/"+step.name, "--timeout=60s"); err != nil {
			return err
		}
	}
	say("")
	return show(env, "get", "apikeyrevocations", "-o", "wide")
}

// createAPIKey creates an API key as myuser, and returns its encoded value (computed from the id
// and key where the version's answer has no "encoded", before 7.16).
func createAPIKey(esURL, name string) (string, error) {
	req, err := http.NewRequest(http.MethodPost, esURL+"/_security/api_key", strings.NewReader(fmt.Sprintf(`{"name":%q}`, name)))
	if err != nil {
		return "", err
	}
	req.SetBasicAuth("myuser", userPassword)
	req.Header.Set("Content-Type", "application/json")
	var key struct {
		ID      string `json:"id"`
		APIKey  string `json:"api_key"`
		Encoded string `json:"encoded"`
	}
	if err := call(req, &key); err != nil {
		return "", fmt.Errorf("creating an API key: %w", err)
	}
	say("(myuser created the API key %q, id %s)", name, key.ID)
	if key.Encoded == "" {
		key.Encoded = base64.StdEncoding.EncodeToString([]byte(key.ID + ":" + key.APIKey))
	}
	return key.Encoded, nil
}

// apiKeysExist tells whether the emulated version has API keys (6.7 and later).
func apiKeysExist() bool {
	major, minor, _ := strings.Cut(esVersion, ".")
	m, _ := strconv.Atoi(major)
	n, _ := strconv.Atoi(strings.Split(minor, ".")[0])
	return esVersion == "" || m > 6 || (m == 6 && n >= 7)
}

// secretFile writes what a responder found to a file under bin/ (removed once it is in a Secret),
// for kubectl create secret --from-file: the value never appears on a command line.
func secretFile(name, content string) (string, error) {
	path := filepath.Join("bin", "demo-"+name)
	return path, os.WriteFile(path, []byte(content), 0o600)
}
