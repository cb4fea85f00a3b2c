/**
 * The package as its users meet it: `npm pack`, install the tarball into a fresh project (offline, from the npm
 * cache that `npm ci` filled), type-check a Pulumi program and a Jest test that use the components and the kit under
 * Pulumi's template tsconfig and under node16 settings, then run both. Run by `npm run test:package` (not `npm test`).
 */
import { createHash } from "crypto";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PackClient } from "../../checker/pack-client";

const root = path.resolve(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The version this repository installed, so the offline install finds it in the cache. */
function installed(name: string): string {
    return JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 300_000) {
    const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, CI: "true", npm_config_update_notifier: "false" } });
    return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** Pulumi's own TypeScript template (pulumi/templates aws-typescript/tsconfig.json). */
const pulumiTemplateTsconfig = {
    compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        experimentalDecorators: true,
        pretty: true,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
    },
};

const node16Tsconfig = {
    compilerOptions: { strict: true, target: "es2022", module: "node16", moduleResolution: "node16", isolatedModules: true, skipLibCheck: false, noEmit: true },
};

/** A program an application team writes: the components, with inline handler code. */
const program = `import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CostGuardrails, QueueWorker } from "serverless-guardrails";

const code = new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });"),
});
const worker = new QueueWorker("jobs", { function: { code, timeout: 30 } });
new CostGuardrails("budget", { monthlyLimit: 100, emails: ["finance@example.com"] });
new aws.cloudwatch.LogGroup("audit", { retentionInDays: 30 });
export const queueUrl = worker.queueUrl;
`;

/** A Jest test of that program with the kit and its matchers. */
const unitTest = `import { checkProgram, guardrailMatchers } from "serverless-guardrails/testing";
import type { AnalysisResult } from "serverless-guardrails/testing";
import * as path from "path";

expect.extend(guardrailMatchers);

test("the program passes the pack", async () => {
    const result: AnalysisResult = await checkProgram(path.join(__dirname, ".."));
    expect(result).toHaveNoViolations();
    expect(result).not.toHaveViolation("sqs-queue-dlq");
}, 120000);
`;

/**
 * Our own lockfile with the consumer as its root: every package the consumer needs is in it, with the tarball
 * \`npm ci\` cached, so \`npm install --offline\` resolves nothing from the registry (packuments are not cached).
 */
