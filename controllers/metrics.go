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

// The operator's metrics, served with controller-runtime's on the manager's metrics endpoint.
var (
	revocationsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "esrevoke_revocations_total",
		Help: "TokenRevocations that finished, by outcome: Revoked, or the reason they failed.",
	}, []string{"outcome"})

	tokensInvalidatedTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "esrevoke_tokens_invalidated_total",
		Help: "Tokens Elasticsearch invalidated; in realm and user revocations an access token and its refresh token count two.",
	})

	requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "esrevoke_elasticsearch_request_duration_seconds",
		Help:    "Duration of invalidate calls to Elasticsearch, by outcome: success, partial, or the kind of failure.",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
	}, []string{"outcome"})

	timeToRevoked = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "esrevoke_revocation_duration_seconds",
		Help:    "Time from a TokenRevocation's creation to Revoked.",
		Buckets: prometheus.ExponentialBuckets(0.05, 2, 16),
	})
)

func init() {
	metrics.Registry.MustRegister(revocationsTotal, tokensInvalidatedTotal, requestDuration, timeToRevoked)
}

// observeCall records an invalidate call's duration and what it invalidated.
func observeCall(elapsed time.Duration, result elasticsearch.Result, callErr error) {
	outcome := "success"
	switch {
	case callErr != nil:
		outcome = string(elasticsearch.KindOf(callErr))
	case result.ErrorCount > 0:
		outcome = "partial"
	}
	requestDuration.WithLabelValues(outcome).Observe(elapsed.Seconds())
	if callErr == nil {
		tokensInvalidatedTotal.Add(float64(result.InvalidatedTokens))
	}
}

// observeFinished records a revocation that reached a terminal phase.
func observeFinished(rev *securityv1alpha1.TokenRevocation, outcome string) {
	revocationsTotal.WithLabelValues(outcome).Inc()
	if rev.Status.Phase == securityv1alpha1.PhaseRevoked && rev.Status.CompletionTime != nil {
		timeToRevoked.Observe(rev.Status.CompletionTime.Sub(rev.CreationTimestamp.Time).Seconds())
	}
}
