"""The test summary: Odoo's test runner and pytest in one closing line.

Odoo's log gives the totals ("N failed, N error(s) of N tests"), the skips,
the retries (ODOO_TEST_FAILURE_RETRIES) and the tests run per addon
(their "Starting ..." lines); pytest gives a JUnit file. Every other thing that went
wrong counts as one failed check, so the line never says all passed by mistake.
"""

# pylint: disable=print-used
import collections
import re
import xml.etree.ElementTree as ET

from . import ADDONS, say

RECORD = re.compile(r"^[\d-]+ [\d:,]+ \d+ ([A-Z]+) \S+ ([^\s:]+): (.*)")
MILESTONE = re.compile(r"loading \d+ modules|\d+ modules loaded in|\d+ post-tests in")
BROWSER = re.compile(r"chrom|websocket|browser|devtools", re.IGNORECASE)


class OdooLog:
    """Odoo's output as it comes: counts the tests, echoes what matters.

    Shown: the first line of warnings and errors (checklog-odoo shows whole
    records at the end) and milestones; with -v, everything. While Odoo serves
    (`on_ready`, called once its registry is loaded) tracebacks come as well.
    """

    def __init__(self, verbose=False, on_ready=None):
        self.verbose, self.on_ready, self.level = verbose, on_ready, None
        self.totals = None  # (failed, errors, tests run)
        self.per_addon = collections.Counter()
        self.skips, self.retries, self.failures = [], [], []

    def feed(self, line):
        line = line.rstrip()
        record = RECORD.match(line)
        if record is None:  # Odoo's output before logging, or a record's traceback
            if (
                self.verbose
                or self.level is None
                or (self.on_ready is not None and self.level in ("ERROR", "CRITICAL"))
            ):
                print(f"  | {line}")
            return
        self.level, logger, msg = record.groups()
        if found := re.match(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests", msg):
            self.totals = tuple(int(n) for n in found.groups())
        elif logger.startswith("odoo.addons.") and msg.startswith("Starting "):
            self.per_addon[logger.split(".")[2]] += 1
        elif logger.startswith("odoo.addons.") and msg.startswith("skipped "):
            self.skips.append(msg[8:])
        elif msg.startswith("Retrying a failed test: "):
            self.retries.append(msg.rsplit("(", 1)[-1].rstrip(")"))
        elif self.level == "ERROR" and msg.startswith(("FAIL: ", "ERROR: ")):
            self.failures.append(msg)
        if self.verbose or self.level != "INFO" or MILESTONE.match(msg):
            print(f"  | {line if self.verbose else f'{self.level} {logger}: {msg}'}")
        if self.on_ready and msg.startswith("Registry loaded in"):
            self.on_ready = self.on_ready() or (lambda: None)


def report(log, odoo_rc, checklog_rc, pytest_rc, junit):
    """Print what went wrong; return (exit status, summary line)."""
    problems, passed, failed, skipped = [], 0, 0, 0
    if log.totals is None:
        problems.append(f"Odoo reported no test totals (exit status {odoo_rc})")
    else:
        failed, skipped = log.totals[0] + log.totals[1], len(log.skips)
        passed = max(log.totals[2] - failed - skipped - len(log.retries), 0)
        per_addon = ", ".join(f"{a}: {log.per_addon[a]} run" for a in ADDONS)
        say(f"Odoo: {passed} passed, {failed} failed, {skipped} skipped ({per_addon})")
        if not failed and odoo_rc:
            problems.append(f"Odoo exited with status {odoo_rc}")
    problems += [f"no test of {a} ran" for a in ADDONS if not log.per_addon[a]]
    problems += [f"browser test skipped: {s}" for s in log.skips if BROWSER.search(s)]
    if checklog_rc:
        problems.append("Odoo logged ERROR lines outside test results (see above)")
    failed_names = {headline.split(": ", 1)[1] for headline in log.failures}
    for name in {".".join(test.split(".")[-2:]) for test in log.retries}:
        if name not in failed_names:
            say(
                f"warning: {name} passed only on a second try (ODOO_TEST_FAILURE_RETRIES)"
            )
    try:
        suites = list(ET.parse(junit).getroot().iter("testsuite"))
    except (OSError, ET.ParseError):
        suites = None
    if suites is None or pytest_rc not in (0, 1, 5):  # 5: pytest collected nothing
        problems.append(f"pytest did not run properly (exit status {pytest_rc})")
    else:
        count = collections.Counter()
        for suite in suites:
            for key in ("tests", "failures", "errors", "skipped"):
                count[key] += int(suite.get(key, 0))
        pytest_failed = count["failures"] + count["errors"]
        passed += count["tests"] - pytest_failed - count["skipped"]
        failed, skipped = failed + pytest_failed, skipped + count["skipped"]
        if pytest_rc == 1 and not pytest_failed:
            problems.append("pytest failed (exit status 1)")
    if passed + failed == 0:
        problems.append("no test ran")
    for headline in log.failures:
        print(f"  - {headline}")
    for problem in problems:
        say(f"problem: {problem}")
    failed += len(problems)  # each problem counts as one failed check
    return bool(failed), f"tests: {passed} passed, {failed} failed, {skipped} skipped"
