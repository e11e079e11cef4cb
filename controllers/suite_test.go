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

package controllers

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/access"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
	"github.com/esrevoke/token-revocation-operator/internal/installation"
	"github.com/esrevoke/token-revocation-operator/internal/targets"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// The integration suite: one real API server (envtest) for the package, and for each test its
// own namespace, its own Elasticsearch emulator and its own manager running the reconcilers and
// the webhooks of both kinds, so that tests share nothing but the API server.

// Credentials of the emulator's privileged user: distinctive, so leak tests can search for them.
const (
	esUser     = "elastic"
	esPassword = "esPassword-9f3c1d7e-must-never-appear"
)

var (
	testEnv    *envtest.Environment
	testConfig *rest.Config
	testClient client.Client
	scheme     = runtime.NewScheme()
)

func TestMain(m *testing.M) {
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		panic(err)
	}
	if err := securityv1alpha1.AddToScheme(scheme); err != nil {
		panic(err)
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		// The unit tests run; the integration tests report themselves skipped.
		os.Exit(m.Run())
	}
	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		WebhookInstallOptions: envtest.WebhookInstallOptions{Paths: []string{filepath.Join("..", "config", "webhook")}},
	}
	var err error
	if testConfig, err = testEnv.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "starting the API server: %v\n", err)
		os.Exit(1)
	}
	if testClient, err = client.New(testConfig, client.Options{Scheme: scheme}); err != nil {
		fmt.Fprintf(os.Stderr, "creating a client: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = testEnv.Stop()
	os.Exit(code)
}

// harness is one test's world: a namespace, an emulator, and a manager (restartable).
type harness struct {
	t         *testing.T
	ctx       context.Context
	client    client.Client
	es        *esemulator.Emulator
	esServer  *httptest.Server
	namespace string
	logs      *localenv.SyncBuffer
	policy    RetryPolicy
	// requestTimeout bounds one invalidate call, to the default target and to connection Secrets.
	requestTimeout time.Duration
	// wrapClient, when set, stands between the reconciler and the manager's client.
	wrapClient func(client.Client) client.Client
	stopMgr    func()
	// key is the installation key the manager's webhook signs with and its reconciler verifies with.
	key *installation.Key
	// emulatorOptions configure the emulator, for example the Elasticsearch version it plays.
	emulatorOptions []esemulator.Option
}

// harnessOption changes a harness before its manager starts.
type harnessOption func(*harness)

// withRequestTimeout sets the timeout of one invalidate call (5s unless given).
func withRequestTimeout(d time.Duration) harnessOption {
	return func(h *harness) { h.requestTimeout = d }
}

// withEmulator configures the emulator the harness serves.
func withEmulator(opts ...esemulator.Option) harnessOption {
	return func(h *harness) { h.emulatorOptions = append(h.emulatorOptions, opts...) }
}

// withClient puts wrap between the reconciler and the manager's client.
func withClient(wrap func(client.Client) client.Client) harnessOption {
	return func(h *harness) { h.wrapClient = wrap }
}

// fastRetries keeps the tests quick while exercising the same backoff code.
var fastRetries = RetryPolicy{BaseDelay: 50 * time.Millisecond, MaxDelay: 400 * time.Millisecond, MaxPartialAttempts: 3}

// newHarness sets up a test's world; wrap, when given, sits in front of the emulator.
func newHarness(t *testing.T, wrap func(http.Handler) http.Handler, opts ...harnessOption) *harness {
	t.Helper()
	if testEnv == nil {
		t.Skip("skipped: KUBEBUILDER_ASSETS is not set; `make test` builds the envtest binaries and sets it")
	}
	h := &harness{t: t, ctx: context.Background(), client: testClient,
		logs: &localenv.SyncBuffer{}, policy: fastRetries, requestTimeout: 5 * time.Second}
	for _, opt := range opts {
		opt(h)
	}
	h.es = esemulator.New(h.emulatorOptions...)
	h.es.AddUser(esUser, esPassword, "")
	var handler http.Handler = h.es
	if wrap != nil {
		handler = wrap(h.es)
	}
	h.esServer = httptest.NewServer(handler)
	t.Cleanup(h.esServer.Close)

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "test-"}}
	if err := testClient.Create(h.ctx, ns); err != nil {
		t.Fatalf("creating a namespace: %v", err)
	}
	h.namespace = ns.Name
	h.startManager()
	t.Cleanup(func() { h.stopManager() })
	// envtest runs no namespace controller: delete the test's revocations, or the next tests'
	// managers, which watch every namespace, would go on reconciling them.
	t.Cleanup(func() {
		for _, kind := range []client.Object{&securityv1alpha1.TokenRevocation{}, &securityv1alpha1.ApiKeyRevocation{}} {
			if err := testClient.DeleteAllOf(h.ctx, kind, client.InNamespace(h.namespace)); err != nil {
				t.Errorf("deleting the test's revocations: %v", err)
			}
		}
	})
	return h
}

