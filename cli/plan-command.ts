import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseStackConfig, type StackConfig } from "../components/config/parse";
import { applyOverrides, readConfigText, ROOT_PROJECT } from "../components/config/sources";
import { InputError } from "../components/errors";
import { fileProblem } from "../components/read-errors";
import { OfflineRunError, runOffline, type OfflineRun } from "../engine/offline-engine";
import { cloudModule } from "../components/config/clouds";
import { DEFAULT_PLAN_CONFIG } from "../program/default-config";
import { deployStack } from "../program/deploy-stack";
import { planStack, type StackPlan } from "../program/stack-plan";
import { planFiles, renderSummary, renderTree, type PlanFiles } from "./plan-report";

/** The flags of `dualstack-istio plan`. */
export interface PlanFlags {
    /** A config file: the stack config itself, or a Pulumi stack file. @default the embedded GKE example */
    readonly config?: string;
    /** `key.path=value` overrides, applied in order. @default [] */
    readonly set?: readonly string[];
    /** A folder to write plan.json, plan.md, the values files and istio-operator.yaml into. */
    readonly out?: string;
    /** The stack name in URNs. @default "dev" */
    readonly stack?: string;
}

/** What `plan` produced. */
export interface PlanResult {
    readonly plan: StackPlan;
    readonly run: OfflineRun;
    /** The tree and the summary, as printed. */
    readonly report: string;
    readonly files: PlanFiles;
}

export const DEFAULT_PLAN_STACK = "dev";

/** Reads the config the flags describe: the file (or the embedded example), then `--set`. */
export function loadPlanConfig(flags: PlanFlags): StackConfig {
    let document: Record<string, unknown>;
    if (flags.config !== undefined) {
        let content: string;
        try {
            content = readFileSync(flags.config, "utf8");
        } catch (error) {
            throw new InputError("--config", `cannot read ${flags.config} (${fileProblem(error)})`);
        }
        document = readConfigText(content, flags.config);
    } else {
        document = structuredClone(DEFAULT_PLAN_CONFIG);
    }
    return parseStackConfig(applyOverrides(document, flags.set ?? []));
}

/**
 * Plans the root program for a config: checks it (a bad config throws an {@link InputError}
 * before anything runs), runs the program under the offline engine, and renders the report and
 * files. Writes nothing unless everything succeeded and `out` is given.
 */
export async function planCommand(flags: PlanFlags): Promise<PlanResult> {
    const plan = planStack(loadPlanConfig(flags));
    const result = await planOffline(plan, flags.stack ?? DEFAULT_PLAN_STACK);
    if (flags.out !== undefined) {
        writePlanFiles(result.files, flags.out);
    }
    return result;
}

/** Runs the root program for a checked plan under the offline engine and renders its report and files. */
export async function planOffline(plan: StackPlan, stack: string): Promise<PlanResult> {
    let run: OfflineRun;
    try {
        run = await runOffline(() => deployStack(plan), {
            project: ROOT_PROJECT,
            stack,
            ...cloudModule(plan.config.cloud).offlineAnswers(),
        });
    } catch (error) {
        if (error instanceof OfflineRunError) {
            throw new Error(`the program failed: ${error.message.split("\n")[0]}`);
        }
        throw error;
    }
    const report = `${renderTree(run.resources)}\n${renderSummary(plan, run.resources)}`;
    return { plan, run, report, files: planFiles(plan, run.resources) };
}

/** Writes plan files into a folder, creating it. */
export function writePlanFiles(files: PlanFiles, folder: string): void {
    const directory = resolve(folder);
    mkdirSync(directory, { recursive: true });
    for (const [name, content] of files) {
        writeFileSync(join(directory, name), content);
    }
}
