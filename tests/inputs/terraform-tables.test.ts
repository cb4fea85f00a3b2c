/**
 * The generated tables `--terraform-plan` reads, and the names it derives from them:
 * - they match their sources (drift): the shapes are what @pulumi/aws's declarations say today, the type table is what
 *   the bridge metadata says (a whole bridge-metadata.json in SG_BRIDGE_METADATA is checked too);
 * - every type the pack judges maps, field by field, from its Terraform form to the names and shapes the pack reads.
 */
import * as fs from "fs";
import * as path from "path";
import { AWS_SHAPES } from "../../checker/inputs/aws-shapes.generated";
import { BY_TOKEN_RULE, RENAMES_READ, TERRAFORM_TYPES, TOKEN_ALIASES, UNMAPPED_TOKENS } from "../../checker/inputs/terraform-types.generated";
import { camelCase, NAME_EXCEPTIONS, propertyName, resourceValues, type Shape } from "../../checker/inputs/terraform-values";
import { UNKNOWN } from "../checker/helpers";
import { AWS_ROOT, byTokenRule, DEFAULT_METADATA, judgedTokens, shapesModule, SHAPES_FILE, typesModule, typeTable, TYPES_FILE } from "../../scripts/refresh-terraform-tables";

const REFRESH = "node -r ts-node/register/transpile-only scripts/refresh-terraform-tables.ts";

describe("generated tables do not drift from their sources", () => {
    test(`aws-shapes.generated.ts is what @pulumi/aws's declarations give (run \`${REFRESH}\` after an upgrade)`, () => {
        expect(fs.readFileSync(SHAPES_FILE, "utf8")).toBe(shapesModule());
    });

    test(`terraform-types.generated.ts is what the bridge metadata gives (run \`${REFRESH}\`)`, () => {
        expect(fs.readFileSync(TYPES_FILE, "utf8")).toBe(typesModule(typeTable(DEFAULT_METADATA)));
    });

    test("every type the pack judges has a Terraform type, shares it with the token that replaced it, or is listed as having none", () => {
        const mapped = new Set(Object.values(TERRAFORM_TYPES));
        const uncovered = judgedTokens().filter((t) => !mapped.has(t) && !UNMAPPED_TOKENS.includes(t) && !mapped.has(TOKEN_ALIASES[t]));
        expect(uncovered).toEqual([]);
        expect(UNMAPPED_TOKENS.filter((t) => mapped.has(t))).toEqual([]);
        expect(TOKEN_ALIASES).toEqual({ "aws:s3/bucketV2:BucketV2": "aws:s3/bucket:Bucket" });
    });

    test("the provider's token rule maps every judged module, and gives back the metadata's type for tokens it names by the rule", () => {
        for (const token of judgedTokens()) expect({ token, rule: byTokenRule(token) }).toEqual({ token, rule: expect.stringMatching(/^aws_[a-z0-9_]+$/) });
        expect(BY_TOKEN_RULE.map(byTokenRule)).toEqual(["aws_lambda_capacity_provider", "aws_lambda_function_scaling_config"]);
        // Tokens the provider leaves to the rule in the metadata too: the inverse agrees with what it published.
        for (const token of ["aws:lambda/functionUrl:FunctionUrl", "aws:sqs/queue:Queue", "aws:apigateway/stage:Stage", "aws:sfn/stateMachine:StateMachine"]) {
            expect(TERRAFORM_TYPES[byTokenRule(token)!]).toBe(token);
        }
    });

    test("every mapped token is declared by the installed @pulumi/aws, with its shape in the table", () => {
        for (const token of new Set(Object.values(TERRAFORM_TYPES))) {
            const [, module, file] = /^aws:([^/]+)\/([^:]+):/.exec(token)!;
            expect(fs.existsSync(path.join(AWS_ROOT, module, `${file}.d.ts`))).toBe(true);
            expect(AWS_SHAPES[token]?.inputs.length).toBeGreaterThan(0);
        }
    });

    const whole = process.env.SG_BRIDGE_METADATA;
    (whole ? test : test.skip)("a whole bridge-metadata.json (SG_BRIDGE_METADATA) gives the same Terraform type for every mapped token", () => {
        const renames: Record<string, string> = JSON.parse(fs.readFileSync(whole!, "utf8")).renames.resources;
        for (const [tfType, token] of Object.entries(TERRAFORM_TYPES)) expect({ token, tfType: renames[token] }).toEqual({ token, tfType });
    });
});

