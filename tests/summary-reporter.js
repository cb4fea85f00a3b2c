/**
 * Ends a Jest run with the plain closing line CI reads: "N passed, N failed" (", N skipped" when some were).
 * Printed at exit, so that it comes after Jest's own summary.
 */
class SummaryReporter {
    onRunComplete(_contexts, results) {
        const skipped = results.numPendingTests + results.numTodoTests;
        const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`;
        process.once("exit", () => process.stdout.write(`${line}\n`));
    }
}
module.exports = SummaryReporter;
