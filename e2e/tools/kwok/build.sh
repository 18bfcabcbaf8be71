#!/usr/bin/env bash
# Builds kwok (fake-node controller) and kwokctl (runs etcd, kube-apiserver, ... as local
# processes) from the sigs.k8s.io/kwok release pinned in go.mod:
#   ./build.sh OUT_DIR   -> OUT_DIR/bin/{kwok,kwokctl}, OUT_DIR/stages/*.yaml
# Version is set as upstream's hack/releases.sh does (-X sigs.k8s.io/kwok/pkg/consts.Version).
set -euo pipefail
out="${1:?usage: $0 OUT_DIR}"
cd "$(dirname "$0")"
mkdir -p "$out/bin"
version="$(go list -m -f '{{.Version}}' sigs.k8s.io/kwok)"
export CGO_ENABLED=0
for cmd in kwok kwokctl; do
  go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$version" -o "$out/bin/$cmd" "sigs.k8s.io/kwok/cmd/$cmd"
done
"$out/bin/kwokctl" --version

# kwokctl's own default Stages (pkg/kwokctl/runtime/cluster.go: getDefaultNodeStages with a node
# lease, getDefaultPodStages), copied as the module has them: kwokctl uses none of its defaults
# once a config names any Stage, and the harness adds one (e2e/cluster/stages/).
stages="$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
mkdir -p "$out/stages"
cp "$stages/node/fast/node-initialize.yaml" "$stages/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
  "$stages/pod/fast/pod-ready.yaml" "$stages/pod/fast/pod-complete.yaml" "$stages/pod/fast/pod-delete.yaml" "$out/stages/"
chmod u+w "$out/stages/"*.yaml
