#!/usr/bin/env bash
# `make e2e-cluster`: installs the operator on a real single-node Kubernetes and tests it (test/cluster).
#
# The node comes from the kubelet-cluster recipe ($KCLUSTER, default ../shared/recipes/kubelet-cluster,
# read-only; see its README): kube-apiserver, etcd, kubelet, controller-manager, scheduler, kube-proxy
# and kubectl v1.37.0 built once from the Go module proxy into $KCLUSTER_BIN_DIR (default
# bin/kcluster/bin, reused by later runs), containerd and runc from Debian. This script:
#   1. builds the node's binaries (nothing to do once bin/kcluster/bin is there);
#   2. builds the manager image (`make image`: the Dockerfile, with buildah; unchanged sources reuse it)
#      and the emulator's image (test/cluster/emulator, with the recipe's image tool);
#   3. starts the node, which imports both images, and always stops it on exit (down.sh restores the
#      host: iptables chains, bridge, mounts, sysctls), whatever happened;
#   4. runs `go test ./test/cluster`, which installs the operator as the README says (config/default,
#      then the Helm chart with the helm command line, built once into $E2E_TOOLS_DIR) and checks it.
# Where it cannot run (not root, no recipe) it prints SKIPPED with the reason and exits 0, or 1 when
# E2E_CLUSTER_REQUIRED=1; the Go tests, run without this script, skip themselves with the reason.
#
# Environment: KCLUSTER, KCLUSTER_DIR (default .kcluster), KCLUSTER_BIN_DIR, E2E_IMG (the manager image,
# never :latest), IMAGE_TAR (make image's output), E2E_IMAGE_FROM (dockerfile, the default, or binary:
# the recipe's image tool on the static binary, for a machine where buildah cannot run),
# E2E_TOOLS_DIR (where helm is built, default bin/e2e-tools), E2E_TEST_ARGS (extra `go test`
# arguments, e.g. -run).
set -euo pipefail
cd "$(dirname "$0")/.."

R=${KCLUSTER:-../shared/recipes/kubelet-cluster}
export KCLUSTER_DIR=${KCLUSTER_DIR:-$PWD/.kcluster}
export KCLUSTER_BIN_DIR=${KCLUSTER_BIN_DIR:-$PWD/bin/kcluster/bin}
img=${E2E_IMG:-esrevoke/token-revocation-operator:e2e}
emulator_img=${E2E_EMULATOR_IMG:-esrevoke/es-emulator:e2e}
image_tar=${IMAGE_TAR:-bin/image/token-revocation-operator.tar}
image_from=${E2E_IMAGE_FROM:-dockerfile}

t0=$(date +%s)
phase() { printf '[e2e-cluster] %s (at %ds)\n' "$*" "$(($(date +%s) - t0))" >&2; }
skip() {
  printf '[e2e-cluster] SKIPPED: %s\n' "$*" >&2
  [ "${E2E_CLUSTER_REQUIRED:-0}" = 1 ] && exit 1
  exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root (containerd, the kubelet and kube-proxy change the host)"
[ -x "$R/up.sh" ] || skip "the kubelet-cluster recipe is not at $R (set KCLUSTER)"
R=$(readlink -f "$R")

phase "host packages and the node's binaries (into $KCLUSTER_BIN_DIR)"
"$R/setup-host.sh"
nice -n 10 "$R/build.sh"

phase "manager image $img ($image_from)"
mkdir -p "$KCLUSTER_DIR/images" bin/e2e
case $image_from in
  dockerfile)
    for pkg in buildah debootstrap; do
      command -v "$pkg" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >&2
    done
    nice -n 10 make --no-print-directory image E2E_IMG="$img" IMAGE_TAR="$image_tar"
    cp "$image_tar" "$KCLUSTER_DIR/images/$(tr '/:' '__' <<<"$img").tar"
    ;;
  binary)
    CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags '-s -w' -o bin/e2e/manager .
    "$R/image.sh" --passwd --no-import bin/e2e/manager "$img"
    ;;
  *) echo "E2E_IMAGE_FROM must be dockerfile or binary, not $image_from" >&2; exit 2 ;;
esac
# The helm command line, for the chart's install as the README gives it: the version test/helm's
# go.mod tests the chart with, built once from the Go module proxy.
helm_version=$(awk '$1 == "helm.sh/helm/v3" { print $2 }' test/helm/go.mod)
[ -n "$helm_version" ] || { echo "no helm.sh/helm/v3 in test/helm/go.mod" >&2; exit 2; }
helm_dir=$(readlink -m "${E2E_TOOLS_DIR:-bin/e2e-tools}/helm-$helm_version")
if [ ! -x "$helm_dir/helm" ]; then
  phase "helm $helm_version (once, into $helm_dir)"
  GOBIN=$helm_dir GOFLAGS= nice -n 10 go install "helm.sh/helm/v3/cmd/helm@$helm_version"
fi

phase "emulator image $emulator_img"
CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags '-s -w' -o bin/e2e/emulator ./test/cluster/emulator
"$R/image.sh" --no-import bin/e2e/emulator "$emulator_img"

# From here on the host is changed: down.sh puts it back on every exit, and fails the run if it cannot.
teardown() {
  rc=$?
  phase "stopping the node"
  if ! "$R/down.sh"; then
    echo "[e2e-cluster] down.sh could not restore the host" >&2
    rc=1
  fi
  phase "done, exit $rc"
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

phase "starting the node"
"$R/up.sh"

phase "go test ./test/cluster"
# shellcheck disable=SC2086 # E2E_TEST_ARGS is a list of arguments
ESREVOKE_CLUSTER_KUBECONFIG=$KCLUSTER_DIR/kubeconfig KUBECTL=$KCLUSTER_BIN_DIR/kubectl HELM=$helm_dir/helm \
  ESREVOKE_CLUSTER_IMAGE=$img ESREVOKE_CLUSTER_EMULATOR_IMAGE=$emulator_img \
  go test -count=1 -v -timeout 30m ./test/cluster/ ${E2E_TEST_ARGS:-}
