/**
 * The checker starts a pack with @pulumi/pulumi's function-serialization modules loaded on first use
 * (checker/lazy-sdk-modules-preload.ts, passed by checker/pack-process.ts): a policy pack never serializes a function,
 * and @npmcli/arborist with all it pulls in is about a fifth of a pack's start.
 */
import * as path from "path";
import { compiledCheckerFile } from "../../checker/compiled-twin";
import { PackClient } from "../../checker/pack-client";
import { packDir } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");

test("a pack the checker starts has not loaded @npmcli/arborist, and analyzes as before", async () => {
    // The preload is the compiled file: from the sources, only when dist/ is built from them as they are now.
    expect(compiledCheckerFile(path.join(ROOT, "checker"), false, "lazy-sdk-modules-preload")).toBeDefined();
    const pack = await PackClient.start(packDir("loaded-modules"));
    try {
        await pack.configure({ "report-loaded": { enforcementLevel: "advisory" } });
        const result = await pack.analyze({ type: "test:index:Thing", name: "t", urn: "urn:pulumi:dev::fixture::test:index:Thing::t", properties: {} });
        expect(result.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining("arborist loaded: false")]);
    } finally {
        await pack.close();
    }
});
