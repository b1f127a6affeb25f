from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools.crypto import EncryptedChar, EncryptedText
from .ondermijning_weging_uitkomst import WEGING_TYPES

# The step a signal must be in for each weging, and the role that records it.
WEGING_STEP = {
    "w1": "stap1",
    "w2a": "stap1",
    "w2b": "stap1",
    "w3": "stap2",
    "beslis": "stap2",
    "w4": "stap3",
}
WEGING_GROUP = {
    "w1": "ondermijning_signalen.group_medewerker",
    "w2a": "ondermijning_signalen.group_medewerker",
    "w2b": "ondermijning_signalen.group_medewerker",
    "w3": "ondermijning_signalen.group_medewerker",
    "beslis": "ondermijning_signalen.group_team",
    "w4": "ondermijning_signalen.group_team",
    "w5": "ondermijning_signalen.group_privacy",
}
REGISTERS = [
    ("brp", "BRP"),
    ("bag", "BAG"),
    ("kvk", "KvK (Handelsregister)"),
    ("kadaster", "Kadaster"),
    ("overig", "Other public source"),
]


class OndermijningWeging(models.Model):
    """One weging of the stappenplan: outcome, motivation, who and when.

    A weging is never edited afterwards: a new assessment is a new record,
    so the history of every decision stays visible."""

    _name = "ondermijning.weging"
    _description = "Weging"
    _inherit = ["ondermijning.audit.mixin", "ondermijning.encryption.mixin"]
    _order = "date desc, id desc"
    _rec_name = "weging_type"
    _check_company_auto = True

    # auto_join: the record rule ('|', no signal, signal not sealed) becomes a
    # join on the weging's own signal. Without it, the OR keeps PostgreSQL
    # from a semi-join and it hashes the ids of every unsealed signal for
    # each read (tools/bench.py: a signal form 0.21 s at 10^5 signals, of
    # which 55 ms for its wegingen). The weging's rules still apply.
    signaal_id = fields.Many2one(
        "ondermijning.signaal",
        index=True,
        ondelete="cascade",
        check_company=True,
        auto_join=True,
    )
    casus_id = fields.Many2one(
        "ondermijning.casus", index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    weging_type = fields.Selection(WEGING_TYPES, string="Weging", required=True)
    uitkomst_id = fields.Many2one(
        "ondermijning.weging.uitkomst",
        string="Outcome",
        required=True,
        ondelete="restrict",
        domain="[('weging_type', '=', weging_type)]",
    )
    uitkomst_code = fields.Char(related="uitkomst_id.code")
    positive = fields.Boolean(related="uitkomst_id.positive", store=True)
    needs_referral = fields.Boolean(related="uitkomst_id.needs_referral")
    needs_afdeling = fields.Boolean(related="uitkomst_id.needs_afdeling")
    motivation = EncryptedText(required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    # Weging 1: the checklist
    indicator_ids = fields.Many2many(
        "ondermijning.indicator",
        "ondermijning_weging_verankering_rel",
        string="Verankering",
        domain="[('kind', '=', 'verankering')]",
    )
    signalering_ids = fields.Many2many(
        "ondermijning.indicator",
        "ondermijning_weging_signalering_rel",
        string="Red flags",
        domain="[('kind', '=', 'signalering')]",
    )
    # Weging 2B: which register answered it
    register = fields.Selection(REGISTERS, string="Register consulted")
    # Weging 3: the criteria of the gemeente's policy
    is_concrete = fields.Boolean(string="Concrete enough")
    is_recent = fields.Boolean(string="Recent")
    is_trend = fields.Boolean(string="Part of a trend or phenomenon")
    # Outcomes that end or route the signal
    referred_to = EncryptedChar(help="Instantie or gemeente the signal is referred to.")
    afdeling_id = fields.Many2one(
        "ondermijning.afdeling", string="Department", check_company=True
    )
    # Weging 5: privacy checks 2A and 2B on a casus
    pc2a_afdeling_ids = fields.Many2many(
        "ondermijning.afdeling",
        "ondermijning_weging_pc2a_rel",
        string="2A: departments",
        help="Departments that may receive data from stappen 1-3.",
    )
    pc2a_partner_ids = fields.Many2many(
        "res.partner",
        "ondermijning_weging_pc2a_partner_rel",
        string="2A: overleg partners",
        help="Partner organisations that may see this casus in an overleg.",
    )
    pc2a_data = EncryptedText(string="2A: data that may be shared")
    pc2b_exchange = EncryptedText(string="2B: data exchange the approach needs")
    pc2b_permitted = fields.Boolean(string="2B: exchange permitted")

    @api.depends("signaal_id", "casus_id")
    def _compute_company_id(self):
        for weging in self:
            weging.company_id = (
                weging.signaal_id.company_id
                or weging.casus_id.company_id
                or weging.company_id
                or self.env.company
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not (vals.get("motivation") or "").strip():
                raise ValidationError(self.env._("Every weging needs a motivation."))
        wegingen = super().create(vals_list)
        for weging in wegingen:
            weging._check_may_record()
            weging._apply_outcome()
        return wegingen

    def write(self, vals):  # pylint: disable=method-required-super
        """Wegingen are a record of decisions: never rewritten."""
        raise AccessError(
            self.env._(
                "A weging cannot be changed once recorded; record a new weging instead."
            )
        )

    def _check_may_record(self):
        """Who may record which weging, and in which step of the signal."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(
            WEGING_GROUP[self.weging_type]
        ):
            raise AccessError(self.env._("You may not record %s.", self._type_label()))
        if self.weging_type == "w5":
            if not self.casus_id:
                raise ValidationError(self.env._("Weging 5 is recorded on a casus."))
            return
        signal = self.signaal_id
        if not signal:
            raise ValidationError(self.env._("A weging belongs to a signal."))
        if signal.end_state:
            raise ValidationError(
                self.env._("%s has ended; no weging can be added.", signal.name)
            )
        if signal.stage_code != WEGING_STEP[self.weging_type]:
            raise ValidationError(
                self.env._(
                    "%(weging)s is recorded in %(step)s; %(signal)s is in %(stage)s.",
                    weging=self._type_label(),
                    step=dict(
                        signal._fields["stage_code"]._description_selection(self.env)
                    )[WEGING_STEP[self.weging_type]],
                    signal=signal.name,
                    stage=signal.stage_id.name,
                )
            )

    @api.constrains(
        "weging_type",
        "uitkomst_id",
        "indicator_ids",
        "register",
        "referred_to",
        "afdeling_id",
        "is_concrete",
        "is_recent",
        "is_trend",
    )
    def _check_outcome(self):
        for weging in self:
            if weging.uitkomst_id.weging_type != weging.weging_type:
                raise ValidationError(
                    self.env._("The outcome does not belong to this weging.")
                )
            if (
                weging.weging_type == "w1"
                and weging.positive
                and not weging.indicator_ids
            ):
                raise ValidationError(
                    self.env._(
                        "Weging 1 can only conclude ondermijning with at least "
                        "one indicator of situationele en lokale verankering."
                    )
                )
            if weging.weging_type == "w2b" and not weging.register:
                raise ValidationError(
                    self.env._(
                        "Weging 2B must say which register answered it "
                        "(BRP, BAG, KvK, Kadaster)."
                    )
                )
            if weging.needs_referral and not weging.referred_to:
                raise ValidationError(
                    self.env._("Say to which instantie or gemeente it is referred.")
                )
            if weging.needs_afdeling and not weging.afdeling_id:
                raise ValidationError(
                    self.env._("Name the department that takes regie.")
                )
            if (
                weging.weging_type == "beslis"
                and weging.uitkomst_code == "vervolganalyse"
            ):
                w3 = weging.signaal_id._latest_weging("w3")
                if not w3.positive:
                    raise ValidationError(
                        self.env._(
                            "A vervolganalyse needs a weging 3 that found the "
                            "signal heavy enough."
                        )
                    )
            if (
                weging.weging_type == "w4"
                and not weging.signaal_id.sudo().raadpleging_ids.filtered("is_hit")
            ):
                raise ValidationError(
                    self.env._("Weging 4 weighs the hits: there is no hit.")
                )

    def _apply_outcome(self):
        """What the outcome means for the signal or casus."""
        self.ensure_one()
        outcome = self.uitkomst_id
        if self.weging_type == "w5":
            self.casus_id._on_privacy_check(self)
            return
        signal = self.signaal_id
        if self.weging_type == "w4" and outcome.code == "casusoverleg":
            signal._open_casus()
        if outcome.end_state:
            signal._end(
                outcome.end_state,
                self.motivation,
                referred_to=self.referred_to,
                afdeling=self.afdeling_id,
            )
        signal._schedule_weging_activity()

    def _audit_owner(self):
        wegingen = self.sudo()
        return [
            (wegingen.signaal_id, "weging_ids"),
            (wegingen.filtered(lambda w: not w.signaal_id).casus_id, "weging_ids"),
        ]

    def _type_label(self):
        return dict(self._fields["weging_type"]._description_selection(self.env))[
            self.weging_type
        ]

    @api.depends("weging_type", "date")
    def _compute_display_name(self):
        for weging in self:
            weging.display_name = weging._type_label() if weging.weging_type else ""
