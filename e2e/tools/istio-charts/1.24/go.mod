// istio.io/istio at the 1.24.2 tag's commit (7754674f65d38523e49b692cbb95a5bb1e2a93b8), for its Helm charts
// (manifests/charts); see ../README.md. Only that module's zip is needed: no package of it is
// built, so go.sum holds just its two lines.
module dualstack-istio-e2e/tools/istio-charts/v1_24

go 1.22.0

require istio.io/istio v0.0.0-20241214032803-7754674f65d3
