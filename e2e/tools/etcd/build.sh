#!/usr/bin/env bash
# Builds the real etcd server from the go.etcd.io/etcd/server/v3 release pinned in go.mod
# (its module root is etcd's package main):   ./build.sh OUT_DIR   -> OUT_DIR/bin/etcd
# The release version is a constant in go.etcd.io/etcd/api/v3/version, so `etcd --version`
# reports it without ldflags; the git SHA is unknown from the module proxy and stays unset.
set -euo pipefail
out="${1:?usage: $0 OUT_DIR}"
cd "$(dirname "$0")"
mkdir -p "$out/bin"
export CGO_ENABLED=0   # as etcd's scripts/build_lib.sh builds it
go build -trimpath -ldflags "-s -w" -o "$out/bin/etcd" go.etcd.io/etcd/server/v3
"$out/bin/etcd" --version
