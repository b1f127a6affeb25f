"""Retention: the rules per gemeente and end state, and the one engine that
applies them (seal, propose, destroy, remind). The scheduled actions only
call the engine."""

import logging
import time
from datetime import timedelta

from odoo import api, fields, models, modules
from odoo.tools import SQL, split_every

from .. import stappenplan
from ..tools.purged_files import PurgedFileRemover
from .ondermijning_weging_uitkomst import END_STATES

_logger = logging.getLogger(__name__)

# The protocol: a signal not taken into treatment is kept encrypted for one
# year (sealed) and then destroyed. The other periods are the gemeente's
# choice; these are starting values it is expected to change.
DEFAULT_RULES = {
    "niet_in_behandeling": {"months": 12, "seal": True},
    "doorverwezen": {"months": 12, "seal": False},
    "afdeling": {"months": 24, "seal": False},
    "riec": {"months": 24, "seal": False},
    "casus_afgesloten": {"months": 60, "seal": False},
}
RULE_FIELDS_THAT_MOVE_SIGNALS = {"company_id", "end_state", "months", "seal", "active"}
# The purge's batches when no size is given: the first one this size, the
# next ones sized to take about BATCH_SECONDS each, within these bounds. A
# batch is one transaction holding its signals' locks; the statements and
# commits per batch are what small batches pay per signal.
BATCH_FIRST = 500
BATCH_MIN = 100
BATCH_MAX = 5000
BATCH_SECONDS = 3.0


