"""The destruction journal: an append-only file outside the database, kept
apart with the keys, that lists every destroyed signal by a keyed hash of
its identity (no content, no reference, no id in clear).

A database restored from a backup no longer knows what was destroyed after
that backup; the journal does. The purge reads the lines it has not seen
yet (the database keeps the byte offset it has read up to, committed with
its destructions) and destroys the signals whose hash it finds again.

The path is the ``ondermijning_destruction_journal`` option of the Odoo
config file or the ``ONDERMIJNING_DESTRUCTION_JOURNAL`` environment variable.
A line is ``v1 <UTC time> <hex HMAC-SHA256>``.
"""

import fcntl
import os

from odoo.tools import config

VERSION = "v1"


def path():
    """The journal's path, or None when none is configured."""
    value = config.get("ondermijning_destruction_journal") or os.environ.get(
        "ONDERMIJNING_DESTRUCTION_JOURNAL"
    )
    return os.path.expanduser(value) if value else None


def append(journal, stamp, hashes):
    """Append one line per hash, flushed to disk before this returns (the
    caller commits the destructions afterwards). Returns the file's size
    before and after the append: where these lines start and end."""
    lines = "".join(f"{VERSION} {stamp} {digest}\n" for digest in hashes)
    fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # whole lines, also with other writers
        start = os.fstat(fd).st_size
        os.write(fd, lines.encode())
        os.fsync(fd)
        return start, os.fstat(fd).st_size
    finally:
        os.close(fd)


def read(journal, offset):
    """The hashes of the whole lines from byte ``offset`` on, and the offset
    after the last whole line. A journal shorter than ``offset`` (replaced
    by an older copy) is read from its start."""
    try:
        with open(journal, "rb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            size = os.fstat(handle.fileno()).st_size
            if offset > size:
                offset = 0
            handle.seek(offset)
            data = handle.read()
    except FileNotFoundError:
        return set(), 0
    end = data.rfind(b"\n") + 1  # a torn last line waits for the next read
    hashes = set()
    for line in data[:end].decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == VERSION:
            hashes.add(parts[2])
    return hashes, offset + end
