import assert from "node:assert/strict";
import fc from "fast-check";
import { EksIpv6Cluster } from "../../components/eks/eks-ipv6-cluster";
import { AWS_NAME_LIMITS, autonamedLogicalName, fittedName, PULUMI_AUTONAME_SUFFIX_LENGTH } from "../../components/eks/names";
import { AWS_INVOKES, AWS_SYNTHESIZERS } from "../../components/eks/offline-answers";
import { planEksCluster } from "../../components/eks/plan";
import { type OfflineRun, type RecordedResource, runOffline } from "../../engine/offline-engine";
import { autoName } from "../../engine/synthesis";
import { T } from "./eks-cluster-support";

const FIRST = [..."0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"];
const REST = [...FIRST, "-", "_"];

/** A clusterName EKS accepts (plan.ts's rule), of exactly `length` characters. */
const clusterNameOf = (length: number) =>
    fc.tuple(fc.constantFrom(...FIRST), fc.array(fc.constantFrom(...REST), { minLength: length - 1, maxLength: length - 1 })).map(([head, tail]) => head + tail.join(""));
/** Any accepted clusterName, 1 to 100 characters, long ones as likely as short ones. */
const clusterName = fc.integer({ min: 1, max: 100 }).chain(clusterNameOf);

/** The Helm release name limit (Helm `chartutil.ValidateReleaseName`). */
const HELM_RELEASE_NAME = 53;

/** How each type this component registers is named in AWS (or in the cluster), and the limit. */
const NAMED: Readonly<Record<string, { readonly name: (resource: RecordedResource) => unknown; readonly limit: number }>> = {
    [T.role]: { name: (r) => autoName(r), limit: AWS_NAME_LIMITS.iamRole },
    [T.policy]: { name: (r) => autoName(r), limit: AWS_NAME_LIMITS.iamPolicy },
    [T.launchTemplate]: { name: (r) => autoName(r), limit: AWS_NAME_LIMITS.launchTemplate },
    [T.sg]: { name: (r) => autoName(r), limit: AWS_NAME_LIMITS.securityGroup },
    [T.nodeGroup]: { name: (r) => autoName({ ...r, inputs: { name: r.inputs.nodeGroupName } }), limit: AWS_NAME_LIMITS.nodeGroup },
    [T.cluster]: { name: (r) => r.inputs.name, limit: AWS_NAME_LIMITS.eksCluster },
    [T.logGroup]: { name: (r) => r.inputs.name, limit: AWS_NAME_LIMITS.logGroup },
    // Add-on names are EKS's own fixed names (vpc-cni, coredns...), not derived from clusterName.
    [T.addon]: { name: (r) => r.inputs.addonName, limit: 100 },
    [T.release]: { name: (r) => r.inputs.name, limit: HELM_RELEASE_NAME },
};
/** Types without a name of their own: AWS gives them ids (or they exist only in Pulumi). */
const UNNAMED = new Set<string>([
    T.vpc,
    T.subnet,
    T.route,
    T.routeTable,
    T.association,
    T.igw,
    T.eigw,
    T.nat,
    T.eip,
    T.egress,
    T.ingress,
    T.attachment,
    T.key,
    T.accessEntry,
    T.accessPolicy,
    T.podIdentity,
    T.provider,
    "dualstack-istio:index:EksIpv6Cluster",
    "pulumi:pulumi:Stack",
]);
/** Description limits: EC2 255 (security group and its rules, launch template), IAM 1000, KMS 8192. */
const DESCRIPTION_LIMITS: Readonly<Record<string, number>> = {
    [T.sg]: 255,
    [T.egress]: 255,
    [T.ingress]: 255,
    [T.launchTemplate]: 255,
    [T.role]: 1000,
    [T.policy]: 1000,
    [T.key]: 8192,
};

/** Plans the component as the stack does (component name = clusterName) under the offline engine. */
function planOffline(name: string): Promise<OfflineRun> {
    return runOffline(() => new EksIpv6Cluster(name, { region: "eu-west-1", clusterName: name, publicAccessCidrs: ["81.2.69.0/24"] }), {
        synthesizers: AWS_SYNTHESIZERS,
        invokes: AWS_INVOKES,
    });
}

