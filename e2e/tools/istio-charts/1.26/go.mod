// istio.io/istio at the 1.26.2 tag's commit (455f269485eacc3c4a6cdb4993db5438589d3e2d), for its Helm charts
// (manifests/charts); see ../README.md. Only that module's zip is needed: no package of it is
// built, so go.sum holds just its two lines.
module dualstack-istio-e2e/tools/istio-charts/v1_26

go 1.24.0

require istio.io/istio v0.0.0-20250616142415-455f269485ea
