from odoo import api, fields, models

from ..tools.crypto import EncryptedText


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
    result = EncryptedText()
    notitie_ids = fields.One2many(
        "ondermijning.notitie", "interventie_id", string="Notes"
    )

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
