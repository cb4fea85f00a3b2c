/**
 * Nothing left running: the checker killed with `kill -9` (the OOM killer), or its whole process group killed
 * (a CI time limit), while its pack is stuck in a policy that never returns and keeps the pack's main thread busy.
 * The checker here is fixtures/launch-pack.js: the CLI's own PackClient, started and called as the CLI does.
 */
import { spawn } from "child_process";
import * as path from "path";
import { copyPack, packProcesses, removeCopies } from "../checker/helpers";
import { checkerFile } from "../helpers/checker-cli";
import { envWithoutRunningPacks } from "../setup/running-packs";
import { eventually, HOSTILE_FIXTURES, ROOT } from "./helpers";

afterAll(removeCopies);

/** Starts the checker with the busy pack and waits until the pack is running and stuck in Analyze. */
async function cliWithBusyPack(detached: boolean) {
    const dir = copyPack(path.join(HOSTILE_FIXTURES, "packs", "busy"));
    const packClient = checkerFile(path.join(ROOT, "checker", "pack-client.ts"));
    const child = spawn(process.execPath, [...packClient.nodeArgs, path.join(HOSTILE_FIXTURES, "launch-pack.js"), packClient.file, dir], {
        cwd: ROOT,
        detached,
        env: envWithoutRunningPacks(),
        stdio: ["ignore", "pipe", "pipe"],
    });
    const output = { stdout: "", stderr: "" };
    child.stdout.on("data", (d) => (output.stdout += d));
    child.stderr.on("data", (d) => (output.stderr += d));
    const done = new Promise<{ signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (_, signal) => resolve({ signal })));
    const started = await eventually(() => packProcesses(dir).length === 1 && output.stdout.includes("analyzing"), 30_000);
    if (!started) throw new Error(`the pack did not start\n${output.stderr}`);
    // Let the call arrive: the pack's main thread is then spinning.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { dir, cli: { child, done } };
}

/** Ends pack processes a failed test left behind (only this test's: the folder is unique). */
function cleanUp(dir: string) {
    for (const line of packProcesses(dir)) {
        try {
            process.kill(Number(line.trim().split(/\s+/)[0]), "SIGKILL");
        } catch {
            // gone already
        }
    }
}

test("kill -9 of the CLI alone: the pack notices its parent is gone and ends", async () => {
    const { dir, cli } = await cliWithBusyPack(false);
    try {
        process.kill(cli.child.pid!, "SIGKILL");
        expect((await cli.done).signal).toBe("SIGKILL");
        expect(await eventually(() => packProcesses(dir).length === 0, 5000)).toBe(true);
    } finally {
        cleanUp(dir);
    }
});

test("kill -9 of the CLI's process group: the pack is in the group and ends with it", async () => {
    const { dir, cli } = await cliWithBusyPack(true);
    try {
        process.kill(-cli.child.pid!, "SIGKILL");
        expect((await cli.done).signal).toBe("SIGKILL");
        expect(await eventually(() => packProcesses(dir).length === 0, 1000)).toBe(true);
    } finally {
        cleanUp(dir);
    }
});
