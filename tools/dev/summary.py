"""The test summary: Odoo's test runner and pytest in one closing line.

Odoo's log gives the totals ("N failed, N error(s) of N tests"), skips and retries
(ODOO_TEST_FAILURE_RETRIES), pytest its last line. Anything else that went wrong
counts as one failed check: the line never says all passed by mistake."""

# pylint: disable=print-used
import re
import subprocess
import time

from . import BIN, LOG_DIR, say

RECORD = re.compile(r"^[\d-]+ [\d:,]+ \d+ ([A-Z]+) \S+ ([^\s:]+): (.*)")
MILESTONE = re.compile(r"loading \d+ modules|\d+ modules loaded in|\d+ post-tests in")


class OdooLog:
    """Odoo's output as it comes, into var/log: counts tests, echoes milestones and
    the first line of warnings and errors (checklog-odoo shows them whole), with -v
    all; while Odoo serves, tracebacks too and `on_ready` once it is ready."""

    def __init__(self, kind, verbose=False, on_ready=None):
        self.path = LOG_DIR / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}.log"
        self.verbose, self.on_ready, self.serving = verbose, on_ready, bool(on_ready)
        self.level = self.totals = None  # totals: (failed, errors, tests run)
        self.last, self.skips, self.retries, self.failures = "", [], [], []

    def feed(self, line):
        line = line.rstrip()
        self.last = line or self.last
        if not (record := RECORD.match(line)):  # output before logging, tracebacks
            traceback = self.serving and self.level in ("ERROR", "CRITICAL")
            if self.verbose or self.level is None or traceback:
                print(f"  | {line}")
            return
        self.level, logger, msg = record.groups()
        if found := re.match(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests", msg):
            self.totals = [int(n) for n in found.groups()]
        elif logger.startswith("odoo.addons.") and msg.startswith("skipped "):
            self.skips.append(msg[8:])
        elif msg.startswith("Retrying a failed test: "):
            self.retries.append(".".join(msg.rstrip(")").split(".")[-2:]))
        elif self.level == "ERROR" and msg.startswith(("FAIL: ", "ERROR: ")):
            self.failures.append(msg)
        if self.verbose or self.level != "INFO" or MILESTONE.match(msg):
            print(f"  | {line if self.verbose else f'{self.level} {logger}: {msg}'}")
        if self.on_ready and msg.startswith("Registry loaded in"):
            self.on_ready = self.on_ready()

    def errors(self):  # checklog-odoo (checklog-odoo.cfg): ERROR lines in the log
        return subprocess.call([BIN / "checklog-odoo", self.path])


def report(log, odoo_rc, checklog_rc, pytest_log, pytest_rc):
    """Print what went wrong; return (exit status, summary line)."""
    failed, errors, run = log.totals or (0, 0, 0)
    failed, skipped = failed + errors, len(log.skips)
    passed = max(run - failed - skipped - len(log.retries), 0)
    say(f"Odoo: {passed} passed, {failed} failed, {skipped} skipped")
    problems = []
    if log.totals is None:
        problems.append(f"Odoo reported no test totals (exit status {odoo_rc})")
    elif odoo_rc and not failed:
        problems.append(f"Odoo exited with status {odoo_rc}")
    browser = re.compile(r"chrom|websocket|browser|devtools", re.IGNORECASE)
    problems += [f"browser test skipped: {s}" for s in log.skips if browser.search(s)]
    if checklog_rc:
        problems.append("Odoo logged ERRORs outside test results or demo data failed")
    for test in sorted(set(log.retries) - {f.split(": ", 1)[1] for f in log.failures}):
        say(f"warning: {test} passed only on a second try (ODOO_TEST_FAILURE_RETRIES)")
    pattern = r"(\d+) (passed|failed|skipped|error)"
    pytest = {key: int(n) for n, key in re.findall(pattern, pytest_log.last)}
    pytest_failed = pytest.get("failed", 0) + pytest.get("error", 0)
    if pytest_rc not in (0, 1, 5) or pytest_rc == 1 and not pytest_failed:
        problems.append(f"pytest did not run properly (exit status {pytest_rc})")
    passed += pytest.get("passed", 0)
    failed, skipped = failed + pytest_failed, skipped + pytest.get("skipped", 0)
    if passed + failed == 0:
        problems.append("no test ran")
    print("".join(f"  - {failure}\n" for failure in log.failures), end="")
    print("".join(f"dev: problem: {problem}\n" for problem in problems), end="")
    failed += len(problems)  # each problem counts as one failed check
    return bool(failed), f"tests: {passed} passed, {failed} failed, {skipped} skipped"
