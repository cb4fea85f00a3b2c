/**
 * `npm run bench`: the pack's start-up and analysis time against an EMPTY pack (no policies, launched
 * the same way) measured in the same run, for synthetic stacks of 1,000 and 10,000 resources; plus the
 * shared graph build and the stack policies in-process. Medians of repeated runs (shared machine).
 * Then the whole CLI in `--mode both` against `--mode preview` (bench/modes.ts).
 * Flags: --quick (fewer repetitions), --json (machine-readable figures), --modes (only the check modes),
 * --terraform (only the Terraform plan against the same resources from a program, bench/terraform.ts),
 * --program (only the program check: the CLI on 1k/5k/10k-resource programs against plain mocks plus the pack
 * alone, bench/program-check.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { PolicyResource, StackValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { reconcileConfig } from "../checker/config";
import { PackClient } from "../checker/pack-client";
import type { StackResource } from "../checker/pack-messages";
import type { CapturedResource } from "../checker/types";
import { ResourceGraph } from "../policies/lib/graph";
import { allPolicies } from "../policies/all";
import { measureModes, MODES_GOAL, ModeFigures } from "./modes";
import { syntheticStack } from "./synthetic-stack";
import { measureTerraform, TERRAFORM_GOAL, type TerraformFigures } from "./terraform";
import { measureProgramCheck, measureTypeCheck, PROGRAM_GOALS, PROGRAM_SIZES, type ProgramFigures } from "./program-check";

const ROOT = path.resolve(__dirname, "..");
const OUR_PACK = path.join(ROOT, "policies");
const quick = process.argv.includes("--quick");
const asJson = process.argv.includes("--json");
const STARTS = quick ? 3 : 9;
const REPS: Record<number, number> = quick ? { 1000: 2, 10000: 1 } : { 1000: 5, 10000: 3 };
const SIZES = [1000, 10000];

const GOALS = { startup: 1.3, analysis: 2, growth: 11 };

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function log(message: string) {
    process.stderr.write(`bench: ${message}\n`);
}

function emptyPack(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-empty-pack-"));
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: an empty pack, the floor\n");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "empty-pack", version: "0.0.1", main: "index.js" }));
    fs.writeFileSync(path.join(dir, "index.js"), 'const { PolicyPack } = require("@pulumi/policy");\nnew PolicyPack("empty", { policies: [] });\n');
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

async function startupMs(dir: string): Promise<number> {
    const start = performance.now();
    const pack = await PackClient.start(dir);
    const elapsed = performance.now() - start;
    await pack.close();
    return elapsed;
}

function toStack(resources: CapturedResource[]): StackResource[] {
    return resources.map((r) => ({
        type: r.type,
        urn: r.urn,
        name: r.name,
        properties: r.outputs,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
    }));
}

interface Analysis {
    analyzeMs: number;
    stackMs: number;
    totalMs: number;
}

/** One pass as the engine makes it: Analyze per resource, in order, then AnalyzeStack. */
async function analysisPass(pack: PackClient, resources: CapturedResource[], stack: StackResource[]): Promise<Analysis> {
    const start = performance.now();
    for (const r of resources) await pack.analyze({ type: r.type, urn: r.urn, name: r.name, properties: r.inputs });
    const middle = performance.now();
    await pack.analyzeStack(stack);
    const end = performance.now();
    return { analyzeMs: middle - start, stackMs: end - middle, totalMs: end - start };
}

async function startConfigured(dir: string): Promise<PackClient> {
    const pack = await PackClient.start(dir, { callTimeoutMs: 600_000 });
    await pack.configure(reconcileConfig(await pack.getAnalyzerInfo()));
    return pack;
}

/** PolicyResources as the server builds them for AnalyzeStack: proxied props, parent and dependencies resolved. */
function policyResources(resources: CapturedResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const built = resources.map((r) => {
        const resource: PolicyResource = {
            type: r.type,
            urn: r.urn,
            name: r.name,
            props: unknownCheckingProxy(structuredClone(r.outputs)),
            opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        } as unknown as PolicyResource;
        byUrn.set(r.urn, resource);
        return resource;
    });
    resources.forEach((r, i) => {
        const resource = built[i] as any;
        if (r.parent) resource.parent = byUrn.get(r.parent);
        resource.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter(Boolean);
        for (const [k, urns] of Object.entries(r.propertyDependencies)) resource.propertyDependencies[k] = urns.map((d) => byUrn.get(d)).filter(Boolean);
    });
    return built;
}

