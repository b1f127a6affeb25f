from odoo import api, models
from odoo.exceptions import UserError

# Who may see the names of the officials who handle a case.
OFFICIAL_GROUPS = (
    "ondermijning_signalen.group_medewerker,ondermijning_signalen.group_afdeling"
)
STAFF_GROUP = "ondermijning_signalen.group_medewerker"
# Models whose records name a person: a relation to them shows a name.
PERSON_MODELS = frozenset(
    {"res.users", "res.partner", "mail.followers", "mail.activity", "mail.message"}
)


class OndermijningCaseMixin(models.AbstractModel):
    """A case record (signal, casus, overleg, intervention) with its chatter.

    The chatter of a case holds events only (steps, owners, deadlines,
    activities, who opened a seal); what people write about a case goes
    into notes (``ondermijning.notitie``), encrypted like every other case
    text. So nobody posts into a case's chatter, and only the ondermijning
    staff follow a case, read its messages, followers and activities, and
    see its documents. Every relation to a person (creator, followers,
    owners, participants) is readable by officials only: partners see the
    team name instead."""

    _name = "ondermijning.case.mixin"
    _inherit = [
        "ondermijning.audit.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "ondermijning.encryption.mixin",
    ]
    _description = "Case record"

    _mail_post_access = "write"
    _ondermijning_content_access = "write"

    @api.model
    def _setup_fields(self):
        """Names of people are for officials: every relation of a case to a
        person (including the ones Odoo adds: creator, last editor,
        followers, activities, messages) gets the officials' groups unless
        the field says otherwise."""
        result = super()._setup_fields()
        for name, field in self._fields.items():
            # mail.thread opens its fields to every employee: narrow those
            if field.groups not in (None, "base.group_user"):
                continue
            if name in ("create_uid", "write_uid") or (
                field.relational and field.comodel_name in PERSON_MODELS
            ):
                field.groups = OFFICIAL_GROUPS
        return result

    # ------------------------------------------------------------------
    # The chatter: events only, followed by staff only
    # ------------------------------------------------------------------
    def _check_server_post(self):
        """Only the server posts into a case's chatter (events, never case
        text); people write notes."""
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Messages cannot be posted on %s. Write a note (tab Notes): "
                    "notes are encrypted and shown to the handlers only.",
                    self._description,
                )
            )

    def message_post(self, **kwargs):
        self._check_server_post()
        return super().message_post(**kwargs)

    def message_notify(self, **kwargs):
        self._check_server_post()
        return super().message_notify(**kwargs)

    def _message_update_content(self, message, *args, **kwargs):
        if not self.env.su:
            raise UserError(
                self.env._("Messages of %s cannot be changed.", self._description)
            )
        return super()._message_update_content(message, *args, **kwargs)

    def _log_event(self, text):
        """An event in the case's history (the chatter), posted by the
        server: what happened, by whom, never case content."""
        for record in self.sudo():
            record.message_post(
                body=text, message_type="notification", subtype_xmlid="mail.mt_note"
            )

    def action_write_note(self):
        """Open a new note on this case (encrypted; for its handlers)."""
        self.ensure_one()
        Note = self.env["ondermijning.notitie"]
        field = next(
            name
            for name in ("signaal_id", "casus_id", "overleg_id", "interventie_id")
            if Note._fields[name].comodel_name == self._name
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Write a note"),
            "res_model": "ondermijning.notitie",
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{field}": self.id},
        }

    def _get_mail_message_access(self, res_ids, operation, model_name=None):
        """Reading the chatter of a case needs the right to handle it."""
        access = super()._get_mail_message_access(
            res_ids, operation, model_name=model_name
        )
        return "write" if operation == "read" else access
