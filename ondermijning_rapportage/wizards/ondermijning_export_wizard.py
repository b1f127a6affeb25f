import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import LazyTranslate

from odoo.addons.ondermijning_signalen.models.ondermijning_stage import STAGE_CODES
from odoo.addons.ondermijning_signalen.models.ondermijning_weging_uitkomst import (
    END_STATES,
)

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

EXPORT_TYPES = [
    ("register", _lt("Register (one row per signal)")),
    ("mma_register", _lt("MMA register (the import format)")),
    ("statistieken", _lt("Statistics with dashboard")),
    ("jaartabel", _lt("Year table (gemeente × year)")),
    ("vernietiging", _lt("Destruction log (vernietigingslijst)")),
]
FILENAMES = {
    "register": "register",
    "mma_register": "mma-register",
    "statistieken": "statistieken",
    "jaartabel": "jaartabel",
    "vernietiging": "vernietigingslijst",
}


class OndermijningExportWizard(models.TransientModel):
    """Choose what to export; the download itself is streamed by the
    controller, which calls ``_generate`` as the user."""

    _name = "ondermijning.export.wizard"
    _description = "Excel export of signals"

    export_type = fields.Selection(
        selection="_selection_export_type",
        string="Export",
        required=True,
        default=lambda self: self._default_export_type(),
    )
    date_from = fields.Date(string="From")
    date_to = fields.Date(string="To")
    company_ids = fields.Many2many(
        "res.company",
        string="Gemeenten",
        help="Leave empty for every gemeente you may see.",
    )
    available_company_ids = fields.Many2many(
        "res.company",
        compute="_compute_available_company_ids",
    )
    categorie_ids = fields.Many2many("ondermijning.categorie", string="Categories")
    stage_code = fields.Selection(STAGE_CODES, string="Step")
    end_state = fields.Selection(END_STATES)
    only_mma = fields.Boolean(string="MMA only")
    record_count = fields.Integer(string="Signals", compute="_compute_record_count")

    # ------------------------------------------------------------------
    @api.model
    def _available_types(self):
        types = []
        if self.env["ondermijning.signaal"].has_access("read"):
            types += ["register", "mma_register"]
        if self.env["ondermijning.statistiek"].has_access("read"):
            types += ["statistieken", "jaartabel"]
        if (
            self.env.user.has_group("ondermijning_signalen.group_privacy")
            and "ondermijning.vernietiging" in self.env
        ):
            types.append("vernietiging")
        return types

    @api.model
    def _selection_export_type(self):
        available = self._available_types()
        return [
            (key, self.env._(label)) for key, label in EXPORT_TYPES if key in available
        ]

    @api.model
    def _default_export_type(self):
        available = self._available_types()
        return available[0] if available else False

    @api.depends_context("uid")
    def _compute_available_company_ids(self):
        if self.env.user.has_group("ondermijning_signalen.group_analist"):
            companies = self.env["res.company"].sudo().search([("active", "=", True)])
        else:
            companies = self.env.user.company_ids
        for wizard in self:
            wizard.available_company_ids = companies

    @api.depends(
        "export_type",
        "date_from",
        "date_to",
        "company_ids",
        "categorie_ids",
        "stage_code",
        "end_state",
        "only_mma",
    )
    def _compute_record_count(self):
        for wizard in self:
            count = 0
            if wizard.export_type in ("register", "mma_register"):
                filters = wizard._filters()
                if wizard.export_type == "mma_register":
                    filters["only_mma"] = True
                Signal = self.env["ondermijning.signaal"]
                count = Signal.search_count(
                    self.env["ondermijning.register"]._signal_domain(filters)
                )
            elif wizard.export_type in ("statistieken", "jaartabel"):
                Stat = self.env["ondermijning.statistiek"]
                figures = Stat._figures(Stat._filter_domain(wizard._filters()), [[]])
                count = figures.count(figures.cell([], []))
                if count == figures.HIDDEN:
                    # fewer signals than the disclosure threshold: not shown
                    count = 0
            wizard.record_count = count

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if (
                wizard.date_from
                and wizard.date_to
                and wizard.date_from > wizard.date_to
            ):
                raise UserError(self.env._("The period ends before it starts."))

    # ------------------------------------------------------------------
    def _filters(self):
        self.ensure_one()
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            # ids only (a regional analyst filters on gemeenten of the region)
            "company_ids": self.sudo().company_ids.ids,
            "categorie_ids": self.categorie_ids.ids,
            "stage_code": self.stage_code,
            "end_state": self.end_state,
            "only_mma": self.only_mma,
        }

    def _job_params(self):
        """The filters as JSON, for a background job."""
        filters = self._filters()
        for key in ("date_from", "date_to"):
            filters[key] = (
                fields.Date.to_string(filters[key]) if filters[key] else False
            )
        return filters

    def _check_export_access(self):
        self.ensure_one()
        if self.export_type not in self._available_types():
            raise AccessError(self.env._("You may not make this export."))

    def _filename(self):
        self.ensure_one()
        stamp = fields.Date.context_today(self).strftime("%Y%m%d")
        return f"{FILENAMES[self.export_type]}-{stamp}.xlsx"

    def _generate(self, fileobj):
        """Write the chosen workbook to ``fileobj`` as the current user;
        returns the file name."""
        self.ensure_one()
        self._check_export_access()
        filters = self._filters()
        if self.export_type == "register":
            progress = self.env["ondermijning.register"]._progress_notifier(
                self.record_count, self.env._("Excel export")
            )
            count = self.env["ondermijning.register"]._export_register(
                fileobj, filters, progress=progress
            )
            _logger.info("Register export by uid %s: %s rows", self.env.uid, count)
        elif self.export_type == "mma_register":
            progress = self.env["ondermijning.register"]._progress_notifier(
                self.record_count, self.env._("Excel export")
            )
            count = self.env["ondermijning.register"]._export_mma_register(
                fileobj, filters, progress=progress
            )
            _logger.info("MMA register export by uid %s: %s rows", self.env.uid, count)
        elif self.export_type == "statistieken":
            self.env["ondermijning.statistiek"]._export_statistics(fileobj, filters)
        elif self.export_type == "jaartabel":
            self.env["ondermijning.statistiek"]._export_year_table(fileobj, filters)
        elif self.export_type == "vernietiging":
            self.env["ondermijning.register"]._export_destruction_log(fileobj, filters)
        return self._filename()

    def action_export(self):
        """Check the rights here (so a refusal shows as a dialog), then let
        the browser download the file from the controller."""
        self.ensure_one()
        self._check_export_access()
        if self.export_type in ("register", "mma_register"):
            self.env["ondermijning.signaal"].check_access("read")
            Job = self.env["ondermijning.rapportage.job"]
            if self.record_count > Job._background_rows():
                Job._enqueue(
                    "export", export_type=self.export_type, params=self._job_params()
                )
                return Job._queued_action()
        return {
            "type": "ir.actions.act_url",
            "url": f"/ondermijning_rapportage/export/{self.id}",
            "target": "download",
        }
