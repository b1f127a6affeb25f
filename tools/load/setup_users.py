#!/usr/bin/env python3
"""Logins for the load test (tools/load/locustfile.py), made over XML-RPC
as the Odoo administrator, on a database filled by tools/generate_data.py.

    python3 tools/load/setup_users.py --url http://127.0.0.1:8070 -d load_e5 \\
        [--admin-password admin] [--per-role medewerker=60,overleg=20,...] \\
        [--output var/load/users.json]

For each role, that many users, spread round-robin over the gemeenten the
generator made (the order of tools/generate_data.py: largest first), each
in the groups of the generator's own user of that role and gemeente
(``bench_<gemeente>_<role>1``), in that gemeente only; the analysts in
group_analist for every gemeente; the overleg-deelnemers added to their
gemeente's overleggen, so that they have agendas. The password of each
login equals the login. Also a public meldpunt page per gemeente (when it
has none) and, because every simulated visitor comes from this one
address, a per-address limit of the meldpunt that does not count them as
one flood (``ondermijning_meldpunt.submissions_per_address``; the total
limit stays). Run again: what exists is kept. The logins go to --output
(JSON), which the locustfile reads.
"""

# A command-line tool run by hand: it reports on stdout.
# pylint: disable=print-used

import argparse
import json
import os
import re
import xmlrpc.client

DEFAULT_PER_ROLE = "medewerker=60,overleg=20,melder=30,team=10,analist=4"
TEMPLATE_ROLES = ("medewerker", "overleg", "team")


def slug(name):
    name = re.sub(r"^Gemeente ", "", name).lower()
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-")


