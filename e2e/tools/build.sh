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
  key="$(cd "$dir" && find . -type f \( -name go.mod -o -name go.sum -o -name '*.sh' -o -name '*.go' \) -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)"
  out="$cache_root/$name-$key"
  if [ ! -f "$out/.complete" ]; then
    start=$SECONDS
    echo "e2e/tools: building $name (cache miss: $out)" >&2
    tmp="$out.partial.$$"
    rm -rf "$tmp"; mkdir -p "$tmp"
    (cd "$dir" && ./build.sh "$tmp") >&2
    touch "$tmp/.complete"
    rm -rf "$out"; mv "$tmp" "$out"
    echo "e2e/tools: built $name in $((SECONDS - start)) s" >&2
  fi
  echo "$name $out"
done
