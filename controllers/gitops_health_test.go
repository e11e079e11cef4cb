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
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
	. "github.com/onsi/gomega"
	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// These tests read TokenRevocations the way GitOps tools do: Flux through kstatus, Argo CD through
// the Lua health check in config/argocd. Every object is built by the operator's own status
// functions, so a change there that breaks a tool's reading fails here.

// argoHealthScript is the Argo CD health check, as installed into argocd-cm.
var argoHealthScript = filepath.Join("..", "config", "argocd", "tokenrevocation-health.lua")

// healthCase is a TokenRevocation in a state the operator produces, and what each tool should make of it.
type healthCase struct {
	name    string
	rev     func() *securityv1alpha1.TokenRevocation
	phase   securityv1alpha1.Phase
	reason  string        // the Ready condition's reason
	kstatus status.Status // what Flux (kstatus) should report
	argo    string        // what Argo CD should report
}

var partialAnswer = elasticsearch.Result{InvalidatedTokens: 9, PreviouslyInvalidatedTokens: 15, ErrorCount: 2,
	ErrorDetails: []elasticsearch.ErrorCause{{Type: "exception", Reason: "foo"}}}

// answered returns a revocation whose attempt number attempts was answered with result or callErr.
func answered(attempts int32, result elasticsearch.Result, callErr error) func() *securityv1alpha1.TokenRevocation {
	return func() *securityv1alpha1.TokenRevocation {
		rev := attempted(attempts)
		applyTokenAnswer(rev, result, callErr, testPolicy, testNow, earlierAnswered)
		return rev
	}
}

func healthCases() []healthCase {
	return []healthCase{
		{name: "a revocation waiting for its token Secret is in progress",
			rev: func() *securityv1alpha1.TokenRevocation {
				rev := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Generation: 1}}
				markPending(rev, securityv1alpha1.ReasonSecretNotFound, `Secret "leaked-token" not found`)
				return rev
			},
			phase: securityv1alpha1.PhasePending, reason: securityv1alpha1.ReasonSecretNotFound,
			kstatus: status.InProgressStatus, argo: "Progressing"},
		{name: "a revocation whose call is in flight is in progress",
			rev:   func() *securityv1alpha1.TokenRevocation { return attempted(1) },
			phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonInvalidating,
			kstatus: status.InProgressStatus, argo: "Progressing"},
		{name: "a revocation retried after Elasticsearch answered 503 is in progress",
			rev:   answered(1, elasticsearch.Result{}, esError(elasticsearch.KindUnavailable)),
			phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonElasticsearchUnavailable,
			kstatus: status.InProgressStatus, argo: "Progressing"},
		{name: "a revocation retried after Elasticsearch refused its credentials is in progress",
			rev:   answered(2, elasticsearch.Result{}, esError(elasticsearch.KindUnauthorized)),
			phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonUnauthorized,
			kstatus: status.InProgressStatus, argo: "Progressing"},
		{name: "a revocation retried after a partial failure is in progress",
			rev:   answered(1, partialAnswer, nil),
			phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonPartialFailure,
			kstatus: status.InProgressStatus, argo: "Progressing"},
		{name: "a revocation whose target turned out unusable is in progress",
			rev:   answered(1, elasticsearch.Result{}, esError(elasticsearch.KindInvalidTarget)),
			phase: securityv1alpha1.PhasePending, reason: securityv1alpha1.ReasonInvalidConnection,
			kstatus: status.InProgressStatus, argo: "Progressing"},
		{name: "a revoked revocation is current and healthy",
			rev:   answered(1, elasticsearch.Result{InvalidatedTokens: 1}, nil),
			phase: securityv1alpha1.PhaseRevoked, reason: securityv1alpha1.ReasonRevoked,
			kstatus: status.CurrentStatus, argo: "Healthy"},
		{name: "a revocation revoked on the retry after a lost answer is current and healthy",
			rev: func() *securityv1alpha1.TokenRevocation {
				rev := attempted(1) // the operator stopped before the answer was recorded
				earlier := previousAttempt(rev)
				markInvalidating(rev, testNow)
				applyTokenAnswer(rev, elasticsearch.Result{PreviouslyInvalidatedTokens: 1}, nil, testPolicy, testNow, earlier)
				return rev
			},
			phase: securityv1alpha1.PhaseRevoked, reason: securityv1alpha1.ReasonRevoked,
			kstatus: status.CurrentStatus, argo: "Healthy"},
		{name: "a revocation of a token Elasticsearch does not know has failed",
			rev:   answered(1, elasticsearch.Result{}, esError(elasticsearch.KindTokenNotFound)),
			phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonTokenNotFound,
			kstatus: status.FailedStatus, argo: "Degraded"},
		{name: "a revocation whose partial failures outlasted its attempts has failed",
			rev:   answered(testPolicy.MaxPartialAttempts, partialAnswer, nil),
			phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonPartialFailure,
			kstatus: status.FailedStatus, argo: "Degraded"},
	}
}

