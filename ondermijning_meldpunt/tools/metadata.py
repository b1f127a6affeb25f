"""Documents from outside lose what they say about their maker before they
are stored: a photo's EXIF (GPS position, camera, owner, time), XMP and
comments; a PDF's document information and XMP; an Office or OpenDocument
file's author and company. Other kinds of file are refused: what cannot be
cleaned is not taken in."""

import io
import re
import zipfile

from PIL import Image, ImageOps, UnidentifiedImageError

from odoo.tools.pdf import PdfFileReader, PdfFileWriter

# Pillow format -> (format to save in, mimetype, file extension)
IMAGE_FORMATS = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "MPO": ("JPEG", "image/jpeg", "jpg"),
    "PNG": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
    "GIF": ("PNG", "image/png", "png"),
    "BMP": ("PNG", "image/png", "png"),
    "TIFF": ("PNG", "image/png", "png"),
}
# Office Open XML and OpenDocument: the parts that name the maker, and what
# replaces them (valid, empty documents of the same kind).
OFFICE_PARTS = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
        b'2006/metadata/core-properties"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/extended-properties"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/custom-properties"/>'
    ),
    "meta.xml": (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:'
        b'xmlns:office:1.0" office:version="1.2"><office:meta/>'
        b"</office:document-meta>"
    ),
}
OFFICE_EXTENSIONS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# Pixels: a decompression bomb is refused (Pillow warns from 89 megapixels).
MAX_PIXELS = 60_000_000
ACCEPTED = "JPG, PNG, WebP, GIF, PDF, TXT, DOCX, XLSX, PPTX, ODT, ODS"


class UnsupportedDocument(ValueError):
    """A file that cannot be cleaned of metadata, so it is not taken in."""


def clean_document(name, data):
    """(name, data, mimetype) of the document without its metadata.
    Raises UnsupportedDocument for kinds that are not accepted."""
    base, _dot, extension = re.split(r"[/\\]", name or "document")[-1].rpartition(".")
    base = safe_base(base or extension)
    extension = extension.lower() if _dot else ""
    if data[:4] == b"%PDF":
        return f"{base}.pdf", clean_pdf(data), "application/pdf"
    if extension in OFFICE_EXTENSIONS and data[:2] == b"PK":
        return f"{base}.{extension}", clean_office(data), OFFICE_EXTENSIONS[extension]
    if extension == "txt":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnsupportedDocument(name) from exc
        return f"{base}.txt", data, "text/plain"
    cleaned, fmt = clean_image(data)
    _save_as, mimetype, ext = IMAGE_FORMATS[fmt]
    return f"{base}.{ext}", cleaned, mimetype


def safe_base(base):
    """A file name without path parts or control characters."""
    base = re.split(r"[/\\]", base)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]+", "_", base).strip(" .")
    return base[:100] or "document"


def clean_image(data):
    """The pixels only, in the same orientation: EXIF, XMP, ICC profile,
    comments and the like are left behind. Returns (bytes, source format)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            if fmt not in IMAGE_FORMATS:
                raise UnsupportedDocument(fmt)
            if image.width * image.height > MAX_PIXELS:
                raise UnsupportedDocument("too many pixels")
            image.load()
            # the picture as it is meant to be seen, then without the tag
            upright = ImageOps.exif_transpose(image)
            save_as = IMAGE_FORMATS[fmt][0]
            if upright.mode == "P" or (save_as == "JPEG" and upright.mode != "RGB"):
                upright = upright.convert("RGBA" if save_as != "JPEG" else "RGB")
            pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, UnsupportedDocument):
            raise
        raise UnsupportedDocument("not an image") from exc
    out = io.BytesIO()
    options = {"quality": 90} if save_as in ("JPEG", "WEBP") else {}
    pixels.save(out, format=save_as, **options)
    return out.getvalue(), fmt


def clean_pdf(data):
    """The pages only: the document information (author, creator, producer,
    dates) and the document's XMP stay behind."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnsupportedDocument("encrypted PDF")
        writer = PdfFileWriter()
        for page in reader.pages:
            page.pop("/Metadata", None)
            writer.add_page(page)
        writer.add_metadata({"/Producer": ""})
        out = io.BytesIO()
        writer.write(out)
    except UnsupportedDocument:
        raise
    except Exception as exc:  # PyPDF2/pypdf raise many kinds on bad files
        raise UnsupportedDocument("not a readable PDF") from exc
    return out.getvalue()


def clean_office(data):
    """The document's parts, with the properties that name its maker
    replaced by empty ones."""
    out = io.BytesIO()
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                content = OFFICE_PARTS.get(item.filename)
                if content is None:
                    content = source.read(item.filename)
                info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = (
                    zipfile.ZIP_STORED
                    if item.filename == "mimetype"
                    else zipfile.ZIP_DEFLATED
                )
                target.writestr(info, content)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise UnsupportedDocument("not a readable document") from exc
    return out.getvalue()
