#!/usr/bin/env bash
# Builds pulumi-resource-kubernetes (the Pulumi Kubernetes provider plugin) from the pinned
# github.com/pulumi/pulumi-kubernetes/provider/v4 pseudo-version, which is the commit tagged
# v4.25.0 upstream.   ./build.sh OUT_DIR  ->  OUT_DIR/bin/pulumi-resource-kubernetes
#
# The main package //go:embeds schema-embed.json and terraform-mapping-embed.json, which upstream
# generates (`go generate`, cmd/pulumi-resource-kubernetes/generate.go) and which the module zip
# lacks. So: copy the module's source out of the module cache into a temp dir, generate the two
# files there from the schema.json and terraform-mapping.json it ships (./genembed does what
# generate.go does), and build that copy as the main module with -modfile: our go.mod/go.sum with
# the module line renamed, so every dependency is exactly the version our go.sum pins.
set -euo pipefail
out="$(mkdir -p "${1:?usage: $0 OUT_DIR}" && cd "$1" && pwd)"
cd "$(dirname "$0")"
version=4.25.0
mod=github.com/pulumi/pulumi-kubernetes/provider/v4

go mod download "$mod"
src="$(go list -mod=readonly -m -f '{{.Dir}}' "$mod")"

tmp="$(mktemp -d)"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cp -R "$src" "$tmp/src"
chmod -R u+w "$tmp/src"
go run -trimpath ./genembed "$version" "$src/cmd/pulumi-resource-kubernetes" "$tmp/src/cmd/pulumi-resource-kubernetes"

sed -e "s|^module .*|module $mod|" -e "\|^[[:space:]]*$mod v|d" -e "\|^require $mod v|d" go.mod >"$tmp/build.mod"
cp go.sum "$tmp/build.sum"

mkdir -p "$out/bin"
(cd "$tmp/src" && CGO_ENABLED=0 go build -trimpath -mod=readonly -modfile="$tmp/build.mod" \
  -ldflags "-X $mod/pkg/version.Version=$version" \
  -o "$out/bin/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes)
