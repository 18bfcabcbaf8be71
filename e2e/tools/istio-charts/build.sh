#!/usr/bin/env bash
# Writes the Helm charts of one Istio release per minor, 1.24 to 1.29, from istio.io/istio at that
# release tag's commit, each pinned by its own Go module here (<minor>/go.mod) and verified by its
# committed go.sum. (1.30's charts come from e2e/tools/istio.)
#   ./build.sh OUT_DIR  ->  OUT_DIR/charts/<label>/{base,istio-control/istio-discovery,gateway,istio-cni,ztunnel}
#                           OUT_DIR/charts/INDEX: one "<minor> <label> <dir>" line a minor, <dir>
#                           relative to OUT_DIR/charts
# Each OUT_DIR/charts/<label> is a manifests/charts-style folder: give it as `istio.chartsDir`.
set -euo pipefail
out="$(mkdir -p "${1:?usage: $0 OUT_DIR}" && cd "$1" && pwd)"
cd "$(dirname "$0")"

# minor:tag — the release tag each <minor>/go.mod's pseudo-version is the commit of (README.md says
# how they were found). A minor pinned to a commit that is no tag gets an empty tag, and the label
# <minor>-dev.<12 hex> like e2e/tools/istio's.
releases="1.24:1.24.2 1.25:1.25.2 1.26:1.26.2 1.27:1.27.9 1.28:1.28.3 1.29:1.29.1"
charts="base istio-control/istio-discovery gateway istio-cni ztunnel"

# Checksums come from the committed go.sum files alone: each module's two lines are checked to be
# there before the download (so the go command never records a new one), the go command verifies
# the zip and go.mod against them, and `go mod verify` re-hashes the extracted tree. With every
# line present the checksum database is never needed, so it is off (it may be unreachable), and
# -mod=readonly keeps go.sum as committed whatever GOFLAGS the caller has.
export GOFLAGS=-mod=readonly GOSUMDB=off

mkdir -p "$out/charts"
: >"$out/charts/INDEX"
for r in $releases; do
  minor=${r%%:*} tag=${r#*:}
  version="$(awk '$1 == "require" && $2 == "istio.io/istio" { print $3 }' "$minor/go.mod")"
  [ -n "$version" ] || { echo "$minor/go.mod: no 'require istio.io/istio <version>' line" >&2; exit 1; }
  n="$(grep -c -E "^istio\.io/istio ${version}(/go\.mod)? h1:" "$minor/go.sum" || true)"
  [ "$n" = 2 ] || { echo "$minor/go.sum: want the two lines of istio.io/istio $version, found $n" >&2; exit 1; }
  commit=${version##*-}
  label=${tag:-$minor-dev.$commit}

  (cd "$minor" && go mod download istio.io/istio && go mod verify >/dev/null)
  src="$(cd "$minor" && go list -m -f '{{.Dir}}' istio.io/istio)/manifests/charts"

  dest="$out/charts/$label"
  for chart in $charts; do
    [ -d "$src/$chart" ] || continue   # all five exist in 1.24 to 1.29
    mkdir -p "$dest/$(dirname "$chart")"
    cp -R "$src/$chart" "$dest/$chart"
    chmod -R u+w "$dest/$chart"        # the module cache is read-only
    # The sources say 1.0.0; Istio's release-builder sets both to the release when it publishes
    # charts, as e2e/tools/istio/writecharts does (only top-level lines, appVersion added if absent).
    y="$dest/$chart/Chart.yaml"
    grep -q '^version:' "$y" || { echo "$y: no top-level version: line" >&2; exit 1; }
    sed -i -e "s/^version:.*/version: $label/" -e "s/^appVersion:.*/appVersion: $label/" "$y"
    grep -q '^appVersion:' "$y" || echo "appVersion: $label" >>"$y"
  done
  echo "$minor $label $label" >>"$out/charts/INDEX"
done
