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

package elasticsearch

import (
	"encoding/json"
	"fmt"
	"io"
)

// InvalidateRequest is the body of one invalidate token call. Elasticsearch accepts exactly one mode:
// Token, RefreshToken, or RealmName and/or Username; empty fields are not sent, and Elasticsearch itself
// judges the combination (its validation errors come back as KindInvalidRequest).
// It prints with the lengths of its tokens instead of the tokens.
type InvalidateRequest struct {
	// Token is an access token to invalidate.
	Token string
	// RefreshToken is a refresh token to invalidate.
	RefreshToken string
	// RealmName selects all active tokens of a realm.
	RealmName string
	// Username selects all active tokens of a user.
	Username string
}

// String describes the request with the token and refresh token shown by their length only: even
// an unkeyed hash of a short secret could be reversed with a dictionary.
func (r InvalidateRequest) String() string {
	return fmt.Sprintf("InvalidateRequest{Token: %s, RefreshToken: %s, RealmName: %q, Username: %q}",
		secretLength(r.Token), secretLength(r.RefreshToken), r.RealmName, r.Username)
}

// secretLength describes a secret by its length: "(none)" or "(36 characters)".
func secretLength(secret string) string {
	if secret == "" {
		return "(none)"
	}
	return fmt.Sprintf("(%d characters)", len(secret))
}

// GoString is String, so %#v shows no token either.
func (r InvalidateRequest) GoString() string { return "elasticsearch." + r.String() }

// GomegaString keeps gomega's failure output, which otherwise dumps fields by reflection, free of tokens.
func (r InvalidateRequest) GomegaString() string { return r.String() }

// Format prints String for every verb (GoString for %#v), so no fmt verb can reveal a token.
func (r InvalidateRequest) Format(f fmt.State, verb rune) { formatVia(f, verb, r.String, r.GoString) }

// formatVia is the Format of the request types: %#v prints goString(), every other verb str(), so no
// verb can reach the fields by reflection.
func formatVia(f fmt.State, verb rune, str, goString func() string) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, goString())
		return
	}
	_, _ = io.WriteString(f, str())
}

// wireRequest is the JSON body; omitempty sends only the fields that are set.
type wireRequest struct {
	Token        string `json:"token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	RealmName    string `json:"realm_name,omitempty"`
	Username     string `json:"username,omitempty"`
}

// body is the JSON sent to Elasticsearch. It holds secrets: it goes on the wire and nowhere else.
func (r InvalidateRequest) body() []byte {
	// Marshalling a struct of strings cannot fail.
	b, _ := json.Marshal(wireRequest(r)) //nolint:gosec // G117: the token and refresh token are marshalled to be sent to Elasticsearch
	return b
}
