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
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// directResult is what a runbook script calling Elasticsearch directly achieves.
type directResult struct {
	revocationsPerSecond float64
	elapsed              time.Duration
}

// measureDirect makes k invalidate calls with the Go client, from as many workers as the
// manager has reconcilers, against an emulator with the same latency.
func measureDirect(ctx context.Context, cfg config, k int) (directResult, error) {
	var r directResult
	es := esemulator.New(esemulator.WithLatency(cfg.latency))
	es.AddUser(operatorUser, operatorPassword, "")
	tokens := make([]string, k)
	for i := range tokens {
		pair, err := es.MintPasswordToken(operatorUser)
		if err != nil {
			return r, err
		}
		tokens[i] = pair.AccessToken
	}
	server := httptest.NewServer(es)
	defer server.Close()
	target := elasticsearch.Target{URL: server.URL, Username: operatorUser, Password: operatorPassword}
	clients := elasticsearch.NewClients()

	var err error
	r.elapsed, err = forEach(cfg.concurrency, k, func(i int) error {
		result, err := clients.Invalidate(ctx, target, elasticsearch.InvalidateRequest{Token: tokens[i]})
		if err == nil && result.InvalidatedTokens != 1 {
			err = fmt.Errorf("invalidated %d tokens, not 1", result.InvalidatedTokens)
		}
		return err
	})
	if err != nil {
		return r, fmt.Errorf("direct invalidations: %w", err)
	}
	r.revocationsPerSecond = float64(k) / r.elapsed.Seconds()
	return r, nil
}
