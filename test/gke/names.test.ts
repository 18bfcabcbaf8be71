import assert from "node:assert/strict";
import fc from "fast-check";
import { GkeDualStackCluster } from "../../components/gke/gke-dual-stack-cluster";
import { fittedName, GCP_NAME_LIMITS, nodeServiceAccountId } from "../../components/gke/names";
import { PULUMI_AUTONAME_SUFFIX_LENGTH as AUTONAME_SUFFIX_LENGTH } from "../../components/target/names";
import { GCP_INVOKES, GCP_SYNTHESIZERS } from "../../components/gke/offline-answers";
import { runOffline } from "../../engine/offline-engine";

const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,118}[a-z0-9])?$/);

/** The longest name Google takes for each kind of resource the component names. */
const LIMITS: Record<string, number> = {
    "gcp:compute/network:Network": GCP_NAME_LIMITS.compute,
    "gcp:compute/subnetwork:Subnetwork": GCP_NAME_LIMITS.compute,
    "gcp:compute/firewall:Firewall": GCP_NAME_LIMITS.compute,
    "gcp:compute/router:Router": GCP_NAME_LIMITS.compute,
    "gcp:compute/routerNat:RouterNat": GCP_NAME_LIMITS.compute,
    "gcp:container/nodePool:NodePool": GCP_NAME_LIMITS.nodePool,
};

describe("GKE names within Google's limits", () => {
    it("leaves a name to Pulumi's autonaming where it fits, and fits the rest with a digest, the same each time and distinct", () => {
        fc.assert(
            fc.property(label, label, fc.constantFrom(GCP_NAME_LIMITS.compute, GCP_NAME_LIMITS.nodePool), (a, b, limit) => {
                const fitted = fittedName(a, limit);
                assert.equal(fitted === undefined, a.length + AUTONAME_SUFFIX_LENGTH <= limit);
                if (fitted !== undefined) {
                    assert.ok(fitted.length <= limit, fitted);
                    assert.match(fitted, /^[a-z]([-a-z0-9]*[a-z0-9])?$/);
                    assert.equal(fittedName(a, limit), fitted);
                    fc.pre(a !== b);
                    assert.notEqual(fittedName(b, limit), fitted);
                }
            }),
        );
        assert.equal(fittedName("demo-nodes", 40), undefined);
        assert.equal(fittedName("a".repeat(40) + "-nodes", 40), `${"a".repeat(32)}-${fittedName("a".repeat(40) + "-nodes", 40)?.slice(-7)}`);
    });

    it("names the node account <clusterName>-nodes up to 24 characters, and never lets two long names share one", () => {
        assert.equal(nodeServiceAccountId("demo"), "demo-nodes");
        assert.equal(nodeServiceAccountId("x".repeat(24)), `${"x".repeat(24)}-nodes`);
        fc.assert(
            fc.property(fc.stringMatching(/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/), fc.stringMatching(/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/), (a, b) => {
                const id = nodeServiceAccountId(a);
                assert.ok(id.length >= 6 && id.length <= GCP_NAME_LIMITS.serviceAccountId, id);
                assert.match(id, /^[a-z]([-a-z0-9]*[a-z0-9])?$/);
                fc.pre(a !== b);
                assert.notEqual(nodeServiceAccountId(b), id);
            }),
        );
    });

    it("plans every named resource of the longest cluster name within its limit, autonamed or fitted", async () => {
        const name = "a-forty-character-cluster-name-for-tests";
        assert.equal(name.length, 40);
        const run = await runOffline(
            () => {
                new GkeDualStackCluster(name, { project: "my-project", region: "europe-west4", privateNodes: true, authorizedNetworks: ["81.2.69.0/24"] });
            },
            { synthesizers: GCP_SYNTHESIZERS, invokes: GCP_INVOKES },
        );
        const named = run.resources.filter((resource) => resource.type in LIMITS);
        assert.equal(named.length, 9);
        for (const resource of named) {
            const finalName = typeof resource.inputs.name === "string" ? resource.inputs.name : `${resource.name}-xxxxxxx`;
            assert.ok(finalName.length <= LIMITS[resource.type], `${resource.type} ${finalName} (${finalName.length})`);
        }
        const account = run.resources.find((resource) => resource.type === "gcp:serviceaccount/account:Account");
        assert.equal(account?.inputs.accountId, nodeServiceAccountId(name));
    });
});
