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

// Command demo runs the operator end to end on this machine: a local API server, the
// Elasticsearch emulator holding the tokens of Elastic's documentation, and the manager. It
// applies the samples one by one as a responder would, then shows what kubectl shows, and
// cleans up. Run it with `make demo`.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

const (
	seedToken        = "dGhpcyBpcyBub3QgYSByZWFsIHRva2VuIGJ1dCBpdCBpcyBvbmx5IHRlc3QgZGF0YS4gZG8gbm90IHRyeSB0byByZWFkIHRva2VuIQ=="
	seedRefreshToken = "vLBPvmAB6KvwvJZr27cS"
	// The demo's own throwaway credentials for the emulator.
	operatorUser, operatorPassword = "elastic", "demo-changeme"
	userPassword                   = "demo-user-password"
	logFile                        = "bin/demo.log"
)

func main() {
	// envtest logs through controller-runtime's logger; its output is not this program's.
	logf.SetLogger(logr.Discard())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	log, err := os.Create(logFile)
	if err != nil {
		return err
	}
	defer func() { _ = log.Close() }()

	say("Starting a local API server (kube-apiserver and etcd), the Elasticsearch emulator and the manager...")
	emulatorArgs := []string{
		"--user", "myuser:" + userPassword + ":saml1", "--user", "alice:" + userPassword + ":saml1",
		// The tokens of Elastic's invalidate-token documentation, as if issued to myuser.
		"--import-token", "myuser:" + seedToken + ":", "--import-token", "myuser::" + seedRefreshToken,
	}
	if esVersion != "" {
		say("Emulating Elasticsearch %s (ES_VERSION); the operator learns the version from its answers.", esVersion)
		emulatorArgs = append(emulatorArgs, "--version", esVersion)
	}
	env, err := localenv.Start(ctx, localenv.Options{
		Root: ".", Username: operatorUser, Password: operatorPassword, Log: log, EmulatorArgs: emulatorArgs,
	})
	if err != nil {
		return err
	}
	defer env.Stop()
	say("Elasticsearch (emulated) at %s; manager and emulator output in %s.", env.ElasticsearchURL, logFile)

	if _, err := login(env.ElasticsearchURL, "alice"); err != nil {
		return err
	}
	if err := revokeEverything(env); err != nil {
		return err
	}
	if err := revokeList(env); err != nil {
		return err
	}
	return revokeAPIKeys(env)
}

// revokeEverything applies the samples in turn, then a revocation that fails, and shows the result.
func revokeEverything(env *localenv.Env) error {
	steps := []struct {
		story, sample, name string
	}{
		{"An access token leaked into a CI log: revoke it.", "token", "revoke-access-token"},
		{"A refresh token was found in a support ticket: revoke it.", "refresh-token", "revoke-refresh-token"},
		{"myuser's account is compromised: revoke all of myuser's tokens.", "user", "revoke-user-myuser"},
		{"myuser logged in again through SAML: revoke myuser's tokens in realm saml1.", "realm-user", "revoke-user-myuser-in-saml1"},
		{"The SAML identity provider's key is compromised: revoke every token of realm saml1.", "realm", "revoke-realm-saml1"},
	}
	for _, step := range steps {
		say("\n# %s", step.story)
		if step.sample == "realm-user" {
			if _, err := login(env.ElasticsearchURL, "myuser"); err != nil {
				return err
			}
		}
		file := filepath.Join("config", "samples", "security_v1alpha1_tokenrevocation_"+step.sample+".yaml")
		if err := show(env, "apply", "-f", file); err != nil {
			return err
		}
		if err := show(env, "wait", finished, "tokenrevocation/"+step.name, "--timeout=60s"); err != nil {
			return err
		}
	}
	say("\n# A token copied from the wrong cluster: Elasticsearch does not know it.")
	if err := show(env, "apply", "-f", filepath.Join("hack", "demo", "unknown-token.yaml")); err != nil {
		return err
	}
	if err := show(env, "wait", "--for=condition=Stalled", "tokenrevocation/revoke-unknown-token", "--timeout=60s"); err != nil {
		return err
	}
	say("")
	if err := show(env, "get", "tokenrevocations", "-o", "wide"); err != nil {
		return err
	}
	say("")
	return show(env, "describe", "tokenrevocation", "revoke-unknown-token")
}

// show prints a kubectl command as a responder would type it, runs it and prints its output.
func show(env *localenv.Env, args ...string) error {
	say("$ kubectl %s", strings.Join(args, " "))
	out, err := env.Kubectl(append([]string{"-n", "default"}, args...)...)
	fmt.Print(out)
	return err
}

// esVersion is the Elasticsearch version the emulator plays (make demo ES_VERSION=6.8.23); empty
// means the emulator's default.
var esVersion = os.Getenv("ES_VERSION")

// finished is what kubectl wait waits for: Ready on a current Elasticsearch, where every sample
// succeeds; on an older one, the end of the revocation, which fails for what the version lacks.
var finished = func() string {
	if esVersion == "" {
		return "--for=condition=Ready"
	}
	return "--for=jsonpath={.status.completionTime}"
}()

// tokenPath is the get-token API's path: Elasticsearch 6.x serves it under /_xpack.
func tokenPath() string {
	if strings.HasPrefix(esVersion, "6.") {
		return "/_xpack/security/oauth2/token"
	}
	return "/_security/oauth2/token"
}

// login mints a token for user with the password grant, as a user's session would, and returns
// the access token.
func login(esURL, user string) (string, error) {
	body := fmt.Sprintf(`{"grant_type":"password","username":%q,"password":%q}`, user, userPassword)
	req, err := http.NewRequest(http.MethodPost, esURL+tokenPath(), strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.SetBasicAuth(operatorUser, operatorPassword)
	req.Header.Set("Content-Type", "application/json")
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if err := call(req, &answer); err != nil {
		return "", fmt.Errorf("logging %s in: %w", user, err)
	}
	say("(%s logged in: the emulator issued an access token and a refresh token)", user)
	return answer.AccessToken, nil
}

// call sends a request to Elasticsearch and decodes its JSON answer into v.
func call(req *http.Request, v any) error {
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("the answer was %s", res.Status)
	}
	return json.Unmarshal(body, v)
}

func say(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
}
