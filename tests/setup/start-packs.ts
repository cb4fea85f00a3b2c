/**
 * Jest globalSetup: starts, per worker, one pack of each folder that suites start most often with no special
 * options, and lists them in SERVERLESS_GUARDRAILS_RUNNING_PACKS, which the workers and the CLI processes they
 * spawn inherit. PackClient.start then uses a free one instead of spawning a pack (checker/pack-lease.ts), and
 * spawns as before when none is free. The packs are children of Jest's main process: globalTeardown
 * (stop-packs.ts) stops them, and if Jest dies first, so do they (checker/pack-process.ts: its exit hook, the
 * pack's watchdog).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PackClient } from "../../checker/pack-client";
import { RUNNING_PACKS_ENV } from "../../checker/pack-lease";
import { openRunCache } from "../helpers/run-cache-folder";
import { RUNNING_PACKS_STATE, runningPackOf, type RunningPacksState } from "./running-packs";

const ROOT = path.resolve(__dirname, "../..");
const SHARED_PACK_DIRS = ["policies", "tests/fixtures/packs/basic", "tests/fixtures/packs/report"].map((dir) => path.join(ROOT, dir));

export default async function startPacks(globalConfig: { maxWorkers: number }): Promise<void> {
    // A test run inside a test run starts packs of its own.
    delete process.env[RUNNING_PACKS_ENV];
    // The run's shared captures and checks (tests/helpers/run-cache.ts).
    openRunCache();
    const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-running-packs-"));
    const wanted = SHARED_PACK_DIRS.flatMap((dir) => Array.from({ length: Math.max(1, globalConfig.maxWorkers) }, (_, copy) => ({ dir, copy })));
    // The first pack of each folder is awaited; the others are listed as starting (checker/pack-lease.ts StartingPack)
    // and come up while the first suites load: six packs at once take 1.6 s on 2 cores.
    const starting = wanted.map(({ dir, copy }, index) => {
        const lock = path.join(lockDir, `${index}.lock`);
        const readyFile = path.join(lockDir, `${index}.ready`);
        const started = PackClient.start(dir).then((client) => {
            const partial = `${readyFile}.tmp`;
            fs.writeFileSync(partial, JSON.stringify(runningPackOf(client, lock)));
            fs.renameSync(partial, readyFile);
            return client;
        });
        // The suites that need the pack will spawn it and report why it fails.
        started.catch((error) => process.stderr.write(`tests/setup: could not start a shared pack of ${dir}: ${(error as Error)?.message}\n`));
        return { dir, copy, lock, readyFile, started };
    });
    await Promise.allSettled(starting.filter((pack) => pack.copy === 0).map((pack) => pack.started));
    process.env[RUNNING_PACKS_ENV] = JSON.stringify(starting.map(({ dir, lock, readyFile }) => ({ dir, lock, readyFile })));
    const state: RunningPacksState = { clients: starting.map((pack) => pack.started), lockDir };
    (globalThis as any)[RUNNING_PACKS_STATE] = state;
}
