from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL


class MailFollowers(models.Model):
    """Who follows a case record tells who handles it and who reported it:
    the followers of a record that holds case content are visible only to
    those who may see that content (its handlers)."""

    _inherit = "mail.followers"

    @api.model
    def _ondermijning_visible_domain(self, domain=()):
        """What of ``domain`` the user may see. The chatter asks the
        followers of one record (``res_model`` and ``res_id`` given): then
        only that record's visibility is checked, not every record the user
        may see (a hashed subquery over all signals of the gemeente at each
        opening of a form: the first thing that grew with the data under
        load, issue 16)."""
        governed = self.env["ir.attachment"]._ondermijning_encrypted_models()
        model_name, res_ids = self._ondermijning_pinned(domain)
        if model_name and model_name not in governed:
            return []
        if model_name:
            query = self.env[model_name]._ondermijning_content_query()
            if query is None:
                return expression.FALSE_DOMAIN
            if res_ids is not None:
                query.add_where(
                    SQL("%s IN %s", SQL.identifier(query.table, "id"), res_ids or (0,))
                )
            return [("res_model", "=", model_name), ("res_id", "in", query)]
        # Not pinned to one model (e.g. followers read by id): one subquery
        # per model, each correlated with the follower row, so that a row is
        # checked by one probe of its record; uncorrelated, PostgreSQL
        # hashed every record the user may read of every model for each
        # call (0.9-1.8 s at 10^6 signals, most of the database's time under
        # load at 10^6, issue 16).
        visible = [("res_model", "not in", list(governed))]
        follower_record = SQL.identifier(self._table, "res_id")
        for model_name in sorted(governed):
            query = self.env[model_name]._ondermijning_content_query()
            if query is not None:
                query.add_where(
                    SQL("%s = %s", SQL.identifier(query.table, "id"), follower_record)
                )
                visible = expression.OR(
                    [
                        visible,
                        [("res_model", "=", model_name), ("res_id", "in", query)],
                    ]
                )
        return visible

    @api.model
    def _ondermijning_pinned(self, domain):
        """(model, ids) when ``domain`` is a conjunction that fixes
        ``res_model`` (and ``res_id``, else ids None); (None, None) otherwise."""
        model_name, res_ids = None, None
        for leaf in domain or ():
            if leaf in ("|", "!"):
                return None, None
            if not (isinstance(leaf, list | tuple) and len(leaf) == 3):
                continue
            field, operator, value = leaf
            if field == "res_model" and operator == "=" and isinstance(value, str):
                model_name = value
            elif field == "res_id" and operator in ("=", "in"):
                values = [value] if operator == "=" else value
                if isinstance(values, list | tuple) and all(
                    isinstance(v, int) and not isinstance(v, bool) for v in values
                ):
                    res_ids = tuple(values)
        return (model_name, res_ids) if model_name else (None, None)

    @api.model
    def _insert_followers(
        self,
        res_model,
        res_ids,
        partner_ids,
        subtypes=None,
        customer_ids=None,
        check_existing=True,
        existing_policy="skip",
    ):
        """Only someone who may see a case record's content follows it (by
        whatever path: creation, assignment, mention, subscription): anyone
        else (a melder, a partner, a department) would get its events in
        their inbox."""
        governed = self.env["ir.attachment"]._ondermijning_encrypted_models()
        if res_model in governed and partner_ids:
            records = self.env[res_model].sudo().browse(res_ids)
            allowed = [
                partner.id
                for partner in self.env["res.partner"].sudo().browse(partner_ids)
                if any(
                    not records.with_user(user)._ondermijning_content_forbidden("read")
                    for user in partner.user_ids
                )
            ]
            partner_ids = allowed
            if subtypes:
                subtypes = {pid: ids for pid, ids in subtypes.items() if pid in allowed}
        return super()._insert_followers(
            res_model,
            res_ids,
            partner_ids,
            subtypes=subtypes,
            customer_ids=customer_ids,
            check_existing=check_existing,
            existing_policy=existing_policy,
        )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            domain = expression.AND(
                [domain or [], self._ondermijning_visible_domain(domain)]
            )
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or not self:
            return result
        forbidden = self.browse()
        governed = self.env["ir.attachment"]._ondermijning_encrypted_models()
        by_model = {}
        for follower in (self - result[0] if result else self).sudo():
            if follower.res_model in governed:
                by_model.setdefault(follower.res_model, {}).setdefault(
                    follower.res_id, []
                ).append(follower.id)
        for model_name, by_doc in by_model.items():
            documents = self.env[model_name].browse(list(by_doc))
            for document in documents._ondermijning_content_forbidden(operation):
                forbidden |= self.browse(by_doc[document.id])
        if not forbidden:
            return result
        if result:
            return result[0] | forbidden, result[1]
        return forbidden, lambda: forbidden._make_access_error(operation)
