# Build the manager binary.
FROM golang:1.26 AS builder
ARG TARGETOS
ARG TARGETARCH

WORKDIR /workspace
# The module and build caches are cache mounts (BuildKit, buildah): kept by the builder between
# builds, never part of an image, so a rebuild after a source change compiles only what changed.
ENV GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build
# Copy the Go module manifests first and download the modules.
COPY go.mod go.mod
COPY go.sum go.sum
RUN --mount=type=cache,target=/go/pkg/mod go mod download

# Copy the sources the manager is built from: package main is every .go file at the root (main.go
# and its flag and webhook setup), not main.go alone. The emulator under internal/esemulator is a
# test tool that the manager never imports; copying internal/ whole keeps the build simple.
COPY *.go ./
COPY api/ api/
COPY controllers/ controllers/
COPY internal/ internal/

# CGO_ENABLED=0 makes a static binary for the distroless static image. GOARCH has no default, so
# the binary is built for the platform of the build (or the one given with --platform).
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} go build -trimpath -o manager .

# Use distroless as a minimal base image to package the manager binary.
# Refer to https://github.com/GoogleContainerTools/distroless for more details.
FROM gcr.io/distroless/static:nonroot
WORKDIR /
COPY --from=builder /workspace/manager .
USER 65532:65532

ENTRYPOINT ["/manager"]
