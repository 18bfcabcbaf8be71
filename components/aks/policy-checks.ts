import { valueAt } from "../key-path";
import { IpFamily } from "../target/cluster-facts";
import { type CloudPolicyChecks, worldOpenRanges } from "../target/policy-check";

/** The AKS cluster resource, as `AksDualStackCluster` (and any `azure-native.containerservice.ManagedCluster`) registers it. */
export const AKS_CLUSTER_TYPE = "azure-native:containerservice:ManagedCluster";

const ENDPOINT_ALLOWED = "apiServerAccessProfile.authorizedIPRanges without 0.0.0.0/0, or apiServerAccessProfile.enablePrivateCluster: true";

/**
 * What AKS contributes to the policy pack: the cluster's families and its API server's allow-list.
 * Without `authorizedIPRanges` the public API server admits any address
 * (https://learn.microsoft.com/en-us/azure/aks/api-server-authorized-ip-ranges); a private cluster
 * has no public endpoint. No CIS checks: this package keeps no CIS AKS table (`cis.ts`) yet.
 */
export const AKS_POLICY_CHECKS: CloudPolicyChecks = {
    cluster: {
        type: AKS_CLUSTER_TYPE,
        // networkProfile.ipFamilies, primary first; AKS's default is IPv4 only.
        families: (props) => {
            const families = valueAt(props, "networkProfile.ipFamilies");
            const known = Array.isArray(families) ? Object.values(IpFamily).filter((family) => families.includes(family)) : [];
            return known.length > 0 ? known : [IpFamily.IPv4];
        },
    },
    endpoint: [
        {
            type: AKS_CLUSTER_TYPE,
            check: (resource) =>
                valueAt(resource.props, "apiServerAccessProfile.enablePrivateCluster") === true
                    ? []
                    : worldOpenRanges(
                          resource,
                          "apiServerAccessProfile.authorizedIPRanges",
                          valueAt(resource.props, "apiServerAccessProfile.authorizedIPRanges"),
                          ENDPOINT_ALLOWED,
                      ),
        },
    ],
    cis: [],
};