class Admin:
    """XML-RPC calls as one user (the administrator unless told)."""

    def __init__(self, url, db, password, login="admin"):
        self.url, self.db, self.password = url, db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise SystemExit(f"setup_users: {login} could not log in to {db} at {url}")
        self.models = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/object", allow_none=True
        )

    def __call__(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", {"active_test": False, "no_reset_password": True})
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


def gemeenten(admin):
    """The generator's gemeenten, in its order (the company of its first
    medewerker of each), with the groups of its users per role."""
    users = admin(
        "res.users",
        "search_read",
        [("login", "=like", "bench\\_%\\_%1")],
        fields=["login", "company_id", "groups_id"],
        order="id",
    )
    result = {}
    for user in users:
        role = user["login"].rsplit("_", 1)[1][:-1]
        company_id, name = user["company_id"]
        result.setdefault(company_id, {"name": name, "groups": {}})
        result[company_id]["groups"][role] = user["groups_id"]
    if not result:
        raise SystemExit("setup_users: no bench_* users: fill the database with "
                         "tools/generate_data.py first")  # fmt: skip
    return result


def ensure_users(admin, companies, per_role):
    analist_groups = [
        admin("ir.model.data", "check_object_reference", *ref)[1]
        for ref in (("base", "group_user"), ("ondermijning_signalen", "group_analist"))
    ]
    user_group = analist_groups[0]
    company_ids = list(companies)
    wanted = []
    for role, count in per_role.items():
        for i in range(1, count + 1):
            company_id = company_ids[(i - 1) % len(company_ids)]
            login = f"load_{role}{i}"
            if role == "analist":
                groups, companies_of = analist_groups, company_ids
            elif role == "melder":
                groups, companies_of = [user_group], [company_id]
            else:
                groups = companies[company_id]["groups"][role]
                companies_of = [company_id]
            wanted.append(
                {
                    "name": f"Load {role} {i}",
                    "login": login,
                    "password": login,
                    "company_id": company_id,
                    "company_ids": [(6, 0, companies_of)],
                    "groups_id": [(6, 0, groups)],
                    "tz": "Europe/Amsterdam",
                    "notification_type": "inbox",
                }
            )

    def by_login():
        return {
            u["login"]: u
            for u in admin(
                "res.users",
                "search_read",
                [("login", "in", [v["login"] for v in wanted])],
                fields=["login", "company_id"],
            )
        }

    have = by_login()
    missing = [v for v in wanted if v["login"] not in have]
    # a few per call: each password is hashed with Odoo's 600,000 rounds,
    # and a request has limit_time_real (120 s) to finish
    for start in range(0, len(missing), 8):
        admin("res.users", "create", missing[start : start + 8])
    if missing:
        print(f"setup_users: created {len(missing)} users")
    users = by_login()
    return wanted, users


def ensure_overleggen(admin, users):
    """Each overleg-deelnemer takes part in his gemeente's overleggen, as a
    medewerker of that gemeente adds him (the administrator has no access
    to overleggen)."""
    by_company, medewerkers = {}, {}
    for user in sorted(users.values(), key=lambda user: user["id"]):
        company_id = user["company_id"][0]
        if user["login"].startswith("load_overleg"):
            by_company.setdefault(company_id, []).append(user["id"])
        elif user["login"].startswith("load_medewerker"):
            medewerkers.setdefault(company_id, user["login"])
    for company_id, user_ids in by_company.items():
        login = medewerkers[company_id]
        medewerker = Admin(admin.url, admin.db, login, login)
        overleggen = medewerker(
            "ondermijning.overleg", "search", [("company_id", "=", company_id)]
        )
        if overleggen:
            medewerker(
                "ondermijning.overleg",
                "write",
                overleggen,
                {"user_ids": [(4, uid) for uid in user_ids]},
            )


def ensure_meldpunten(admin, companies, users):
    """A public page per gemeente, made by a beheerder of every gemeente
    (load_beheerder; the administrator is in none); its intake owner a
    medewerker of it."""
    company_ids = list(companies)
    if not admin("res.users", "search", [("login", "=", "load_beheerder")]):
        groups = [
            admin("ir.model.data", "check_object_reference", *ref)[1]
            for ref in (
                ("base", "group_user"),
                ("ondermijning_signalen", "group_beheerder"),
            )
        ]
        admin(
            "res.users",
            "create",
            {
                "name": "Load beheerder",
                "login": "load_beheerder",
                "password": "load_beheerder",
                "company_id": company_ids[0],
                "company_ids": [(6, 0, company_ids)],
                "groups_id": [(6, 0, groups)],
            },
        )
    beheerder = Admin(admin.url, admin.db, "load_beheerder", "load_beheerder")
    context = {"allowed_company_ids": company_ids}
    have = {
        m["company_id"][0]: m["slug"]
        for m in beheerder(
            "ondermijning.meldpunt",
            "search_read",
            [],
            fields=["company_id", "slug"],
            context=context,
        )
    }
    owners = {}
    for user in users.values():
        if user["login"].startswith("load_medewerker"):
            owners.setdefault(user["company_id"][0], user["id"])
    pages = {}
    for company_id, company in companies.items():
        if company_id not in have:
            page = slug(company["name"])
            beheerder(
                "ondermijning.meldpunt",
                "create",
                {
                    "company_id": company_id,
                    "public_page": True,
                    "slug": page,
                    "intake_user_id": owners.get(company_id, False),
                },
                context=context,
            )
            have[company_id] = page
        pages[company_id] = have[company_id]
    admin(
        "ir.config_parameter",
        "set_param",
        "ondermijning_meldpunt.submissions_per_address",
        "100000",
    )
    return pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--per-role", default=DEFAULT_PER_ROLE)
    parser.add_argument("--output", default="var/load/users.json")
    args = parser.parse_args()
    per_role = {
        role: int(count)
        for role, count in (item.split("=") for item in args.per_role.split(","))
    }
    admin = Admin(args.url, args.database, args.admin_password)
    companies = gemeenten(admin)
    wanted, users = ensure_users(admin, companies, per_role)
    ensure_overleggen(admin, users)
    pages = ensure_meldpunten(admin, companies, users)
    roles = {}
    for vals in wanted:
        role = re.sub(r"^load_|\d+$", "", vals["login"])
        roles.setdefault(role, []).append(
            {"login": vals["login"], "company_id": vals["company_id"]}
        )
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as out:
        json.dump(
            {"database": args.database, "roles": roles, "meldpunten": pages},
            out,
            indent=1,
        )
    print(
        f"setup_users: {sum(per_role.values())} logins in {len(companies)} gemeenten"
        f" ({args.per_role}); {len(pages)} meldpunt pages; written to {args.output}"
    )


if __name__ == "__main__":
    main()
