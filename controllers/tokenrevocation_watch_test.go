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
	"errors"
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/targets"
)

// In the namespace-scoped mode a reference to an ECK Elasticsearch outside the watched namespaces
// is refused before anything is read there, even with --allow-cross-namespace-refs.
func TestAnECKReferenceOutsideTheWatchedNamespacesIsRefusedUnread(t *testing.T) {
	g := NewWithT(t)
	var reads []client.ObjectKey
	recording := fake.NewClientBuilder().WithInterceptorFuncs(interceptor.Funcs{
		Get: func(_ context.Context, _ client.WithWatch, key client.ObjectKey, _ client.Object, _ ...client.GetOption) error {
			reads = append(reads, key)
			return errors.New("no read was expected")
		},
	}).Build()
	r := &targets.Resolver{Reader: recording, AllowCrossNamespaceRefs: true, WatchNamespaces: []string{"team-a", "team-b"}}
	rev := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "team-a"},
		Spec: securityv1alpha1.TokenRevocationSpec{Username: str("u"), ElasticsearchRef: eckRef(str("elsewhere"))}}

	_, err := resolveTarget(r, context.Background(), rev)

	var problem *targets.Problem
	g.Expect(errors.As(err, &problem)).To(BeTrue())
	g.Expect(problem.Reason).To(Equal(securityv1alpha1.ReasonCrossNamespaceRefForbidden))
	g.Expect(problem.Message).To(ContainSubstring(`namespace "elsewhere", which the operator does not watch`))
	g.Expect(reads).To(BeEmpty())

	// A watched namespace is read as before.
	rev.Spec.ElasticsearchRef = eckRef(str("team-b"))
	_, err = resolveTarget(r, context.Background(), rev)
	g.Expect(err).To(HaveOccurred())
	g.Expect(reads).To(ConsistOf(client.ObjectKey{Namespace: "team-b", Name: "quickstart"}))
}
