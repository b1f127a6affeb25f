from odoo import api, models
from odoo.tools import format_date, format_datetime

# What the dossier shows of each record, in this order; a field the reader
# may not read, or a value withheld from him (seal, partner clearance), is
# left out.
CASUS_FIELDS = (
    "state",
    "handler_display",
    "cleared_afdeling_ids",
    "cleared_partner_ids",
)
SIGNAL_FIELDS = (
    "stage_id",
    "categorie_id",
    "date_received",
    "date_facts",
    "facts_location",
    "wijk_id",
    "description",
    "end_state",
    "date_end",
)
SUBJECT_FIELDS = ("kind", "name", "birth_date", "kvk_number", "address", "bag_id")
WEGING_FIELDS = (
    "weging_type",
    "uitkomst_id",
    "motivation",
    "referred_to",
    "afdeling_id",
    "user_id",
    "date",
)
CONSULTATION_FIELDS = ("bron_id", "state", "legal_ground", "summary", "date_consulted")
PRIVACY_CHECK_FIELDS = (
    "privacy_check",
    "uitkomst_id",
    "motivation",
    "pc2a_afdeling_ids",
    "pc2a_partner_ids",
    "pc2a_data",
    "pc2b_exchange",
    "pc2b_permitted",
    "user_id",
    "date",
)
INTERVENTION_FIELDS = (
    "instrument_id",
    "afdeling_id",
    "user_id",
    "date_deadline",
    "state",
    "date_done",
    "result",
)
RESULT_FIELDS = ("result", "result_note", "monitoring_until", "date_closed")


class CasusDossier(models.AbstractModel):
    """The dossier of a casus as its reader may see it: rendered from what
    the reader's own reads return (record rules, field groups, the seal and
    partner clearances all apply, and the reads are audit-logged), plus a
    print line in the audit log. The server only lists which records hang
    from the casus; the reader's access decides which of them are shown."""

    _name = "report.ondermijning_signalen.report_casus_dossier"
    _description = "Casus dossier"

    @api.model
    def _get_report_values(self, docids, data=None):
        casussen = self.env["ondermijning.casus"].browse(docids)
        casussen.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "ondermijning.casus",
            "docs": casussen,
            "dossiers": [self._dossier(casus) for casus in casussen],
        }

    @api.model
    def _dossier(self, casus):
        Log = self.env["ondermijning.audit.log"]
        head = self._entries(casus, CASUS_FIELDS)[0]
        signals = self._visible(casus, "signaal_ids")
        signal_entries = []
        for signal, entry in zip(
            signals, self._entries(signals, SIGNAL_FIELDS), strict=True
        ):
            entry["sealed"] = signal.is_sealed and not signal.unseal_open
            entry["subjects"] = self._entries(
                self._visible(signal, "subject_ids"), SUBJECT_FIELDS
            )
            entry["wegingen"] = self._entries(
                self._visible(signal, "weging_ids"), WEGING_FIELDS
            )
            entry["consultations"] = self._entries(
                self._visible(signal, "raadpleging_ids"), CONSULTATION_FIELDS
            )
            signal_entries.append(entry)
        plan = self._entries(casus, ("plan_van_aanpak",))[0]["rows"]
        result = self._entries(casus, RESULT_FIELDS)[0]["rows"]
        Log._log(
            casus,
            "print",
            self._readable(casus, CASUS_FIELDS + RESULT_FIELDS + ("plan_van_aanpak",)),
        )
        if signals:
            Log._log(signals, "print", self._readable(signals, SIGNAL_FIELDS))
        return {
            "casus": casus,
            "head": head,
            "signals": signal_entries,
            "privacy_checks": self._entries(
                self._visible(casus, "weging_ids"), PRIVACY_CHECK_FIELDS
            ),
            "plan": plan and plan[0][1],
            "interventions": self._entries(
                self._visible(casus, "interventie_ids"), INTERVENTION_FIELDS
            ),
            "result": result,
        }

    @api.model
    def _visible(self, record, fname):
        """The records of ``record.fname`` the reader may read (none when he
        may not read the field itself)."""
        if not record._fields[fname].is_accessible(self.env):
            return self.env[record._fields[fname].comodel_name]
        related = record.sudo().with_context(active_test=False)[fname]
        return related.with_env(self.env)._filtered_access("read")

    @api.model
    def _readable(self, records, names):
        return [name for name in names if records._fields[name].is_accessible(self.env)]

    @api.model
    def _entries(self, records, names):
        """[{"title", "rows": [(label, text)]}] as the reader reads them."""
        if not records:
            return []
        names = self._readable(records, names)
        entries = []
        for values in records.read(["display_name", *names]):
            rows = []
            for name in names:
                text = self._text(records._fields[name], values[name])
                if text:
                    rows.append(
                        (records._fields[name]._description_string(self.env), text)
                    )
            entries.append({"title": values["display_name"], "rows": rows})
        return entries

    @api.model
    def _text(self, field, value):
        if value in (False, None, [], ""):
            return ""
        if field.type == "many2one":
            return value[1]
        if field.type in ("many2many", "one2many"):
            comodel = self.env[field.comodel_name].browse(value)
            return ", ".join(comodel._filtered_access("read").mapped("display_name"))
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type == "datetime":
            return format_datetime(self.env, value, dt_format="short")
        if field.type == "date":
            return format_date(self.env, value)
        if field.type == "boolean":
            return self.env._("Yes")
        return str(value)
