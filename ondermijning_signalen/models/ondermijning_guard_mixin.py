"""Rules every ondermijning model keeps at the data layer, whatever the door
(form, board, import, XML-RPC, JSON-RPC): they hold for any caller that is
not the server's own code (``env.su``)."""

import contextlib
import contextvars
import datetime
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# C0 control characters but tab, line feed and carriage return, and DEL;
# PostgreSQL refuses NUL outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Outside these bounds a date is a typing error (year 1, 9999), and some
# arithmetic on it (deadlines, retention) would overflow.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
DEFAULT_CHAR_SIZE = 256
DEFAULT_TEXT_SIZE = 20000
# Process fields that a model's own code is setting right now (a step date
# stamped by a move of the board): a context variable, which no client sets.
_SET_BY_THE_MODEL = contextvars.ContextVar("ondermijning_process", default=frozenset())


@contextlib.contextmanager
def recording_process(field_names):
    """Server-side only: the model's own code sets these process fields
    within (after checking what the caller asked for)."""
    token = _SET_BY_THE_MODEL.set(_SET_BY_THE_MODEL.get() | frozenset(field_names))
    try:
        yield
    finally:
        _SET_BY_THE_MODEL.reset(token)


def domain_leaves(domain):
    """The conditions (path, operator, value) of a domain."""
    for leaf in domain or ():
        if isinstance(leaf, (list, tuple)) and len(leaf) == 3:
            if isinstance(leaf[0], str):
                yield leaf


def domain_field_names(domain):
    """The fields a domain names on its own model (first path segments)."""
    return {path.split(".", 1)[0] for path, _op, _value in domain_leaves(domain)}


def check_domain_access(model, domain):
    """Every field on the path of every condition must be readable by the
    user of ``model``'s environment. Odoo itself checks the stored fields it
    turns into SQL, not x2many paths nor fields searched by a method, so a
    domain could answer yes/no questions about fields the user cannot read."""
    for path, operator, value in domain_leaves(domain):
        current = model
        for name in path.split("."):
            field = current._fields.get(name)
            if field is None:
                current = None  # Odoo reports the unknown field itself
                break
            current.check_field_access_rights("read", [name])
            current = current.env[field.comodel_name] if field.relational else None
            if current is None:
                break
        if operator in ("any", "not any") and current is not None:
            if isinstance(value, (list, tuple)):
                check_domain_access(current, value)


class OndermijningGuardMixin(models.AbstractModel):
    """Process fields, input limits and searches on hidden fields.

    * A field declared ``readonly=True`` records the process (step dates,
      end state, seal, legal hold, references, who and when): only the
      business methods write it, through the server's own environment.
    * Text has a size limit and no control characters; dates are plausible.
    * A domain may only name fields the user may read: a search on a
      hidden field would answer yes/no questions about it."""

    _name = "ondermijning.guard.mixin"
    _description = "Data-layer rules of ondermijning records"

    # ------------------------------------------------------------------
    # Create / write
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._guard_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._guard_values(vals)
        return super().write(vals)

    @api.model
    def _guard_values(self, vals):
        if not self.env.su:
            self._check_process_fields(vals)
        self._check_input(vals)

    @api.model
    def _check_process_fields(self, vals):
        recorded = _SET_BY_THE_MODEL.get()
        process = sorted(
            name
            for name in vals
            if name in self._fields
            and self._fields[name].readonly is True
            and name not in recorded
        )
        if process:
            raise AccessError(
                self.env._(
                    "%(fields)s of %(model)s cannot be set directly: the "
                    "stappenplan records them when the step is taken.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env)
                        for name in process
                    ),
                    model=self._description,
                )
            )

    @api.model
    def _text_size_limit(self):
        limit = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ondermijning.max_text_length")
        )
        try:
            return int(limit) if limit else DEFAULT_TEXT_SIZE
        except ValueError:
            return DEFAULT_TEXT_SIZE

    @api.model
    def _check_input(self, vals):
        """Refuse what would be stored broken, truncated or implausible,
        with a message that names the field."""
        text_limit = None
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None:
                continue
            label = field._description_string(self.env)
            if isinstance(value, str):
                if CONTROL_CHARACTERS.search(value):
                    raise ValidationError(
                        self.env._(
                            "%s contains control characters that cannot be stored.",
                            label,
                        )
                    )
                if field.type == "char":
                    limit = field.size or DEFAULT_CHAR_SIZE
                elif field.type in ("text", "html"):
                    if text_limit is None:
                        text_limit = self._text_size_limit()
                    limit = text_limit
                else:
                    limit = None
                if limit and len(value) > limit:
                    raise ValidationError(
                        self.env._(
                            "%(field)s is too long: %(length)s characters, at most "
                            "%(limit)s.",
                            field=label,
                            length=len(value),
                            limit=limit,
                        )
                    )
            if field.type in ("date", "datetime") and value:
                self._check_date_value(field, label, value)

    @api.model
    def _check_date_value(self, field, label, value):
        try:
            day = (
                fields.Datetime.to_datetime(value).date()
                if field.type == "datetime"
                else fields.Date.to_date(value)
            )
        except (ValueError, OverflowError, TypeError):
            day = None
        if day is None or not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(
                self.env._(
                    "%(field)s: %(value)s is not a plausible date (between "
                    "%(first)s and %(last)s).",
                    field=label,
                    value=value,
                    first=EARLIEST_DATE.year,
                    last=LATEST_DATE.year,
                )
            )

    # ------------------------------------------------------------------
    # Searches
    # ------------------------------------------------------------------
    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            self._check_domain_access(domain)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group_groupby(self, groupby_spec, query):
        """Grouping by a field the user may not read is refused. Odoo checks
        this for every field but a many2many, whose groups it joins
        directly (grouping by such a field lists the names of its records:
        the people of a relation only the staff may read)."""
        fname = groupby_spec.split(":")[0].split(".")[0]
        if not self.env.su and fname in self._fields:
            self.check_field_access_rights("read", [fname])
        return super()._read_group_groupby(groupby_spec, query)

    @api.model
    def _check_domain_access(self, domain):
        check_domain_access(self, domain)
