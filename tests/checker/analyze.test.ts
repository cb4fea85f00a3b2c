import * as fs from "fs";
import * as path from "path";
import { analyzeResources } from "../../checker/analyze";
import { ConfigError } from "../../checker/config";
import { PackError } from "../../checker/pack-client";
import type { CapturedResource } from "../../checker/types";
import { copyPack, packDir, packProcesses, removeCopies, tempDir, thing, UNKNOWN } from "./helpers";

afterAll(removeCopies);

const basic = { dir: packDir("basic") };
const levels = (result: { violations: { policy: string; enforcementLevel: string; urn?: string }[] }) =>
    result.violations.map((v) => `${v.policy} ${v.enforcementLevel} ${v.urn?.split("::").pop()}`);

describe("analyze", () => {
    it("gives each resource's violations at the configured level", async () => {
        const result = await analyzeResources([thing("open", { public: true, note: "n" }), thing("silent", {})], {
            packs: [{ ...basic, config: { "has-note": { enforcementLevel: "mandatory" } } }],
        });
        expect(levels(result)).toEqual(["no-public mandatory open", "has-note mandatory silent"]);
        expect(result.policyPacks).toMatchObject([{ name: "fixture-basic", version: "1.2.3", policies: 5 }]);
        // Each policy with the level the merged config gives it (has-note raised, set-size left disabled).
        const levelsOf = Object.fromEntries(result.policyPacks[0].details!.map((d) => [d.name, d.enforcementLevel]));
        expect(levelsOf).toEqual({ "no-public": "mandatory", "has-note": "mandatory", "known-label": "mandatory", "set-size": "disabled", "no-forbidden-target": "mandatory" });
        expect(result.policyPacks[0].details![0]).toMatchObject({ name: "no-public", description: "Things must not be public.", severity: "high", type: "resource" });
    });

    it("remediates first, then analyzes the remediated inputs", async () => {
        const result = await analyzeResources([thing("unsized", { note: "n" })], {
            packs: [{ ...basic, config: { "set-size": "remediate", "no-public": { maxSize: 5 } } }],
        });
        expect(result.remediations).toEqual([{ policyPack: "fixture-basic", policy: "set-size", urn: thing("unsized", {}).urn, changes: [{ path: "size", after: 7 }] }]);
        // set-size set size to 7, over maxSize 5: Analyze saw the remediated inputs.
        expect(result.violations.map((v) => v.message)).toEqual([expect.stringContaining("`size` is over 5.")]);
    });

    it("keeps the engine's can't-run-at-preview advisory, marked as such", async () => {
        const result = await analyzeResources([thing("later", { label: UNKNOWN, note: "n" })], { packs: [basic] });
        expect(result.violations).toEqual([
            expect.objectContaining({ policy: "known-label", enforcementLevel: "advisory", unknownAtPreview: true }),
        ]);
    });

    it("collects waivers with their reasons and the resource", async () => {
        const result = await analyzeResources([thing("excused", { waive: true, public: true, note: "n" })], { packs: [basic] });
        expect(result.violations).toEqual([]);
        expect(result.waivers).toEqual([{ policyPack: "fixture-basic", policy: "no-public", reason: "waived: a test waiver", urn: thing("excused", {}).urn }]);
    });

    it("runs AnalyzeStack with property dependencies and reports on the resource the policy names", async () => {
        const forbidden: CapturedResource = { ...thing("src", {}), type: "test:index:Forbidden", urn: "urn:pulumi:dev::fixture::test:index:Forbidden::src" };
        const pointing = thing("pointing", { note: "n", target: UNKNOWN }, { dependencies: [forbidden.urn], propertyDependencies: { target: [forbidden.urn] } });
        const result = await analyzeResources([forbidden, pointing], { packs: [basic] });
        expect(levels(result)).toEqual(["no-forbidden-target mandatory pointing"]);
    });

    it("sends components too, in registration order, as the engine does", async () => {
        const component: CapturedResource = { ...thing("group", {}), type: "test:index:Group", custom: false, urn: "urn:pulumi:dev::fixture::test:index:Group::group" };
        const child = thing("child", {}, { parent: component.urn });
        const result = await analyzeResources([component, child], { packs: [basic] });
        expect(levels(result)).toEqual(["has-note advisory child"]);
    });

    it("sends an explicit provider's inputs with the resources that use it", async () => {
        const provider: CapturedResource = { ...thing("mars", { region: "mars-1" }), type: "pulumi:providers:aws", urn: "urn:pulumi:dev::fixture::pulumi:providers:aws::mars" };
        const result = await analyzeResources([provider, thing("rover", { note: "n" }, { provider: provider.urn })], { packs: [basic] });
        expect(result.violations.map((v) => v.message)).toEqual([expect.stringContaining("provider mars is in mars-1.")]);
    });

    it("runs several packs over the same resources", async () => {
        const result = await analyzeResources([thing("open", { public: true, note: "n" })], { packs: [basic, { dir: packDir("empty") }] });
        // The empty pack's PulumiPolicy.yaml has a version, which the engine reports over the pack's own.
        expect(result.policyPacks.map((p) => `${p.name}@${p.version}`)).toEqual(["fixture-basic@1.2.3", "fixture-empty@9.9.9"]);
        expect(levels(result)).toEqual(["no-public mandatory open"]);
    });
});

describe("analyze faults", () => {
    it("fails on a config that does not fit the schema, listing every problem, and stops the pack", async () => {
        const dir = copyPack("basic");
        const file = path.join(tempDir("sg-cfg-"), "config.json");
        fs.writeFileSync(file, JSON.stringify({ "no-public": { maxSize: 0, allowPublic: "no" }, "no-such-policy": "advisory" }));
        const error = await analyzeResources([thing("a", {})], { packs: [{ dir, config: file }] }).catch((e) => e);
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems.map((p) => `${p.policy}/${p.property ?? ""}`).sort()).toEqual([
            "no-public/allowPublic",
            "no-public/maxSize",
            "no-such-policy/",
        ]);
        expect(packProcesses(dir)).toEqual([]);
    });

    it("fails with the pack's stderr when a pack dies mid-analysis, and stops every pack", async () => {
        const dying = copyPack("dies");
        const healthy = copyPack("basic");
        const error = await analyzeResources([thing("a", {})], { packs: [{ dir: healthy }, { dir: dying }] }).catch((e) => e);
        expect(error).toBeInstanceOf(PackError);
        expect(error.message).toContain("fixture pack dying now");
        expect(packProcesses(dying)).toEqual([]);
        expect(packProcesses(healthy)).toEqual([]);
    });

    it("fails when one of several packs cannot start, and stops the others", async () => {
        const broken = copyPack("broken-start");
        const healthy = copyPack("basic");
        const error = await analyzeResources([thing("a", {})], { packs: [{ dir: healthy }, { dir: broken }] }).catch((e) => e);
        expect(error).toBeInstanceOf(PackError);
        expect(error.message).toContain("failed to start");
        expect(packProcesses(healthy)).toEqual([]);
    });
});
