from odoo import api, fields, models

from .. import stappenplan
from ..tools.crypto import EncryptedText
from .ondermijning_vrijgave import CLEARED_FIELDS

# what decides who sees a signal through an agenda
AGENDA_FIELDS = {"signaal_ids", "user_ids"}

OVERLEG_TYPES = [
    ("ondermijningsoverleg", "Ondermijningsoverleg (gemeente, politie, OM, RIEC)"),
    ("bt_tafel", "BT-ondermijningstafel"),
    ("casusoverleg", "Casusoverleg / signaaloverleg"),
]


class OndermijningOverleg(models.Model):
    """A meeting with partners. Participants see only the signals and
    casussen on its agenda, read-only; action points are activities."""

    _name = "ondermijning.overleg"
    _description = "Overleg"
    _inherit = ["ondermijning.case.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["overleg_type"]
    overleg_type = fields.Selection(
        OVERLEG_TYPES, string="Type", required=True, default="ondermijningsoverleg"
    )
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    duration = fields.Float(default=1.5, help="Duration in hours.")
    date_stop = fields.Datetime(compute="_compute_date_stop")
    state = fields.Selection(
        [("gepland", "Planned"), ("gehouden", "Held")],
        default="gepland",
        required=True,
        tracking=True,
    )
    user_ids = fields.Many2many(
        "res.users", string="Participants", domain="[('share', '=', False)]"
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Partner organisations",
        domain="[('is_company', '=', True)]",
    )
    signaal_ids = fields.Many2many(
        "ondermijning.signaal",
        "ondermijning_overleg_ondermijning_signaal_rel",
        "ondermijning_overleg_id",
        "ondermijning_signaal_id",
        string="Signals on the agenda",
        check_company=True,
    )
    casus_ids = fields.Many2many(
        "ondermijning.casus",
        "ondermijning_casus_ondermijning_overleg_rel",
        "ondermijning_overleg_id",
        "ondermijning_casus_id",
        string="Casussen on the agenda",
        check_company=True,
    )
    reeks_id = fields.Many2one(
        "ondermijning.overleg.reeks",
        string="Series",
        index=True,
        check_company=True,
        ondelete="set null",
    )
    decisions = EncryptedText()
    minutes = EncryptedText()
    notitie_ids = fields.One2many("ondermijning.notitie", "overleg_id", string="Notes")

    @api.depends("overleg_type", "date")
    @api.depends_context("tz", "lang")
    def _compute_display_name(self):
        """An overleg is named by its type and its date: no free-text title,
        which could name a person or a place."""
        types = dict(self._fields["overleg_type"]._description_selection(self.env))
        for overleg in self:
            day = (
                fields.Datetime.context_timestamp(overleg, overleg.date).strftime(
                    "%d-%m-%Y"
                )
                if overleg.date
                else ""
            )
            overleg.display_name = " ".join(
                filter(None, [types.get(overleg.overleg_type, ""), day])
            )

    def _compute_date_stop(self):
        for overleg in self:
            overleg.date_stop = overleg.date and fields.Datetime.add(
                overleg.date, minutes=int(overleg.duration * 60)
            )

    @api.model_create_multi
    def create(self, vals_list):
        overleggen = super().create(vals_list)
        overleggen._bring_into_bt_tafel()
        overleggen._sync_participants()
        return overleggen

    def write(self, vals):
        before = self._agenda_signal_ids() if AGENDA_FIELDS & vals.keys() else set()
        result = super().write(vals)
        if {"signaal_ids", "overleg_type", "date"} & vals.keys():
            self._bring_into_bt_tafel()
        if AGENDA_FIELDS & vals.keys():
            self._sync_participants(before)
        return result

    def unlink(self):
        before = self._agenda_signal_ids()
        result = super().unlink()
        self.env["ondermijning.signaal"]._sync_participants(before)
        return result

    def _agenda_signal_ids(self):
        """The ids of the signals on these agendas (as the server)."""
        return set(self.sudo().with_context(active_test=False).signaal_ids.ids)

    def _sync_participants(self, also=()):
        """Keep the stored participants of the signals on these agendas (and
        of ``also``, those that were on them) in step with the agendas."""
        self.env["ondermijning.signaal"]._sync_participants(
            self._agenda_signal_ids() | set(also)
        )

    def _bring_into_bt_tafel(self):
        """An MMA signal on the agenda of a BT-ondermijningstafel was brought
        into it: its register says so (the date of the first such tafel)."""
        for overleg in self.sudo().filtered(lambda o: o.overleg_type == "bt_tafel"):
            day = fields.Date.to_date(overleg.date)
            for signal in overleg.signaal_ids:
                if signal.herkomst_code == "mma" and (
                    not signal.bt_tafel_date or signal.bt_tafel_date > day
                ):
                    signal.bt_tafel_date = day

    def _propose_agenda(self):
        """The agenda a series proposes: "nieuwe signalen sinds het vorige
        overleg" and "lopende signalen en casussen die regie vragen"."""
        Signal = self.env["ondermijning.signaal"]
        for overleg in self:
            since = (
                overleg.reeks_id._last_overleg(overleg.date).date
                if overleg.reeks_id
                else False
            )
            company = [("company_id", "=", overleg.company_id.id)]
            new = Signal.search(
                company
                + [("end_state", "=", False)]
                + ([("date_received", ">=", since)] if since else [])
            )
            running = Signal.search(
                company + self.env["ondermijning.overleg.reeks"]._regie_domain()
            )
            casussen = self.env["ondermijning.casus"].search(
                company + [("state", "!=", stappenplan.CASUS_CLOSED)]
            )
            # proposed, added to what is on the agenda already (the regisseur
            # takes items off by hand)
            overleg.write(
                {
                    "signaal_ids": [fields.Command.link(s.id) for s in new | running],
                    "casus_ids": [fields.Command.link(c.id) for c in casussen],
                }
            )

    def action_propose_agenda(self):
        self.check_access("write")
        self._propose_agenda()
        return True

    def _handout_items(self, partner):
        """What the agenda shows to ``partner`` (an organisation): per signal
        the fields cleared for it, or that the item exists; the casussen
        privacy check 2A cleared for it. Read as the server, by the
        clearances alone (a printout for that partner)."""
        self.ensure_one()
        hide = self.company_id.ondermijning_uncleared_agenda == "hide"
        scopes = {
            c.signaal_id.id: c.scope
            for c in self.env["ondermijning.vrijgave"]
            .sudo()
            .search(
                [
                    ("signaal_id", "in", self.sudo().signaal_ids.ids),
                    ("partner_id", "=", partner.id),
                ]
            )
        }
        items = []
        for signal in self.sudo().signaal_ids:
            scope = scopes.get(signal.id)
            if not scope and hide:
                continue
            allowed = CLEARED_FIELDS.get(scope, frozenset())
            items.append(
                {
                    "reference": signal.name,
                    "cleared": bool(scope),
                    "category": signal.categorie_id.name if allowed else "",
                    "date_facts": signal.date_facts
                    if "date_facts" in allowed
                    else False,
                    "place": signal.facts_location
                    if "facts_location" in allowed
                    else "",
                    "description": signal.description
                    if "description" in allowed
                    else "",
                    "subjects": [
                        subject.display_name
                        + (f": {subject.name}" if subject.name else "")
                        for subject in signal.subject_ids
                    ]
                    if "subject_ids" in allowed
                    else [],
                    "stage": signal.stage_id.name,
                }
            )
        casussen = self.sudo().casus_ids.filtered(
            lambda c: partner in c.cleared_partner_ids
        )
        return items, casussen

    def action_print_handout(self):
        """A partner prints his own organisation's handout; the staff choose
        the organisation."""
        self.ensure_one()
        if self.env.user.has_group("ondermijning_signalen.group_medewerker"):
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Agenda handout"),
                "res_model": "ondermijning.handout.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {"default_overleg_id": self.id},
            }
        return self.env.ref(
            "ondermijning_signalen.action_report_overleg_handout"
        ).report_action(self)

    def action_mark_held(self):
        self.write({"state": "gehouden"})
        return True
