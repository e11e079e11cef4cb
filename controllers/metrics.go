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
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// The labels of the operator's metrics: the revocation kind, and the outcome.
const (
	kindLabel    = "kind"
	outcomeLabel = "outcome"
)

// The operator's metrics, served with controller-runtime's on the manager's metrics endpoint.
var (
	revocationsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "esrevoke_revocations_total",
		Help: "Revocations that finished, by kind (TokenRevocation, ApiKeyRevocation) and outcome: Revoked, or the reason they failed.",
	}, []string{kindLabel, outcomeLabel})

	tokensInvalidatedTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "esrevoke_tokens_invalidated_total",
		Help: "Tokens Elasticsearch invalidated; in realm and user revocations an access token and its refresh token count two.",
	})

	apiKeysInvalidatedTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "esrevoke_api_keys_invalidated_total",
		Help: "API keys Elasticsearch invalidated.",
	})

	requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "esrevoke_elasticsearch_request_duration_seconds",
		Help:    "Duration of invalidate calls to Elasticsearch, by revocation kind and outcome: success, partial, or the kind of failure.",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
	}, []string{kindLabel, outcomeLabel})

	timeToRevoked = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "esrevoke_revocation_duration_seconds",
		Help:    "Time from a revocation's creation to Revoked, by kind.",
		Buckets: prometheus.ExponentialBuckets(0.05, 2, 16),
	}, []string{kindLabel})
)

func init() {
	metrics.Registry.MustRegister(revocationsTotal, tokensInvalidatedTotal, apiKeysInvalidatedTotal, requestDuration, timeToRevoked)
}

// observeCall records an invalidate call's duration and what it invalidated.
func observeCall(names kindNames, elapsed time.Duration, a answer, callErr error) {
	outcome := "success"
	switch {
	case callErr != nil:
		outcome = string(elasticsearch.KindOf(callErr))
	case a.errorCount > 0:
		outcome = "partial"
	}
	requestDuration.WithLabelValues(names.kind, outcome).Observe(elapsed.Seconds())
	if callErr == nil {
		names.invalidatedCounter.Add(float64(a.invalidated))
	}
}

// observeFinished records a revocation of the kind that reached a terminal phase.
func observeFinished(kind string, rev securityv1alpha1.Revocation, outcome string) {
	revocationsTotal.WithLabelValues(kind, outcome).Inc()
	progress := rev.GetProgress()
	if progress.Phase == securityv1alpha1.PhaseRevoked && progress.CompletionTime != nil {
		timeToRevoked.WithLabelValues(kind).Observe(progress.CompletionTime.Sub(rev.GetCreationTimestamp().Time).Seconds())
	}
}