function timeIt(fn: () => void, reps: number): number {
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
        const start = performance.now();
        fn();
        times.push(performance.now() - start);
    }
    return median(times);
}

async function stackPoliciesMs(resources: PolicyResource[], reps: number): Promise<{ total: number; perPolicy: Record<string, number> }> {
    const policies = allPolicies.filter((p): p is StackValidationPolicy => "validateStack" in p && !!(p as StackValidationPolicy).validateStack);
    const perPolicy: Record<string, number[]> = {};
    const totals: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
        // Each rep is its own turn of the event loop, as each AnalyzeStack RPC is (the graph is cached per turn).
        await new Promise((resolve) => setImmediate(resolve));
        const start = performance.now();
        for (const policy of policies) {
            const config: Record<string, unknown> = {};
            for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) if ((schema as any).default !== undefined) config[key] = (schema as any).default;
            const policyStart = performance.now();
            try {
                await policy.validateStack({ resources, getConfig: () => config as any, stackTags: new Map(), notApplicable: () => undefined as never } as any, () => {});
            } catch {
                // unknowns at preview: counted like the server does, the time is what matters here
            }
            (perPolicy[policy.name] ??= []).push(performance.now() - policyStart);
        }
        totals.push(performance.now() - start);
    }
    return { total: median(totals), perPolicy: Object.fromEntries(Object.entries(perPolicy).map(([k, v]) => [k, median(v)])) };
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const ratio = (a: number, b: number) => a / b;
const verdict = (value: number, goal: number) => (value <= goal ? "meets" : "MISSES");

/** `--modes`: only the check-mode figures. */
async function modesOnly() {
    const modes = await measureModes(quick ? 1 : 3, log);
    if (asJson) process.stdout.write(JSON.stringify({ modes }, null, 2) + "\n");
    else for (const row of modeRows(modes)) console.log(row.join(" | "));
}

/** `--terraform`: only the Terraform plan against the program. */
async function terraformOnly() {
    const terraform = await measureTerraform(quick ? 1 : 3, log);
    if (asJson) process.stdout.write(JSON.stringify({ terraform }, null, 2) + "\n");
    else console.log(terraformRow(terraform).join(" | "));
}

function terraformRow(t: TerraformFigures): string[] {
    return [`check --terraform-plan / the program, ${t.resources.plan} resources`, fmt(t.planMs), fmt(t.programMs), `${t.ratio.toFixed(2)}x`, `<= ${TERRAFORM_GOAL}x`, verdict(t.ratio, TERRAFORM_GOAL)];
}

/** `--program`: only the program check. */
async function programOnly() {
    const program = await measureProgramCheck(quick ? [1000] : PROGRAM_SIZES, log);
    const typeCheck = await measureTypeCheck(log);
    if (asJson) process.stdout.write(JSON.stringify({ program, typeCheck }, null, 2) + "\n");
    else for (const row of programRows(program, typeCheck)) console.log(row.join(" | "));
}

const mb = (n: number) => `${Math.round(n)} MB`;

function programRows(program: Record<number, ProgramFigures>, typeCheck: { withMs: number; withoutMs: number }): string[][] {
    const rows: string[][] = [];
    for (const p of Object.values(program)) {
        const size = p.resources.toLocaleString("en-US");
        rows.push([`program check, ${size} resources: time`, fmt(p.checker.ms), `${fmt(p.plain.ms)} plain mocks + ${fmt(p.packAloneMs)} pack alone`, `${p.timeRatio.toFixed(2)}x`, `<= ${PROGRAM_GOALS.time}x`, verdict(p.timeRatio, PROGRAM_GOALS.time)]);
        rows.push([`program check, ${size} resources: peak memory`, mb(p.checker.peakMb), `${mb(p.plain.peakMb)} plain mocks`, `${p.memoryRatio.toFixed(2)}x`, `<= ${PROGRAM_GOALS.memory}x`, verdict(p.memoryRatio, PROGRAM_GOALS.memory)]);
    }
    rows.push(["program check, 1,000 resources, type-checked / transpile-only", fmt(typeCheck.withMs), fmt(typeCheck.withoutMs), `${(typeCheck.withMs / typeCheck.withoutMs).toFixed(2)}x`, "", ""]);
    return rows;
}

