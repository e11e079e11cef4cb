#!/usr/bin/env bash
# Builds the envtest binaries (kube-apiserver, etcd, kubectl) from the Go module proxy alone into the
# directory given as $1, once, and prints that directory. setup-envtest's downloads are not reachable
# from our build machines, but every binary builds from published modules.
#
# k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces the staging modules with local
# paths), so a throwaway module requires it and points each replaced module at the published module
# of the matching version (v1.37.0 -> v0.37.0). The Go build cache keeps later builds fast.
set -euo pipefail

out=${1:?usage: setup-envtest.sh OUTPUT_DIR}
K8S_VERSION=${K8S_VERSION:-1.37.0}
ETCD_VERSION=${ETCD_VERSION:-v3.6.6}

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build_kubernetes() {
  go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" >/dev/null
  local mod
  mod=$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v$K8S_VERSION.mod
  {
    printf 'module envtestbuild\n\ngo 1.26\n\nrequire k8s.io/kubernetes v%s\n\nreplace (\n' "$K8S_VERSION"
    sed -n '/^replace/,/^)/p' "$mod" | grep '=>' | awk -v v="v0.${K8S_VERSION#1.}" '{print "\t"$1" => "$1" "v}'
    printf ')\n'
  } >"$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kubectl"\n)\n' >"$work/tools.go"
  (
    cd "$work"
    go mod tidy
    [ -x "$out/kube-apiserver" ] || go build -o "$out/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
    [ -x "$out/kubectl" ] || go build -o "$out/kubectl" k8s.io/kubernetes/cmd/kubectl
  ) >&2
}

build_etcd() {
  mkdir -p "$work/etcd"
  printf 'module etcdbuild\n\ngo 1.26\n' >"$work/etcd/go.mod"
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' >"$work/etcd/main.go"
  (
    cd "$work/etcd"
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    go mod tidy
    go build -o "$out/etcd" .
  ) >&2
}

if [ ! -x "$out/kube-apiserver" ] || [ ! -x "$out/kubectl" ]; then
  echo "Building kube-apiserver and kubectl $K8S_VERSION from the Go module proxy (several minutes, once)..." >&2
  build_kubernetes
fi
if [ ! -x "$out/etcd" ]; then
  echo "Building etcd $ETCD_VERSION from the Go module proxy..." >&2
  build_etcd
fi
echo "$out"