// built runs a case's status functions and checks the revocation is in the state the case names.
func (tc healthCase) built(g Gomega) *securityv1alpha1.TokenRevocation {
	rev := tc.rev()
	g.Expect(rev.Status.Phase).To(Equal(tc.phase), "the case's revocation is in the wrong phase")
	g.Expect(readyReason(rev)).To(Equal(tc.reason), "the case's revocation has the wrong Ready reason")
	return rev
}

func TestKstatusReadsEveryStateOfARevocation(t *testing.T) {
	for _, tc := range healthCases() {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			rev := tc.built(g)

			result, err := status.Compute(asUnstructured(g, rev))

			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(result.Status).To(Equal(tc.kstatus), result.Message)
			switch tc.kstatus {
			case status.CurrentStatus:
				// Read from Ready=True, not kstatus's fallback for objects it cannot read.
				g.Expect(result.Message).To(Equal("Resource is Ready"))
			case status.FailedStatus:
				stalled := meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.StalledCondition)
				g.Expect(result.Message).To(Equal(stalled.Message))
				g.Expect(result.Conditions).To(ContainElement(And(
					HaveField("Type", status.ConditionStalled), HaveField("Reason", tc.reason))))
			default:
				g.Expect(result.Message).To(Equal(readyMessage(rev)))
			}
		})
	}
}

func TestArgoCDHealthCheckReadsEveryStateOfARevocation(t *testing.T) {
	for _, tc := range healthCases() {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			rev := tc.built(g)

			health, message := argoHealth(g, asUnstructured(g, rev))

			g.Expect(health).To(Equal(tc.argo))
			want := readyMessage(rev)
			if tc.argo == "Degraded" {
				want = meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.StalledCondition).Message
			}
			g.Expect(message).To(Equal(want))
		})
	}
}

func TestHealthIsInProgressUntilTheOperatorObservesTheLatestGeneration(t *testing.T) {
	for _, tc := range healthCases() {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			rev := tc.built(g)
			rev.Generation = 2 // status.observedGeneration stays 1
			u := asUnstructured(g, rev)

			result, err := status.Compute(u)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(result.Status).To(Equal(status.InProgressStatus))
			g.Expect(result.Message).To(Equal("TokenRevocation generation is 2, but latest observed generation is 1"))

			health, message := argoHealth(g, u)
			g.Expect(health).To(Equal("Progressing"))
			g.Expect(message).To(Equal("Waiting for the operator to observe generation 2 (status is from generation 1)"))
		})
	}
}

func TestArgoCDHealthCheckShowsARevocationWithoutStatusAsProgressing(t *testing.T) {
	g := NewWithT(t)
	fresh := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Name: "revoke", Namespace: "apps", Generation: 1}}

	health, message := argoHealth(g, asUnstructured(g, fresh))

	g.Expect(health).To(Equal("Progressing"))
	g.Expect(message).To(Equal("Waiting for the operator to act on the revocation"))
}

// Between its creation and the operator's first status write, a TokenRevocation has only the
// status the CRD defaults: observedGeneration -1 (api/v1alpha1's TestANewRevocationReadsAsNotYetObserved
// shows the API server sets it). Without it kstatus would fall back to Current, and a Flux health
// check looking in that window would pass before anything was revoked.
func TestKstatusReadsARevocationNobodyActedOnAsInProgress(t *testing.T) {
	g := NewWithT(t)
	fresh := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Name: "revoke", Namespace: "apps", Generation: 1},
		Status: securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{ObservedGeneration: -1}}}

	result, err := status.Compute(asUnstructured(g, fresh))

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(result.Status).To(Equal(status.InProgressStatus))
}

