// Drives the pack through the policy SDK's own request handling: real AnalyzeRequest and
// AnalyzeStackRequest protobufs into the SDK's analyze/analyzeStack handlers, exactly as the
// Pulumi CLI's gRPC calls reach them, and the SDK's own `configure` for policy config.
import * as grpc from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { type Policies, PolicyPack } from "@pulumi/policy";
import * as server from "@pulumi/policy/server";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { dualStackIstioPolicies } from "../../policy";

export const PACK = "dualstack-istio";
/** The pack's folder, whose package.json gives the version the CLI reports the pack by. */
export const PACK_DIR = path.resolve(__dirname, "../../policy-pack");
/** Reads a package.json's `version`. */
export function versionOf(packageJson: string): string {
    return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
}
export const PACK_VERSION = versionOf(path.join(PACK_DIR, "package.json"));
/** The engine's marker of a string not known until the update (the SDK's `unknownStringValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A resource as a test writes it. */
export interface TestResource {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    readonly urn?: string;
}

/** One diagnostic as the SDK returns it. */
export interface Diagnostic {
    readonly policy: string;
    readonly level: "advisory" | "mandatory";
    readonly message: string;
    readonly urn: string;
}

export const urnOf = (resource: TestResource) => resource.urn ?? `urn:pulumi:stack::project::${resource.type}::${resource.name}`;

type Handler = (call: { request: unknown }, callback: (error: Error | null, response?: analyzer.AnalyzeResponse) => void) => unknown;

/** The SDK's handler factories, which its typings leave out (`@internal`). */
interface AnalyzerServer {
    readonly makeAnalyzeRpcFun: (pack: string, version: string, level: string, policies: Policies) => Handler;
    readonly makeAnalyzeStackRpcFun: (pack: string, version: string, level: string, policies: Policies) => Handler;
}
const { makeAnalyzeRpcFun, makeAnalyzeStackRpcFun } = server as unknown as AnalyzerServer;

const policies = dualStackIstioPolicies();
const analyze = makeAnalyzeRpcFun(PACK, PACK_VERSION, "advisory", policies);
const analyzeStack = makeAnalyzeStackRpcFun(PACK, PACK_VERSION, "advisory", policies);

let configure: Handler | undefined;
/**
 * The SDK's `configure` handler, which only its `serve` registers: the pack is constructed once,
 * as the CLI's language host does, with the gRPC server's addService captured and bindAsync held
 * back (no port, no open handle).
 */
function configureHandler(): Handler {
    if (configure === undefined) {
        const prototype = grpc.Server.prototype;
        const held = Object.getOwnPropertyDescriptors(prototype);
        prototype.addService = (_service, implementation) => {
            configure = (implementation as Record<string, Handler>).configure;
        };
        prototype.bindAsync = () => undefined;
        try {
            new PolicyPack(PACK, { policies });
        } finally {
            Object.defineProperty(prototype, "addService", held.addService);
            Object.defineProperty(prototype, "bindAsync", held.bindAsync);
        }
    }
    return configure!;
}

function call(handler: Handler, request: unknown): Promise<analyzer.AnalyzeResponse> {
    return new Promise((resolve, reject) => {
        void handler({ request }, (error, response) => (error ? reject(error) : resolve(response!)));
    });
}

function diagnostics(response: analyzer.AnalyzeResponse): Diagnostic[] {
    return response.getDiagnosticsList().map((diagnostic) => ({
        policy: diagnostic.getPolicyname(),
        level: diagnostic.getEnforcementlevel() === analyzer.EnforcementLevel.MANDATORY ? "mandatory" : "advisory",
        message: diagnostic.getMessage(),
        urn: diagnostic.getUrn(),
    }));
}

/** Sets the pack's policy config (policy name to its properties), as `pulumi preview --policy-pack-config` does; `{}` clears it. */
export async function configurePolicies(config: Record<string, Record<string, unknown>>): Promise<void> {
    const request = new analyzer.ConfigureAnalyzerRequest();
    for (const [policy, properties] of Object.entries(config)) {
        const policyConfig = new analyzer.PolicyConfig();
        policyConfig.setEnforcementlevel(analyzer.EnforcementLevel.MANDATORY);
        policyConfig.setProperties(Struct.fromJavaScript(properties as never));
        request.getPolicyconfigMap().set(policy, policyConfig);
    }
    await new Promise<void>((resolve, reject) => {
        void configureHandler()({ request }, (error) => (error ? reject(error) : resolve()));
    });
}

/** The fields an AnalyzeRequest and a stack's AnalyzerResource share. */
interface ResourceMessage {
    setType(type: string): unknown;
    setName(name: string): unknown;
    setUrn(urn: string): unknown;
    setProperties(properties: Struct): unknown;
    setOptions(options: analyzer.AnalyzerResourceOptions): unknown;
}

/** `message` describing `resource`, as the engine fills it. */
function describing<Message extends ResourceMessage>(message: Message, resource: TestResource): Message {
    message.setType(resource.type);
    message.setName(resource.name);
    message.setUrn(urnOf(resource));
    message.setProperties(Struct.fromJavaScript(resource.props as never));
    message.setOptions(new analyzer.AnalyzerResourceOptions());
    return message;
}

/** `analyze` of one resource, as the engine calls it for each resource's inputs. */
export async function analyzeResource(resource: TestResource): Promise<Diagnostic[]> {
    return diagnostics(await call(analyze, describing(new analyzer.AnalyzeRequest(), resource)));
}

function stackRequest(resources: readonly TestResource[]): analyzer.AnalyzeStackRequest {
    const request = new analyzer.AnalyzeStackRequest();
    request.setResourcesList(resources.map((resource) => describing(new analyzer.AnalyzerResource(), resource)));
    return request;
}

/** `analyzeStack` of every resource, as the engine calls it once per preview or update. */
export async function analyzeWholeStack(resources: readonly TestResource[]): Promise<Diagnostic[]> {
    return diagnostics(await call(analyzeStack, stackRequest(resources)));
}

/** Every diagnostic of a stack: `analyze` of each resource, then `analyzeStack`. */
export async function analyzeAll(resources: readonly TestResource[]): Promise<Diagnostic[]> {
    const each: Diagnostic[] = [];
    for (const resource of resources) {
        each.push(...(await analyzeResource(resource)));
    }
    return [...each, ...(await analyzeWholeStack(resources))];
}

/** The not-applicable reasons `analyzeStack` returned, by policy. */
export async function notApplicable(resources: readonly TestResource[]): Promise<Record<string, string>> {
    const response = await call(analyzeStack, stackRequest(resources));
    return Object.fromEntries(response.getNotApplicableList().map((entry) => [entry.getPolicyName(), entry.getReason()]));
}
