import { planFleet } from "../fleet/fleet-plan";
import { exportOperatorStacks, type OperatorExport, type OperatorExportOptions } from "../fleet/operator-export";
import { readTenantsFile } from "../fleet/tenants-file";

/** The flags of `dualstack-istio fleet export-operator`: the export's options, one flag each. */
export type FleetExportFlags = OperatorExportOptions;

/** Checks the fleet as `fleet plan` does, then renders each tenant's operator `Stack`. */
export function fleetExportCommand(file: string, flags: FleetExportFlags, today?: Date): OperatorExport {
    return exportOperatorStacks(planFleet(readTenantsFile(file), today), flags);
}
