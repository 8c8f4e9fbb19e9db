"""The build's source records, out of memory: a national build cannot hold a million of them.

A `SourceRecord` costs about 7 KB as Python objects (its pydantic licences, location, evidence).
The parent keeps, per record, only its small `LinkRecord` (what linkage reads) and where the
record came from: the raw file, the byte offset and length of its line, and its place among the
records that line gave. The raw files are the spool: to merge a listing, its records are extracted
again from their lines, which costs about what unpickling them would (pydantic models rebuild
slowly either way) and saves pickling every record and piping it to the parent. Extraction
depends only on the line, the vocabulary and the build date, so it gives the same records.

The raw files are opened once, at the start: a crawl that replaces a file while the build runs
(crawls write a new file and rename it) leaves the build reading the file it started with.
`os.pread` on inherited descriptors moves no shared file position, so forked merge workers read
at once.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from directory.vocabulary import Vocabulary
from indexer.extract import SourceRecord
from indexer.reading import extract_line


class RecordSpool:
    def __init__(self, files: Sequence[Path], vocab: Vocabulary, today: date) -> None:
        self._raw = [os.open(path, os.O_RDONLY) for path in files]
        self._vocab, self._today = vocab, today
        self._file_no = array("h")
        self._offsets = array("q")
        self._sizes = array("l")
        self._sub = array("h")  # the record's place among its line's records
        self.keys: dict[int, str] = {}  # record index → its key, where `distinct_keys` changed it

    def __len__(self) -> int:
        return len(self._offsets)

    def append_lines(self, file_no: int, origins: Iterable[tuple[int, int, int]]) -> None:
        """Records extracted from lines of raw file `file_no`: (line offset, line length, place)."""
        for offset, size, sub in origins:
            self._file_no.append(file_no)
            self._offsets.append(offset)
            self._sizes.append(size)
            self._sub.append(sub)

    def get(self, index: int) -> SourceRecord:
        return self.get_many([index])[0]

    def get_many(self, indexes: Iterable[int]) -> list[SourceRecord]:
        """The records at `indexes`, in that order; a line that gave several is extracted once."""
        lines: dict[tuple[int, int], list[SourceRecord]] = {}
        out = []
        for i in indexes:
            file_no, offset = self._file_no[i], self._offsets[i]
            found = lines.get((file_no, offset))
            if found is None:
                line = os.pread(self._raw[file_no], self._sizes[i], offset)
                found = lines[(file_no, offset)] = extract_line(line, self._vocab, self._today)
            rec = found[self._sub[i]]
            if (key := self.keys.get(i)) is not None:
                rec.key = key
            out.append(rec)
        return out

    def close(self) -> None:
        for fd in self._raw:
            os.close(fd)
        self._raw = []
