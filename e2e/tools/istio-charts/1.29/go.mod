// istio.io/istio at the 1.29.1 tag's commit (6991a379e1fcfbe21e64da2eda5d56624a5547b4), for its Helm charts
// (manifests/charts); see ../README.md. Only that module's zip is needed: no package of it is
// built, so go.sum holds just its two lines.
module dualstack-istio-e2e/tools/istio-charts/v1_29

go 1.25.0

require istio.io/istio v0.0.0-20260306174214-6991a379e1fc
