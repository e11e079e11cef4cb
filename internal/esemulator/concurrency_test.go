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

package esemulator_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// call makes one request without touching testing.T, so goroutines may use it.
func call(client *http.Client, url, method, auth, body string) (int, string, error) {
	req, err := http.NewRequest(method, url+tokenPath, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

// mintAndRevoke adds a user, then mints and invalidates its tokens n times
// and finally invalidates by username; it returns the answers that differ
// from Elasticsearch's.
func mintAndRevoke(em *esemulator.Emulator, srv *httptest.Server, worker, n int) []string {
	user := fmt.Sprintf("user-%d", worker)
	em.AddUser(user, "pw", "realm-"+user)
	auth := basic(user, "pw")
	var problems []string
	for range n {
		status, body, err := call(srv.Client(), srv.URL, http.MethodPost, auth,
			`{"grant_type":"password","username":"`+user+`","password":"pw"}`)
		var tok tokenResponse
		if err != nil || status != http.StatusOK || json.Unmarshal([]byte(body), &tok) != nil {
			problems = append(problems, fmt.Sprintf("%s mint: %d %s %v", user, status, body, err))
			continue
		}
		status, body, err = call(srv.Client(), srv.URL, http.MethodDelete, auth, `{"token":"`+tok.AccessToken+`"}`)
		if err != nil || status != http.StatusOK || body != counts(1, 0) {
			problems = append(problems, fmt.Sprintf("%s invalidate: %d %s %v", user, status, body, err))
		}
		em.TokenState(tok.RefreshToken)
	}
	_, body, err := call(srv.Client(), srv.URL, http.MethodDelete, auth, `{"username":"`+user+`"}`)
	if want := counts(n, n); err != nil || body != want {
		problems = append(problems, fmt.Sprintf("%s by user: %s, want %s (%v)", user, body, want, err))
	}
	return problems
}

func TestConcurrentMintingAndInvalidationKeepsExactCounts(t *testing.T) {
	g := NewWithT(t)
	em := esemulator.New()
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	const workers, perWorker = 16, 25
	results := make([][]string, workers)
	var wg sync.WaitGroup

	for w := range workers {
		wg.Go(func() { results[w] = mintAndRevoke(em, srv, w, perWorker) })
	}
	wg.Go(func() {
		for range 100 {
			em.SetLatency(0)
			_ = em.Requests() + em.InvalidateCalls()
		}
	})
	wg.Wait()

	for _, problems := range results {
		g.Expect(problems).To(BeEmpty())
	}
	g.Expect(em.Requests()).To(Equal(int64(workers * (2*perWorker + 1))))
	g.Expect(em.InvalidateCalls()).To(Equal(int64(workers * (perWorker + 1))))
}
