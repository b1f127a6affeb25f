from odoo import api, fields, models


class OndermijningMmaAlert(models.Model):
    """MMA's e-mail alert that a report waits on the MMA platform. MMA shows
    a report once: whoever opens it must register it at once, so the alert
    becomes a task due that day for the meldpunt's intake owner, not a
    signal. The alert itself holds no content (MMA's alert carries none and
    nothing of the e-mail is kept)."""

    _name = "ondermijning.mma.alert"
    _inherit = ["mail.thread", "mail.activity.mixin", "ondermijning.guard.mixin"]
    _description = "MMA alert"
    _order = "date_received desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company", string="Gemeente", required=True, readonly=True, index=True
    )
    date_received = fields.Datetime(
        string="Received", required=True, readonly=True, default=fields.Datetime.now
    )
    state = fields.Selection(
        [("open", "To fetch"), ("done", "Registered")],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    signaal_id = fields.Many2one(
        "ondermijning.signaal",
        string="Registered as",
        check_company=True,
        domain="[('herkomst_code', '=', 'mma')]",
    )

    @api.depends("date_received")
    def _compute_name(self):
        for alert in self:
            alert.name = self.env._(
                "MMA alert of %s",
                fields.Datetime.context_timestamp(alert, alert.date_received).strftime(
                    "%d-%m-%Y %H:%M"
                )
                if alert.date_received
                else "",
            )

    @api.model
    def _from_email(self, meldpunt):
        """The task: fetch the report from the MMA platform and register it
        today."""
        alert = self.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        ).create({"company_id": meldpunt.company_id.id})
        user = meldpunt.intake_user_id
        alert.activity_schedule(
            "ondermijning_meldpunt.mail_activity_type_mma_ophalen",
            date_deadline=fields.Date.context_today(
                alert.with_context(tz=user.tz or "Europe/Amsterdam")
            ),
            user_id=user.id,
        )
        return alert

    def action_register(self):
        """Open the MMA intake form; the alert is done once registered."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ondermijning_signalen.ondermijning_signaal_action_mma"
        )
        action["views"] = [(False, "form")]
        action["view_mode"] = "form"
        action["target"] = "current"
        return action

    def action_done(self):
        for alert in self:
            alert.activity_feedback(
                ["ondermijning_meldpunt.mail_activity_type_mma_ophalen"]
            )
            alert.sudo().state = "done"
        return True
