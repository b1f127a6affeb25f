from odoo.tests import tagged

from .common import OndermijningCase

KANBAN_SPEC = {
    "name": {},
    "mma_number": {},
    "categorie_id": {"fields": {"display_name": {}}},
    "date_received": {},
    "end_state": {},
    "next_weging": {},
    "is_overdue": {},
    "date_deadline": {},
    "stage_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "activity_ids": {},
    "activity_state": {},
}
# A page smaller than the smallest set, so that both sets need the count
# query the web client makes when there are more records than one page.
PAGE = 5
LIST_SPEC = dict(
    KANBAN_SPEC,
    herkomst_id={"fields": {"display_name": {}}},
    company_id={"fields": {"display_name": {}}},
)


@tagged("post_install", "-at_install")
class TestQueryCounts(OndermijningCase):
    """The board, a list page and a form cost the same number of queries
    whatever the number of signals (not a timing test)."""

    def make_signals(self, count):
        signals = self.env["ondermijning.signaal"].create(
            [
                {
                    "categorie_id": self.categorie.id,
                    "company_id": self.gemeente.id,
                    "user_id": self.users["medewerker"].id,
                    "description": f"Signaal {number}",
                }
                for number in range(count)
            ]
        )
        for signal in signals[: count // 2]:
            self.weeg(signal, "w1", "ondermijning")
        return signals

    def queries(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        return self.env.cr.sql_log_count - before

    def load_board(self):
        Signal = self.env["ondermijning.signaal"].with_user(self.users["medewerker"])
        groups = Signal.web_read_group(
            [("end_state", "=", False)], ["stage_id"], ["stage_id"]
        )
        for group in groups["groups"]:
            if group["stage_id_count"]:
                Signal.web_search_read(group["__domain"], KANBAN_SPEC, limit=PAGE)

    def load_list(self):
        Signal = self.env["ondermijning.signaal"].with_user(self.users["medewerker"])
        Signal.web_search_read([], LIST_SPEC, limit=PAGE, count_limit=10001)

    def load_form(self, signal):
        signal.with_user(self.users["medewerker"]).web_read(
            {
                "name": {},
                "description": {},
                "weging_ids": {"fields": {"weging_type": {}, "uitkomst_id": {}}},
                "subject_ids": {"fields": {"kind": {}, "name": {}}},
                "earlier_signal_count": {},
                "next_weging": {},
                "mma_duplicate_count": {},
            }
        )

    def test_board_list_and_form_do_not_grow_with_the_number_of_signals(self):
        self.make_signals(8)
        self.load_board()  # warm-up (caches of views, groups, rules)
        self.load_list()
        small = {
            "board": self.queries(self.load_board),
            "list": self.queries(self.load_list),
        }
        signals = self.make_signals(40)
        small["form"] = self.queries(lambda: self.load_form(signals[0]))
        self.make_signals(40)
        large = {
            "board": self.queries(self.load_board),
            "list": self.queries(self.load_list),
            "form": self.queries(lambda: self.load_form(signals[1])),
        }
        for what, count in small.items():
            with self.subTest(what=what):
                self.assertLessEqual(
                    large[what],
                    count,
                    f"{what}: {count} queries with few signals, "
                    f"{large[what]} with many",
                )