func (h *harness) defaultTarget() *elasticsearch.Target {
	return &elasticsearch.Target{URL: h.esServer.URL, Username: esUser, Password: esPassword, Timeout: h.requestTimeout}
}

// startManager runs a manager with the reconciler and the webhook until stopManager.
func (h *harness) startManager() {
	h.t.Helper()
	opts := &testEnv.WebhookInstallOptions
	mgr, err := ctrl.NewManager(testConfig, ctrl.Options{
		Scheme:     scheme,
		Logger:     zap.New(zap.WriteTo(h.logs), zap.UseDevMode(false)),
		Metrics:    metricsserver.Options{BindAddress: "0"},
		Controller: config.Controller{SkipNameValidation: new(true)},
		WebhookServer: webhook.NewServer(webhook.Options{
			Host: opts.LocalServingHost, Port: opts.LocalServingPort, CertDir: opts.LocalServingCertDir,
		}),
	})
	if err != nil {
		h.t.Fatalf("creating a manager: %v", err)
	}
	reconcilerClient := mgr.GetClient()
	if h.wrapClient != nil {
		reconcilerClient = h.wrapClient(reconcilerClient)
	}
	if h.key == nil {
		var err error
		if h.key, _, err = installation.RandomKey(); err != nil {
			h.t.Fatal(err)
		}
	}
	machinery := Machinery{
		Client: reconcilerClient, Recorder: mgr.GetEventRecorder("esrevoke-controller"), Clock: clock.RealClock{},
		Targets: &targets.Resolver{Reader: mgr.GetAPIReader(), Default: h.defaultTarget(), RequestTimeout: h.requestTimeout},
		Retry:   h.policy, MaxConcurrentReconciles: 4, Key: h.key,
	}
	clients := elasticsearch.NewClients()
	if err := (&TokenRevocationReconciler{Machinery: machinery, Elasticsearch: clients}).SetupWithManager(mgr); err != nil {
		h.t.Fatalf("setting up the TokenRevocation reconciler: %v", err)
	}
	if err := (&ApiKeyRevocationReconciler{Machinery: machinery, Elasticsearch: clients}).SetupWithManager(mgr); err != nil {
		h.t.Fatalf("setting up the ApiKeyRevocation reconciler: %v", err)
	}
	reviewer := access.Reviewer{Client: mgr.GetClient()}
	if err := securityv1alpha1.SetupTokenRevocationWebhookWithManager(mgr, &securityv1alpha1.TokenRevocationRequester{
		Signer: h.key, Access: reviewer}, &securityv1alpha1.TokenRevocationValidator{}); err != nil {
		h.t.Fatalf("setting up the TokenRevocation webhook: %v", err)
	}
	if err := securityv1alpha1.SetupApiKeyRevocationWebhookWithManager(mgr, &securityv1alpha1.ApiKeyRevocationRequester{
		Signer: h.key, Access: reviewer}, &securityv1alpha1.ApiKeyRevocationValidator{}); err != nil {
		h.t.Fatalf("setting up the ApiKeyRevocation webhook: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := mgr.Start(ctx); err != nil {
			h.t.Errorf("manager stopped: %v", err)
		}
	}()
	h.stopMgr = func() { cancel(); <-done }
	addr := net.JoinHostPort(opts.LocalServingHost, strconv.Itoa(opts.LocalServingPort))
	if err := localenv.WaitForTLS(addr, 20*time.Second, nil); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) stopManager() {
	if h.stopMgr != nil {
		h.stopMgr()
		h.stopMgr = nil
	}
}
