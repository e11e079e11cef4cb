# Image URL to use for building and pushing the manager image.
IMG ?= esrevoke/token-revocation-operator:latest

# Kubernetes version of the envtest binaries (kube-apiserver, etcd, kubectl), built from the Go module proxy.
ENVTEST_K8S_VERSION ?= 1.37.0

SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Display this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate the CRD, RBAC role and webhook configuration.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd webhook paths="./;./api/...;./controllers/..." output:crd:artifacts:config=config/crd/bases

.PHONY: generate
generate: controller-gen ## Generate DeepCopy methods.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: fmt
fmt: ## Run go fmt.
	go fmt ./...

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: test
test: manifests generate fmt vet envtest ## Run every test (unit, envtest, webhook, end to end) with the race detector.
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" go test -race -count=1 -timeout 30m ./... -coverprofile cover.out
	$(MAKE) --no-print-directory test-chart

.PHONY: lint
lint: golangci-lint ## Run golangci-lint.
	$(GOLANGCI_LINT) run

.PHONY: lint-fix
lint-fix: golangci-lint ## Run golangci-lint and apply its fixes.
	$(GOLANGCI_LINT) run --fix

.PHONY: demo
demo: envtest ## Run the operator end to end on this machine (API server, Elasticsearch emulator, manager) and show the results (ES_VERSION=6.8.23 plays that Elasticsearch).
	@mkdir -p bin
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" ES_VERSION="$(ES_VERSION)" go run ./hack/demo

.PHONY: bench
bench: envtest ## Measure the operator beside a direct client (BENCH_ARGS="-k 1000,10000 -latency 10ms").
	@mkdir -p bin
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" go run ./hack/bench $(BENCH_ARGS)

##@ Build

.PHONY: build
build: manifests generate fmt vet ## Build the manager binary.
	go build -o bin/manager .

.PHONY: plugin
plugin: ## Build the kubectl plugin bin/kubectl-esrevoke (with bin/ on PATH: kubectl esrevoke --help).
	go build -o bin/kubectl-esrevoke ./cmd/kubectl-esrevoke

# The archives krew installs, one per platform, and their checksums for dist/krew/esrevoke.yaml.
PLUGIN_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64

