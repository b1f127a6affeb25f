"""Removing the files of purged documents from the filestore, with no
database and no environment: the purge runs it in a thread of its own
while it works on its next batch (``ir.attachment`` decides what to
remove and takes it off the purge's queue)."""

import contextlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor

_logger = logging.getLogger(__name__)


def remove_from_filestore(files):
    """Remove the files ``(name, path, checklist path)``; no database and no
    environment (the purge runs this in a thread of its own). Returns the
    names (removed, could not be removed)."""
    removed, failed = [], []
    for fname, path, checked in files:
        try:
            os.unlink(path)
        except FileNotFoundError:
            # removed already (by a run interrupted after that)
            _logger.debug("Purged file %s was removed already.", fname)
        except OSError:
            _logger.warning(
                "Could not remove a purged file from the filestore.", exc_info=True
            )
            failed.append(fname)
            continue
        removed.append(fname)
        # nothing left for the garbage collection to do
        with contextlib.suppress(OSError):
            os.unlink(checked)
    return removed, failed


class PurgedFileRemover:
    """Removes the files of each committed batch of a purge in a thread,
    while the purge works on its next batch: the filestore's unlinks (about
    70 us each) and PostgreSQL's work then overlap instead of adding up.
    The queue rows of removed files go with the next batch's transaction
    (``collect``); until then an interrupted purge finds them queued."""

    def __init__(self, attachments):
        self.attachments = attachments
        self.executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="ondermijning-purged-files"
        )
        self.pending = []

    def submit(self, fnames):
        files = self.attachments._ondermijning_files_to_remove(fnames)
        if files:
            self.pending.append(self.executor.submit(remove_from_filestore, files))

    def collect(self, wait=False):
        """Take what was removed off the queue (in the current transaction)."""
        for future in list(self.pending):
            if wait or future.done():
                self.pending.remove(future)
                removed, failed = future.result()
                self.attachments._ondermijning_files_removed(removed, failed)

    def close(self):
        """Wait for the last files and take them off the queue."""
        self.shutdown()
        self.collect(wait=True)

    def shutdown(self):
        self.executor.shutdown(wait=True)
