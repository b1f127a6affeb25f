from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.crypto import EncryptedChar, EncryptedText


class OndermijningMelding(models.Model):
    """What a melder (any employee) submits through 'Meld een vermoeden',
    and their receipt afterwards.

    The content goes into a new signal for the team; the melder keeps what
    they wrote (encrypted), the reference, the status and the conversation
    the handlers choose to have with them, never the handling of the case.
    The receipt's chatter only carries the server's notices (received,
    reply, handled), which name the reference and nothing else."""

    _name = "ondermijning.melding"
    _check_company_auto = True
    _description = "Melding (report of a suspicion)"
    _inherit = [
        "ondermijning.audit.mixin",
        "mail.thread",
        "ondermijning.encryption.mixin",
    ]
    _order = "id desc"

    name = fields.Char(string="Reference", readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        string="Melder",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    date = fields.Datetime(
        string="Reported on", readonly=True, default=fields.Datetime.now
    )
    categorie_id = fields.Many2one(
        "ondermijning.categorie",
        string="What is it about?",
        required=True,
        check_company=True,
    )
    date_facts = fields.Datetime(string="When did it happen?")
    place = EncryptedChar(
        string="Where did it happen?", help="Address or description of the place."
    )
    who = EncryptedText(
        string="Who or what is involved?",
        help="Names, companies, addresses or vehicles, as far as you know.",
    )
    description = EncryptedText(string="What did you notice?")
    signaal_id = fields.Many2one(
        "ondermijning.signaal",
        readonly=True,
        index=True,
        ondelete="cascade",
        groups="ondermijning_signalen.group_medewerker",
        check_company=True,
    )
    notitie_ids = fields.One2many(
        "ondermijning.notitie",
        "melding_id",
        string="Conversation",
        domain=[("kind", "in", ("aan_melder", "van_melder"))],
        readonly=True,
    )
    status = fields.Selection(
        [
            ("ontvangen", "Received"),
            ("in_behandeling", "Being handled"),
            ("afgehandeld", "Handled"),
        ],
        compute="_compute_status",
    )

    @api.constrains("date_facts")
    def _check_date_facts(self):
        for melding in self:
            if melding.date_facts and melding.date_facts > fields.Datetime.now():
                raise ValidationError(
                    self.env._("What you report cannot have happened in the future.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        meldingen = super().create(vals_list)
        for melding in meldingen:
            melding._transfer_to_signal()
        return meldingen

    def _transfer_to_signal(self):
        """Turn the report into a signal for the team and keep only a
        receipt for the melder."""
        self.ensure_one()
        description = "\n\n".join(
            filter(
                None,
                [self.description, self.who and self.env._("Involved: %s", self.who)],
            )
        )
        signal = (
            self.env["ondermijning.signaal"]
            .sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "company_id": self.company_id.id,
                    "melder_user_id": self.user_id.id,
                    "herkomst_id": self.env.ref(
                        "ondermijning_signalen.herkomst_meldpunt"
                    ).id,
                    "channel": "web",
                    "categorie_id": self.categorie_id.id,
                    "date_facts": self.date_facts,
                    "facts_location": self.place,
                    "description": description,
                    "user_id": False,
                }
            )
        )
        self.sudo().write({"name": signal.name, "signaal_id": signal.id})
        self._notify("received")

    def message_post(self, **kwargs):
        """The receipt carries the server's notices only: a melder adds to
        their report with 'Add information', which reaches the handlers
        encrypted."""
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Use 'Add information' to add to your report; messages cannot "
                    "be posted here."
                )
            )
        return super().message_post(**kwargs)

    def _add_information(self, text):
        """The melder adds to their report: a note on the signal for the
        handlers (encrypted) and a notice on the receipt."""
        self.ensure_one()
        if not (text or "").strip():
            raise UserError(self.env._("Write what you want to add."))
        if self.env.uid != self.user_id.id and not self.env.su:
            raise AccessError(self.env._("You can only add to your own report."))
        signal = self.sudo().signaal_id
        if not signal:
            raise UserError(self.env._("This report can no longer be added to."))
        self.env["ondermijning.notitie"].sudo().create(
            {
                "signaal_id": signal.id,
                "melding_id": self.id,
                "kind": "van_melder",
                "body": text,
            }
        )
        signal._notify_handlers_of_addition()
        self._notify("added")
        return True

    def action_add_information(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add information"),
            "res_model": "ondermijning.melding.aanvulling",
            "view_mode": "form",
            "target": "new",
            "context": {"default_melding_id": self.id},
        }

    def action_submit(self):
        """The form's send button: saving the form already turned the report
        into a signal; the form then shows the reference and the status."""
        self.ensure_one()
        return True

    @api.depends_context("uid")
    def _compute_status(self):
        for melding in self:
            melding.status = melding.sudo().signaal_id.melder_status or "ontvangen"

    def _notify(self, event):
        """Feedback to the melder: reference and status, never case details."""
        for melding in self:
            if event == "received":
                body = self.env._(
                    "Thank you. Your report %s has been received and will be assessed.",
                    melding.name,
                )
            elif event == "reply":
                body = self.env._(
                    "There is a reply to your report %s. Open the report to read it.",
                    melding.name,
                )
            elif event == "added":
                body = self.env._(
                    "Your addition to report %s has been passed on to the handlers.",
                    melding.name,
                )
            else:
                body = self.env._(
                    "Your report %s has been handled. For reasons of confidentiality "
                    "we cannot share how.",
                    melding.name,
                )
            melding.sudo().message_post(
                body=body,
                subject=self.env._("Your report %s", melding.name),
                message_type="notification",
                subtype_xmlid="mail.mt_comment",
                partner_ids=melding.user_id.partner_id.ids,
            )
