import { planFleet } from "../fleet/fleet-plan";
import { exportOperatorStacks, type OperatorExport } from "../fleet/operator-export";
import { readTenantsFile } from "../fleet/tenants-file";

/** The flags of `dualstack-istio fleet export-operator`. */
export interface FleetExportFlags {
    readonly repo: string;
    readonly branch?: string;
    readonly commit?: string;
    readonly repoDir?: string;
    readonly namespace?: string;
    readonly serviceAccount?: string;
    readonly backend?: string;
    readonly credentialsSecret?: string;
    readonly stackPrefix?: string;
}

/** Checks the fleet as `fleet plan` does, then renders each tenant's operator `Stack`. */
export function fleetExportCommand(file: string, flags: FleetExportFlags, today?: Date): OperatorExport {
    const fleet = planFleet(readTenantsFile(file), today);
    return exportOperatorStacks(fleet, {
        repository: flags.repo,
        ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
        ...(flags.commit !== undefined ? { commit: flags.commit } : {}),
        ...(flags.repoDir !== undefined ? { repoDir: flags.repoDir } : {}),
        ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
        ...(flags.serviceAccount !== undefined ? { serviceAccount: flags.serviceAccount } : {}),
        ...(flags.backend !== undefined ? { backend: flags.backend } : {}),
        ...(flags.credentialsSecret !== undefined ? { credentialsSecret: flags.credentialsSecret } : {}),
        ...(flags.stackPrefix !== undefined ? { stackPrefix: flags.stackPrefix } : {}),
    });
}
