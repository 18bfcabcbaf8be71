#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { InputError } from "../components/errors";
import { DEFAULT_ISTIO_VERSION } from "../components/istio/versions";
import type { PlanFlags } from "./plan-command";
import { DEFAULT_VALUES_KUBERNETES_VERSION, VALUES_CHARTS, VALUES_FORMATS, valuesCommand, type ValuesFlags } from "./values-command";

/** Exit code for bad input, as for any command-line usage error. */
const EXIT_USAGE = 2;

function collect(value: string, previous: string[] = []): string[] {
    return [...previous, value];
}

function buildProgram(): Command {
    const program = new Command("dualstack-istio")
        .description("Dual-stack Kubernetes clusters with Istio configured for dual-stack, with Pulumi.")
        .exitOverride()
        .configureOutput({ writeErr: () => undefined, outputError: () => undefined });

    program
        .command("values")
        .description("Print one Istio chart's Helm values (or an IstioOperator) for a dual-stack cluster.")
        .option("--flavor <flavor>", "upstream or experimental-dual-stack", "upstream")
        .option("--istio-version <version>", `upstream Istio release X.Y.Z (default ${DEFAULT_ISTIO_VERSION} for upstream)`)
        .option("--kubernetes-version <version>", "the cluster's Kubernetes version", DEFAULT_VALUES_KUBERNETES_VERSION)
        .option("--ip-families <families>", "the cluster's IP families, primary first", "IPv4,IPv6")
        .option("--platform <platform>", "generic, gke or eks", "generic")
        .option("--hub <hub>", "image registry path, e.g. docker.io/istio (required for the branch)")
        .option("--tag <tag>", "image tag (required for the branch; needs --hub)")
        .option("--revision <revision>", "istiod revision, a DNS-1123 label other than 'default'")
        .option("--image-pull-policy <policy>", "Always, IfNotPresent or Never (default: Always with --hub)")
        .option("--image-pull-secret <name>", "a pull Secret's name; repeat for more", collect)
        .option("--gateway-service-type <type>", "LoadBalancer, NodePort or ClusterIP", "LoadBalancer")
        .option("--cni", "plan with Istio CNI (implied by --chart cni)")
        .addOption(new Option("--chart <chart>", `which chart: ${VALUES_CHARTS.join(", ")}`).default("istiod"))
        .addOption(new Option("--format <format>", `${VALUES_FORMATS.join(" or ")}`).default("helm"))
        .action((flags: ValuesFlags) => {
            const output = valuesCommand(flags);
            for (const warning of output.warnings) {
                process.stderr.write(`warning: ${warning}\n`);
            }
            process.stdout.write(output.document);
        });
    program
        .command("plan")
        .description("Show what `pulumi up` of the root program would create, offline: tree, dual-stack summary, files.")
        .option("--config <file>", "the stack config (YAML), or a Pulumi.<stack>.yaml of the root project (default: a GKE example)")
        .option("--set <key.path=value>", "override one config key, e.g. istio.gateway.enabled=true; repeat for more", collect)
        .option("--out <dir>", "write plan.json, plan.md, <release>-values.yaml and istio-operator.yaml into this folder")
        .option("--stack <name>", "the stack name in URNs", "dev")
        .action(async (flags: PlanFlags) => {
            // Loaded only for this command: it brings in the Pulumi SDK and the components.
            const { planCommand } = await import("./plan-command");
            const result = await planCommand(flags);
            process.stdout.write(result.report);
            if (flags.out !== undefined) {
                process.stdout.write(`\nWrote ${[...result.files.keys()].join(", ")} to ${flags.out}\n`);
            }
        });
    return program;
}

/** Turns commander's own errors into `<flag>: <problem>` with the flag first. */
function commanderProblem(error: CommanderError): string {
    const message = error.message.replace(/^error: /, "");
    const flag = /'(--?[\w-]+)/.exec(message)?.[1];
    switch (error.code) {
        case "commander.unknownOption":
            return `${flag ?? "option"}: unknown option; run with --help for the flags`;
        case "commander.optionMissingArgument":
            return `${flag ?? "option"}: needs a value`;
        case "commander.unknownCommand":
        case "commander.excessArguments":
            return `command: ${message}; run dualstack-istio --help`;
        case "commander.help":
            // No command given: commander would print the whole help as an error.
            return "command: missing; available: plan, values (run dualstack-istio --help)";
        default:
            return flag ? `${flag}: ${message}` : message;
    }
}

export async function main(argv: readonly string[]): Promise<number> {
    try {
        await buildProgram().parseAsync([...argv], { from: "user" });
        return 0;
    } catch (error) {
        if (error instanceof CommanderError) {
            // --help and --version end by "throwing" with exit code 0.
            if (error.exitCode === 0) {
                return 0;
            }
            process.stderr.write(`error: ${commanderProblem(error)}\n`);
            return EXIT_USAGE;
        }
        if (error instanceof InputError) {
            process.stderr.write(`error: ${error.message}\n`);
            return EXIT_USAGE;
        }
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`error: internal: ${message.split("\n")[0]}\n`);
        return 1;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
