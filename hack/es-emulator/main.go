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

// Command es-emulator is a TEST TOOL: an in-memory emulator of Elasticsearch's
// token APIs (get token, invalidate token, authenticate) for demos and manual
// runs. It is not Elasticsearch and stores nothing.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

const usageHeader = `es-emulator is a TEST TOOL emulating Elasticsearch's token APIs, API keys, users and roles in memory:
POST/DELETE /_security/oauth2/token, POST/PUT/GET/DELETE /_security/api_key,
PUT/DELETE /_security/user/{name}, PUT/DELETE /_security/role/{name},
GET /_security/_authenticate and GET /.
It is not Elasticsearch; never point anything real at it.

Usage: es-emulator [flags]

It prints one line, "es-emulator listening on <URL>", once it accepts connections.
Passwords and keys must not contain ':'.

Flags:
`

// config is the parsed command line.
type config struct {
	listen       string
	users        []credential
	apiKeys      []credential
	unprivileged []credential
	imports      []credential
	latency      time.Duration
	tokenTimeout time.Duration
	version      string
	tlsCert      string
	tlsKey       string
}

// credential is NAME:SECRET[:REALM] from a flag. Its secret is never printed.
type credential struct {
	name, secret, realm string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "es-emulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	em := cfg.emulator()
	if err := cfg.importTokens(em); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: em, ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if cfg.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("loading TLS key pair: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln, scheme = tls.NewListener(ln, srv.TLSConfig), "https"
	}
	fmt.Fprintln(stderr, cfg.summary())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "es-emulator listening on %s://%s\n", scheme, dialAddress(ln.Addr()))
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	var badCredential error
	fs := flag.NewFlagSet("es-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHeader)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:9200", "address to listen on (\":0\" picks a free port)")
	fs.Func("user", "`NAME:PASSWORD[:REALM]` of a superuser (every privilege, manage_token and manage_api_key included; "+
		"repeatable; realm default_native)",
		credentialFlag("--user", "NAME:PASSWORD[:REALM]", &cfg.users, &badCredential))
	fs.Func("api-key", "`ID:KEY` of an API key holding manage_token (repeatable); clients send ApiKey base64(ID:KEY)",
		credentialFlag("--api-key", "ID:KEY", &cfg.apiKeys, &badCredential))
	fs.Func("unprivileged-user", "`NAME:PASSWORD` of a user holding no privilege (repeatable)",
		credentialFlag("--unprivileged-user", "NAME:PASSWORD", &cfg.unprivileged, &badCredential))
	fs.Func("import-token", "`USER:ACCESS:REFRESH`: store a token as if issued to USER, with chosen token strings "+
		"(either may be empty to mint one), to replay documentation examples (repeatable)",
		importFlag(&cfg.imports, &badCredential))
	fs.DurationVar(&cfg.latency, "latency", 0, "latency added to every request")
	fs.DurationVar(&cfg.tokenTimeout, "token-timeout", esemulator.DefaultTokenTimeout, "access-token lifetime")
	fs.StringVar(&cfg.version, "version", esemulator.DefaultVersion, "Elasticsearch version to emulate, MAJOR.MINOR.PATCH from 6.0.0 through 9.x "+
		"(each generation's paths, bodies, headers and bugs)")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "PEM certificate file; serve HTTPS (needs --tls-key)")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "PEM private key file for --tls-cert")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if badCredential != nil {
		return nil, badCredential
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := esemulator.ValidateVersion(cfg.version); err != nil {
		return nil, err
	}
	if (cfg.tlsCert == "") != (cfg.tlsKey == "") {
		return nil, errors.New("--tls-cert and --tls-key go together")
	}
	return cfg, nil
}

// credentialFlag parses a value of the given form, "NAME:SECRET" with an
// optional ":REALM" when the form ends in "]", into *dst. A bad value is
// recorded in *bad rather than returned, because the flag package would
// print the value, which may hold a secret.
func credentialFlag(flagName, form string, dst *[]credential, bad *error) func(string) error {
	maxParts := 2
	if strings.HasSuffix(form, "]") {
		maxParts = 3
	}
	return func(v string) error {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || len(parts) > maxParts || parts[0] == "" || parts[1] == "" {
			*bad = errors.Join(*bad, fmt.Errorf("%s wants %s (value not shown)", flagName, form))
			return nil
		}
		c := credential{name: parts[0], secret: parts[1]}
		if len(parts) == 3 {
			c.realm = parts[2]
		}
		*dst = append(*dst, c)
		return nil
	}
}

// importFlag parses USER:ACCESS:REFRESH into *dst (name, secret, realm hold user, access, refresh).
func importFlag(dst *[]credential, bad *error) func(string) error {
	return func(v string) error {
		parts := strings.Split(v, ":")
		if len(parts) != 3 || parts[0] == "" || (parts[1] == "" && parts[2] == "") {
			*bad = errors.Join(*bad, errors.New("--import-token wants USER:ACCESS:REFRESH (value not shown)"))
			return nil
		}
		*dst = append(*dst, credential{name: parts[0], secret: parts[1], realm: parts[2]})
		return nil
	}
}

// importTokens stores the --import-token fixtures.
func (cfg *config) importTokens(em *esemulator.Emulator) error {
	for _, i := range cfg.imports {
		if _, err := em.ImportPasswordToken(i.name, esemulator.TokenPair{AccessToken: i.secret, RefreshToken: i.realm}); err != nil {
			return fmt.Errorf("--import-token for %s: %w", i.name, err)
		}
	}
	return nil
}

func (cfg *config) emulator() *esemulator.Emulator {
	em := esemulator.New(
		esemulator.WithVersion(cfg.version),
		esemulator.WithLatency(cfg.latency),
		esemulator.WithTokenTimeout(cfg.tokenTimeout),
	)
	for _, u := range cfg.users {
		em.AddUser(u.name, u.secret, u.realm)
	}
	for _, k := range cfg.apiKeys {
		em.AddAPIKey(k.name, k.secret)
	}
	for _, u := range cfg.unprivileged {
		em.AddUnprivilegedUser(u.name, u.secret)
	}
	return em
}

// summary describes the configuration without any secret.
func (cfg *config) summary() string {
	users := make([]string, 0, len(cfg.users))
	keys := make([]string, 0, len(cfg.apiKeys))
	unpriv := make([]string, 0, len(cfg.unprivileged))
	for _, u := range cfg.users {
		realm := u.realm
		if realm == "" {
			realm = esemulator.DefaultRealm
		}
		users = append(users, u.name+" ("+realm+")")
	}
	for _, k := range cfg.apiKeys {
		keys = append(keys, k.name)
	}
	for _, u := range cfg.unprivileged {
		unpriv = append(unpriv, u.name)
	}
	return fmt.Sprintf("es-emulator (TEST TOOL) emulating Elasticsearch %s; users: [%s]; api keys: [%s]; "+
		"unprivileged users: [%s]", cfg.version, strings.Join(users, ", "), strings.Join(keys, ", "),
		strings.Join(unpriv, ", "))
}

// dialAddress turns a wildcard listen address into one a client can dial.
func dialAddress(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
