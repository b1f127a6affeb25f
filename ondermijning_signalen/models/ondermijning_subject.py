import re

from odoo import api, fields, models

from ..tools import crypto, subject_keys
from ..tools.crypto import EncryptedChar


class OndermijningSubject(models.Model):
    """A person, company, address or object a signal is about.

    Identifying values are encrypted; a keyed hash of them (the match key)
    links signals about the same subject without storing it in clear."""

    _name = "ondermijning.subject"
    _check_company_auto = True
    _description = "Subject or object"
    _inherit = ["ondermijning.audit.mixin", "ondermijning.encryption.mixin"]
    _order = "id"

    signaal_id = fields.Many2one(
        "ondermijning.signaal",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="signaal_id.company_id", store=True, index=True
    )
    kind = fields.Selection(
        [
            ("persoon", "Person"),
            ("bedrijf", "Company"),
            ("adres", "Address"),
            ("object", "Object (BAG)"),
        ],
        required=True,
        default="persoon",
    )
    name = EncryptedChar(help="Name of the person, company or object.")
    birth_date = EncryptedChar(string="Date of birth")
    kvk_number = EncryptedChar(string="KvK number")
    address = EncryptedChar()
    bag_id = EncryptedChar(string="BAG id")
    match_key = fields.Char(
        compute="_compute_match_key", store=True, index=True, readonly=True
    )
    # Blind indexes the signal search matches a typed value against
    # (``ondermijning_signaal_search``): exact values only, never in clear.
    kvk_key = fields.Char(
        string="KvK search key", compute="_compute_search_keys", store=True, index=True
    )
    bag_key = fields.Char(
        string="BAG search key", compute="_compute_search_keys", store=True, index=True
    )
    postcode_key = fields.Char(
        string="Postcode search key",
        compute="_compute_search_keys",
        store=True,
        index=True,
    )
    person_key = fields.Char(
        string="Person search key",
        compute="_compute_search_keys",
        store=True,
        index=True,
    )
    earlier_count = fields.Integer(
        string="Earlier signals",
        compute="_compute_earlier_count",
        help="Earlier signals of this gemeente about the same subject or object.",
    )

    @api.depends("kind", "name", "birth_date", "kvk_number", "address", "bag_id")
    def _compute_match_key(self):
        for subject in self:
            identity = subject._identity()
            subject.match_key = identity and crypto.blind_index(
                self.env, f"subject-{subject.kind}", identity
            )

    @api.depends("kind", "name", "birth_date", "kvk_number", "address", "bag_id")
    def _compute_search_keys(self):
        for subject in self:
            values = subject_keys.subject_values(
                subject.kvk_number,
                subject.bag_id,
                subject.address,
                subject.name if subject.kind == "persoon" else False,
                subject.birth_date,
            )
            for scope, value in values.items():
                subject[f"{scope}_key"] = subject_keys.key(self.env, scope, value)

    def _identity(self):
        """The normalised value that identifies this subject."""

        def norm(value):
            return re.sub(r"[^0-9a-z]", "", (value or "").lower())

        if self.kind == "bedrijf" and norm(self.kvk_number):
            return norm(self.kvk_number)
        if self.kind == "object" and norm(self.bag_id):
            return norm(self.bag_id)
        if self.kind in ("adres", "object") and norm(self.address):
            return norm(self.address)
        if self.kind == "persoon" and norm(self.name):
            return f"{norm(self.name)}|{norm(self.birth_date)}"
        if self.kind == "bedrijf" and norm(self.name):
            return norm(self.name)
        return False

    @api.depends("match_key")
    def _compute_earlier_count(self):
        for subject in self:
            if not subject.match_key or not subject.signaal_id.id:
                subject.earlier_count = 0
                continue
            subject.earlier_count = self.env["ondermijning.signaal"].search_count(
                [
                    ("id", "!=", subject.signaal_id.id),
                    ("company_id", "=", subject.signaal_id.company_id.id),
                    ("date_received", "<=", subject.signaal_id.date_received),
                    ("subject_ids.match_key", "=", subject.match_key),
                ]
            )

    def _audit_owner(self):
        return [(self.sudo().signaal_id, "subject_ids")]

    @api.depends("kind")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for subject in self:
            subject.display_name = labels.get(subject.kind, "")
