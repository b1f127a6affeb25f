from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import config

from .common import (
    MeldpuntCase,
    SourceAddress,
    captured_log,
    files_holding,
    photo_with_gps,
    tables_holding,
)

# What a reporter's connection says about them: the address on the socket,
# the address a proxy passes on, the browser.
SOCKET_ADDRESS = "127.83.41.29"
FORWARDED_ADDRESS = "203.0.113.77"
USER_AGENT = "Zq7MarkerAgent/9.1 (Linux; Android 14; Pixel Zq7)"
MARKERS = (SOCKET_ADDRESS, FORWARDED_ADDRESS, "Zq7MarkerAgent", "Pixel Zq7")


@tagged("post_install", "-at_install")
class TestAnonymity(MeldpuntCase):
    """Reports are sent from a known address (socket and proxy header) with
    a known browser; afterwards neither is in any table, in the filestore,
    in the session store or in the server's log."""

    def test_no_address_or_browser_is_stored_or_logged(self):
        host = f"127.0.0.1:{self.http_port()}"
        self.opener.mount("http://", SourceAddress(SOCKET_ADDRESS))
        direct = {"User-Agent": USER_AGENT}
        proxied = dict(
            direct,
            **{"X-Forwarded-For": FORWARDED_ADDRESS, "X-Forwarded-Host": host},
        )
        with captured_log() as log:
            for headers, proxy_mode in ((direct, False), (proxied, True)):
                with patch.dict(config.options, {"proxy_mode": proxy_mode}):
                    self.journey(headers)
            self.env.flush_all()
            self.env.cr.precommit.run()
            self.env.flush_all()
            found = {
                marker: tables_holding(self.env, marker)
                + files_holding(self.env["ir.attachment"]._filestore(), marker)
                + files_holding(self.session_dir(), marker)
                for marker in MARKERS
            }
            # the capture is real: the same connection to one of Odoo's own
            # pages is logged with its address
            with patch.dict(config.options, {"proxy_mode": True}):
                self.url_open("/web/login", headers=proxied)
        self.assertEqual(found, {marker: [] for marker in MARKERS})
        ours = [line for line in log if "/ondermijning/melden" in line]
        self.assertGreaterEqual(len(ours), 10, "the request lines are there")
        for line in ours:
            self.assertTrue(line.startswith("werkzeug: - - - ["), line)
        self.assertTrue(
            any(FORWARDED_ADDRESS in line and "/web/login" in line for line in log),
            "the log capture sees addresses where Odoo logs them",
        )
        leaks = [
            line
            for line in log
            if "/web/login" not in line and any(m in line for m in MARKERS)
        ]
        self.assertEqual(leaks, [])

    def journey(self, headers):
        """Report (with a photo and with a partner code), follow it, answer,
        mistype the secret, fetch the stylesheet."""
        self.get_page(headers=headers)
        self.url_open(
            "/ondermijning_meldpunt/static/src/css/meldpunt.css", headers=headers
        ).raise_for_status()
        response = self.report(
            headers=headers,
            files={"documents": ("foto.jpg", photo_with_gps(), "image/jpeg")},
        )
        code, secret = self.receipt_of(response)
        partner = self.report(
            headers=headers,
            query=f"?organisatie={self.woonbedrijf.code}",
            organisatie=self.woonbedrijf.code,
        )
        self.receipt_of(partner)
        page = self.status(code, secret, headers=headers)
        self.assertEqual(page.status_code, 200)
        answered = self.answer(page, "Nog een detail", headers=headers)
        self.assertEqual(answered.status_code, 200)
        self.assertEqual(self.status(code, "FOUT", headers=headers).status_code, 400)
        # nothing of the connection on the signal, the receipt, the
        # documents, the notes, the messages or the audit log
        receipt = self.receipt_record(code)
        signal = receipt.signaal_id
        self.assertEqual(signal.create_uid, self.env.ref("base.user_root"))
        self.assertFalse(
            signal.message_ids.author_id - self.env.ref("base.partner_root")
        )
        documents = self.env["ir.attachment"].search(
            [("res_model", "=", "ondermijning.signaal"), ("res_id", "=", signal.id)]
        )
        self.assertEqual(documents.create_uid, self.env.ref("base.user_root"))
        audit = (
            self.env["ondermijning.audit.log"]
            .sudo()
            .search(
                [("res_model", "=", "ondermijning.signaal"), ("res_id", "=", signal.id)]
            )
        )
        self.assertTrue(audit)
        self.assertEqual(set(audit.mapped("origin")), {audit[0].origin})
