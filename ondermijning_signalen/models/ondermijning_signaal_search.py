# pylint: disable=consider-merging-classes-inherited
"""Finding signals by a subject or object (KvK number, BAG id, postcode and
house number, name and date of birth) through the subjects' blind indexes:
the values themselves are encrypted and cannot be searched."""

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import subject_keys
from .ondermijning_signaal import CASE_GROUPS


class OndermijningSignaal(models.Model):
    _inherit = "ondermijning.signaal"

    subject_search = fields.Char(
        string="Subject or object",
        compute="_compute_subject_search",
        search="_search_subject_search",
        groups=CASE_GROUPS,
        help="KvK number, BAG id, postcode and house number, or name and date of "
        "birth, exactly as registered.",
    )

    def _compute_subject_search(self):
        self.subject_search = False

    def _search_subject_search(self, operator, value):
        """The blind index of the typed value, matched exactly: the subjects
        are encrypted, so a part of a value finds nothing (and tells
        nothing). The signals' own rules and seals apply as to any search."""
        if operator not in ("=", "ilike", "like", "=ilike", "=like"):
            raise UserError(
                self.env._(
                    "A subject or object is found by its exact KvK number, BAG id, "
                    "postcode and house number, or name and date of birth."
                )
            )
        if not isinstance(value, str):
            return [("id", "=", False)]
        conditions = [
            (f"subject_ids.{scope}_key", "=", subject_keys.key(self.env, scope, typed))
            for scope, typed in subject_keys.typed_values(value).items()
            if typed
        ]
        if not conditions:
            return [("id", "=", False)]
        return ["|"] * (len(conditions) - 1) + conditions
