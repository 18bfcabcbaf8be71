// The root Pulumi program (Pulumi.yaml `main`): one stack = one cluster with dual-stack Istio.
// The engine calls an exported function and takes what it returns as the stack's outputs (the
// common ones, the cloud's own, Istio's), so no output is listed here per cloud. CommonJS, as
// the engine requires this module: an ES `export default` would be one output named `default`.
import { rootProgram } from "./root-program";

module.exports = rootProgram;
