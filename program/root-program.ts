import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../components/config/parse";
import { anchorPathKeys } from "../components/config/paths";
import { readPulumiConfig } from "../components/config/sources";
import { InputError } from "../components/errors";
import { printableLine } from "../components/terminal-text";
import { deployStack, type StackOutputs } from "./deploy-stack";
import { planStack } from "./stack-plan";

/**
 * The root program's body: reads the stack's config, checks all of it, then creates the cluster
 * and Istio. `program/index.ts` runs it for `pulumi up`. A fleet's tenants deploy the plan the
 * fleet checks made with the same `deployStack`, and their stack config is what this would read.
 */
export async function rootProgram(): Promise<StackOutputs> {
    try {
        const document = readPulumiConfig(pulumi.runtime.allConfig(), pulumi.getProject());
        // Pulumi runs the program in the project's folder, which is where relative paths point.
        anchorPathKeys(document, process.cwd());
        const config = parseStackConfig(document);
        return await deployStack(planStack(config));
    } catch (error) {
        // A bad config is one line naming the key, not a stack trace.
        throw error instanceof InputError ? new pulumi.RunError(`config: ${printableLine(error.message)}`) : error;
    }
}
