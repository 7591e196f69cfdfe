"""Sync through a shared folder: each device's change log, and the conflict-free merge.

Plain Python with no Textual and no state-file or feeds code: ``app/sync.py`` connects the
log to the state store and the subscriptions file.
"""

from newsreader.sync.changes import Change, RecordType, record_type
from newsreader.sync.hlc import Clock

__all__ = ["Change", "Clock", "RecordType", "record_type"]
