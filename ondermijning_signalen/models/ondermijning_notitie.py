from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools.crypto import EncryptedText

# The records a note can belong to, by field.
PARENT_FIELDS = ("signaal_id", "casus_id", "overleg_id", "interventie_id")
NOTE_KINDS = [
    ("intern", "Internal note"),
    ("aan_melder", "To the reporter"),
    ("van_melder", "From the reporter"),
]


class OndermijningNotitie(models.Model):
    """What someone writes about a case: a note of a handler, a department's
    report back, a question to the reporter or the reporter's answer.

    Notes take the place of chatter messages on case records: the text and
    its documents are encrypted at rest, a note is never changed afterwards
    (a correction is a new note), and it is read only by those who may see
    the case's content (and, for the conversation with a reporter, by the
    reporter through their receipt)."""

    _name = "ondermijning.notitie"
    _description = "Note"
    _inherit = ["ondermijning.audit.mixin", "ondermijning.encryption.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    signaal_id = fields.Many2one(
        "ondermijning.signaal", index=True, ondelete="cascade", check_company=True
    )
    casus_id = fields.Many2one(
        "ondermijning.casus", index=True, ondelete="cascade", check_company=True
    )
    overleg_id = fields.Many2one(
        "ondermijning.overleg", index=True, ondelete="cascade", check_company=True
    )
    interventie_id = fields.Many2one(
        "ondermijning.interventie",
        string="Intervention",
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    melding_id = fields.Many2one(
        "ondermijning.melding",
        string="Report",
        index=True,
        ondelete="cascade",
        help="The reporter's receipt this note is exchanged with.",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        compute="_compute_company_id",
        store=True,
        index=True,
        precompute=True,
    )
    kind = fields.Selection(NOTE_KINDS, required=True, default="intern", index=True)
    body = EncryptedText(string="Note", required=True)
    author_id = fields.Many2one(
        "res.users",
        string="Written by",
        readonly=True,
        default=lambda self: self.env.user,
        groups="ondermijning_signalen.group_medewerker,"
        "ondermijning_signalen.group_afdeling",
    )
    author_display = fields.Char(string="By", compute="_compute_author_display")
    date = fields.Datetime(readonly=True, default=fields.Datetime.now, index=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "ondermijning_notitie_attachment_rel",
        "notitie_id",
        "attachment_id",
        string="Documents",
    )

    @api.depends(*PARENT_FIELDS, "melding_id")
    def _compute_company_id(self):
        for note in self:
            parent = note._parent()
            note.company_id = (
                parent.company_id if parent else note.melding_id.sudo().company_id
            )

    @api.depends("author_id", "kind")
    @api.depends_context("uid")
    def _compute_author_display(self):
        for note in self:
            if note.kind == "van_melder":
                note.author_display = self.env._("The reporter")
            else:
                note.author_display = note.company_id._ondermijning_official_name(
                    note.sudo().author_id
                )

    def _ondermijning_content_forbidden(self, operation="read"):
        """A note's documents are read with the note; only its author adds
        them (with the note), nobody changes them afterwards."""
        forbidden = super()._ondermijning_content_forbidden("read")
        if operation == "read" or self.env.su:
            return forbidden
        return forbidden | self.sudo().filtered(
            lambda note: note.author_id != self.env.user
        ).with_env(self.env)

    def _parent(self):
        self.ensure_one()
        for name in PARENT_FIELDS:
            if self[name]:
                return self[name]
        return None

    @api.model_create_multi
    def create(self, vals_list):
        notes = super().create(vals_list)
        for note in notes:
            note._check_parent()
        notes._link_documents()
        if not self.env.su:
            notes.filtered(lambda n: n.kind == "aan_melder")._tell_reporter()
        return notes

    def write(self, vals):  # pylint: disable=method-required-super
        """Notes are a record of what was said: never rewritten."""
        if not self.env.su:
            raise AccessError(
                self.env._("A note cannot be changed; write a new note instead.")
            )
        return super().write(vals)

    def _check_parent(self):
        """A note belongs to exactly one case record, which its author may
        read (and which is not sealed for them)."""
        self.ensure_one()
        parents = [self[name] for name in PARENT_FIELDS if self[name]]
        if len(parents) != 1:
            raise ValidationError(
                self.env._(
                    "A note belongs to one signal, casus, overleg or intervention."
                )
            )
        if self.kind == "aan_melder" and not self.melding_id:
            raise ValidationError(
                self.env._("This signal has no reporter to write to.")
            )
        if self.env.su:
            return
        parent = parents[0].with_env(self.env)
        parent.check_access("read")
        if parent._name == "ondermijning.signaal" and parent._sealed_closed():
            raise parent._seal_error(parent)
        if self.kind == "van_melder":
            raise AccessError(self.env._("Only the reporter adds to their report."))

    def _link_documents(self):
        """Documents uploaded with a note belong to it (encrypted with it)."""
        for note in self.sudo():
            note.attachment_ids.filtered(
                lambda a, note=note: not a.res_id or a.res_model != note._name
            ).write({"res_model": note._name, "res_id": note.id})

    def _tell_reporter(self):
        """The reporter hears that there is an answer, never what it is:
        they read it on their receipt."""
        for note in self:
            note.melding_id._notify("reply")

    def _audit_owner(self):
        notes = self.sudo()
        return [
            (notes.mapped(name), "notitie_ids")
            for name in PARENT_FIELDS
            if notes.mapped(name)
        ]

    @api.depends("kind", "date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for note in self:
            note.display_name = kinds.get(note.kind, "")
