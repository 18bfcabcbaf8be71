import assert from "node:assert/strict";
import { parse } from "yaml";
import { allConfigKeys } from "../../components/config/keys";
import { parseStackConfig } from "../../components/config/parse";
import { EKS_CIS } from "../../components/eks/cis";
import { AWS_CLOUD, type AwsCloudPlan, type AwsStackConfig } from "../../components/eks/cloud";
import { cisStatus, cisSummary } from "../../components/target/cis";
import { type OfflineRun, runOffline } from "../../engine/offline-engine";
import { TEST_TODAY as TODAY } from "../support/clock";
import { idOf, T } from "./eks-cluster-support";

/** A `cloud: aws` stack config document, with `aws` keys set. */
function document(aws: Record<string, unknown> = {}): Record<string, unknown> {
    return { cloud: "aws", clusterName: "demo", region: "eu-west-1", aws: { publicAccessCidrs: ["81.2.69.0/24"], ...aws } };
}

function configOf(aws: Record<string, unknown> = {}): AwsStackConfig {
    const config = parseStackConfig(document(aws));
    assert.equal(config.cloud, "aws");
    return config as unknown as AwsStackConfig;
}

function planOf(aws: Record<string, unknown> = {}): AwsCloudPlan {
    return AWS_CLOUD.plan(configOf(aws), TODAY);
}

/** The `aws` section setting that turns a control off (or, opt-in, on): `aws.networkPolicy: false` → `{ networkPolicy: false }`. */
function optOutSetting(optOut: { key: string; value: string }): Record<string, unknown> {
    const [section, key] = optOut.key.split(".");
    assert.equal(section, "aws", optOut.key);
    // A private-only endpoint takes no public ranges.
    return { [key]: JSON.parse(optOut.value) as unknown, ...(key === "publicEndpoint" ? { publicAccessCidrs: undefined } : {}) };
}

/** Deploys a stack config's plan under the offline engine, as the root program does. */
function deploy(aws: Record<string, unknown> = {}): Promise<OfflineRun> {
    const config = configOf(aws);
    const plan = AWS_CLOUD.plan(config, TODAY);
    return runOffline(async () => (await AWS_CLOUD.deploy(config, plan)).outputs, AWS_CLOUD.offlineAnswers());
}

// What each control looks like in the registered resources, by exact type and input.

const one = (run: OfflineRun, type: string, name: string) => {
    const found = run.resources.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `one ${type} ${name}`);
    return found[0];
};
const clusterInputs = (run: OfflineRun) => one(run, T.cluster, "demo-cluster").inputs;
const vpcCni = (run: OfflineRun) => one(run, T.addon, "demo-vpc-cni").inputs;
const nodeRoleAttachments = (run: OfflineRun) => {
    const nodeRoleName = one(run, T.role, "demo-node-role").outputs.name;
    return run.resources.filter((r) => r.type === T.attachment && r.inputs.role === nodeRoleName).map((r) => r.inputs.policyArn as string);
};

/** The kubelet config of the launch template's NodeConfig part, or `undefined` without one. */
function kubeletConfig(run: OfflineRun): Record<string, unknown> | undefined {
    const userData = one(run, T.launchTemplate, "demo-nodes").inputs.userData;
    if (typeof userData !== "string") {
        return undefined;
    }
    const text = Buffer.from(userData, "base64").toString("utf8");
    const boundary = /boundary="([^"]+)"/.exec(text)?.[1];
    assert.ok(boundary, "a MIME multi-part document");
    const part = text.split(`--${boundary}`).find((candidate) => candidate.includes("Content-Type: application/node.eks.aws"));
    assert.ok(part, "a NodeConfig part");
    const nodeConfig = parse(part.split("\n\n").slice(1).join("\n\n")) as { apiVersion: string; kind: string; spec: { kubelet: { config: Record<string, unknown> } } };
    assert.equal(nodeConfig.apiVersion, "node.eks.aws/v1alpha1");
    assert.equal(nodeConfig.kind, "NodeConfig");
    return nodeConfig.spec.kubelet.config;
}
const kubelet = (path: string, expected: unknown) => (run: OfflineRun) => {
    let value: unknown = kubeletConfig(run);
    for (const segment of path.split(".")) {
        value = (value as Record<string, unknown> | undefined)?.[segment];
    }
    return JSON.stringify(value) === JSON.stringify(expected);
};
const networkPolicy = (run: OfflineRun) =>
    typeof vpcCni(run).configurationValues === "string" && (JSON.parse(vpcCni(run).configurationValues as string) as Record<string, unknown>).enableNetworkPolicy === "true";
const accessEntriesOnly = (run: OfflineRun) =>
    JSON.stringify(clusterInputs(run).accessConfig) === JSON.stringify({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });

