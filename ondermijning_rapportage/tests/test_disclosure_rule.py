from odoo.tests import TransactionCase, tagged

from ..report import disclosure


@tagged("post_install", "-at_install")
class TestProtectRule(TransactionCase):
    """The suppression rule itself, on plain tables."""

    @staticmethod
    def tables(cells):
        """Every margin of a two-dimensional table {(row, col): count}."""
        result = {("c", "r"): {}, ("c",): {}, ("r",): {}, (): {}}
        for (row, col), count in cells.items():
            result[("c", "r")][(col, row)] = count
            result[("c",)][(col,)] = result[("c",)].get((col,), 0) + count
            result[("r",)][(row,)] = result[("r",)].get((row,), 0) + count
            result[()][()] = result[()].get((), 0) + count
        return result

    def test_one_small_cell_takes_a_second_one_along(self):
        tables = self.tables({("a", 1): 10, ("a", 2): 3, ("b", 1): 20, ("b", 2): 9})
        hidden = disclosure.protect(tables, 5)
        self.assertEqual(hidden[()], set())
        self.assertEqual(hidden[("c",)], set())
        self.assertEqual(hidden[("r",)], set())
        # 3 is hidden; a's row and column 2 each need a second hidden cell:
        # the rectangle (a,1), (a,2), (b,1), (b,2)
        self.assertEqual(hidden[("c", "r")], {(2, "a"), (1, "a"), (2, "b"), (1, "b")})

    def test_patterns_do_not_depend_on_finer_tables(self):
        """A margin's pattern is the same whether asked alone or with its
        finer table: the pivot's totals and cells agree."""
        two = self.tables({("a", 1): 10, ("a", 2): 3, ("b", 1): 2, ("b", 2): 9})
        one = {("r",): two[("r",)], (): two[()]}
        self.assertEqual(
            disclosure.protect(one, 5)[("r",)], disclosure.protect(two, 5)[("r",)]
        )

    def lines_hold(self, cells, hidden, tables):
        """Every line of the two-dimensional table holds the rule."""
        for position in (0, 1):
            margin = ("c", "r")[:position] + ("c", "r")[position + 1 :]
            lines = {}
            for key, count in tables[("c", "r")].items():
                lines.setdefault(key[:position] + key[position + 1 :], []).append(
                    (key, count)
                )
            for margin_key, members in lines.items():
                shut = [c for key, c in members if key in hidden[("c", "r")]]
                if margin_key in hidden[margin]:
                    self.assertTrue(shut, (cells, margin_key))
                elif shut:
                    self.assertGreaterEqual(len(shut), 2, (cells, margin_key))
                    self.assertGreaterEqual(sum(shut), 5, (cells, margin_key))

    def test_hidden_sums_are_never_a_single_small_number(self):
        for cells in (
            {("a", 1): 1, ("a", 2): 1, ("a", 3): 9, ("b", 3): 7, ("b", 2): 8},
            {("a", 1): 4, ("b", 1): 4, ("c", 1): 30, ("a", 2): 6, ("c", 2): 5},
            {("a", 1): 2, ("a", 2): 2, ("a", 3): 2, ("b", 3): 40, ("b", 1): 6},
        ):
            tables = self.tables(cells)
            hidden = disclosure.protect(tables, 5)
            for grouping, keys in hidden.items():
                for key in keys:
                    self.assertIn(key, tables[grouping])
            self.lines_hold(cells, hidden, tables)

    def test_a_cell_its_margin_gives_away_is_not_chosen(self):
        """Column 3 holds only (a, 3): hiding it would protect nothing, so
        row a's second hidden cell is another one."""
        cells = {("a", 1): 2, ("a", 2): 8, ("a", 3): 9, ("b", 1): 7, ("b", 2): 6}
        hidden = disclosure.protect(self.tables(cells), 5)[("c", "r")]
        self.assertNotIn((3, "a"), hidden)
        self.assertIn((2, "a"), hidden)

    def test_what_the_margins_alone_fix_stays_fixed(self):
        """The documented limit: when the margins alone determine the small
        cells (here a1 + a2 = 11 - 9, as column 3 only holds row a), no
        choice of hidden cells helps; every cell of the line is hidden."""
        cells = {("a", 1): 1, ("a", 2): 1, ("a", 3): 9, ("b", 1): 7, ("b", 2): 8}
        hidden = disclosure.protect(self.tables(cells), 5)[("c", "r")]
        self.assertEqual(hidden, {(1, "a"), (2, "a"), (3, "a"), (1, "b"), (2, "b")})

    def test_subcounts(self):
        self.assertTrue(disclosure.hides_subcount(12, 11, 5), "1 open signal")
        self.assertTrue(disclosure.hides_subcount(12, 2, 5))
        self.assertFalse(disclosure.hides_subcount(12, 0, 5))
        self.assertFalse(disclosure.hides_subcount(12, 12, 5))
        self.assertFalse(disclosure.hides_subcount(12, 6, 5))
