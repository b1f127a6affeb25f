"""Destroying records set-based, for the retention purge.

The ORM's ``unlink`` deletes record by record what hangs from a record by
model and id (chatter, followers, activities, documents, external ids) and
looks up, per call, defaults, external ids and documents of every deleted
id: at 10^5 signals with their receipts, subjects, wegingen and notes that
cost a third of the purge. ``destroy`` does the same work once per batch,
in one statement per table:

- **what exists only inside the records** is found by the registry's
  many2one fields with ``ondelete='cascade'``, level by level (a receipt's
  notes hang from the receipt), and is deleted by PostgreSQL's cascade;
- **what names any of them by model and id** is found by the registry's
  stored ``Many2oneReference`` fields (``mail.message``, ``ir.attachment``,
  ``mail.followers``, ``mail.activity``, ``ir.model.data``, scheduled
  messages, and those of any module installed later), and what names those
  rows in turn (the documents of a message);
- what ``unlink`` does besides: stored fields of surviving records that
  depend on the destroyed ones are marked for recomputation, defaults that
  name them are discarded, the assignees of due activities are told on the
  bus, the cache is invalidated.

What this does not do is run Python ``unlink`` overrides or ``@api.ondelete``
methods of the models it reaches; ``tests/test_retention.py`` fails when one
of those models gets one, so that it is handled here first.
"""

from odoo import fields
from odoo.tools import SQL


def id_array(ids):
    """Ids as one PostgreSQL array literal (``= ANY(%s::int[])``): a batch of
    thousands of ids is then one string for the driver to quote, not
    thousands of integers for every statement."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def registry_cache(registry, name):
    """A dict kept on the registry: what is read from the models is read
    again when the registry is (on install, upgrade or uninstall)."""
    return registry.__dict__.setdefault(f"_ondermijning_{name}", {})


def cascade_children(registry, model_name):
    """(model, column) of the stored many2one fields that point at
    ``model_name`` with ON DELETE CASCADE: records that cannot outlive it."""
    cache = registry_cache(registry, "cascade_children")
    if model_name not in cache:
        cache[model_name] = sorted(
            (field.model_name, field.name)
            for model in registry.values()
            if model._auto and not model._abstract and not model._transient
            for field in model._fields.values()
            if field.type == "many2one"
            and field.store
            and field.comodel_name == model_name
            and field.ondelete == "cascade"
            and field.model_name == model._name
        )
    return cache[model_name]


def reference_fields(registry):
    """(model, table, model column, id column) of the stored
    ``Many2oneReference`` fields: rows that name a record by model and id."""
    cache = registry_cache(registry, "reference_fields")
    if "all" not in cache:
        cache["all"] = sorted(
            (model._name, model._table, field.model_field, field.name)
            for model in registry.values()
            if model._auto and not model._abstract and not model._transient
            for field in model._fields.values()
            if field.type == "many2one_reference"
            and field.store
            and field.model_name == model._name
            and model._fields[field.model_field].store
        )
    return cache["all"]


def outside_fields(registry, model_name):
    """The fields of ``model_name`` on which stored fields of records that
    outlive its records depend: those to mark as modified before its
    records are deleted (a casus counts its signals). A trigger reached
    through a cascading many2one to the destroyed record (a subject's
    gemeente follows its signal's) concerns a record destroyed with it."""
    cache = registry_cache(registry, "outside_fields")
    if model_name not in cache:

        def reaches_outside(tree, model):
            for key, subtree in tree.items():
                inside = (key.model_name, key.name) in cascade_children(registry, model)
                if inside:
                    if reaches_outside(subtree, key.model_name):
                        return True
                elif subtree.root or any(subtree.values()):
                    return True
            return False

        model = registry[model_name]
        cache[model_name] = [
            name
            for name, field in model._fields.items()
            if reaches_outside(registry.get_trigger_tree([field]), model_name)
        ]
    return cache[model_name]


def doomed_records(env, model_name, ids):
    """{model: sorted ids} of these records and of everything that exists
    only inside them (``cascade_children``, level by level)."""
    cr = env.cr
    found = {model_name: set(ids)}
    todo = [(model_name, list(ids))]
    while todo:
        parent, parent_ids = todo.pop()
        for child, column in cascade_children(env.registry, parent):
            cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE %s = ANY(%s::int[])",
                    SQL.identifier(env[child]._table),
                    SQL.identifier(column),
                    id_array(parent_ids),
                )
            )
            seen = found.setdefault(child, set())
            new = {row[0] for row in cr.fetchall()} - seen
            if new:
                seen |= new
                todo.append((child, sorted(new)))
    return {model: sorted(ids) for model, ids in found.items() if ids}


