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
// emulator (or an Elasticsearch the caller serves), and the manager binary, which can be killed,
// restarted and run as several replicas. The end-to-end tests and `make demo` use it.
package localenv

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
	// ElasticsearchURL, when set, is an Elasticsearch already running (for example an emulator
	// the test serves itself, to inject faults and count calls): the emulator command is then
	// neither built nor started, and EmulatorArgs are ignored.
	ElasticsearchURL string
	// Username and Password are the operator's credentials for the emulator.
	Username, Password string
	// ManagerArgs are extra arguments of every manager.
	ManagerArgs []string
	// NoManager makes Start start no manager: the caller starts them with StartManager.
	NoManager bool
	// APIServerArgs are extra flags of the API server, by name without the dashes (such as
	// "enable-admission-plugins").
	APIServerArgs map[string]string
	// Log receives the emulator's and the managers' output.
	Log io.Writer
}

// InstallationKeySecret is where the environment's managers keep their installation key.
const InstallationKeySecret = "default/esrevoke-installation-key"

// ManagerOptions say how to run one manager, beyond Options.ManagerArgs.
type ManagerOptions struct {
	// Args are extra arguments, after Options.ManagerArgs.
	Args []string
	// NoWebhook runs the manager without its webhook server (ENABLE_WEBHOOKS=false). Otherwise it
	// serves the webhook on the port the API server calls, so only one such manager can run at a
	// time, and StartManager returns once the webhook accepts connections.
	NoWebhook bool
}

// Env is a running local environment.
type Env struct {
	// Kubeconfig is the path of a kubeconfig file for the API server.
	Kubeconfig string
	// ElasticsearchURL is the emulator's URL.
	ElasticsearchURL string

	opts     Options
	env      *envtest.Environment
	dir      string
	emulator *exec.Cmd
	kubectl  string

	mu       sync.Mutex
	manager  *Manager   // the one Start started, or the latest RestartManager
	managers []*Manager // every manager started, stopped by Stop
}

// Manager is one manager process.
type Manager struct {
	cmd    *exec.Cmd
	exited chan struct{}
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
	e.opts = opts
	var err error
	if e.dir, err = os.MkdirTemp("", "localenv-"); err != nil {
		return err
	}
	if e.kubectl, err = kubectlPath(); err != nil {
		return err
	}
	if err := e.build(ctx, opts); err != nil {
		return err
	}
	if err := e.startAPIServer(opts.Root, opts.APIServerArgs); err != nil {
		return err
	}
	if opts.ElasticsearchURL != "" {
		e.ElasticsearchURL = opts.ElasticsearchURL
	} else if err := e.startEmulator(opts); err != nil {
		return err
	}
	if opts.NoManager {
		return nil
	}
	_, err = e.RestartManager()
	return err
}

// build compiles the manager and, unless an Elasticsearch is given, the emulator into the
// environment's directory.
func (e *Env) build(ctx context.Context, opts Options) error {
	binaries := map[string]string{"manager": "."}
	if opts.ElasticsearchURL == "" {
		binaries["es-emulator"] = "./hack/es-emulator"
	}
	for name, pkg := range binaries {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(e.dir, name), pkg) //nolint:gosec // our own build
		cmd.Dir = opts.Root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %w\n%s", name, err, out)
		}
	}
	return nil
}

func (e *Env) startAPIServer(root string, args map[string]string) error {
	e.env = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		WebhookInstallOptions: envtest.WebhookInstallOptions{Paths: []string{filepath.Join(root, "config", "webhook")}},
	}
	flags := e.env.ControlPlane.GetAPIServer().Configure()
	for name, value := range args {
		flags.Set(name, value)
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

// StartManager runs one more manager binary against the API server, with the emulator as its
// default Elasticsearch; Stop stops it. Unless opts.NoWebhook, it returns once the manager's
// webhook accepts connections.
func (e *Env) StartManager(opts ManagerOptions) (*Manager, error) {
	webhook := e.env.WebhookInstallOptions
	args := append([]string{
		"--metrics-bind-address=0", "--health-probe-bind-address=0",
		"--webhook-cert-dir=" + webhook.LocalServingCertDir,
		"--webhook-port=" + strconv.Itoa(webhook.LocalServingPort),
		// Every manager of the environment shares one installation key, as replicas in a cluster do,
		// so that one's webhook signs what another's reconciler verifies, also across restarts.
		"--installation-key-secret=" + InstallationKeySecret,
	}, e.opts.ManagerArgs...)
	cmd := exec.Command(filepath.Join(e.dir, "manager"), append(args, opts.Args...)...) //nolint:gosec // our own binary
	cmd.Env = append(os.Environ(), "KUBECONFIG="+e.Kubeconfig, "ELASTICSEARCH_URL="+e.ElasticsearchURL,
		"ELASTICSEARCH_USERNAME="+e.opts.Username, "ELASTICSEARCH_PASSWORD="+e.opts.Password)
	if opts.NoWebhook {
		cmd.Env = append(cmd.Env, "ENABLE_WEBHOOKS=false")
	}
	cmd.Stdout, cmd.Stderr = e.opts.Log, e.opts.Log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	m := &Manager{cmd: cmd, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(m.exited) }()
	e.mu.Lock()
	e.managers = append(e.managers, m)
	e.mu.Unlock()
	if opts.NoWebhook {
		return m, nil
	}
	addr := net.JoinHostPort(webhook.LocalServingHost, strconv.Itoa(webhook.LocalServingPort))
	if err := WaitForTLS(addr, time.Minute, m.exited); err != nil {
		m.Kill()
		return nil, err
	}
	return m, nil
}

// Manager is the manager Start started, or the latest one RestartManager started; nil if none.
func (e *Env) Manager() *Manager {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.manager
}

// RestartManager stops the current manager (if it still runs) and starts a new one, serving the
// webhook, as Start does; Manager returns it from then on.
func (e *Env) RestartManager() (*Manager, error) {
	if old := e.Manager(); old != nil {
		old.Stop()
	}
	m, err := e.StartManager(ManagerOptions{})
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.manager = m
	e.mu.Unlock()
	return m, nil
}

// Pid is the manager's process id.
func (m *Manager) Pid() int {
	return m.cmd.Process.Pid
}

// Exited is closed once the manager's process has exited.
func (m *Manager) Exited() <-chan struct{} {
	return m.exited
}

// Kill kills the manager with SIGKILL, as the kernel's OOM killer or a node failure would: it
// finishes nothing (no status write, no lease release). It returns once the process is gone.
func (m *Manager) Kill() {
	_ = m.cmd.Process.Signal(syscall.SIGKILL)
	<-m.exited
}

// Stop asks the manager to stop (SIGTERM), and kills it if it has not within ten seconds.
func (m *Manager) Stop() {
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.exited:
	case <-time.After(10 * time.Second):
		m.Kill()
	}
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

// Stop stops the managers, the emulator and the API server, and removes the built binaries.
func (e *Env) Stop() {
	e.mu.Lock()
	managers := e.managers
	e.mu.Unlock()
	for _, m := range managers {
		m.Stop()
	}
	stopProcess(e.emulator)
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
