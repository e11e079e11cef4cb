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
	"errors"
	"fmt"
	"math"
	"time"
)

// validate refuses settings that would break the manager's behaviour rather than start with
// them: a zero or negative delay would stop retries for good, a base delay above the maximum
// would silently retry at the maximum, and a count below one would stall the controller.
// Every problem is reported, each naming its flag.
func (o options) validate() error {
	var problems []error
	positive := func(name string, d time.Duration) {
		if d <= 0 {
			problems = append(problems, fmt.Errorf("--%s must be positive, got %s", name, d))
		}
	}
	atLeastOne := func(name string, n int) {
		if n < 1 {
			problems = append(problems, fmt.Errorf("--%s must be at least 1, got %d", name, n))
		}
	}
	positive("retry-base-delay", o.retry.BaseDelay)
	positive("retry-max-delay", o.retry.MaxDelay)
	positive("pending-max-delay", o.retry.PendingMaxDelay)
	positive("elasticsearch-timeout", o.elasticsearch.timeout)
	if o.retry.BaseDelay > o.retry.MaxDelay && o.retry.MaxDelay > 0 {
		problems = append(problems, fmt.Errorf("--retry-base-delay (%s) must not exceed --retry-max-delay (%s)",
			o.retry.BaseDelay, o.retry.MaxDelay))
	}
	atLeastOne("max-concurrent-reconciles", o.maxConcurrent)
	atLeastOne("max-calls-per-target", o.maxCallsPerTarget)
	atLeastOne("max-partial-attempts", o.maxPartialAttempts)
	if o.maxPartialAttempts > math.MaxInt32 {
		problems = append(problems, fmt.Errorf("--max-partial-attempts must be at most %d, got %d", math.MaxInt32, o.maxPartialAttempts))
	}
	problems = append(problems, o.kubeAPIProblems()...)
	if o.watchNamespaces.err != nil {
		problems = append(problems, o.watchNamespaces.err)
	}
	if _, err := o.installation.secretRef(); err != nil {
		problems = append(problems, err)
	}
	if o.webhook.port < 1 || o.webhook.port > 65535 {
		problems = append(problems, fmt.Errorf("--webhook-port must be a TCP port (1-65535), got %d", o.webhook.port))
	}
	return errors.Join(problems...)
}

// kubeAPIProblems checks the client-side rate limit: -1 (no limit) or a positive rate, and a
// burst that can hold at least one second's worth of it.
func (o options) kubeAPIProblems() []error {
	var problems []error
	if o.kubeAPIQPS != -1 && o.kubeAPIQPS <= 0 {
		problems = append(problems, fmt.Errorf("--kube-api-qps must be positive, or -1 for no client-side limit, got %g", o.kubeAPIQPS))
	}
	if o.kubeAPIBurst < 1 {
		problems = append(problems, fmt.Errorf("--kube-api-burst must be at least 1, got %d", o.kubeAPIBurst))
	} else if o.kubeAPIQPS > 0 && float64(o.kubeAPIBurst) < o.kubeAPIQPS {
		problems = append(problems, fmt.Errorf("--kube-api-burst (%d) must be at least --kube-api-qps (%g)", o.kubeAPIBurst, o.kubeAPIQPS))
	}
	return problems
}
