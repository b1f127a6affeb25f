# pylint: disable=consider-merging-classes-inherited
"""Who sits at an overleg with a signal on its agenda, kept as stored data.

The overleg partner's record rules asked ``overleg_ids.user_ids in [user]``:
a semi-join that PostgreSQL walks from the agenda side, reading every signal
ever on his agendas for each query of his board and list (issue 16: it grew
with the history of his overleggen). The same relation, (signal, participant),
is kept here in one table with an index on the participant, so that the rule
is one probe per signal or one index range per participant. It is maintained
in the transaction of every change to an agenda or its participants (below
and in ``ondermijning.overleg``), and made again by one SQL statement on
install and upgrade (and by ``tools/generate_data.py``, which copies rows
with SQL). Deleting a signal, a user or an agenda row removes its rows by the
foreign keys' cascade.
"""

from odoo import api, fields, models

from .ondermijning_case_mixin import STAFF_GROUP

# The definition: a participant of an overleg with the signal on its agenda.
_DEFINITION = """
    SELECT DISTINCT a.ondermijning_signaal_id, p.res_users_id
      FROM ondermijning_overleg_ondermijning_signaal_rel a
      JOIN ondermijning_overleg_res_users_rel p
        ON p.ondermijning_overleg_id = a.ondermijning_overleg_id
"""


class OndermijningSignaal(models.Model):
    _inherit = "ondermijning.signaal"

    participant_user_ids = fields.Many2many(
        "res.users",
        "ondermijning_signaal_participant_rel",
        "signaal_id",
        "user_id",
        string="Agenda participants",
        readonly=True,
        copy=False,
        # names people: for the staff only (the rules read it as the server)
        groups=STAFF_GROUP,
        help="The participants of the overleggen with this signal on their "
        "agenda (kept by the agenda's changes; the partners' record rules).",
    )

    def init(self):
        result = super().init()
        # after every model's tables exist (the overleg's relations too)
        self.pool.post_init(self._sync_participants)
        return result

    @api.model
    def _sync_participants(self, signal_ids=None):
        """Make the stored participants of ``signal_ids`` (all when None)
        equal to the definition: one DELETE of what is no longer so, one
        INSERT of what is missing."""
        if signal_ids is not None and not signal_ids:
            return
        self.env["ondermijning.overleg"].flush_model(["signaal_ids", "user_ids"])
        self.flush_model(["overleg_ids"])
        cr = self.env.cr
        only = "" if signal_ids is None else "WHERE a.ondermijning_signaal_id = ANY(%s)"
        params = [] if signal_ids is None else [list(signal_ids)]
        cr.execute(
            f"""DELETE FROM ondermijning_signaal_participant_rel r
                 WHERE {"TRUE" if signal_ids is None else "r.signaal_id = ANY(%s)"}
                   AND NOT EXISTS (
                       SELECT 1
                         FROM ondermijning_overleg_ondermijning_signaal_rel a
                         JOIN ondermijning_overleg_res_users_rel p
                           ON p.ondermijning_overleg_id = a.ondermijning_overleg_id
                        WHERE a.ondermijning_signaal_id = r.signaal_id
                          AND p.res_users_id = r.user_id)""",  # noqa: S608
            params,
        )
        cr.execute(
            f"""INSERT INTO ondermijning_signaal_participant_rel (signaal_id, user_id)
                {_DEFINITION} {only}
                ON CONFLICT DO NOTHING""",  # noqa: S608
            params,
        )
        self.invalidate_model(["participant_user_ids"])

    @api.model_create_multi
    def create(self, vals_list):
        signals = super().create(vals_list)
        if any(vals.get("overleg_ids") for vals in vals_list):
            self._sync_participants(signals.ids)
        return signals

    def write(self, vals):
        result = super().write(vals)
        if "overleg_ids" in vals:
            self._sync_participants(self.ids)
        return result
