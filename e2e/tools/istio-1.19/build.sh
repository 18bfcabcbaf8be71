#!/usr/bin/env bash
# Builds istioctl 1.19.0 from istio.io/istio at the 1.19.0 tag's commit, with upstream's build tags
# and version ldflags, for the e2e step that installs an IstioOperator of the pre-1.20 API.
#   ./build.sh OUT_DIR  ->  OUT_DIR/bin/istioctl-1.19
# Named istioctl-1.19, not istioctl: every tool's bin/ goes on the suite's PATH, and `istioctl`
# there is the release under test (e2e/tools/istio).
set -euo pipefail
out="$(mkdir -p "${1:?usage: $0 OUT_DIR}" && cd "$1" && pwd)"
cd "$(dirname "$0")"

version=1.19.0
commit=3b3ca8ec1632   # the 1.19.0 tag's commit, from the pseudo-version

# Upstream's ldflags (common/scripts/report_build_info.sh) as the 1.19.0 release sets them: the
# version is also the default image tag istioctl renders, and docker.io/istio the release's hub.
p=istio.io/istio/pkg/version
ldflags="-s -w -X $p.buildVersion=$version -X $p.buildGitRevision=$commit -X $p.buildStatus=Clean"
ldflags+=" -X $p.buildTag=$version -X $p.buildHub=docker.io/istio"
ldflags+=" -X $p.buildOS=$(go env GOOS) -X $p.buildArch=$(go env GOARCH)"

mkdir -p "$out/bin"
CGO_ENABLED=0 go build -trimpath -tags vtprotobuf,disable_pgv -ldflags "$ldflags" \
  -o "$out/bin/istioctl-1.19" istio.io/istio/istioctl/cmd/istioctl
