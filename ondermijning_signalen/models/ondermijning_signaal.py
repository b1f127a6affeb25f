"""The signal (``ondermijning.signaal``): its fields, its moves along the
stappenplan and its board.

Over 450 lines because the signal is the product's central record: about a
hundred fields that the views, the record rules and the reports name, and
the moves between the steps, which must stay together to be read as one
process. What could live apart does: the steps' rules in ``stappenplan.py``,
the seal and access in ``ondermijning_signaal_access.py``, retention in
``ondermijning_signaal_retention.py``, the trace in
``ondermijning_signaal_spoor.py``."""

import contextlib
import contextvars
import uuid
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.sql import create_index

from .. import stappenplan
from ..stappenplan import END_STATES
from ..tools.crypto import EncryptedChar, EncryptedText
from .ondermijning_case_mixin import OFFICIAL_GROUPS, STAFF_GROUP
from .ondermijning_guard_mixin import recording_process

# A trial (the preview of an import, rolled back) takes no references: the
# register's sequence is PostgreSQL's, which a rollback does not give back.
# A context variable, not a context key: nobody sets it from outside.
_TRIAL = contextvars.ContextVar("ondermijning_trial", default=False)


@contextlib.contextmanager
def trial_registration():
    """Signals created inside are rolled back by the caller: they get a
    placeholder reference instead of the gemeente's next number."""
    token = _TRIAL.set(True)
    try:
        yield
    finally:
        _TRIAL.reset(token)


# Fields about the case itself: readable by those who handle or discuss
# signals, never by a melder or by a beheerder on the strength of that role.
CASE_GROUPS = (
    "ondermijning_signalen.group_medewerker,"
    "ondermijning_signalen.group_overleg,"
    "ondermijning_signalen.group_afdeling"
)
# Signals are registered since this day; an earlier date is a typing error.
EARLIEST_RECEIVED = datetime(2000, 1, 1)
# Clocks of the reporting systems may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)
CHANNELS = [
    ("telefoon", "Telefoon"),
    ("email", "E-mail"),
    ("web", "Web"),
    ("balie", "Balie"),
    ("mma_platform", "MMA-platform"),
    ("post", "Post"),
    ("overig", "Overig"),
]


