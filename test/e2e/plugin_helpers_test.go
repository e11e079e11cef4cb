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

package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// Helpers of the kubectl plugin's end-to-end test: the plugin built into a directory that the
// real kubectl finds on PATH, and its runs recorded for the search for leaked secrets.

// pluginCLI runs `kubectl esrevoke ...` against a local environment.
type pluginCLI struct {
	kubectl    string
	pluginDir  string
	kubeconfig string

	mu     sync.Mutex
	output strings.Builder // every run's standard output and error, for the leak search
}

// pluginEnv is a local environment (API server, webhook, manager, emulator) with the plugin built
// for the real kubectl, and a namespace to work in.
type pluginEnv struct {
	env  *localenv.Env
	logs *localenv.SyncBuffer
	c    client.Client
	cli  *pluginCLI
	// ns is -n and the namespace, for the plugin's arguments.
	ns []string
}

// startPluginEnv starts a local environment with opts, builds the plugin, and creates namespace.
func startPluginEnv(t *testing.T, opts localenv.Options, namespace string) pluginEnv {
	t.Helper()
	env, logs := startLocalEnv(t, opts)
	p := pluginEnv{env: env, logs: logs, c: kubeClient(t, env), cli: newPluginCLI(t, env), ns: []string{"-n", namespace}}
	if out, err := env.Kubectl("create", "namespace", namespace); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return p
}

// pluginResult is one run of the plugin.
type pluginResult struct {
	code        int
	out, errOut string
}

// newPluginCLI builds the plugin into a temporary directory, and finds kubectl as localenv does:
// $KUBECTL, else the kubectl beside the envtest binaries.
func newPluginCLI(t *testing.T, env *localenv.Env) *pluginCLI {
	t.Helper()
	kubectl := os.Getenv("KUBECTL")
	if kubectl == "" {
		kubectl = filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
	}
	if _, err := os.Stat(kubectl); err != nil {
		t.Skipf("skipped: no kubectl at %s (set KUBECTL, or KUBEBUILDER_ASSETS to a directory holding one)", kubectl)
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "kubectl-esrevoke"), "./cmd/kubectl-esrevoke")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, out)
	}
	return &pluginCLI{kubectl: kubectl, pluginDir: dir, kubeconfig: env.Kubeconfig}
}

// run runs `kubectl esrevoke args... --kubeconfig ...` with stdin, as a responder would.
func (p *pluginCLI) run(t *testing.T, stdin string, args ...string) pluginResult {
	t.Helper()
	args = append(append([]string{"esrevoke"}, args...), "--kubeconfig", p.kubeconfig)
	cmd := exec.Command(p.kubectl, args...) //nolint:gosec // a test running kubectl
	cmd.Env = append(os.Environ(), "PATH="+p.pluginDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	result := pluginResult{}
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("running kubectl esrevoke: %v", err)
		}
		result.code = exit.ExitCode()
	}
	result.out, result.errOut = stdout.String(), stderr.String()
	p.mu.Lock()
	p.output.WriteString(result.out + result.errOut)
	p.mu.Unlock()
	// Only the command is logged, not its arguments: the refusal test passes a token as one.
	command := "(not shown)"
	for _, arg := range args {
		if pluginCommands[arg] {
			command = arg
			break
		}
	}
	t.Logf("kubectl esrevoke %s: exit %d\n%s%s", command, result.code, result.out, result.errOut)
	return result
}

// pluginCommands are the plugin's commands, which a log may name.
var pluginCommands = map[string]bool{"token": true, "refresh-token": true, "tokens": true, "refresh-tokens": true, "user": true, "realm": true, "api-key": true,
	"api-keys": true, "list": true, "retry": true}

// allOutput is everything every run printed.
func (p *pluginCLI) allOutput() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.output.String()
}

// writeSecretFile writes a secret value to a file only the test reads.
func writeSecretFile(t *testing.T, value string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(path, []byte(value+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
