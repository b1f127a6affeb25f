from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.periods import local_date_sql


def received_during_sql(signal, campagne="c", day=None):
    """SQL condition: the signal (table alias ``signal``) was received, by
    its local date (``day``: an SQL expression of it), within the period of
    the campaign (alias ``campagne``) of its own gemeente. A campaign
    without an end runs on; an archived one still counts (archiving hides it
    from tagging, not from history)."""
    day = day or local_date_sql(f"{signal}.date_received")
    return (
        f"{campagne}.company_id = {signal}.company_id"
        f" AND {day} >= {campagne}.date_from"
        f" AND ({campagne}.date_to IS NULL OR {day} <= {campagne}.date_to)"
    )


def in_campaign_sql(signal):
    """SQL: the signal was received during a campaign of its gemeente."""
    return (
        "EXISTS (SELECT 1 FROM ondermijning_campagne c WHERE "
        f"{received_during_sql(signal, 'c')})"
    )


def campaign_tagged_sql(signal):
    """SQL: the signal is tagged with a campaign."""
    return (
        "EXISTS (SELECT 1 FROM ondermijning_campagne_signaal_rel r "
        f"WHERE r.ondermijning_signaal_id = {signal}.id)"
    )


class OndermijningCampagne(models.Model):
    """A campaign that brings signals in (an MMA campaign in a wijk, a
    poster campaign for the meldpunt): signals are tagged with it, so its
    effect can be measured (the DVO evaluation of MMA)."""

    _name = "ondermijning.campagne"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Campaign"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="Until")
    description = fields.Text()
    signal_count = fields.Integer(compute="_compute_signal_count")
    active = fields.Boolean(default=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for campagne in self:
            if campagne.date_to and campagne.date_to < campagne.date_from:
                raise ValidationError(self.env._("A campaign ends after it starts."))

    def _compute_signal_count(self):
        """A number, no content: the beheerder who runs the campaign sees
        what it brought in without reading signals."""
        counts = dict(
            self.env["ondermijning.signaal"]
            .sudo()
            ._read_group(
                [("campagne_ids", "in", self.ids)], ["campagne_ids"], ["__count"]
            )
        )
        for campagne in self:
            campagne.signal_count = counts.get(campagne.sudo(), 0)
