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
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// testNamespace is where the fake sessions work.
const testNamespace = "security"

// testNow is the fake sessions' clock.
var testNow = time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)

// harness runs the plugin's commands on a fake API server (controller-runtime's fake client),
// capturing what they print.
type harness struct {
	client   client.Client
	out      bytes.Buffer
	errOut   bytes.Buffer
	connects int
	// namespaceGiven stands for -n on the command line.
	namespaceGiven bool
}

// newHarness starts a fake API server holding objs; funcs, if any, intercept its calls.
func newHarness(t *testing.T, funcs *interceptor.Funcs, objs ...client.Object) *harness {
	t.Helper()
	scheme, err := newScheme()
	if err != nil {
		t.Fatal(err)
	}
	builder := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...)
	if funcs != nil {
		builder = builder.WithInterceptorFuncs(*funcs)
	}
	return &harness{client: builder.Build()}
}

// run runs the plugin with args and stdin, and returns its exit code.
func (h *harness) run(stdin string, args ...string) int {
	h.out.Reset()
	h.errOut.Reset()
	streams := genericiooptions.IOStreams{In: strings.NewReader(stdin), Out: &h.out, ErrOut: &h.errOut}
	deps := &dependencies{streams: streams}
	deps.connect = func() (*session, error) {
		h.connects++
		return &session{client: h.client, namespace: testNamespace, namespaceGiven: h.namespaceGiven, streams: streams,
			now: func() time.Time { return testNow }, pollInterval: 5 * time.Millisecond}, nil
	}
	return runWith(deps, args)
}

// output is everything the command printed.
func (h *harness) output() string {
	return h.out.String() + h.errOut.String()
}

// apiKeyRevocations lists the ApiKeyRevocations of the fake API server.
func (h *harness) apiKeyRevocations(t *testing.T) []securityv1alpha1.ApiKeyRevocation {
	t.Helper()
	var list securityv1alpha1.ApiKeyRevocationList
	if err := h.client.List(context.Background(), &list); err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// revocations lists the TokenRevocations of the fake API server.
func (h *harness) revocations(t *testing.T) []securityv1alpha1.TokenRevocation {
	t.Helper()
	var list securityv1alpha1.TokenRevocationList
	if err := h.client.List(context.Background(), &list); err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// withStatus is an interceptor whose GETs of TokenRevocations see status, as if the operator had written it.
func withStatus(status securityv1alpha1.TokenRevocationStatus) *interceptor.Funcs {
	return statusOnGet(func(obj client.Object) {
		if rev, ok := obj.(*securityv1alpha1.TokenRevocation); ok {
			rev.Status = *status.DeepCopy()
		}
	})
}

// withAPIKeyStatus is an interceptor whose GETs of ApiKeyRevocations see status, as if the operator had written it.
func withAPIKeyStatus(status securityv1alpha1.ApiKeyRevocationStatus) *interceptor.Funcs {
	return statusOnGet(func(obj client.Object) {
		if rev, ok := obj.(*securityv1alpha1.ApiKeyRevocation); ok {
			rev.Status = *status.DeepCopy()
		}
	})
}

// statusOnGet is an interceptor that passes every object a GET read to set.
func statusOnGet(set func(obj client.Object)) *interceptor.Funcs {
	return &interceptor.Funcs{Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
		if err := c.Get(ctx, key, obj, opts...); err != nil {
			return err
		}
		set(obj)
		return nil
	}}
}

func int64Ptr(v int64) *int64 { return &v }
