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
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// certPollInterval is how often a starting manager looks whether its webhook certificate is
// mounted and trusted. The certificate rotator looks too, but with an exponential backoff (1 s,
// doubling, with jitter up to as much again): the kubelet mounts a Secret's new content a minute
// or more after it changes, and the rotator's next look could then come minutes later. Looking
// every second makes the pod Ready within a second of the kubelet's mount.
const certPollInterval = time.Second

// webhookCertCheck tells whether the webhook can serve: its certificate is mounted and both
// webhook configurations carry a CA bundle that verifies it, so the API server will trust it.
type webhookCertCheck struct {
	reader  client.Reader
	certDir string
	// validating and mutating name the two webhook configurations.
	validating, mutating string
}

// ready returns nil once the webhook can serve, or why not yet.
func (c webhookCertCheck) ready(ctx context.Context) error {
	cert, err := readCertificate(filepath.Join(c.certDir, "tls.crt"))
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(c.certDir, "tls.key")); err != nil {
		return fmt.Errorf("the webhook key is not mounted yet: %w", err)
	}
	bundles, err := c.caBundles(ctx)
	if err != nil {
		return err
	}
	for name, bundle := range bundles {
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(bundle) {
			return fmt.Errorf("webhook %s has no CA bundle yet", name)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots}); err != nil {
			return fmt.Errorf("webhook %s does not trust the mounted certificate yet: %w", name, err)
		}
	}
	return nil
}

// caBundles returns each webhook's CA bundle, by webhook name.
func (c webhookCertCheck) caBundles(ctx context.Context) (map[string][]byte, error) {
	bundles := map[string][]byte{}
	validating := &admissionregistrationv1.ValidatingWebhookConfiguration{}
	if err := c.reader.Get(ctx, types.NamespacedName{Name: c.validating}, validating); err != nil {
		return nil, fmt.Errorf("reading the validating webhook configuration: %w", err)
	}
	for _, w := range validating.Webhooks {
		bundles[w.Name] = w.ClientConfig.CABundle
	}
	mutating := &admissionregistrationv1.MutatingWebhookConfiguration{}
	if err := c.reader.Get(ctx, types.NamespacedName{Name: c.mutating}, mutating); err != nil {
		return nil, fmt.Errorf("reading the mutating webhook configuration: %w", err)
	}
	for _, w := range mutating.Webhooks {
		bundles[w.Name] = w.ClientConfig.CABundle
	}
	return bundles, nil
}

// readCertificate parses the first certificate of a PEM file.
func readCertificate(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path) //nolint:gosec // the operator's own --webhook-cert-dir
	if err != nil {
		return nil, fmt.Errorf("the webhook certificate is not mounted yet: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("the mounted webhook certificate is not a PEM certificate yet")
	}
	return x509.ParseCertificate(block.Bytes)
}

// waitUntil calls ready every interval until it returns nil (true) or ctx ends (false).
func waitUntil(ctx context.Context, interval time.Duration, ready func(context.Context) error) bool {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if ready(ctx) == nil {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-ticker.C:
		}
	}
}

// certWaiter registers the webhooks once their certificate can serve, then closes ready. Every
// replica serves the webhooks, so it runs without leader election.
type certWaiter struct {
	check    webhookCertCheck
	register func() error
	ready    chan struct{}
	// why is the last reason the certificate could not serve.
	why atomic.Pointer[string]
}

// notReady says why the webhooks do not serve yet.
func (w *certWaiter) notReady() error {
	if why := w.why.Load(); why != nil {
		return fmt.Errorf("the webhook certificate is not ready yet: %s", *why)
	}
	return errors.New("the webhook certificate is not ready yet")
}

// checkAndRemember runs the check and keeps its answer for notReady. It logs each new reason
// once: the readiness probe's answer withholds it.
func (w *certWaiter) checkAndRemember(ctx context.Context) error {
	err := w.check.ready(ctx)
	if err != nil {
		why := err.Error()
		if last := w.why.Swap(&why); last == nil || *last != why {
			setupLog.Info("Waiting for the webhook certificate", "why", why)
		}
	}
	return err
}

// NeedLeaderElection is false: every replica serves the webhooks.
func (w *certWaiter) NeedLeaderElection() bool { return false }

// Start waits for the certificate, then registers the webhooks. An error stops the manager.
func (w *certWaiter) Start(ctx context.Context) error {
	if !waitUntil(ctx, certPollInterval, w.checkAndRemember) {
		return nil
	}
	setupLog.Info("Webhook certificate is mounted and trusted: serving the webhooks")
	if err := w.register(); err != nil {
		return fmt.Errorf("creating the webhooks: %w", err)
	}
	close(w.ready)
	return nil
}
