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

// Package localenv runs the whole operator on one machine, as separate processes: a real API
// server and etcd (envtest) with the CRD and the webhook configuration, the Elasticsearch
// emulator, and the manager binary. The end-to-end tests and `make demo` use it.
package localenv

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Options say what to run.
type Options struct {
	// Root is the repository's root directory.
	Root string
	// EmulatorArgs are extra arguments of the emulator (users, tokens); the operator's own user
	// (Username, Password) is always added.
	EmulatorArgs []string
	// Username and Password are the operator's credentials for the emulator.
	Username, Password string
	// ManagerArgs are extra arguments of the manager.
	ManagerArgs []string
	// Log receives the emulator's and the manager's output.
	Log io.Writer
}

// Env is a running local environment.
type Env struct {
	// Kubeconfig is the path of a kubeconfig file for the API server.
	Kubeconfig string
	// ElasticsearchURL is the emulator's URL.
	ElasticsearchURL string

	env      *envtest.Environment
	dir      string
	manager  *exec.Cmd
	emulator *exec.Cmd
	kubectl  string
}

// Start builds the manager and the emulator, and starts the API server, the emulator and the
// manager; it returns once the manager's webhook accepts connections.
func Start(ctx context.Context, opts Options) (*Env, error) {
	e := &Env{}
	err := e.start(ctx, opts)
	if err != nil {
		e.Stop()
		return nil, err
	}
	return e, nil
}

func (e *Env) start(ctx context.Context, opts Options) error {
	var err error
	if e.dir, err = os.MkdirTemp("", "localenv-"); err != nil {
		return err
	}
	if e.kubectl, err = kubectlPath(); err != nil {
		return err
	}
	if err := e.build(ctx, opts.Root); err != nil {
		return err
	}
	if err := e.startAPIServer(opts.Root); err != nil {
		return err
	}
	if err := e.startEmulator(opts); err != nil {
		return err
	}
	return e.startManager(opts)
}

// build compiles the manager and the emulator into the environment's directory.
func (e *Env) build(ctx context.Context, root string) error {
	for name, pkg := range map[string]string{"manager": ".", "es-emulator": "./hack/es-emulator"} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(e.dir, name), pkg) //nolint:gosec // our own build
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %w\n%s", name, err, out)
		}
	}
	return nil
}

func (e *Env) startAPIServer(root string) error {
	e.env = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		WebhookInstallOptions: envtest.WebhookInstallOptions{Paths: []string{filepath.Join(root, "config", "webhook")}},
	}
	cfg, err := e.env.Start()
	if err != nil {
		return fmt.Errorf("starting the API server: %w", err)
	}
	user, err := e.env.ControlPlane.AddUser(envtest.User{Name: "local-admin", Groups: []string{"system:masters"}}, cfg)
	if err != nil {
		return err
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return err
	}
	e.Kubeconfig = filepath.Join(e.dir, "kubeconfig")
	return os.WriteFile(e.Kubeconfig, kubeconfig, 0o600)
}

// startEmulator runs the emulator on a free port and reads the URL it prints.
func (e *Env) startEmulator(opts Options) error {
	args := append([]string{"--listen", "127.0.0.1:0", "--user", opts.Username + ":" + opts.Password}, opts.EmulatorArgs...)
	e.emulator = exec.Command(filepath.Join(e.dir, "es-emulator"), args...) //nolint:gosec // our own binary
	e.emulator.Stderr = opts.Log
	stdout, err := e.emulator.StdoutPipe()
	if err != nil {
		return err
	}
	if err := e.emulator.Start(); err != nil {
		return err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return fmt.Errorf("the emulator did not start: %w", err)
	}
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "es-emulator listening on ")
	if !ok {
		return fmt.Errorf("unexpected emulator output %q", line)
	}
	e.ElasticsearchURL = url
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return nil
}

// startManager runs the manager binary against the API server, with the emulator as its default
// Elasticsearch, and waits for its webhook.
func (e *Env) startManager(opts Options) error {
	webhook := e.env.WebhookInstallOptions
	args := append([]string{
		"--metrics-bind-address=0", "--health-probe-bind-address=0",
		"--webhook-cert-dir=" + webhook.LocalServingCertDir,
		"--webhook-port=" + strconv.Itoa(webhook.LocalServingPort),
	}, opts.ManagerArgs...)
	e.manager = exec.Command(filepath.Join(e.dir, "manager"), args...) //nolint:gosec // our own binary
	e.manager.Env = append(os.Environ(), "KUBECONFIG="+e.Kubeconfig, "ELASTICSEARCH_URL="+e.ElasticsearchURL,
		"ELASTICSEARCH_USERNAME="+opts.Username, "ELASTICSEARCH_PASSWORD="+opts.Password)
	e.manager.Stdout, e.manager.Stderr = opts.Log, opts.Log
	if err := e.manager.Start(); err != nil {
		return err
	}
	return waitForTLS(net.JoinHostPort(webhook.LocalServingHost, strconv.Itoa(webhook.LocalServingPort)), time.Minute)
}

// Kubectl runs kubectl against the API server and returns its output; a failure includes stderr.
func (e *Env) Kubectl(args ...string) (string, error) {
	cmd := exec.Command(e.kubectl, append([]string{"--kubeconfig", e.Kubeconfig}, args...)...) //nolint:gosec // a test tool
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// Stop stops the manager, the emulator and the API server, and removes the built binaries.
func (e *Env) Stop() {
	for _, cmd := range []*exec.Cmd{e.manager, e.emulator} {
		stopProcess(cmd)
	}
	if e.env != nil {
		_ = e.env.Stop()
	}
	if e.dir != "" {
		_ = os.RemoveAll(e.dir)
	}
}

// stopProcess asks a process to stop, and kills it if it has not within ten seconds.
func stopProcess(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// kubectlPath finds kubectl: $KUBECTL, else the one built beside the envtest binaries, else PATH.
func kubectlPath() (string, error) {
	if path := os.Getenv("KUBECTL"); path != "" {
		return path, nil
	}
	built := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
	if _, err := os.Stat(built); err == nil { //nolint:gosec // the developer's own KUBEBUILDER_ASSETS
		return built, nil
	}
	path, err := exec.LookPath("kubectl")
	if err != nil {
		return "", errors.New("no kubectl: set KUBECTL or KUBEBUILDER_ASSETS (`make envtest` builds one)")
	}
	return path, nil
}

// waitForTLS waits until addr accepts TLS connections.
func waitForTLS(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		dialer := &net.Dialer{Timeout: time.Second}
		conn, err := tls.DialWithDialer(dialer, "tcp", addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // probing our own server
		if err == nil {
			return conn.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the manager's webhook at %s is not ready: %w", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
