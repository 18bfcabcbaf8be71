import { AZURE_CLOUD } from "../aks/cloud";
import { AWS_CLOUD } from "../eks/cloud";
import { EXISTING_CLOUD } from "../existing/cloud";
import { GCP_CLOUD } from "../gke/cloud";
import { InputError } from "../errors";
import type { AnyCloudModule } from "../target/cloud-module";

/**
 * The registry: every cloud this package creates clusters on (or reaches), in the order the docs
 * list them. The config schema, the stack plan, the root program, the offline engine, the fleet
 * and the CLI iterate this list and never name a cloud; a new cloud is its folder and one line here.
 */
export const CLOUDS = [GCP_CLOUD, AWS_CLOUD, AZURE_CLOUD, EXISTING_CLOUD] as const satisfies readonly AnyCloudModule[];

/** A `cloud:` value. */
export type Cloud = (typeof CLOUDS)[number]["name"];

/** The cloud names, in registry order. */
export const CLOUD_NAMES = CLOUDS.map((cloud) => cloud.name) as [Cloud, ...Cloud[]];

/** True for a `cloud:` value of the registry. */
export function isCloud(value: unknown): value is Cloud {
    return (CLOUD_NAMES as readonly unknown[]).includes(value);
}

/**
 * Refuses a cloud whose SDK is not installed (an optional peer dependency, such as
 * `@pulumi/azure-native`), in one line naming the package, before anything is planned.
 */
export function requireCloudSdk(module: Pick<AnyCloudModule, "name" | "sdk">, resolve: (name: string) => string = require.resolve): void {
    if (module.sdk === undefined) {
        return;
    }
    try {
        resolve(module.sdk.name);
    } catch {
        throw new InputError("cloud", `${module.name} needs the package ${module.sdk.name}, which is not installed; run npm install ${module.sdk.name}@${module.sdk.range}`);
    }
}

/**
 * The module of a cloud. The registry pairs each config with its own cloud's module, which the
 * type system cannot follow through a lookup by name, so callers get the module untyped in its
 * section and plan.
 */
export function cloudModule(cloud: Cloud): AnyCloudModule {
    const module = CLOUDS.find((candidate) => candidate.name === cloud);
    if (module === undefined) {
        throw new Error(`internal: no cloud module named ${cloud}`);
    }
    return module;
}
