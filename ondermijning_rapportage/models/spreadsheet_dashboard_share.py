from odoo import api, models
from odoo.exceptions import UserError

DASHBOARD_GROUP = "ondermijning_rapportage.spreadsheet_dashboard_group_ondermijning"


class SpreadsheetDashboardShare(models.Model):
    """No public link to the ondermijning dashboards: a share is a frozen
    copy readable by anyone with its token, outside the record rules and the
    disclosure control of the statistics."""

    _inherit = "spreadsheet.dashboard.share"

    @api.model_create_multi
    def create(self, vals_list):
        group = self.env.ref(DASHBOARD_GROUP, raise_if_not_found=False)
        dashboard_ids = [vals.get("dashboard_id") for vals in vals_list]
        dashboards = (
            self.env["spreadsheet.dashboard"]
            .sudo()
            .browse([dashboard_id for dashboard_id in dashboard_ids if dashboard_id])
        )
        if group and group in dashboards.dashboard_group_id:
            raise UserError(
                self.env._("The ondermijning dashboards cannot be shared by a link.")
            )
        return super().create(vals_list)
