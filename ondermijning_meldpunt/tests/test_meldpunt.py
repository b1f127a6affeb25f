import io

from PIL import Image

from odoo.tests import tagged

from odoo.addons.ondermijning_signalen import stappenplan

from ..tools import throttle
from .common import (
    MeldpuntCase,
    SourceAddress,
    files_holding,
    photo_with_gps,
    tables_holding,
)


@tagged("post_install", "-at_install")
class TestPublicReport(MeldpuntCase):
    def test_a_report_becomes_a_signal_in_stap1_with_a_receipt(self):
        response = self.report(
            place="Havenweg 12, Binnenstad",
            who="Bestelbus met kenteken VX-123-B",
            date_facts="2025-03-14",
            time_facts="23:30",
            files={"documents": ("IMG_0042.JPG", photo_with_gps(), "image/jpeg")},
        )
        self.assertEqual(response.status_code, 200)
        code, secret = self.receipt_of(response)
        self.assertRegex(code, r"^[0-9A-Z]{5}-[0-9A-Z]{5}$")
        self.assertRegex(secret, r"^([0-9A-Z]{4}-){4}[0-9A-Z]{4}$")
        receipt = self.receipt_record(code)
        signal = receipt.signaal_id
        self.assertEqual(signal.company_id, self.gemeente)
        self.assertEqual(signal.stage_code, stappenplan.INTAKE)
        self.assertEqual(signal.channel, "web")
        self.assertEqual(signal.herkomst_id.code, "burger")
        self.assertFalse(signal.melder_contact, "an anonymous report has no contact")
        self.assertFalse(receipt.user_id)
        self.assertTrue(receipt.anonymous)
        self.assertEqual(signal.wijk_id, self.wijk, "wijk from the address")
        self.assertIn("loods aan de Havenweg", signal.description)
        self.assertIn("VX-123-B", signal.description)
        self.assertEqual(
            signal.date_facts.strftime("%Y-%m-%d %H:%M"), "2025-03-14 22:30"
        )
        # the intake owner has the weging-1 activity, the team a notice that
        # names the reference only
        self.assertEqual(signal.user_id, self.intake)
        activity = signal.activity_ids
        self.assertEqual(activity.user_id, self.intake)
        notice = signal.message_ids.filtered(
            lambda m: self.collega.partner_id in m.partner_ids
        )
        self.assertEqual(len(notice), 1)
        self.assertIn(signal.name, notice.body)
        self.assertNotIn("Havenweg", notice.body)
        self.assertEqual(notice.author_id, self.env.ref("base.partner_root"))
        # content and documents encrypted at rest
        self.env.flush_all()
        self.assertFalse(tables_holding(self.env, "loods aan de Havenweg"))
        self.assertFalse(tables_holding(self.env, "IMG_0042"))
        document = self.env["ir.attachment"].search(
            [("res_model", "=", "ondermijning.signaal"), ("res_id", "=", signal.id)]
        )
        self.assertEqual(document.name, "IMG_0042.jpg")
        self.env.cr.execute(
            "SELECT name FROM ir_attachment WHERE id = %s", [document.id]
        )
        self.assertTrue(self.env.cr.fetchone()[0].startswith("ond1:"))

    def test_the_photo_loses_its_gps_and_camera(self):
        original = photo_with_gps()
        self.assertIn(b"Zq7MarkerCam", original)
        self.assertTrue(Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825))
        code, _secret = self.receipt_of(
            self.report(files={"documents": ("foto.jpg", original, "image/jpeg")})
        )
        signal = self.receipt_record(code).signaal_id
        document = self.env["ir.attachment"].search(
            [("res_model", "=", "ondermijning.signaal"), ("res_id", "=", signal.id)]
        )
        stored = document.raw
        self.assertNotIn(b"Zq7MarkerCam", stored)
        self.assertNotIn(b"Zq7MarkerOwner", stored)
        image = Image.open(io.BytesIO(stored))
        self.assertEqual(image.size, (64, 48), "the picture itself is kept")
        self.assertFalse(dict(image.getexif()), "no EXIF at all")
        self.assertFalse(image.getexif().get_ifd(0x8825), "no GPS")
        self.assertNotIn("exif", image.info)

    def test_a_partner_reports_with_its_code(self):
        response = self.report(
            query=f"?organisatie={self.woonbedrijf.code}",
            organisatie=self.woonbedrijf.code,
        )
        code, _secret = self.receipt_of(response)
        signal = self.receipt_record(code).signaal_id
        self.assertEqual(signal.herkomst_id.code, "ketenpartner")
        self.assertEqual(signal.meldpunt_partner_id, self.woonbedrijf)
        # the page says on whose behalf, and a typed code works too
        page = self.get_page(f"?organisatie={self.woonbedrijf.code}")
        self.assertIn("Woonbedrijf Testdorp", page.text)
        typed = self.woonbedrijf.code_display.lower()
        code, _secret = self.receipt_of(self.report(organisatie=typed))
        self.assertEqual(
            self.receipt_record(code).signaal_id.meldpunt_partner_id, self.woonbedrijf
        )

    def test_contact_details_only_when_chosen_and_encrypted(self):
        response = self.report(
            anoniem="nee",
            contact_name="Zq7Marker Pietersen",
            contact_phone="06 12345678",
            contact_email="melder@example.nl",
        )
        code, _secret = self.receipt_of(response)
        receipt = self.receipt_record(code)
        self.assertFalse(receipt.anonymous)
        self.assertIn("Zq7Marker Pietersen", receipt.signaal_id.melder_contact)
        self.assertIn("06 12345678", receipt.signaal_id.melder_contact)
        self.env.flush_all()
        self.assertFalse(tables_holding(self.env, "Zq7Marker Pietersen"))
        # chosen, but nothing given: an error at the field, nothing stored
        count = self.env["ondermijning.signaal"].search_count([])
        response = self.report(anoniem="nee")
        self.assertEqual(response.status_code, 400)
        self.assertIn('id="contact_phone-error"', response.text)
        self.assertEqual(self.env["ondermijning.signaal"].search_count([]), count)

    def test_bad_input_gets_errors_at_the_fields_and_keeps_the_text(self):
        count = self.env["ondermijning.signaal"].search_count([])
        response = self.report(
            categorie_id="",
            description="",
            place="x" * 300,
            date_facts="2999-01-01",
            who="Zq7 eerder geschreven tekst",
            organisatie="ONBEKEND1",
        )
        self.assertEqual(response.status_code, 400)
        for field in (
            "categorie_id",
            "description",
            "place",
            "date_facts",
            "organisatie",
        ):
            self.assertIn(f'id="{field}-error"', response.text, field)
            self.assertRegex(
                response.text,
                rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"',
            )
            self.assertIn(f'href="#{field}"', response.text, "linked from the summary")
        self.assertIn("Zq7 eerder geschreven tekst", response.text, "nothing is lost")
        self.assertEqual(self.env["ondermijning.signaal"].search_count([]), count)
        # a file that cannot be cleaned of its metadata is refused
        response = self.report(
            files={
                "documents": (
                    "run.exe",
                    b"MZ\x90\x00binary",
                    "application/octet-stream",
                )
            }
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn('id="documents-error"', response.text)
        self.assertEqual(self.env["ondermijning.signaal"].search_count([]), count)

    def test_robots_and_other_sites_are_refused(self):
        count = self.env["ondermijning.signaal"].search_count([])
        # the honeypot is filled in
        self.assertEqual(self.report(website="http://spam.example").status_code, 400)
        # a post made by a page of another site
        self.assertEqual(
            self.report(headers={"Origin": "https://evil.example"}).status_code, 403
        )
        self.assertEqual(
            self.report(headers={"Sec-Fetch-Site": "cross-site"}).status_code, 403
        )
        # a forged or reused form token
        data = {
            "token": "1:2:3:forged",
            "categorie_id": str(self.categorie.id),
            "description": "x",
        }
        self.assertEqual(
            self.url_open(self.url("/verzenden"), data=data).status_code, 400
        )
        token = self.form_token()
        data["token"] = token
        data["description"] = "Eerste keer verstuurd"
        self.assertEqual(
            self.url_open(self.url("/verzenden"), data=data).status_code, 200
        )
        self.assertEqual(
            self.url_open(self.url("/verzenden"), data=data).status_code, 409
        )
        self.assertEqual(self.env["ondermijning.signaal"].search_count([]), count + 1)
        # sent within seconds of opening the form
        self.env["ir.config_parameter"].set_param(
            "ondermijning_meldpunt.min_fill_seconds", "60"
        )
        response = self.report()
        self.assertEqual(response.status_code, 400)
        self.assertIn("Elke nacht busjes", response.text, "the text is kept")
        self.assertEqual(self.env["ondermijning.signaal"].search_count([]), count + 1)

    def test_a_closed_page_is_not_found(self):
        self.meldpunt.public_page = False
        self.assertEqual(self.url_open(self.url()).status_code, 404)
        self.assertEqual(self.url_open("/ondermijning/melden/nergens").status_code, 404)


@tagged("post_install", "-at_install")
class TestReceipt(MeldpuntCase):
    def test_the_secret_is_kept_as_a_slow_hash_only(self):
        code, secret = self.receipt_of(self.report())
        receipt = self.receipt_record(code)
        self.assertTrue(
            receipt.receipt_secret_hash.startswith("$pbkdf2-sha512$100000$")
        )
        self.env.flush_all()
        plain = secret.replace("-", "")
        for form in (secret, plain, plain.lower()):
            self.assertFalse(tables_holding(self.env, form), form)
        # the code and secret work, typed loosely
        page = self.status(code.lower().replace("-", " "), secret.lower())
        self.assertEqual(page.status_code, 200)
        self.assertIn('id="report-status"', page.text)

    def test_wrong_codes_are_throttled_per_address_and_per_receipt(self):
        code, secret = self.receipt_of(self.report())
        limit = throttle.DEFAULT_LIMITS["login_failures_per_receipt"]
        for _attempt in range(limit):
            response = self.status(code, "AAAA-BBBB-CCCC-DDDD-EEEE")
            self.assertEqual(response.status_code, 400)
            self.assertIn('id="code-error"', response.text)
        # now even the right secret waits: guessing this receipt is stopped
        response = self.status(code, secret)
        self.assertEqual(response.status_code, 429)
        throttle.reset_all()
        self.assertEqual(self.status(code, secret).status_code, 200)
        # one address trying many codes is stopped too
        for attempt in range(throttle.DEFAULT_LIMITS["login_failures_per_address"]):
            self.status(f"ZZZZZ-{attempt:05d}", "AAAA")
        self.assertEqual(self.status(code, secret).status_code, 429)
        # what the throttle holds: keyed hashes, not addresses or codes
        for key in throttle.LOGIN_FAILURES.stored_keys():
            self.assertEqual(len(key), 32)
            self.assertNotIn(b"127.0.0.1", key)
            self.assertNotIn(code.replace("-", "").encode(), key)

    def test_a_flood_from_one_address_is_slowed_without_storing_it(self):
        limit = throttle.DEFAULT_LIMITS["submissions_per_address"]
        headers = {}
        self.opener.mount("http://", SourceAddress("127.61.7.12"))
        for number in range(limit):
            response = self.report(
                description=f"Melding nummer {number}", headers=headers
            )
            self.assertEqual(response.status_code, 200)
        response = self.report(description="Een te veel", headers=headers)
        self.assertEqual(response.status_code, 429)
        self.assertGreater(int(response.headers["Retry-After"]), 0)
        self.assertFalse(
            self.env["ondermijning.signaal"]
            .sudo()
            .search_count([("company_id", "=", self.gemeente.id)])
            > limit
        )
        # another address is not held up
        self.opener.mount("http://", SourceAddress("127.61.7.13"))
        self.assertEqual(self.report(description="Ander adres").status_code, 200)
        self.env.flush_all()
        self.assertFalse(tables_holding(self.env, "127.61.7.12"))
        self.assertFalse(files_holding(self.session_dir(), "127.61.7.12"))
        self.assertTrue(throttle.SUBMISSIONS.stored_keys())
        for key in throttle.SUBMISSIONS.stored_keys():
            self.assertNotIn(b"127.61.7.12", key)
        # a new window has new keys: no hash outlives two windows
        first = set(throttle.SUBMISSIONS.stored_keys())
        throttle.SUBMISSIONS.reset()
        throttle.SUBMISSIONS.add("address:127.61.7.12")
        self.assertFalse(first & set(throttle.SUBMISSIONS.stored_keys()))

    def test_conversation_between_handler_and_anonymous_reporter(self):
        code, secret = self.receipt_of(self.report())
        receipt = self.receipt_record(code)
        signal = receipt.signaal_id
        page = self.status(code, secret)
        self.assertNotIn('class="mp-message ', page.text)
        # the handler writes to "the reporter" from the signal
        action = signal.with_user(self.intake).action_write_to_reporter()
        note = (
            self.env["ondermijning.notitie"]
            .with_user(self.intake)
            .with_context(**action["context"])
            .create({"body": "Welke kleur had de bestelbus?"})
        )
        self.assertEqual(note.kind, "aan_melder")
        self.assertEqual(note.melding_id, receipt)
        page = self.status(code, secret)
        self.assertIn("Welke kleur had de bestelbus?", page.text)
        self.assertNotIn(self.intake.name, page.text, "the handler stays unnamed")
        # the reporter answers, with a photo
        events = len(signal.message_ids)
        response = self.answer(
            page,
            "Wit, met een blauwe streep",
            files={"answer_documents": ("bus.jpg", photo_with_gps(), "image/jpeg")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Wit, met een blauwe streep", response.text)
        answer = signal.notitie_ids.filtered(lambda n: n.kind == "van_melder")
        self.assertEqual(answer.body, "Wit, met een blauwe streep")
        self.assertEqual(answer.melding_id, receipt)
        self.assertEqual(len(answer.attachment_ids), 1)
        self.assertNotIn(b"Zq7MarkerCam", answer.attachment_ids.raw)
        self.assertNotEqual(
            answer.with_user(self.intake).author_display, self.intake.name
        )
        self.assertEqual(len(signal.message_ids), events + 1, "the handlers hear of it")
        # a forged or expired access token does nothing
        forged = self.url_open(
            self.url("/aanvullen"),
            data={"access": f"{receipt.id}:9999999999:x", "answer": "y"},
        )
        self.assertEqual(forged.status_code, 400)
        self.assertEqual(
            len(signal.notitie_ids.filtered(lambda n: n.kind == "van_melder")), 1
        )
        # once handled, the page says so and takes no more
        before = self.status(code, secret)
        signal.sudo()._end("niet_in_behandeling", "Geen ondermijning")
        page = self.status(code, secret)
        self.assertNotIn('name="answer"', page.text)
        self.assertEqual(self.answer(before, "Nog iets").status_code, 400)
        self.assertEqual(
            len(signal.notitie_ids.filtered(lambda n: n.kind == "van_melder")), 1
        )
