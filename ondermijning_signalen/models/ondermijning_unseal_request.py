from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.crypto import EncryptedText

REQUEST_STATES = [
    ("requested", "Waiting for the privacyfunctionaris"),
    ("approved", "Approved: opened"),
    ("refused", "Refused"),
]


class OndermijningUnsealRequest(models.Model):
    """A request to open a sealed signal (a question of the data subject, a
    procedure): an official names the reference and the reason; the
    privacyfunctionaris approves (the signal opens to her through the seal's
    own logged mechanism, ``_unseal``) or refuses. The request says nothing
    of whether a signal by that reference exists: the requester does not
    see sealed signals."""

    _name = "ondermijning.unseal.request"
    _description = "Request to open a sealed signal"
    _inherit = ["ondermijning.encryption.mixin"]
    _order = "date desc, id desc"
    _rec_name = "reference"
    _check_company_auto = True

    reference = fields.Char(
        string="Signal reference", required=True, help="The reference of the signal."
    )
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    reason = EncryptedText(
        required=True,
        help="Why the signal must be opened. Logged with the opening, encrypted.",
    )
    requested_by_id = fields.Many2one(
        "res.users",
        string="Requested by",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(
        string="Requested on", required=True, readonly=True, default=fields.Datetime.now
    )
    state = fields.Selection(
        REQUEST_STATES, default="requested", required=True, readonly=True, index=True
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    date_decided = fields.Datetime(string="Decided on", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        """Requested in one's own name (the requester and state are process
        fields, which the guard keeps from the client), with a reason."""
        for vals in vals_list:
            if not (vals.get("reason") or "").strip():
                raise UserError(self.env._("State the reason for opening the signal."))
        return super().create(vals_list)

    def _decide(self, state):
        self.env["ondermijning.signaal"]._check_privacy()
        for request in self:
            if request.state != "requested":
                raise UserError(
                    self.env._(
                        "The request for %s was decided already.", request.reference
                    )
                )
        self.sudo().write(
            {
                "state": state,
                "decided_by_id": self.env.uid,
                "date_decided": fields.Datetime.now(),
            }
        )

    def action_approve(self):
        """Open the sealed signal by its reference, with the requester's
        reason in the audit log; then show it."""
        self.ensure_one()
        self.env["ondermijning.signaal"]._check_privacy()
        signal = (
            self.env["ondermijning.signaal"]
            .with_context(active_test=False)
            .search(
                [
                    ("name", "=", self.reference.strip()),
                    ("company_id", "=", self.company_id.id),
                    ("is_sealed", "=", True),
                ],
                limit=1,
            )
        )
        if not signal:
            raise UserError(
                self.env._("There is no sealed signal by that reference for you.")
            )
        reason = self.env._(
            "%(reason)s (request of %(user)s)",
            reason=self.reason,
            user=self.requested_by_id.name,
        )
        action = signal._unseal(reason)
        self._decide("approved")
        return action

    def action_refuse(self):
        self._decide("refused")
        return True
