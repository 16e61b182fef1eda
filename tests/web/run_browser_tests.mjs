// run_browser_tests.mjs — every browser test, against build/web served on 127.0.0.1.
// Prints one line per test and the closing "N passed, N failed"; exits 1 on any failure.
import { WEB, launch, run, serve } from './harness.mjs';
import { foundationTests } from './test_foundation.mjs';
import { digitLabTests } from './test_digit_lab.mjs';
import { lessonTests } from './test_lessons.mjs';
import { stormTests } from './test_storm.mjs';
import { classroomTests } from './test_classroom.mjs';

const server = await serve(WEB);
const ctx = { url: `http://127.0.0.1:${server.address().port}/index.html`, browser: await launch() };
let ok = false;
try {
  ok = await run([...foundationTests(ctx), ...digitLabTests(ctx), ...lessonTests(ctx), ...stormTests(ctx), ...classroomTests(ctx)]);
} finally {
  await ctx.browser.close();
  server.close();
}
process.exit(ok ? 0 : 1);
