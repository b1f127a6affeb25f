from odoo import fields, models


class OndermijningMelding(models.Model):
    """A report from outside Odoo keeps its receipt here as well, without a
    user: the reporter holds a receipt code and a secret (of which only a
    slow hash is stored) and reads the status and the handler's messages on
    the meldpunt's status page. The conversation is the same as with an
    employee who reported: notes of kind 'to the reporter' and 'from the
    reporter' on the signal, linked to this receipt."""

    _inherit = "ondermijning.melding"

    user_id = fields.Many2one(required=False)
    meldpunt_id = fields.Many2one(
        "ondermijning.meldpunt",
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    channel = fields.Selection(
        [("intern", "Employee"), ("web", "Public page"), ("email", "E-mail")],
        string="Reported through",
        default="intern",
        readonly=True,
    )
    anonymous = fields.Boolean(readonly=True)
    receipt_code = fields.Char(
        readonly=True, copy=False, index=True, groups="base.group_system"
    )
    receipt_secret_hash = fields.Char(
        readonly=True, copy=False, groups="base.group_system"
    )

    _sql_constraints = [
        (
            "receipt_code_unique",
            "unique(receipt_code)",
            "A receipt code is given once.",
        ),
    ]

    def _notify(self, event):
        """A reporter from outside has no inbox: they read their status
        page. Employees keep their notices."""
        return super(OndermijningMelding, self.filtered("user_id"))._notify(event)
