#!/usr/bin/env bash
# Builds the manager image from the project's Dockerfile, unmodified, with buildah (no Docker engine,
# no daemon) and no registry: pulls are disabled, and the Dockerfile's two base images are stand-ins
# assembled here, stored under the names the Dockerfile asks for:
#   golang:1.26                     a Debian bookworm root filesystem made by debootstrap, plus the Go
#                                   toolchain the Go module proxy serves as golang.org/toolchain
#                                   (the version of the local `go`), with the official image's
#                                   GOPATH, PATH and WORKDIR;
#   gcr.io/distroless/static:nonroot  CA certificates and tzdata from that Debian, /etc/passwd and
#                                   /etc/group with root and nonroot (65532), /tmp, user 65532.
# Writes the image as a `docker save` tarball, which `ctr images import` and `docker load` read.
#
# Usage: image-build.sh NAME:TAG OUTPUT.tar
# Environment:
#   IMAGE_WORK   cache directory: the buildah store, the Debian root filesystem (default bin/image)
#   DEBIAN_MIRROR, DEBIAN_SUITE   for debootstrap (default http://deb.debian.org/debian, bookworm)
# Needs root and Debian's buildah and debootstrap (apt-get install buildah debootstrap). The base images
# are made once (debootstrap ~2-4 min); the image is rebuilt only when a file the Dockerfile copies
# changes (its inputs' hash is kept beside the tarball, and the last tarball built is kept in
# IMAGE_WORK for a fresh clone of the same sources), so a second run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

ref=${1:?usage: image-build.sh NAME:TAG OUTPUT.tar}
out=${2:?usage: image-build.sh NAME:TAG OUTPUT.tar}
work=$(readlink -m "${IMAGE_WORK:-bin/image}")
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=${DEBIAN_SUITE:-bookworm}
go_version=$(go env GOVERSION) # go1.26.8: the toolchain the module proxy serves for this machine's Go
golang_ref=docker.io/library/golang:1.26
static_ref=gcr.io/distroless/static:nonroot