function modeRows(modes: Record<string, ModeFigures>): string[][] {
    return Object.entries(modes).map(([label, m]) => [`check --mode both / preview, ${label}`, fmt(m.bothMs), fmt(m.previewMs), `${m.ratio.toFixed(2)}x`, `<= ${MODES_GOAL}x`, verdict(m.ratio, MODES_GOAL)]);
}

async function main() {
    if (process.argv.includes("--modes")) return modesOnly();
    if (process.argv.includes("--terraform")) return terraformOnly();
    if (process.argv.includes("--program")) return programOnly();
    if (!fs.existsSync(path.join(OUR_PACK, "bin", "index.js"))) throw new Error("the pack is not built: run `npm run build` first");
    const empty = emptyPack();
    const figures: Record<string, unknown> = { machine: { cpus: os.cpus().length, node: process.version, loadavg: os.loadavg().map((l) => +l.toFixed(2)) } };
    try {
        log(`start-up: ${STARTS} starts of each pack, interleaved`);
        const ourStarts: number[] = [];
        const emptyStarts: number[] = [];
        await startupMs(empty); // warm the file cache
        for (let i = 0; i < STARTS; i++) {
            emptyStarts.push(await startupMs(empty));
            ourStarts.push(await startupMs(OUR_PACK));
        }
        const startup = { oursMs: median(ourStarts), emptyMs: median(emptyStarts) };
        figures.startup = { ...startup, ratio: ratio(startup.oursMs, startup.emptyMs) };

        const analysis: Record<number, { ours: Analysis; empty: Analysis }> = {};
        const ours = await startConfigured(OUR_PACK);
        const floor = await startConfigured(empty);
        try {
            const warm = syntheticStack(200);
            await analysisPass(ours, warm, toStack(warm));
            await analysisPass(floor, warm, toStack(warm));
            for (const size of SIZES) {
                const resources = syntheticStack(size);
                const stack = toStack(resources);
                const runs: { ours: Analysis[]; empty: Analysis[] } = { ours: [], empty: [] };
                for (let rep = 0; rep < REPS[size]; rep++) {
                    log(`analysis of ${size} resources, run ${rep + 1} of ${REPS[size]}`);
                    runs.empty.push(await analysisPass(floor, resources, stack));
                    runs.ours.push(await analysisPass(ours, resources, stack));
                }
                const med = (list: Analysis[]) => ({
                    analyzeMs: median(list.map((a) => a.analyzeMs)),
                    stackMs: median(list.map((a) => a.stackMs)),
                    totalMs: median(list.map((a) => a.totalMs)),
                });
                analysis[size] = { ours: med(runs.ours), empty: med(runs.empty) };
            }
        } finally {
            await ours.close();
            await floor.close();
        }
        figures.analysis = Object.fromEntries(
            SIZES.map((size) => [size, { ...analysis[size], ratio: ratio(analysis[size].ours.totalMs, analysis[size].empty.totalMs) }]),
        );
        const growth = ratio(analysis[10000].ours.totalMs, analysis[1000].ours.totalMs);
        const emptyGrowth = ratio(analysis[10000].empty.totalMs, analysis[1000].empty.totalMs);
        figures.growth = { ours: growth, empty: emptyGrowth };

        log("in-process: shared graph build and stack policies");
        const graph: Record<number, number> = {};
        let stackPolicies = { total: 0, perPolicy: {} as Record<string, number> };
        for (const size of SIZES) {
            const resources = policyResources(syntheticStack(size));
            new ResourceGraph(resources); // warm-up
            graph[size] = timeIt(() => new ResourceGraph(resources), quick ? 3 : 7);
            if (size === 10000) stackPolicies = await stackPoliciesMs(resources, quick ? 2 : 5);
        }
        figures.graph = { ms1k: graph[1000], ms10k: graph[10000], growth: ratio(graph[10000], graph[1000]) };
        figures.stackPolicies10k = stackPolicies;

        log("check modes: the CLI with --mode preview and with --mode both");
        const modes = await measureModes(quick ? 1 : 3, log);
        figures.modes = modes;

        log("Terraform: the CLI on a plan of 1,000 resources and on the program with the same resources");
        const terraform = await measureTerraform(quick ? 1 : 3, log);
        figures.terraform = terraform;

        log("program check: the CLI on generated programs, against plain mocks plus the pack alone");
        const program = await measureProgramCheck(quick ? [1000] : PROGRAM_SIZES, log);
        const typeCheck = await measureTypeCheck(log);
        figures.program = program;
        figures.typeCheck = typeCheck;

        if (asJson) {
            process.stdout.write(JSON.stringify(figures, null, 2) + "\n");
            return;
        }
        const a1 = analysis[1000];
        const a10 = analysis[10000];
        const rows = [
            ["pack start-up (spawn to port)", fmt(startup.oursMs), fmt(startup.emptyMs), `${ratio(startup.oursMs, startup.emptyMs).toFixed(2)}x`, `<= ${GOALS.startup}x`, verdict(ratio(startup.oursMs, startup.emptyMs), GOALS.startup)],
            ["analysis, 1,000 resources", fmt(a1.ours.totalMs), fmt(a1.empty.totalMs), `${ratio(a1.ours.totalMs, a1.empty.totalMs).toFixed(2)}x`, `<= ${GOALS.analysis}x`, verdict(ratio(a1.ours.totalMs, a1.empty.totalMs), GOALS.analysis)],
            ["  of which AnalyzeStack", fmt(a1.ours.stackMs), fmt(a1.empty.stackMs), "", "", ""],
            ["analysis, 10,000 resources", fmt(a10.ours.totalMs), fmt(a10.empty.totalMs), `${ratio(a10.ours.totalMs, a10.empty.totalMs).toFixed(2)}x`, `<= ${GOALS.analysis}x`, verdict(ratio(a10.ours.totalMs, a10.empty.totalMs), GOALS.analysis)],
            ["  of which AnalyzeStack", fmt(a10.ours.stackMs), fmt(a10.empty.stackMs), "", "", ""],
            ["growth 10k / 1k (analysis)", `${growth.toFixed(2)}x`, `${emptyGrowth.toFixed(2)}x`, "", `<= ${GOALS.growth}x`, verdict(growth, GOALS.growth)],
            ["graph build 1k / 10k (in-process)", `${fmt(graph[1000])} / ${fmt(graph[10000])}`, "", `${ratio(graph[10000], graph[1000]).toFixed(2)}x`, `<= ${GOALS.growth}x`, verdict(ratio(graph[10000], graph[1000]), GOALS.growth)],
            ["all stack policies, 10k (in-process)", fmt(stackPolicies.total), "", "", "", ""],
            ...modeRows(modes),
            terraformRow(terraform),
            ...programRows(program, typeCheck),
        ];
        const header = ["measure", "serverless-guardrails", "empty pack", "ratio", "goal", ""];
        const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
        const line = (r: string[]) => "| " + r.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
        console.log(line(header));
        console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
        for (const r of rows) console.log(line(r));
        console.log("");
        console.log(`stack policies at 10k (median ms): ${Object.entries(stackPolicies.perPolicy).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")}`);
        console.log(`medians of ${STARTS} starts and ${REPS[1000]}/${REPS[10000]} analysis runs; ${os.cpus().length} CPUs, Node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`);
    } finally {
        fs.rmSync(empty, { recursive: true, force: true });
    }
}

main().then(
    () => process.exit(0),
    (e) => {
        process.stderr.write(`bench failed: ${(e as Error)?.stack ?? e}\n`);
        process.exit(2);
    },
);
