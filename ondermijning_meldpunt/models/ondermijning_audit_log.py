from odoo import api, models

from ..tools.anonymity import in_public_request


class OndermijningAuditLog(models.Model):
    _inherit = "ondermijning.audit.log"

    @api.model
    def _request_origin(self):
        """The meldpunt's public pages are served without keeping where the
        visitor came from: the line names the page, not the address."""
        if in_public_request():
            return self.env._("meldpunt (public page)")
        return super()._request_origin()
