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

// Command bench measures the operator beside a direct client: a local API server, an Elasticsearch
// emulator answering every call after a fixed latency, and the manager binary; K TokenRevocations,
// each revoking a distinct token, then the same K invalidations made directly with the Go client
// at the same concurrency. Then the list path: one TokenRevocation naming the K tokens in one
// Secret, beside the direct client at the list path's concurrency. Run it with `make bench`; it
// prints what it measured, side by side.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/go-logr/logr"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/esrevoke/token-revocation-operator/controllers"
)

// config is the benchmark's command line.
type config struct {
	sizes       []int
	latency     time.Duration
	concurrency int
	creators    int
	timeout     time.Duration

	// callsPerTarget is the manager's --max-calls-per-target; listConcurrency is the list path's
	// calls in flight per revocation (a constant of the controller, mirrored here).
	callsPerTarget, listConcurrency int
	listOnly                        bool
}

// listDirectConcurrency is the list path's effective concurrency, at which the direct client is
// measured beside it: its calls per revocation, within the per-target limit.
func (c config) listDirectConcurrency() int {
	return min(c.listConcurrency, c.callsPerTarget)
}

func main() {
	// envtest logs through controller-runtime's logger; its output is not this program's.
	logf.SetLogger(logr.Discard())
	cfg, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags() (config, error) {
	var cfg config
	sizes := flag.String("k", "1000,10000", "comma-separated numbers of TokenRevocations per run")
	flag.DurationVar(&cfg.latency, "latency", 10*time.Millisecond, "the emulator's latency per call")
	flag.IntVar(&cfg.concurrency, "concurrency", 64,
		"the manager's --max-concurrent-reconciles, and the direct client's number of workers")
	flag.IntVar(&cfg.creators, "creators", 16, "goroutines creating TokenRevocations in the burst")
	flag.DurationVar(&cfg.timeout, "timeout", 15*time.Minute, "the longest a run may take")
	flag.IntVar(&cfg.callsPerTarget, "max-calls-per-target", controllers.DefaultCallsPerTarget,
		"the manager's --max-calls-per-target")
	flag.IntVar(&cfg.listConcurrency, "list-concurrency", controllers.ListConcurrency,
		"the list path's calls in flight per revocation, as the controller has it (controllers.ListConcurrency): "+
			"with --max-calls-per-target, it sets the direct client's workers beside the list path")
	flag.BoolVar(&cfg.listOnly, "list-only", false, "measure only the list path and its direct client")
	flag.Parse()
	for _, s := range strings.Split(*sizes, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || k < 1 {
			return cfg, fmt.Errorf("-k wants positive numbers, got %q", s)
		}
		cfg.sizes = append(cfg.sizes, k)
	}
	if cfg.callsPerTarget < 1 || cfg.listConcurrency < 1 {
		return cfg, fmt.Errorf("-max-calls-per-target and -list-concurrency want positive numbers")
	}
	return cfg, nil
}

// run measures every size and prints the results, then how they grow from the first size to the last.
func run(ctx context.Context, cfg config) error {
	fmt.Printf("Benchmark: latency %s per Elasticsearch call, concurrency %d, %d creators, %d CPUs\n",
		cfg.latency, cfg.concurrency, cfg.creators, runtime.NumCPU())
	fmt.Printf("List path: %d calls in flight per revocation, at most %d per target: direct client beside it with %d workers\n",
		cfg.listConcurrency, cfg.callsPerTarget, cfg.listDirectConcurrency())
	var all []result
	for _, k := range cfg.sizes {
		ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
		r, err := measure(ctx, cfg, k)
		cancel()
		if err != nil {
			return fmt.Errorf("with %d revocations: %w", k, err)
		}
		r.print()
		all = append(all, r)
	}
	printGrowth(all)
	return nil
}

// measure runs the measurements of one size: the four of single-token revocations (unless
// -list-only), then the list path's.
func measure(ctx context.Context, cfg config, k int) (result, error) {
	r := result{k: k, listOnly: cfg.listOnly}
	var err error
	if !cfg.listOnly {
		if err = measureSingle(ctx, cfg, k, &r); err != nil {
			return r, err
		}
	}
	if r.list, err = measureList(ctx, cfg, k); err != nil {
		return r, fmt.Errorf("list path: %w", err)
	}
	if r.listDirect, err = measureDirect(ctx, cfg.withConcurrency(cfg.listDirectConcurrency()), k); err != nil {
		return r, fmt.Errorf("direct client beside the list path: %w", err)
	}
	return r, nil
}

func (c config) withConcurrency(n int) config {
	c.concurrency = n
	return c
}

// measureSingle runs the four measurements of k single-token revocations.
func measureSingle(ctx context.Context, cfg config, k int, r *result) error {
	var err error
	if r.burst, err = measureBurst(ctx, cfg, k); err != nil {
		return fmt.Errorf("operator burst: %w", err)
	}
	if r.reconcile, err = measureReconcilePhase(ctx, cfg, k); err != nil {
		return fmt.Errorf("operator reconcile phase: %w", err)
	}
	if r.direct, err = measureDirect(ctx, cfg, k); err != nil {
		return fmt.Errorf("direct client: %w", err)
	}
	if r.ceiling, err = measureCeiling(ctx, cfg, k); err != nil {
		return fmt.Errorf("API server alone: %w", err)
	}
	return nil
}
