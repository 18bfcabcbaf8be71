#!/usr/bin/env bash
# Builds the Pulumi CLI and a Node.js language host.
#   ./build.sh OUT_DIR  ->  OUT_DIR/bin/pulumi, OUT_DIR/bin/pulumi-language-nodejs
#
# pulumi: github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at v3.274.1 (this folder's go.mod).
#
# pulumi-language-nodejs: since v3.6x upstream builds it from its own module,
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which the Go module proxy does
# not serve at any version. The newest served source is the package inside sdk/v3 v3.68.0 (May
# 2023; later sdk/v3 zips no longer contain it), pinned in ./language-nodejs/go.mod, a second
# module because it needs sdk/v3 v3.68.0 while the CLI needs v3.274.1. It is a real language host,
# three years older than the CLI: see ./README.md for what that means.
#
# Flags as upstream's .goreleaser.yml (-trimpath, -w -s, tags osusergo,grpcnotrace).
# The CLI finds the host next to its own executable (workspace.IsPluginBundled), so both go in bin/.
set -euo pipefail
out="$(mkdir -p "${1:?usage: $0 OUT_DIR}" && cd "$1" && pwd)"
cd "$(dirname "$0")"
mkdir -p "$out/bin"

v=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
cli_version=v3.274.1
host_version=v3.68.0

CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w -X $v=$cli_version" \
  -o "$out/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
(cd language-nodejs && CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w -X $v=$host_version" \
  -o "$out/bin/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
