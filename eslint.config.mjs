// ESLint flat config: typescript-eslint with type information, plus Pulumi's rules that catch
// Outputs interpolated into template literals (a classic source of "Calling [toString] on an
// [Output<T>]" strings in resource inputs).
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

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
        },
    },
    {
        // Calendar decisions read the one clock (components/clock.ts), which tests pin: nothing
        // else may read the wall clock, or a test's outcome would depend on the day it runs.
        files: ["components/**/*.ts", "program/**/*.ts", "cli/**/*.ts", "engine/**/*.ts", "test/**/*.ts"],
        ignores: ["components/clock.ts"],
        rules: {
            "no-restricted-syntax": [
                "error",
                {
                    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
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