class OndermijningSignaal(models.Model):
    """A signal of ondermijning, taken through the CCV stappenplan.

    Every change of step goes through ``write`` and is checked against the
    wegingen the step needs, whether it comes from the board, a button, an
    import or a scheduled action."""

    _name = "ondermijning.signaal"
    _description = "Signaal"
    _inherit = ["ondermijning.case.mixin"]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _audit_content_fields = ("melder_user_id", "date_facts")

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
    date_received = fields.Datetime(
        string="Received",
        required=True,
        default=fields.Datetime.now,
        index=True,
    )
    herkomst_id = fields.Many2one(
        "ondermijning.herkomst",
        string="Source",
        required=True,
        index=True,
        default=lambda self: self.env.ref(
            "ondermijning_signalen.herkomst_meldpunt", raise_if_not_found=False
        ),
    )
    herkomst_code = fields.Char(related="herkomst_id.code", string="Source code")
    channel = fields.Selection(CHANNELS, required=True, default="web")
    melder_user_id = fields.Many2one(
        "res.users",
        string="Melder",
        index=True,
        copy=False,
        groups=STAFF_GROUP,
        help="The employee who reported the signal; empty when anonymous or external.",
    )
    melder_contact = EncryptedText(
        string="Reporter contact details",
        groups=STAFF_GROUP,
        help="Contact details of an external reporter (encrypted).",
    )
    categorie_id = fields.Many2one(
        "ondermijning.categorie",
        string="Category",
        required=True,
        index=True,
        check_company=True,
    )
    date_facts = fields.Datetime(string="Date of the facts", groups=CASE_GROUPS)
    facts_location = EncryptedChar(
        string="Place of the facts",
        groups=CASE_GROUPS,
        help="Address or description of the place (encrypted).",
    )
    wijk_id = fields.Many2one(
        "ondermijning.wijk",
        index=True,
        check_company=True,
    )
    description = EncryptedText(groups=CASE_GROUPS)
    subject_ids = fields.One2many(
        "ondermijning.subject",
        "signaal_id",
        string="Subjects and objects",
        groups=CASE_GROUPS,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        tracking=True,
        index=True,
        default=lambda self: self.env.user,
        groups=OFFICIAL_GROUPS,
        domain="[('share', '=', False)]",
    )
    handler_display = fields.Char(
        string="Handled by",
        compute="_compute_handler_display",
        groups=CASE_GROUPS,
    )
    date_deadline = fields.Date(string="Deadline", tracking=True, index=True)
    stage_id = fields.Many2one(
        "ondermijning.stage",
        required=True,
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
        default=lambda self: self._default_stage(),
    )
    stage_code = fields.Selection(
        related="stage_id.code", string="Step", store=True, index=True
    )
    date_stap2 = fields.Datetime(string="Entered stap 2", readonly=True, copy=False)
    date_stap3 = fields.Datetime(string="Entered stap 3", readonly=True, copy=False)
    date_stap4 = fields.Datetime(string="Entered stap 4", readonly=True, copy=False)
    date_monitoring = fields.Datetime(
        string="Entered monitoring", readonly=True, copy=False
    )
    # MMA
    mma_number = fields.Char(string="MMA report number", index=True, copy=False)
    mma_date_received = fields.Date(string="MMA received")
    mma_date_opened = fields.Date(string="MMA opened")
    mma_discipline = fields.Selection(
        [("mono", "Monodisciplinair"), ("multi", "Multidisciplinair")],
        string="Mono/multi",
    )
    bt_tafel_date = fields.Date(string="Brought into BT-ondermijningstafel")
    mma_follow_up = fields.Selection(
        [
            ("geen_actie", "Geen actie"),
            ("gemeente", "Opgepakt door gemeente (mono)"),
            ("bt_tafel", "Ingebracht in BT-ondermijningstafel"),
            ("politie", "Overgelaten aan politie"),
            ("riec", "Ingebracht bij RIEC"),
            ("overig", "Overig"),
        ],
        string="MMA result / follow-up",
    )
    mma_duplicate_count = fields.Integer(compute="_compute_mma_duplicate_count")
    mma_bt_tafel_missing = fields.Boolean(
        string="Multidisciplinary, not yet at the BT-tafel",
        compute="_compute_mma_bt_tafel_missing",
        search="_search_mma_bt_tafel_missing",
        help="A multidisciplinary MMA report belongs on the agenda of the "
        "BT-ondermijningstafel.",
    )
    campagne_ids = fields.Many2many(
        "ondermijning.campagne",
        "ondermijning_campagne_signaal_rel",
        string="Campaigns",
        check_company=True,
        help="Campaigns (e.g. an MMA campaign) this signal came in during or through.",
    )
    is_priority = fields.Boolean(
        string="Priority",
        related="categorie_id.is_priority",
        store=True,
        index=True,
        help="The category is one of the gemeente's priorities.",
    )
    mma_registered_late = fields.Boolean(
        string="Registered late",
        compute="_compute_mma_registered_late",
        store=True,
        help="The MMA report was registered later than the gemeente's term "
        "after opening it.",
    )
    # Process
    weging_ids = fields.One2many(
        "ondermijning.weging",
        "signaal_id",
        string="Wegingen",
        groups=STAFF_GROUP,
    )
    raadpleging_ids = fields.One2many(
        "ondermijning.bronraadpleging",
        "signaal_id",
        string="Source consultations",
        groups=STAFF_GROUP,
    )
    overleg_ids = fields.Many2many(
        "ondermijning.overleg",
        "ondermijning_overleg_ondermijning_signaal_rel",
        "ondermijning_signaal_id",
        "ondermijning_overleg_id",
        string="Overleggen",
        copy=False,
    )
    next_weging = fields.Selection(
        selection=lambda self: (
            self.env["ondermijning.weging"]._fields["weging_type"].selection
        ),
        string="Next weging",
        compute="_compute_next_weging",
    )
    casus_id = fields.Many2one(
        "ondermijning.casus",
        index=True,
        check_company=True,
        copy=False,
        groups=CASE_GROUPS,
    )
    afdeling_id = fields.Many2one(
        "ondermijning.afdeling",
        string="Department with regie",
        index=True,
        check_company=True,
        copy=False,
    )
    end_state = fields.Selection(
        END_STATES, index=True, copy=False, readonly=True, tracking=True
    )
    date_end = fields.Datetime(string="Ended", readonly=True, copy=False)
    end_reason = EncryptedText(
        string="Reason for ending", readonly=True, groups=CASE_GROUPS
    )
    referred_to = EncryptedChar(
        string="Referred to",
        copy=False,
        groups=CASE_GROUPS,
        help="The instantie or gemeente the signal was referred to.",
    )
    notitie_ids = fields.One2many(
        "ondermijning.notitie", "signaal_id", string="Notes", groups=OFFICIAL_GROUPS
    )
    melding_ids = fields.One2many(
        "ondermijning.melding", "signaal_id", string="Reports", groups=STAFF_GROUP
    )
    has_reporter = fields.Boolean(
        string="Reporter can be answered",
        compute="_compute_has_reporter",
        groups=STAFF_GROUP,
    )
    melder_status = fields.Selection(
        [
            ("ontvangen", "Received"),
            ("in_behandeling", "Being handled"),
            ("afgehandeld", "Handled"),
        ],
        string="Status",
        compute="_compute_melder_status",
    )
    age_days = fields.Integer(
        string="Age (days)",
        compute="_compute_age_days",
        help="Days since the signal was received.",
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )
    can_step_on = fields.Boolean(
        compute="_compute_can_step_on",
        help="The button 'Next step' moves the signal on (stap 4 and further "
        "follow its casus).",
    )
    may_decide_no_sources = fields.Boolean(compute="_compute_can_step_on")
    earlier_signal_count = fields.Integer(
        string="Earlier signals",
        compute="_compute_earlier_signals",
        groups=CASE_GROUPS,
    )

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(company_id, name)",
            "The reference of a signal is unique within a gemeente.",
        ),
    ]

    def init(self):
        result = super().init()
        # The board: the open signals of a gemeente per stage, newest first
        # (its count per stage, each column's first cards and their count).
        # Open signals are a few percent of all, so the index stays small;
        # without it each of these queries sifts the gemeente's closed
        # signals too (tools/bench.py: board 0.30 s at 10^6 signals).
        create_index(
            self.env.cr,
            "ondermijning_signaal_board_idx",
            self._table,
            ["company_id", "stage_id", "date_received DESC", "id DESC"],
            where="end_state IS NULL",
        )
        # The board of those who see the signals on their agendas (overleg
        # partners): the record rule's semi-join walks every signal ever on
        # their agendas and asks of each whether it is open, in the stage,
        # of the gemeente. Against this index (open signals only, with what
        # the board filters and sorts on) a closed one is one probe of a
        # small index instead of a read of its row (issue 16: at 10^5
        # signals a column's cards 52-62 ms -> 2-30 ms in EXPLAIN ANALYZE).
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS ondermijning_signaal_open_idx "
            "ON ondermijning_signaal (id) "
            "INCLUDE (company_id, stage_id, date_received, is_sealed, active) "
            "WHERE end_state IS NULL"
        )
        return result

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    def _default_stage(self):
        return self._stage(stappenplan.FIRST_STEP)

    @api.model
    def _stage(self, code):
        return self.env["ondermijning.stage"].search([("code", "=", code)], limit=1)

    @api.depends()
    def _compute_reference(self):
        """Reference per gemeente and year of receipt, made once when the
        signal is registered, by the gemeente's sequence only."""
        for signal in self:
            if not signal.name and _TRIAL.get():
                signal.name = f"trial-{uuid.uuid4().hex[:12]}"
            elif not signal.name:
                signal.name = self._next_reference(
                    signal.company_id or self.env.company, signal.date_received
                )

    @api.depends("melding_ids")
    def _compute_has_reporter(self):
        for signal in self:
            signal.has_reporter = bool(signal.sudo().melding_ids)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        """Every step of the stappenplan is a column, even when empty."""
        return stages.search([("code", "!=", False)])

    @api.depends("user_id", "company_id")
    @api.depends_context("uid")
    def _compute_handler_display(self):
        for signal in self:
            signal.handler_display = signal.company_id._ondermijning_official_name(
                signal.sudo().user_id
            )

    @api.depends("mma_number", "company_id")
    def _compute_mma_duplicate_count(self):
        for signal in self:
            signal.mma_duplicate_count = signal.mma_number and self.search_count(
                signal._mma_duplicate_domain()
            )

    def _mma_duplicate_domain(self):
        self.ensure_one()
        domain = [
            ("mma_number", "=", self.mma_number.strip()),
            ("company_id", "=", self.company_id.id),
            ("active", "in", [True, False]),
        ]
        if self._origin.id:
            domain.append(("id", "!=", self._origin.id))
        return domain

    @api.depends(
        "mma_date_opened", "date_received", "company_id.ondermijning_mma_register_days"
    )
    def _compute_mma_registered_late(self):
        """Registered = received into this system (for an imported register:
        the date it was received then, so history is not flagged late)."""
        for signal in self:
            registered = fields.Date.to_date(
                signal.date_received or fields.Date.today()
            )
            term = signal.company_id.ondermijning_mma_register_days
            signal.mma_registered_late = bool(
                signal.mma_date_opened
                and (registered - signal.mma_date_opened).days > term
            )

    @api.depends("mma_discipline", "bt_tafel_date", "herkomst_code")
    def _compute_mma_bt_tafel_missing(self):
        for signal in self:
            signal.mma_bt_tafel_missing = (
                signal.herkomst_code == "mma"
                and signal.mma_discipline == "multi"
                and not signal.bt_tafel_date
            )

    def _search_mma_bt_tafel_missing(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search."))
        domain = [
            ("herkomst_id.code", "=", "mma"),
            ("mma_discipline", "=", "multi"),
            ("bt_tafel_date", "=", False),
        ]
        return domain if (operator == "=") == value else ["!", "&", "&", *domain]

    @api.onchange("mma_number")
    def _onchange_mma_number(self):
        if self.mma_number and self.mma_duplicate_count:
            return {
                "warning": {
                    "title": self.env._("Duplicate MMA report number"),
                    "message": self.env._(
                        "MMA report %s has already been registered in this gemeente.",
                        self.mma_number,
                    ),
                }
            }

    @api.depends(
        "weging_ids.uitkomst_id", "raadpleging_ids.state", "stage_code", "end_state"
    )
    def _compute_next_weging(self):
        for signal in self:
            signal.next_weging = signal._next_weging_type()

    def _next_weging_type(self):
        """The weging the signal is waiting for: the first of its step's and
        the earlier steps' wegingen not recorded yet (weging 4 once there is
        a relevant hit to weigh)."""
        self.ensure_one()
        if self.end_state or not self.stage_code:
            return False
        following = stappenplan.next_step(self.stage_code)
        due = stappenplan.wegingen_before(following) if following else []
        for weging in due:
            if not self._latest_weging(weging.code):
                if weging.step == stappenplan.BRONNEN and not self._relevant_hits():
                    return False
                return weging.code
        return False

    def _relevant_hits(self):
        return self.sudo().raadpleging_ids.filtered("is_hit")

    @api.depends("end_state", "stage_code")
    def _compute_melder_status(self):
        for signal in self:
            if signal.end_state:
                signal.melder_status = "afgehandeld"
            elif signal.stage_code == stappenplan.FIRST_STEP:
                signal.melder_status = "ontvangen"
            else:
                signal.melder_status = "in_behandeling"

    @api.depends("date_received")
    def _compute_age_days(self):
        today = fields.Date.context_today(self)
        for signal in self:
            received = fields.Date.context_today(signal, signal.date_received)
            signal.age_days = (today - received).days if received else 0

    @api.depends("date_deadline", "end_state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for signal in self:
            signal.is_overdue = bool(
                not signal.end_state
                and signal.date_deadline
                and signal.date_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue."))
        today = fields.Date.context_today(self)
        domain = [("end_state", "=", False), ("date_deadline", "<", today)]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.depends("stage_code", "end_state", "raadpleging_ids")
    def _compute_can_step_on(self):
        for signal in self:
            following = not signal.end_state and stappenplan.next_step(
                signal.stage_code or stappenplan.FIRST_STEP
            )
            signal.can_step_on = bool(following) and stappenplan.step_index(
                following
            ) < stappenplan.step_index(stappenplan.CASUS)
            signal.may_decide_no_sources = bool(
                not signal.end_state
                and signal.stage_code == stappenplan.BRONNEN
                and not signal.sudo().raadpleging_ids
            )

    def action_no_sources(self):
        """Button of the privacyfunctionaris: no source may be consulted."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("No source may be consulted"),
            "res_model": "ondermijning.geen.bronnen.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_signaal_id": self.id},
        }

    def _compute_earlier_signals(self):
        for signal in self:
            signal.earlier_signal_count = len(signal._earlier_signals())

    def _earlier_signals(self):
        """Signals of this gemeente received earlier about the same subject or
        object, as far as the current user may see them."""
        self.ensure_one()
        keys = [key for key in self.subject_ids.mapped("match_key") if key]
        if not keys or not self.id:
            return self.browse()
        return self.search(
            [
                ("id", "!=", self.id),
                ("company_id", "=", self.company_id.id),
                ("date_received", "<=", self.date_received),
                ("subject_ids.match_key", "in", keys),
            ]
        )

    # ------------------------------------------------------------------
    # Create / write: reference, deadline and the step gates
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # what the caller sent is checked before anything is derived from
            # it (a deadline from a received date of year 9999 would overflow)
            self._guard_values(vals)
            company = (
                self.env["res.company"].browse(vals.get("company_id"))
                or self.env.company
            )
            if not vals.get("date_deadline"):
                received = (
                    fields.Datetime.to_datetime(vals.get("date_received"))
                    or fields.Datetime.now()
                )
                vals["date_deadline"] = received.date() + timedelta(
                    days=company.ondermijning_weging1_days
                )
        signals = super().create(vals_list)
        for signal in signals:
            if signal.stage_code != stappenplan.FIRST_STEP:
                signal._check_step_gate(signal.stage_id)
        signals._schedule_weging_activity()
        return signals

    def _schedule_weging_activity(self):
        """Remind the owner of the weging that is due. The activity names the
        weging only: its e-mail shows the reference, never case details."""
        labels = dict(
            self.env["ondermijning.weging"]
            ._fields["weging_type"]
            ._description_selection(self.env)
        )
        for signal in self.sudo():
            signal.activity_unlink(["ondermijning_signalen.mail_activity_type_weging"])
            due = signal._next_weging_type()
            if due and signal.user_id:
                signal.activity_schedule(
                    "ondermijning_signalen.mail_activity_type_weging",
                    date_deadline=signal.date_deadline
                    or fields.Date.context_today(signal),
                    summary=labels[due],
                    user_id=signal.user_id.id,
                )

    @api.model
    def _next_reference(self, company, date_received=None):
        """Reference per gemeente and year, e.g. 2026-00042."""
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "ondermijning.signaal"),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
        )
        if not sequence:
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": f"Signaal {company.name}",
                        "code": "ondermijning.signaal",
                        "company_id": company.id,
                        "prefix": "%(range_year)s-",
                        "padding": 5,
                        "use_date_range": True,
                    }
                )
            )
        date = fields.Datetime.to_datetime(date_received) or fields.Datetime.now()
        return sequence.with_context(
            ir_sequence_date=fields.Date.to_string(date.date())
        )._next()

    def write(self, vals):
        stamped = {}
        if "stage_id" in vals:
            if not self.env.su:
                self._check_process_fields(vals)
            stage = self.env["ondermijning.stage"].browse(vals["stage_id"])
            for signal in self:
                if signal.stage_id != stage:
                    signal._check_step_gate(stage, pending=vals)
                    signal._check_step_back(stage)
            stamped = self._stamp_stage_dates(stage, vals)
            vals = dict(vals, **stamped)
        with recording_process(stamped):
            result = super().write(vals)
        if {"user_id", "date_deadline"} & vals.keys():
            self._schedule_weging_activity()
        return result

    def _stamp_stage_dates(self, stage, vals):
        """The date a step was entered, recorded with the move."""
        field = stappenplan.STEP_BY_CODE[stage.code].date_field
        if field and not vals.get(field):
            return {field: fields.Datetime.now()}
        return {}

    def _check_step_back(self, stage):
        """The stappenplan only goes forward: what a later step recorded
        (its wegingen, dates and lead times) stands. A signal that turns out
        differently gets a new weging with the outcome that ends or routes
        it."""
        if stage.code == stappenplan.LAST_STEP or not self.stage_code:
            return
        if stappenplan.step_index(stage.code) < stappenplan.step_index(self.stage_code):
            raise UserError(
                self.env._(
                    "%(signal)s cannot move back from %(from)s to %(to)s: the "
                    "stappenplan only goes forward. Record a new weging instead.",
                    signal=self.name,
                    **{"from": self.stage_id.name, "to": stage.name},
                )
            )

    def _check_step_gate(self, stage, pending=None):
        """Refuse a move to ``stage`` that the stappenplan does not allow,
        saying what is missing."""
        problems = self._step_gate_problems(stage, pending or {})
        if problems:
            raise UserError(
                self.env._(
                    "%(signal)s cannot move to %(stage)s: %(problems)s",
                    signal=self.name,
                    stage=stage.name,
                    problems=" ".join(problems),
                )
            )

    def _step_gate_problems(self, stage, pending):
        """What keeps the signal out of ``stage``, by the stappenplan: the
        wegingen of every earlier step with an outcome that lets it on, and
        the requirements of the steps up to it."""
        self.ensure_one()
        end_state = pending.get("end_state", self.end_state)
        if stage.code == stappenplan.LAST_STEP:
            if end_state:
                return []
            return [
                self.env._(
                    "record an end state first (a weging or decision that "
                    "ends the signal)."
                )
            ]
        if end_state:
            return [
                self.env._(
                    "the signal has ended (%s).",
                    dict(self._fields["end_state"]._description_selection(self.env))[
                        end_state
                    ],
                )
            ]
        labels = dict(
            self.env["ondermijning.weging"]
            ._fields["weging_type"]
            ._description_selection(self.env)
        )
        problems = []
        for weging in stappenplan.wegingen_before(stage.code):
            latest = self._latest_weging(weging.code)
            if not latest:
                problems.append(self.env._("%s is missing.", labels[weging.code]))
            elif not stappenplan.lets_on(weging.code, latest.uitkomst_id.code):
                problems.append(
                    self.env._(
                        "%(weging)s has outcome '%(outcome)s'.",
                        weging=labels[weging.code],
                        outcome=latest.uitkomst_id.name,
                    )
                )
        for requirement in stappenplan.requirements_up_to(stage.code):
            problem = getattr(self, f"_step_requires_{requirement}")()
            if problem:
                problems.append(problem)
        return problems

    # What a step requires besides its wegingen (``stappenplan.STEPS``).
    def _step_requires_relevant_hit(self):
        if not self._relevant_hits():
            return self.env._("no consulted source gave a relevant hit.")

    def _step_requires_casus(self):
        if not self.sudo().casus_id:
            return self.env._("the signal is not part of a casus.")

    def _step_requires_casus_monitoring(self):
        if self.sudo().casus_id.state not in (
            stappenplan.CASUS_MONITORING,
            stappenplan.CASUS_CLOSED,
        ):
            return self.env._("its casus is not in monitoring.")

    def _latest_weging(self, weging_type):
        wegingen = self.sudo().weging_ids.filtered(
            lambda w: w.weging_type == weging_type
        )
        return wegingen.sorted(lambda w: (w.date, w.id))[-1:] if wegingen else wegingen

    # ------------------------------------------------------------------
    # Process actions (one path per state change)
    # ------------------------------------------------------------------
    def action_next_step(self):
        """Button: move to the next step, through the same gate as the board."""
        for signal in self:
            following = stappenplan.next_step(signal.stage_code)
            stage = following and self._stage(following)
            if not stage:
                raise UserError(
                    self.env._("%s is already in its last step.", signal.name)
                )
            signal.stage_id = stage
        return True

    def action_open_signal(self):
        """From the MMA intake form to the signal it made, in its full form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_next_mma_report(self):
        """MMA reports come in batches: straight on to the next one."""
        return self.env["ir.actions.act_window"]._for_xml_id(
            "ondermijning_signalen.ondermijning_signaal_action_mma"
        )

    def action_record_weging(self):
        """Open the form for the weging that is due (or the one in context)."""
        self.ensure_one()
        weging_type = self.env.context.get("weging_type") or self.next_weging
        if not weging_type:
            raise UserError(self.env._("No weging is due for %s.", self.name))
        return {
            "type": "ir.actions.act_window",
            "name": dict(
                self.env["ondermijning.weging"]
                ._fields["weging_type"]
                ._description_selection(self.env)
            )[weging_type],
            "res_model": "ondermijning.weging",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_signaal_id": self.id,
                "default_weging_type": weging_type,
            },
        }

    def _end(self, end_state, reason, referred_to=False, afdeling=False):
        """End the signal: record the end state and fold it away."""
        closed = self._stage(stappenplan.LAST_STEP)
        for signal in self:
            if signal.end_state:
                raise UserError(self.env._("%s has already ended.", signal.name))
            vals = {
                "end_state": end_state,
                "date_end": fields.Datetime.now(),
                "end_reason": reason,
                "stage_id": closed.id,
            }
            if referred_to:
                vals["referred_to"] = referred_to
            if afdeling:
                vals["afdeling_id"] = afdeling.id
            if signal.herkomst_code == "mma" and not signal.mma_follow_up:
                # the MMA register always says what became of a report
                vals["mma_follow_up"] = signal._mma_follow_up_for(end_state)
            signal.sudo().write(vals)
            signal._notify_melder("closed")

    def _mma_follow_up_for(self, end_state):
        """The MMA register's follow-up that an end state amounts to, when
        the handler did not record one."""
        if end_state == "casus_afgesloten":
            return "bt_tafel" if self.bt_tafel_date else "gemeente"
        return {
            "niet_in_behandeling": "geen_actie",
            "afdeling": "gemeente",
            "riec": "riec",
        }.get(end_state, "overig")

    def _close_when_no_hit(self):
        """Stap 3: "Als er geen hit is dan wordt verder geen actie
        ondernomen": when every approved source was consulted and none gave
        a relevant hit, the signal is not taken into treatment."""
        for signal in self:
            consultations = signal.sudo().raadpleging_ids
            done = consultations and all(c.state != "approved" for c in consultations)
            if done and not consultations.filtered("is_hit"):
                signal._end(
                    "niet_in_behandeling",
                    self.env._(
                        "No relevant hit in any of the consulted municipal sources."
                    ),
                )

    def _decide_no_sources(self, reason):
        """Stap 3: "de privacyfunctionaris bepaalt of en welke gemeentelijke
        bronnen worden geraadpleegd": deciding that none may be consulted
        ends the signal (not in treatment), with the reason."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(stappenplan.PRIVACY):
            raise AccessError(
                self.env._(
                    "Only the privacyfunctionaris decides which sources may be "
                    "consulted."
                )
            )
        if self.stage_code != stappenplan.BRONNEN or self.end_state:
            raise UserError(self.env._("This is decided for a signal in stap 3."))
        if self.sudo().raadpleging_ids:
            raise UserError(
                self.env._("Sources were already approved for %s.", self.name)
            )
        if not (reason or "").strip():
            raise UserError(self.env._("State why no source may be consulted."))
        self._log_event(
            self.env._(
                "%s decided that no municipal source may be consulted.",
                self.env.user.name,
            )
        )
        self._end("niet_in_behandeling", reason)
        return True

    def _open_casus(self):
        """Weging 4 chose a casusoverleg: the signal gets a casus (stap 4)."""
        for signal in self.filtered(lambda s: not s.sudo().casus_id):
            casus = (
                self.env["ondermijning.casus"]
                .sudo()
                .create(
                    {
                        "company_id": signal.company_id.id,
                        "user_id": signal.sudo().user_id.id or self.env.uid,
                    }
                )
            )
            signal.sudo().casus_id = casus

    @api.model
    def _cron_rotate_keys(self, batch_size=1000):
        """Re-encrypt every encrypted field and document under the current
        key, batch by batch, committing in between: an interrupted run
        resumes where it stopped."""
        done = 0
        for model_name in sorted(
            self.env["ir.attachment"]._ondermijning_encrypted_models()
        ):
            done += self.env[model_name]._rotate_encryption(batch_size=batch_size)
        done += self.env["ir.attachment"]._ondermijning_rotate_files(
            batch_size=batch_size
        )
        return done

    def _notify_handlers_of_addition(self):
        """The reporter added information: the handlers hear of it (the
        text is in the notes)."""
        for signal in self.sudo():
            signal.message_post(
                body=self.env._("The reporter added information: see the notes."),
                message_type="notification",
                subtype_xmlid="mail.mt_comment",
            )

    def action_write_to_reporter(self):
        """Open a note to the reporter (shown on their receipt)."""
        self.ensure_one()
        melding = self.sudo().melding_ids[:1]
        if not melding:
            raise UserError(self.env._("%s has no reporter to write to.", self.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Write to the reporter"),
            "res_model": "ondermijning.notitie",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_signaal_id": self.id,
                "default_melding_id": melding.id,
                "default_kind": "aan_melder",
            },
        }

    def action_open_earlier_signals(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Earlier signals"),
            "res_model": "ondermijning.signaal",
            "view_mode": "list,form",
            "domain": [("id", "in", self._earlier_signals().ids)],
        }

    # ------------------------------------------------------------------
    # Melder
    # ------------------------------------------------------------------
    def _notify_melder(self, event):
        """Feedback to the melder through their receipt, without case details."""
        meldingen = (
            self.env["ondermijning.melding"]
            .sudo()
            .search([("signaal_id", "in", self.ids)])
        )
        meldingen._notify(event)

    @api.constrains("date_received", "date_deadline", "date_facts")
    def _check_dates(self):
        """Dates as they can be: received neither in the future nor before
        the register began, a deadline not before receipt, facts not after
        receipt."""
        latest = fields.Datetime.now() + CLOCK_SKEW
        for signal in self:
            if not EARLIEST_RECEIVED <= signal.date_received <= latest:
                raise ValidationError(
                    self.env._(
                        "The date received must lie between %(first)s and now.",
                        first=EARLIEST_RECEIVED.year,
                    )
                )
            if (
                signal.date_deadline
                and signal.date_deadline < signal.date_received.date()
            ):
                raise ValidationError(
                    self.env._("The deadline cannot lie before the date received.")
                )
            facts = signal.sudo().date_facts
            if facts and facts > latest:
                raise ValidationError(
                    self.env._(
                        "The facts cannot have happened after they were reported."
                    )
                )

    @api.constrains("mma_number", "herkomst_id")
    def _check_mma_number(self):
        for signal in self:
            if signal.herkomst_code == "mma" and not signal.mma_number:
                raise ValidationError(
                    self.env._("An MMA signal needs its MMA report number.")
                )
