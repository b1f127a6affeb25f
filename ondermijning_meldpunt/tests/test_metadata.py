import io
import zipfile

import openpyxl
from reportlab.pdfgen import canvas

from odoo.tests import BaseCase, tagged

from ..tools import metadata
from .common import photo_with_gps


@tagged("post_install", "-at_install")
class TestMetadata(BaseCase):
    """What a document says about its maker is gone before it is stored."""

    def test_photo(self):
        name, data, mimetype = metadata.clean_document("IMG_1.JPEG", photo_with_gps())
        self.assertEqual((name, mimetype), ("IMG_1.jpg", "image/jpeg"))
        for marker in (b"Zq7MarkerCam", b"Zq7MarkerOwner", b"Exif"):
            self.assertNotIn(marker, data)

    def test_pdf(self):
        out = io.BytesIO()
        document = canvas.Canvas(out)
        document.setAuthor("Zq7MarkerAuthor")
        document.setCreator("Zq7MarkerCreator")
        document.drawString(72, 72, "Verslag")
        document.save()
        self.assertIn(b"Zq7MarkerAuthor", out.getvalue())
        name, data, mimetype = metadata.clean_document("verslag.pdf", out.getvalue())
        self.assertEqual((name, mimetype), ("verslag.pdf", "application/pdf"))
        self.assertNotIn(b"Zq7MarkerAuthor", data)
        self.assertNotIn(b"Zq7MarkerCreator", data)
        self.assertTrue(data.startswith(b"%PDF"))

    def test_office(self):
        workbook = openpyxl.Workbook()
        workbook.properties.creator = "Zq7MarkerAuthor"
        workbook.properties.lastModifiedBy = "Zq7MarkerEditor"
        workbook.active["A1"] = "Overzicht"
        out = io.BytesIO()
        workbook.save(out)
        _name, data, _mimetype = metadata.clean_document("lijst.xlsx", out.getvalue())
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            everything = b"".join(package.read(item) for item in package.namelist())
        self.assertNotIn(b"Zq7Marker", everything)
        self.assertEqual(
            openpyxl.load_workbook(io.BytesIO(data)).active["A1"].value, "Overzicht"
        )

    def test_what_cannot_be_cleaned_is_refused(self):
        for name, data in (
            ("setup.exe", b"MZ\x90\x00"),
            ("foto.heic", b"\x00\x00\x00\x18ftypheic"),
            ("brief.txt", b"\xff\xfe\x00bad"),
            ("kapot.pdf", b"%PDF-1.4 kapot"),
        ):
            with self.assertRaises(metadata.UnsupportedDocument, msg=name):
                metadata.clean_document(name, data)

    def test_file_names_lose_their_path(self):
        name, _data, _mimetype = metadata.clean_document(
            "../../etc/passwd.txt", b"tekst"
        )
        self.assertEqual(name, "passwd.txt")
