#!/usr/bin/env bash
# Builds helm from the pinned helm.sh/helm/v3 release, with the ldflags helm's Makefile sets.
#   ./build.sh OUT_DIR  ->  OUT_DIR/bin/helm
set -euo pipefail
out="$(mkdir -p "${1:?usage: $0 OUT_DIR}" && cd "$1" && pwd)"
cd "$(dirname "$0")"
version=v3.21.4
commit=813176c51bb5c181dbbd7901298ddcc104cd3417   # the v3.21.4 tag (helm/helm)

# As helm's Makefile: the default Kubernetes version `helm template` assumes (and lint checks
# against) follows the client-go helm is built with (v0.36.x -> 1.36), not the library default 1.20.
k8s="$(go list -mod=readonly -m -f '{{.Version}}' k8s.io/client-go)"   # v0.36.2
k8s="${k8s#v}"; k8s_major=$(( ${k8s%%.*} + 1 )); k8s_minor="$(echo "$k8s" | cut -d. -f2)"

ldflags="-w -s"
ldflags+=" -X helm.sh/helm/v3/internal/version.version=$version"
ldflags+=" -X helm.sh/helm/v3/internal/version.metadata="
ldflags+=" -X helm.sh/helm/v3/internal/version.gitCommit=$commit"
ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X $p.k8sVersionMajor=$k8s_major -X $p.k8sVersionMinor=$k8s_minor"
done

mkdir -p "$out/bin"
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out/bin/helm" helm.sh/helm/v3/cmd/helm
