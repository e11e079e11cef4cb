#!/usr/bin/env bash
# CI step for the real-cluster tests, to run after `make test` (for example from .ci/run):
#   hack/ci-cluster.sh
# It runs `make e2e-cluster` with the node's binaries cached outside the clone, keyed by their
# versions (the recipe's build.sh also reads each binary's versions back before reusing it), and the
# image's base images and buildah's layers cached there too, so a fresh clone on a machine that ran
# it before builds almost nothing. Where the machine cannot run it (not
# root, no ../shared/recipes/kubelet-cluster), it says SKIPPED with the reason and exits 0; set
# E2E_CLUSTER_REQUIRED=1 to fail instead. The node is stopped and the host restored on every exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export KCLUSTER_BIN_DIR=${KCLUSTER_BIN_DIR:-$HOME/.cache/kcluster/bin-k8s1.37.0-etcd3.6.6-cni1.10.0}
# make image's base images (debootstrap, the Go toolchain) and buildah's layer cache, likewise.
export IMAGE_WORK=${IMAGE_WORK:-$HOME/.cache/esrevoke/image-build}
# The helm command line the chart is installed with.
export E2E_TOOLS_DIR=${E2E_TOOLS_DIR:-$HOME/.cache/esrevoke/e2e-tools}
start=$(date +%s)
make --no-print-directory e2e-cluster KCLUSTER_BIN_DIR="$KCLUSTER_BIN_DIR"
echo "[ci-cluster] make e2e-cluster took $(($(date +%s) - start))s"
