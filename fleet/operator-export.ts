import { stringify } from "yaml";
import { cloudModule, isCloud } from "../components/config/clouds";
import { InputError } from "../components/errors";
import { refuseCredentials } from "../components/network/urls";
import { isPrintableLine } from "../components/terminal-text";
import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from "../components/target/schema-parts";
import { isSelfManagedBackend } from "./backend";
import type { FleetPlan } from "./fleet-plan";
import type { PlannedTenant } from "./planned-tenant";
import { stackConfigEntries } from "./stack-config";

/** Where the Pulumi Kubernetes Operator finds the program, and how its Stacks authenticate. */
export interface OperatorExportOptions {
    /** The git repository holding this package's root project (`Pulumi.yaml` with `main: program/index.ts`). */
    readonly repo: string;
    /**
     * The branch to track (the operator polls it and rolls out new commits).
     * @default "main", unless `commit` is given
     */
    readonly branch?: string;
    /** A commit to pin instead of tracking a branch. */
    readonly commit?: string;
    /**
     * The folder of `Pulumi.yaml` inside the repository.
     * @default the repository's root
     */
    readonly repoDir?: string;
    /** @default "pulumi-operator" */
    readonly namespace?: string;
    /**
     * The ServiceAccount the operator's workspace pods run as; bind it to cloud credentials
     * (GKE Workload Identity, EKS Pod Identity).
     * @default "pulumi"
     */
    readonly serviceAccount?: string;
    /**
     * The state backend (`s3://…`, `gs://…`, `https://api.pulumi.com`).
     * @default Pulumi Cloud
     */
    readonly backend?: string;
    /**
     * The Secret with the backend's credential: `PULUMI_ACCESS_TOKEN` for Pulumi Cloud,
     * `PULUMI_CONFIG_PASSPHRASE` for a self-managed backend.
     * @default "pulumi-credentials"
     */
    readonly credentialsSecret?: string;
    /**
     * Put before each tenant's stack name: an organization for Pulumi Cloud (`acme-org/`).
     * @default none
     */
    readonly stackPrefix?: string;
}

/** What the export produced: the manifests, and the Secrets to create before applying them. */
export interface OperatorExport {
    /** One `pulumi.com/v1` `Stack` per tenant, as a multi-document YAML stream. */
    readonly manifests: string;
    /** One line per Secret the Stacks refer to that the user must create. */
    readonly secretsToCreate: readonly string[];
}

export const DEFAULT_OPERATOR_NAMESPACE = "pulumi-operator";

/**
 * The Pulumi Kubernetes Operator `Stack` resources of a fleet, for fleets that outgrow one
 * machine: each tenant's stack of the root program, from git, with the tenant's config inline
 * (the same entries `fleet up` sets). What only this machine has cannot go into a manifest: a
 * kubeconfig becomes a reference to a Secret; a local chart folder is refused.
 */
export function exportOperatorStacks(fleet: FleetPlan, options: OperatorExportOptions): OperatorExport {
    if (options.branch !== undefined && options.commit !== undefined) {
        throw new InputError("--commit", "give a branch to track or a commit to pin, not both");
    }
    checkOptions(options);
    const namespace = options.namespace ?? DEFAULT_OPERATOR_NAMESPACE;
    const credentialsSecret = options.credentialsSecret ?? "pulumi-credentials";
    const credential = isSelfManagedBackend(options.backend) ? "PULUMI_CONFIG_PASSPHRASE" : "PULUMI_ACCESS_TOKEN";
    const secretsToCreate = [`${namespace}/${credentialsSecret} with key ${credential}`];
    const documents = fleet.tenants.map((tenant) => {
        refuseLocalCharts(tenant, fleet.file.origin);
        const entries = stackConfigEntries(tenant.document);
        const config: Record<string, string> = {};
        const secretsRef: Record<string, unknown> = {};
        for (const [key, entry] of Object.entries(entries)) {
            const section = key.slice(key.indexOf(":") + 1);
            const inOperator = isCloud(section) ? cloudModule(section).inOperatorSecret : undefined;
            if (inOperator !== undefined) {
                // Credentials (or a path that exists only here): the operator reads them from a Secret.
                const name = stackResourceName(tenant);
                secretsRef[key] = { type: "Secret", secret: { name, key: section } };
                secretsToCreate.push(`${namespace}/${name} with key ${section}: the ${section} section of tenant '${tenant.name}' as JSON, with ${inOperator}`);
            } else {
                config[key] = entry.value;
            }
        }
        return {
            apiVersion: "pulumi.com/v1",
            kind: "Stack",
            metadata: {
                name: stackResourceName(tenant),
                namespace,
                labels: { "app.kubernetes.io/managed-by": "dualstack-istio", "dualstack-istio/tenant": tenant.name, "dualstack-istio/cloud": tenant.plan.config.cloud },
            },
            spec: {
                serviceAccountName: options.serviceAccount ?? "pulumi",
                stack: `${options.stackPrefix ?? ""}${tenant.name}`,
                projectRepo: options.repo,
                ...(options.commit !== undefined ? { commit: options.commit } : { branch: options.branch ?? "main" }),
                ...(options.repoDir ? { repoDir: options.repoDir } : {}),
                ...(options.backend !== undefined ? { backend: options.backend } : {}),
                envRefs: { [credential]: { type: "Secret", secret: { name: credentialsSecret, key: credential } } },
                config,
                ...(Object.keys(secretsRef).length ? { secretsRef } : {}),
                // Refresh first, so drift made outside Pulumi is seen before each update.
                refresh: true,
                // Deleting the Stack object must never delete a tenant's cluster by accident.
                destroyOnFinalize: false,
            },
        };
    });
    const manifests = documents.map((document) => stringify(document, { lineWidth: 0 })).join("---\n");
    return { manifests, secretsToCreate };
}

