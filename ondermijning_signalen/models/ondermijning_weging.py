from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .. import stappenplan
from ..tools.crypto import EncryptedChar, EncryptedText
from .ondermijning_weging_uitkomst import WEGING_TYPES

REGISTERS = [
    ("brp", "BRP"),
    ("bag", "BAG"),
    ("kvk", "KvK (Handelsregister)"),
    ("kadaster", "Kadaster"),
    ("overig", "Other public source"),
]
PRIVACY_CHECKS = [
    ("2a", "2A: which data may be shared with whom"),
    ("2b", "2B: the data exchange the approach needs, and whether it is permitted"),
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
    offers_referral = fields.Boolean(related="uitkomst_id.offers_referral")
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
    # Weging 2A: "een taak of bevoegdheid van de gemeente"
    taak_id = fields.Many2one(
        "ondermijning.taak",
        string="Task or power",
        help="The gemeente's task or power the signal may lead to action under "
        "(e.g. the public order powers of the burgemeester).",
    )
    # Weging 2B: "1. Gaat het om een object of een subject? 2. ... ligt het
    # object binnen de gemeentegrens ... 3. ... woont het subject binnen de
    # gemeentegrenzen (dan wel is er anderszins een link met de gemeente)?"
    subject_kind = fields.Selection(
        [("subject", "A subject (person or company)"), ("object", "An object")],
        string="Subject or object?",
    )
    within_gemeente = fields.Boolean(
        string="Within the gemeente",
        help="The object lies within the gemeente's boundary; the subject lives or "
        "is established within it.",
    )
    other_link = fields.Boolean(
        string="Otherwise linked with the gemeente",
        help="Outside the boundary, but otherwise linked with the gemeente.",
    )
    other_link_note = EncryptedText(string="The link with the gemeente")
    register = fields.Selection(REGISTERS, string="Register consulted")
    # Weging 3: the gemeente's criteria, and internet research on "objectieve
    # criteria"
    criterium_ids = fields.Many2many(
        "ondermijning.weging.criterium",
        "ondermijning_weging_criterium_rel",
        string="Criteria met",
        domain="[('company_id', 'in', (company_id, False))]",
    )
    research_done = fields.Boolean(string="Internet or open-source research done")
    research_query = EncryptedText(string="What was searched")
    research_ground = EncryptedChar(
        string="Objective criterion",
        help="The criterion of the gemeente's policy under which it was searched.",
    )
    research_date = fields.Date(string="Searched on")
    # Outcomes that end or route the signal
    referred_to = EncryptedChar(help="Instantie or gemeente the signal is referred to.")
    afdeling_id = fields.Many2one(
        "ondermijning.afdeling", string="Department", check_company=True
    )
    # Weging 5: privacy checks 2A and 2B on a casus
    privacy_check = fields.Selection(PRIVACY_CHECKS)
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
            weging_type = vals.get("weging_type") or self.env.context.get(
                "default_weging_type"
            )
            definition = stappenplan.WEGING_BY_CODE.get(weging_type)
            if (
                definition
                and not self.env.su
                and not self.env.user.has_group(definition.group)
            ):
                raise AccessError(
                    self.env._(
                        "You may not record %s.", dict(WEGING_TYPES)[weging_type]
                    )
                )
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
        """Who may record which weging, and in which step of the signal
        (the stappenplan's)."""
        self.ensure_one()
        definition = stappenplan.WEGING_BY_CODE[self.weging_type]
        if not self.env.su and not self.env.user.has_group(definition.group):
            raise AccessError(self.env._("You may not record %s.", self._type_label()))
        if definition.on == "casus":
            if not self.casus_id:
                raise ValidationError(
                    self.env._("%s is recorded on a casus.", self._type_label())
                )
            return
        signal = self.signaal_id
        if not signal:
            raise ValidationError(self.env._("A weging belongs to a signal."))
        if signal.end_state:
            raise ValidationError(
                self.env._("%s has ended; no weging can be added.", signal.name)
            )
        if signal.stage_code != definition.step:
            raise ValidationError(
                self.env._(
                    "%(weging)s is recorded in %(step)s; %(signal)s is in %(stage)s.",
                    weging=self._type_label(),
                    step=stappenplan.STEP_BY_CODE[definition.step].label,
                    signal=signal.name,
                    stage=signal.stage_id.name,
                )
            )

    @api.constrains(
        "weging_type",
        "uitkomst_id",
        "indicator_ids",
        "taak_id",
        "subject_kind",
        "within_gemeente",
        "other_link",
        "register",
        "criterium_ids",
        "research_done",
        "afdeling_id",
        "privacy_check",
        "pc2b_permitted",
    )
    def _check_outcome(self):
        """The questions of the weging answered as the outcome needs them
        (``stappenplan.OUTCOMES``: what each outcome needs)."""
        for weging in self:
            if weging.uitkomst_id.weging_type != weging.weging_type:
                raise ValidationError(
                    self.env._("The outcome does not belong to this weging.")
                )
            problems = weging._questions_unanswered()
            outcome = stappenplan.outcome(weging.weging_type, weging.uitkomst_code)
            for need in outcome.needs if outcome else ():
                problem = getattr(weging, f"_need_{need}")()
                if problem:
                    problems.append(problem)
            if problems:
                raise ValidationError(" ".join(problems))

    def _questions_unanswered(self):
        """What a weging of this type asks whatever its outcome."""
        problems = []
        if self.weging_type == "w2b":
            if not self.subject_kind:
                problems.append(self.env._("Weging 2B: is it a subject or an object?"))
            if not self.register:
                problems.append(
                    self.env._(
                        "Weging 2B must say which register answered it "
                        "(BRP, BAG, KvK, Kadaster)."
                    )
                )
        if self.research_done and not (self.research_query and self.research_ground):
            problems.append(
                self.env._(
                    "Internet research is recorded with what was searched and the "
                    "objective criterion it was done under."
                )
            )
        if self.weging_type == "w5" and not self.privacy_check:
            problems.append(self.env._("Say which privacy check this is (2A or 2B)."))
        return problems

    # What an outcome needs (the ``needs`` of ``stappenplan.OUTCOMES``): a
    # message when it is missing.
    def _need_verankering(self):
        if not self.indicator_ids:
            return self.env._(
                "Weging 1 can only conclude ondermijning with at least one "
                "indicator of situationele en lokale verankering."
            )

    def _need_taak(self):
        if not self.taak_id:
            return self.env._(
                "Weging 2A: name the task or power of the gemeente the signal may "
                "lead to action under."
            )

    def _need_grondgebied(self):
        if not (self.within_gemeente or self.other_link):
            return self.env._(
                "Weging 2B: within the gemeente means the object lies within its "
                "boundary or the subject lives there, or another link with the "
                "gemeente."
            )

    def _need_buiten_grondgebied(self):
        if self.within_gemeente or self.other_link:
            return self.env._(
                "Weging 2B: the answers say the signal concerns the gemeente."
            )

    def _need_criteria_voldaan(self):
        required = self.env["ondermijning.weging.criterium"].search(
            [
                ("required", "=", True),
                ("company_id", "in", (self.company_id.id, False)),
            ]
        )
        missing = required - self.criterium_ids
        if missing:
            return self.env._(
                "Heavy enough only when every required criterion is met: %s.",
                ", ".join(missing.mapped("name")),
            )

    def _need_afdeling(self):
        if not self.afdeling_id:
            return self.env._("Name the department that takes regie.")

    def _need_weging3_zwaar(self):
        if not self.signaal_id._latest_weging("w3").positive:
            return self.env._(
                "A vervolganalyse needs a weging 3 that found the signal heavy enough."
            )

    def _need_relevant_hit(self):
        if not self.signaal_id.sudo().raadpleging_ids.filtered("is_hit"):
            return self.env._("Weging 4 weighs the hits: there is no relevant hit.")

    def _need_privacy_check(self):
        if self.privacy_check == "2a" and not (
            (self.pc2a_afdeling_ids or self.pc2a_partner_ids) and self.pc2a_data
        ):
            return self.env._(
                "Privacy check 2A: say which data may be shared, and with which "
                "departments or partners."
            )
        if self.privacy_check == "2b" and not (
            self.pc2b_exchange and self.pc2b_permitted
        ):
            return self.env._(
                "Privacy check 2B: describe the data exchange the approach needs; "
                "sharing is only agreed when it is permitted."
            )

    def _apply_outcome(self):
        """What the outcome means for the signal or casus (the stappenplan's)."""
        self.ensure_one()
        outcome = stappenplan.outcome(self.weging_type, self.uitkomst_code)
        if self.weging_type == "w5":
            self.casus_id._on_privacy_check(self)
            self.casus_id._log_event(self._event_text())
            return
        signal = self.signaal_id
        signal._log_event(self._event_text())
        if outcome.effect == stappenplan.OPEN_CASUS:
            signal._open_casus()
        end_state = stappenplan.end_state_of(
            self.weging_type, self.uitkomst_code, referred=bool(self.referred_to)
        )
        if end_state:
            signal._end(
                end_state,
                self.motivation,
                referred_to=self.referred_to,
                afdeling=self.afdeling_id,
            )
        signal._schedule_weging_activity()

    def action_confirm_recorded(self):
        """The dialog's button (the form saved the weging first): say what
        was recorded and what comes next, then close the dialog."""
        self.ensure_one()
        following = self.signaal_id.next_weging if self.signaal_id else False
        message = self._event_text()
        if following:
            message += " " + self.env._(
                "Next: %s.",
                dict(self._fields["weging_type"]._description_selection(self.env))[
                    following
                ],
            )
        elif self.signaal_id:
            message += " " + self.env._(
                "The signal is now in %s.", self.signaal_id.stage_id.name
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Weging recorded"),
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _event_text(self):
        """The history line of a weging: which, what outcome, by whom (never
        the motivation)."""
        return self.env._(
            "%(weging)s recorded by %(user)s: %(outcome)s.",
            weging=self._type_label(),
            user=self.user_id.name,
            outcome=self.uitkomst_id.name,
        )

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
