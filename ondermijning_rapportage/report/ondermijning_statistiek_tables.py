"""Cross tables of the statistics workbook: interventions per instrument,
year, gemeente and state, the Bibob procedure's advices and decisions, and
the signals per campaign, each protected by disclosure control where the
user may not read the rows (``ondermijning_statistiek_disclosure.py``)."""

# The statistics model is split by concern (the view, its figures, disclosure
# control, these tables), on purpose.
# pylint: disable=consider-merging-classes-inherited

import datetime

from odoo import api, models

from . import disclosure

INTERVENTIE = "ondermijning.statistiek.interventie"
CAMPAGNE = "ondermijning.statistiek.campagne"
NOTE_INTERVENTIONS = (
    "Alleen de periode (maand van registratie) en de gemeenten van het filter "
    "gelden voor de interventies."
)
NOTE_BIBOB = (
    "Bibob-procedures geteld naar het jaar van het advies of van het besluit, "
    "binnen de periode en de gemeenten van het filter."
)
NOTE_CAMPAIGNS = (
    "Per campagne: signalen van de gemeente van de campagne, ontvangen in de "
    "campagneperiode of gelabeld met de campagne. De periode, gemeenten, "
    "categorieën en 'alleen MMA' van het filter gelden hier."
)


class OndermijningStatistiek(models.Model):
    _inherit = "ondermijning.statistiek"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _period_domain(self, filters, date_field):
        """Whole months of the filter's period on a month column."""
        start, stop = self._period_bounds(filters, "month")
        domain = []
        if start:
            domain.append((date_field, ">=", start))
        if stop:
            domain.append((date_field, "<", stop))
        if filters.get("company_ids"):
            domain.append(("company_id", "in", list(filters["company_ids"])))
        return domain

    @api.model
    def _ordered_values(self, model, fname, values):
        """The values of a dimension in their natural order: records by
        their model's order, selections as listed, years in time, yes
        before no; none last."""
        values = set(values)
        field = model._fields.get(fname.split(":")[0])
        if field is not None and field.type == "many2one":
            ids = [value for value in values if value]
            records = self.env[field.comodel_name].sudo().browse(ids).sorted()
            ordered = records.ids
        elif field is not None and field.type == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            ordered = [key for key in keys if key in values]
        elif field is not None and field.type == "boolean":
            return [value for value in (True, False) if value in values]
        else:
            ordered = sorted(value for value in values if value)
        return ordered + ([False] if False in values or None in values else [])

    @api.model
    def _dimension_label(self, model, fname, value):
        name, _sep, granularity = fname.partition(":")
        if granularity == "year" and isinstance(value, datetime.date):
            return value.year
        return model._label(name, value)

    @api.model
    def _cross_table(self, model, figures, row_dim, col_dim, corner, title=None):
        """A table of ``row_dim`` x ``col_dim`` with its totals, as the
        workbook writes it: {title, corner, columns, rows: [(label,
        [count per column], row total)], totals: ([per column], total)}."""
        cells = {
            tuple(values): cell for values, cell in figures.groups([row_dim, col_dim])
        }
        rows = self._ordered_values(
            model, row_dim, [values[0] for values, _cell in figures.groups([row_dim])]
        )
        cols = self._ordered_values(
            model, col_dim, [values[0] for values, _cell in figures.groups([col_dim])]
        )
        empty = disclosure.Cell()
        return {
            "title": title,
            "corner": corner,
            "columns": [self._dimension_label(model, col_dim, col) for col in cols],
            "rows": [
                (
                    self._dimension_label(model, row_dim, row),
                    [figures.count(cells.get((row, col), empty)) for col in cols],
                    figures.count(figures.cell([row_dim], [row])),
                )
                for row in rows
            ],
            "totals": (
                [figures.count(figures.cell([col_dim], [col])) for col in cols],
                figures.count(figures.cell([], [])),
            ),
        }

    # ------------------------------------------------------------------
    # Interventions and the Bibob procedure
    # ------------------------------------------------------------------
    @api.model
    def _intervention_tables(self, filters):
        """Sheets of interventions: per instrument and year registered, per
        state, per gemeente; the Bibob advices and decisions per year."""
        Interventie = self.env[INTERVENTIE]
        domain = self._period_domain(filters, "date_start")
        figures = Interventie._figures(
            domain,
            [
                ["instrument_id", "date_start:year"],
                ["instrument_id", "state"],
                ["company_id", "instrument_id"],
            ],
        )
        note = self._disclosure_note(figures, Interventie._disclosure_unit)
        sheets = [
            (
                "Interventies",
                [
                    self._cross_table(
                        Interventie,
                        figures,
                        "instrument_id",
                        "date_start:year",
                        "Instrument",
                        "Interventies per instrument en jaar van registratie",
                    ),
                    self._cross_table(
                        Interventie,
                        figures,
                        "instrument_id",
                        "state",
                        "Instrument",
                        "Interventies per instrument en status",
                    ),
                ],
                [NOTE_INTERVENTIONS, note],
            ),
            (
                "Interventies per gemeente",
                [
                    self._cross_table(
                        Interventie,
                        figures,
                        "company_id",
                        "instrument_id",
                        "Gemeente",
                        "Interventies per gemeente en instrument",
                    )
                ],
                [NOTE_INTERVENTIONS, note],
            ),
        ]
        bibob = []
        notes = [NOTE_BIBOB]
        for fname, date_field, corner, title in (
            (
                "bibob_lbb_advice",
                "date_bibob_advice",
                "Advies van het LBB",
                "Adviezen van het Landelijk Bureau Bibob per jaar",
            ),
            (
                "bibob_decision",
                "date_bibob_decision",
                "Besluit",
                "Besluiten na een Bibob-procedure per jaar",
            ),
        ):
            bibob_figures = Interventie._figures(
                self._period_domain(filters, date_field) + [(fname, "!=", False)],
                [[fname, f"{date_field}:year"]],
            )
            bibob.append(
                self._cross_table(
                    Interventie,
                    bibob_figures,
                    fname,
                    f"{date_field}:year",
                    corner,
                    title,
                )
            )
            notes.append(
                self._disclosure_note(bibob_figures, Interventie._disclosure_unit)
            )
        sheets.append(("Bibob", bibob, list(dict.fromkeys(notes))))
        return sheets

    # ------------------------------------------------------------------
    # Campaigns
    # ------------------------------------------------------------------
    @api.model
    def _campaign_tables(self, filters):
        """The signals per campaign (received during it, of which MMA,
        tagged with it) and the signals received during a campaign versus
        outside one, MMA or not (the DVO evaluation of campaigns)."""
        Campagne = self.env[CAMPAGNE]
        domain = self._period_domain(filters, "date_received")
        if filters.get("categorie_ids"):
            domain.append(("categorie_id", "in", list(filters["categorie_ids"])))
        if filters.get("only_mma"):
            domain.append(("is_mma", "=", True))
        figures = Campagne._figures(
            domain,
            [["campagne_id", "in_period", "is_mma"], ["campagne_id", "tagged"]],
        )
        campaigns = self._ordered_values(
            Campagne,
            "campagne_id",
            [values[0] for values, _cell in figures.groups(["campagne_id"])],
        )
        records = (
            self.env["ondermijning.campagne"].sudo().with_context(active_test=False)
        )
        per_campaign = []
        for campagne_id in campaigns:
            campaign = records.browse(campagne_id)
            if not campaign:
                continue
            period = f"{campaign.date_from:%d-%m-%Y} t/m " + (
                f"{campaign.date_to:%d-%m-%Y}" if campaign.date_to else "…"
            )
            per_campaign.append(
                (
                    f"{campaign.name} ({campaign.company_id.name}, {period})",
                    [
                        figures.count(
                            figures.cell(
                                ["campagne_id", "in_period"], [campagne_id, True]
                            )
                        ),
                        figures.count(
                            figures.cell(
                                ["campagne_id", "in_period", "is_mma"],
                                [campagne_id, True, True],
                            )
                        ),
                        figures.count(
                            figures.cell(["campagne_id", "tagged"], [campagne_id, True])
                        ),
                    ],
                    None,
                )
            )
        tables = [
            {
                "title": "Signalen per campagne",
                "corner": "Campagne",
                "columns": [
                    "Ontvangen tijdens de campagne",
                    "Waarvan MMA",
                    "Gelabeld met de campagne",
                ],
                "rows": per_campaign,
                "totals": None,
            }
        ]
        notes = [NOTE_CAMPAIGNS, self._disclosure_note(figures)]
        during = self._figures(
            self._filter_domain(filters), [["in_campaign", "is_mma"]]
        )
        tables.append(
            self._cross_table(
                self,
                during,
                "in_campaign",
                "is_mma",
                "Ontvangen",
                "Signalen tijdens en buiten campagneperiodes",
            )
        )
        notes.append(self._disclosure_note(during))
        return [("Campagnes", tables, list(dict.fromkeys(notes)))]

    # ------------------------------------------------------------------
    @api.model
    def _statistics(self, filters):
        stats = super()._statistics(filters)
        stats["cross_sheets"] = self._intervention_tables(
            filters
        ) + self._campaign_tables(filters)
        return stats
