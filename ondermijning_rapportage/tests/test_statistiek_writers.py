from odoo.tests import TransactionCase, tagged

from odoo.addons.ondermijning_rapportage.report.ondermijning_statistiek_cells import (
    CELLS,
)


@tagged("post_install", "-at_install")
class TestStatistiekConcurrentWriters(TransactionCase):
    """Two officials changing signals of the same gemeente and month at the
    same time: the statistics' aggregates make neither wait for the other
    (each inserts its own deltas; no cell row is updated in place)."""

    def test_writers_of_one_cell_do_not_wait(self):
        self.env.cr.execute(
            """SELECT s1.id, s2.id FROM ondermijning_signaal s1
                 JOIN ondermijning_signaal s2
                   ON s2.company_id = s1.company_id
                  AND date_trunc('month', s2.date_received)
                      = date_trunc('month', s1.date_received)
                  AND s2.id > s1.id
                ORDER BY s1.id LIMIT 1"""
        )
        pair = self.env.cr.fetchone()
        self.assertTrue(pair, "the demo data has two signals of one cell")
        with self.registry.cursor() as first, self.registry.cursor() as second:
            try:
                deltas = []
                for cursor, signal_id in zip((first, second), pair, strict=True):
                    # waiting for the other transaction would fail at once
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                    cursor.execute(
                        "UPDATE ondermijning_signaal"
                        " SET date_stap2 = now() at time zone 'UTC',"
                        " date_deadline = date_deadline + 30"
                        " WHERE id = %s",
                        [signal_id],
                    )
                for cursor in (first, second):
                    cursor.execute(f"SELECT count(*) FROM {CELLS} WHERE NOT folded")
                    deltas.append(cursor.fetchone()[0])
                self.assertTrue(all(deltas), "each wrote its own deltas")
            finally:
                first.rollback()
                second.rollback()
