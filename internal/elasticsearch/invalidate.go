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
	"strings"
)

// unknownProduct starts go-elasticsearch's error for a 2xx answer without X-Elastic-Product: Elasticsearch.
const unknownProduct = "the client noticed that the server is not Elasticsearch"

// Invalidate makes exactly one invalidate token call (the client's retries are off; the controller owns
// retrying) within target.Timeout, and classifies the outcome: a Result for a 200 (including partial
// failures, ErrorCount > 0), otherwise an *Error whose Kind tells what to do. Every returned text has the
// request's token and refresh token and the target's password and API key replaced by Redacted (see
// redactor); texts taken from the answer are redacted whole, before they are bounded.
func (c *Clients) Invalidate(ctx context.Context, target Target, req InvalidateRequest) (Result, error) {
	red := newRedactor(target, req)
	res, err := c.invalidate(ctx, target, req)
	return red.result(res), red.error(err)
}

func (c *Clients) invalidate(ctx context.Context, target Target, req InvalidateRequest) (Result, error) {
	if err := target.Validate(); err != nil {
		return Result{}, err
	}
	client, err := c.client(target)
	if err != nil {
		return Result{}, err
	}
	callCtx, cancel := context.WithTimeout(ctx, target.timeout())
	defer cancel()

	invalidate := client.Security.InvalidateToken
	res, err := invalidate(bytes.NewReader(req.body()), invalidate.WithContext(callCtx))
	if err != nil {
		return Result{}, callError(ctx, callCtx, target, err)
	}
	defer func() { _ = res.Body.Close() }()
	// One byte over the limit tells the parser the body was too large to be Elasticsearch's.
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxBodyBytes+1))
	if err != nil {
		return Result{}, readError(ctx, callCtx, target, res.StatusCode, err)
	}
	// Redact the body's texts whole, before they are bounded; Invalidate redacts everything again at the end.
	return parseInvalidateResponse(res.StatusCode, res.Header, body, newRedactor(target, req))
}

// callError classifies a call that brought no answer. Go's transport errors name hosts and causes, not
// request contents; Invalidate redacts them anyway.
func callError(ctx, callCtx context.Context, t Target, err error) error {
	var msg string
	if strings.HasPrefix(err.Error(), unknownProduct) {
		msg = fmt.Sprintf("the server at %s answered 2xx without the X-Elastic-Product: Elasticsearch header; "+
			"it is not Elasticsearch, or something in between changed the answer", t.safeURL())
	} else {
		msg = noAnswer(ctx, callCtx, t, err)
	}
	e := newError(KindUnavailable, 0, msg)
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
	case isCertificateError(err):
		return fmt.Sprintf("TLS verification of %s failed: %v; the server's certificate is not trusted "+
			"(caCert must hold the CA that signed it; without caCert the system roots are used)", where, err)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("the connection to %s closed before Elasticsearch answered (%v)", where, err)
	default:
		return fmt.Sprintf("could not reach Elasticsearch at %s: %v", where, err)
	}
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
