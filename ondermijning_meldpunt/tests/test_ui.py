"""The public pages in a real browser (Debian's chromium, headless, at a
phone's width), driven the way a visitor uses them: these pages have no
JavaScript, so instead of an Odoo tour inside the page, the test types,
chooses files and presses buttons through the DevTools protocol. The
handler's side is an Odoo tour in the web client. axe-core (vendored in
tests/data, MPL-2.0) checks every public page for WCAG 2.1 A/AA violations."""

import json
import logging
import os
import tempfile
import time

from odoo.tests import tagged
from odoo.tests.common import HOST, ChromeBrowser
from odoo.tools.misc import file_path

from .common import MeldpuntCase, photo_with_gps

AXE = "ondermijning_meldpunt/tests/data/axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def idle_socket_is_not_an_error(record):
    """Chromium opens spare connections ahead of need; the test server
    closes one that stays idle 5 s, and early 18.0 builds log that as a
    werkzeug error, which fails the test (later builds log it as info in
    test mode, ``RequestHandler.log_error``): do as they do."""
    if record.levelno >= logging.ERROR and "] Request timed out: " in str(record.msg):
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True


class PublicBrowser:
    """A visitor's browser: no login, no session cookie."""

    def __init__(self, case, size="390x844"):
        self.case = case
        previous = case.browser_size
        case.browser_size = size
        try:
            self.chrome = ChromeBrowser(case)
        finally:
            case.browser_size = previous
        # the test cursor's cookie only (the test server needs it); the
        # session cookie of the test set-up goes
        case.authenticate(None, None, browser=self.chrome)
        self.chrome.delete_cookie("session_id", domain=HOST, path="/")

    def stop(self):
        self.chrome.stop()

    def evaluate(self, expression, timeout=30):
        result = self.chrome._websocket_request(
            "Runtime.evaluate",
            params={
                "expression": expression,
                "returnByValue": True,
                "awaitPromise": True,
            },
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, condition, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.evaluate(f"!!({condition})"):
                    return
            except AssertionError:
                continue  # the page is being replaced
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {condition}")

    def open(self, path):
        """Open a page; wait for it, not for the page it replaces (which
        also has a <main>: a fill right after could find the old page)."""
        self.evaluate("window.__meldpunt_old_page = true")
        self.chrome.navigate_to(f"{self.case.base_url()}{path}", wait_stop=True)
        self.wait(
            "!window.__meldpunt_old_page && document.readyState === 'complete'"
            " && document.querySelector('main')"
        )

    def fill(self, selector, value):
        self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            f" e.value = {json.dumps(value)};"
            " e.dispatchEvent(new Event('input', {bubbles: true})); })()"
        )

    def check(self, selector):
        self.evaluate(f"document.querySelector({json.dumps(selector)}).checked = true")

    def choose_files(self, selector, paths):
        document = self.chrome._websocket_request(
            "DOM.getDocument", params={"depth": 0}
        )
        node = self.chrome._websocket_request(
            "DOM.querySelector",
            params={"nodeId": document["root"]["nodeId"], "selector": selector},
        )
        self.chrome._websocket_request(
            "DOM.setFileInputFiles", params={"nodeId": node["nodeId"], "files": paths}
        )

    def press(self, selector, then):
        """Press a button; wait for the next page to satisfy ``then``."""
        self.evaluate("window.__meldpunt_old_page = true")
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait(
            "!window.__meldpunt_old_page && document.readyState === 'complete'"
            f" && ({then})"
        )

    def text(self, selector):
        return self.evaluate(
            f"(document.querySelector({json.dumps(selector)}) || {{}})"
            ".textContent || ''"
        ).strip()

    def tab_order(self, count):
        """What the keyboard reaches, pressing Tab ``count`` times."""
        reached = []
        self.evaluate("document.activeElement && document.activeElement.blur()")
        for _step in range(count):
            for kind in ("keyDown", "keyUp"):
                self.chrome._websocket_request(
                    "Input.dispatchKeyEvent",
                    params={
                        "type": kind,
                        "key": "Tab",
                        "code": "Tab",
                        "windowsVirtualKeyCode": 9,
                    },
                )
            reached.append(
                self.evaluate(
                    "(e => e.id || e.getAttribute('href') || e.tagName)"
                    "(document.activeElement)"
                )
            )
        return reached

    def cookies(self):
        return self.chrome._websocket_request("Network.getAllCookies")["cookies"]

    def axe_violations(self):
        """WCAG 2.1 A and AA violations axe-core finds on the page."""
        with open(file_path(AXE), encoding="utf-8") as source:
            self.evaluate(source.read())
        return self.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes:"
            " ['violations']}).then(r => r.violations.map(v => v.id + ' (' + v.impact"
            " + '): ' + v.nodes.map(n => n.target.join(' ')).join(', ')))"
            % json.dumps(WCAG),
            timeout=60,
        )


