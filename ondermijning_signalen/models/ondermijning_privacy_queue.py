from itertools import pairwise

from odoo import fields, models, tools
from odoo.tools import SQL

from .. import stappenplan

QUEUE_KINDS = [
    ("bronnen", "Sources to approve (stap 3)"),
    ("check_2a", "Privacy check 2A"),
    ("check_2b", "Privacy check 2B"),
    ("unseal", "Request to open a sealed signal"),
    ("vernietiging", "Destruction list to approve"),
]


def _waiting_state(requirement):
    """The casus state that waits for ``requirement`` to move on."""
    states = stappenplan.CASUS_STATES
    for before, after in pairwise(states):
        if requirement in after.requires:
            return before.code
    raise ValueError(requirement)


class OndermijningPrivacyQueue(models.Model):
    """What waits for the privacyfunctionaris' decision, in one list: signals
    in stap 3 whose sources she has not decided on, casussen waiting for
    privacy check 2A or (after the plan van aanpak) 2B, requests to open a
    sealed signal, destruction lists to approve. References only; each row
    opens the record itself, under the record's own access rules."""

    _name = "ondermijning.privacy.queue"
    _description = "Waiting for the privacyfunctionaris"
    _auto = False
    _order = "date, id"
    _rec_name = "reference"

    kind = fields.Selection(QUEUE_KINDS, string="Decision", readonly=True)
    res_model = fields.Char(string="Technical model", readonly=True)
    res_id = fields.Integer(string="Record ID", readonly=True)
    reference = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", string="Gemeente", readonly=True)
    date = fields.Datetime(string="Waiting since", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %(table)s AS (
                SELECT s.id * 10 + 1 AS id, 'bronnen' AS kind,
                       'ondermijning.signaal' AS res_model, s.id AS res_id,
                       s.name AS reference, s.company_id,
                       COALESCE(s.date_stap3, s.date_received) AS date
                  FROM ondermijning_signaal s
                  JOIN ondermijning_stage st ON st.id = s.stage_id
                 WHERE st.code = %(bronnen)s AND s.end_state IS NULL AND s.active
                   AND NOT COALESCE(s.is_sealed, FALSE)
                   AND NOT EXISTS (SELECT 1 FROM ondermijning_bronraadpleging r
                                    WHERE r.signaal_id = s.id)
                UNION ALL
                SELECT c.id * 10 + 2, 'check_2a', 'ondermijning.casus', c.id,
                       c.name, c.company_id, c.create_date
                  FROM ondermijning_casus c
                 WHERE c.active AND c.state = %(wait_2a)s
                   AND NOT EXISTS (SELECT 1 FROM ondermijning_weging w
                                    WHERE w.casus_id = c.id AND w.privacy_check = '2a')
                UNION ALL
                SELECT c.id * 10 + 3, 'check_2b', 'ondermijning.casus', c.id,
                       c.name, c.company_id, c.date_plan
                  FROM ondermijning_casus c
                 WHERE c.active AND c.state = %(wait_2b)s AND c.date_plan IS NOT NULL
                   AND EXISTS (SELECT 1 FROM ondermijning_interventie i
                                WHERE i.casus_id = c.id)
                   AND NOT EXISTS (SELECT 1 FROM ondermijning_weging w
                                    WHERE w.casus_id = c.id AND w.privacy_check = '2b'
                                      AND w.date >= c.date_plan)
                UNION ALL
                SELECT u.id * 10 + 4, 'unseal', 'ondermijning.unseal.request', u.id,
                       u.reference, u.company_id, u.date
                  FROM ondermijning_unseal_request u
                 WHERE u.state = 'requested'
                UNION ALL
                SELECT v.id * 10 + 5, 'vernietiging', 'ondermijning.vernietigingslijst',
                       v.id, v.name, v.company_id, v.date::timestamp
                  FROM ondermijning_vernietigingslijst v
                 WHERE v.state = 'proposed'
            )
            """,
                table=SQL.identifier(self._table),
                bronnen=stappenplan.BRONNEN,
                wait_2a=_waiting_state("check_2a"),
                wait_2b=_waiting_state("check_2b"),
            )
        )

    def action_open(self):
        """The record itself, where she decides (its own access applies)."""
        self.ensure_one()
        record = self.env[self.res_model].browse(self.res_id)
        record.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "target": "current",
        }
