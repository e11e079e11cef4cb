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

// Package installation holds the operator's per-installation secret key and what it is used for:
// keyed fingerprints of tokens, which stay stable within one installation (so responders can match
// a revocation against logs) but cannot be reversed by a dictionary, and the admission signature
// that proves a revocation's requester was checked by the operator's own webhook.
//
// The key lives in a Secret of the operator's namespace, created by the first manager that starts
// and read by every replica, so that all replicas fingerprint and verify alike.
package installation

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// KeySize is the size of the installation key in bytes.
const KeySize = 32

// FingerprintPrefix starts every fingerprint, naming how it was computed.
const FingerprintPrefix = "hmac-sha256:"

// Key is an installation key. Its parts for fingerprints and for signatures are derived separately,
// so that a fingerprint can never be turned into a signature or the other way round.
type Key struct {
	fingerprint []byte
	signature   []byte
}

// NewKey derives a Key from KeySize bytes of secret material.
func NewKey(material []byte) (*Key, error) {
	if len(material) != KeySize {
		return nil, fmt.Errorf("an installation key is %d bytes, got %d", KeySize, len(material))
	}
	return &Key{
		fingerprint: derive(material, "esrevoke fingerprint v1"),
		signature:   derive(material, "esrevoke admission signature v1"),
	}, nil
}

// RandomKey returns a Key from fresh random material, with that material for storing.
func RandomKey() (*Key, []byte, error) {
	material := make([]byte, KeySize)
	if _, err := rand.Read(material); err != nil {
		return nil, nil, fmt.Errorf("generating an installation key: %w", err)
	}
	key, err := NewKey(material)
	return key, material, err
}

func derive(material []byte, purpose string) []byte {
	mac := hmac.New(sha256.New, material)
	mac.Write([]byte(purpose))
	return mac.Sum(nil)
}

// Fingerprint names a secret without revealing it: "hmac-sha256:" and the first 16 hex digits of
// its HMAC-SHA256 under the installation key, or "" for an empty secret. Without the key, a
// fingerprint tells nothing about the secret, even one from a small dictionary.
func (k *Key) Fingerprint(secret string) string {
	if secret == "" {
		return ""
	}
	mac := hmac.New(sha256.New, k.fingerprint)
	mac.Write([]byte(secret))
	return FingerprintPrefix + hex.EncodeToString(mac.Sum(nil)[:8])
}

// Sign returns the admission signature of a revocation: an HMAC over its namespace, its requester
// and its spec (as canonical bytes, for example the spec's JSON). Each part is length-prefixed, so
// no two different inputs share a signature.
func (k *Key) Sign(namespace, requester string, spec []byte) string {
	mac := hmac.New(sha256.New, k.signature)
	for _, part := range [][]byte{[]byte(namespace), []byte(requester), spec} {
		_, _ = fmt.Fprintf(mac, "%d:", len(part))
		mac.Write(part)
	}
	return base64.RawStdEncoding.EncodeToString(mac.Sum(nil))
}

// ErrBadSignature is returned by Verify for a signature that this installation did not give.
var ErrBadSignature = errors.New("the admission signature does not match: this installation's webhook did not admit " +
	"this revocation as it stands (it was created without the webhook, by another installation, or changed since)")

// Verify checks a signature made by Sign, in constant time.
func (k *Key) Verify(namespace, requester string, spec []byte, signature string) error {
	want := k.Sign(namespace, requester, spec)
	if signature == "" || !hmac.Equal([]byte(want), []byte(signature)) {
		return ErrBadSignature
	}
	return nil
}