/** Every AWS name the run plans, `type name`, after checking each against its limit. */
function checkedNames(run: OfflineRun): string[] {
    const names: string[] = [];
    for (const resource of run.resources) {
        const rule = NAMED[resource.type];
        assert.ok(rule ?? UNNAMED.has(resource.type), `${resource.type} is neither named nor known to be unnamed: add it to this test`);
        if (rule) {
            const name = rule.name(resource);
            assert.equal(typeof name, "string", `${resource.type} ${resource.name} has a name`);
            assert.ok((name as string).length <= rule.limit, `${resource.type} ${resource.name}: '${name as string}' is longer than ${rule.limit}`);
            names.push(`${resource.type} ${name as string}`);
        }
        const tags = (resource.inputs.tags ?? {}) as Record<string, string>;
        for (const [key, value] of Object.entries(tags)) {
            assert.ok(key.length <= AWS_NAME_LIMITS.tagKey, `${resource.type} ${resource.name}: tag key '${key}'`);
            assert.ok(value.length <= AWS_NAME_LIMITS.tagValue, `${resource.type} ${resource.name}: tag ${key}'s value`);
        }
        const description = resource.inputs.description;
        if (typeof description === "string") {
            assert.ok(description.length <= DESCRIPTION_LIMITS[resource.type], `${resource.type} ${resource.name}: description of ${description.length}`);
        }
    }
    assert.equal(new Set(names).size, names.length, "no two resources of a type share a name");
    return names;
}

describe("EKS names: every derived name fits its limit", () => {
    it("keeps a name that fits, and shortens one that does not to exactly the limit, with a hash", () => {
        assert.equal(fittedName("dualstack-eks-cluster-role", 64, PULUMI_AUTONAME_SUFFIX_LENGTH), "dualstack-eks-cluster-role");
        const long = `${"a".repeat(100)}-cluster-role`;
        const fitted = autonamedLogicalName(long, "iamRole");
        assert.equal(fitted.length + PULUMI_AUTONAME_SUFFIX_LENGTH, 64);
        assert.match(fitted, /^a{47}-[0-9a-f]{8}$/);
        assert.equal(autonamedLogicalName(long, "iamRole"), fitted, "deterministic");
    });

    it("never lets two different names share a shortened name, nor returns one over the limit (property)", () => {
        fc.assert(
            fc.property(fc.string({ minLength: 1, maxLength: 300 }), fc.string({ minLength: 1, maxLength: 300 }), fc.integer({ min: 10, max: 300 }), (a, b, limit) => {
                fc.pre(a !== b);
                const [fa, fb] = [fittedName(a, limit), fittedName(b, limit)];
                assert.ok(fa.length <= limit && fb.length <= limit);
                assert.notEqual(fa, fb);
            }),
            { numRuns: 2000 },
        );
    });

    it("plans the example's names unchanged (they already fit)", async () => {
        const names = checkedNames(await planOffline("dualstack-eks"));
        for (const expected of ["dualstack-eks-cluster-role-", "dualstack-eks-node-role-", "dualstack-eks-lb-controller-", "dualstack-eks-nodes-"]) {
            assert.ok(
                names.some((name) => name.split(" ")[1].startsWith(expected) && name.split(" ")[1].length === expected.length + 7),
                expected,
            );
        }
    });

    it("fits every registered resource's name, tags and description for the longest clusterName", async () => {
        const name = `a${"-b_c".repeat(24)}xyz`;
        assert.equal(name.length, 100);
        planEksCluster(name, { region: "eu-west-1" });
        const names = checkedNames(await planOffline(name));
        assert.ok(names.includes(`${T.cluster} ${name}`));
        assert.ok(names.includes(`${T.logGroup} /aws/eks/${name}/cluster`));
    });

    it("fits every name, for every clusterName EKS accepts (property)", async () => {
        await fc.assert(
            fc.asyncProperty(clusterName, async (name) => {
                planEksCluster(name, { region: "eu-west-1" });
                checkedNames(await planOffline(name));
            }),
            { numRuns: 20 },
        );
    });

    it("gives two long clusterNames with a common start different names everywhere (property)", async () => {
        const pair = fc
            .integer({ min: 60, max: 99 })
            .chain((length) => fc.tuple(clusterNameOf(length), fc.constantFrom(...REST), fc.constantFrom(...REST)).filter(([, x, y]) => x !== y));
        await fc.assert(
            fc.asyncProperty(pair, async ([start, x, y]) => {
                const [a, b] = [checkedNames(await planOffline(start + x)), checkedNames(await planOffline(start + y))];
                const shared = a.filter((name) => b.includes(name) && !name.startsWith(`${T.addon} `) && !name.startsWith(`${T.release} `));
                assert.deepEqual(shared, []);
            }),
            { numRuns: 6 },
        );
    });
});
