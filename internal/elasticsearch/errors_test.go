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

package elasticsearch_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	. "github.com/onsi/gomega"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

func TestKindOfFindsTheKindOfAnyError(t *testing.T) {
	t.Parallel()
	forbidden := &es.Error{Kind: es.KindForbidden, StatusCode: 403}
	tests := map[string]struct {
		err  error
		want es.Kind
	}{
		"no error has no kind":                     {nil, ""},
		"an Error has its own kind":                {forbidden, es.KindForbidden},
		"a wrapped Error keeps its kind":           {fmt.Errorf("reconciling: %w", forbidden), es.KindForbidden},
		"an unknown error is treated as transient": {errors.New("boom"), es.KindUnavailable},
		"a context error is treated as transient":  {context.Canceled, es.KindUnavailable},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			NewWithT(t).Expect(es.KindOf(tt.err)).To(Equal(tt.want))
		})
	}
}

func TestIsRetryableOnlyForWhatTimeOrSomeoneCanFix(t *testing.T) {
	t.Parallel()
	tests := map[es.Kind]bool{
		es.KindUnauthorized:         true,
		es.KindForbidden:            true,
		es.KindUnavailable:          true,
		es.KindTokenNotFound:        false,
		es.KindInvalidRequest:       false,
		es.KindTokenServiceDisabled: false,
		es.KindInvalidTarget:        false,
		"":                          false,
	}
	for kind, want := range tests {
		t.Run(fmt.Sprintf("%q is retryable: %t", kind, want), func(t *testing.T) {
			NewWithT(t).Expect(es.IsRetryable(kind)).To(Equal(want))
		})
	}
}

func TestAnErrorBuiltFromFieldsDescribesItself(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	err := &es.Error{Kind: es.KindForbidden, StatusCode: 403, Type: "security_exception", Reason: "no manage_token"}

	g.Expect(err.Error()).To(Equal("Forbidden: Elasticsearch answered 403 (security_exception): no manage_token"))
	g.Expect(fmt.Sprintf("%#v", err)).To(Equal(
		`&elasticsearch.Error{Kind:"Forbidden", StatusCode:403, Type:"security_exception", Reason:"no manage_token"}`))
	g.Expect((&es.Error{Kind: es.KindUnavailable}).Error()).To(Equal("ElasticsearchUnavailable"))
}

func TestAZeroClientsIsUsable(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	c := newCluster(t, "http")
	var clients es.Clients

	res, err := clients.Invalidate(context.Background(), c.target(basicAuth), es.InvalidateRequest{Token: c.mint(g).AccessToken})

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.InvalidatedTokens).To(Equal(int64(1)))
}
