from odoo import api, models


class VernietigingslijstReport(models.AbstractModel):
    """The destruction list as the privacyfunctionaris approves it: the
    references, end states and retention rules of what will be destroyed,
    never content. Printing it is audit-logged."""

    _name = "report.ondermijning_signalen.report_vernietigingslijst"
    _description = "Destruction list for approval"

    @api.model
    def _get_report_values(self, docids, data=None):
        lijsten = self.env["ondermijning.vernietigingslijst"].browse(docids)
        lijsten.check_access("read")
        self.env["ondermijning.audit.log"]._log(lijsten, "print", ["line_ids"])
        return {
            "doc_ids": docids,
            "doc_model": "ondermijning.vernietigingslijst",
            "docs": lijsten,
        }