class OndermijningBewaartermijn(models.Model):
    """How long a signal is kept after it ended, per gemeente and end state."""

    _name = "ondermijning.bewaartermijn"
    _inherit = ["ondermijning.guard.mixin"]
    _description = "Retention period"
    _order = "company_id, end_state, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        string="Gemeente",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    end_state = fields.Selection(END_STATES, required=True)
    months = fields.Integer(
        string="Months kept",
        required=True,
        default=12,
        help="Months after the end of the signal (for a closed casus: after the end "
        "of its monitoring) until it is destroyed.",
    )
    seal = fields.Boolean(
        string="Sealed until destruction",
        help="After it ended, the signal is hidden from everyone but the "
        "privacyfunctionaris, who must state a reason to open it.",
    )
    requires_approval = fields.Boolean(
        string="Destruction list needs approval",
        help="The scheduled action proposes a destruction list; nothing is destroyed "
        "before the privacyfunctionaris approved it (Archiefwet practice).",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "company_end_state_unique",
            "unique(company_id, end_state)",
            "A gemeente has one retention period per end state.",
        ),
        (
            "months_not_negative",
            "CHECK(months >= 0)",
            "A retention period cannot be negative.",
        ),
    ]

    @api.depends("end_state", "months")
    def _compute_display_name(self):
        labels = dict(self._fields["end_state"]._description_selection(self.env))
        for rule in self:
            rule.display_name = self.env._(
                "%(state)s: %(months)s months",
                state=labels.get(rule.end_state, ""),
                months=rule.months,
            )

    # ------------------------------------------------------------------
    # Keeping the signals' destruction dates in line with the rules
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._sync_signals(rules._pairs())
        return rules

    def write(self, vals):
        before = self._pairs()
        result = super().write(vals)
        if RULE_FIELDS_THAT_MOVE_SIGNALS & set(vals):
            self._sync_signals(before | self._pairs())
        return result

    def unlink(self):
        pairs = self._pairs()
        result = super().unlink()
        self._sync_signals(pairs)
        return result

    def _pairs(self):
        return {(rule.company_id.id, rule.end_state) for rule in self}

    @api.model
    def _sync_signals(self, pairs):
        """Set rule, destruction date and seal of the ended signals of the
        given (gemeente, end state) pairs in one set-based statement: a rule
        change touches up to 10^6 signals, which a per-record compute would
        load into memory. The same formula as the signal's compute."""
        pairs = {
            (company_id, state) for company_id, state in pairs if company_id and state
        }
        if not pairs:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            WITH target AS (
                SELECT s.id,
                       r.id AS rule_id,
                       CASE WHEN r.id IS NULL OR s.date_end IS NULL THEN NULL
                            ELSE (COALESCE(CASE WHEN s.end_state = 'casus_afgesloten'
                                                THEN c.monitoring_until END,
                                           s.date_end::date)
                                  + make_interval(months => r.months))::date
                       END AS date_destroy,
                       CASE WHEN r.id IS NULL OR NOT r.seal THEN FALSE
                            ELSE COALESCE(s.is_sealed, FALSE) END AS is_sealed
                  FROM ondermijning_signaal s
             LEFT JOIN ondermijning_bewaartermijn r
                    ON r.company_id = s.company_id AND r.end_state = s.end_state
                   AND r.active
             LEFT JOIN ondermijning_casus c ON c.id = s.casus_id
                 WHERE s.end_state IS NOT NULL
                   AND (s.company_id, s.end_state) IN %(pairs)s
            )
            UPDATE ondermijning_signaal s
               SET bewaartermijn_id = t.rule_id,
                   date_destroy = t.date_destroy,
                   is_sealed = t.is_sealed
              FROM target t
             WHERE s.id = t.id
               AND (s.bewaartermijn_id IS DISTINCT FROM t.rule_id
                    OR s.date_destroy IS DISTINCT FROM t.date_destroy
                    OR s.is_sealed IS DISTINCT FROM t.is_sealed)
            """,
                pairs=tuple(sorted(pairs)),
            )
        )
        count = self.env.cr.rowcount
        self.env["ondermijning.signaal"].invalidate_model(
            ["bewaartermijn_id", "date_destroy", "is_sealed"]
        )
        return count

    # ------------------------------------------------------------------
    # The engine
    # ------------------------------------------------------------------
    @api.model
    def _auto_commit(self):
        return not modules.module.current_test

    @api.model
    def _cron_purge(self, batch_size=None, limit=None):
        """Daily: seal what ended, propose destruction lists where approval
        is required, and destroy every signal whose retention expired, batch
        by batch. Each batch is committed with its traces and log lines, so
        an interruption leaves whole records only and the next run goes on
        where it stopped. ``batch_size``: signals per batch (default: sized
        as the run goes, ``_next_batch_size``). Returns (destroyed, failed)."""
        self = self.sudo()
        today = fields.Date.today()
        self._replay_destruction_journal(today, batch_size)
        # what is destroyed today is not sealed first (at 10^5 signals that
        # rewrote every row just before deleting it); what is left is sealed
        # after the destruction
        self._seal_ended_signals(today, skip_destroyable=True)
        self._propose_destruction_lists(today)
        candidate_ids = self._purge_candidate_ids(today, limit=limit)
        destroyed, failed = self._destroy_in_batches(candidate_ids, today, batch_size)
        self._seal_ended_signals(today)
        if limit and len(candidate_ids) >= limit:
            # time-boxed run: let the scheduler call again soon for the rest
            self.env["ir.cron"]._notify_progress(done=destroyed, remaining=1)
        self.env["ondermijning.vernietigingslijst"]._close_finished_lists()
        if failed:
            _logger.warning(
                "Retention purge: %s signal(s) could not be destroyed; "
                "they are retried on the next run.",
                len(failed),
            )
        _logger.info("Retention purge: %s signal(s) destroyed.", destroyed)
        return destroyed, failed

    @api.model
    def _replay_destruction_journal(self, today, batch_size):
        """After a restore: destroy again what was destroyed after the
        backup, as the journal outside the database says, whatever the
        restored rules, lists and holds say (the decision was taken)."""
        Vernietiging = self.env["ondermijning.vernietiging"]
        replay_ids, end = Vernietiging._journal_replay_ids()
        destroyed = 0
        if replay_ids:
            destroyed, _failed = self._destroy_in_batches(
                replay_ids, today, batch_size, replay=True
            )
            _logger.info(
                "Retention purge: %s signal(s) destroyed again after a restore "
                "(destruction journal).",
                destroyed,
            )
        # what failed or was locked by another transaction: read again next time
        if destroyed == len(replay_ids):
            Vernietiging._journal_done(end)
            if self._auto_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return replay_ids

    @api.model
    def _seal_ended_signals(self, today, skip_destroyable=False):
        """Seal the signals whose rule says so, from the day after they ended
        (``skip_destroyable``: except those that may be destroyed today)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            UPDATE ondermijning_signaal s
               SET is_sealed = TRUE
              FROM ondermijning_bewaartermijn r
             WHERE r.id = s.bewaartermijn_id AND r.seal AND r.active
               AND s.end_state IS NOT NULL AND NOT COALESCE(s.is_sealed, FALSE)
               AND s.date_end < %(today)s
               %(skip)s
            RETURNING s.id
            """,
                today=today,
                skip=SQL(
                    "AND NOT (%s AND %s)",
                    self._expired_sql(today),
                    self._approved_sql(),
                )
                if skip_destroyable
                else SQL(),
            )
        )
        sealed_ids = [row[0] for row in self.env.cr.fetchall()]
        if sealed_ids:
            Signal = self.env["ondermijning.signaal"]
            Signal.invalidate_model(["is_sealed"])
            Signal.browse(sealed_ids)._seal_cleanup()
            _logger.info("Retention: %s signal(s) sealed.", len(sealed_ids))
        return len(sealed_ids)

    @api.model
    def _expired_sql(self, today):
        """Signals of ``s`` (joined with their rule ``r``) that may be
        destroyed today, apart from approval: expired, ended, not held and
        not part of a casus that is still open."""
        return SQL(
            """
            s.date_destroy <= %(today)s
            AND s.end_state IS NOT NULL
            AND NOT COALESCE(s.legal_hold, FALSE)
            AND (s.casus_id IS NULL OR EXISTS (
                    SELECT 1 FROM ondermijning_casus c
                     WHERE c.id = s.casus_id AND c.state = %(closed)s))
            """,
            today=today,
            closed=stappenplan.CASUS_CLOSED,
        )

    @api.model
    def _approved_sql(self):
        """Where the rule requires approval: only signals on an approved list."""
        return SQL(
            """
            (r.requires_approval IS NOT TRUE OR EXISTS (
                SELECT 1 FROM ondermijning_vernietigingslijst_regel l
                  JOIN ondermijning_vernietigingslijst v ON v.id = l.lijst_id
                 WHERE l.signaal_id = s.id AND l.state = 'proposed'
                   AND v.state = 'approved'))
            """
        )

    @api.model
    def _purge_candidate_ids(self, today, limit=None):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            SELECT s.id
              FROM ondermijning_signaal s
         LEFT JOIN ondermijning_bewaartermijn r ON r.id = s.bewaartermijn_id
             WHERE %(expired)s AND %(approved)s
          ORDER BY s.date_destroy, s.id
             %(limit)s
            """,
                expired=self._expired_sql(today),
                approved=self._approved_sql(),
                limit=SQL("LIMIT %s", limit) if limit else SQL(),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _lock_destroyable(self, ids, today, replay=False):
        """Lock the signals of a batch that may still be destroyed now (a
        hold placed or a casus reopened since the selection keeps them),
        skipping those another purge is working on. ``replay``: signals the
        destruction journal names, destroyed whatever the rules say."""
        self.env.flush_all()
        if replay:
            self.env.cr.execute(
                "SELECT id FROM ondermijning_signaal WHERE id IN %s "
                "ORDER BY id FOR UPDATE SKIP LOCKED",
                [tuple(ids)],
            )
            return [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            SQL(
                """
            SELECT s.id
              FROM ondermijning_signaal s
         LEFT JOIN ondermijning_bewaartermijn r ON r.id = s.bewaartermijn_id
             WHERE s.id IN %(ids)s AND %(expired)s AND %(approved)s
          ORDER BY s.id
               FOR UPDATE OF s SKIP LOCKED
            """,
                ids=tuple(ids),
                expired=self._expired_sql(today),
                approved=self._approved_sql(),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _next_batch_size(self, size, seconds):
        """The size of the next batch when none was given: about
        BATCH_SECONDS of work (at most twice or half the last size)."""
        factor = min(max(BATCH_SECONDS / max(seconds, 0.001), 0.5), 2.0)
        return min(max(int(size * factor), BATCH_MIN), BATCH_MAX)

    @api.model
    def _destroy_in_batches(self, candidate_ids, today, batch_size=None, replay=False):
        """Destroy batch by batch. A batch is one unit (savepoint, then a
        commit outside tests); when a record in it fails, the batch is
        redone in halves (``_destroy_part``) so that only the failing one is
        skipped. What went is journaled outside the database before the
        commit (``replay``: it is in the journal already)."""
        Vernietiging = self.env["ondermijning.vernietiging"]
        Attachment = self.env["ir.attachment"].sudo()
        Cron = self.env["ir.cron"]
        # what an interrupted run deleted but did not get to remove
        Attachment._ondermijning_remove_queued_files()
        total = len(candidate_ids)
        destroyed, failed = 0, []
        size = batch_size or BATCH_FIRST
        position = 0
        remover = PurgedFileRemover(Attachment)
        try:
            while position < total:
                started = time.monotonic()
                batch_ids = candidate_ids[position : position + size]
                position += len(batch_ids)
                ids = self._lock_destroyable(batch_ids, today, replay=replay)
                hashes = {} if replay else Vernietiging._journal_hashes(ids)
                gone, files = [], []
                self._destroy_part(ids, gone, files, failed)
                destroyed += len(gone)
                # the files are queued with the deletion of their rows; those
                # of the batches before that are removed meanwhile come off
                Attachment._ondermijning_queue_files(files)
                remover.collect()
                Vernietiging._journal_append([hashes[i] for i in gone if i in hashes])
                remaining = max(total - destroyed - len(failed), 0)
                Cron._notify_progress(done=destroyed, remaining=remaining)
                if self._auto_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                # the rows are gone (committed): now the files, in a thread
                # while the next batch runs
                remover.submit(files)
                if not batch_size:
                    size = self._next_batch_size(size, time.monotonic() - started)
        except BaseException:
            remover.shutdown()  # what was submitted stays queued
            raise
        remover.close()
        Cron._notify_progress(done=destroyed, remaining=0)
        return destroyed, failed

    @api.model
    def _destroy_part(self, ids, gone, files, failed):
        """Destroy the signals ``ids`` as one unit (a savepoint): all of them
        or none. When that fails, each half is tried on its own, down to the
        record that fails, which is skipped (``failed``) and retried on the
        next run: a batch of n with one bad record costs about 2·log2(n)
        tries, not n. ``gone`` and ``files`` receive what went."""
        if not ids:
            return
        part_files = []
        try:
            with self.env.cr.savepoint():
                self.env["ondermijning.signaal"].sudo().browse(ids)._retention_destroy(
                    part_files
                )
        except Exception:
            self.env.invalidate_all()
            if len(ids) == 1:
                # no content in the log: the id is enough to find it
                _logger.exception(
                    "Retention purge: signal id %s could not be destroyed.", ids[0]
                )
                failed.append(ids[0])
                return
            _logger.info(
                "Retention purge: a batch of %s failed; retrying it in halves.",
                len(ids),
                exc_info=True,
            )
            half = len(ids) // 2
            self._destroy_part(ids[:half], gone, files, failed)
            self._destroy_part(ids[half:], gone, files, failed)
            return
        gone.extend(ids)
        files.extend(part_files)

    @api.model
    def _propose_destruction_lists(self, today):
        """Where the gemeente wants to approve first, put what expired on a
        destruction list (once) for the privacyfunctionaris."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            SELECT s.company_id, array_agg(s.id ORDER BY s.date_destroy, s.id)
              FROM ondermijning_signaal s
              JOIN ondermijning_bewaartermijn r ON r.id = s.bewaartermijn_id
             WHERE r.requires_approval AND %(expired)s
               AND NOT EXISTS (
                    SELECT 1 FROM ondermijning_vernietigingslijst_regel l
                      JOIN ondermijning_vernietigingslijst v ON v.id = l.lijst_id
                     WHERE l.signaal_id = s.id AND l.state = 'proposed'
                       AND v.state IN ('proposed', 'approved'))
          GROUP BY s.company_id
            """,
                expired=self._expired_sql(today),
            )
        )
        Lijst = self.env["ondermijning.vernietigingslijst"].sudo()
        lists = Lijst.browse()
        for company_id, signal_ids in self.env.cr.fetchall():
            lists |= Lijst._propose(company_id, signal_ids, today)
        return lists

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    @api.model
    def _cron_remind(self):
        """Remind the owner once, a number of days (per gemeente) before a
        signal is destroyed, so that a hold can still be asked for. The
        activity names nothing but the deadline."""
        today = fields.Date.today()
        Signal = self.env["ondermijning.signaal"].sudo()
        reminded = 0
        companies = self.env["res.company"].sudo().search([("id", "!=", False)])
        for company in companies:
            horizon = today + timedelta(
                days=company.ondermijning_retention_reminder_days
            )
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                SELECT s.id FROM ondermijning_signaal s
                 WHERE s.company_id = %(company)s
                   AND s.date_destroy BETWEEN %(today)s AND %(horizon)s
                   AND s.user_id IS NOT NULL
                   AND NOT COALESCE(s.legal_hold, FALSE)
                   AND NOT COALESCE(s.is_sealed, FALSE)
                   AND s.retention_reminded_for IS DISTINCT FROM s.date_destroy
                """,
                    company=company.id,
                    today=today,
                    horizon=horizon,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            for batch in split_every(500, ids, Signal.browse):
                batch._retention_remind()
                reminded += len(batch)
                if self._auto_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return reminded
