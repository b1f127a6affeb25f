from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .. import stappenplan
from ..tools.crypto import EncryptedChar, EncryptedText


class OndermijningBronraadpleging(models.Model):
    """Stap 3: a municipal source the privacyfunctionaris allowed to be
    consulted for a signal, and what the consultation found (hit / no hit)."""

    _name = "ondermijning.bronraadpleging"
    _description = "Source consultation"
    _inherit = ["ondermijning.audit.mixin", "ondermijning.encryption.mixin"]
    _order = "id"
    _check_company_auto = True

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
    bron_id = fields.Many2one("ondermijning.bron", string="Source", required=True)
    # The privacyfunctionaris' decision
    legal_ground = EncryptedChar(required=True)
    approved_by_id = fields.Many2one(
        "res.users",
        string="Approved by",
        readonly=True,
        default=lambda self: self.env.user,
    )
    date_approved = fields.Datetime(
        string="Approved on", readonly=True, default=fields.Datetime.now
    )
    # The consultation
    state = fields.Selection(
        stappenplan.CONSULTATION_RESULTS,
        default="approved",
        required=True,
        readonly=True,
    )
    not_relevant_reason = fields.Selection(
        [
            ("te_oud", "The information is (too) old"),
            ("niet_relevant", "Not relevant for the signal"),
        ],
        string="Why not relevant",
        readonly=True,
        help="'(Te) oude informatie': no further information may be requested.",
    )
    is_hit = fields.Boolean(compute="_compute_is_hit", store=True)
    consulted_by_id = fields.Many2one("res.users", string="Consulted by", readonly=True)
    date_consulted = fields.Datetime(string="Consulted on", readonly=True)
    summary = EncryptedText(string="Hit summary")

    _sql_constraints = [
        (
            "bron_unique",
            "unique(signaal_id, bron_id)",
            "Each source is approved once per signal.",
        ),
    ]

    def _audit_owner(self):
        return [(self.sudo().signaal_id, "raadpleging_ids")]

    @api.depends("state")
    def _compute_is_hit(self):
        """Only a relevant hit counts for weging 4."""
        for consultation in self:
            consultation.is_hit = consultation.state == stappenplan.RELEVANT_HIT

    @api.model_create_multi
    def create(self, vals_list):
        """Only the privacyfunctionaris decides which sources may be consulted."""
        if not self.env.su and not self.env.user.has_group(
            "ondermijning_signalen.group_privacy"
        ):
            raise AccessError(
                self.env._(
                    "Only the privacyfunctionaris decides which sources may be "
                    "consulted."
                )
            )
        consultations = super().create(vals_list)
        for consultation in consultations:
            if (
                consultation.signaal_id.stage_code != stappenplan.BRONNEN
                or consultation.signaal_id.end_state
            ):
                raise ValidationError(
                    self.env._(
                        "Sources are approved for a signal in stap 3 (vervolganalyse)."
                    )
                )
        return consultations

    def action_record_hit(self):
        return self._record_result("hit")

    def action_record_too_old(self):
        return self._record_result("not_relevant", reason="te_oud")

    def action_record_not_relevant(self):
        return self._record_result("not_relevant", reason="niet_relevant")

    def action_record_no_hit(self):
        return self._record_result("no_hit")

    def _record_result(self, result, reason=False):
        """Hit, no hit, or found but not relevant / too old: "Onderdeel van de
        hit/no hit-check is te kijken of het om relevante informatie gaat"."""
        for consultation in self:
            consultation.check_access("write")
            if consultation.state != "approved":
                raise UserError(self.env._("This consultation already has a result."))
            if result == "hit" and not consultation.summary:
                raise UserError(self.env._("Summarise the hit before recording it."))
            consultation.sudo().write(
                {
                    "state": result,
                    "not_relevant_reason": reason,
                    "consulted_by_id": self.env.uid,
                    "date_consulted": fields.Datetime.now(),
                }
            )
        signals = self.mapped("signaal_id")
        signals._close_when_no_hit()
        signals._schedule_weging_activity()
        return True
