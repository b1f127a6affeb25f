"""The meldpunt's public pages: report, receipt, status and answer.

No login, no session: ``save_session=False`` keeps Odoo from creating a
session (and its cookie) for a visitor, so Odoo's own CSRF token (which is
bound to a session) is not used either. In its place: there is no ambient
credential to abuse (no cookie; the status page wants the receipt's code
and secret, or a short-lived token in the page itself), cross-site posts are
refused on the browser's ``Sec-Fetch-Site``/``Origin`` headers, and the form
carries a signed token (which meldpunt, when handed out). The address of the
visitor is used for one thing only, the in-memory rate limits, as a keyed
hash. The pages need no JavaScript."""

import threading
import time
from urllib.parse import urlparse

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..models.ondermijning_meldpunt import InputErrors, normalise_code
from ..tools import throttle

ROUTE = "/ondermijning/melden/<string:slug>"
PAGE = {
    "type": "http",
    "auth": "public",
    "csrf": False,
    "save_session": False,
}
HEADERS = [
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "same-origin"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
]
# Form tokens already used (a report is sent once): nonce -> expiry.
_USED = {}
_USED_LOCK = threading.Lock()


def _first_use(token):
    nonce = token.rsplit(":", 1)[0]
    now = time.monotonic()
    with _USED_LOCK:
        for key in [key for key, expiry in _USED.items() if expiry < now]:
            del _USED[key]
        if nonce in _USED:
            return False
        _USED[nonce] = now + 5 * 3600
        return True