/** Terraform's name for a Pulumi property: the exception, else snake_case, singular for a list of blocks (`rules` <- `rule`). */
function terraformName(token: string, property: string, shape: Shape): string {
    const exception = Object.entries(NAME_EXCEPTIONS[token] ?? {}).find(([, name]) => name === property);
    if (exception) return exception[0];
    let name = property;
    if (shape !== "s" && "l" in shape && shape.l !== "s" && "o" in shape.l) {
        name = /ies$/.test(name) ? name.replace(/ies$/, "y") : /(ss|x|ch|sh)es$/.test(name) ? name.replace(/es$/, "") : name.replace(/s$/, "");
    }
    return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A sample value of a shape under Pulumi's names, and the same value as Terraform's JSON lays it out. */
function sample(token: string, shape: Shape, depth: number): { pulumi: unknown; terraform: unknown } {
    if (shape === "s") return { pulumi: `v${depth}`, terraform: `v${depth}` };
    if ("m" in shape) {
        const inner = sample(token, shape.m, depth + 1);
        return { pulumi: { Some_Key: inner.pulumi }, terraform: { Some_Key: inner.terraform } };
    }
    if ("l" in shape) {
        const inner = sample(token, shape.l, depth + 1);
        return { pulumi: [inner.pulumi], terraform: [inner.terraform] };
    }
    const pulumi: Record<string, unknown> = {};
    const terraform: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(shape.o)) {
        const s = sample(token, inner, depth + 1);
        pulumi[name] = s.pulumi;
        terraform[terraformName("", name, inner)] = s.terraform;
    }
    // A block of at most one item is a one-element list in Terraform's JSON.
    return { pulumi, terraform: [terraform] };
}

describe("Terraform attributes to Pulumi properties, field by field, for every judged type", () => {
    test.each(Object.entries(TERRAFORM_TYPES))("%s -> %s", (tfType, token) => {
        const shape = AWS_SHAPES[token];
        expect(shape).toBeDefined();
        const after: Record<string, unknown> = {};
        const expected: Record<string, unknown> = {};
        for (const [property, propertyShape] of Object.entries(shape.props)) {
            const s = sample(token, propertyShape, 0);
            const tfName = terraformName(token, property, propertyShape);
            after[tfName] = s.terraform;
            expected[property] = s.pulumi;
            expect({ tfType, tfName, property: propertyName(token, tfName) }).toEqual({ tfType, tfName, property });
        }
        expect(resourceValues(token, after, {})).toEqual(expected);
    });

    test("every attribute the bridge metadata renames resolves to the Pulumi property it names", () => {
        const metadata = JSON.parse(fs.readFileSync(process.env.SG_BRIDGE_METADATA ?? DEFAULT_METADATA, "utf8"));
        expect(RENAMES_READ.length).toBeGreaterThan(20);
        for (const token of RENAMES_READ) {
            for (const [property, tfName] of Object.entries<string>(metadata.renames.renamedProperties[token])) {
                if (!(property in AWS_SHAPES[token].props)) continue;
                expect({ token, tfName, property: propertyName(token, tfName) }).toEqual({ token, tfName, property });
            }
        }
    });

    test("the provider's renames: each target is a declared property that the rules alone do not reach", () => {
        for (const [token, renames] of Object.entries(NAME_EXCEPTIONS)) {
            for (const [tfName, property] of Object.entries(renames)) {
                expect({ token, property, declared: property in AWS_SHAPES[token].props }).toEqual({ token, property, declared: true });
                expect(camelCase(tfName)).not.toBe(property);
            }
        }
    });

    test("what a plan of a function holds, under the names and shapes the pack reads", () => {
        const values = resourceValues(
            "aws:lambda/function:Function",
            {
                function_name: "worker",
                memory_size: 128,
                filename: "handler.zip",
                tracing_config: [{ mode: "Active" }],
                dead_letter_config: [],
                environment: [{ variables: { QUEUE_URL: "https://q" } }],
                layers: [],
                tags: { team_name: "orders" },
                vpc_config: [{ subnet_ids: ["a"], security_group_ids: null }],
                description: null,
            },
            { arn: true, logging_config: true, environment: [{ variables: { TABLE: true } }] },
        );
        expect(values).toEqual({
            name: "worker",
            memorySize: 128,
            code: "handler.zip",
            tracingConfig: { mode: "Active" },
            environment: { variables: { QUEUE_URL: "https://q", TABLE: UNKNOWN } },
            layers: [],
            tags: { team_name: "orders" },
            vpcConfig: { subnetIds: ["a"] },
            arn: UNKNOWN,
            loggingConfig: UNKNOWN,
        });
    });

    test("plural names: lists of blocks and lists the bridge pluralises", () => {
        expect(resourceValues("aws:dynamodb/table:Table", { attribute: [{ name: "pk", type: "S" }], global_secondary_index: [{ name: "g", hash_key: "k" }] }, {})).toEqual({
            attributes: [{ name: "pk", type: "S" }],
            globalSecondaryIndexes: [{ name: "g", hashKey: "k" }],
        });
        expect(resourceValues("aws:cloudwatch/metricAlarm:MetricAlarm", { alarm_name: "a", metric_query: [{ id: "m1", metric: [{ metric_name: "x" }] }] }, {})).toEqual({
            name: "a",
            metricQueries: [{ id: "m1", metric: { metricName: "x" } }],
        });
        expect(
            resourceValues(
                "aws:lambda/eventSourceMapping:EventSourceMapping",
                { filter_criteria: [{ filter: [{ pattern: "{}" }] }], destination_config: [{ on_failure: [{ destination_arn: "arn:q" }] }] },
                {},
            ),
        ).toEqual({ filterCriteria: { filters: [{ pattern: "{}" }] }, destinationConfig: { onFailure: { destinationArn: "arn:q" } } });
    });
});