log() { printf '[image] %s\n' "$*" >&2; }
die() { printf '[image] ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (buildah and debootstrap)"
for c in buildah debootstrap; do
  command -v "$c" >/dev/null || die "$c not found: apt-get install buildah debootstrap"
done

mkdir -p "$work" "$(dirname "$out")"
# A private store, so the host's /var/lib/containers is left alone; the run root is on tmpfs.
runroot=/run/esrevoke-image-build
bh() { buildah --root "$work/storage" --runroot "$runroot" --storage-driver overlay "$@"; }
has_image() { bh inspect --type image "$1" >/dev/null 2>&1; }

# inputs_hash: what the Dockerfile copies (go.mod, go.sum, *.go, api/, controllers/, internal/) and the
# Dockerfile itself, so an unchanged tree reuses the tarball.
inputs_hash() {
  { cat Dockerfile go.mod go.sum; find ./*.go api controllers internal -type f -print0 | sort -z | xargs -0 sha256sum; } |
    sha256sum | cut -d' ' -f1
}

# debian_rootfs: a minimal Debian, with ca-certificates and tzdata, as a tarball (made once).
debian_rootfs() {
  local tar=$work/debian-$suite-rootfs.tar dir
  if [ ! -s "$tar" ]; then
    log "debootstrap $suite from $mirror (once, a few minutes)"
    dir=$(mktemp -d "$work/rootfs.XXXXXX")
    debootstrap --variant=minbase --include=ca-certificates,tzdata "$suite" "$dir" "$mirror" >"$work/debootstrap.log" 2>&1 ||
      { tail -20 "$work/debootstrap.log" >&2; rm -rf "$dir"; die "debootstrap failed (log: $work/debootstrap.log)"; }
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    tar -C "$dir" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$dir"
  fi
  echo "$tar"
}

# go_toolchain: the directory of the Go toolchain module (a GOROOT), downloaded from the module proxy.
go_toolchain() {
  local mod=golang.org/toolchain@v0.0.1-$go_version.linux-$(go env GOARCH)
  (cd / && GOWORK=off GOFLAGS= go mod download -json "$mod") | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'
}

# make_golang: the golang:1.26 stand-in.
make_golang() {
  local rootfs mod goroot c
  rootfs=$(debian_rootfs)
  mod=$(go_toolchain)
  [ -f "$mod/bin/go" ] || die "no Go toolchain at '$mod'"
  log "golang stand-in: Debian $suite + $go_version from the module proxy"
  # Module zips keep no executable bits (cmd/go sets them when it switches toolchains): set them on a copy.
  goroot=$(mktemp -d "$work/goroot.XXXXXX")
  cp -r "$mod/." "$goroot/"
  chmod -R u+w "$goroot"
  chmod 755 "$goroot"/bin/* "$goroot"/pkg/tool/*/*
  c=$(bh from --pull=never scratch)
  bh add "$c" "$rootfs" / >/dev/null
  bh copy "$c" "$goroot" /usr/local/go >/dev/null
  rm -rf "$goroot"
  # The builder stage fetches modules from the proxy: it trusts this machine's CAs (an egress proxy may
  # re-sign TLS here). Only the builder stage has them; the final image is built on the static base.
  bh copy "$c" /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt >/dev/null
  bh config --env GOLANG_VERSION="${go_version#go}" --env GOTOOLCHAIN=local --env GOPATH=/go \
    --env PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --workingdir /go --cmd bash "$c"
  bh commit --quiet --rm "$c" "$golang_ref" >/dev/null
}

# make_static: the distroless static:nonroot stand-in.
make_static() {
  local rootfs etc c
  rootfs=$(debian_rootfs)
  log "distroless static stand-in: CA certificates, tzdata, nonroot 65532"
  etc=$(mktemp -d)
  tar -C "$etc" -xf "$rootfs" ./etc/ssl/certs/ca-certificates.crt ./usr/share/zoneinfo
  mkdir -p "$etc/etc" "$etc/tmp" "$etc/home/nonroot"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$etc/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$etc/etc/group"
  chmod 644 "$etc/etc/passwd" "$etc/etc/group"
  chmod 1777 "$etc/tmp"
  chown 65532:65532 "$etc/home/nonroot" && chmod 700 "$etc/home/nonroot"
  c=$(bh from --pull=never scratch)
  bh copy "$c" "$etc" / >/dev/null
  bh config --user 65532:65532 --workingdir /home/nonroot --env PATH=/usr/local/bin:/usr/bin:/bin "$c"
  bh commit --quiet --rm "$c" "$static_ref" >/dev/null
  rm -rf "$etc"
}

# cleanup: buildah leaves its working containers, and their overlay mounts, behind when a build is
# interrupted or fails: remove them and anything still mounted in the store, on every exit.
cleanup() {
  local m
  bh rm --all >/dev/null 2>&1 || true
  while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done < <(
    awk -v s="$work/storage" -v r="$runroot" '$2 ~ "^" s "/" || $2 ~ "^" r "/" { print $2 }' /proc/mounts | sort -r)
  # The run root only holds the state of mounts and locks: gone with them, nothing is left in /run.
  grep -q " $runroot/" /proc/mounts || rm -rf "$runroot"
}

hash=$(inputs_hash)
# The last image built is kept in the cache too, so a fresh clone of the same sources reuses it.
cached=$work/last-image.tar
keep() {
  [ "$(readlink -m "$(dirname "$out")")" != "$work" ] || return 0 # the tarball is in the cache already
  cp "$out" "$cached.tmp" && mv "$cached.tmp" "$cached" && echo "$hash $ref" >"$cached.inputs"
}
if [ -s "$out" ] && [ "$(cat "$out.inputs" 2>/dev/null)" = "$hash $ref" ]; then
  [ "$(cat "$cached.inputs" 2>/dev/null)" = "$hash $ref" ] || keep
  log "$ref is up to date: $out"
  exit 0
fi
if [ -s "$cached" ] && [ "$(cat "$cached.inputs" 2>/dev/null)" = "$hash $ref" ]; then
  cp "$cached" "$out.tmp" && mv "$out.tmp" "$out"
  echo "$hash $ref" >"$out.inputs"
  log "$ref is up to date (from $cached): $out"
  exit 0
fi
trap cleanup EXIT
has_image "$golang_ref" || make_golang
has_image "$static_ref" || make_static
log "buildah bud -f Dockerfile -t $ref (pulls disabled)"
# chroot isolation: RUN steps need no OCI runtime, namespaces or cgroups of their own, only root; they
# use the host's network, as `docker build` does by default. TARGETOS and TARGETARCH are the build
# arguments BuildKit sets by itself and this buildah does not.
# TMPDIR: buildah keeps the Dockerfile's cache mounts (Go's module and build caches) under it, here
# with the other caches, so a source change recompiles only the packages it touches.
mkdir -p "$work/tmp"
TMPDIR="$work/tmp" bh bud --pull=never --isolation chroot --layers --build-arg TARGETOS=linux --build-arg TARGETARCH="$(go env GOARCH)" \
  -f Dockerfile -t "$ref" . >&2
rm -f "$out"
bh push "$ref" "docker-archive:$out:$ref" >/dev/null
echo "$hash $ref" >"$out.inputs"
keep
# The builder stage's layers are of no use to the next build, whose compiler output comes from the
# cache mounts: drop the untagged images (the builder stage, the intermediate layers) so the store
# does not grow with every source change. The base images stay.
bh rmi --prune >/dev/null 2>&1 || log "could not prune the intermediate images of $work/storage"
log "$ref -> $out ($(du -h "$out" | cut -f1))"
