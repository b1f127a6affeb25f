from odoo import api, models
from odoo.exceptions import AccessError


class OverlegHandout(models.AbstractModel):
    """The agenda of an overleg as one partner organisation may see it:
    per signal what the privacyfunctionaris cleared for it, the casussen
    privacy check 2A cleared for it. Printing it is audit-logged."""

    _name = "report.ondermijning_signalen.report_overleg_handout"
    _description = "Overleg agenda handout"

    @api.model
    def _get_report_values(self, docids, data=None):
        overleggen = self.env["ondermijning.overleg"].browse(docids)
        overleggen.check_access("read")
        partner = self._partner(data)
        handouts = []
        for overleg in overleggen:
            items, casussen = overleg._handout_items(partner)
            handouts.append((overleg, items, casussen))
            signals = overleg.sudo().signaal_ids.filtered(
                lambda s, items=items: (
                    s.name in {i["reference"] for i in items if i["cleared"]}
                )
            )
            self.env["ondermijning.audit.log"]._log(
                signals.with_env(self.env), "print", ["overleg handout"]
            )
        return {
            "doc_ids": docids,
            "doc_model": "ondermijning.overleg",
            "docs": overleggen,
            "handouts": handouts,
            "partner": partner,
        }

    @api.model
    def _partner(self, data):
        """The organisation the handout is for: a partner prints his own; the
        ondermijning staff print one for any organisation."""
        user = self.env.user
        own = user.commercial_partner_id
        wanted = self.env["res.partner"].browse(
            (data or {}).get("partner_id") or own.id
        )
        if wanted != own and not user.has_group(
            "ondermijning_signalen.group_medewerker"
        ):
            raise AccessError(
                self.env._("You can only print the handout of your own organisation.")
            )
        return wanted.sudo()
