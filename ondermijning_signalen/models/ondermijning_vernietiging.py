import logging

from odoo import api, fields, models, modules
from odoo.tools import SQL

from ..tools import crypto, journal
from .ondermijning_weging_uitkomst import END_STATES

_logger = logging.getLogger(__name__)
JOURNAL_OFFSET = "ondermijning.destruction_journal_offset"
JOURNAL_LOCK = 7283100  # advisory lock: append to the journal, then commit

RECORD_KINDS = [("signaal", "Signal"), ("casus", "Casus")]


class OndermijningVernietiging(models.Model):
    """One line per destroyed record: what kind of record, which reference,
    under which rule and when. No content; the rule is copied as plain
    values so that the line still says what applied after the rule changed.
    Read (and exported) by the privacyfunctionaris; written by the purge."""

    _name = "ondermijning.vernietiging"
    _check_company_auto = True
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Destruction log"
    _order = "date_destroyed desc, id desc"
    _log_access = False
    _rec_name = "reference"

    reference = fields.Char(required=True, readonly=True, index=True)
    record_kind = fields.Selection(
        RECORD_KINDS, string="Kind of record", required=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    end_state = fields.Selection(END_STATES, readonly=True)
    bewaartermijn_id = fields.Many2one(
        "ondermijning.bewaartermijn",
        string="Retention period",
        readonly=True,
        ondelete="set null",
        check_company=True,
    )
    rule_months = fields.Integer(string="Months kept (rule at the time)", readonly=True)
    rule_seal = fields.Boolean(string="Sealed (rule at the time)", readonly=True)
    rule_requires_approval = fields.Boolean(
        string="Approval required (rule at the time)", readonly=True
    )
    date_end = fields.Date(string="Ended on", readonly=True)
    date_destroy = fields.Date(string="Planned destruction", readonly=True)
    date_destroyed = fields.Datetime(
        string="Destroyed on", required=True, readonly=True, index=True
    )
    vernietigingslijst_id = fields.Many2one(
        "ondermijning.vernietigingslijst",
        string="Approved destruction list",
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Destroyed by",
        readonly=True,
        ondelete="restrict",
        help="The user who ran the purge (the scheduler's user for "
        "the daily scheduled action).",
    )

    @api.model
    def _create_for_signals(self, signal_ids):
        if not signal_ids:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO ondermijning_vernietiging (
                reference, record_kind, company_id, end_state, bewaartermijn_id,
                rule_months, rule_seal, rule_requires_approval, date_end, date_destroy,
                date_destroyed, vernietigingslijst_id, user_id)
            SELECT s.name, 'signaal', s.company_id, s.end_state, s.bewaartermijn_id,
                   r.months, COALESCE(r.seal, FALSE),
                   COALESCE(r.requires_approval, FALSE),
                   s.date_end::date, s.date_destroy, %(now)s,
                   (SELECT l.lijst_id FROM ondermijning_vernietigingslijst_regel l
                      JOIN ondermijning_vernietigingslijst v ON v.id = l.lijst_id
                     WHERE l.signaal_id = s.id AND l.state = 'proposed'
                       AND v.state = 'approved'
                  ORDER BY l.id DESC LIMIT 1),
                   %(uid)s
              FROM ondermijning_signaal s
         LEFT JOIN ondermijning_bewaartermijn r ON r.id = s.bewaartermijn_id
             WHERE s.id IN %(ids)s
            """,
                now=fields.Datetime.now(),
                uid=self.env.uid,
                ids=tuple(signal_ids),
            )
        )
        self.invalidate_model()
        return self.env.cr.rowcount

    @api.model
    def _create_for_casussen(self, casus_ids):
        """A casus is destroyed with its last signal: under the rule for a
        closed casus of its gemeente, counted from the end of monitoring."""
        if not casus_ids:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO ondermijning_vernietiging (
                reference, record_kind, company_id, end_state, bewaartermijn_id,
                rule_months, rule_seal, rule_requires_approval, date_end, date_destroy,
                date_destroyed, user_id)
            SELECT c.name, 'casus', c.company_id, 'casus_afgesloten', r.id,
                   r.months, COALESCE(r.seal, FALSE),
                   COALESCE(r.requires_approval, FALSE),
                   c.date_closed::date,
                   (COALESCE(c.monitoring_until, c.date_closed::date)
                    + make_interval(months => r.months))::date,
                   %(now)s, %(uid)s
              FROM ondermijning_casus c
         LEFT JOIN ondermijning_bewaartermijn r
                ON r.company_id = c.company_id AND r.end_state = 'casus_afgesloten'
             WHERE c.id IN %(ids)s
            """,
                now=fields.Datetime.now(),
                uid=self.env.uid,
                ids=tuple(casus_ids),
            )
        )
        self.invalidate_model()
        return self.env.cr.rowcount

    # ------------------------------------------------------------------
    # The destruction journal (tools/journal.py): outside the database
    # ------------------------------------------------------------------
    @api.model
    def _journal_path(self):
        """The journal, when one is configured. Not in tests, which roll
        back what they destroyed while a file keeps it (to the journal, a
        rolled-back destruction is one to do again), unless a test asks
        for it with a journal of its own."""
        if modules.module.current_test and not self.env.context.get(
            "ondermijning_test_journal"
        ):
            return None
        return journal.path()

    @api.model
    def _journal_hashes(self, signal_ids):
        """{signal id: keyed hash of its identity}. The identity is the
        database's uuid, the id and the creation time (to the microsecond),
        which a signal made after a restore never shares with one destroyed
        before it, although it may get the same id and reference. Without
        a journal, nothing (and no key needed)."""
        if not signal_ids or not self._journal_path():
            return {}
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        self.env.cr.execute(
            "SELECT id, create_date FROM ondermijning_signaal WHERE id IN %s",
            [tuple(signal_ids)],
        )
        index = crypto.blind_indexer(self.env, "vernietiging")
        return {
            signal_id: index(f"{uuid}:{signal_id}:{created}")
            for signal_id, created in self.env.cr.fetchall()
        }

    @api.model
    def _journal_append(self, hashes):
        """Journal destroyed signals before their destruction is committed
        (a crash in between journals a signal that is then destroyed on the
        next run: it was due). The lock keeps concurrent purges from
        committing the offset past another's lines still uncommitted. The
        offset moves past these lines only when everything before them was
        read: lines not read yet (after a restore) are read on the next run."""
        path = self._journal_path()
        if not path or not hashes:
            return
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", [JOURNAL_LOCK])
        stamp = fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        start, end = journal.append(path, stamp, sorted(set(hashes)))
        if self._journal_offset() >= start:
            self._journal_set_offset(end)

    @api.model
    def _journal_offset(self):
        """How far this database has read the journal (a system parameter,
        read and written in SQL: changing it through the ORM would clear
        every worker's caches once per batch of a purge)."""
        self.env.cr.execute(
            "SELECT value FROM ir_config_parameter WHERE key = %s", [JOURNAL_OFFSET]
        )
        row = self.env.cr.fetchone()
        return int(row[0]) if row and row[0] else 0

    @api.model
    def _journal_set_offset(self, end):
        self.env.cr.execute(
            """INSERT INTO ir_config_parameter
                   (key, value, create_uid, create_date, write_uid, write_date)
               VALUES (%(key)s, %(value)s, %(uid)s, now() at time zone 'UTC',
                       %(uid)s, now() at time zone 'UTC')
               ON CONFLICT (key) DO UPDATE
               SET value = EXCLUDED.value, write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date""",
            {"key": JOURNAL_OFFSET, "value": str(end), "uid": self.env.uid},
        )

    @api.model
    def _journal_replay_ids(self):
        """The signals of this database that the journal says were destroyed:
        after a restore, those destroyed after the backup. Only the lines
        not read before are read, so this costs nothing on an ordinary day.
        Returns (ids, offset to store once they are destroyed)."""
        path = self._journal_path()
        if not path:
            return [], None
        hashes, end = journal.read(path, self._journal_offset())
        if not hashes:
            return [], end
        self.env.cr.execute("SELECT id FROM ondermijning_signaal")
        all_ids = [row[0] for row in self.env.cr.fetchall()]
        try:
            known = self._journal_hashes(all_ids)
        except crypto.EncryptionKeyError:
            _logger.warning(
                "Retention purge: the destruction journal cannot be read without "
                "the encryption keys; it is read again on the next run."
            )
            return [], None
        return sorted(i for i, digest in known.items() if digest in hashes), end

    @api.model
    def _journal_done(self, end):
        """Every line up to ``end`` was applied to this database (moving
        back is harmless: lines read twice find nothing the second time)."""
        if end is not None and self._journal_offset() != end:
            self._journal_set_offset(end)
