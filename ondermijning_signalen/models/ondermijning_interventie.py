from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.crypto import EncryptedText
from ..tools.periods import GEMEENTE_TZ

# The states in which an intervention is over (it has a date_done).
DONE_STATES = ("afgerond", "geannuleerd")


class OndermijningInterventie(models.Model):
    """An intervention of the plan van aanpak, from the instrumentarium,
    owned by a department and an official, with a deadline and a result."""

    _name = "ondermijning.interventie"
    _description = "Intervention"
    _inherit = ["ondermijning.case.mixin"]
    _order = "date_deadline, id"
    _check_company_auto = True
    _rec_names_search = ["casus_id.name", "instrument_id.name"]

    casus_id = fields.Many2one(
        "ondermijning.casus",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="casus_id.company_id", store=True, index=True)
    instrument_id = fields.Many2one("ondermijning.instrument", required=True)
    afdeling_id = fields.Many2one(
        "ondermijning.afdeling", string="Department", check_company=True
    )
    user_id = fields.Many2one(
        "res.users", string="Owner", domain="[('share', '=', False)]"
    )
    date_deadline = fields.Date(string="Deadline")
    state = fields.Selection(
        [
            ("gepland", "Planned"),
            ("lopend", "In progress"),
            ("afgerond", "Done"),
            ("geannuleerd", "Cancelled"),
        ],
        default="gepland",
        required=True,
    )
    date_done = fields.Date(
        string="Done on",
        compute="_compute_date_done",
        store=True,
        help="The day the intervention was done or cancelled (the statistics "
        "count interventions by it).",
    )
    result = EncryptedText()
    # The Bibob procedure (Woerden plan): request, advice of the Landelijk
    # Bureau Bibob, decision.
    procedure = fields.Selection(related="instrument_id.procedure")
    bibob_request_date = fields.Date(string="Bibob: application received")
    bibob_lbb_request_date = fields.Date(string="Bibob: advice asked of the LBB")
    bibob_lbb_advice_date = fields.Date(string="Bibob: advice received")
    bibob_lbb_advice = fields.Selection(
        [
            ("geen", "No degree of danger"),
            ("mindere", "A lesser degree of danger"),
            ("ernstige", "A serious degree of danger"),
        ],
        string="Bibob: advice of the LBB",
    )
    bibob_decision_date = fields.Date(string="Bibob: decision on")
    bibob_decision = fields.Selection(
        [
            ("verleend", "Granted"),
            ("voorwaarden", "Granted with conditions"),
            ("geweigerd", "Refused"),
            ("ingetrokken", "Withdrawn"),
        ],
        string="Bibob: decision",
    )
    notitie_ids = fields.One2many(
        "ondermijning.notitie", "interventie_id", string="Notes"
    )

    @api.depends("state")
    def _compute_date_done(self):
        today = fields.Date.context_today(self.with_context(tz=GEMEENTE_TZ))
        for intervention in self:
            if intervention.state in DONE_STATES:
                intervention.date_done = intervention.date_done or today
            else:
                intervention.date_done = False

    @api.constrains(
        "bibob_request_date",
        "bibob_lbb_request_date",
        "bibob_lbb_advice_date",
        "bibob_lbb_advice",
        "bibob_decision_date",
        "bibob_decision",
    )
    def _check_bibob_procedure(self):
        """The steps of the Bibob procedure in their order: an advice after it
        was asked, a decision after the application."""
        for intervention in self:
            steps = [
                intervention.bibob_request_date,
                intervention.bibob_lbb_request_date,
                intervention.bibob_lbb_advice_date,
                intervention.bibob_decision_date,
            ]
            dated = [day for day in steps if day]
            if dated != sorted(dated):
                raise ValidationError(
                    self.env._(
                        "The steps of the Bibob procedure follow each other in time."
                    )
                )
            if intervention.bibob_lbb_advice and not intervention.bibob_lbb_advice_date:
                raise ValidationError(
                    self.env._("Record the date the advice of the LBB was received.")
                )
            if intervention.bibob_decision and not intervention.bibob_decision_date:
                raise ValidationError(self.env._("Record the date of the decision."))

    @api.model_create_multi
    def create(self, vals_list):
        interventions = super().create(vals_list)
        interventions._schedule_deadline_activity()
        return interventions

    def _schedule_deadline_activity(self):
        """Remind the owner of the deadline; the summary names the
        instrument only, never the case."""
        for intervention in self.sudo().filtered(
            lambda i: i.user_id and i.date_deadline
        ):
            intervention.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=intervention.date_deadline,
                summary=intervention.instrument_id.name,
                user_id=intervention.user_id.id,
            )

    @api.depends("instrument_id", "casus_id")
    def _compute_display_name(self):
        for intervention in self:
            casus = intervention.casus_id.name or ""
            instrument = intervention.instrument_id.name or ""
            intervention.display_name = f"{casus} · {instrument}"
