#!/usr/bin/env bash
# Builds istioctl from the pinned istio.io/istio commit (release-1.30 branch, after the 1.30.3
# tag) and writes the Helm charts compiled into it.
#   ./build.sh OUT_DIR  ->  OUT_DIR/bin/istioctl
#                           OUT_DIR/charts/$version/{base,istio-control/istio-discovery,gateway,istio-cni,ztunnel}
# OUT_DIR/charts/$version is a manifests/charts-style folder: give it as `istio.chartsDir`.
set -euo pipefail
out="$(mkdir -p "${1:?usage: $0 OUT_DIR}" && cd "$1" && pwd)"
cd "$(dirname "$0")"

commit=9739e10eb9d7   # from the pseudo-version; no served metadata has the full SHA
# What this commit is: VERSION file "1.30" (so upstream `make` calls it 1.30-dev), newer than the
# 1.30.3 tag. A valid Helm chart version, Docker tag and label value all at once:
version="1.30-dev.$commit"

# Upstream's ldflags (common/scripts/report_build_info.sh) and build tags (Makefile.core.mk
# STANDARD_TAGS); buildHub is the Makefile's default HUB.
p=istio.io/istio/pkg/version
ldflags="-s -w -X $p.buildVersion=$version -X $p.buildGitRevision=$commit -X $p.buildStatus=Clean"
ldflags+=" -X $p.buildTag=$(go list -mod=readonly -m -f '{{.Version}}' istio.io/istio) -X $p.buildHub=istio"
ldflags+=" -X $p.buildOS=$(go env GOOS) -X $p.buildArch=$(go env GOARCH)"

mkdir -p "$out/bin"
CGO_ENABLED=0 go build -trimpath -tags vtprotobuf,disable_pgv -ldflags "$ldflags" \
  -o "$out/bin/istioctl" istio.io/istio/istioctl/cmd/istioctl

go run -trimpath ./writecharts "$version" "$out/charts/$version"
echo "$version" >"$out/charts/VERSION"
