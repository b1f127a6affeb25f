from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import stappenplan
from ..tools.crypto import EncryptedText
from .ondermijning_guard_mixin import recording_process
from .ondermijning_signaal import CASE_GROUPS, OFFICIAL_GROUPS

CASUS_STATES = stappenplan.CASUS_STATE_CODES
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
        default=stappenplan.CASUS_ORDER[0],
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
    date_plan = fields.Datetime(
        string="Plan last changed",
        readonly=True,
        copy=False,
        help="Privacy check 2B comes after the approach is set: a check older "
        "than the plan does not count.",
    )
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
        """The number of signals the casus is built on, also for a reader
        who may see the casus but not each signal behind it (a partner sees
        a casus cleared for them, not its signals): the number belongs to
        the casus, the signals stay closed."""
        counts = {
            casus.id: count
            for casus, count in self.env["ondermijning.signaal"]
            .sudo()
            ._read_group([("casus_id", "in", self.ids)], ["casus_id"], ["__count"])
        }
        for casus in self:
            casus.signaal_count = counts.get(casus.id, 0)

    def write(self, vals):
        if "state" in vals:
            for casus in self:
                if casus.state != vals["state"]:
                    casus._check_state_gate(vals["state"], vals)
        stamped = {}
        if "plan_van_aanpak" in vals:
            if not self.env.su:
                self._check_process_fields(vals)
            stamped = {"date_plan": fields.Datetime.now()}
        with recording_process(stamped):
            result = super().write(dict(vals, **stamped))
        if vals.get("state") == stappenplan.CASUS_MONITORING:
            self._signals_to_monitoring()
        if vals.get("state") == stappenplan.CASUS_CLOSED:
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
        """What keeps the casus out of ``state``: the requirements of the
        states up to it (``stappenplan.CASUS_STATES``)."""
        self.ensure_one()
        if self.state == stappenplan.CASUS_CLOSED:
            return [self.env._("the casus is closed.")]
        problems = []
        for requirement in stappenplan.casus_requirements(state):
            problem = getattr(self, f"_casus_requires_{requirement}")(pending)
            if problem:
                problems.append(problem)
        return problems

    def _latest_check(self, kind):
        checks = self.sudo().weging_ids.filtered(lambda w: w.privacy_check == kind)
        return checks.sorted(lambda w: (w.date, w.id))[-1:]

    # What a state requires (``stappenplan.CASUS_STATES``).
    def _casus_requires_check_2a(self, pending):
        check = self._latest_check("2a")
        if not check:
            return self.env._("privacy check 2A (weging 5) is missing.")
        if not check.positive:
            return self.env._("privacy check 2A did not permit sharing the data.")

    def _casus_requires_plan(self, pending):
        if not pending.get("plan_van_aanpak", self.sudo().plan_van_aanpak):
            return self.env._("the plan van aanpak is empty.")

    def _casus_requires_interventions(self, pending):
        if not self.interventie_ids:
            return self.env._("the plan has no interventions.")

    def _casus_requires_check_2b(self, pending):
        """ "tot slot": privacy check 2B after the approach was set."""
        check = self._latest_check("2b")
        if not check:
            return self.env._(
                "privacy check 2B (weging 5) is missing: the privacyfunctionaris "
                "checks the data exchange the approach needs."
            )
        if not check.positive:
            return self.env._("privacy check 2B did not permit the data exchange.")
        if self.date_plan and check.date < self.date_plan:
            return self.env._(
                "the plan van aanpak changed after privacy check 2B: check again."
            )

    def _casus_requires_interventions_done(self, pending):
        if self.interventie_ids.filtered(lambda i: i.state in ("gepland", "lopend")):
            return self.env._("some interventions are still open.")

    def _casus_requires_result(self, pending):
        if not pending.get("result", self.result):
            return self.env._("record the result of the casus.")

    def _casus_requires_monitoring_until(self, pending):
        if not pending.get("monitoring_until", self.monitoring_until):
            return self.env._("set until when the casus is monitored.")

    def _casus_requires_monitoring_over(self, pending):
        until = fields.Date.to_date(
            pending.get("monitoring_until", self.monitoring_until)
        )
        if until and until > fields.Date.context_today(self):
            return self.env._("monitoring runs until %s.", until)

    def _on_privacy_check(self, weging):
        """Privacy check 2A sets what may be shared with whom."""
        if weging.privacy_check != "2a":
            return
        cleared = weging.positive
        self.sudo().write(
            {
                "cleared_afdeling_ids": [
                    fields.Command.set(weging.pc2a_afdeling_ids.ids if cleared else [])
                ],
                "cleared_partner_ids": [
                    fields.Command.set(weging.pc2a_partner_ids.ids if cleared else [])
                ],
            }
        )

    def _signals_to_monitoring(self):
        stage = self.env["ondermijning.signaal"]._stage(stappenplan.MONITORING)
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
        order = stappenplan.CASUS_ORDER
        for casus in self:
            if casus.state == stappenplan.CASUS_CLOSED:
                raise UserError(self.env._("%s is closed.", casus.name))
            casus.state = order[order.index(casus.state) + 1]
        return True

    def action_record_privacy_check(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Weging 5: privacy check"),
            "res_model": "ondermijning.weging",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_casus_id": self.id,
                "default_weging_type": "w5",
                "default_privacy_check": self.env.context.get("privacy_check", "2a"),
            },
        }
