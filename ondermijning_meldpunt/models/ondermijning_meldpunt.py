"""A gemeente's public meldpunt (``ondermijning.meldpunt``): its settings and
the intake of a report from outside Odoo (web form and e-mail), the receipt
and the conversation with the reporter.

Over 450 lines because the intake is one chain that must keep the reporter
anonymous at every link (form token, throttling without addresses, document
metadata removal, receipt secret hashing, the signal made as the server):
apart, a link that forgets anonymity would not show. The public routes are
in ``controllers/``."""

import base64
import datetime
import hashlib
import hmac
import logging
import re
import secrets

import pytz
from passlib.context import CryptContext

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html2plaintext

from ..tools import metadata

_logger = logging.getLogger(__name__)

# Crockford's base32: no I, L, O, U (read aloud and typed without mistakes)
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: an identifier, not the secret
SECRET_LENGTH = 20  # 100 bits
DEFAULT_ROUNDS = 100_000
LIMITS = {
    "description": 10000,
    "who": 2000,
    "place": 256,
    "contact_name": 200,
    "contact_phone": 50,
    "contact_email": 200,
    "answer": 10000,
}
MAX_FILES = 5
DEFAULT_FILE_MB = 10
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^[0-9+()\-. ]{6,}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise_code(value):
    """What the reporter typed, as stored: capitals, no spaces or dashes,
    the letters that look like digits read as digits."""
    value = re.sub(r"[\s\-]+", "", (value or "").upper())
    return value.translate(str.maketrans("OIL", "011"))[:64]


def random_code(length):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def grouped(value, size):
    return "-".join(value[i : i + size] for i in range(0, len(value), size))


