// ESLint flat config: typescript-eslint with type information, plus Pulumi's rules that catch
// Outputs interpolated into template literals (a classic source of "Calling [toString] on an
// [Output<T>]" strings in resource inputs).
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";
import importX, { createNodeResolver } from "eslint-plugin-import-x";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

// The layering, in one sentence: the ground (errors, the clock and calendars' age, the cluster
// target seam, network maths, the offline engine core) imports nothing above it; Istio and each
// cloud import only the ground (never each other); config, program, fleet and CLI sit above them.
// Planners (registering nothing) import no @pulumi package. No import cycle anywhere.
// A cloud is any folder of components/ with a cloud.ts (its module for the registry), so a new cloud
// needs no change here.
const COMPONENTS = join(import.meta.dirname, "components");
const CLOUD_FOLDERS = readdirSync(COMPONENTS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(COMPONENTS, entry.name, "cloud.ts")))
    .map((entry) => entry.name);
const ABOVE_GROUND = ["config", "istio", ...CLOUD_FOLDERS, "program", "fleet", "cli", "policy"];
// Relative specifiers only: a package such as @pulumi/eks is not this repository's eks/ folder.
const layer = (message, forbidden) => ({
    regex: `^\\.{1,2}/(?:.*/)?(${forbidden.join("|")})(/|$)`,
    message,
});
const restrictImports = (...patterns) => ["error", { patterns }];
const NO_PULUMI = { group: ["@pulumi/*"], message: "planners register nothing and import no Pulumi package; only the component files do" };

export default tseslint.config(
    { ignores: ["dist/**", "node_modules/**", "**/*.js", "**/*.mjs"] },
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            curly: "error",
            eqeqeq: ["error", "smart"],
            "prefer-const": "error",
            "no-var": "error",
            "default-case": "off",
            "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            // The house limit: a file past it holds more than one idea (test/house/ checks every other kind of source file).
            "max-lines": ["error", { max: 400 }],
        },
    },
    {
        // provider/ has a tsconfig of its own, for where it is installed (the package resolved from
        // node_modules); here it is checked with the root one, which maps the package's name to its sources.
        files: ["provider/**/*.ts"],
        languageOptions: { parserOptions: { projectService: false, project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname } },
    },
    {
        plugins: { "import-x": importX },
        settings: { "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js"] })], "import-x/extensions": [".ts", ".js"] },
        files: ["components/**/*.ts", "engine/**/*.ts", "program/**/*.ts", "fleet/**/*.ts", "cli/**/*.ts", "policy/**/*.ts"],
        rules: { "import-x/no-cycle": "error" },
    },
    {
        files: ["components/*.ts", "components/target/**/*.ts", "components/network/**/*.ts", "engine/**/*.ts"],
        ignores: ["components/index.ts"],
        rules: { "no-restricted-imports": restrictImports(layer("the ground imports nothing above it", ABOVE_GROUND)) },
    },
    {
        files: ["components/istio/**/*.ts"],
        rules: {
            "no-restricted-imports": restrictImports(
                layer(
                    "Istio imports only the ground, never a cloud or anything above",
                    ABOVE_GROUND.filter((name) => name !== "istio"),
                ),
            ),
        },
    },
    ...CLOUD_FOLDERS.map((cloud) => ({
        files: [`components/${cloud}/**/*.ts`],
        rules: {
            "no-restricted-imports": restrictImports(
                layer(
                    "a cloud imports only the ground, never Istio, another cloud or anything above",
                    ABOVE_GROUND.filter((name) => name !== cloud),
                ),
            ),
        },
    })),
    {
        files: [
            "components/**/plan.ts",
            // A cloud's module is loaded with the registry (by the CLI's every command), so it must
            // not load its cloud's SDK: it imports its component lazily, in deploy().
            "components/*/{cloud,calendar,kubeconfig,offline-answers,ranges}.ts",
            "components/config/**/*.ts",
            "components/network/**/*.ts",
            "components/istio/{charts,image-checks,operator,settings,values,versions}.ts",
            "components/eks/iam.ts",
            "components/target/{cluster-facts,config-keys,planned-args,policy-check,schema-parts}.ts",
            // The policy pack's checks and each cloud's: plain data in, violations out. policy/index.ts
            // names @pulumi/policy's types only, so the package's ./policy entry loads no Pulumi package.
            "components/*/policy-checks.ts",
            "policy/**/*.ts",
            "components/target/cluster-facts.ts",
            "program/stack-plan.ts",
            "fleet/{clashes,fleet-plan,merge,operator-export,planned-tenant,plugins,stack-config,tenants-file,backend}.ts",
        ],
        // A rule of its own name, so that it adds to the layering rules above instead of replacing them.
        // Type imports are erased: a planner may name `pulumi.Input<string>` for a pass-through argument.
        rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ ...NO_PULUMI, allowTypeImports: true }] }] },
    },
    {
        // Calendar decisions read the one clock (components/clock.ts), which tests pin: nothing
        // else may read the wall clock, or a test's outcome would depend on the day it runs.
        // (The fleet orchestrator times tenants with Date.now: durations, not calendar decisions.)
        files: ["components/**/*.ts", "program/**/*.ts", "cli/**/*.ts", "engine/**/*.ts", "fleet/**/*.ts", "test/**/*.ts"],
        ignores: ["components/clock.ts", "fleet/orchestrator.ts"],
        rules: {
            "no-restricted-syntax": [
                "error",
                {
                    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
                    message: "read the date through today() from components/clock.ts (tests: TEST_TODAY or pinToday)",
                },
                {
                    selector: "CallExpression[callee.name='Date']",
                    message: "read the date through today() from components/clock.ts (tests: TEST_TODAY or pinToday)",
                },
                {
                    selector: "MemberExpression[object.name='Date'][property.name='now']",
                    message: "read the date through today() from components/clock.ts (tests: TEST_TODAY or pinToday)",
                },
            ],
        },
    },
    {
        files: ["test/**/*.ts", "e2e/**/*.ts"],
        rules: {
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-non-null-assertion": "off",
        },
    },
);
