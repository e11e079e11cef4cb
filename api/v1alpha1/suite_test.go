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

package v1alpha1

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/yaml"

	"github.com/esrevoke/token-revocation-operator/internal/access"
	"github.com/esrevoke/token-revocation-operator/internal/installation"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// Two API servers serve this package's integration tests, each started on first use:
//   - crdOnly has the CRDs with their CEL rules and no webhook: it proves the API server alone
//     enforces the rules, as in a cluster where the webhook is not installed;
//   - withWebhook has the CRDs stripped of their validations (CEL rules, patterns, bounds, sets)
//     and the webhooks of both kinds served over TLS by a real manager: it proves the webhooks
//     alone reject what they should, and their errors and warnings come back through admission.
var (
	crdOnly     lazyEnv
	withWebhook lazyEnv
	// webhookKey is the installation key withWebhook's manager signs with.
	webhookKey = mustRandomKey()
)

func mustRandomKey() *installation.Key {
	key, _, err := installation.RandomKey()
	if err != nil {
		panic(err)
	}
	return key
}

// lazyEnv is an envtest API server started once, on first use, and stopped by TestMain.
type lazyEnv struct {
	once   sync.Once
	env    *envtest.Environment
	stop   func()
	client client.Client
	config *rest.Config
	err    error
}

func TestMain(m *testing.M) {
	logf.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.UseDevMode(false)))
	code := m.Run()
	for _, e := range []*lazyEnv{&crdOnly, &withWebhook} {
		if e.stop != nil {
			e.stop()
		}
	}
	os.Exit(code)
}

func testScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}

func requireEnvtest(t testing.TB) {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("skipped: KUBEBUILDER_ASSETS is not set; `make test` builds the envtest binaries and sets it")
	}
}

// crdOnlyClient returns a client of an API server that has the CRD with its CEL rules, no webhook.
func crdOnlyClient(t testing.TB) client.Client {
	t.Helper()
	requireEnvtest(t)
	crdOnly.once.Do(func() {
		crdOnly.env = &envtest.Environment{
			CRDDirectoryPaths:     []string{filepath.Join("..", "..", "config", "crd", "bases")},
			ErrorIfCRDPathMissing: true,
		}
		var cfg *rest.Config
		if cfg, crdOnly.err = crdOnly.env.Start(); crdOnly.err != nil {
			return
		}
		crdOnly.stop = func() { _ = crdOnly.env.Stop() }
		crdOnly.client, crdOnly.err = client.New(cfg, client.Options{Scheme: testScheme()})
	})
	if crdOnly.err != nil {
		t.Fatalf("starting the API server with the CRD: %v", crdOnly.err)
	}
	return crdOnly.client
}

// webhookClient returns a client of an API server whose only validation of TokenRevocations and
// ApiKeyRevocations is the webhooks, and the recorder of the admission warnings it receives.
func webhookClient(t *testing.T) (client.Client, *warningRecorder) {
	t.Helper()
	requireEnvtest(t)
	withWebhook.once.Do(func() { withWebhook.err = startWebhookEnv() })
	if withWebhook.err != nil {
		t.Fatalf("starting the API server with the webhook: %v", withWebhook.err)
	}
	return withWebhook.client, warnings
}

var warnings = &warningRecorder{}

func startWebhookEnv() error {
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, file := range []string{tokenRevocationCRDFile, apiKeyRevocationCRDFile} {
		crd, err := readCRDFile(file)
		if err != nil {
			return err
		}
		for i := range crd.Spec.Versions {
			stripValidation(crd.Spec.Versions[i].Schema.OpenAPIV3Schema)
		}
		crds = append(crds, crd)
	}
	env := &envtest.Environment{
		CRDs:                  crds,
		WebhookInstallOptions: envtest.WebhookInstallOptions{Paths: []string{filepath.Join("..", "..", "config", "webhook")}},
	}
	withWebhook.env = env
	cfg, err := env.Start()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	withWebhook.stop = func() { cancel(); _ = env.Stop() }
	withWebhook.config = cfg
	if err := runWebhookManager(ctx, cfg, &env.WebhookInstallOptions); err != nil {
		return err
	}
	clientCfg := rest.CopyConfig(cfg)
	clientCfg.WarningHandlerWithContext = warnings
	withWebhook.client, err = client.New(clientCfg, client.Options{Scheme: testScheme()})
	return err
}

// runWebhookManager starts a manager serving the webhook and waits until it accepts TLS connections.
func runWebhookManager(ctx context.Context, cfg *rest.Config, opts *envtest.WebhookInstallOptions) error {
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:  testScheme(),
		Metrics: metricsserver.Options{BindAddress: "0"},
		WebhookServer: webhook.NewServer(webhook.Options{
			Host: opts.LocalServingHost, Port: opts.LocalServingPort, CertDir: opts.LocalServingCertDir,
		}),
	})
	if err != nil {
		return err
	}
	requester := &TokenRevocationRequester{Signer: webhookKey, Access: access.Reviewer{Client: mgr.GetClient()}}
	if err := SetupTokenRevocationWebhookWithManager(mgr, requester, &TokenRevocationValidator{}); err != nil {
		return err
	}
	apiKeyRequester := &ApiKeyRevocationRequester{Signer: webhookKey, Access: access.Reviewer{Client: mgr.GetClient()}}
	if err := SetupApiKeyRevocationWebhookWithManager(mgr, apiKeyRequester, &ApiKeyRevocationValidator{}); err != nil {
		return err
	}
	go func() { _ = mgr.Start(ctx) }()

	return localenv.WaitForTLS(net.JoinHostPort(opts.LocalServingHost, strconv.Itoa(opts.LocalServingPort)), 30*time.Second, nil)
}

// The generated CRDs, in config/crd/bases.
const (
	tokenRevocationCRDFile  = "security.esrevoke.io_tokenrevocations.yaml"
	apiKeyRevocationCRDFile = "security.esrevoke.io_apikeyrevocations.yaml"
)

// readCRD reads the generated TokenRevocation CRD.
func readCRD() (*apiextensionsv1.CustomResourceDefinition, error) {
	return readCRDFile(tokenRevocationCRDFile)
}

// readCRDFile reads a generated CRD.
func readCRDFile(name string) (*apiextensionsv1.CustomResourceDefinition, error) {
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "crd", "bases", name))
	if err != nil {
		return nil, err
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(data, &crd); err != nil {
		return nil, err
	}
	return &crd, nil
}

// stripValidation removes the rules that the webhook also enforces, so that only the webhook validates.
func stripValidation(schema *apiextensionsv1.JSONSchemaProps) {
	if schema == nil {
		return
	}
	schema.XValidations = nil
	schema.Pattern = ""
	schema.MinLength, schema.MaxLength = nil, nil
	schema.MinItems, schema.MaxItems = nil, nil
	if schema.XListType != nil && *schema.XListType == "set" {
		// A set refuses duplicates itself; atomic leaves that to the webhook.
		schema.XListType = ptr("atomic")
	}
	for name, prop := range schema.Properties {
		stripValidation(&prop)
		schema.Properties[name] = prop
	}
	if schema.Items != nil {
		stripValidation(schema.Items.Schema)
	}
}

// warningRecorder keeps the admission warnings the API server sends back.
type warningRecorder struct {
	mu   sync.Mutex
	seen []string
}

// HandleWarningHeaderWithContext records one warning.
func (w *warningRecorder) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = append(w.seen, text)
}

// take returns the warnings recorded since the last call.
func (w *warningRecorder) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := w.seen
	w.seen = nil
	return seen
}
