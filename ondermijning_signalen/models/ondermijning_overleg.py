from odoo import api, fields, models

from ..tools.crypto import EncryptedText

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

    def action_mark_held(self):
        self.write({"state": "gehouden"})
        return True