@tagged("post_install", "-at_install")
class TestMeldpuntInTheBrowser(MeldpuntCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        werkzeug = logging.getLogger("werkzeug")
        werkzeug.addFilter(idle_socket_is_not_an_error)
        cls.addClassCleanup(werkzeug.removeFilter, idle_socket_is_not_an_error)
        (cls.intake | cls.collega).write({"lang": "en_US", "tz": "Europe/Amsterdam"})
        folder = tempfile.mkdtemp(prefix="meldpunt-test-")
        cls.photo = os.path.join(folder, "IMG_2024.jpg")
        with open(cls.photo, "wb") as handle:
            handle.write(photo_with_gps())

    def visitor(self):
        browser = PublicBrowser(self)
        self.addCleanup(browser.stop)
        return browser

    def assertAccessible(self, browser, page):
        self.assertEqual(browser.axe_violations(), [], f"axe on {page}")

    def test_citizen_partner_and_handler(self):
        url = f"/ondermijning/melden/{self.meldpunt.slug}"
        citizen = self.visitor()
        citizen.open(url)
        self.assertAccessible(citizen, "the form")
        # the keyboard reaches the skip link first, then the form's fields
        order = citizen.tab_order(4)
        self.assertEqual(order[:3], ["#inhoud", "categorie_id", "description"])
        # sent without what is required: errors at the fields, summary on top
        citizen.press("button.mp-button", "document.querySelector('.mp-error-summary')")
        self.assertIn("description-error", citizen.evaluate("document.body.innerHTML"))
        self.assertAccessible(citizen, "the form with errors")
        # the report, with a photo, anonymously
        citizen.evaluate(
            f"document.querySelector('#categorie_id').value = '{self.categorie.id}'"
        )
        citizen.fill("#description", "Hennepgeur en afgeplakte ramen bij de loods")
        citizen.fill("#place", "Havenweg 12, Binnenstad")
        citizen.choose_files("#documents", [self.photo])
        citizen.check("#anoniem-ja")
        citizen.press("button.mp-button", "document.querySelector('#receipt-code')")
        code, secret = citizen.text("#receipt-code"), citizen.text("#receipt-secret")
        self.assertRegex(code, r"^[0-9A-Z]{5}-[0-9A-Z]{5}$")
        self.assertAccessible(citizen, "the receipt")
        self.assertFalse(
            [c for c in citizen.cookies() if c["name"] != "test_request_key"],
            "no cookie but the test server's own",
        )
        signal = self.receipt_record(code).signaal_id
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "ondermijning.signaal"), ("res_id", "=", signal.id)]
            ),
            1,
            "the photo came along",
        )

        # a partner reports through its organisation's link
        partner = self.visitor()
        partner.open(f"{url}?organisatie={self.woonbedrijf.code}")
        self.assertIn("Woonbedrijf Testdorp", partner.text(".mp-notice"))
        partner.evaluate(
            f"document.querySelector('#categorie_id').value = '{self.categorie.id}'"
        )
        partner.fill(
            "#description", "Huurder betaalt contant, woning wordt onderverhuurd"
        )
        partner.press("button.mp-button", "document.querySelector('#receipt-code')")
        partner_signal = self.receipt_record(partner.text("#receipt-code")).signaal_id
        self.assertEqual(partner_signal.meldpunt_partner_id, self.woonbedrijf)

        # the handler sees both in stap 1 with their source and asks a question
        self.start_tour(
            "/odoo/action-ondermijning_signalen.ondermijning_signaal_action?view_type=list",
            "ondermijning_meldpunt_handler_asks",
            login="test_intake",
        )
        question = signal.notitie_ids.filtered(lambda n: n.kind == "aan_melder")
        self.assertEqual(question.body, "Welke kleur had de bestelbus?")

        # later, the citizen reads the question and answers it
        citizen.open(f"{url}/status")
        self.assertAccessible(citizen, "the status login")
        citizen.fill("#code", code)
        citizen.fill("#secret", secret)
        citizen.press("button.mp-button", "document.querySelector('#report-status')")
        self.assertIn("Welke kleur had de bestelbus?", citizen.text(".mp-messages"))
        self.assertAccessible(citizen, "the status page")
        citizen.fill("#answer", "Wit, met een blauwe streep")
        citizen.press(
            "form[action$='/aanvullen'] button",
            "document.querySelector('.mp-panel')",
        )
        self.assertIn("Wit, met een blauwe streep", citizen.text(".mp-messages"))

        # the handler reads the answer and replies; the status page shows it
        self.start_tour(
            f"/odoo/action-ondermijning_signalen.ondermijning_signaal_action/{signal.id}",
            "ondermijning_meldpunt_handler_answers",
            login="test_intake",
        )
        citizen.open(f"{url}/status")
        citizen.fill("#code", code)
        citizen.fill("#secret", secret)
        citizen.press("button.mp-button", "document.querySelector('#report-status')")
        self.assertIn(
            "Dank u, wij gaan ermee aan de slag.", citizen.text(".mp-messages")
        )
        self.assertFalse([c for c in citizen.cookies() if c["name"] == "session_id"])
        # the check is real: axe does report a picture without a text
        citizen.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend',"
            " '<img src=\"data:,\">')"
        )
        self.assertTrue(
            any(v.startswith("image-alt") for v in citizen.axe_violations())
        )