.PHONY: plugin-dist
plugin-dist: ## Build the plugin's krew archives into bin/dist/ and print their sha256 for dist/krew/esrevoke.yaml.
	@mkdir -p $(LOCALBIN)/dist
	@for platform in $(PLUGIN_PLATFORMS); do \
		os=$${platform%/*}; arch=$${platform#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
		dir=$$(mktemp -d); \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -o $$dir/kubectl-esrevoke$$ext ./cmd/kubectl-esrevoke; \
		tar -czf $(LOCALBIN)/dist/kubectl-esrevoke_$${os}_$${arch}.tar.gz -C $$dir .; rm -rf $$dir; \
	done
	@cd $(LOCALBIN)/dist && sha256sum *.tar.gz

.PHONY: run
run: manifests generate fmt vet ## Run the manager against the current kubeconfig, webhooks off.
	ENABLE_WEBHOOKS=false go run .

##@ Deployment

KUBECTL ?= kubectl
CONTAINER_TOOL ?= docker
DEPLOY_CONFIG ?= config/default
ifndef ignore-not-found
  ignore-not-found = false
endif

.PHONY: docker-build
docker-build: ## Build the manager image IMG.
	$(CONTAINER_TOOL) build -t $(IMG) .

.PHONY: docker-push
docker-push: ## Push the manager image IMG.
	$(CONTAINER_TOOL) push $(IMG)

.PHONY: install
install: manifests ## Install the CRD into the cluster of the current kubeconfig.
	$(KUBECTL) apply --server-side -k config/crd

.PHONY: uninstall
uninstall: manifests ## Remove the CRD, and with it every TokenRevocation (the audit records).
	$(KUBECTL) delete --ignore-not-found=$(ignore-not-found) -k config/crd

# The image is set through a throwaway overlay in bin/: standalone kustomize (kustomize edit) needs Go 1.27.
.PHONY: deploy
deploy: manifests ## Deploy the operator with IMG (DEPLOY_CONFIG=config/default-certmanager to use cert-manager).
	@mkdir -p $(LOCALBIN)/deploy
	@img='$(IMG)'; printf 'resources:\n- ../../%s\nimages:\n- name: esrevoke/token-revocation-operator\n  newName: %s\n  newTag: %s\n' \
		'$(DEPLOY_CONFIG)' "$${img%:*}" "$${img##*:}" >$(LOCALBIN)/deploy/kustomization.yaml
	$(KUBECTL) apply --server-side -k $(LOCALBIN)/deploy

.PHONY: undeploy
undeploy: ## Remove the operator, its CRD and so every TokenRevocation.
	$(KUBECTL) delete --ignore-not-found=$(ignore-not-found) -k $(DEPLOY_CONFIG)

##@ Real cluster

# A real single-node Kubernetes for end-to-end tests: ../shared/recipes/kubelet-cluster/README.md.
KCLUSTER ?= ../shared/recipes/kubelet-cluster
# The node's state; its binaries are cached under bin/, so a second run builds nothing.
KCLUSTER_DIR ?= $(CURDIR)/.kcluster
KCLUSTER_BIN_DIR ?= $(LOCALBIN)/kcluster/bin
# The image the cluster tests install: a version tag, never :latest (nothing can be pulled).
E2E_IMG ?= esrevoke/token-revocation-operator:e2e
IMAGE_TAR ?= $(LOCALBIN)/image/token-revocation-operator.tar

.PHONY: image
image: ## Build the manager image E2E_IMG from the Dockerfile with buildah, no registry, into IMAGE_TAR (root).
	hack/image-build.sh $(E2E_IMG) $(IMAGE_TAR)

.PHONY: e2e-cluster
e2e-cluster: ## Install the operator on a real single-node cluster and test it (root; else skipped).
	KCLUSTER=$(KCLUSTER) KCLUSTER_DIR=$(KCLUSTER_DIR) KCLUSTER_BIN_DIR=$(KCLUSTER_BIN_DIR) \
		E2E_IMG=$(E2E_IMG) IMAGE_TAR=$(IMAGE_TAR) hack/e2e-cluster.sh

.PHONY: kcluster-down
kcluster-down: ## Stop the cluster of an interrupted e2e-cluster run and restore the host.
	KCLUSTER_DIR=$(KCLUSTER_DIR) KCLUSTER_BIN_DIR=$(KCLUSTER_BIN_DIR) $(KCLUSTER)/down.sh

##@ Dependencies

LOCALBIN ?= $(shell pwd)/bin
$(LOCALBIN):
	mkdir -p $(LOCALBIN)

CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen
GOLANGCI_LINT ?= $(LOCALBIN)/golangci-lint

CONTROLLER_TOOLS_VERSION ?= v0.23.0
GOLANGCI_LINT_VERSION ?= v2.15.0

# ENVTEST_ASSETS is where the envtest binaries are: KUBEBUILDER_ASSETS when set, else bin/k8s/<version>.
ifdef KUBEBUILDER_ASSETS
ENVTEST_ASSETS = $(KUBEBUILDER_ASSETS)
else
ENVTEST_ASSETS = $(LOCALBIN)/k8s/$(ENVTEST_K8S_VERSION)
endif

.PHONY: envtest
envtest: ## Build kube-apiserver, etcd and kubectl for envtest into bin/ (once), unless KUBEBUILDER_ASSETS is set.
ifndef KUBEBUILDER_ASSETS
	K8S_VERSION=$(ENVTEST_K8S_VERSION) hack/setup-envtest.sh $(ENVTEST_ASSETS) >/dev/null
endif

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Install controller-gen into bin/.
$(CONTROLLER_GEN): | $(LOCALBIN)
	$(call go-install-tool,$(CONTROLLER_GEN),sigs.k8s.io/controller-tools/cmd/controller-gen,$(CONTROLLER_TOOLS_VERSION))

.PHONY: golangci-lint
golangci-lint: $(GOLANGCI_LINT) ## Install golangci-lint into bin/.
$(GOLANGCI_LINT): | $(LOCALBIN)
	$(call go-install-tool,$(GOLANGCI_LINT),github.com/golangci/golangci-lint/v2/cmd/golangci-lint,$(GOLANGCI_LINT_VERSION))

# go-install-tool installs a Go tool at a pinned version into bin/, as bin/<name>-<version> linked from bin/<name>.
# $1 - target path, $2 - package, $3 - version
define go-install-tool
@[ -f "$(1)-$(3)" ] || { \
set -e; \
echo "Installing $(2)@$(3)" ; \
GOBIN=$(LOCALBIN) go install $(2)@$(3) ; \
mv "$(LOCALBIN)/$$(basename "$(1)")" "$(1)-$(3)" ; \
} ; \
ln -sf "$$(basename "$(1)")-$(3)" "$(1)"
endef

##@ Helm chart

HELM_TEST_DIR = test/helm

.PHONY: chart
chart: manifests envtest ## Regenerate dist/chart's CRDs, RBAC and webhook configurations from config/ (run after changing config/).
	go run ./hack/chartgen -kubectl "$(ENVTEST_ASSETS)/kubectl" -config config -chart dist/chart

.PHONY: test-chart
test-chart: envtest ## Test the Helm chart with the Helm Go library (its own Go module, test/helm).
	cd $(HELM_TEST_DIR) && KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" go test -count=1 ./...
