// A node:test reporter that ends the run with one plain line: "N passed, N failed, N skipped".
export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    // Suites are reported as tests too; count only leaves so the totals match the assertions run.
    if (event.data.details?.type === 'suite') continue;
    // A todo or skipped test does not fail the run, whatever its body did.
    if (event.data.skip || event.data.todo) skipped += 1;
    else if (event.type === 'test:fail') failed += 1;
    else passed += 1;
  }
  yield `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
