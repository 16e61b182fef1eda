"""skip.py — the one way a Python test says "this check cannot run here" (numpy or torch missing).

With CS_ALLOW_SKIP=1 (hand runs, or scripts/test.sh when steps are switched off) it says "skip: why"
and exits 0; otherwise it fails (exit 1), so a full run cannot pass with a check that never ran.
Either way the skip is appended to the file CS_SKIP_LOG names (when set), which scripts/test.sh
counts in its closing line. The same contract as tests/skip.h and tests/web/harness.mjs skip().
"""
import os
import sys


def skip(where, reason):
    line = f"{where}: {reason}"
    log = os.environ.get("CS_SKIP_LOG")
    if log:
        with open(log, "a") as f:
            f.write(line + "\n")
    if os.environ.get("CS_ALLOW_SKIP") == "1":
        print(f"skip: {line}")
        sys.exit(0)
    print(f"FAIL: skipped, which counts as a failure (CS_ALLOW_SKIP=1 allows it): {line}")
    sys.exit(1)
