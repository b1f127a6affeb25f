import os
import tempfile

import psycopg2.errors
from werkzeug.exceptions import NotFound
from werkzeug.wsgi import wrap_file

from odoo import http
from odoo.http import content_disposition, request

from ..report.ondermijning_workbooks import XLSX_MIMETYPE, write_register_template


def _stream(fileobj, filename):
    """Stream a finished temporary file to the browser; it is closed (and,
    being unlinked, gone) when the response ends. Nothing is stored."""
    size = fileobj.seek(0, os.SEEK_END)
    fileobj.seek(0)
    headers = [
        ("Content-Type", XLSX_MIMETYPE),
        ("Content-Disposition", content_disposition(filename)),
        ("Content-Length", str(size)),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    response = request.make_response(
        wrap_file(request.httprequest.environ, fileobj), headers=headers
    )
    response.direct_passthrough = True
    return response


class OndermijningRapportageController(http.Controller):
    @http.route(
        "/ondermijning_rapportage/export/<int:wizard_id>",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def export(self, wizard_id):
        """Generate the export of the wizard as the logged-in user (its own
        rules and field rights apply) into a temporary file and stream it.
        Read-only: on the replica when there is one (the audit lines go to
        the primary)."""
        wizard = request.env["ondermijning.export.wizard"].search(
            [("id", "=", wizard_id)]
        )
        if not wizard and request.env.cr.readonly:
            # made on the primary a moment ago, maybe not replayed here yet:
            # Odoo runs the request again on the primary
            raise psycopg2.errors.ReadOnlySqlTransaction(
                "the export wizard is not on the replica (yet)"
            )
        if not wizard:
            raise NotFound()
        fileobj = tempfile.TemporaryFile()
        try:
            filename = wizard._generate(fileobj)
        except Exception:
            fileobj.close()
            raise
        return _stream(fileobj, filename)

    @http.route(
        "/ondermijning_rapportage/import_template",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def import_template(self):
        fileobj = tempfile.TemporaryFile()
        write_register_template(fileobj)
        return _stream(fileobj, "ondermijning_register_template.xlsx")
