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

package installation

import (
	"bytes"
	"context"
	"sync"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

func keyOf(t *testing.T, b byte) *Key {
	t.Helper()
	key, err := NewKey(bytes.Repeat([]byte{b}, KeySize))
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	return key
}

func TestFingerprintsAreStableWithinAnInstallationAndUnrelatedAcrossThem(t *testing.T) {
	g := NewWithT(t)
	one, other := keyOf(t, 1), keyOf(t, 2)
	g.Expect(one.Fingerprint("hunter2")).To(Equal(one.Fingerprint("hunter2")))
	g.Expect(one.Fingerprint("hunter2")).To(MatchRegexp(`^hmac-sha256:[0-9a-f]{16}$`))
	g.Expect(one.Fingerprint("hunter2")).NotTo(Equal(other.Fingerprint("hunter2")), "another installation's key gives another fingerprint")
	g.Expect(one.Fingerprint("hunter2")).NotTo(Equal(one.Fingerprint("hunter3")))
	g.Expect(one.Fingerprint("")).To(BeEmpty())
	// The unkeyed SHA-256 prefix the operator used to publish, which a dictionary reverses.
	g.Expect(one.Fingerprint("hunter2")).NotTo(ContainSubstring("f52fbd32b2b3b86f"))
}

func TestASignatureHoldsOnlyForWhatWasSigned(t *testing.T) {
	g := NewWithT(t)
	key := keyOf(t, 1)
	signature := key.Sign("security", "alice", []byte(`{"tokenSecretRef":{"name":"s","key":"k"}}`))
	g.Expect(key.Verify("security", "alice", []byte(`{"tokenSecretRef":{"name":"s","key":"k"}}`), signature)).To(Succeed())
	g.Expect(key.Verify("other", "alice", []byte(`{"tokenSecretRef":{"name":"s","key":"k"}}`), signature)).To(MatchError(ErrBadSignature))
	g.Expect(key.Verify("security", "bob", []byte(`{"tokenSecretRef":{"name":"s","key":"k"}}`), signature)).To(MatchError(ErrBadSignature))
	g.Expect(key.Verify("security", "alice", []byte(`{"tokenSecretRef":{"name":"t","key":"k"}}`), signature)).To(MatchError(ErrBadSignature))
	g.Expect(key.Verify("security", "alice", []byte(`{"tokenSecretRef":{"name":"s","key":"k"}}`), "")).To(MatchError(ErrBadSignature))
	g.Expect(keyOf(t, 2).Verify("security", "alice", []byte(`{"tokenSecretRef":{"name":"s","key":"k"}}`), signature)).
		To(MatchError(ErrBadSignature), "another installation's signature")
	// Length prefixes keep the parts apart: moving a character from one to the next changes the signature.
	g.Expect(key.Sign("ab", "c", nil)).NotTo(Equal(key.Sign("a", "bc", nil)))
}

func TestFingerprintsAndSignaturesUseDifferentKeys(t *testing.T) {
	g := NewWithT(t)
	key := keyOf(t, 1)
	g.Expect(key.fingerprint).NotTo(Equal(key.signature))
	_, err := NewKey([]byte("short"))
	g.Expect(err).To(MatchError(ContainSubstring("32 bytes")))
}

func TestLoadCreatesTheKeyOnceAndEveryReplicaReadsTheSame(t *testing.T) {
	g := NewWithT(t)
	c := fake.NewClientBuilder().Build()
	ref := types.NamespacedName{Namespace: "operator", Name: "key"}
	keys := make([]*Key, 4)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			key, err := Load(context.Background(), c, ref)
			g.Expect(err).NotTo(HaveOccurred())
			keys[i] = key
		})
	}
	wg.Wait()
	for _, key := range keys[1:] {
		g.Expect(key.Fingerprint("token")).To(Equal(keys[0].Fingerprint("token")))
	}
	var secret corev1.Secret
	g.Expect(c.Get(context.Background(), ref, &secret)).To(Succeed())
	g.Expect(secret.Data[SecretKey]).To(HaveLen(KeySize))
	g.Expect(*secret.Immutable).To(BeTrue())
}

func TestAnUnusableKeySecretIsRefusedWithAWayOut(t *testing.T) {
	g := NewWithT(t)
	bad := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "operator", Name: "key"}, Data: map[string][]byte{SecretKey: []byte("x")}}
	c := fake.NewClientBuilder().WithObjects(bad).Build()
	_, err := Load(context.Background(), c, types.NamespacedName{Namespace: "operator", Name: "key"})
	g.Expect(err).To(MatchError(ContainSubstring("delete it to have a new one made")))
}
