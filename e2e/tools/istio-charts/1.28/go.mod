// istio.io/istio at the 1.28.3 tag's commit (4c1f845d839e9086ee85ad9337f2647492322eb4), for its Helm charts
// (manifests/charts); see ../README.md. Only that module's zip is needed: no package of it is
// built, so go.sum holds just its two lines.
module dualstack-istio-e2e/tools/istio-charts/v1_28

go 1.24.0

require istio.io/istio v0.0.0-20260114100434-4c1f845d839e
