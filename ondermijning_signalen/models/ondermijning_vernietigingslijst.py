from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import stappenplan
from .ondermijning_weging_uitkomst import END_STATES

LIST_STATES = [("proposed", "Proposed"), ("approved", "Approved"), ("done", "Done")]
LINE_STATES = [
    ("proposed", "To be destroyed"),
    ("destroyed", "Destroyed"),
    ("skipped", "Kept (legal hold or open casus)"),
]


class OndermijningVernietigingslijst(models.Model):
    """A destruction list: where the gemeente wants it, the purge proposes
    what expired and the privacyfunctionaris approves it before anything is
    destroyed (the Archiefwet practice). The list is kept afterwards as
    part of the accountability; it holds references, no content."""

    _name = "ondermijning.vernietigingslijst"
    _description = "Destruction list"
    _inherit = ["mail.thread", "mail.activity.mixin", "ondermijning.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", string="Gemeente", required=True, index=True, readonly=True
    )
    date = fields.Date(string="Proposed on", required=True, readonly=True)
    state = fields.Selection(
        LIST_STATES,
        default="proposed",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    approved_by_id = fields.Many2one(
        "res.users", string="Approved by", readonly=True, tracking=True
    )
    date_approved = fields.Datetime(string="Approved on", readonly=True)
    line_ids = fields.One2many(
        "ondermijning.vernietigingslijst.regel",
        "lijst_id",
        string="Records",
        readonly=True,
    )
    line_count = fields.Integer(
        compute="_compute_line_count", string="Number of records"
    )

    @api.depends("line_ids")
    def _compute_line_count(self):
        counts = dict(
            self.env["ondermijning.vernietigingslijst.regel"]._read_group(
                [("lijst_id", "in", self.ids)], ["lijst_id"], ["__count"]
            )
        )
        for lijst in self:
            lijst.line_count = counts.get(lijst, 0)

    @api.model
    def _propose(self, company_id, signal_ids, today):
        """A list of the given expired signals, with a to-do for the
        privacyfunctionarissen of the gemeente (naming the list only)."""
        company = self.env["res.company"].browse(company_id)
        signals = (
            self.env["ondermijning.signaal"]
            .sudo()
            .with_context(active_test=False)
            .browse(signal_ids)
        )
        lijst = (
            self.sudo()
            .with_context(mail_create_nolog=True, tracking_disable=True)
            .create(
                {
                    "name": self.env._(
                        "Destruction list %(gemeente)s %(date)s",
                        gemeente=company.name,
                        date=fields.Date.to_string(today),
                    ),
                    "company_id": company.id,
                    "date": today,
                    "line_ids": [
                        fields.Command.create(
                            {
                                "signaal_id": signal.id,
                                "reference": signal.name,
                                "end_state": signal.end_state,
                                "date_end": signal.date_end and signal.date_end.date(),
                                "date_destroy": signal.date_destroy,
                                "bewaartermijn_id": signal.bewaartermijn_id.id,
                            }
                        )
                        for signal in signals
                    ],
                }
            )
        )
        privacy = self.env.ref("ondermijning_signalen.group_privacy").users.filtered(
            lambda user: company in user.company_ids
        )
        for user in privacy:
            lijst.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.env._("Approve the destruction list"),
            )
        return lijst

    def action_approve(self):
        self.env["ondermijning.signaal"]._check_privacy()
        for lijst in self:
            if lijst.state != "proposed":
                raise UserError(self.env._("%s has already been approved.", lijst.name))
        self.sudo().write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "date_approved": fields.Datetime.now(),
            }
        )
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        # destroy soon rather than tomorrow night
        cron = self.env.ref(
            "ondermijning_signalen.ir_cron_retention_purge", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()
        return True

    @api.model
    def _close_finished_lists(self):
        """After a purge: lines whose signal is held or part of an open casus
        are kept (and proposed again once that is over); a list with nothing
        left to do is done."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            UPDATE ondermijning_vernietigingslijst_regel l
               SET state = 'skipped'
              FROM ondermijning_vernietigingslijst v, ondermijning_signaal s
             WHERE v.id = l.lijst_id AND v.state = 'approved' AND l.state = 'proposed'
               AND s.id = l.signaal_id
               AND (COALESCE(s.legal_hold, FALSE) OR EXISTS (
                    SELECT 1 FROM ondermijning_casus c
                     WHERE c.id = s.casus_id AND c.state != %s))
            """,
                stappenplan.CASUS_CLOSED,
            )
        )
        self.env.cr.execute(
            SQL(
                """
            UPDATE ondermijning_vernietigingslijst v
               SET state = 'done'
             WHERE v.state = 'approved'
               AND NOT EXISTS (SELECT 1 FROM ondermijning_vernietigingslijst_regel l
                                WHERE l.lijst_id = v.id AND l.state = 'proposed')
            """
            )
        )
        self.env["ondermijning.vernietigingslijst.regel"].invalidate_model()
        self.invalidate_model()


class OndermijningVernietigingslijstRegel(models.Model):
    _name = "ondermijning.vernietigingslijst.regel"
    _check_company_auto = True
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Destruction list line"
    _order = "lijst_id, id"

    lijst_id = fields.Many2one(
        "ondermijning.vernietigingslijst",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="lijst_id.company_id", store=True, index=True)
    signaal_id = fields.Many2one(
        "ondermijning.signaal",
        string="Signal",
        index=True,
        ondelete="set null",
        readonly=True,
        check_company=True,
    )
    reference = fields.Char(required=True, readonly=True)
    end_state = fields.Selection(END_STATES, readonly=True)
    date_end = fields.Date(string="Ended on", readonly=True)
    date_destroy = fields.Date(string="Planned destruction", readonly=True)
    bewaartermijn_id = fields.Many2one(
        "ondermijning.bewaartermijn",
        string="Retention period",
        readonly=True,
        ondelete="set null",
        check_company=True,
    )
    state = fields.Selection(
        LINE_STATES, default="proposed", required=True, readonly=True
    )

    @api.model
    def _mark_destroyed(self, signal_ids):
        if not signal_ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ondermijning_vernietigingslijst_regel SET state = 'destroyed' "
            "WHERE signaal_id IN %s AND state = 'proposed'",
            [tuple(signal_ids)],
        )
        self.invalidate_model(["state"])
