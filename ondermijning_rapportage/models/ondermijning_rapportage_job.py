import base64
import datetime
import logging
import tempfile

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..wizards.ondermijning_export_wizard import EXPORT_TYPES

_logger = logging.getLogger(__name__)

ROWS_PARAM = "ondermijning_rapportage.background_rows"
DEFAULT_ROWS = 2000
KEEP_DAYS = 7
CRON = "ondermijning_rapportage.ir_cron_rapportage_jobs"


class OndermijningRapportageJob(models.Model):
    """A long export or import, run in the background by a cron as the user
    who asked for it (his record rules and field rights apply), so his
    browser does not wait. The file is a binary attachment of the job, which
    only he may read (record rule on the job); he is told through the bus
    when it is done. The notification and the job's name carry no content."""

    _name = "ondermijning.rapportage.job"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Background export or import"
    _order = "create_date desc, id desc"

    name = fields.Char(compute="_compute_name")
    user_id = fields.Many2one(
        "res.users", string="Requested by", required=True, readonly=True
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Gemeenten",
        readonly=True,
        help="The gemeenten the user worked in when he asked.",
    )
    job_type = fields.Selection(
        [("export", "Export"), ("import", "Import")], required=True, readonly=True
    )
    export_type = fields.Selection(selection="_selection_export_type", readonly=True)
    params = fields.Json(readonly=True)
    state = fields.Selection(
        [
            ("queued", "Waiting"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
    )
    file = fields.Binary(attachment=True, readonly=True, copy=False)
    filename = fields.Char(readonly=True)
    message = fields.Char(readonly=True)
    date_done = fields.Datetime(string="Done on", readonly=True)

    @api.model
    def _selection_export_type(self):
        return [(key, str(label)) for key, label in EXPORT_TYPES]

    @api.depends("job_type", "export_type")
    def _compute_name(self):
        labels = dict(self._fields["job_type"]._description_selection(self.env))
        for job in self:
            job.name = f"{labels.get(job.job_type, '')} #{job.id or ''}".strip()

    # ------------------------------------------------------------------
    @api.model
    def _background_rows(self):
        """Jobs of more rows than this run in the background (system
        parameter, default 2000)."""
        raw = self.env["ir.config_parameter"].sudo().get_param(ROWS_PARAM)
        try:
            return max(0, int(raw)) if raw else DEFAULT_ROWS
        except ValueError:
            return DEFAULT_ROWS

    @api.model
    def _enqueue(self, job_type, **vals):
        """Queue a job for the current user (trusted code only: users cannot
        create jobs themselves) and wake the cron."""
        job = self.sudo().create(
            dict(
                vals,
                job_type=job_type,
                user_id=self.env.uid,
                company_ids=[fields.Command.set(self.env.companies.ids)],
            )
        )
        cron = self.env.ref(CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()
        return job.with_env(self.env)

    @api.model
    def _queued_action(self):
        """Close the wizard and say the job runs."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Running in the background"),
                "message": self.env._(
                    "This takes a while: you will be notified when it is done. "
                    "The result is under Dashboard > Background jobs."
                ),
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------
    @api.model
    def _cron_run_jobs(self, auto_commit=False):
        """Run the waiting jobs, oldest first. ``auto_commit`` (the cron):
        commit after each job, so a done file is kept whatever follows."""
        jobs = self.sudo().search([("state", "=", "queued")], order="id")
        for job in jobs:
            job._run_one(auto_commit)
        self.sudo().search(
            [
                ("state", "in", ("done", "failed")),
                (
                    "date_done",
                    "<",
                    fields.Datetime.now() - datetime.timedelta(days=KEEP_DAYS),
                ),
            ]
        ).unlink()

    def _run_one(self, auto_commit):
        self.ensure_one()
        self.state = "running"
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        # messages in the user's language
        self = self.with_context(lang=self.user_id.lang)  # noqa: PLW0642
        as_user = self.with_user(self.user_id).with_context(
            allowed_company_ids=self.company_ids.ids or self.user_id.company_id.ids
        )
        try:
            with self.env.cr.savepoint():
                values = (
                    as_user._run_export()
                    if self.job_type == "export"
                    else as_user._run_import()
                )
        except UserError as error:
            self.env.invalidate_all()
            values = {"state": "failed", "message": str(error.args[0])}
        except Exception:  # noqa: BLE001 - a failed job must not stop the others
            self.env.invalidate_all()
            _logger.exception("Background job %s failed", self.id)
            values = {
                "state": "failed",
                "message": self.env._("The job failed; nothing was kept."),
            }
        self.write(dict(values, date_done=fields.Datetime.now()))
        self._notify_user()
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _run_export(self):
        """As the user: the export wizard's own ``_generate``."""
        params = dict(self.params or {})
        vals = {"export_type": self.export_type}
        for key in ("date_from", "date_to", "stage_code", "end_state", "only_mma"):
            if params.get(key):
                vals[key] = params[key]
        for key in ("company_ids", "categorie_ids"):
            if params.get(key):
                vals[key] = [fields.Command.set(params[key])]
        wizard = self.env["ondermijning.export.wizard"].create(vals)
        with tempfile.TemporaryFile() as fileobj:
            filename = wizard._generate(fileobj)
            fileobj.seek(0)
            data = fileobj.read()
        return {
            "state": "done",
            "file": base64.b64encode(data),
            "filename": filename,
            "message": self.env._("The export is ready."),
        }

    def _run_import(self):
        """As the user: the import wizard's own ``action_import``."""
        wizard = (
            self.env["ondermijning.register.import"]
            .browse((self.params or {}).get("wizard_id"))
            .exists()
        )
        if not wizard:
            raise UserError(
                self.env._("The import expired: upload the register again.")
            )
        wizard._import_now()
        return {
            "state": "done" if wizard.state == "done" else "failed",
            "message": wizard.message,
        }

    def _notify_user(self):
        """Tell the user, through the bus, that his job ended: no file name,
        figure or content, only where to look."""
        self.ensure_one()
        done = self.state == "done"
        self.user_id.partner_id._bus_send(
            "simple_notification",
            {
                "type": "success" if done else "warning",
                "title": self.env._("Background job done")
                if done
                else self.env._("Background job failed"),
                "message": self.env._("See Dashboard > Background jobs."),
                "sticky": True,
            },
        )

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/file?download=true",
            "target": "download",
        }
