"""The followers of one signal as its medewerker, as the chatter asks them
(``/mail/thread/data``), checked for that record only and, as before the
fix of issue 16, against every record the user may see. An ``odoo shell``
script, run by hand on a database filled by tools/generate_data.py and
tools/load/setup_users.py:

    odoo-bin shell -c var/odoo.conf -d load_e5 --no-http < tools/load/bench_followers.py

Prints the median time of one search over the gemeente's 30 latest signals.
"""

# pylint: disable=print-used,undefined-variable
import statistics
import time

SIGNAAL = "ondermijning.signaal"
env = env(context={"lang": "en_US"})  # noqa: F821
user = env["res.users"].search([("login", "=", "load_medewerker1")])
company = user.company_id
signals = (
    env[SIGNAAL]
    .sudo()
    .search([("company_id", "=", company.id)], limit=30, order="id desc")
)
Followers = (
    env["mail.followers"].with_user(user).with_context(allowed_company_ids=company.ids)
)


def median_ms(domain_of):
    times = []
    for signal in signals:
        env.invalidate_all()
        start = time.perf_counter()
        Followers.search(domain_of(signal.id))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


for _warm_up_then_measure in range(2):
    one = median_ms(lambda i: [("res_model", "=", SIGNAAL), ("res_id", "=", i)])
    # a '|' keeps the domain from naming one record: every visible one is checked
    every = median_ms(
        lambda i: ["|", ("res_model", "=", SIGNAAL), ("id", "=", 0), ("res_id", "=", i)]
    )
count = env[SIGNAAL].sudo().search_count([("company_id", "=", company.id)])
print(
    f"{company.name} ({count} signals): followers of one signal, median of"
    f" {len(signals)}: that record checked {one:.1f} ms, every visible record"
    f" checked (as before) {every:.1f} ms"
)