const HOLDS: Record<string, (run: OfflineRun) => boolean> = {
    "2.1.1": (run) => JSON.stringify(clusterInputs(run).enabledClusterLogTypes) === JSON.stringify(["api", "audit", "authenticator", "controllerManager", "scheduler"]),
    "2.1.2": (run) => {
        const group = one(run, T.logGroup, "demo-control-plane-logs").inputs;
        const keys = run.resources.filter((r) => r.type === T.key && r.outputs.arn === group.kmsKeyId);
        return group.name === "/aws/eks/demo/cluster" && group.retentionInDays === 90 && keys.length === 1 && keys[0].inputs.enableKeyRotation === true;
    },
    "3.2.1": kubelet("authentication.anonymous.enabled", false),
    "3.2.2": kubelet("authorization.mode", "Webhook"),
    "3.2.3": kubelet("authentication.x509.clientCAFile", "/etc/kubernetes/pki/ca.crt"),
    "3.2.4": kubelet("readOnlyPort", 0),
    "3.2.5": kubelet("streamingConnectionIdleTimeout", "4h0m0s"),
    "3.2.6": kubelet("makeIPTablesUtilChains", true),
    "3.2.7": kubelet("eventRecordQPS", 50),
    "3.2.8": kubelet("rotateCertificates", true),
    "3.2.9": kubelet("featureGates.RotateKubeletServerCertificate", true),
    "4.1.7": accessEntriesOnly,
    "4.3.1": networkPolicy,
    "5.1.3": (run) => {
        const registry = nodeRoleAttachments(run).filter((arn) => arn.includes("ContainerRegistry"));
        return JSON.stringify(registry) === JSON.stringify(["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly"]);
    },
    "5.2.1": (run) => {
        const associations = vpcCni(run).podIdentityAssociations as { serviceAccount: string; roleArn: string }[] | undefined;
        const cniRole = run.resources.find((r) => r.type === T.role && r.outputs.arn === associations?.[0]?.roleArn);
        const trust = cniRole && (JSON.parse(cniRole.inputs.assumeRolePolicy as string) as { Statement: { Principal: { Service: string } }[] });
        const cniPolicyArn = one(run, T.policy, "demo-vpc-cni-ipv6").outputs.arn as string;
        const nodeHoldsCni = nodeRoleAttachments(run).some((arn) => arn.endsWith("/AmazonEKS_CNI_Policy") || arn === cniPolicyArn);
        return associations?.length === 1 && associations[0].serviceAccount === "aws-node" && trust?.Statement[0].Principal.Service === "pods.eks.amazonaws.com" && !nodeHoldsCni;
    },
    "5.3.1": (run) => {
        const encryption = clusterInputs(run).encryptionConfig as { resources: string[]; provider: { keyArn: string } };
        return JSON.stringify(encryption.resources) === JSON.stringify(["secrets"]) && encryption.provider.keyArn.startsWith("arn:aws:kms:eu-west-1:");
    },
    "5.4.2": (run) => {
        const vpcConfig = clusterInputs(run).vpcConfig as { endpointPrivateAccess: boolean; endpointPublicAccess: boolean };
        return vpcConfig.endpointPrivateAccess && !vpcConfig.endpointPublicAccess;
    },
    "5.4.3": (run) => {
        const privateIds = run.resources.filter((r) => r.type === T.subnet && r.inputs.mapPublicIpOnLaunch === false).map((r) => idOf(run, T.subnet, r.name));
        const nodeSubnets = one(run, T.nodeGroup, "demo-nodes").inputs.subnetIds as string[];
        return nodeSubnets.length === 2 && nodeSubnets.every((id) => privateIds.includes(id));
    },
    "5.4.4": networkPolicy,
    "5.5.1": accessEntriesOnly,
};

const ON_BY_DEFAULT = [
    "2.1.1",
    "2.1.2",
    "3.2.1",
    "3.2.2",
    "3.2.3",
    "3.2.4",
    "3.2.5",
    "3.2.6",
    "3.2.7",
    "3.2.8",
    "3.2.9",
    "4.1.7",
    "4.3.1",
    "5.1.3",
    "5.2.1",
    "5.3.1",
    "5.4.3",
    "5.4.4",
    "5.5.1",
];

