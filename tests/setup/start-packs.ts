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
    const wanted = SHARED_PACK_DIRS.flatMap((dir) => Array.from({ length: Math.max(1, globalConfig.maxWorkers) }, () => dir));
    const started = await Promise.allSettled(wanted.map((dir) => PackClient.start(dir)));
    const clients: PackClient[] = [];
    for (const [index, outcome] of started.entries()) {
        if (outcome.status === "fulfilled") clients.push(outcome.value);
        // The suites that need the pack will spawn it and report why it fails.
        else process.stderr.write(`tests/setup: could not start a shared pack of ${wanted[index]}: ${(outcome.reason as Error)?.message}\n`);
    }
    const running = clients.map((client) => runningPackOf(client, path.join(lockDir, `${client.pid}.lock`)));
    process.env[RUNNING_PACKS_ENV] = JSON.stringify(running);
    const state: RunningPacksState = { clients, lockDir };
    (globalThis as any)[RUNNING_PACKS_STATE] = state;
}
