"""Nothing that identifies a reporter reaches a log line: not the address
from which they reached the meldpunt's pages, nor the sender of an e-mail
to a meldpunt's alias.

Odoo's HTTP server (werkzeug) writes one line per request that starts with
the client's address (the proxy's ``X-Forwarded-For`` when ``proxy_mode``
is on); for the meldpunt's paths that address is replaced by ``-``. The
mail gateway logs the sender of each routed e-mail; for mail routed to a
meldpunt's alias the sender and Message-Id are replaced. The filters are
installed on the loggers when the addon is imported, so they hold in every
worker before its first request is answered, and also for a handler that
writes log lines to the database (``log_db``)."""

import logging
import re

from odoo.http import request

# The paths of the public pages (and of the addon's static files, which the
# same visitor fetches with them).
PUBLIC_PREFIXES = ("/ondermijning/melden", "/ondermijning_meldpunt/static/")
HIDDEN = "-"
QUERY = re.compile(r"\?\S* ")
REDACTED = "(verborgen)"
SIGNAL_MODEL = "ondermijning.signaal"


def is_public_path(path):
    return bool(path) and path.startswith(PUBLIC_PREFIXES)


def in_public_request():
    """Serving one of the meldpunt's public pages right now."""
    try:
        return bool(request) and is_public_path(request.httprequest.path)
    except RuntimeError:  # no request bound to this thread
        return False


class RequestLineFilter(logging.Filter):
    """werkzeug's request line ``<address> - - [date] "GET /path" 200 -``:
    for the meldpunt's paths, the address and the query string are
    dropped."""

    def filter(self, record):
        args = record.args if isinstance(record.args, tuple) else ()
        line = str(args[0]) if args else ""
        # the request line may carry ANSI colours: look for the path inside
        if any(f" {prefix}" in line for prefix in PUBLIC_PREFIXES):
            _head, sep, tail = str(record.msg).partition(" - - [")
            if sep:
                record.msg = f"{HIDDEN}{sep}{tail}"
            # an organisation's code in the query string stays out too
            record.args = (QUERY.sub(" ", line), *args[1:])
        return True


class MailRoutingFilter(logging.Filter):
    """The mail gateway's 'Routing mail from <sender> to <alias> with
    Message-Id <id>' lines: for mail to a meldpunt, sender and id are
    hidden."""

    def filter(self, record):
        message = str(record.msg)
        args = record.args if isinstance(record.args, tuple) else ()
        if (
            len(args) >= 3
            and ("mail from %s" in message)
            and SIGNAL_MODEL in " ".join(repr(arg) for arg in args[3:])
        ):
            record.args = (REDACTED, args[1], REDACTED, *args[3:])
        return True


_FILTERS = {
    "werkzeug": RequestLineFilter(),
    "odoo.addons.mail.models.mail_thread": MailRoutingFilter(),
}


def install_log_filters():
    """Idempotent: the addon may be imported more than once per process."""
    for name, log_filter in _FILTERS.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, type(log_filter)) for f in logger.filters):
            logger.addFilter(log_filter)
