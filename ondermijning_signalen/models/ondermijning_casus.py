from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.crypto import EncryptedText
from .ondermijning_signaal import CASE_GROUPS, OFFICIAL_GROUPS

CASUS_STATES = [
    ("privacycheck", "Privacy check"),
    ("plan", "Plan van aanpak"),
    ("uitvoering", "Uitvoering"),
    ("monitoring", "Monitoring"),
    ("afgesloten", "Afgesloten"),
]
CASUS_RESULTS = [
    ("bereikt", "Goal achieved"),
    ("deels", "Partly achieved"),
    ("niet", "Not achieved"),
    ("riec", "Handed over to the RIEC"),
]


class OndermijningCasus(models.Model):
    """Stap 4: a casus under regie of the ondermijningsteam, built on one
    or more signals, with privacy checks 2A/2B (weging 5), a plan van
    aanpak, interventions, a result and a monitoring period."""

    _name = "ondermijning.casus"
    _description = "Casus"
    _inherit = ["ondermijning.case.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        compute="_compute_reference",
        store=True,
        precompute=True,
        readonly=True,
        copy=False,
        index="trigram",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True)
    state = fields.Selection(
        CASUS_STATES,
        default="privacycheck",
        required=True,
        index=True,
        tracking=True,
        group_expand=True,
        copy=False,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Regisseur",
        tracking=True,
        default=lambda self: self.env.user,
        groups=OFFICIAL_GROUPS,
        domain="[('share', '=', False)]",
    )
    handler_display = fields.Char(
        string="Handled by", compute="_compute_handler_display"
    )
    signaal_ids = fields.One2many("ondermijning.signaal", "casus_id", string="Signals")
    signaal_count = fields.Integer(compute="_compute_signaal_count")
    overleg_ids = fields.Many2many(
        "ondermijning.overleg",
        "ondermijning_casus_ondermijning_overleg_rel",
        "ondermijning_casus_id",
        "ondermijning_overleg_id",
        string="Overleggen",
        copy=False,
    )
    weging_ids = fields.One2many(
        "ondermijning.weging",
        "casus_id",
        string="Privacy checks",
        groups="ondermijning_signalen.group_medewerker",
    )
    cleared_afdeling_ids = fields.Many2many(
        "ondermijning.afdeling",
        "ondermijning_casus_cleared_afdeling_rel",
        string="Departments cleared (2A)",
        readonly=True,
        copy=False,
    )
    cleared_partner_ids = fields.Many2many(
        "res.partner",
        "ondermijning_casus_cleared_partner_rel",
        string="Partners cleared (2A)",
        readonly=True,
        copy=False,
    )
    plan_van_aanpak = EncryptedText(string="Plan van aanpak", groups=CASE_GROUPS)
    notitie_ids = fields.One2many(
        "ondermijning.notitie", "casus_id", string="Notes", groups=OFFICIAL_GROUPS
    )
    interventie_ids = fields.One2many(
        "ondermijning.interventie", "casus_id", string="Interventions"
    )
    result = fields.Selection(CASUS_RESULTS, tracking=True, copy=False)
    result_note = EncryptedText(string="Result description", groups=CASE_GROUPS)
    monitoring_until = fields.Date(tracking=True, copy=False)
    date_closed = fields.Datetime(readonly=True, copy=False)

    @api.depends()
    def _compute_reference(self):
        """C + the gemeente's next signal reference, made once."""
        for casus in self:
            if not casus.name:
                casus.name = "C" + self.env["ondermijning.signaal"]._next_reference(
                    casus.company_id or self.env.company
                )

    @api.depends("user_id", "company_id")
    @api.depends_context("uid")
    def _compute_handler_display(self):
        for casus in self:
            casus.handler_display = casus.company_id._ondermijning_official_name(
                casus.sudo().user_id
            )

    @api.depends("signaal_ids")
    def _compute_signaal_count(self):
        for casus in self:
            casus.signaal_count = len(casus.signaal_ids)

    def write(self, vals):
        if "state" in vals:
            for casus in self:
                if casus.state != vals["state"]:
                    casus._check_state_gate(vals["state"], vals)
        result = super().write(vals)
        if vals.get("state") == "monitoring":
            self._signals_to_monitoring()
        if vals.get("state") == "afgesloten":
            self._close_signals()
        return result

    def _check_state_gate(self, state, pending):
        problems = self._state_gate_problems(state, pending)
        if problems:
            label = dict(self._fields["state"]._description_selection(self.env))[state]
            raise UserError(
                self.env._(
                    "%(casus)s cannot move to %(state)s: %(problems)s",
                    casus=self.name,
                    state=label,
                    problems=" ".join(problems),
                )
            )

    def _state_gate_problems(self, state, pending):
        self.ensure_one()
        order = [code for code, _label in CASUS_STATES]
        if self.state == "afgesloten":
            return [self.env._("the casus is closed.")]
        target = order.index(state)
        problems = []
        if target >= order.index("plan"):
            check = self.sudo().weging_ids.sorted(lambda w: (w.date, w.id))[-1:]
            if not check:
                problems.append(
                    self.env._("privacy checks 2A/2B (weging 5) are missing.")
                )
            elif not check.positive:
                problems.append(self.env._("weging 5 did not permit sharing the data."))
        if target >= order.index("uitvoering"):
            if not pending.get("plan_van_aanpak", self.sudo().plan_van_aanpak):
                problems.append(self.env._("the plan van aanpak is empty."))
            if not self.interventie_ids:
                problems.append(self.env._("the plan has no interventions."))
        if target >= order.index("monitoring"):
            if self.interventie_ids.filtered(
                lambda i: i.state in ("gepland", "lopend")
            ):
                problems.append(self.env._("some interventions are still open."))
            if not pending.get("result", self.result):
                problems.append(self.env._("record the result of the casus."))
            if not pending.get("monitoring_until", self.monitoring_until):
                problems.append(self.env._("set until when the casus is monitored."))
        if state == "afgesloten":
            until = fields.Date.to_date(
                pending.get("monitoring_until", self.monitoring_until)
            )
            if until and until > fields.Date.context_today(self):
                problems.append(self.env._("monitoring runs until %s.", until))
        return problems

    def _on_privacy_check(self, weging):
        """Weging 5 sets what may be shared with whom (privacy check 2A)."""
        self.sudo().write(
            {
                "cleared_afdeling_ids": [
                    fields.Command.set(weging.pc2a_afdeling_ids.ids)
                ],
                "cleared_partner_ids": [
                    fields.Command.set(weging.pc2a_partner_ids.ids)
                ],
            }
        )

    def _signals_to_monitoring(self):
        stage = self.env["ondermijning.stage"].search(
            [("code", "=", "monitoring")], limit=1
        )
        for casus in self:
            casus.sudo().signaal_ids.filtered(lambda s: not s.end_state).write(
                {"stage_id": stage.id}
            )

    def _close_signals(self):
        for casus in self:
            casus.sudo().date_closed = fields.Datetime.now()
            results = dict(self._fields["result"]._description_selection(self.env))
            label = results.get(casus.result, "")
            casus.sudo().signaal_ids.filtered(lambda s: not s.end_state)._end(
                "casus_afgesloten",
                self.env._(
                    "Casus %(casus)s closed: %(result)s", casus=casus.name, result=label
                ),
            )

    def action_next_state(self):
        order = [code for code, _label in CASUS_STATES]
        for casus in self:
            if casus.state == "afgesloten":
                raise UserError(self.env._("%s is closed.", casus.name))
            casus.state = order[order.index(casus.state) + 1]
        return True

    def action_record_privacy_check(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Weging 5: privacy checks 2A/2B"),
            "res_model": "ondermijning.weging",
            "view_mode": "form",
            "target": "new",
            "context": {"default_casus_id": self.id, "default_weging_type": "w5"},
        }
