/** Jest globalTeardown: stops the packs that start-packs.ts started, and removes their lease files. */
import * as fs from "fs";
import { RUNNING_PACKS_ENV } from "../../checker/pack-lease";
import { closeRunCache } from "../helpers/run-cache-folder";
import { RUNNING_PACKS_STATE, type RunningPacksState } from "./running-packs";

export default async function stopPacks(): Promise<void> {
    const state: RunningPacksState | undefined = (globalThis as any)[RUNNING_PACKS_STATE];
    delete process.env[RUNNING_PACKS_ENV];
    closeRunCache();
    if (!state) return;
    const started = await Promise.allSettled(state.clients);
    await Promise.all(started.map((outcome) => (outcome.status === "fulfilled" ? outcome.value.close() : undefined)));
    fs.rmSync(state.lockDir, { recursive: true, force: true });
    delete (globalThis as any)[RUNNING_PACKS_STATE];
}
