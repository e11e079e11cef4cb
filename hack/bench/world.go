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
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// The benchmark's throwaway credentials for the emulator.
const (
	operatorUser, operatorPassword = "elastic", "bench-changeme"
	namespace                      = "bench"
	logFile                        = "bin/bench.log"
)

// world is one run's API server, emulator and manager binary.
type world struct {
	env        *localenv.Env
	es         *esemulator.Emulator
	esServer   *httptest.Server
	calls      *callMeter
	client     client.WithWatch
	tokens     []string
	metricsURL string
	log        *os.File
}

// newWorld starts an API server, an emulator holding k tokens, and (unless withoutManager) the manager.
func newWorld(ctx context.Context, cfg config, k int, withoutManager bool) (*world, error) {
	w := &world{es: esemulator.New(esemulator.WithLatency(cfg.latency)), calls: &callMeter{}}
	w.es.AddUser(operatorUser, operatorPassword, "")
	for range k {
		pair, err := w.es.MintPasswordToken(operatorUser)
		if err != nil {
			return nil, err
		}
		w.tokens = append(w.tokens, pair.AccessToken)
	}
	w.esServer = httptest.NewServer(w.calls.wrap(w.es))
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	w.metricsURL = fmt.Sprintf("http://127.0.0.1:%d/metrics", port)
	if w.log, err = os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err != nil {
		return nil, err
	}
	w.env, err = localenv.Start(ctx, localenv.Options{
		Root: ".", ElasticsearchURL: w.esServer.URL, Username: operatorUser, Password: operatorPassword,
		ManagerArgs: []string{fmt.Sprintf("--max-concurrent-reconciles=%d", cfg.concurrency),
			fmt.Sprintf("--max-calls-per-target=%d", cfg.callsPerTarget),
			"--metrics-secure=false", fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", port)},
		NoManager: withoutManager, Log: w.log,
	})
	if err != nil {
		w.stop()
		return nil, err
	}
	if err := w.connect(ctx); err != nil {
		w.stop()
		return nil, err
	}
	return w, nil
}

// connect makes the benchmark's own client, not rate-limited, and the namespace.
func (w *world) connect(ctx context.Context) error {
	restConfig, err := clientcmd.BuildConfigFromFlags("", w.env.Kubeconfig)
	if err != nil {
		return err
	}
	restConfig.QPS = -1
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := securityv1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	if w.client, err = client.NewWithWatch(restConfig, client.Options{Scheme: scheme}); err != nil {
		return err
	}
	return w.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}})
}

func (w *world) stop() {
	if w.env != nil {
		w.env.Stop()
	}
	if w.esServer != nil {
		w.esServer.Close()
	}
	if w.log != nil {
		_ = w.log.Close()
	}
}

// revocation is the i-th TokenRevocation of the run.
func (w *world) revocation(i int) *securityv1alpha1.TokenRevocation {
	token := w.tokens[i]
	return &securityv1alpha1.TokenRevocation{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("revoke-%06d", i), Namespace: namespace},
		Spec:       securityv1alpha1.TokenRevocationSpec{Token: &token},
	}
}

// writes counts the API server's writes so far: status patches of TokenRevocations, and events.
func (w *world) writes() (statusPatches, events float64, err error) {
	c, err := w.writeCounts()
	return c.statusPatches, c.events, err
}

// writeCounts are the API server's writes so far for TokenRevocations: status patches, events,
// and every other write of a TokenRevocation or its status (creates, updates, finalizer patches).
type writeCounts struct {
	statusPatches, events, otherRevocationWrites float64
}

func (w *world) writeCounts() (writeCounts, error) {
	var c writeCounts
	out, err := w.env.Kubectl("get", "--raw", "/metrics")
	if err != nil {
		return c, err
	}
	families, err := parseMetrics(out)
	if err != nil {
		return c, err
	}
	for _, m := range families["apiserver_request_total"].GetMetric() {
		labels := labelMap(m)
		switch {
		case labels["resource"] == "tokenrevocations" && labels["subresource"] == "status" && labels["verb"] == http.MethodPatch:
			c.statusPatches += m.GetCounter().GetValue()
		case labels["resource"] == "events" && (labels["verb"] == http.MethodPost || labels["verb"] == http.MethodPatch):
			c.events += m.GetCounter().GetValue()
		case labels["resource"] == "tokenrevocations" && isWrite(labels["verb"]):
			c.otherRevocationWrites += m.GetCounter().GetValue()
		}
	}
	return c, nil
}

func isWrite(verb string) bool {
	switch verb {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, "DELETECOLLECTION", "APPLY":
		return true
	}
	return false
}

func (c writeCounts) total() float64 {
	return c.statusPatches + c.events + c.otherRevocationWrites
}

func (c writeCounts) minus(before writeCounts) writeCounts {
	return writeCounts{c.statusPatches - before.statusPatches, c.events - before.events,
		c.otherRevocationWrites - before.otherRevocationWrites}
}

// managerStats are read from the manager's own metrics.
type managerStats struct {
	heapInUse, rss           float64
	reconcileTime, queueWait time.Duration // averages
}

// managerStats reads the manager's heap in use, resident memory, and the average time a
// revocation spent in a reconcile and waiting in the work queue, from its metrics.
func (w *world) managerStats(ctx context.Context) (managerStats, error) {
	var s managerStats
	families, err := w.managerMetrics(ctx)
	if err != nil {
		return s, err
	}
	s.heapInUse, s.rss = gauge(families, "go_memstats_heap_inuse_bytes"), gauge(families, "process_resident_memory_bytes")
	s.reconcileTime = averageSeconds(families, "controller_runtime_reconcile_time_seconds", "controller", "tokenrevocation")
	s.queueWait = averageSeconds(families, "workqueue_queue_duration_seconds", "name", "tokenrevocation")
	return s, nil
}

// managerMetrics scrapes the manager's metrics endpoint.
func (w *world) managerMetrics(ctx context.Context) (map[string]*dto.MetricFamily, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.metricsURL, nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = res.Body.Close() }()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	return parser.TextToMetricFamilies(res.Body)
}

// averageSeconds is a histogram's mean over the series whose label has the given value.
func averageSeconds(families map[string]*dto.MetricFamily, name, label, value string) time.Duration {
	var sum float64
	var count uint64
	for _, m := range families[name].GetMetric() {
		if labelMap(m)[label] == value {
			sum += m.GetHistogram().GetSampleSum()
			count += m.GetHistogram().GetSampleCount()
		}
	}
	if count == 0 {
		return 0
	}
	return time.Duration(sum / float64(count) * float64(time.Second))
}

func parseMetrics(text string) (map[string]*dto.MetricFamily, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	return parser.TextToMetricFamilies(strings.NewReader(text))
}

func gauge(families map[string]*dto.MetricFamily, name string) float64 {
	for _, m := range families[name].GetMetric() {
		return m.GetGauge().GetValue()
	}
	return 0
}

func labelMap(m *dto.Metric) map[string]string {
	labels := map[string]string{}
	for _, l := range m.GetLabel() {
		labels[l.GetName()] = l.GetValue()
	}
	return labels
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}
