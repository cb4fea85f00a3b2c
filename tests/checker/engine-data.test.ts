/**
 * Issue 9: the checker sends the pack what the engine sends it. A fixture pack (engine-probe) echoes every
 * request; the echoes are compared field by field with the engine's model (../shared/DESIGN.md, "How the
 * Pulumi engine runs a pack"): Check's inputs in Analyze, the planned state in AnalyzeStack, the default
 * provider registered and analyzed and named in every request, resource options, stack tags.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { execFile } from "child_process";
import { promisify } from "util";
import { analyzeResources, openAnalysis, type AnalysisScope, type AnalysisSession, type AnalyzeOptions } from "../../checker/analyze";
import { tableOf } from "../../checker/aws-tables";
import { capture } from "../../checker/capture";
import { defaultPackDir } from "../../checker/cli";
import type { AnalysisResult, CapturedResource } from "../../checker/types";
import { T } from "../../policies/lib/types";
import { sharedCheck } from "../helpers/run-cache";
import { ROOT, UNKNOWN, packDir, programDir } from "./helpers";

const AWS_VERSION: string = require("@pulumi/aws/package.json").version;
const DEFAULT_PROVIDER = `default_${AWS_VERSION.replace(/\./g, "_")}`;
const probe = { dir: packDir("engine-probe") };

interface Echo {
    kind: "analyze" | "stack";
    type: string;
    urn: string;
    props: Record<string, any>;
    provider?: { type: string; urn: string; name: string; props: Record<string, unknown> };
    opts?: Record<string, any>;
    stackTags?: Record<string, string>;
    resources?: { type: string; urn: string; props: Record<string, any>; provider?: string }[];
}

function echoes(result: AnalysisResult): { analyze: Map<string, Echo>; stack: Echo } {
    // @pulumi/policy puts the policy's description before the reported message.
    const all = result.violations.map((v) => JSON.parse(v.message.slice(v.message.indexOf("{"))) as Echo);
    return { analyze: new Map(all.filter((e) => e.kind === "analyze").map((e) => [e.urn, e])), stack: all.find((e) => e.kind === "stack")! };
}

/** The probe session's options: a run reads shuffleStack from them as it sends AnalyzeStack (analyze.ts runPacks). */
const probeOptions: AnalyzeOptions = { packs: [probe] };
let probeSession: Promise<AnalysisSession> | undefined;
/**
 * The probe's run of these resources. One probe process serves the suite's runs: it keeps nothing between runs,
 * and each run sends its own ConfigureStack, as the runs of a check do (check.ts).
 */
async function probeRun(resources: CapturedResource[], scope?: AnalysisScope, shuffleStack?: number) {
    probeSession ??= openAnalysis(probeOptions);
    const session = await probeSession;
    probeOptions.shuffleStack = shuffleStack;
    try {
        return await session.run(resources, scope);
    } finally {
        delete probeOptions.shuffleStack;
    }
}
const probed = async (resources: CapturedResource[]) => echoes(await probeRun(resources));
afterAll(() => probeSession?.then((session) => session.close(), () => undefined));

const judged = [...new Set(Object.values(T))].sort();

/** A resource of any type token: the engine sees only the token and the properties. */
class Raw extends pulumi.CustomResource {
    constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super(type, name, props, opts);
    }
}
const nameOf = (type: string) => type.split(":")[2].toLowerCase();

