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

// The manager of the Token Revocation Operator: it serves the TokenRevocation validating webhook and
// runs the reconciler that invalidates Elasticsearch tokens.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"os"

	// Import all Kubernetes client auth plugins (e.g. Azure, GCP, OIDC) so the manager can run
	// against any cluster from a kubeconfig.
	_ "k8s.io/client-go/plugin/pkg/client/auth"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/controllers"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/targets"
)

var (
	scheme   = runtime.NewScheme()
	setupLog = ctrl.Log.WithName("setup")
)

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(securityv1alpha1.AddToScheme(scheme))
}

// options are the manager's command-line settings.
type options struct {
	metricsAddr          string
	secureMetrics        bool
	probeAddr            string
	enableLeaderElection bool
	leaderElectionNS     string
	enableHTTP2          bool
	webhook              webhookFlags
	maxConcurrent        int
	maxCallsPerTarget    int
	allowCrossNamespace  bool
	watchNamespaces      watchNamespaces
	kubeAPIQPS           float64
	kubeAPIBurst         int
	retry                controllers.RetryPolicy
	maxPartialAttempts   int
	installation         installationFlags
	elasticsearch        elasticsearchFlags
	zap                  zap.Options
}

// parseFlags reads the command line into options and checks them.
func parseFlags(fs *flag.FlagSet, args []string) (options, error) {
	var o options
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", "0", "The address the metrics endpoint binds to. "+
		"Use :8443 for HTTPS or :8080 for HTTP, or leave as 0 to disable the metrics service.")
	fs.BoolVar(&o.secureMetrics, "metrics-secure", true,
		"If set, the metrics endpoint is served securely via HTTPS, with authentication and authorization.")
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "The address the probe endpoint binds to.")
	fs.BoolVar(&o.enableLeaderElection, "leader-elect", false,
		"Enable leader election, so that only one of several manager replicas is active at a time.")
	fs.StringVar(&o.leaderElectionNS, "leader-election-namespace", "",
		"The namespace of the leader election lease; empty means the manager's own namespace (in a cluster).")
	fs.BoolVar(&o.enableHTTP2, "enable-http2", false,
		"If set, HTTP/2 is enabled for the metrics and webhook servers (off by default: HTTP/2 Rapid Reset CVEs).")
	o.webhook.bind(fs)
	fs.IntVar(&o.maxConcurrent, "max-concurrent-reconciles", 64,
		"How many revocations of each kind are handled at once (at least 1). Reconciles wait on Elasticsearch, so this can exceed the CPU count.")
	fs.IntVar(&o.maxCallsPerTarget, "max-calls-per-target", controllers.DefaultCallsPerTarget,
		"Invalidate calls in flight to one Elasticsearch cluster at once, across every revocation: a long token list "+
			"cannot flood a cluster or starve single revocations.")
	fs.Float64Var(&o.kubeAPIQPS, "kube-api-qps", -1,
		"Requests per second the manager may make to the Kubernetes API server; -1 means no client-side limit, "+
			"leaving it to the API server's priority and fairness (a revocation answered at once makes one status write and one event).")
	fs.IntVar(&o.kubeAPIBurst, "kube-api-burst", 300,
		"Requests the manager may make to the API server in a burst (at least 1, and at least --kube-api-qps).")
	fs.BoolVar(&o.allowCrossNamespace, "allow-cross-namespace-refs", false,
		"Let a TokenRevocation use an ECK Elasticsearch (spec.elasticsearchRef.name) in another namespace.")
	fs.DurationVar(&o.retry.BaseDelay, "retry-base-delay", controllers.DefaultRetryPolicy.BaseDelay,
		"The wait after a first failed invalidate call; it doubles with every attempt. Positive, at most --retry-max-delay.")
	fs.DurationVar(&o.retry.MaxDelay, "retry-max-delay", controllers.DefaultRetryPolicy.MaxDelay,
		"The longest wait between invalidate attempts. Positive.")
	fs.DurationVar(&o.retry.PendingMaxDelay, "pending-max-delay", controllers.DefaultRetryPolicy.PendingMaxDelay,
		"The longest wait between checks of a pending revocation (one waiting for its Secret, say). Positive.")
	fs.IntVar(&o.maxPartialAttempts, "max-partial-attempts", int(controllers.DefaultRetryPolicy.MaxPartialAttempts),
		"After this many attempts (at least 1), a revocation that Elasticsearch keeps answering with error_details is Failed.")
	o.elasticsearch.bind(fs)
	o.installation.bind(fs)
	o.watchNamespaces.bind(fs)
	o.zap = zap.Options{Development: false}
	o.zap.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if err := o.validate(); err != nil {
		return o, err
	}
	o.retry.MaxPartialAttempts = int32(o.maxPartialAttempts) //nolint:gosec // validate bounds it to int32
	return o, nil
}

