#!/usr/bin/env bash
# Builds the real parts the e2e suite runs on, each from a pinned Go module of ours
# (e2e/tools/<name>/go.mod + go.sum + build.sh), into a per-user cache keyed by the
# hash of that folder's files, so a second run costs only the hashing.
#
#   e2e/tools/build.sh [name ...]     build (or reuse) the named tools, default all
#
# Prints one line per tool: "<name> <dir>", the folder its build.sh filled.
# Nothing here downloads anything but Go modules through the Go module proxy.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${E2E_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-dualstack-istio/e2e-tools}"
mkdir -p "$cache_root"

if [ "$#" -eq 0 ]; then
  set -- $(cd "$here" && for d in */build.sh; do dirname "$d"; done)
fi

for name in "$@"; do
  dir="$here/$name"
  [ -x "$dir/build.sh" ] || { echo "e2e/tools: no tool '$name' (no $dir/build.sh)" >&2; exit 2; }
  # The folder's files and the toolchain that builds them: a new Go or platform builds afresh.
  key="$( (go env GOVERSION GOOS GOARCH; cd "$dir" && find . -type f \( -name go.mod -o -name go.sum -o -name '*.sh' -o -name '*.go' \) -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-12)"
  out="$cache_root/$name-$key"
  if [ ! -f "$out/.complete" ]; then
    start=$SECONDS
    echo "e2e/tools: building $name (cache miss: $out)" >&2
    tmp="$out.partial.$$"
    rm -rf "$tmp"; mkdir -p "$tmp"
    (cd "$dir" && ./build.sh "$tmp") >&2
    touch "$tmp/.complete"
    # A concurrent build of the same key may have landed first, and a cluster may already run its
    # binaries: keep it, and drop this one.
    if [ -f "$out/.complete" ]; then
      rm -rf "$tmp"
    else
      rm -rf "$out"; mv -T "$tmp" "$out" 2>/dev/null || rm -rf "$tmp"
    fi
    echo "e2e/tools: built $name in $((SECONDS - start)) s" >&2
  fi
  echo "$name $out"
done