class MeldpuntController(http.Controller):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _meldpunt(self, slug, public_only=True):
        meldpunt = request.env["ondermijning.meldpunt"]._for_page(slug, public_only)
        # the page is Dutch (English where Dutch is not installed)
        lang = "nl_NL"
        if (
            not request.env["res.lang"]
            .sudo()
            .search_count([("code", "=", lang), ("active", "=", True)])
        ):
            lang = "en_US"
        request.update_context(lang=lang)
        if not meldpunt:
            page = self._message(
                meldpunt,
                request.env._("Page not found"),
                request.env._("There is no reporting page at this address (any more)."),
                404,
            )
            page.flatten()
            raise NotFound(response=page)
        return meldpunt.with_context(lang=lang)

    def _render(self, template, meldpunt, status=200, **values):
        values.update(
            meldpunt=meldpunt,
            gemeente=meldpunt.company_id.name if meldpunt else "",
            base=f"/ondermijning/melden/{meldpunt.slug}" if meldpunt else "",
        )
        response = request.render(template, values, headers=HEADERS)
        response.status_code = status
        return response

    def _message(self, meldpunt, title, text, status):
        return self._render(
            "ondermijning_meldpunt.message_page",
            meldpunt,
            status=status,
            title=title,
            text=text,
        )

    def _address(self):
        return throttle.network_of(request.httprequest.remote_addr)

    def _limits(self):
        params = request.env["ir.config_parameter"].sudo()
        limits = {}
        for name, default in throttle.DEFAULT_LIMITS.items():
            try:
                limits[name] = int(
                    params.get_param(f"ondermijning_meldpunt.{name}", default)
                )
            except ValueError:
                limits[name] = default
        return limits

    def _cross_site(self):
        """A post that a page of another site made the browser send."""
        headers = request.httprequest.headers
        site = headers.get("Sec-Fetch-Site")
        if site and site not in ("same-origin", "none"):
            return True
        origin = headers.get("Origin")
        if origin and origin != "null":
            return urlparse(origin).netloc != request.httprequest.host
        return False

    def _too_many(self, meldpunt, waiting):
        response = self._message(
            meldpunt,
            request.env._("Please wait a moment"),
            request.env._(
                "Many reports were sent from your connection in a short time. "
                "Try again in %s minutes. Is there danger right now? Call 112.",
                max(1, round(waiting / 60)),
            ),
            429,
        )
        response.headers["Retry-After"] = str(waiting)
        return response

    def _files(self, name):
        return [
            (upload.filename or "document", upload.read())
            for upload in request.httprequest.files.getlist(name)
            if upload and upload.filename
        ]

    def _content_too_large(self, meldpunt):
        limit = (meldpunt._file_limit_mb() * 5 + 1) * 1024 * 1024
        length = request.httprequest.content_length or 0
        return length > limit

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------
    @http.route(ROUTE, methods=["GET"], **PAGE)
    def form(self, slug, organisatie=None, **_kw):
        meldpunt = self._meldpunt(slug)
        return self._form(meldpunt, {"organisatie": organisatie or ""})

    def _form(self, meldpunt, values, errors=None, status=200):
        errors = errors or {}
        partner = meldpunt._partner_for_code(values.get("organisatie"))
        return self._render(
            "ondermijning_meldpunt.form_page",
            meldpunt,
            status=status,
            values=values,
            errors=errors,
            partner=partner,
            categories=meldpunt._categories(),
            token=meldpunt._form_token(),
        )

    @http.route(f"{ROUTE}/verzenden", methods=["POST"], **PAGE)
    def submit(self, slug, **post):
        meldpunt = self._meldpunt(slug)
        if self._cross_site():
            return self._message(
                meldpunt,
                request.env._("Report not sent"),
                request.env._(
                    "This form can only be sent from the gemeente's own page."
                ),
                403,
            )
        if self._content_too_large(meldpunt):
            return self._message(
                meldpunt,
                request.env._("Report not sent"),
                request.env._(
                    "The documents are too large together. Send fewer or smaller ones."
                ),
                413,
            )
        values = {key: value for key, value in post.items() if isinstance(value, str)}
        if values.get("website"):  # the honeypot: people leave it empty
            return self._message(
                meldpunt,
                request.env._("Report not sent"),
                request.env._("Your report could not be processed."),
                400,
            )
        problem = meldpunt._check_form_token(values.get("token"))
        if problem == "invalid":
            return self._message(
                meldpunt,
                request.env._("Report not sent"),
                request.env._(
                    "The form was not recognised. Open the reporting page again."
                ),
                400,
            )
        if problem:
            errors = {
                "form": request.env._("Check your report and send it again.")
                if problem == "fast"
                else request.env._(
                    "The form was open for a long time. Send your report again."
                )
            }
            return self._form(meldpunt, values, errors, status=400)
        limits = self._limits()
        waiting = throttle.SUBMISSIONS.wait(
            "total", limits["submissions_total"]
        ) or throttle.SUBMISSIONS.wait(
            f"address:{self._address()}", limits["submissions_per_address"]
        )
        if waiting:
            return self._too_many(meldpunt, waiting)
        if not _first_use(values["token"]):
            return self._message(
                meldpunt,
                request.env._("Already sent"),
                request.env._(
                    "This report has already been sent. Look at the receipt you got."
                ),
                409,
            )
        files = self._files("documents")
        try:
            receipt, code, secret = meldpunt._submit(values, files)
        except InputErrors as error:
            if files and "documents" not in error.errors:
                error.errors["documents"] = request.env._(
                    "Choose your documents again: for your safety they were not "
                    "kept while the report was not sent."
                )
            return self._form(meldpunt, values, error.errors, status=400)
        throttle.SUBMISSIONS.add("total")
        throttle.SUBMISSIONS.add(f"address:{self._address()}")
        return self._render(
            "ondermijning_meldpunt.receipt_page",
            meldpunt,
            code=code,
            secret=secret,
            receipt=receipt,
        )

    # ------------------------------------------------------------------
    # Status and answers
    # ------------------------------------------------------------------
    @http.route(f"{ROUTE}/status", methods=["GET"], **PAGE)
    def status_login(self, slug, **_kw):
        meldpunt = self._meldpunt(slug, public_only=False)
        return self._render(
            "ondermijning_meldpunt.status_login_page", meldpunt, values={}, errors={}
        )

    @http.route(f"{ROUTE}/status", methods=["POST"], **PAGE)
    def status(self, slug, code="", secret="", access="", **_kw):
        meldpunt = self._meldpunt(slug, public_only=False)
        if self._cross_site():
            return self._message(
                meldpunt,
                request.env._("Not shown"),
                request.env._("Open the status page again."),
                403,
            )
        if access:
            receipt = meldpunt._receipt_for_token(access)
            if not receipt:
                return self._login_failed(
                    meldpunt,
                    {},
                    request.env._("Your session on this page has ended: log in again."),
                )
            return self._status(meldpunt, receipt)
        limits = self._limits()
        address_key = f"address:{self._address()}"
        code_key = f"code:{normalise_code(code)}"
        waiting = throttle.LOGIN_FAILURES.wait(
            address_key, limits["login_failures_per_address"]
        ) or throttle.LOGIN_FAILURES.wait(
            code_key, limits["login_failures_per_receipt"]
        )
        if waiting:
            return self._login_failed(
                meldpunt,
                {"code": code},
                request.env._(
                    "Too many wrong attempts. Try again in %s minutes.",
                    max(1, round(waiting / 60)),
                ),
                status=429,
            )
        receipt = meldpunt._find_receipt(code, secret)
        if not receipt:
            throttle.LOGIN_FAILURES.add(address_key)
            throttle.LOGIN_FAILURES.add(code_key)
            return self._login_failed(
                meldpunt,
                {"code": code},
                request.env._(
                    "The code or the secret is not right. Check both and try again."
                ),
            )
        return self._status(meldpunt, receipt)

    def _login_failed(self, meldpunt, values, message, status=400):
        return self._render(
            "ondermijning_meldpunt.status_login_page",
            meldpunt,
            status=status,
            values=values,
            errors={"code": message},
        )

    def _status(
        self, meldpunt, receipt, errors=None, values=None, sent=False, status=200
    ):
        receipt = receipt.sudo()
        statuses = dict(receipt._fields["status"]._description_selection(meldpunt.env))
        return self._render(
            "ondermijning_meldpunt.status_page",
            meldpunt,
            status=status,
            receipt=receipt,
            status_label=statuses.get(receipt.status, ""),
            conversation=meldpunt._conversation(receipt),
            access=meldpunt._access_token(receipt),
            errors=errors or {},
            values=values or {},
            sent=sent,
        )

    @http.route(f"{ROUTE}/aanvullen", methods=["POST"], **PAGE)
    def add(self, slug, access="", answer="", **_kw):
        meldpunt = self._meldpunt(slug, public_only=False)
        if self._cross_site():
            return self._message(
                meldpunt,
                request.env._("Not sent"),
                request.env._("Open the status page again."),
                403,
            )
        if self._content_too_large(meldpunt):
            return self._message(
                meldpunt,
                request.env._("Not sent"),
                request.env._(
                    "The documents are too large together. Send fewer or smaller ones."
                ),
                413,
            )
        receipt = meldpunt._receipt_for_token(access)
        if not receipt:
            return self._login_failed(
                meldpunt,
                {},
                request.env._("Your session on this page has ended: log in again."),
            )
        files = self._files("answer_documents")
        try:
            meldpunt._add_from_reporter(receipt, answer, files)
        except InputErrors as error:
            if files and "answer_documents" not in error.errors:
                error.errors["answer_documents"] = request.env._(
                    "Choose your documents again: they were not kept while the "
                    "message was not sent."
                )
            return self._status(
                meldpunt, receipt, error.errors, {"answer": answer}, status=400
            )
        return self._status(meldpunt, receipt, sent=True)
