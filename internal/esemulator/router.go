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
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// request is one HTTP request on its way through the emulated REST layer.
type request struct {
	http       *http.Request
	path       string
	body       []byte
	now        time.Time
	apiVersion int        // the negotiated REST API major version
	vendor     bool       // the client asked for application/vnd.elasticsearch+json
	who        *principal // the authenticated caller
	param      string     // the {name} of a path such as /_security/user/{name}
}

// pretty reports ?pretty or ?pretty=true, as RestRequest.paramAsBoolean reads it.
func (r *request) pretty() bool {
	v, ok := r.http.URL.Query()["pretty"]
	return ok && (v[0] == "" || v[0] == "true")
}

func (r *request) responseContentType() string {
	if r.vendor {
		return fmt.Sprintf("application/vnd.elasticsearch+json;compatible-with=%d", r.apiVersion)
	}
	return jsonContentType
}

type handlerFunc func(*Emulator, *request) response

// route is one registered path. Legacy (/_xpack) routes exist as each
// generation registers them: see esVersion.xpackRoutes.
type route struct {
	handlers map[string]handlerFunc
	current  string // for a legacy route, the path that replaced it
	apiKeys  bool   // registered only by versions with API keys (esVersion.apiKeys)
}

// methodOrder is RestRequest.Method's declaration order, used for Allow.
var methodOrder = []string{"GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "CONNECT"}

var routes = map[string]route{
	"/": {handlers: map[string]handlerFunc{
		http.MethodGet: (*Emulator).rootInfo, http.MethodHead: (*Emulator).rootInfo}},
	"/_security/_authenticate": {handlers: map[string]handlerFunc{
		http.MethodGet: (*Emulator).authenticateInfo}},
	"/_security/oauth2/token": {handlers: map[string]handlerFunc{
		http.MethodPost: (*Emulator).getToken, http.MethodDelete: (*Emulator).invalidateToken}},
	"/_security/api_key": {apiKeys: true, handlers: map[string]handlerFunc{
		http.MethodGet: (*Emulator).getAPIKeys, http.MethodPost: (*Emulator).createAPIKey,
		http.MethodPut: (*Emulator).createAPIKey, http.MethodDelete: (*Emulator).invalidateAPIKeys}},
	"/_security/user/{name}": {handlers: map[string]handlerFunc{
		http.MethodPut: (*Emulator).putUser, http.MethodPost: (*Emulator).putUser, http.MethodDelete: (*Emulator).deleteUser}},
	"/_security/role/{name}": {handlers: map[string]handlerFunc{
		http.MethodPut: (*Emulator).putRole, http.MethodPost: (*Emulator).putRole, http.MethodDelete: (*Emulator).deleteRole}},
	"/_xpack/security/_authenticate": {current: "/_security/_authenticate", handlers: map[string]handlerFunc{
		http.MethodGet: (*Emulator).authenticateInfo}},
	"/_xpack/security/oauth2/token": {current: "/_security/oauth2/token", handlers: map[string]handlerFunc{
		http.MethodPost: (*Emulator).getToken, http.MethodDelete: (*Emulator).invalidateToken}},
}

// handle runs the stages Elasticsearch runs before a handler: media-type
// negotiation, routing, authentication; then the handler itself.
func (e *Emulator) handle(req *request) response {
	body, err := readBody(req.http)
	switch {
	case errors.Is(err, errBodyTooLarge):
		return response{status: http.StatusRequestEntityTooLarge}
	case err != nil:
		return response{abandon: true}
	}
	req.body = body
	if x := e.negotiate(req); x != nil {
		return x.response()
	}
	rt, warn, found := e.lookup(req)
	if !found {
		return e.noHandler(req)
	}
	h := rt.handlers[req.http.Method]
	if h == nil {
		return rt.methodNotAllowed(req)
	}
	who, x := e.authenticate(req)
	if x != nil {
		return x.response()
	}
	req.who = who
	resp := h(e, req)
	if warn {
		m := req.http.Method
		resp.addHeader("Warning", e.version.warning(fmt.Sprintf(
			"[%s %s] is deprecated! Use [%s %s] instead.", m, req.path, m, rt.current)))
	}
	return resp
}

// lookup finds the route of a request as the emulated version registers
// it, and whether its answer carries the deprecation Warning.
func (e *Emulator) lookup(req *request) (rt route, warn, found bool) {
	rt, found = routes[req.path]
	if !found {
		rt, found = e.paramRoute(req)
	}
	switch {
	case !found || req.path == "/":
		return rt, false, found
	case rt.current == "":
		return rt, false, e.version.routesSecurityPrefix() && (!rt.apiKeys || e.version.apiKeys())
	}
	switch e.version.xpackRoutes() {
	case xpackCurrent:
		return rt, false, true
	case xpackDeprecated:
		return rt, true, true
	case xpackCompatV7:
		return rt, true, req.apiVersion == 7
	}
	return rt, false, false
}

// paramRoute finds the route of a path with a {name} segment, /_security/user/{name} or
// /_security/role/{name}, and keeps the name in req.param.
func (e *Emulator) paramRoute(req *request) (route, bool) {
	for _, prefix := range []string{"/_security/user/", "/_security/role/"} {
		name, ok := strings.CutPrefix(req.path, prefix)
		if ok && name != "" && !strings.Contains(name, "/") {
			req.param = name
			return routes[prefix+"{name}"], true
		}
	}
	return route{}, false
}

// noHandler is RestController.handleBadRequest's answer to an unknown path:
// JSON without a status field from 6.4, plain text before (plainTextNoHandler).
func (e *Emulator) noHandler(req *request) response {
	if e.version.plainTextNoHandler() {
		return response{status: http.StatusBadRequest, header: http.Header{},
			contentType: "text/plain; charset=UTF-8",
			body: []byte(fmt.Sprintf("No handler found for uri [%s] and method [%s]",
				req.http.URL.RequestURI(), req.http.Method))}
	}
	return simpleError(http.StatusBadRequest, fmt.Sprintf("no handler found for uri [%s] and method [%s]",
		req.http.URL.RequestURI(), req.http.Method), false)
}

// methodNotAllowed answers OPTIONS with the allowed methods, anything else with 405.
func (rt route) methodNotAllowed(req *request) response {
	var allowed []string
	for _, m := range methodOrder {
		if rt.handlers[m] != nil {
			allowed = append(allowed, m)
		}
	}
	if req.http.Method == http.MethodOptions {
		resp := response{status: http.StatusOK, header: http.Header{}, contentType: "text/plain; charset=UTF-8"}
		resp.header.Set("Allow", strings.Join(allowed, ","))
		return resp
	}
	resp := simpleError(http.StatusMethodNotAllowed, fmt.Sprintf(
		"Incorrect HTTP method for uri [%s] and method [%s], allowed: [%s]",
		req.http.URL.RequestURI(), req.http.Method, strings.Join(allowed, ", ")), true)
	resp.header.Set("Allow", strings.Join(allowed, ","))
	return resp
}

// globalParams are the query parameters every REST handler accepts.
var globalParams = map[string]bool{"pretty": true, "human": true, "error_trace": true, "filter_path": true}

// unrecognizedParams is BaseRestHandler's check for unconsumed parameters.
// Of the global parameters only pretty changes the output.
func unrecognizedParams(req *request) *esError {
	var bad []string
	for k := range req.http.URL.Query() {
		if !globalParams[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return unrecognizedParamsError(req.path, bad)
}

func (e *Emulator) rootInfo(req *request) response {
	if x := unrecognizedParams(req); x != nil {
		return x.response()
	}
	return jsonResponse(http.StatusOK, e.clusterInfo())
}

func (e *Emulator) authenticateInfo(req *request) response {
	if x := unrecognizedParams(req); x != nil {
		return x.response()
	}
	return jsonResponse(http.StatusOK, req.who.authentication())
}
