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
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"strings"
	"time"

	es8 "github.com/elastic/go-elasticsearch/v8"
)

// Connection tuning: revocations come in bursts during an incident, so keep many idle connections per
// cluster, and fail fast on a cluster that does not accept or finish a handshake.
const (
	maxIdleConnsPerHost = 64
	maxIdleConns        = 256
	idleConnTimeout     = 90 * time.Second
	dialTimeout         = 10 * time.Second
	tlsHandshakeTimeout = 10 * time.Second
)

// newClient builds a low-level client for a validated target.
func newClient(t Target) (*es8.Client, *http.Transport, error) {
	transport := newHTTPTransport(t.CACert)
	client, err := es8.NewClient(es8.Config{
		Addresses: []string{t.URL},
		APIKey:    t.APIKey,
		Username:  t.Username,
		Password:  t.Password,
		// The controller owns retries (with backoff, visible in status). The client's own would repeat
		// 502/503/504 and transport errors 3 more times at once.
		DisableRetry: true,
		// Compatibility mode stays off (no EnableCompatibilityMode), and the guard removes its header even
		// when ELASTIC_CLIENT_APIVERSIONING=true is set. The header pins a major version: a v9 client sends
		// compatible-with=9, which 8.x servers reject (400 media_type_header_exception), so upgrading this
		// client would silently break every 8.x cluster. Plain application/json works on 8.x and 9.x alike.
		Transport: compatibilityHeaderGuard{next: transport},
		// CACert is applied to our transport below rather than through Config.CACert: the client would
		// clone the transport for it, and the cache could no longer close a dropped client's connections.
	})
	if err != nil {
		return nil, nil, newError(KindInvalidTarget, 0, "invalid Elasticsearch target: the client could not be built")
	}
	return client, transport, nil
}

// newHTTPTransport is tuned for bursts of small requests to few clusters, and verifies TLS against
// caCert alone when it is set (the system roots otherwise), exactly as Config.CACert would.
func newHTTPTransport(caCert []byte) *http.Transport {
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(caCert) > 0 {
		tlsConfig.RootCAs = x509.NewCertPool()
		tlsConfig.RootCAs.AppendCertsFromPEM(caCert)
	}
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     tlsConfig,
		TLSHandshakeTimeout: tlsHandshakeTimeout,
		MaxIdleConns:        maxIdleConns,
		MaxIdleConnsPerHost: maxIdleConnsPerHost,
		IdleConnTimeout:     idleConnTimeout,
	}
}

// compatibilityHeaderGuard makes sure no request carries a compatible-with media type (see newClient).
type compatibilityHeaderGuard struct {
	next http.RoundTripper
}

// RoundTrip replaces compatibility media types with plain JSON and passes the request on.
func (g compatibilityHeaderGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	accept, contentType := req.Header.Get("Accept"), req.Header.Get("Content-Type")
	if !strings.Contains(accept, "compatible-with") && !strings.Contains(contentType, "compatible-with") {
		return g.next.RoundTrip(req)
	}
	// A RoundTripper must not modify its request; the clone shares the body.
	req = req.Clone(req.Context())
	if strings.Contains(accept, "compatible-with") {
		req.Header.Del("Accept")
	}
	if strings.Contains(contentType, "compatible-with") {
		req.Header.Set("Content-Type", "application/json")
	}
	return g.next.RoundTrip(req)
}
