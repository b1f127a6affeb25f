from odoo import api, fields, models

from ..tools.crypto import EncryptedChar, EncryptedText


class OndermijningMelding(models.Model):
    """What a melder (any employee) submits through 'Meld een vermoeden',
    and their receipt afterwards.

    The content goes straight into a new signal and is not kept here: the
    melder sees the reference, the date, the category and the status of
    their reports, never the handling of the case."""

    _name = "ondermijning.melding"
    _description = "Melding (report of a suspicion)"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _mail_post_access = "read"

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
        "ondermijning.categorie", string="What is it about?", required=True
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
    )
    status = fields.Selection(
        [
            ("ontvangen", "Received"),
            ("in_behandeling", "Being handled"),
            ("afgehandeld", "Handled"),
        ],
        compute="_compute_status",
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
        self.sudo().write(
            {
                "name": signal.name,
                "signaal_id": signal.id,
                "place": False,
                "who": False,
                "description": False,
            }
        )
        self._notify("received")

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
