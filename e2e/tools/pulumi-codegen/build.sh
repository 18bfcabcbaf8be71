#!/usr/bin/env bash
# Builds the Go SDK generator the e2e suite uses to check the package's schema from Go.
#   ./build.sh OUT_DIR  ->  OUT_DIR/bin/pulumi-codegen-go
#
# pulumi-codegen-go SCHEMA.json SDK_DIR: this folder's main.go, which makes the two calls the Go
# language host's GeneratePackage makes (schema.BindSpec, then codegen.GeneratePackage from
# github.com/pulumi/pulumi/pkg/v3/codegen/go v3.274.1, this folder's go.mod). The host itself
# (github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3) is not served by the Go module proxy: see
# ./README.md.
#
# Flags as e2e/tools/pulumi/build.sh (-trimpath, -w -s, tags osusergo,grpcnotrace).
set -euo pipefail
out="$(mkdir -p "${1:?usage: $0 OUT_DIR}" && cd "$1" && pwd)"
cd "$(dirname "$0")"
mkdir -p "$out/bin"
CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w" -o "$out/bin/pulumi-codegen-go" .
