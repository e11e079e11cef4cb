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
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/open-policy-agent/cert-controller/pkg/rotator"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/access"
	"github.com/esrevoke/token-revocation-operator/internal/installation"
)

// The default names match config/default, whose namePrefix is "token-revocation-".
const (
	defaultCertSecretName     = "token-revocation-webhook-server-cert"
	defaultWebhookService     = "token-revocation-webhook-service"
	defaultWebhookConfigName  = "token-revocation-validating-webhook-configuration"
	defaultMutatingConfigName = "token-revocation-mutating-webhook-configuration"
	defaultWebhookCertDir     = "/tmp/k8s-webhook-server/serving-certs"
)

// webhookFlags configure the validating webhook and its serving certificate. By default the
// manager creates a self-signed CA and serving certificate in a Secret of its namespace, rotates
// them, and injects the CA into its ValidatingWebhookConfiguration: no cert-manager needed.
type webhookFlags struct {
	enabled            bool
	forbidInlineTokens bool
	disableRotation    bool
	certDir            string
	port               int
	secretName         string
	serviceName        string
	configName         string
	mutatingConfigName string
	extraDNSNames      string
}

func (f *webhookFlags) bind(fs *flag.FlagSet) {
	f.enabled = os.Getenv("ENABLE_WEBHOOKS") != "false"
	fs.BoolVar(&f.forbidInlineTokens, "forbid-inline-tokens", false,
		"Make the webhook reject TokenRevocations that give spec.token or spec.refreshToken inline: tokens must come from Secrets.")
	fs.BoolVar(&f.disableRotation, "disable-cert-rotation", false,
		"Do not create and rotate the webhook's certificate: it is provided (by cert-manager, or by hand) in --webhook-cert-dir.")
	fs.StringVar(&f.certDir, "webhook-cert-dir", defaultWebhookCertDir,
		"The directory holding the webhook serving certificate (tls.crt, tls.key).")
	fs.IntVar(&f.port, "webhook-port", 9443, "The port the webhook server listens on.")
	fs.StringVar(&f.secretName, "cert-secret-name", defaultCertSecretName,
		"The Secret, in the manager's namespace (POD_NAMESPACE), holding the rotated webhook certificate.")
	fs.StringVar(&f.serviceName, "webhook-service-name", defaultWebhookService,
		"The Service in front of the webhook; the certificate is issued for <service>.<namespace>.svc.")
	fs.StringVar(&f.configName, "webhook-config-name", defaultWebhookConfigName,
		"The ValidatingWebhookConfiguration whose CA bundle the manager keeps up to date.")
	fs.StringVar(&f.mutatingConfigName, "mutating-webhook-config-name", defaultMutatingConfigName,
		"The MutatingWebhookConfiguration whose CA bundle the manager keeps up to date.")
	fs.StringVar(&f.extraDNSNames, "webhook-extra-dns-names", "",
		"Comma-separated extra DNS names for the rotated webhook certificate, when the API server reaches the webhook by URL.")
}

// The mutating webhook asks the API server whether a revocation's creator may read the Secrets it
// names: config/rbac/admission_role.yaml grants it, apart from the reconciler's role, so that the
// namespace-scoped mode can turn the reconciler's role into Roles and keep this one cluster-wide.

// The certificate rotator's permissions are in config/rbac/cert_rotation_role.yaml, apart from the
// reconciler's markers, so that an install where cert-manager issues the certificate leaves them out.

// dnsNames are the certificate's names besides <service>.<namespace>.svc.
func (f *webhookFlags) dnsNames(namespace string) []string {
	names := []string{fmt.Sprintf("%s.%s.svc.cluster.local", f.serviceName, namespace)}
	for _, name := range strings.Split(f.extraDNSNames, ",") {
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// setupWebhook registers the TokenRevocation webhook, once its serving certificate is in place,
// and returns the readiness check: not ready until the webhook serves.
func setupWebhook(mgr ctrl.Manager, f webhookFlags, key *installation.Key) (healthz.Checker, error) {
	if !f.enabled {
		setupLog.Info("Webhooks are off (ENABLE_WEBHOOKS=false): revocations that name Secrets will fail as " +
			securityv1alpha1.ReasonRequesterNotVerified + ", since nobody checks that their creators may read those Secrets")
		return healthz.Ping, nil
	}
	register := func() error {
		reviewer := access.Reviewer{Client: mgr.GetClient()}
		tokens := &securityv1alpha1.TokenRevocationValidator{ForbidInlineTokens: f.forbidInlineTokens}
		if err := securityv1alpha1.SetupTokenRevocationWebhookWithManager(mgr,
			&securityv1alpha1.TokenRevocationRequester{Signer: key, Access: reviewer}, tokens); err != nil {
			return err
		}
		return securityv1alpha1.SetupApiKeyRevocationWebhookWithManager(mgr,
			&securityv1alpha1.ApiKeyRevocationRequester{Signer: key, Access: reviewer}, &securityv1alpha1.ApiKeyRevocationValidator{})
	}
	namespace := os.Getenv("POD_NAMESPACE")
	if f.disableRotation || namespace == "" {
		if !f.disableRotation {
			setupLog.Info("Webhook certificate rotation is off: POD_NAMESPACE is not set (not running in a cluster)")
		}
		return func(req *http.Request) error { return mgr.GetWebhookServer().StartedChecker()(req) }, register()
	}
	// The rotator says when it is ready too, but it looks at the mounted files with a backoff
	// that grows to minutes (webhook_ready.go); certWaiter looks every second instead.
	rotatorReady := make(chan struct{})
	err := rotator.AddRotator(mgr, &rotator.CertRotator{
		SecretKey:      types.NamespacedName{Namespace: namespace, Name: f.secretName},
		CertDir:        f.certDir,
		CAName:         "token-revocation-operator-ca",
		CAOrganization: "esrevoke.io",
		DNSName:        fmt.Sprintf("%s.%s.svc", f.serviceName, namespace),
		ExtraDNSNames:  f.dnsNames(namespace),
		IsReady:        rotatorReady,
		Webhooks: []rotator.WebhookInfo{
			{Name: f.configName, Type: rotator.Validating},
			{Name: f.mutatingConfigName, Type: rotator.Mutating},
		},
		// Every replica serves the webhook, so every replica keeps its certificate current.
		RequireLeaderElection: false,
	})
	if err != nil {
		return nil, fmt.Errorf("setting up webhook certificate rotation: %w", err)
	}
	// The webhook server reads its certificate when it starts: register it (which starts it)
	// only once the rotator has written the certificate, the kubelet has mounted it and the
	// webhook configurations trust it.
	waiter := &certWaiter{
		check: webhookCertCheck{reader: mgr.GetAPIReader(), certDir: f.certDir,
			validating: f.configName, mutating: f.mutatingConfigName},
		register: register,
		ready:    make(chan struct{}),
	}
	if err := mgr.Add(waiter); err != nil {
		return nil, err
	}
	return func(req *http.Request) error {
		select {
		case <-waiter.ready:
			return mgr.GetWebhookServer().StartedChecker()(req)
		default:
			return waiter.notReady()
		}
	}, nil
}
