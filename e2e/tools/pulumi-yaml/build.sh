#!/usr/bin/env bash
# Builds Pulumi's YAML language host, so the e2e suite runs a Pulumi YAML program (a language other
# than the package's own) against the package's component plugin.
#   ./build.sh OUT_DIR  ->  OUT_DIR/bin/pulumi-language-yaml
#
# github.com/pulumi/pulumi-yaml v1.25.0 (this folder's go.mod; the newest version the Go module
# proxy serves, beside v1.11.1). It brings its own pulumi pkg/sdk v3.206.0 for its plugin host,
# which it uses to load package schemas; the engine (CLI v3.274.1) runs it as any language host.
set -euo pipefail
out="$(mkdir -p "${1:?usage: $0 OUT_DIR}" && cd "$1" && pwd)"
cd "$(dirname "$0")"
mkdir -p "$out/bin"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/bin/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
