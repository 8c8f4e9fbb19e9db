"""The build's source records, on disk: a national build cannot hold a million of them in memory.

A `SourceRecord` costs about 7 KB as Python objects (its pydantic licences, location, evidence)
and about 1.3 KB pickled. Extraction workers pickle each record; the parent appends the bytes to
one unnamed temporary file and keeps only their offsets (16 bytes a record) beside the small
`LinkRecord` that linkage reads. Each listing's records are read back when it is merged, by the
parent or by forked merge workers: `os.pread` on the inherited descriptor moves no shared file
position, so any number of processes read at once.

The file is created with `tempfile.TemporaryFile`: it has no name, so it disappears when the last
process holding it exits, however the build ends.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path

from indexer.extract import SourceRecord


class RecordSpool:
    def __init__(self, directory: Path | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix=".records-", dir=directory)
        self._fd = self._file.fileno()
        self._offsets = array("q")
        self._sizes = array("l")
        self._end = 0
        self.keys: dict[int, str] = {}  # record index → its key, where `distinct_keys` changed it

    def __len__(self) -> int:
        return len(self._offsets)

    def append_pickled(self, blob: bytes, sizes: Sequence[int]) -> None:
        """Records pickled one after another into `blob`, each `sizes[i]` bytes long."""
        os.pwrite(self._fd, blob, self._end)
        offset = self._end
        for size in sizes:
            self._offsets.append(offset)
            self._sizes.append(size)
            offset += size
        self._end += len(blob)

    def append(self, records: Sequence[SourceRecord]) -> None:
        self.append_pickled(*pickle_records(records))

    def get(self, index: int) -> SourceRecord:
        rec: SourceRecord = pickle.loads(os.pread(self._fd, self._sizes[index], self._offsets[index]))
        if (key := self.keys.get(index)) is not None:
            rec.key = key
        return rec

    def get_many(self, indexes: Iterable[int]) -> list[SourceRecord]:
        return [self.get(i) for i in indexes]

    def close(self) -> None:
        self._file.close()


def pickle_records(records: Sequence[SourceRecord]) -> tuple[bytes, list[int]]:
    """`records` pickled one by one into one blob, with each one's size (for `append_pickled`)."""
    pickled = [pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL) for rec in records]
    return b"".join(pickled), [len(p) for p in pickled]
