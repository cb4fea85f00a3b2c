/**
 * The components can be served to Python, Go, .NET and YAML: the component provider that Pulumi hosts for a
 * `PulumiPlugin.yaml` (runtime nodejs) package infers a schema from the TypeScript classes. This runs that same
 * provider on the package root and checks that every exported component is in the schema with its inputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as ts from "typescript";
import * as pkg from "../../index";

const ROOT = path.join(__dirname, "..", "..");
const PACKAGE = "serverless-guardrails";

const components = getPulumiComponents(pkg);
const componentNames = components.map((component) => component.name).sort();

interface SchemaResource {
    isComponent?: boolean;
    inputProperties?: Record<string, { type?: string; $ref?: string; items?: unknown }>;
    requiredInputs?: string[];
    properties?: Record<string, unknown>;
}

let provider: ComponentProvider;
let schema: { name: string; resources: Record<string, SchemaResource>; types: Record<string, { properties?: Record<string, unknown> }> };

beforeAll(async () => {
    provider = new ComponentProvider({ components, name: PACKAGE, dirname: ROOT });
    schema = JSON.parse(await provider.getSchema());
}, 240_000);

describe("component provider schema", () => {
    test("the package root is a source-based component package: PulumiPlugin.yaml with runtime nodejs", () => {
        const manifest = fs.readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8");
        expect(manifest).toMatch(/^runtime:\s*nodejs\s*$/m);
    });

    test("the package root exports every component", () => {
        expect(componentNames).toEqual(
            expect.arrayContaining([
                "AsyncFunction",
                "CostGuardrails",
                "DeadLetterQueue",
                "DurableFunction",
                "EventRuleTarget",
                "ManagedInstancesCapacity",
                "ProtectedApi",
                "QueueWorker",
                "ReliableSubscription",
                "StreamWorker",
                "TransactionalOutbox",
            ]),
        );
    });

    test("every component is in the inferred schema, as a component, with its inputs", () => {
        expect(schema.name).toBe(PACKAGE);
        for (const name of componentNames) {
            const resource = schema.resources[`${PACKAGE}:index:${name}`];
            expect({ name, found: resource !== undefined }).toEqual({ name, found: true });
            expect(resource.isComponent).toBe(true);
            expect(Object.keys(resource.inputProperties ?? {}).length).toBeGreaterThan(0);
        }
    });

    test("inputs keep their types and required-ness; nested args become object types", () => {
        const worker = schema.resources[`${PACKAGE}:index:StreamWorker`];
        expect(worker.requiredInputs).toEqual(expect.arrayContaining(["streamArn", "function"]));
        expect(worker.inputProperties!.batchSize.type).toBe("number");
        const functionType = worker.inputProperties!.function.$ref!.replace("#/types/", "");
        expect(Object.keys(schema.types[functionType].properties ?? {})).toEqual(expect.arrayContaining(["code", "memorySize", "timeout"]));

        const outbox = schema.resources[`${PACKAGE}:index:TransactionalOutbox`];
        expect(Object.keys(outbox.inputProperties!)).toEqual(expect.arrayContaining(["eventBusArn", "topicArn", "hashKey", "relay"]));
        expect(Object.keys(outbox.properties ?? {})).toEqual(expect.arrayContaining(["tableName", "eventBusArn", "relayFunctionArn"]));

        const capacity = schema.resources[`${PACKAGE}:index:ManagedInstancesCapacity`];
        expect(capacity.requiredInputs).toEqual(expect.arrayContaining(["subnetIds", "securityGroupIds"]));
        expect(Object.keys(capacity.properties ?? {})).toEqual(expect.arrayContaining(["capacityProviderArn"]));
        const durable = schema.resources[`${PACKAGE}:index:DurableFunction`];
        expect(durable.requiredInputs).toEqual(["function"]);
        expect(durable.inputProperties!.executionTimeout.type).toBe("number");
        const durableFunction = durable.inputProperties!.function.$ref!.replace("#/types/", "");
        const capacityProvider = (schema.types[durableFunction].properties as Record<string, { $ref?: string }>).capacityProvider.$ref!.replace("#/types/", "");
        expect(Object.keys(schema.types[capacityProvider].properties ?? {})).toEqual(expect.arrayContaining(["arn", "memoryGibPerVcpu", "perExecutionEnvironmentMaxConcurrency"]));

        const budget = schema.resources[`${PACKAGE}:index:CostGuardrails`];
        expect(budget.requiredInputs).toEqual(["monthlyLimit"]);
        const api = schema.resources[`${PACKAGE}:index:ProtectedApi`];
        expect(api.requiredInputs ?? []).toEqual([]);
    });

    test("the provider constructs a component from plain inputs, as another language would ask it to", async () => {
        pulumi.runtime.setMocks(
            {
                newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:budgets::123456789012:budget/${args.name}` } }),
                call: (args) => args.inputs,
            },
            "project",
            "stack",
            false,
        );
        const result = await provider.construct("cost", `${PACKAGE}:index:CostGuardrails`, { monthlyLimit: 100, emails: ["ops@example.com"] }, {});
        expect(await new Promise((resolve) => pulumi.output(result.urn).apply(resolve))).toContain(`${PACKAGE}:index:CostGuardrails::cost`);
        expect(Object.keys(result.state)).toEqual(expect.arrayContaining(["budget"]));
    });
});

/** The files and options of a tsconfig, read as TypeScript reads it (what analyzer.js does with the package's). */
function parsedConfig(file: string): ts.ParsedCommandLine {
    const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
    if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
    return ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(file));
}

describe("what the component host reads", () => {
    // The host's schema inference (@pulumi/pulumi provider/experimental/analyzer.js, the Analyzer constructor) makes a
    // TypeScript program of every file tsconfig.json lists, on the first GetSchema or Construct of each provider
    // process. With the tests listed and `import * as aws from "@pulumi/aws"` in the components, that program read 4,365
    // files (2,714 of them @pulumi/aws declarations) in 6.5 CPU-s; as below, 1,694 files in 4.1 CPU-s.
    const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");

    test("tsconfig.json lists the package's sources only: no test, program, bench or script", () => {
        const files = parsedConfig(path.join(ROOT, "tsconfig.json")).fileNames.map(relative);
        expect(files).toContain("index.ts");
        expect(files.filter((f) => f !== "index.ts" && !/^(components|checker|testing)\//.test(f))).toEqual([]);
    });

    test("the components import @pulumi/aws by service, so the program reads only those services' declarations", () => {
        const sources = fs.readdirSync(path.join(ROOT, "components"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
        const whole = sources.filter((f) => /from "@pulumi\/aws"/.test(fs.readFileSync(path.join(ROOT, "components", f), "utf8")));
        expect(whole).toEqual([]);
    });

    test("the folders outside the package have a tsconfig.json of their own for editors, with the package's options, and together they hold what `npm run typecheck` checks", () => {
        const root = parsedConfig(path.join(ROOT, "tsconfig.json"));
        const covered = new Set(root.fileNames);
        for (const folder of ["tests", "app", "examples", "bench", "scripts"]) {
            const own = parsedConfig(path.join(ROOT, folder, "tsconfig.json"));
            expect({ folder, options: own.options }).toEqual({ folder, options: root.options });
            own.fileNames.forEach((f) => covered.add(f));
        }
        const checked = parsedConfig(path.join(ROOT, "tsconfig.typecheck.json")).fileNames;
        expect(checked.filter((f) => !covered.has(f)).map(relative)).toEqual([]);
        expect([...covered].filter((f) => !checked.includes(f)).map(relative)).toEqual([]);
    });
});