describe("CIS Amazon EKS Benchmark v1.8.0 controls", () => {
    const optOutKeys = [...new Set(EKS_CIS.controls.flatMap((control) => (control.optOut ? [control.optOut.key] : [])))];
    const runs = new Map<string, OfflineRun>();
    let defaultRun: OfflineRun;
    before(async () => {
        defaultRun = await deploy();
        for (const key of optOutKeys) {
            const control = EKS_CIS.controls.find((candidate) => candidate.optOut?.key === key);
            runs.set(key, await deploy(optOutSetting(control!.optOut!)));
        }
    });

    it("are registered with the aws cloud, from kube-bench's eks-1.8.0 at a73ce378", () => {
        assert.equal(AWS_CLOUD.cis, EKS_CIS);
        assert.equal(EKS_CIS.name, "CIS Amazon EKS Benchmark v1.8.0");
        assert.equal(EKS_CIS.source, "https://github.com/aquasecurity/kube-bench/tree/a73ce378/cfg/eks-1.8.0");
    });

    it("has at least 12 on with the default stack config, and exactly these", () => {
        const status = cisStatus(EKS_CIS, planOf());
        assert.ok(status.on.length >= 12, `${status.on.length} on`);
        assert.deepEqual(
            status.on.map((control) => control.id),
            ON_BY_DEFAULT,
        );
        assert.deepEqual(
            status.off.map((control) => control.id),
            ["5.4.2"],
            "only the opt-ins are off",
        );
        assert.equal(cisSummary(EKS_CIS, planOf()), `${ON_BY_DEFAULT.length} of ${ON_BY_DEFAULT.length + 1} on; off: 5.4.2 (on with aws.publicEndpoint: false)`);
    });

    it("gives each control exactly one of an opt-out, an opt-in and a reason, and each key is a key of the stack config schema", () => {
        const keys = allConfigKeys().map((key) => key.path);
        for (const control of EKS_CIS.controls) {
            assert.equal([control.optOut, control.optIn, control.fixed].filter((way) => way !== undefined).length, 1, control.id);
            const change = control.optOut ?? control.optIn;
            if (change) {
                assert.ok(keys.includes(change.key), `${control.id}: ${change.key}`);
            }
        }
        assert.deepEqual(optOutKeys.sort(), ["aws.encryptControlPlaneLogs", "aws.networkPolicy", "aws.pinKubeletSettings", "aws.vpcCniPodIdentity"]);
    });

    it("turns each control with an opt-out off when its key is set to its value, and no other", () => {
        for (const control of EKS_CIS.controls.filter((candidate) => candidate.optOut)) {
            const status = cisStatus(EKS_CIS, planOf(optOutSetting(control.optOut!)));
            assert.ok(status.off.includes(control), `${control.id} off with ${control.optOut!.key}: ${control.optOut!.value}`);
            assert.ok(
                status.off.every((off) => off.optOut?.key === control.optOut!.key || off.optIn),
                control.optOut!.key,
            );
        }
        assert.equal(
            cisSummary(EKS_CIS, planOf({ networkPolicy: false })),
            `${ON_BY_DEFAULT.length - 2} of ${ON_BY_DEFAULT.length + 1} on; off: 4.3.1 (aws.networkPolicy), 5.4.2 (on with aws.publicEndpoint: false), 5.4.4 (aws.networkPolicy)`,
        );
    });

    it("agrees with the registered resources: each control holds on the default run, but the opt-ins", () => {
        assert.deepEqual(Object.keys(HOLDS).sort(), EKS_CIS.controls.map((control) => control.id).sort());
        for (const control of EKS_CIS.controls) {
            assert.equal(HOLDS[control.id](defaultRun), control.optIn === undefined, `${control.id} by default`);
        }
    });

    it("agrees with the registered resources: each opt-in holds on its opt-in run, and its `on` says so", async () => {
        for (const control of EKS_CIS.controls.filter((candidate) => candidate.optIn)) {
            const run = await deploy(optOutSetting(control.optIn!));
            assert.ok(HOLDS[control.id](run), `${control.id} holds with ${control.optIn!.key}: ${control.optIn!.value}`);
            assert.equal(control.on(planOf(optOutSetting(control.optIn!))), true, control.id);
        }
    });

    it("agrees with the registered resources: each control with an opt-out fails on the opt-out run, and its `on` says so", () => {
        for (const control of EKS_CIS.controls.filter((candidate) => candidate.optOut)) {
            const run = runs.get(control.optOut!.key)!;
            assert.equal(HOLDS[control.id](run), false, `${control.id} fails with ${control.optOut!.key}: ${control.optOut!.value}`);
            assert.equal(control.on(planOf(optOutSetting(control.optOut!))), false, control.id);
        }
    });

    it("keeps the other controls where an opt-out run does not touch them", () => {
        for (const [key, run] of runs) {
            for (const control of EKS_CIS.controls.filter((candidate) => candidate.optOut?.key !== key && !candidate.optIn)) {
                assert.ok(HOLDS[control.id](run), `${control.id} holds with ${key} off`);
            }
        }
    });

    it("counts no kubelet control on Bottlerocket nodes, whose user data carries no NodeConfig", async () => {
        const plan = planOf({ nodeAmiFamily: "Bottlerocket" });
        assert.deepEqual(
            cisStatus(EKS_CIS, plan).off.map((control) => control.id),
            ["3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5", "3.2.6", "3.2.7", "3.2.8", "3.2.9", "5.4.2"],
        );
        const run = await deploy({ nodeAmiFamily: "Bottlerocket" });
        assert.equal(kubeletConfig(run), undefined);
    });
});
