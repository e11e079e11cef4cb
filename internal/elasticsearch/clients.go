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
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"net/http"
	"strings"
	"sync"

	es8 "github.com/elastic/go-elasticsearch/v8"
)

// DefaultMaxClients is how many clients a Clients keeps unless WithMaxClients says otherwise.
const DefaultMaxClients = 64

// Invalidator invalidates tokens on a target; the controller codes against it and tests can fake it.
type Invalidator interface {
	// Invalidate makes one invalidate token call and classifies the outcome.
	Invalidate(ctx context.Context, target Target, req InvalidateRequest) (Result, error)
}

var _ Invalidator = (*Clients)(nil)

// Clients builds go-elasticsearch clients from targets and reuses them, so bursts share pooled
// connections. It keeps one client per URL, identified by a SHA-256 of the URL, credentials and CA (the
// secrets are never a key); when a URL's credentials or CA change, the old client is dropped. It holds at
// most its maximum number of clients, dropping the least recently used first. Create it with NewClients
// (the zero value keeps DefaultMaxClients); it is safe for concurrent use. With each client it keeps what
// is known of the target's version (configured, or learned from answers), so a known target costs one
// call per revocation.
type Clients struct {
	mu    sync.Mutex
	max   int
	lru   *list.List               // of *cachedClient, most recently used first
	byURL map[string]*list.Element // normalized URL → its one client
}

type cachedClient struct {
	url       string
	key       [sha256.Size]byte
	es        *es8.Client
	transport *http.Transport
	state     *targetState
}

// ClientsOption configures NewClients.
type ClientsOption func(*Clients)

// WithMaxClients bounds how many clients are kept (n < 1 means DefaultMaxClients).
func WithMaxClients(n int) ClientsOption {
	return func(c *Clients) { c.max = n }
}

// NewClients returns an empty client cache.
func NewClients(opts ...ClientsOption) *Clients {
	c := &Clients{}
	for _, opt := range opts {
		opt(c)
	}
	c.init()
	return c
}

// init makes the cache usable; it is idempotent, so a zero Clients works too. Callers hold mu or own c.
func (c *Clients) init() {
	if c.byURL != nil {
		return
	}
	if c.max < 1 {
		c.max = DefaultMaxClients
	}
	c.lru, c.byURL = list.New(), map[string]*list.Element{}
}

// client returns the cached client for a validated target, building it on first use. Its state keeps
// what is known of the target's version; a new Target.Version starts it afresh.
func (c *Clients) client(t Target) (*es8.Client, *targetState, error) {
	url := strings.TrimRight(t.URL, "/")
	key := targetKey(url, t)

	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	state := newTargetState(t.Version)
	if el, ok := c.byURL[url]; ok {
		cached := el.Value.(*cachedClient)
		if cached.key == key {
			c.lru.MoveToFront(el)
			if cached.state.configured != t.Version {
				cached.state = newTargetState(t.Version)
			}
			return cached.es, cached.state, nil
		}
		// Credentials or CA changed: the old ones are likely revoked or rotated, so drop that client. The
		// cluster behind the URL is the same, so what is known of its version stays.
		if cached.state.configured == t.Version {
			state = cached.state
		}
		c.drop(el)
	}
	es, transport, err := newClient(t)
	if err != nil {
		return nil, nil, err
	}
	cached := &cachedClient{url: url, key: key, es: es, transport: transport, state: state}
	c.byURL[url] = c.lru.PushFront(cached)
	for c.lru.Len() > c.max {
		c.drop(c.lru.Back())
	}
	return es, cached.state, nil
}

// drop forgets a client and closes its idle connections; requests in flight on it finish normally.
func (c *Clients) drop(el *list.Element) {
	cached := c.lru.Remove(el).(*cachedClient)
	delete(c.byURL, cached.url)
	cached.transport.CloseIdleConnections()
}

// len is how many clients are cached.
func (c *Clients) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	return c.lru.Len()
}

// targetKey identifies a client: a SHA-256 over the length-prefixed URL, credentials and CA.
func targetKey(url string, t Target) [sha256.Size]byte {
	h := sha256.New()
	for _, field := range []string{url, t.APIKey, t.Username, t.Password, string(t.CACert)} {
		writeField(h, field)
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key
}

func writeField(h hash.Hash, field string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(field)))
	h.Write(n[:])
	h.Write([]byte(field))
}
