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

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/zapr"
	uberzap "go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/esrevoke/token-revocation-operator/internal/installation"
)

// defaultInstallationKeySecret is the installation key Secret's name in the manager's namespace.
const defaultInstallationKeySecret = "token-revocation-installation-key"

// installationFlags say where the installation key lives.
type installationFlags struct {
	keySecret string
}

func (f *installationFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.keySecret, "installation-key-secret", "",
		"NAMESPACE/NAME of the Secret holding the installation key, which keys token fingerprints and signs admitted "+
			"revocations; created when missing. Defaults to "+defaultInstallationKeySecret+" in the manager's namespace "+
			"(POD_NAMESPACE). Every replica must use the same one.")
}

// secretRef is where the key lives, or nil when there is nowhere to keep it (outside a cluster,
// without the flag).
func (f *installationFlags) secretRef() (*types.NamespacedName, error) {
	if f.keySecret == "" {
		namespace := os.Getenv("POD_NAMESPACE")
		if namespace == "" {
			return nil, nil
		}
		return &types.NamespacedName{Namespace: namespace, Name: defaultInstallationKeySecret}, nil
	}
	namespace, name, ok := strings.Cut(f.keySecret, "/")
	if !ok || namespace == "" || name == "" {
		return nil, fmt.Errorf("--installation-key-secret must be NAMESPACE/NAME, got %q", f.keySecret)
	}
	return &types.NamespacedName{Namespace: namespace, Name: name}, nil
}

// loadInstallationKey reads (or creates) the installation key before the manager starts, with a
// client of its own: the manager's cache does not hold Secrets.
func loadInstallationKey(config *rest.Config, f installationFlags) (*installation.Key, error) {
	ref, err := f.secretRef()
	if err != nil {
		return nil, err
	}
	if ref == nil {
		setupLog.Info("No installation key Secret (POD_NAMESPACE and --installation-key-secret are unset): using a key " +
			"that lasts until this manager stops, so fingerprints change at restart and revocations admitted by another " +
			"manager that name Secrets will not be verified")
		key, _, err := installation.RandomKey()
		return key, err
	}
	c, err := client.New(config, client.Options{})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return installation.Load(ctx, c, *ref)
}

// newAuditLogger writes the audit trail as JSON lines to standard error, like the manager's own
// logs but never sampled and whatever --zap-log-level says: controller-runtime's production
// logger drops repeated lines (more than 100 a second), which an audit trail must not.
func newAuditLogger() logr.Logger {
	config := uberzap.NewProductionEncoderConfig()
	config.EncodeTime = zapcore.RFC3339TimeEncoder
	core := zapcore.NewCore(zapcore.NewJSONEncoder(config), zapcore.Lock(os.Stderr), zapcore.InfoLevel)
	return zapr.NewLogger(uberzap.New(core)).WithName("audit")
}
