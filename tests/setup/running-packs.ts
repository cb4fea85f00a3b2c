/** What globalSetup (start-packs.ts) hands to globalTeardown (stop-packs.ts), and the opt-out for lifecycle tests. */
import { RUNNING_PACKS_ENV, type RunningPack } from "../../checker/pack-lease";
import type { PackClient } from "../../checker/pack-client";

export const RUNNING_PACKS_STATE = Symbol.for("serverless-guardrails.tests.running-packs");

export interface RunningPacksState {
    /** The shared packs, some of them perhaps still starting. */
    clients: Promise<PackClient>[];
    lockDir: string;
}

/**
 * For a test whose subject is a pack's own start or end: from here on, this test file starts packs of its own rather
 * than use the run's running packs. It clears Jest's copy of process.env for the file; a child process spawned
 * without `env` sees the worker's own environment, so give it envWithoutRunningPacks().
 */
export function withoutRunningPacks(): void {
    delete process.env[RUNNING_PACKS_ENV];
}

/** The environment for a child process that must start packs of its own. */
export function envWithoutRunningPacks(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    const copy = { ...env };
    delete copy[RUNNING_PACKS_ENV];
    return copy;
}

/** `client`'s pack, as a running pack whose lease is the file `lock`. */
export function runningPackOf(client: PackClient, lock: string): RunningPack {
    return { dir: client.packDir, address: client.address, pid: client.pid!, lock };
}

/** Runs `fn` with this test file using only the given running packs, then lists the run's running packs again. */
export async function withRunningPacks<T>(packs: RunningPack[], fn: () => Promise<T>): Promise<T> {
    const list = process.env[RUNNING_PACKS_ENV];
    process.env[RUNNING_PACKS_ENV] = JSON.stringify(packs);
    try {
        return await fn();
    } finally {
        if (list === undefined) delete process.env[RUNNING_PACKS_ENV];
        else process.env[RUNNING_PACKS_ENV] = list;
    }
}

/** Runs `fn` with this test file starting packs of its own (see withoutRunningPacks), then lists the running packs again. */
export function withOwnPacks<T>(fn: () => Promise<T>): Promise<T> {
    return withRunningPacks([], fn);
}
