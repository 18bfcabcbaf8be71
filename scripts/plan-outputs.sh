#!/bin/bash
# Writes what the built CLI prints and writes for every example, a set of refusals, the example
# fleet and its operator export into OUTDIR, so that two commits can be compared byte for byte:
#
#   npm run build && scripts/plan-outputs.sh /tmp/after
#   git worktree add /tmp/before <commit> && (cd /tmp/before && npm ci && npm run build) &&
#     /tmp/before/scripts/plan-outputs.sh /tmp/before-out   # (or this script with REPO=/tmp/before)
#   diff -r /tmp/before-out /tmp/after
set -u
OUT=${1:?usage: plan-outputs.sh OUTDIR}
REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
export DUALSTACK_ISTIO_TODAY=${DUALSTACK_ISTIO_TODAY:-2026-11-25}
rm -rf "$OUT" && mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
cd "$REPO"
# The bin as that commit's package.json names it (dist/cli/main.js before issue 19, dist/cli/bin.js since).
CLI="node $REPO/$(node -p 'require(process.argv[1] + "/package.json").bin["dualstack-istio"]' "$REPO")"
KUBECONFIG_FILE=$REPO/examples/fleet/kubeconfigs/umbrella.yaml
record() { local name=$1; shift; "$@" > "$OUT/$name.txt" 2>&1; echo "$name $?" >> "$OUT/codes"; }
record default $CLI plan --out "$OUT/default-out"
record gcp2 $CLI plan --set istio.gateway.enabled=true --set istio.cni.enabled=true --set gcp.privateNodes=true --set 'gcp.authorizedNetworks=[10.0.0.0/8]'
record eks $CLI plan --config examples/eks/stack-config.yaml --out "$OUT/eks-out"
record existing $CLI plan --config examples/existing-cluster/stack-config.yaml --set "existing.kubeconfig=$KUBECONFIG_FILE" --set existing.context=umbrella --out "$OUT/existing-out"
[ -f examples/aks/stack-config.yaml ] && record aks $CLI plan --config examples/aks/stack-config.yaml --out "$OUT/aks-out"
for bad in cloud=azur region= 'aws.ipFamilies=[IPv4,IPv6]' network.podIpv4Cidr=10.0.0.0/8 nodes.count=-1 existing.kubeconfig=x gcp.project=Bad; do
    record "bad-$(echo "$bad" | tr -c 'a-zA-Z0-9\n' _)" $CLI plan --set "$bad"
done
record bad-eks-pod $CLI plan --config examples/eks/stack-config.yaml --set network.podIpv4Cidr=10.0.0.0/8
record bad-existing-region $CLI plan --config examples/existing-cluster/stack-config.yaml --set region=x
(cd examples/fleet && record fleet $CLI fleet plan tenants.yaml --out "$OUT/fleet-out")
(cd examples/fleet && record operator $CLI fleet export-operator tenants.yaml --repo https://example.com/r.git)
record values $CLI values --platform gke
record help $CLI --help
record plan-help $CLI plan --help
sed -i "s#$OUT#OUT#g" "$OUT"/*.txt
