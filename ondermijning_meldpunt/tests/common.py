import contextlib
import io
import logging
import os
import re

from PIL import Image
from requests.adapters import HTTPAdapter

from odoo import http
from odoo.tests import HttpCase, new_test_user
from odoo.tools import SQL

from ..controllers import meldpunt as controller
from ..tools import throttle

SLUG = "testgemeente"


def photo_with_gps(camera="Zq7MarkerCam"):
    """A JPEG as a phone makes it: camera, owner and GPS position in EXIF."""
    image = Image.new("RGB", (64, 48), (180, 40, 40))
    exif = image.getexif()
    exif[0x010F] = camera  # Make
    exif[0x0110] = f"{camera} Model"  # Model
    exif[0x013B] = "Zq7MarkerOwner"  # Artist
    exif[0x8825] = {  # GPSInfo: 52°16'N 6°47'E (Hengelo)
        1: "N",
        2: (52.0, 16.0, 12.5),
        3: "E",
        4: (6.0, 47.0, 31.2),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


class SourceAddress(HTTPAdapter):
    """Connect from a given local address (any 127.x.y.z is this machine),
    so that the server sees that address on its socket."""

    def __init__(self, address, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


class LogCapture(logging.Handler):
    """Every log line of the process while it is attached, formatted."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.name}: {record.getMessage()}")


@contextlib.contextmanager
def captured_log():
    handler = LogCapture()
    root = logging.getLogger()
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.INFO)  # the request lines, as in production
    root.addHandler(handler)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        werkzeug.setLevel(level)


def tables_holding(env, marker):
    """Every text-like column of every table that holds the marker."""
    cr = env.cr
    cr.execute(
        """
        SELECT c.table_name, c.column_name, c.data_type
          FROM information_schema.columns c
          JOIN information_schema.tables t
            ON t.table_name = c.table_name AND t.table_schema = c.table_schema
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
           AND c.data_type IN ('character varying', 'text', 'jsonb', 'json',
                               'bytea', 'character', 'inet')
        """
    )
    found = []
    for table, column, data_type in cr.fetchall():
        if data_type == "bytea":
            condition = SQL(
                "position(convert_to(%s, 'UTF8') in %s) > 0",
                marker,
                SQL.identifier(column),
            )
        else:
            condition = SQL("%s::text LIKE %s", SQL.identifier(column), f"%{marker}%")
        cr.execute(
            SQL("SELECT count(*) FROM %s WHERE %s", SQL.identifier(table), condition)
        )
        if cr.fetchone()[0]:
            found.append(f"{table}.{column}")
    return found


def files_holding(folder, marker):
    found = []
    for path, _dirs, files in os.walk(folder):
        for name in files:
            full = os.path.join(path, name)
            with contextlib.suppress(OSError), open(full, "rb") as stored:
                if marker.encode() in stored.read():
                    found.append(full)
    return found


class MeldpuntCase(HttpCase):
    """A gemeente with an open meldpunt, an intake owner and a partner
    organisation; helpers that use the public pages as a visitor does
    (no login, no session)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gemeente = cls.env["res.company"].create({"name": "Gemeente Testdorp"})
        cls.intake = new_test_user(
            cls.env,
            login="test_intake",
            groups="base.group_user,ondermijning_signalen.group_medewerker",
            company_id=cls.gemeente.id,
            company_ids=[cls.gemeente.id],
        )
        cls.collega = new_test_user(
            cls.env,
            login="test_collega",
            groups="base.group_user,ondermijning_signalen.group_medewerker",
            company_id=cls.gemeente.id,
            company_ids=[cls.gemeente.id],
        )
        cls.meldpunt = cls.env["ondermijning.meldpunt"].create(
            {
                "company_id": cls.gemeente.id,
                "slug": SLUG,
                "public_page": True,
                "intake_user_id": cls.intake.id,
                "notify_user_ids": [(6, 0, cls.collega.ids)],
            }
        )
        cls.woonbedrijf = cls.env["ondermijning.meldpunt.partner"].create(
            {"meldpunt_id": cls.meldpunt.id, "name": "Woonbedrijf Testdorp"}
        )
        cls.wijk = cls.env["ondermijning.wijk"].create(
            {"name": "Binnenstad", "company_id": cls.gemeente.id}
        )
        cls.categorie = cls.env.ref("ondermijning_signalen.categorie_mma_drugsdelicten")
        cls.env["ir.config_parameter"].set_param(
            "ondermijning_meldpunt.min_fill_seconds", "0"
        )

    def setUp(self):
        super().setUp()
        throttle.reset_all()
        controller._USED.clear()

    # -- the visitor -------------------------------------------------------
    def url(self, path=""):
        return f"/ondermijning/melden/{SLUG}{path}"

    def get_page(self, path="", **kwargs):
        response = self.url_open(self.url(path), **kwargs)
        self.assertNotIn("Set-Cookie", response.headers, "a public page sets no cookie")
        return response

    def form_token(self, query="", headers=None):
        page = self.get_page(query, headers=headers)
        return re.search(r'name="token" value="([^"]+)"', page.text).group(1)

    def report(self, headers=None, files=None, query="", **values):
        """Send a report as a visitor; the response page."""
        data = {
            "token": self.form_token(query, headers=headers),
            "categorie_id": str(self.categorie.id),
            "description": "Elke nacht busjes bij de loods aan de Havenweg",
            "anoniem": "ja",
            "website": "",
        }
        data.update(values)
        response = self.url_open(
            self.url("/verzenden"), data=data, files=files, headers=headers
        )
        self.assertNotIn("Set-Cookie", response.headers)
        return response

    def receipt_of(self, response):
        code = re.search(r'id="receipt-code">([^<]+)<', response.text)
        secret = re.search(r'id="receipt-secret">([^<]+)<', response.text)
        self.assertTrue(code and secret, f"no receipt in: {response.text[:500]}")
        return code.group(1), secret.group(1)

    def receipt_record(self, code):
        return (
            self.env["ondermijning.melding"]
            .sudo()
            .search([("receipt_code", "=", code.replace("-", ""))])
        )

    def status(self, code, secret, headers=None):
        response = self.url_open(
            self.url("/status"),
            data={"code": code, "secret": secret},
            headers=headers,
        )
        self.assertNotIn("Set-Cookie", response.headers)
        return response

    def access_of(self, response):
        return re.search(r'name="access" value="([^"]+)"', response.text).group(1)

    def answer(self, status_page, text, files=None, headers=None):
        return self.url_open(
            self.url("/aanvullen"),
            data={"access": self.access_of(status_page), "answer": text},
            files=files,
            headers=headers,
        )

    @staticmethod
    def session_dir():
        return http.root.session_store.path
