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
	"fmt"
	"net/http"
	"time"
)

// Fault is a failure injected into one future invalidate request
// (DELETE /_security/oauth2/token or DELETE /_security/api_key). Faults are
// consumed in order, one per request of either API that passed
// authentication, parsing, validation and authorization (and for tokens,
// while the token service is enabled): where Elasticsearch's backend
// failures happen. Requests rejected earlier, and get-token requests, leave the queue
// alone. Fields combine: Delay first, then Drop or Status or the real
// invalidation (with PartialErrors), then Garbage and NoProductHeader on the
// answer, then AfterApply.
type Fault struct {
	// Status answers this HTTP status with Elasticsearch's body for it:
	// 429 es_rejected_execution_exception, 500 illegal_state_exception,
	// 503 security_exception "unable to perform requested action",
	// 502 and 504 a proxy's HTML page; any other status a status_exception.
	// Token state is untouched.
	Status int
	// PartialErrors makes the first N matching halves (refresh halves first),
	// or API keys (oldest first), fail: they stay valid and are reported in
	// error_details as Elasticsearch does, with HTTP 200 and error_count N (at
	// most the number of matches). The others are invalidated.
	PartialErrors int
	// Drop closes the connection without answering. Token state is untouched.
	Drop bool
	// Garbage answers 200 with a body that is neither JSON nor
	// Elasticsearch's. The invalidation itself happens.
	Garbage bool
	// NoProductHeader answers normally but without X-Elastic-Product.
	NoProductHeader bool
	// Delay sleeps this long before doing anything. If the client gives up
	// meanwhile, nothing happens and nothing is answered. For a change that
	// happens but is answered late, block in AfterApply instead.
	Delay time.Duration
	// AfterApply is called after the token state changed (or would have),
	// before the response is written: a test can kill a process "mid-call".
	AfterApply func()
}

// InjectFaults queues faults for future invalidate requests, in order.
func (e *Emulator) InjectFaults(faults ...Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, faults...)
}

// PendingFaults returns how many injected faults have not been used yet.
func (e *Emulator) PendingFaults() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.faults)
}

// SetInvalidateHook sets a function called on every invalidate request that
// reaches execution, after the token state changed and before the answer
// (nil clears it).
func (e *Emulator) SetInvalidateHook(hook func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.invalidateHook = hook
}

func (e *Emulator) nextFault() (Fault, func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var f Fault
	if len(e.faults) > 0 {
		f = e.faults[0]
		e.faults = e.faults[1:]
	}
	return f, e.invalidateHook
}

// runInvalidate executes an invalidation that reached the token service.
func (e *Emulator) runInvalidate(req *request, ir invalidateRequest) response {
	return e.runFaulted(req, func(failures int) response { return e.invalidate(ir, req.now, failures) })
}

// runFaulted executes an invalidation of either API under the next fault: apply changes the state,
// failing its first failures matches, and renders the answer.
func (e *Emulator) runFaulted(req *request, apply func(failures int) response) response {
	f, hook := e.nextFault()
	if f.Delay > 0 && !sleep(req.http.Context(), f.Delay) {
		return response{abandon: true}
	}
	var resp response
	switch {
	case f.Drop:
		resp = response{drop: true}
	case f.Status != 0:
		resp = statusFault(f.Status)
	default:
		resp = apply(f.PartialErrors)
	}
	if f.Garbage && !resp.drop {
		resp = response{status: http.StatusOK, header: http.Header{}, body: []byte("<<emulated garbage: not JSON>>\n")}
	}
	resp.noProduct = f.NoProductHeader
	if f.AfterApply != nil {
		f.AfterApply()
	}
	if hook != nil {
		hook()
	}
	return resp
}

// statusFault is Elasticsearch's (or a proxy's) answer for an injected status.
func statusFault(status int) response {
	switch status {
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		text := fmt.Sprintf("%d %s", status, http.StatusText(status))
		body := fmt.Sprintf("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n"+
			"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", text, text)
		return response{status: status, header: http.Header{}, body: []byte(body), contentType: "text/html"}
	case http.StatusTooManyRequests:
		return newError(status, "es_rejected_execution_exception", "rejected execution of "+
			"org.elasticsearch.action.support.ThreadedActionListener on EsThreadPoolExecutor[name = es-emulator/write, "+
			"queue capacity = 10000, task execution EWMA = 1ms, total task execution time = 1s, "+
			"active threads = 8, queued tasks = 10000, completed tasks = 1000]").response()
	case http.StatusInternalServerError:
		return newError(status, "illegal_state_exception", "Index ["+tokensIndex+"] is not on the current version. "+
			"Features relying on the index will not be available until the upgrade API is run on the index").response()
	case http.StatusServiceUnavailable:
		x := securityException(status, "unable to perform requested action")
		x.cause = newError(0, "unavailable_shards_exception", "["+tokensIndex+"][0] primary shard is not active "+
			"Timeout: [1m], request: [BulkShardRequest [["+tokensIndex+"][0]] containing [1] requests]")
		x.cause.metadata = obj("shard", "0", "index", tokensIndex)
		return x.response()
	default:
		return newError(status, "status_exception", http.StatusText(status)).response()
	}
}
