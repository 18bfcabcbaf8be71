#!/usr/bin/env bash
# Builds the real Kubernetes control plane (and kubectl) from the k8s.io/kubernetes
# release pinned in go.mod:   ./build.sh OUT_DIR   -> OUT_DIR/bin/{kube-apiserver,...}
# The version ldflags are the ones hack/lib/version.sh sets in an upstream build, so
# `kube-apiserver --version` and the API server's /version report the real release.
set -euo pipefail
out="${1:?usage: $0 OUT_DIR}"
cd "$(dirname "$0")"
mkdir -p "$out/bin"

version="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"   # e.g. v1.36.3
minor="${version#v1.}"; minor="${minor%%.*}"
# The module proxy carries no git metadata: the release tag is the version, the commit is unknown
# and left empty (instead of the source's "$Format:%H$" placeholder). buildDate is the pinned
# version's publication time, so builds are reproducible.
build_date="$(date -u -d "$(go list -m -json k8s.io/kubernetes | sed -n 's/^\t"Time": "\(.*\)",*$/\1/p')" +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X '$pkg.gitVersion=$version' -X '$pkg.gitMajor=1' -X '$pkg.gitMinor=$minor'"
  ldflags+=" -X '$pkg.gitCommit=' -X '$pkg.gitTreeState=clean' -X '$pkg.buildDate=$build_date'"
done

export CGO_ENABLED=0   # upstream builds these statically too (hack/lib/golang.sh)
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldflags" -o "$out/bin/$cmd" "k8s.io/kubernetes/cmd/$cmd"
done
"$out/bin/kube-apiserver" --version
