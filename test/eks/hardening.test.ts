import assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config/parse";
import { AWS_CLOUD, type AwsStackConfig } from "../../components/eks/cloud";
import { controlPlaneLogKeyPolicy } from "../../components/eks/iam";
import { privateIpv4Routing } from "../../components/eks/network";
import { kubeletUserData, kubeletUserDataText } from "../../components/eks/node-config";
import { type EksIpv6ClusterArgs, planEksCluster } from "../../components/eks/plan";
import { refusal } from "../support/fixtures";
import { TEST_TODAY as NOW } from "../support/clock";
import { ARGS, deps, idOf, output, resource, runEks, T, urn } from "./eks-cluster-support";

describe("EKS hardening: pure parts", () => {
    it("builds the log key's policy: the account administers it, CloudWatch Logs uses it for the cluster's log group only", () => {
        assert.deepEqual(controlPlaneLogKeyPolicy({ partition: "aws-us-gov", region: "us-gov-west-1", account: "123456789012", clusterName: "prod-1" }), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: "arn:aws-us-gov:iam::123456789012:root" }, Action: "kms:*", Resource: "*" },
                {
                    Sid: "CloudWatchLogsEncryptsTheControlPlaneLogGroup",
                    Effect: "Allow",
                    Principal: { Service: "logs.us-gov-west-1.amazonaws.com" },
                    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    Resource: "*",
                    Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/aws/eks/prod-1/cluster" } },
                },
            ],
        });
    });

    it("writes the kubelet settings as one NodeConfig part of a MIME multi-part document, base64", () => {
        const expected = [
            "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="==DUALSTACK-ISTIO=="',
            "",
            "--==DUALSTACK-ISTIO==",
            "Content-Type: application/node.eks.aws",
            "",
            "---",
            "apiVersion: node.eks.aws/v1alpha1",
            "kind: NodeConfig",
            "spec:",
            "  kubelet:",
            "    config:",
            "      authentication:",
            "        anonymous:",
            "          enabled: false",
            "        webhook:",
            "          enabled: true",
            "        x509:",
            "          clientCAFile: /etc/kubernetes/pki/ca.crt",
            "      authorization:",
            "        mode: Webhook",
            "      readOnlyPort: 0",
            "      streamingConnectionIdleTimeout: 4h0m0s",
            "      makeIPTablesUtilChains: true",
            "      eventRecordQPS: 50",
            "      rotateCertificates: true",
            "      featureGates:",
            "        RotateKubeletServerCertificate: true",
            "",
            "--==DUALSTACK-ISTIO==--",
            "",
        ].join("\n");
        assert.equal(Buffer.from(kubeletUserData(), "base64").toString("utf8"), expected);
        assert.equal(kubeletUserDataText(), expected);
    });

    it("routes private IPv4 through one NAT gateway, or through each zone's own", () => {
        assert.deepEqual(privateIpv4Routing(3, false), {
            natGateways: [{ name: "nat", publicSubnet: 0 }],
            privateTables: [{ name: "private", natGateway: 0, zones: [0, 1, 2] }],
        });
        assert.deepEqual(privateIpv4Routing(3, true), {
            natGateways: [
                { name: "nat", publicSubnet: 0 },
                { name: "nat-1", publicSubnet: 1 },
                { name: "nat-2", publicSubnet: 2 },
            ],
            privateTables: [
                { name: "private", natGateway: 0, zones: [0] },
                { name: "private-zone-1", natGateway: 1, zones: [1] },
                { name: "private-zone-2", natGateway: 2, zones: [2] },
            ],
        });
    });

    const plan = (args: Partial<EksIpv6ClusterArgs>) => planEksCluster("demo", { ...ARGS, ...args }, NOW);
    const refusals: [string, Partial<EksIpv6ClusterArgs>, string][] = [
        ["an unknown deployer access", { deployerAccess: "admin" as never }, "deployerAccess: 'admin' is not a deployer access; allowed: cluster-admin, none"],
        ["a network policy switch that is not a boolean", { networkPolicy: "yes" as never }, "networkPolicy: 'yes' is not true or false"],
        ["a Pod Identity switch that is not a boolean", { vpcCniPodIdentity: 1 as never }, "vpcCniPodIdentity: '1' is not true or false"],
        ["a log encryption switch that is not a boolean", { encryptControlPlaneLogs: "false" as never }, "encryptControlPlaneLogs: 'false' is not true or false"],
        ["a NAT switch that is not a boolean", { natGatewayPerZone: "true" as never }, "natGatewayPerZone: 'true' is not true or false"],
        ["a kubelet switch that is not a boolean", { pinKubeletSettings: null as never }, "pinKubeletSettings: 'null' is not true or false"],
    ];
    for (const [what, args, message] of refusals) {
        it(`refuses ${what}`, () => {
            assert.equal(
                refusal(() => plan(args)),
                message,
            );
        });
    }

    it("refuses a deployer access the stack config does not know, naming the key", () => {
        const message = refusal(() => parseStackConfig({ cloud: "aws", clusterName: "demo", region: "eu-west-1", aws: { deployerAccess: "admin" } }));
        assert.match(message, /^aws\.deployerAccess: /);
        assert.ok(!message.includes("\n"), message);
    });

    it("warns, by config key, that with no deployer access the run needs an access entry made elsewhere", () => {
        const config = parseStackConfig({ cloud: "aws", clusterName: "demo", region: "eu-west-1", aws: { publicAccessCidrs: ["81.2.69.0/24"], deployerAccess: "none" } });
        assert.equal(config.cloud, "aws");
        assert.deepEqual(AWS_CLOUD.plan(config as unknown as AwsStackConfig, NOW).warnings, [
            {
                field: "aws.deployerAccess",
                message:
                    "none: this stack gives its deployer no access entry, yet the same run installs Istio and the load-balancer controller through the deployer's access; an access entry made elsewhere must let it in while `pulumi up` runs",
            },
        ]);
        assert.equal(plan({ nodeAmiFamily: "Bottlerocket" }).pinKubeletSettings, false, "Bottlerocket reads no NodeConfig");
    });
});