class InputErrors(ValidationError):
    """Errors per form field (field name -> message): the page shows each at
    its field, and all of them in a summary at the top."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors.values()))


class OndermijningMeldpunt(models.Model):
    """The meldpunt of a gemeente: its public reporting page, its e-mail
    alias and the organisations that report with a code.

    A report from outside becomes a signal in stap 1 (content and documents
    encrypted), owned by the intake owner with the weging-1 activity, and a
    receipt (``ondermijning.melding`` without a user) through which the
    reporter follows the status and talks with the handler. Nothing about
    the reporter is kept but what they chose to give."""

    _name = "ondermijning.meldpunt"
    _inherit = ["ondermijning.guard.mixin", "mail.alias.mixin.optional"]
    _description = "Meldpunt"
    _order = "company_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    public_page = fields.Boolean(
        string="Public reporting page",
        help="Citizens and partners report without a login at "
        "/ondermijning/melden/<address>. Switch off to close the page (the "
        "status page of existing receipts stays available).",
    )
    slug = fields.Char(
        string="Page address",
        required=True,
        help="The last part of the page's address, e.g. 'hengelo'.",
    )
    url = fields.Char(string="Page", compute="_compute_url")
    intro = fields.Text(
        string="Introduction",
        translate=True,
        help="Shown above the form, e.g. what the gemeente does with a report.",
    )
    privacy_url = fields.Char(string="Privacy statement (link)")
    intake_user_id = fields.Many2one(
        "res.users",
        string="Intake owner",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Owns the signals that come in through the meldpunt and gets "
        "the weging-1 activity.",
    )
    notify_user_ids = fields.Many2many(
        "res.users",
        string="Intake team",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Hear of each new report (by its reference only).",
    )
    partner_ids = fields.One2many(
        "ondermijning.meldpunt.partner", "meldpunt_id", string="Partner organisations"
    )
    mma_domains = fields.Char(
        string="MMA sender domains",
        default="meldmisdaadanoniem.nl",
        help="E-mail to the alias from these domains (comma-separated) is "
        "MMA's alert that a report is waiting on the MMA platform: it becomes "
        "a task to fetch and register it that day, not a signal.",
    )
    receipt_count = fields.Integer(compute="_compute_receipt_count")

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "A gemeente has one meldpunt."),
        ("slug_unique", "unique(slug)", "Another meldpunt has this page address."),
    ]

    @api.depends("company_id.name")
    def _compute_name(self):
        for meldpunt in self:
            meldpunt.name = self.env._("Meldpunt %s", meldpunt.company_id.name or "")

    @api.depends("slug")
    def _compute_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for meldpunt in self:
            meldpunt.url = f"{base}/ondermijning/melden/{meldpunt.slug or ''}"

    def _compute_receipt_count(self):
        counts = dict(
            self.env["ondermijning.melding"]
            .sudo()
            ._read_group(
                [("meldpunt_id", "in", self.ids)], ["meldpunt_id"], ["__count"]
            )
        )
        for meldpunt in self:
            meldpunt.receipt_count = counts.get(meldpunt, 0)

    @api.constrains("slug")
    def _check_slug(self):
        for meldpunt in self:
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", meldpunt.slug or ""):
                raise ValidationError(
                    self.env._(
                        "The page address may hold lower-case letters, digits and "
                        "single dashes only, e.g. 'hengelo'."
                    )
                )

    @api.constrains("public_page", "intake_user_id", "alias_id")
    def _check_intake_owner(self):
        for meldpunt in self:
            if (meldpunt.public_page or meldpunt.alias_id) and not (
                meldpunt.intake_user_id
            ):
                raise ValidationError(
                    self.env._(
                        "%s needs an intake owner before its page or e-mail "
                        "address is opened: reports would have nobody to go to.",
                        meldpunt.name,
                    )
                )

    # ------------------------------------------------------------------
    # The alias: e-mail to it comes in through _receive_email
    # ------------------------------------------------------------------
    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("ondermijning.signaal")
        values["alias_contact"] = "everyone"
        if self.id:
            values["alias_defaults"] = repr({"company_id": self.company_id.id})
            values["alias_force_thread_id"] = False
        return values

    # ------------------------------------------------------------------
    # Public page
    # ------------------------------------------------------------------
    @api.model
    def _for_page(self, slug, public_only=True):
        """The meldpunt whose page this is (as the server: the visitor has
        no user of their own)."""
        domain = [("slug", "=", (slug or "").lower()[:64])]
        if public_only:
            domain.append(("public_page", "=", True))
        return self.with_user(SUPERUSER_ID).search(domain, limit=1)

    def _categories(self):
        self.ensure_one()
        return (
            self.env["ondermijning.categorie"]
            .with_user(SUPERUSER_ID)
            .with_context(lang=self.env.lang)
            .search(
                [
                    ("active", "=", True),
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "=", self.company_id.id),
                ]
            )
        )

    def _partner_for_code(self, code):
        self.ensure_one()
        code = normalise_code(code)
        if not code:
            return self.env["ondermijning.meldpunt.partner"]
        return (
            self.env["ondermijning.meldpunt.partner"]
            .with_user(SUPERUSER_ID)
            .search(
                [
                    ("meldpunt_id", "=", self.id),
                    ("code", "=", code),
                    ("active", "=", True),
                ],
                limit=1,
            )
        )

    @api.model
    def _crypt(self):
        rounds = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ondermijning_meldpunt.secret_rounds")
        )
        try:
            rounds = max(int(rounds), 1000) if rounds else DEFAULT_ROUNDS
        except ValueError:
            rounds = DEFAULT_ROUNDS
        return CryptContext(["pbkdf2_sha512"], pbkdf2_sha512__rounds=rounds)

    def _file_limit_mb(self):
        limit = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ondermijning_meldpunt.max_file_mb")
        )
        try:
            return float(limit) if limit else DEFAULT_FILE_MB
        except ValueError:
            return DEFAULT_FILE_MB

    def _clean_files(self, files, errors, field="documents"):
        """[(name, data)] -> [(name, data, mimetype)] without metadata; what
        cannot be cleaned or is too large is an error at the field."""
        files = [(name, data) for name, data in files if data]
        if len(files) > MAX_FILES:
            errors[field] = self.env._("Send at most %s documents.", MAX_FILES)
            return []
        limit = self._file_limit_mb()
        limit_text = f"{limit:g}"
        cleaned = []
        for name, data in files:
            if len(data) > limit * 1024 * 1024:
                errors[field] = self.env._(
                    "%(name)s is too large: at most %(limit)s MB per document.",
                    name=metadata.safe_base(name),
                    limit=limit_text,
                )
                return []
            try:
                cleaned.append(metadata.clean_document(name, data))
            except metadata.UnsupportedDocument:
                errors[field] = self.env._(
                    "%(name)s cannot be accepted. Send a photo or document of one "
                    "of these kinds: %(kinds)s.",
                    name=metadata.safe_base(name),
                    kinds=metadata.ACCEPTED,
                )
                return []
        return cleaned

    def _check_text(self, values, name, label, errors, required=False):
        value = (values.get(name) or "").strip()
        if required and not value:
            errors[name] = self.env._("%s: please fill this in.", label)
        elif CONTROL.search(value):
            errors[name] = self.env._(
                "%s contains characters that cannot be stored.", label
            )
        elif len(value) > LIMITS[name]:
            errors[name] = self.env._(
                "%(label)s is too long: %(length)s characters, at most %(limit)s.",
                label=label,
                length=len(value),
                limit=LIMITS[name],
            )
        return value

    def _read_form(self, values, files):
        """The report as the model stores it, or InputErrors naming each
        field that is wrong and why."""
        self.ensure_one()
        errors = {}
        report = {}
        categories = self._categories()
        try:
            categorie = categories.filtered(
                lambda c: c.id == int(values.get("categorie_id") or 0)
            )
        except ValueError:
            categorie = categories.browse()
        if not categorie:
            errors["categorie_id"] = self.env._("Choose what your report is about.")
        report["categorie"] = categorie
        report["description"] = self._check_text(
            values, "description", self.env._("What happened"), errors, required=True
        )
        report["place"] = self._check_text(values, "place", self.env._("Where"), errors)
        report["who"] = self._check_text(
            values, "who", self.env._("Who or what"), errors
        )
        report["date_facts"] = self._read_date(values, errors)
        report["partner"] = self._partner_for_code(values.get("organisatie"))
        if normalise_code(values.get("organisatie")) and not report["partner"]:
            errors["organisatie"] = self.env._(
                "This organisation code is not known. Check it, or leave it empty."
            )
        report["anonymous"] = values.get("anoniem", "ja") != "nee"
        contact = {}
        if not report["anonymous"]:
            contact["name"] = self._check_text(
                values, "contact_name", self.env._("Name"), errors
            )
            contact["phone"] = self._check_text(
                values, "contact_phone", self.env._("Telephone"), errors
            )
            contact["email"] = self._check_text(
                values, "contact_email", self.env._("E-mail address"), errors
            )
            if contact["phone"] and not PHONE_PATTERN.match(contact["phone"]):
                errors["contact_phone"] = self.env._(
                    "Telephone: write a number, e.g. 06 12345678."
                )
            if contact["email"] and not EMAIL_PATTERN.match(contact["email"]):
                errors["contact_email"] = self.env._(
                    "E-mail address: write an address like naam@voorbeeld.nl."
                )
            if not (contact["phone"] or contact["email"]) and not (
                {"contact_phone", "contact_email"} & errors.keys()
            ):
                errors["contact_phone"] = self.env._(
                    "Give a telephone number or an e-mail address, or choose to "
                    "report anonymously."
                )
        report["contact"] = contact
        report["documents"] = self._clean_files(files, errors)
        if errors:
            raise InputErrors(errors)
        return report

    def _read_date(self, values, errors):
        day = (values.get("date_facts") or "").strip()
        hour = (values.get("time_facts") or "").strip()
        if not day:
            if hour:
                errors["date_facts"] = self.env._(
                    "When: give the date as well as the time."
                )
            return False
        try:
            moment = datetime.datetime.strptime(
                f"{day} {hour or '12:00'}", "%Y-%m-%d %H:%M"
            )
        except ValueError:
            errors["date_facts"] = self.env._(
                "When: write the date as day-month-year, e.g. 31-01-2025."
            )
            return False
        # the form is in Dutch time; the database in UTC
        local = pytz.timezone("Europe/Amsterdam").localize(moment)
        moment = local.astimezone(pytz.utc).replace(tzinfo=None)
        if moment > fields.Datetime.now() + datetime.timedelta(minutes=10):
            errors["date_facts"] = self.env._("When: the date lies in the future.")
            return False
        if moment.year < 1900:
            errors["date_facts"] = self.env._("When: the date is not plausible.")
            return False
        return moment

    def _submit(self, values, files):
        """Take in a report from the public page: a signal in stap 1 and a
        receipt. Returns (receipt, code, secret); the secret exists only in
        this return value (the receipt keeps a slow hash)."""
        self.ensure_one()
        report = self._read_form(values, files)
        server = self.with_user(SUPERUSER_ID).with_context(
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
            tracking_disable=True,
        )
        code = self._new_code()
        secret = random_code(SECRET_LENGTH)
        receipt = server.env["ondermijning.melding"].create(
            {
                "company_id": self.company_id.id,
                "user_id": False,
                "meldpunt_id": self.id,
                "channel": "web",
                "anonymous": report["anonymous"],
                "receipt_code": code,
                "receipt_secret_hash": self._crypt().hash(secret),
                "categorie_id": report["categorie"].id,
                "date_facts": report["date_facts"],
                "place": report["place"] or False,
                "who": report["who"] or False,
                "description": report["description"],
            }
        )
        partner = report["partner"]
        herkomst = (
            partner.herkomst_id
            if partner
            else self.env.ref("ondermijning_signalen.herkomst_burger")
        )
        signal = receipt.sudo().signaal_id
        self.with_user(SUPERUSER_ID)._take_in(
            signal,
            {
                "herkomst_id": herkomst.id,
                "channel": "web",
                "meldpunt_partner_id": partner.id,
                "melder_contact": self._contact_text(report["contact"]),
                "wijk_id": self._wijk_of(report["place"]).id,
            },
            report["documents"],
        )
        return receipt, grouped(code, 5), grouped(secret, 4)

    def _new_code(self):
        Receipt = self.env["ondermijning.melding"].with_user(SUPERUSER_ID)
        while True:
            code = random_code(CODE_LENGTH)
            if not Receipt.search_count([("receipt_code", "=", code)], limit=1):
                return code

    def _contact_text(self, contact):
        lines = [
            (self.env._("Name"), contact.get("name")),
            (self.env._("Telephone"), contact.get("phone")),
            (self.env._("E-mail"), contact.get("email")),
        ]
        return (
            "\n".join(f"{label}: {value}" for label, value in lines if value) or False
        )

    def _wijk_of(self, place):
        """The wijk whose name the address or place mentions."""
        Wijk = self.env["ondermijning.wijk"].with_user(SUPERUSER_ID)
        if not place:
            return Wijk.browse()
        text = place.lower()
        for wijk in Wijk.search([("company_id", "=", self.company_id.id)]):
            if re.search(rf"\b{re.escape(wijk.name.lower())}\b", text):
                return wijk
        return Wijk.browse()

    def _take_in(self, signal, values, documents):
        """The signal goes to the intake owner (weging-1 activity) with its
        source, channel, contact and documents; the intake team hears of it
        by its reference."""
        self.ensure_one()
        values = {key: value for key, value in values.items() if value}
        values["user_id"] = self.intake_user_id.id
        signal.with_context(mail_notrack=True, tracking_disable=True).write(values)
        self._attach(signal, documents)
        team = self.notify_user_ids | self.intake_user_id
        lang = self.intake_user_id.lang or self.company_id.partner_id.lang or "nl_NL"
        body = self.with_context(lang=lang).env._(
            "New report %s received through the meldpunt.", signal.name
        )
        signal.message_post(
            body=body,
            message_type="notification",
            subtype_xmlid="mail.mt_comment",
            partner_ids=team.partner_id.ids,
        )

    def _attach(self, record, documents):
        """Documents of a case record: encrypted, name and content, by the
        attachment rules of ondermijning_signalen."""
        return (
            self.env["ir.attachment"]
            .with_user(SUPERUSER_ID)
            .create(
                [
                    {
                        "name": name,
                        "raw": data,
                        "mimetype": mimetype,
                        "res_model": record._name,
                        "res_id": record.id,
                    }
                    for name, data, mimetype in documents
                ]
            )
        )

    # ------------------------------------------------------------------
    # Status page
    # ------------------------------------------------------------------
    def _find_receipt(self, code, secret):
        """The receipt for code and secret, or an empty recordset; the same
        slow hash is computed either way (no hint whether a code exists)."""
        self.ensure_one()
        receipt = (
            self.env["ondermijning.melding"]
            .with_user(SUPERUSER_ID)
            .search(
                [
                    ("receipt_code", "=", normalise_code(code)),
                    ("meldpunt_id", "=", self.id),
                ],
                limit=1,
            )
        )
        crypt = self._crypt()
        stored = receipt.receipt_secret_hash or crypt.hash("-")
        if crypt.verify(normalise_code(secret), stored) and receipt:
            return receipt
        return receipt.browse()

    def _access_token(self, receipt, minutes=30):
        """A short-lived token that lets the status page's answer form act
        for the receipt without sending the secret again (and without a
        session)."""
        expiry = int(fields.Datetime.now().timestamp()) + minutes * 60
        message = f"{receipt.id}:{expiry}"
        return f"{message}:{self._sign(message)}"

    def _receipt_for_token(self, token):
        receipt_id, _sep, rest = (token or "").partition(":")
        expiry, _sep, signature = rest.partition(":")
        message = f"{receipt_id}:{expiry}"
        if not (receipt_id.isdigit() and expiry.isdigit()):
            return self.env["ondermijning.melding"]
        if not hmac.compare_digest(signature, self._sign(message)):
            return self.env["ondermijning.melding"]
        if int(expiry) < fields.Datetime.now().timestamp():
            return self.env["ondermijning.melding"]
        return (
            self.env["ondermijning.melding"]
            .with_user(SUPERUSER_ID)
            .search([("id", "=", int(receipt_id)), ("meldpunt_id", "=", self.id)])
        )

    def _sign(self, message):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        key = hashlib.sha256(f"ondermijning_meldpunt:{secret}".encode()).digest()
        digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def _form_token(self):
        """The form's token: when it was handed out (a report sent within
        seconds is a robot's) and for which meldpunt."""
        issued = int(fields.Datetime.now().timestamp())
        nonce = secrets.token_urlsafe(9)
        message = f"{self.id}:{issued}:{nonce}"
        return f"{message}:{self._sign(message)}"

    def _check_form_token(self, token, max_hours=4):
        """'' when the token is good, else why not (for the page)."""
        try:
            min_seconds = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("ondermijning_meldpunt.min_fill_seconds", 3)
            )
        except ValueError:
            min_seconds = 3
        meldpunt_id, issued, nonce, signature = ([*(token or "").split(":"), "", ""])[
            :4
        ]
        message = f"{meldpunt_id}:{issued}:{nonce}"
        if not (
            issued.isdigit()
            and meldpunt_id == str(self.id)
            and hmac.compare_digest(signature, self._sign(message))
        ):
            return "invalid"
        age = fields.Datetime.now().timestamp() - int(issued)
        if age < min_seconds:
            return "fast"
        if age > max_hours * 3600:
            return "expired"
        return ""

    def _conversation(self, receipt):
        """What the reporter may read: the notes written for them and their
        own answers, oldest first."""
        notes = receipt.sudo().notitie_ids.sorted(lambda n: (n.date, n.id))
        return [
            {
                "from_reporter": note.kind == "van_melder",
                "date": note.date,
                "body": note.body,
                "documents": len(note.attachment_ids),
            }
            for note in notes
        ]

    def _add_from_reporter(self, receipt, text, files):
        """The reporter answers or adds information: a note for the
        handlers (encrypted, with its documents)."""
        self.ensure_one()
        errors = {}
        text = self._check_text(
            {"answer": text},
            "answer",
            self.env._("Your message"),
            errors,
            required=True,
        )
        documents = self._clean_files(files, errors, field="answer_documents")
        if errors:
            raise InputErrors(errors)
        receipt = receipt.with_user(SUPERUSER_ID)
        signal = receipt.signaal_id
        if not signal or receipt.status == "afgehandeld":
            raise InputErrors(
                {
                    "answer": self.env._(
                        "This report has been handled and can no longer be added "
                        "to. Make a new report."
                    )
                }
            )
        attachments = (
            self._attach(self.env["ondermijning.notitie"].browse(), documents)
            if documents
            else self.env["ir.attachment"]
        )
        self.env["ondermijning.notitie"].with_user(SUPERUSER_ID).create(
            {
                "signaal_id": signal.id,
                "melding_id": receipt.id,
                "kind": "van_melder",
                "body": text,
                "attachment_ids": [(6, 0, attachments.ids)],
            }
        )
        signal._notify_handlers_of_addition()
        return True

    # ------------------------------------------------------------------
    # E-mail intake
    # ------------------------------------------------------------------
    def _is_mma_alert(self, msg_dict):
        sender = (msg_dict.get("email_from") or "").lower()
        domains = [d.strip().lower() for d in (self.mma_domains or "").split(",")]
        address = re.findall(r"[^@<\s]+@([^>\s]+)", sender)
        return bool(address) and any(
            d and (address[-1] == d or address[-1].endswith(f".{d}")) for d in domains
        )

    def _receive_email(self, msg_dict, message=None):
        """An e-mail to the meldpunt's alias: MMA's alert becomes a task for
        that day; anything else a signal in stap 1 with the message
        encrypted. Nothing of it is kept as a mail message."""
        self.ensure_one()
        server = self.with_user(SUPERUSER_ID)
        if server._is_mma_alert(msg_dict):
            return server.env["ondermijning.mma.alert"]._from_email(self)
        automatic = bool(
            message is not None
            and (message.get("Auto-Submitted") or "no").strip().lower() != "no"
        )
        return server._signal_from_email(msg_dict, automatic)

    def _signal_from_email(self, msg_dict, automatic=False):
        Signal = self.env["ondermijning.signaal"].with_context(
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
            tracking_disable=True,
        )
        key = self._message_key(msg_dict.get("message_id"))
        if key:
            duplicate = Signal.with_context(active_test=False).search(
                [("meldpunt_message_key", "=", key)], limit=1
            )
            if duplicate:
                return duplicate
        subject = (msg_dict.get("subject") or "").strip()
        body = html2plaintext(msg_dict.get("body") or "").strip()
        description = "\n\n".join(filter(None, [subject, body])) or self.env._(
            "(empty e-mail)"
        )
        errors = {}
        documents = []
        for attachment in msg_dict.get("attachments") or []:
            name, content = attachment[0], attachment[1]
            if isinstance(content, str):
                content = content.encode()
            cleaned = self._clean_files([(name, content)], errors)
            if errors:
                description += "\n\n" + self.env._(
                    "An attachment could not be taken in (%s).", errors.popitem()[1]
                )
            documents.extend(cleaned)
        limit = self.env["ondermijning.signaal"]._text_size_limit()
        if len(description) > limit:
            description = (
                description[: limit - 100]
                + "\n\n"
                + self.env._("(the e-mail was longer and has been cut off)")
            )
        signal = Signal.create(
            {
                "company_id": self.company_id.id,
                "herkomst_id": self.env.ref("ondermijning_signalen.herkomst_burger").id,
                "channel": "email",
                "categorie_id": self.env.ref(
                    "ondermijning_meldpunt.categorie_nog_te_bepalen"
                ).id,
                "description": description,
                "melder_contact": self._contact_text(
                    {"email": msg_dict.get("email_from")}
                ),
                "meldpunt_message_key": key or False,
                "user_id": False,
            }
        )
        self._take_in(signal, {"user_id": self.intake_user_id.id}, documents)
        if not automatic:
            self._send_email_receipt(msg_dict, signal)
        return signal

    def _message_key(self, message_id):
        """A keyed hash of the Message-Id: finds the same e-mail again
        (fetched twice) without keeping its id."""
        if not message_id:
            return ""
        return self._sign(f"message-id:{message_id.strip()}")

    def _send_email_receipt(self, msg_dict, signal):
        """The sender hears the reference, nothing else, once the signal is
        committed. The message is sent directly, not queued: no copy of the
        sender's address waits in the database."""
        sender = msg_dict.get("email_from") or ""
        if (
            not re.search(r"[^@\s<]+@[^@\s>]+", sender)
            or msg_dict.get("is_bounce")
            or re.search(r"mailer-daemon|no-?reply|postmaster", sender, re.I)
        ):
            return
        lang = self.company_id.partner_id.lang or "nl_NL"
        env = self.with_context(lang=lang).env
        alias = self.alias_email or self.company_id.email or ""
        subject = env._("Your report has been received: %s", signal.name)
        body = env._(
            "Thank you for your report to %(gemeente)s. It has been received "
            "under reference %(reference)s and will be assessed. Please quote "
            "this reference if you contact us about it.\n\nThis is an automatic "
            "reply; replies to it are not read.",
            gemeente=self.company_id.name,
            reference=signal.name,
        )
        message = self.env["ir.mail_server"].build_email(
            email_from=alias,
            email_to=[sender],
            subject=subject,
            body=body,
            headers={
                "Auto-Submitted": "auto-replied",
                "X-Auto-Response-Suppress": "All",
            },
        )
        registry = self.env.registry

        @self.env.cr.postcommit.add
        def send():
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["ir.mail_server"].send_email(message)
            except Exception:  # the report stands; the receipt is a courtesy
                _logger.warning(
                    "The automatic receipt of a report by e-mail could not be sent.",
                )