function stackResourceName(tenant: PlannedTenant): string {
    return `dualstack-istio-${tenant.name}`;
}

function refuseLocalCharts(tenant: PlannedTenant, origin: string): void {
    const { chartsDir } = tenant.plan.config.istio;
    if (chartsDir !== undefined) {
        throw new InputError(
            `${origin}: tenant '${tenant.name}': istio.chartsDir`,
            `${chartsDir} is a folder on this machine, which the operator cannot read; deploy this tenant with fleet up (upstream Istio can leave chartsDir out and use its chart repository)`,
        );
    }
}

/** Each option's flag, and what it takes: a value every Stack carries, so checked before any is written. */
const OPTION_RULES: { readonly [K in keyof OperatorExportOptions]-?: { readonly flag: string; readonly check: (value: string, flag: string) => void } } = {
    repo: {
        flag: "--repo",
        check: (value, flag) =>
            refuseCredentials(
                value,
                flag,
                "give the repository without them; the operator authenticates from a Secret you reference in each Stack's spec.gitAuth (accessToken, basicAuth or sshAuth)",
                true,
            ),
    },
    branch: { flag: "--branch", check: checkBranch },
    commit: {
        flag: "--commit",
        check: (value, flag) => {
            if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value)) {
                throw new InputError(
                    flag,
                    `'${value}' is not a full commit hash; give all its lowercase hex digits, 40 (64 in a SHA-256 repository; git rev-parse HEAD), which pin one commit`,
                );
            }
        },
    },
    repoDir: { flag: "--repo-dir", check: checkRepoDir },
    namespace: { flag: "--namespace", check: kubernetesName(DNS1123_LABEL, 63, "namespace") },
    serviceAccount: { flag: "--service-account", check: kubernetesName(DNS1123_SUBDOMAIN, 253, "ServiceAccount") },
    credentialsSecret: { flag: "--credentials-secret", check: kubernetesName(DNS1123_SUBDOMAIN, 253, "Secret") },
    backend: {
        flag: "--backend",
        check: (value, flag) =>
            refuseCredentials(
                value,
                flag,
                "give the backend without them; the Stacks read PULUMI_ACCESS_TOKEN or the passphrase from the Secret --credentials-secret names, and cloud storage through --service-account's identity",
            ),
    },
    stackPrefix: {
        flag: "--stack-prefix",
        // https://www.pulumi.com/docs/iac/concepts/stacks/: names are letters, digits, '-', '_' and '.'; the prefix may add an organization (and project) with '/'.
        check: (value, flag) => {
            if (!/^(?:[A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]*$/.test(value)) {
                throw new InputError(
                    flag,
                    `'${value}' is not a stack name prefix; use letters, digits, '-', '_' and '.', with at most two '/' after an organization and project, e.g. acme-org/`,
                );
            }
        },
    },
};

/** Refuses an empty value, a line break or other control character in any option, then applies its rule. */
function checkOptions(options: OperatorExportOptions): void {
    for (const [key, rule] of Object.entries(OPTION_RULES)) {
        const value = options[key as keyof OperatorExportOptions];
        if (value === undefined) {
            continue;
        }
        if (value.trim() === "") {
            throw new InputError(rule.flag, "is empty; give a value, or leave the flag out for its default");
        }
        if (!isPrintableLine(value)) {
            throw new InputError(rule.flag, "contains a line break or other control character; give a one-line value");
        }
        rule.check(value, rule.flag);
    }
}

function kubernetesName(grammar: RegExp, maxLength: number, kind: string): (value: string, flag: string) => void {
    return (value, flag) => {
        if (value.length > maxLength || !grammar.test(value)) {
            throw new InputError(
                flag,
                `'${value}' is not a ${kind} name; use lowercase letters, digits and '-'${maxLength > 63 ? " (and '.')" : ""}, starting and ending with a letter or digit, at most ${maxLength}`,
            );
        }
    };
}

/** The rules of `git check-ref-format --branch` (https://git-scm.com/docs/git-check-ref-format). */
function checkBranch(value: string, flag: string): void {
    const broken = /[\s~^:?*[\\]|\.\.|@\{|\/\/|^[-/]|\/$|\.$|(^|\/)\.|\.lock(\/|$)/.test(value) || value === "@";
    if (broken) {
        throw new InputError(
            flag,
            `'${value}' is not a git branch name; no spaces, ~ ^ : ? * [ \\, '..', '@{' or '//', no part starting with '.' or ending in '.lock', not starting with '-' or '/' nor ending in '/' or '.'`,
        );
    }
}

/** A folder inside the repository: relative, every part a name (no '.', '..' or empty part). */
function checkRepoDir(value: string, flag: string): void {
    if (value.includes("\\") || value.split("/").some((part) => part === "" || part === "." || part === "..")) {
        throw new InputError(
            flag,
            `'${value}' is not a folder inside the repository; give a relative path such as infra/pulumi, without a leading or trailing '/', '.' or '..' parts, or '\\'`,
        );
    }
}