describe("EKS hardening: what the opt-outs and options register", () => {
    it("natGatewayPerZone: a NAT gateway in each zone's public subnet, each zone's private subnet routing IPv4 through its own", async () => {
        const run = await runEks({ ...ARGS, availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], natGatewayPerZone: true });
        const names = (type: string) =>
            run.resources
                .filter((r) => r.type === type)
                .map((r) => r.name)
                .sort();
        assert.deepEqual(names(T.eip), ["demo-nat", "demo-nat-1", "demo-nat-2"]);
        assert.deepEqual(names(T.nat), ["demo-nat", "demo-nat-1", "demo-nat-2"]);
        assert.deepEqual(names(T.routeTable), ["demo-private", "demo-private-zone-1", "demo-private-zone-2", "demo-public"]);
        for (const [index, nat, table] of [
            [0, "demo-nat", "demo-private"],
            [1, "demo-nat-1", "demo-private-zone-1"],
            [2, "demo-nat-2", "demo-private-zone-2"],
        ] as const) {
            assert.equal(resource(run, T.nat, nat).inputs.subnetId, idOf(run, T.subnet, `demo-public-${index}`));
            assert.equal(resource(run, T.nat, nat).inputs.allocationId, idOf(run, T.eip, nat));
            assert.deepEqual(resource(run, T.association, `demo-private-${index}`).inputs, {
                region: "eu-west-1",
                routeTableId: idOf(run, T.routeTable, table),
                subnetId: idOf(run, T.subnet, `demo-private-${index}`),
            });
            assert.deepEqual(resource(run, T.route, `${table}-ipv4-default`).inputs, {
                region: "eu-west-1",
                routeTableId: idOf(run, T.routeTable, table),
                destinationCidrBlock: "0.0.0.0/0",
                natGatewayId: idOf(run, T.nat, nat),
            });
            assert.equal(resource(run, T.route, `${table}-ipv6-default`).inputs.egressOnlyGatewayId, idOf(run, T.eigw, "demo-eigw"));
            assert.ok(deps(run, T.nat, nat).includes(urn(T.igw, "demo-igw")));
        }
        assert.equal(resource(run, T.association, "demo-public-2").inputs.routeTableId, idOf(run, T.routeTable, "demo-public"));
    });

    it("deployerAccess none: no access entry, and the provider waits for none", async () => {
        const run = await runEks({ ...ARGS, deployerAccess: "none" });
        assert.equal(run.resources.filter((r) => r.type === T.accessEntry || r.type === T.accessPolicy).length, 0);
        assert.deepEqual(deps(run, T.provider, "demo-k8s"), [urn(T.cluster, "demo-cluster")], "only through the kubeconfig");
        assert.match(run.diagnostics.map((d) => d.message).join("\n"), /^deployerAccess: none: this stack gives its deployer no access entry/);
    });

    it("the opt-outs: the CNI on the node role under its old names, an unencrypted log group, no network policy, no user data", async () => {
        const run = await runEks({ ...ARGS, vpcCniPodIdentity: false, encryptControlPlaneLogs: false, networkPolicy: false, pinKubeletSettings: false });
        const nodeRoleName = output(run, T.role, "demo-node-role", "name");
        assert.deepEqual(resource(run, T.attachment, "demo-node-role-AmazonEKS_CNI_Policy").inputs, {
            role: nodeRoleName,
            policyArn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        });
        assert.deepEqual(resource(run, T.attachment, "demo-node-role-vpc-cni-ipv6").inputs, { role: nodeRoleName, policyArn: output(run, T.policy, "demo-vpc-cni-ipv6", "arn") });
        assert.equal(run.resources.filter((r) => r.type === T.role && r.name === "demo-vpc-cni").length, 0);
        assert.deepEqual(resource(run, T.addon, "demo-vpc-cni").inputs, {
            region: "eu-west-1",
            clusterName: "demo",
            addonName: "vpc-cni",
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "PRESERVE",
        });
        assert.deepEqual(resource(run, T.logGroup, "demo-control-plane-logs").inputs, { region: "eu-west-1", name: "/aws/eks/demo/cluster", retentionInDays: 90 });
        assert.deepEqual(
            run.resources.filter((r) => r.type === T.key).map((r) => r.name),
            ["demo-secrets-key"],
        );
        assert.equal(resource(run, T.launchTemplate, "demo-nodes").inputs.userData, undefined);
        for (const before of [urn(T.attachment, "demo-node-role-AmazonEKS_CNI_Policy"), urn(T.attachment, "demo-node-role-vpc-cni-ipv6")]) {
            assert.ok(deps(run, T.nodeGroup, "demo-nodes").includes(before), before);
        }
    });
});