func TestArgoCDHealthCheckIsInstalledUnderTheKeyArgoCDLooksUp(t *testing.T) {
	g := NewWithT(t)
	content, err := os.ReadFile(filepath.Join("..", "config", "argocd", "kustomization.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	var component struct {
		Kind               string `json:"kind"`
		ConfigMapGenerator []struct {
			Name     string   `json:"name"`
			Behavior string   `json:"behavior"`
			Files    []string `json:"files"`
		} `json:"configMapGenerator"`
	}
	g.Expect(yaml.Unmarshal(content, &component)).To(Succeed())

	// Argo CD's key for a custom health check is resource.customizations.health.<group>_<kind>.
	files := make([]string, 0, 2)
	for _, kind := range []string{"TokenRevocation", "ApiKeyRevocation"} {
		key := fmt.Sprintf("resource.customizations.health.%s_%s", securityv1alpha1.GroupVersion.Group, kind)
		files = append(files, key+"="+filepath.Base(argoHealthScript))
	}
	g.Expect(component.Kind).To(Equal("Component"))
	g.Expect(component.ConfigMapGenerator).To(ConsistOf(And(
		HaveField("Name", "argocd-cm"),
		HaveField("Behavior", "merge"),
		HaveField("Files", ConsistOf(files)))))
}

// An ApiKeyRevocation's status is made by the same machinery: kstatus and the Argo CD health
// check read each of its states as they read a TokenRevocation's.
func TestGitOpsToolsReadAnApiKeyRevocationLikeATokenRevocation(t *testing.T) {
	apiKeyAnswered := func(result elasticsearch.APIKeyResult, callErr error) *securityv1alpha1.ApiKeyRevocation {
		rev := &securityv1alpha1.ApiKeyRevocation{ObjectMeta: metav1.ObjectMeta{Name: "keys", Namespace: "apps", Generation: 1}}
		markInvalidating(rev, testNow)
		applyAnswer(apiKeyKind{}, rev, apiKeyAnswer(result), callErr, testPolicy, testNow, earlierAnswered)
		return rev
	}
	tests := map[string]struct {
		rev     *securityv1alpha1.ApiKeyRevocation
		kstatus status.Status
		argo    string
	}{
		"revoked":  {apiKeyAnswered(elasticsearch.APIKeyResult{InvalidatedIDs: []string{"k1"}}, nil), status.CurrentStatus, "Healthy"},
		"retrying": {apiKeyAnswered(elasticsearch.APIKeyResult{}, esError(elasticsearch.KindForbidden)), status.InProgressStatus, "Progressing"},
		"failed": {apiKeyAnswered(elasticsearch.APIKeyResult{}, esError(elasticsearch.KindAPIKeyServiceDisabled)),
			status.FailedStatus, "Degraded"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			tc.rev.SetGroupVersionKind(securityv1alpha1.GroupVersion.WithKind("ApiKeyRevocation"))
			content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(tc.rev)
			g.Expect(err).NotTo(HaveOccurred())
			u := &unstructured.Unstructured{Object: content}

			result, err := status.Compute(u)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(result.Status).To(Equal(tc.kstatus))
			health, message := argoHealth(g, u)
			g.Expect(health).To(Equal(tc.argo))
			g.Expect(message).NotTo(BeEmpty())
		})
	}
}

// asUnstructured converts a revocation as a client reads it from the API server.
func asUnstructured(g Gomega, rev *securityv1alpha1.TokenRevocation) *unstructured.Unstructured {
	rev = rev.DeepCopy()
	rev.SetGroupVersionKind(securityv1alpha1.GroupVersion.WithKind("TokenRevocation"))
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(rev)
	g.Expect(err).NotTo(HaveOccurred())
	u := &unstructured.Unstructured{Object: content}
	g.Expect(u.GetGeneration()).To(Equal(rev.Generation))
	return u
}

// argoHealth runs the Argo CD health check on an object as Argo CD does (util/lua in argo-cd): the
// base, package and table libraries only, the object in the global obj, a table returned.
func argoHealth(g Gomega, u *unstructured.Unstructured) (health, message string) {
	script, err := os.ReadFile(argoHealthScript)
	g.Expect(err).NotTo(HaveOccurred())

	state := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer state.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}} {
		g.Expect(state.CallByParam(lua.P{Fn: state.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name))).To(Succeed())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	state.SetContext(ctx)
	obj, err := toLua(state, u.Object)
	g.Expect(err).NotTo(HaveOccurred())
	state.SetGlobal("obj", obj)

	g.Expect(state.DoString(string(script))).To(Succeed())

	hs, ok := state.Get(-1).(*lua.LTable)
	g.Expect(ok).To(BeTrue(), "the script must return a table, got %s", state.Get(-1).Type())
	healthValue, ok := hs.RawGetString("status").(lua.LString)
	g.Expect(ok).To(BeTrue(), "hs.status must be a string")
	g.Expect(string(healthValue)).To(BeElementOf("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"))
	messageValue, ok := hs.RawGetString("message").(lua.LString)
	g.Expect(ok).To(BeTrue(), "hs.message must be a string")
	return string(healthValue), string(messageValue)
}

// toLua converts an unstructured value into the Lua value Argo CD gives its scripts: objects and
// lists become tables (lists indexed from 1), numbers become Lua numbers.
func toLua(state *lua.LState, value interface{}) (lua.LValue, error) {
	switch v := value.(type) {
	case nil:
		return lua.LNil, nil
	case string:
		return lua.LString(v), nil
	case bool:
		return lua.LBool(v), nil
	case int64:
		return lua.LNumber(v), nil
	case float64:
		return lua.LNumber(v), nil
	case []interface{}:
		list := state.CreateTable(len(v), 0)
		for _, item := range v {
			converted, err := toLua(state, item)
			if err != nil {
				return nil, err
			}
			list.Append(converted)
		}
		return list, nil
	case map[string]interface{}:
		table := state.CreateTable(0, len(v))
		for key, item := range v {
			converted, err := toLua(state, item)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			table.RawSetString(key, converted)
		}
		return table, nil
	default:
		return nil, fmt.Errorf("no Lua value for %T", value)
	}
}