def delete_references(env, doomed, files):
    """Delete the rows that name the doomed records by model and id, and
    the rows naming those in turn. The documents' files go to ``files``."""
    cr = env.cr
    references = reference_fields(env.registry)
    todo = list(doomed.items())
    while todo:
        model_name, ids = todo.pop()
        array = id_array(ids)
        for ref_model, table, model_column, id_column in references:
            is_document = ref_model == "ir.attachment"
            cr.execute(
                SQL(
                    "DELETE FROM %s WHERE %s = %s AND %s = ANY(%s::int[]) "
                    "RETURNING id%s",
                    SQL.identifier(table),
                    SQL.identifier(model_column),
                    model_name,
                    SQL.identifier(id_column),
                    array,
                    SQL(", store_fname") if is_document else SQL(),
                )
            )
            rows = cr.fetchall()
            if is_document:
                files.extend(row[1] for row in rows if row[1])
            if rows:
                todo.append((ref_model, [row[0] for row in rows]))


def notify_activity_owners(env, doomed):
    """Tell the assignees of the doomed records' activities that were due
    that these are gone, as ``mail.activity.unlink`` does (their counter in
    the web client's systray follows): one bus message per user."""
    counts = {}
    for model_name, ids in doomed.items():
        env.cr.execute(
            """
            SELECT user_id, count(*) FROM mail_activity
             WHERE res_model = %s AND res_id = ANY(%s::int[])
               AND user_id IS NOT NULL AND date_deadline <= %s
          GROUP BY user_id
            """,
            [model_name, id_array(ids), fields.Date.today()],
        )
        for user_id, count in env.cr.fetchall():
            counts[user_id] = counts.get(user_id, 0) + count
    for user_id, count in sorted(counts.items()):
        env["res.users"].browse(user_id)._bus_send(
            "mail.activity/updated", {"activity_deleted": True, "count_diff": -count}
        )


def discard_defaults(env, doomed):
    """Defaults (``ir.default``) that name a doomed record go, as with
    ``unlink``; one small query finds that there are none."""
    env.cr.execute(
        """
        SELECT DISTINCT f.relation FROM ir_default d
          JOIN ir_model_fields f ON f.id = d.field_id
         WHERE f.ttype IN ('many2one', 'many2many') AND f.relation = ANY(%s)
        """,
        [list(doomed)],
    )
    Defaults = env["ir.default"].sudo()
    for (model_name,) in env.cr.fetchall():
        Defaults.discard_records(env[model_name].browse(doomed[model_name]))


def destroy(env, model_name, ids, files):
    """Delete the records ``ids`` of ``model_name`` with everything that
    exists only inside them and every row that names any of it, set-based.
    The audit log keeps its lines about them, without the ids. Returns
    {model: ids} destroyed."""
    env.flush_all()
    doomed = doomed_records(env, model_name, ids)
    Audit = env["ondermijning.audit.log"]
    for model, model_ids in doomed.items():
        Audit._forget_records(model, model_ids)
        fnames = outside_fields(env.registry, model)
        if fnames:
            records = env[model].browse(model_ids)
            # their own computed fields are not to be recomputed
            computed = [field for field in records._fields.values() if field.compute]
            with env.protecting(computed, records):
                records.modified(fnames, before=True)
    discard_defaults(env, doomed)
    notify_activity_owners(env, doomed)
    delete_references(env, doomed, files)
    # the rest goes with it by ON DELETE CASCADE
    env.cr.execute(
        SQL(
            "DELETE FROM %s WHERE id = ANY(%s::int[])",
            SQL.identifier(env[model_name]._table),
            id_array(ids),
        )
    )
    env.invalidate_all(flush=False)
    return doomed