describe("the checker sends the pack what the engine sends", () => {
    test("field by field, for every type the pack judges: Check's inputs in Analyze, the planned state in AnalyzeStack", async () => {
        const resources = await capture(() => {
            for (const type of judged) {
                const given = Object.fromEntries(tableOf(type)!.required.map((key) => [key, "given"]));
                new Raw(type, nameOf(type), given, { version: AWS_VERSION });
            }
        }, { programConfig: { "aws:region": "us-east-1" } });
        const { analyze, stack } = await probed(resources);
        const stateByUrn = new Map(stack.resources!.map((r) => [r.urn, r]));
        for (const type of judged) {
            const table = tableOf(type)!;
            const urn = `urn:pulumi:dev::project::${type}::${nameOf(type)}`;
            const given = Object.fromEntries(table.required.map((key) => [key, "given"]));
            // Check: the program's inputs, the auto-name, the Terraform defaults that are not falsy.
            const checked: Record<string, unknown> = { ...given, ...table.defaults };
            if (table.autoName) checked[table.autoName.property] = expect.stringMatching(new RegExp(`^${nameOf(type)}-[0-9a-f]{7}$`));
            const request = analyze.get(urn)!;
            expect({ type, props: request.props }).toEqual({ type, props: checked });
            expect(request.provider).toEqual({ type: "pulumi:providers:aws", urn: `urn:pulumi:dev::project::pulumi:providers:aws::${DEFAULT_PROVIDER}`, name: DEFAULT_PROVIDER, props: { region: "us-east-1", version: AWS_VERSION } });
            // The planned state: every computed attribute the program did not set is unknown; the plan knows region and tagsAll.
            const planned: Record<string, unknown> = { ...checked, id: UNKNOWN };
            for (const attribute of Object.keys(table.computed)) {
                if (attribute in checked) continue;
                planned[attribute] = attribute === "region" ? "us-east-1" : attribute === "tagsAll" ? {} : UNKNOWN;
            }
            expect({ type, props: stateByUrn.get(urn)!.props }).toEqual({ type, props: planned });
            expect(stateByUrn.get(urn)!.provider).toBe(request.provider!.urn);
        }
    });

    test("the default provider is registered before the first resource that uses it, analyzed, and in AnalyzeStack; the stack has none", async () => {
        const resources = await capture(() => {
            new aws.sqs.Queue("jobs", {});
            new aws.sns.Topic("news", {});
        }, { programConfig: { "aws:region": "us-east-1" } });
        const { analyze, stack } = await probed(resources);
        const providerUrn = `urn:pulumi:dev::project::pulumi:providers:aws::${DEFAULT_PROVIDER}`;
        expect([...analyze.keys()]).toEqual([expect.stringContaining("pulumi:pulumi:Stack"), providerUrn, expect.stringContaining("::jobs"), expect.stringContaining("::news")]);
        expect(analyze.get(providerUrn)!.props).toEqual({ region: "us-east-1", version: AWS_VERSION });
        expect(analyze.get(providerUrn)!.provider).toBeUndefined();
        expect([...analyze.values()][0].provider).toBeUndefined();
        expect(stack.resources!.map((r) => r.urn)).toContain(providerUrn);
        // Results list the program's resources; the engine's default provider is not one of them.
        expect(resources.map((r) => r.type)).not.toContain("pulumi:providers:aws");
    });

    test("resource options, stack tags (ConfigureStack), and Check's documents as the pack sees them", async () => {
        const resources = await capture(() => {
            const queue = new aws.sqs.Queue("jobs", { fifoQueue: true }, {
                protect: true,
                ignoreChanges: ["tags"],
                deleteBeforeReplace: true,
                additionalSecretOutputs: ["url"],
                customTimeouts: { create: "1m30s", delete: "10m" },
                aliases: [{ name: "old-jobs" }],
            });
            new aws.iam.RolePolicy("send", { role: "worker", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: queue.arn }] } });
        });
        const { analyze } = await probed(resources);
        const queue = [...analyze.values()].find((e) => e.urn.endsWith("::jobs"))!;
        expect(queue.props.name).toMatch(/^jobs-[0-9a-f]{7}\.fifo$/);
        expect(queue.opts).toEqual({
            protect: true,
            ignoreChanges: ["tags"],
            deleteBeforeReplace: true,
            additionalSecretOutputs: ["url"],
            customTimeouts: { createSeconds: 90, updateSeconds: 0, deleteSeconds: 600 },
            aliases: ["urn:pulumi:dev::project::aws:sqs/queue:Queue::old-jobs"],
            parent: "urn:pulumi:dev::project::pulumi:pulumi:Stack::project-dev",
        });
        expect(queue.stackTags).toEqual({ "pulumi:project": "project", "pulumi:runtime": "nodejs" });
        // A document with an unknown leaf is one unknown string after Check.
        expect([...analyze.values()].find((e) => e.urn.endsWith("::send"))!.props.policy).toBe(UNKNOWN);
    });

    test("AnalyzeStack in any order gives the same verdicts", async () => {
        // The gallery's first preview, checked in registration order once per Jest run.
        const inOrder = await sharedCheck(path.join(ROOT, "examples", "anti-patterns"));
        const resources = inOrder.resources;
        const verdicts = (result: AnalysisResult) => result.violations.map((v) => `${v.policy} ${v.urn ?? ""} ${v.unknownAtPreview ? "unknown" : v.enforcementLevel}`).sort();
        const shuffled = await analyzeResources(resources, { packs: [{ dir: defaultPackDir() }], shuffleStack: 9 });
        expect(verdicts(shuffled)).toEqual(verdicts(inOrder));
        // The probe echoes the order AnalyzeStack got; only that run is needed from it.
        const shuffledRun = await probeRun(resources, { analyze: new Set(), stack: true }, 9);
        expect(echoes(shuffledRun).stack.resources!.map((r) => r.urn)).not.toEqual(resources.map((r) => r.urn));
    }, 180_000);
});

describe("a first preview of `new aws.sqs.Queue(\"jobs\", {})` alone", () => {
    test("capture + analyze: sqs-queue-dlq is mandatory on it", async () => {
        const resources = await capture(programDir("lone-queue"));
        const result = await analyzeResources(resources, { packs: [{ dir: defaultPackDir() }] });
        const queue = resources.find((r) => r.name === "jobs")!;
        expect(queue.outputs.redrivePolicy).toBe(UNKNOWN);
        expect(result.violations.filter((v) => v.urn === queue.urn).map((v) => `${v.policy} ${v.enforcementLevel}`)).toContain("sqs-queue-dlq mandatory");
    });

    test("the CLI reports it and exits 1", async () => {
        const run = promisify(execFile)(process.execPath, [path.join(ROOT, "bin", "serverless-guardrails.js"), "check", programDir("lone-queue"), "--mode", "preview"], { cwd: ROOT }).then(
            (r) => ({ code: 0, stdout: r.stdout }),
            (e) => ({ code: e.code as number, stdout: String(e.stdout) }),
        );
        const { code, stdout } = await run;
        expect(code).toBe(1);
        expect(stdout).toMatch(/sqs-queue-dlq/);
        expect(stdout).toMatch(/queue `jobs` has no redrive policy/);
    }, 120_000);
});