function lockFor(pkg: { name: string; version: string; dependencies: Record<string, string>; devDependencies?: Record<string, string> }) {
    const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
    const packages: Record<string, unknown> = { "": { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, devDependencies: pkg.devDependencies } };
    for (const [key, entry] of Object.entries<Record<string, unknown>>(lock.packages)) {
        if (key === "" || !key.startsWith("node_modules/") || entry.link) continue;
        // npm leaves registry URLs out of some entries; without one it would ask the registry where the tarball is.
        const name = key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
        const resolved = entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split("/").pop()}-${entry.version}.tgz`;
        // dev/optional/peer describe this repository's tree, not the consumer's (where @pulumi/aws is a dependency).
        const { dev: _dev, devOptional: _devOptional, optional: _optional, peer: _peer, ...own } = entry;
        packages[key] = { ...own, resolved };
    }
    // The tarball's own entry, as npm would record it: without it, npm resolves the package's peer dependencies
    // afresh, which needs their registry documents (packuments), and a cache filled by `npm ci` alone has none
    // (ERESOLVE "Found: @pulumi/aws@undefined" offline).
    const manifest = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
    packages["node_modules/serverless-guardrails"] = {
        version: manifest.version,
        resolved: pkg.dependencies["serverless-guardrails"],
        integrity: `sha512-${createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}`,
        license: manifest.license,
        dependencies: manifest.dependencies,
        peerDependencies: manifest.peerDependencies,
        bin: manifest.bin,
        engines: manifest.engines,
    };
    return { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages };
}

let workdir: string;
let tarball: string;
let install: { status: number | null; output: string };

beforeAll(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-package-"));
    const packed = execFileSync(npm, ["pack", "--silent", "--pack-destination", workdir], { cwd: root, encoding: "utf8", timeout: 300_000 });
    tarball = path.join(workdir, packed.trim().split("\n").pop()!);
    const app = path.join(workdir, "app");
    fs.mkdirSync(path.join(app, "tests"), { recursive: true });
    const pkg = {
        name: "consumer",
        version: "1.0.0",
        private: true,
        main: "index.ts",
        dependencies: {
            "serverless-guardrails": `file:../${path.basename(tarball)}`,
            "@pulumi/pulumi": installed("@pulumi/pulumi"),
            "@pulumi/aws": installed("@pulumi/aws"),
        },
        devDependencies: {
            typescript: installed("typescript"),
            jest: installed("jest"),
            "ts-jest": installed("ts-jest"),
            "@types/jest": installed("@types/jest"),
            "@types/node": installed("@types/node"),
        },
        // What a consumer records after \`npm install-scripts ls\`: protobufjs (under @pulumi/pulumi) and @parcel/watcher (under jest) have install scripts; ours has none.
        allowScripts: { protobufjs: false, "@parcel/watcher": false },
    };
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify(pkg, null, 2));
    fs.writeFileSync(path.join(app, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\n");
    fs.writeFileSync(path.join(app, "Pulumi.dev.yaml"), "config:\n  aws:region: eu-west-1\n");
    fs.writeFileSync(path.join(app, "index.ts"), program);
    fs.writeFileSync(path.join(app, "tests", "program.test.ts"), unitTest);
    fs.writeFileSync(path.join(app, "tsconfig.pulumi-template.json"), JSON.stringify({ ...pulumiTemplateTsconfig, include: ["index.ts", "tests/*.ts"], compilerOptions: { ...pulumiTemplateTsconfig.compilerOptions, noEmit: true, types: ["node", "jest"] } }));
    fs.writeFileSync(path.join(app, "tsconfig.node16.json"), JSON.stringify({ ...node16Tsconfig, include: ["index.ts", "tests/*.ts"], compilerOptions: { ...node16Tsconfig.compilerOptions, types: ["node", "jest"] } }));
    fs.writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify(pulumiTemplateTsconfig));
    fs.writeFileSync(path.join(app, "jest.config.js"), 'module.exports = { testEnvironment: "node", transform: { "^.+\\\\.ts$": ["ts-jest", { diagnostics: false }] }, testMatch: ["**/tests/*.test.ts"] };\n');
    fs.writeFileSync(path.join(app, "package-lock.json"), JSON.stringify(lockFor(pkg), null, 2));
    install = run(npm, ["install", "--offline", "--no-audit", "--no-fund"], app);
    if (install.status !== 0) process.stderr.write(install.output);
}, 600_000);

afterAll(() => {
    if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
});

describe("the packed package", () => {
    test("installs offline from the tarball with no engine or install-script warning", () => {
        expect(install.output).not.toMatch(/ERR!/);
        expect(install.status).toBe(0);
        expect(install.output).not.toMatch(/EBADENGINE/);
        expect(install.output).not.toMatch(/install-scripts/);
    });

    test("ships the compiled pack, the checker, the kit and the license, and no TypeScript sources or scripts", () => {
        const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean);
        expect(listing).toEqual(expect.arrayContaining(["package/LICENSE", "package/policies/bin/index.js", "package/policies/PulumiPolicy.yaml", "package/dist/testing/index.d.ts", "package/bin/serverless-guardrails.js"]));
        expect(listing.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
        expect(listing.filter((f) => f.endsWith(".tsbuildinfo"))).toEqual([]);
        const manifest = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
        expect(manifest.scripts).toBeUndefined();
        expect(manifest.workspaces).toBeUndefined();
        expect(manifest.private).toBeUndefined();
        expect(manifest.engines.node).toBeDefined();
    });

    test.each(["pulumi-template", "node16"])("a program and a Jest test that use it type-check under the %s tsconfig", (name) => {
        const result = run(process.execPath, [path.join(workdir, "app", "node_modules", "typescript", "bin", "tsc"), "-p", `tsconfig.${name}.json`], path.join(workdir, "app"));
        expect(result.output).toBe("");
        expect(result.status).toBe(0);
    });

    test("the installed checker checks the program offline: exit 0", () => {
        const result = run(process.execPath, [path.join(workdir, "app", "node_modules", ".bin", "serverless-guardrails"), "check", ".", "--mode", "preview"], path.join(workdir, "app"));
        expect({ status: result.status, output: result.output }).toMatchObject({ status: 0 });
    });

    test("the Jest test runs with the kit's matchers", () => {
        const result = run(process.execPath, [path.join(workdir, "app", "node_modules", "jest", "bin", "jest.js"), "--ci"], path.join(workdir, "app"));
        expect(result.output).toMatch(/Tests:\s+1 passed, 1 total/);
        expect(result.status).toBe(0);
    });

    test("source maps carry their sources", () => {
        const map = JSON.parse(fs.readFileSync(path.join(workdir, "app", "node_modules", "serverless-guardrails", "dist", "checker", "cli.js.map"), "utf8"));
        expect(map.sourcesContent?.[0]).toContain("serverless-guardrails check");
    });
});

describe("the policy pack on its own (what `pulumi policy publish` ships)", () => {
    // pulumi/pulumi pkg/backend/httpstate/policypack.go: a nodejs pack is published with `npm pack` in its folder,
    // and each enforcing machine unpacks it and runs `npm install` there (completeNodeJSInstall).
    let packDir: string;
    let steps: { install: ReturnType<typeof run>; build: ReturnType<typeof run> };

    beforeAll(() => {
        packDir = path.join(workdir, "policies");
        const tracked = execFileSync("git", ["ls-files", "policies"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
        for (const file of tracked) {
            const to = path.join(workdir, file);
            fs.mkdirSync(path.dirname(to), { recursive: true });
            fs.copyFileSync(path.join(root, file), to);
        }
        const manifest = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8"));
        fs.writeFileSync(path.join(packDir, "package-lock.json"), JSON.stringify(lockFor(manifest), null, 2));
        const install = run(npm, ["install", "--offline", "--no-audit", "--no-fund"], packDir);
        const build = install.status === 0 ? run(npm, ["run", "build"], packDir) : install;
        steps = { install, build };
    }, 600_000);

    test("`npm install && npm run build` work in a copy of policies/ alone, with no root install", () => {
        expect(steps.install.output).not.toMatch(/EBADENGINE|install-scripts/);
        expect(steps.install.status).toBe(0);
        expect(steps.build.status).toBe(0);
    });

    test("`npm pack` of the pack holds the compiled pack and its manifest, and nothing else", () => {
        const listing = JSON.parse(execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: packDir, encoding: "utf8" }))[0].files.map((f: { path: string }) => f.path);
        expect(listing).toEqual(expect.arrayContaining(["PulumiPolicy.yaml", "package.json", "bin/index.js", "bin/all.js"]));
        expect(listing.filter((f: string) => !/^bin\/.*\.js$/.test(f) && !["PulumiPolicy.yaml", "package.json"].includes(f))).toEqual([]);
        expect(listing.every((f: string) => !f.endsWith(".ts"))).toBe(true);
    });

    test("the built copy starts as the engine starts it and lists every policy", async () => {
        const client = await PackClient.start(packDir, { startTimeoutMs: 60_000, callTimeoutMs: 60_000 });
        try {
            const info = await client.getAnalyzerInfo();
            const ours = await PackClient.start(path.join(root, "policies"), { startTimeoutMs: 60_000, callTimeoutMs: 60_000 });
            try {
                expect(info.policies.map((p) => p.name)).toEqual((await ours.getAnalyzerInfo()).policies.map((p) => p.name));
            } finally {
                await ours.close();
            }
        } finally {
            await client.close();
        }
    }, 120_000);
});
