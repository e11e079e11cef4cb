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

package esemulator

import (
	"net/http"
	"strconv"
)

const jsonContentType = "application/json"

// response is what a handler answers; ServeHTTP writes it with the headers
// every Elasticsearch response carries.
type response struct {
	status      int
	header      http.Header
	value       any    // a JSON value, rendered compact or pretty when written
	body        []byte // a raw body, used when value is nil
	contentType string // overrides the negotiated JSON media type
	noProduct   bool   // omit X-Elastic-Product (a fault)
	drop        bool   // close the connection without answering (a fault)
	abandon     bool   // the client went away: write nothing
}

// addHeader adds a header, creating the header map if needed.
func (r *response) addHeader(key, value string) {
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Add(key, value)
}

func jsonResponse(status int, value any) response {
	return response{status: status, header: http.Header{}, value: value}
}

// write sends resp. The vendor media type is echoed when the client asked for
// it with Accept, as Elasticsearch does for REST API compatibility.
func (e *Emulator) write(w http.ResponseWriter, req *request, resp response) {
	if resp.abandon {
		return
	}
	if resp.drop {
		dropConnection(w)
		return
	}
	h := w.Header()
	for k, vs := range resp.header {
		h[k] = append(h[k], vs...)
	}
	if !resp.noProduct && e.version.productHeader() {
		h.Set("X-Elastic-Product", "Elasticsearch")
	}
	if id := req.http.Header.Get("X-Opaque-Id"); id != "" {
		h.Set("X-Opaque-Id", id)
	}
	ct := resp.contentType
	if ct == "" {
		ct = req.responseContentType()
	}
	body := resp.body
	if resp.value != nil {
		body = encodeJSON(resp.value, req.pretty())
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.status)
	if req.http.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// dropConnection closes the connection without an HTTP answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// HTTP/2 cannot hijack; aborting the handler resets the stream instead.
	panic(http.ErrAbortHandler)
}
