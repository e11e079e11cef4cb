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
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	es8 "github.com/elastic/go-elasticsearch/v8"
)

// Invalidate makes one invalidate token call (the client's retries are off; the controller owns
// retrying) within target.Timeout, and classifies the outcome: a Result for a 200 (including partial
// failures, ErrorCount > 0), otherwise an *Error whose Kind tells what to do, beside a Result that
// carries only Version. A target whose version is not yet known may cost a second call, once: when the
// first path answers "no handler found" (see send). Every returned text has the request's token and
// refresh token and the target's password and API key replaced by Redacted (see redactor); texts taken
// from the answer are redacted whole, before they are bounded.
func (c *Clients) Invalidate(ctx context.Context, target Target, req InvalidateRequest) (Result, error) {
	red := newRedactor(target, req.Token, req.RefreshToken)
	res, err := c.invalidate(ctx, target, req, red)
	return red.result(res), red.error(err)
}

func (c *Clients) invalidate(ctx context.Context, target Target, req InvalidateRequest, red redactor) (Result, error) {
	client, state, err := c.validClient(target)
	if err != nil {
		return Result{Version: configuredText(target)}, err
	}
	p := state.plan()
	if err := unsupported(p.version, req.mode()); err != nil {
		return Result{Version: p.version.String()}, err
	}
	callCtx, cancel := context.WithTimeout(ctx, target.timeout())
	defer cancel()

	var a *answer
	for i, path := range p.paths {
		a, err = send(ctx, callCtx, client, target, string(path), req.body(), red)
		if err != nil {
			return Result{Version: state.current().String()}, err
		}
		a.version, a.sent = p.version, req.mode()
		state.learn(ctx, target, path, a, red)
		if !a.legacy.noHandler {
			break
		}
		if i == len(p.paths)-1 {
			return Result{Version: state.current().String()}, a.noHandlerError(p.paths)
		}
		// Elasticsearch answers "no handler found" from its router when no handler is registered for the
		// path, before any handler (authentication included) runs: nothing was invalidated, so sending the
		// same request to the other path cannot invalidate anything twice.
	}
	a.version = state.current()
	res, err := a.classify()
	res.Version = a.version.String()
	return res, err
}

// validClient validates target and returns its client and version state; both invalidate calls start here.
func (c *Clients) validClient(target Target) (*es8.Client, *targetState, error) {
	if err := target.Validate(); err != nil {
		return nil, nil, err
	}
	return c.client(target)
}

// configuredText is Target.Version when it is a valid version, else "".
func configuredText(t Target) string {
	if v, ok := parseVersion(t.Version); ok {
		return v.String()
	}
	return ""
}

// send makes one call to path and reads its answer. It goes through the official client's transport
// (addresses, authentication, TLS, headers) but not through Client.Perform, whose product check turns a
// 2xx without X-Elastic-Product into an error and drops the body: Elasticsearch before 7.14 sends no
// such header (see v7_14), so the check is made here, knowing the target's version.
//
// Both invalidate APIs are a DELETE with a JSON body; body holds secrets and goes on the wire only.
func send(ctx, callCtx context.Context, client *es8.Client, t Target, path string, body []byte,
	red redactor) (*answer, error) {
	httpReq, err := http.NewRequestWithContext(callCtx, http.MethodDelete, path, bytes.NewReader(body))
	if err != nil {
		return nil, newError(KindInvalidTarget, 0, "invalid Elasticsearch target: the request could not be built")
	}
	httpReq.Header.Set("Content-Type", "application/json")
	res, err := client.Transport.Perform(httpReq)
	if err != nil {
		return nil, callError(ctx, callCtx, t, err)
	}
	defer func() { _ = res.Body.Close() }()
	// One byte over the limit tells the parser the body was too large to be Elasticsearch's.
	answered, err := io.ReadAll(io.LimitReader(res.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, readError(ctx, callCtx, t, res.StatusCode, err)
	}
	// Redact the body's texts whole, before they are bounded; Invalidate redacts everything again at the end.
	a := newAnswer(res.StatusCode, res.Header, answered)
	a.esErr = red.cause(a.esErr)
	return a, nil
}

// callError classifies a call that brought no answer. Go's transport errors name hosts and causes, not
// request contents; Invalidate redacts them anyway.
func callError(ctx, callCtx context.Context, t Target, err error) error {
	e := newError(KindUnavailable, 0, noAnswer(ctx, callCtx, t, err))
	e.cause = err
	return e
}

// readError classifies an answer whose body could not be read to the end.
func readError(ctx, callCtx context.Context, t Target, status int, err error) error {
	e := newError(KindUnavailable, status, fmt.Sprintf("reading the %d answer: %s", status, noAnswer(ctx, callCtx, t, err)))
	e.cause = err
	return e
}

// noAnswer explains why no (complete) answer arrived.
func noAnswer(ctx, callCtx context.Context, t Target, err error) string {
	where := t.safeURL()
	switch {
	case ctx.Err() != nil:
		return fmt.Sprintf("the call to Elasticsearch at %s was abandoned: the caller's context ended (%v)", where, ctx.Err())
	case errors.Is(callCtx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("Elasticsearch at %s did not answer: timed out after %s", where, t.timeout())
	case isHostnameError(err):
		return fmt.Sprintf("TLS verification of %s failed: the server's certificate is not valid for host %s (%v); "+
			"use a URL with a host name the certificate names, or have it issued for this one", where, hostOf(t), err)
	case isCertificateError(err):
		return fmt.Sprintf("TLS verification of %s failed: %v; the server's certificate is not trusted "+
			"(caCert must hold the CA that signed it; without caCert the system roots are used)", where, err)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("the connection to %s closed before Elasticsearch answered (%v)", where, err)
	default:
		return fmt.Sprintf("could not reach Elasticsearch at %s: %v", where, err)
	}
}

func isHostnameError(err error) bool {
	var hostname x509.HostnameError
	return errors.As(err, &hostname)
}

func hostOf(t Target) string {
	u, err := url.Parse(t.URL)
	if err != nil {
		return "(unparseable)"
	}
	return u.Hostname()
}

func isCertificateError(err error) bool {
	var (
		verification *tls.CertificateVerificationError
		authority    x509.UnknownAuthorityError
		hostname     x509.HostnameError
		invalid      x509.CertificateInvalidError
	)
	return errors.As(err, &verification) || errors.As(err, &authority) ||
		errors.As(err, &hostname) || errors.As(err, &invalid)
}
