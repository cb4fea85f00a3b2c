/**
 * Jest's order, with a head start for a fresh clone. Jest runs the suites that took longest last time first, so
 * that no worker is left running a long suite alone at the end; with no timings of its own (a fresh clone, CI) it
 * falls back to file size, which put the slowest suite of all (the README's commands, a short file) last. The
 * suites that spawn many processes are listed here with their duration in a full run (seconds, 2 workers, measured
 * 2026-12-02), and the others are guessed from their size (about a second per 20 KB); Jest's own timings win where
 * it has them. Every suite gets a figure because Jest runs the suites it has no figure for first. A stale figure
 * only changes the order.
 */
const Sequencer = require("@jest/test-sequencer").default;
const path = require("path");

const MEASURED_SECONDS = {
    "tests/docs/readme-commands.test.ts": 24,
    "tests/checker/program-run.test.ts": 21,
    "tests/checker/cli.test.ts": 14,
    "tests/components/all.test.ts": 13,
    "tests/checker/pack-client.test.ts": 9,
    "tests/checker/default-mode.test.ts": 8,
    "tests/checker/program-isolation.test.ts": 8,
    "tests/components/component-provider.test.ts": 7,
    "tests/checker/transpile-cache.test.ts": 6,
    "tests/checker/engine-data.test.ts": 6,
    "tests/policies/robustness.test.ts": 5,
    "tests/inputs/stack-state-verdicts.test.ts": 5,
    "tests/policies/loops/all.test.ts": 5,
};
const ROOT = path.join(__dirname, "..", "..");

class FreshCloneSequencer extends Sequencer {
    sort(tests) {
        for (const test of tests) {
            const measured = MEASURED_SECONDS[path.relative(ROOT, test.path).split(path.sep).join("/")];
            test.duration = this.time(test) ?? (measured !== undefined ? measured * 1000 : (test.context.hasteFS.getSize(test.path) ?? 0) / 20);
        }
        const time = this.time;
        // Jest's comparison, reading the durations set above.
        this.time = (test) => test.duration;
        try {
            return super.sort(tests);
        } finally {
            this.time = time;
        }
    }
}

module.exports = FreshCloneSequencer;
