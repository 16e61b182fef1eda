// run_browser_tests.mjs — every browser test, against build/web served on 127.0.0.1.
// Prints one line per test and the closing "N passed, N failed"; exits 1 on any failure.
// CS_WEB_TESTS=a,b: only tests whose names contain a or b; CS_WEB_WORKERS=n: n tests side by side (2).
import { WEB, launch, run, serve } from './harness.mjs';
import { foundationTests } from './test_foundation.mjs';
import { digitLabTests } from './test_digit_lab.mjs';
import { lessonTests } from './test_lessons.mjs';
import { stormTests } from './test_storm.mjs';
import { classroomTests } from './test_classroom.mjs';
import { deliveryTests } from './test_delivery.mjs';
import { stringsTests } from './test_strings.mjs';
import { privacyTests } from './test_privacy.mjs';
import { labTeacherTests } from './test_lab_teacher.mjs';
import { teacherViewTests } from './test_teacher_view.mjs';
import { courseTests } from './test_course.mjs';
import { backpropTests } from './test_backprop.mjs';
import { phoneTests } from './test_phones.mjs';
import { a11yTests } from './test_a11y.mjs';
import { languagesTests } from './test_languages.mjs';
import { blocksTests } from './test_blocks.mjs';
import { abLabTests } from './test_ab_lab.mjs';

const server = await serve(WEB);
const ctx = { url: `http://127.0.0.1:${server.address().port}/index.html`, browser: await launch() };
let ok = false;
try {
  // The storm first: it lasts a fixed time, best spent beside the others (see run() in harness.mjs).
  ok = await run([...stormTests(ctx), ...digitLabTests(ctx), ...classroomTests(ctx), ...lessonTests(ctx), ...foundationTests(ctx), ...deliveryTests(ctx), ...stringsTests(ctx), ...privacyTests(ctx), ...labTeacherTests(ctx), ...teacherViewTests(ctx), ...courseTests(ctx), ...backpropTests(ctx), ...phoneTests(ctx), ...a11yTests(ctx), ...languagesTests(ctx), ...blocksTests(ctx), ...abLabTests(ctx)]);
} finally {
  await ctx.browser.close();
  server.close();
}
process.exit(ok ? 0 : 1);
