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

// Command emulator is a TEST TOOL: the Elasticsearch emulator (internal/esemulator) as the program
// of a pod, for the real-cluster tests of test/cluster. Beside Elasticsearch's token APIs it answers
// GET /_emulator/calls with the number of invalidate calls it received, so that a test can check
// that the operator made one call per revocation. It is not Elasticsearch; never point anything real
// at it.
//
// Environment: EMULATOR_USER is NAME:PASSWORD of a user holding manage_token (from a Secret, so the
// password is not on the command line); EMULATOR_LISTEN the address (default :9200).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// callsPath is the emulator's own endpoint; Elasticsearch has no path starting with /_emulator.
const callsPath = "/_emulator/calls"

// Calls is the answer of GET /_emulator/calls.
type Calls struct {
	// Invalidate counts the invalidate calls that reached the token service.
	Invalidate int64 `json:"invalidate"`
	// Requests counts every request to the emulated Elasticsearch.
	Requests int64 `json:"requests"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "emulator:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	name, password, ok := strings.Cut(os.Getenv("EMULATOR_USER"), ":")
	if !ok || name == "" || password == "" {
		return errors.New("EMULATOR_USER must be NAME:PASSWORD (value not shown)")
	}
	listen := os.Getenv("EMULATOR_LISTEN")
	if listen == "" {
		listen = ":9200"
	}
	em := esemulator.New()
	em.AddUser(name, password, "")
	srv := &http.Server{Addr: listen, Handler: handler(em), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe() }()
	fmt.Printf("emulator (TEST TOOL) listening on %s, user %s\n", listen, name)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// handler serves the emulator, and its call counts on callsPath.
func handler(em *esemulator.Emulator) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+callsPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(Calls{Invalidate: em.InvalidateCalls(), Requests: em.Requests()})
	})
	mux.Handle("/", em)
	return mux
}