func main() {
	o, err := parseFlags(flag.CommandLine, os.Args[1:])
	if err != nil {
		// The flag package has already printed its own errors and the usage for an unknown flag.
		fmt.Fprintln(os.Stderr, "Invalid flags:", err)
		os.Exit(2)
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&o.zap)))

	config := ctrl.GetConfigOrDie()
	config.QPS, config.Burst = float32(o.kubeAPIQPS), o.kubeAPIBurst
	mgr, err := ctrl.NewManager(config, managerOptions(o))
	if err != nil {
		setupLog.Error(err, "Failed to create manager")
		os.Exit(1)
	}
	key, err := loadInstallationKey(config, o.installation)
	if err != nil {
		setupLog.Error(err, "Failed to load the installation key")
		os.Exit(1)
	}
	defaultTarget, err := o.elasticsearch.target()
	if err != nil {
		setupLog.Error(err, "Failed to configure the default Elasticsearch")
		os.Exit(1)
	}
	if defaultTarget == nil {
		setupLog.Info("No default Elasticsearch (ELASTICSEARCH_URL): every TokenRevocation needs spec.elasticsearchRef")
	}
	machinery := controllers.Machinery{
		Client:   mgr.GetClient(),
		Recorder: mgr.GetEventRecorder("esrevoke-controller"),
		Clock:    clock.RealClock{},
		Targets: &targets.Resolver{
			Reader:                  mgr.GetAPIReader(),
			Default:                 defaultTarget,
			RequestTimeout:          o.elasticsearch.timeout,
			AllowCrossNamespaceRefs: o.allowCrossNamespace,
			WatchNamespaces:         o.watchNamespaces.list,
		},
		Retry:                   o.retry,
		MaxConcurrentReconciles: o.maxConcurrent,
		Limiter:                 controllers.NewTargetLimiter(o.maxCallsPerTarget),
		Key:                     key,
		Audit:                   newAuditLogger(),
	}
	if err := setupControllers(mgr, machinery, elasticsearch.NewClients()); err != nil {
		setupLog.Error(err, "Failed to create controller")
		os.Exit(1)
	}
	webhookReady, err := setupWebhook(mgr, o.webhook, key)
	if err != nil {
		setupLog.Error(err, "Failed to create webhook", "webhook", "TokenRevocation")
		os.Exit(1)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		setupLog.Error(err, "Failed to set up health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", webhookReady); err != nil {
		setupLog.Error(err, "Failed to set up ready check")
		os.Exit(1)
	}

	setupLog.Info("Starting manager")
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		setupLog.Error(err, "Failed to run manager")
		os.Exit(1)
	}
}

// managerOptions turns the command-line settings into the manager's options.
func managerOptions(o options) ctrl.Options {
	var tlsOpts []func(*tls.Config)
	if !o.enableHTTP2 {
		// HTTP/2 is off unless asked for: it is exposed to the HTTP/2 Stream Cancellation and Rapid
		// Reset CVEs (GHSA-qppj-fm5r-hxr3, GHSA-4374-p667-p6c8).
		tlsOpts = append(tlsOpts, func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} })
	}
	metricsOptions := metricsserver.Options{
		BindAddress:   o.metricsAddr,
		SecureServing: o.secureMetrics,
		TLSOpts:       tlsOpts,
	}
	if o.secureMetrics {
		metricsOptions.FilterProvider = filters.WithAuthenticationAndAuthorization
	}
	return ctrl.Options{
		Scheme:        scheme,
		Metrics:       metricsOptions,
		WebhookServer: webhook.NewServer(webhook.Options{TLSOpts: tlsOpts, CertDir: o.webhook.certDir, Port: o.webhook.port}),
		// Only the watched namespaces' revocations, without managedFields (namespaces.go).
		Cache:                   o.watchNamespaces.cacheOptions(),
		HealthProbeBindAddress:  o.probeAddr,
		LeaderElection:          o.enableLeaderElection,
		LeaderElectionNamespace: o.leaderElectionNS,
		// The lease is released on a clean stop, so a standby takes over at once.
		LeaderElectionReleaseOnCancel: true,
		LeaderElectionID:              "token-revocation-operator.security.esrevoke.io",
	}
}

// setupControllers registers the reconciler of every revocation kind, all on the same machinery
// and the same Elasticsearch clients.
func setupControllers(mgr ctrl.Manager, machinery controllers.Machinery, clients *elasticsearch.Clients) error {
	tokens := &controllers.TokenRevocationReconciler{Machinery: machinery, Elasticsearch: clients}
	if err := tokens.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("TokenRevocation controller: %w", err)
	}
	apiKeys := &controllers.ApiKeyRevocationReconciler{Machinery: machinery, Elasticsearch: clients}
	if err := apiKeys.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("ApiKeyRevocation controller: %w", err)
	}
	return nil
}
