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
	"context"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	es8 "github.com/elastic/go-elasticsearch/v8"
	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

func basicTarget(url, password string) Target {
	return Target{URL: url, Username: "elastic", Password: password}
}

func TestClientsReuseOneClientPerTarget(t *testing.T) {
	t.Parallel()
	const url = "https://es.example:9200"
	tests := []struct {
		name      string
		first     Target
		second    Target
		wantSame  bool
		wantCount int
	}{
		{"the same target gets the same client", basicTarget(url, "p1"), basicTarget(url, "p1"), true, 1},
		{"a target differing only in timeout shares the client",
			basicTarget(url, "p1"), Target{URL: url, Username: "elastic", Password: "p1", Timeout: time.Second}, true, 1},
		{"a trailing slash does not make another client", basicTarget(url, "p1"), basicTarget(url+"/", "p1"), true, 1},
		{"a changed password gets a new client and drops the old one", basicTarget(url, "p1"), basicTarget(url, "p2"), false, 1},
		{"a changed CA gets a new client and drops the old one",
			basicTarget(url, "p1"), Target{URL: url, Username: "elastic", Password: "p1", CACert: []byte("ca")}, false, 1},
		{"switching to an API key gets a new client and drops the old one",
			basicTarget(url, "p1"), Target{URL: url, APIKey: base64.StdEncoding.EncodeToString([]byte("id:key"))}, false, 1},
		{"another URL gets its own client", basicTarget(url, "p1"), basicTarget("https://other.example:9200", "p1"), false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			c := NewClients()

			first, err := clientOf(c, tt.first)
			g.Expect(err).NotTo(HaveOccurred())
			second, err := clientOf(c, tt.second)
			g.Expect(err).NotTo(HaveOccurred())

			if tt.wantSame {
				g.Expect(first).To(BeIdenticalTo(second))
			} else {
				g.Expect(first).NotTo(BeIdenticalTo(second))
			}
			g.Expect(c.len()).To(Equal(tt.wantCount))
			again, err := clientOf(c, tt.first)
			g.Expect(err).NotTo(HaveOccurred())
			if tt.wantSame || tt.wantCount == 2 {
				g.Expect(again).To(BeIdenticalTo(first), "the first target's client survives unless the second replaced it")
			} else {
				g.Expect(again).NotTo(BeIdenticalTo(first), "the first target's client survives unless the second replaced it")
			}
		})
	}
}

func TestClientsDropTheLeastRecentlyUsedClientBeyondTheirMaximum(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	c := NewClients(WithMaxClients(2))
	a, b, d := basicTarget("https://a.example", "p"), basicTarget("https://b.example", "p"), basicTarget("https://d.example", "p")
	clientA, _ := clientOf(c, a)
	clientB, _ := clientOf(c, b)
	_, _ = clientOf(c, a) // a is now more recent than b

	_, _ = clientOf(c, d)

	g.Expect(c.len()).To(Equal(2))
	againA, _ := clientOf(c, a)
	g.Expect(againA).To(BeIdenticalTo(clientA), "a was kept")
	againB, _ := clientOf(c, b)
	g.Expect(againB).NotTo(BeIdenticalTo(clientB), "b was dropped and rebuilt")
	g.Expect(c.len()).To(Equal(2))
}

func TestTargetKeyCannotBeConfusedByMovingBytesBetweenFields(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	one := Target{URL: "https://es", Username: "a", Password: "b:c"}
	two := Target{URL: "https://es", Username: "a:b", Password: "c"}

	g.Expect(targetKey(one.URL, one)).NotTo(Equal(targetKey(two.URL, two)))
	g.Expect(targetKey(one.URL, one)).To(Equal(targetKey(one.URL, one)))
}

func TestClientsAreSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	em := esemulator.New()
	em.AddUser("alice", "alice-password", "")
	em.AddUser("bob", "bob-password", "")
	srvA, srvB := httptest.NewServer(em), httptest.NewServer(em)
	defer srvA.Close()
	defer srvB.Close()
	// Two URLs, two credentials each: the clients churn as well as being shared.
	targets := []Target{
		basicTarget(srvA.URL, ""), basicTarget(srvA.URL, ""), basicTarget(srvB.URL, ""), basicTarget(srvB.URL, ""),
	}
	for i := range targets {
		targets[i].Username, targets[i].Password = []string{"alice", "bob"}[i%2], []string{"alice-password", "bob-password"}[i%2]
	}
	const workers, calls = 16, 25
	var tokens [workers][calls]string
	for w := range workers {
		for i := range calls {
			tok, err := em.MintClientCredentialsToken("alice")
			g.Expect(err).NotTo(HaveOccurred())
			tokens[w][i] = tok
		}
	}
	c := NewClients(WithMaxClients(3))
	errs := make(chan error, workers*calls)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range calls {
				res, err := c.Invalidate(context.Background(), targets[(w+i)%len(targets)], InvalidateRequest{Token: tokens[w][i]})
				if err == nil && res.InvalidatedTokens != 1 {
					err = fmt.Errorf("worker %d call %d invalidated %d tokens", w, i, res.InvalidatedTokens)
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)

	for err := range errs {
		g.Expect(err).NotTo(HaveOccurred())
	}
	g.Expect(em.InvalidateCalls()).To(Equal(int64(workers * calls)))
	g.Expect(c.len()).To(BeNumerically("<=", 2), "one client per URL")
}

func TestHTTPTransportKeepsConnectionsForBurstsAndFailsFast(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)

	tr := newHTTPTransport(nil)

	g.Expect(tr.MaxIdleConnsPerHost).To(BeNumerically(">=", 64))
	g.Expect(tr.MaxIdleConns).To(BeNumerically(">=", tr.MaxIdleConnsPerHost))
	g.Expect(tr.IdleConnTimeout).To(BeNumerically(">", 0))
	g.Expect(tr.TLSHandshakeTimeout).To(BeNumerically(">", 0))
	g.Expect(tr.DialContext).NotTo(BeNil())
	g.Expect(tr.TLSClientConfig.InsecureSkipVerify).To(BeFalse())
	g.Expect(tr.TLSClientConfig.RootCAs).To(BeNil(), "without caCert the system roots are used")
}

// clientOf is the client Clients keeps for t, without its state.
func clientOf(c *Clients, t Target) (*es8.Client, error) {
	client, _, err := c.client(t)
	return client, err
}
