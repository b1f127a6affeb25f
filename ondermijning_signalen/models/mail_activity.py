from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .ondermijning_notitie import PARENT_FIELDS


def _has_text(html):
    return bool(html and html2plaintext(html).strip())


def _check_activity_text(env, res_model, activity_type, summary, note):
    """Activities on a case carry no case text: their summaries go into
    e-mails and notifications, their notes sit in clear in the database.
    Explanations go into a note on the case (encrypted)."""
    if env.su or res_model not in env["ir.attachment"]._ondermijning_encrypted_models():
        return
    labels = {activity_type.summary, activity_type.name} if activity_type else set()
    if _has_text(note) or (summary and summary not in labels):
        raise UserError(
            env._(
                "An activity on a case has no text of its own: choose the type "
                "and the deadline, and write any explanation in a note on the "
                "case (notes are encrypted)."
            )
        )


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        for activity in activities:
            _check_activity_text(
                self.env,
                activity.res_model,
                activity.activity_type_id,
                activity.summary,
                activity.note,
            )
        return activities

    def write(self, vals):
        result = super().write(vals)
        if {"summary", "note", "activity_type_id", "res_model"} & vals.keys():
            for activity in self:
                _check_activity_text(
                    self.env,
                    activity.res_model,
                    activity.activity_type_id,
                    activity.summary,
                    activity.note,
                )
        return result

    def action_notify(self):
        """Telling the assignee of an activity on a case: the notice is made
        from the activity (type, deadline, reference) only, as the server's
        own message (users cannot post on a case)."""
        governed_models = self.env["ir.attachment"]._ondermijning_encrypted_models()
        governed = self.filtered(lambda a: a.res_model in governed_models)
        super(MailActivity, self - governed).action_notify()
        return super(MailActivity, governed.sudo()).action_notify()

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking an activity on a case done: the feedback becomes a note
        on the case (encrypted), the chatter only says that it was done."""
        governed_models = self.env["ir.attachment"]._ondermijning_encrypted_models()
        governed = self.filtered(lambda a: a.res_model in governed_models)
        if not governed or (not _has_text(feedback) and not attachment_ids):
            return super()._action_done(
                feedback=feedback, attachment_ids=attachment_ids
            )
        Note = self.env["ondermijning.notitie"]
        for activity in governed:
            field = next(
                (
                    name
                    for name in PARENT_FIELDS
                    if Note._fields[name].comodel_name == activity.res_model
                ),
                None,
            )
            if field and (_has_text(feedback) or attachment_ids):
                Note.create(
                    {
                        field: activity.res_id,
                        "body": html2plaintext(feedback or "")
                        or activity.activity_type_id.name,
                        "attachment_ids": [(6, 0, attachment_ids or [])],
                    }
                )
        messages, next_activities = super(MailActivity, governed)._action_done()
        rest = self - governed
        if rest:
            more_messages, more_next = super(MailActivity, rest)._action_done(
                feedback=feedback, attachment_ids=attachment_ids
            )
            messages |= more_messages
            next_activities |= more_next
        return messages, next_activities
