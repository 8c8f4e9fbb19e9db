"""The domain vocabulary: conditions, modalities, certifications, credentials and advisories.

Data lives in the TOML files beside this module (reviewed by tests/test_vocabulary.py). Matching
free text against it goes exact alias → ICD-10 code → fuzzy (rapidfuzz), in that order; the
fuzzy threshold is chosen on the labelled set in tests/data/vocab_labelled.tsv.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

DATA_DIR = Path(__file__).parent
TermKind = Literal["condition", "modality", "certification"]

# Chosen on tests/data/vocab_labelled.tsv (see tests/test_vocabulary_quality.py).
FUZZY_THRESHOLD = 85.0
FUZZY_MIN_LENGTH = 4
# Inside prose, where false friends abound, only close misspellings of longer phrases.
FUZZY_PROSE_THRESHOLD = 90.0
FUZZY_PROSE_MIN_LENGTH = 8


@dataclass(frozen=True)
class Related:
    id: str
    weight: float


@dataclass
class Term:
    id: str
    kind: TermKind
    name: str
    aliases: list[str] = field(default_factory=list)
    icd10: list[str] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)  # conditions: related conditions
    serves: list[Related] = field(default_factory=list)  # modalities: conditions they serve
    advisories: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)  # certifications
    implies_modalities: list[str] = field(default_factory=list)  # certifications
    qualifies_conditions: list[str] = field(default_factory=list)  # certifications


@dataclass(frozen=True)
class Credential:
    abbreviation: str
    variants: tuple[str, ...]
    meaning: str
    kind: str
    certification: str


@dataclass(frozen=True)
class Advisory:
    id: str
    triggers: tuple[str, ...]
    message: str
    prefer_modalities: tuple[str, ...]
    prefer_certifications: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    id: str
    kind: TermKind
    text: str
    method: Literal["exact", "icd10", "fuzzy", "head_word"]
    score: float
    matched_alias: str

    @property
    def corrected(self) -> bool:
        return self.method == "fuzzy"


@lru_cache(maxsize=200_000)
def normalize_text(text: str) -> str:
    """Lower-case, accents folded, punctuation to spaces (dots and digits kept for ICD codes)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ").replace("’", "'").replace("'s ", "s ")
    text = re.sub(r"[^a-z0-9.]+", " ", text)
    text = re.sub(r"(?<![0-9])\.|\.(?![0-9])", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_ICD = re.compile(r"^([a-z])\s?(\d{2})(?:\.?\s?([0-9a-z]{1,4}))?$")


def normalize_icd10(text: str) -> str | None:
    """'g56.01', 'G5601', 'G56 01' → 'G5601'; None when the text is not shaped like a code."""
    match = _ICD.match(text.strip().lower())
    if not match:
        return None
    return (match.group(1) + match.group(2) + (match.group(3) or "")).upper()


class Vocabulary:
    """The loaded vocabulary with its lookup indexes."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.terms: dict[TermKind, dict[str, Term]] = {"condition": {}, "modality": {}, "certification": {}}
        self.credentials: dict[str, Credential] = {}
        self.advisories: dict[str, Advisory] = {}
        self._load(data_dir)
        self._match_cache: dict[tuple[str, str, float, bool], Match | None] = {}
        self._aliases: dict[TermKind, dict[str, str]] = {kind: {} for kind in self.terms}
        self._icd: dict[str, str] = {}
        for kind, terms in self.terms.items():
            for term in terms.values():
                for alias in [term.id.replace("_", " "), term.name, *term.aliases]:
                    key = normalize_text(alias)
                    if key:
                        self._aliases[kind].setdefault(key, term.id)
                for code in term.icd10:
                    self._icd.setdefault(code.replace(".", "").upper(), term.id)
        self._alias_lists = {kind: list(aliases) for kind, aliases in self._aliases.items()}
        self._credential_variants: dict[str, Credential] = {}
        for cred in self.credentials.values():
            for variant in (cred.abbreviation, *cred.variants):
                self._credential_variants[normalize_text(variant).replace(" ", "")] = cred
        patterns = {
            kind: sorted((alias for alias in aliases if len(alias) >= 3), key=len, reverse=True) for kind, aliases in self._aliases.items()
        }
        self._phrase_re = {
            kind: re.compile(r"\b(" + "|".join(re.escape(a) for a in alias_list) + r")\b") if alias_list else None
            for kind, alias_list in patterns.items()
        }

    # Loading ---------------------------------------------------------------------------------

    def _load(self, data_dir: Path) -> None:
        def read(name: str) -> dict:
            with open(data_dir / name, "rb") as fh:
                return tomllib.load(fh)

        for row in read("conditions.toml").get("condition", []):
            self.terms["condition"][row["id"]] = Term(
                id=row["id"],
                kind="condition",
                name=row["name"],
                aliases=[*row.get("synonyms", []), *row.get("misspellings", [])],
                icd10=row.get("icd10", []),
                related=[Related(r["id"], float(r["weight"])) for r in row.get("related", [])],
                advisories=row.get("advisories", []),
            )
        for row in read("modalities.toml").get("modality", []):
            self.terms["modality"][row["id"]] = Term(
                id=row["id"],
                kind="modality",
                name=row["name"],
                aliases=[*row.get("synonyms", []), *row.get("misspellings", [])],
                serves=[Related(r["id"], float(r["weight"])) for r in row.get("serves", [])],
            )
        cert_rows = read("certifications.toml").get("certification", [])
        issuer_counts = Counter(normalize_text(i) for row in cert_rows for i in set(row.get("issuers", [])))
        for row in cert_rows:
            # An issuer with a single certification ("Society for Oncology Massage") names it.
            sole_issuers = [i for i in row.get("issuers", []) if issuer_counts[normalize_text(i)] == 1]
            self.terms["certification"][row["id"]] = Term(
                id=row["id"],
                kind="certification",
                name=row["name"],
                aliases=[*row.get("abbreviations", []), *row.get("synonyms", []), *sole_issuers],
                issuers=row.get("issuers", []),
                implies_modalities=row.get("modalities", []),
                qualifies_conditions=row.get("conditions", []),
            )
        for row in read("credentials.toml").get("credential", []):
            cred = Credential(
                abbreviation=row["abbreviation"],
                variants=tuple(row.get("variants", [])),
                meaning=row.get("meaning", ""),
                kind=row.get("kind", "other"),
                certification=row.get("certification", ""),
            )
            self.credentials[cred.abbreviation.upper()] = cred
        for row in read("advisories.toml").get("advisory", []):
            self.advisories[row["id"]] = Advisory(
                id=row["id"],
                triggers=tuple(t.lower() for t in row.get("triggers", [])),
                message=row["message"],
                prefer_modalities=tuple(row.get("prefer_modalities", [])),
                prefer_certifications=tuple(row.get("prefer_certifications", [])),
            )

    # Lookup ----------------------------------------------------------------------------------

    def term(self, kind: TermKind, term_id: str) -> Term | None:
        return self.terms[kind].get(term_id)

    def name(self, kind: TermKind, term_id: str) -> str:
        term = self.terms[kind].get(term_id)
        return term.name if term else term_id

    def match(self, text: str, kind: TermKind, threshold: float = FUZZY_THRESHOLD, inside: bool = True) -> Match | None:
        """The one term `text` names, or None. Exact alias, then ICD-10 code, then fuzzy; then,
        with `inside`, a single term named among other words."""
        key = (text, kind, threshold, inside)
        if key not in self._match_cache:
            if len(self._match_cache) > 200_000:
                self._match_cache.clear()
            self._match_cache[key] = self._match(text, kind, threshold, inside)
        return self._match_cache[key]

    def _match(self, text: str, kind: TermKind, threshold: float, inside: bool) -> Match | None:
        key = normalize_text(text)
        if not key:
            return None
        if term_id := self._aliases[kind].get(key):
            return Match(term_id, kind, text, "exact", 100.0, key)
        if kind == "condition" and (code := normalize_icd10(text)) is not None:
            term_id = self._icd_lookup(code)
            return Match(term_id, kind, text, "icd10", 100.0, code) if term_id else None
        if len(key) >= FUZZY_MIN_LENGTH:
            # Plain edit-distance ratio: WRatio's partial matching would let "massage" match "swedish massage".
            best = process.extractOne(key, self._alias_lists[kind], scorer=fuzz.ratio, score_cutoff=threshold)
            if best is not None:
                alias, score, _ = best
                return Match(self._aliases[kind][alias], kind, text, "fuzzy", float(score), alias)
        return self._match_inside(text, key, kind) if inside else None

    def _match_inside(self, text: str, key: str, kind: TermKind) -> Match | None:
        """A phrase that names one term among other words: 'ICD-10 M79.7', 'tendonitis in my wrist'."""
        if kind == "condition":
            for token in key.split():
                if (code := normalize_icd10(token)) is not None and (term_id := self._icd_lookup(code)):
                    return Match(term_id, kind, text, "icd10", 100.0, code)
        found = {m.id: m for m in self.find_in_text(text, kind)}
        if len(found) == 1:
            inner = next(iter(found.values()))
            return Match(inner.id, kind, text, "exact", 100.0, inner.matched_alias)
        return None

    def head_word(self, text: str, kind: TermKind) -> Match | None:
        """The one term whose name or a synonym starts with this single word ('prenatal' → Prenatal
        massage); None when the word starts none, or several terms (it would be a guess)."""
        key = normalize_text(text)
        if len(key) < FUZZY_MIN_LENGTH or " " in key:
            return None
        starting: dict[str, str] = {}
        for alias, term_id in self._aliases[kind].items():  # the id and name come first, then synonyms
            if alias.split(" ", 1)[0] == key:
                starting.setdefault(term_id, alias)
        if len(starting) != 1:
            return None
        ((term_id, alias),) = starting.items()
        return Match(term_id, kind, text, "head_word", 100.0, alias)

    def terms_in_phrase(self, phrase: str, kinds: tuple[TermKind, ...] = ("condition", "modality")) -> list[Match]:
        """The terms a short published phrase ("Frozen shoulder (adhesive capsulitis)") names.

        The whole phrase first (exact beats fuzzy across kinds); failing that, every known term
        the phrase contains.
        """
        whole = [m for kind in kinds if (m := self.match(phrase, kind)) is not None]
        if whole:
            exact = [m for m in whole if not m.corrected]
            # The term that covers most of the phrase: "Prenatal massage" is the technique, not
            # the condition its first word names.
            return [max(exact, key=lambda m: len(m.matched_alias)) if exact else max(whole, key=lambda m: m.score)]
        return self.find_terms(phrase, kinds)

    def find_terms(self, text: str, kinds: tuple[TermKind, ...] = ("condition", "modality"), fuzzy: bool = False) -> list[Match]:
        """Every term of `kinds` a longer text names, the longer phrase winning where two overlap
        whatever their kind ("prenatal massage" is a technique; "prenatal" alone a condition). Each
        match's `text` is the phrase as it stands in the (normalised) text. With `fuzzy`, phrases of
        one to three words left over that are a misspelling of a name or synonym, strictly
        (FUZZY_PROSE_THRESHOLD, at least FUZZY_PROSE_MIN_LENGTH letters), count too."""
        key = normalize_text(text)
        spans: list[tuple[int, int, TermKind, str]] = []
        for kind in kinds:
            pattern = self._phrase_re[kind]
            if pattern is not None:
                spans += [(found.start(1), found.end(1), kind, found.group(1)) for found in pattern.finditer(key)]
        taken: list[tuple[int, int]] = []
        seen: dict[tuple[TermKind, str], Match] = {}
        for start, end, kind, alias in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            term_id = self._aliases[kind][alias]
            seen.setdefault((kind, term_id), Match(term_id, kind, alias, "exact", 100.0, alias))
        if fuzzy:
            for match in self._fuzzy_in_prose(key, kinds, taken):
                seen.setdefault((match.kind, match.id), match)
        return list(seen.values())

    def _fuzzy_in_prose(self, key: str, kinds: tuple[TermKind, ...], taken: list[tuple[int, int]]) -> list[Match]:
        words = [(w.start(), w.end()) for w in re.finditer(r"\S+", key)]
        found: list[Match] = []
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                start, end = words[i][0], words[i + size - 1][1]
                phrase = key[start:end]
                if len(phrase) < FUZZY_PROSE_MIN_LENGTH or any(start < t_end and t_start < end for t_start, t_end in taken):
                    continue
                best: tuple[float, TermKind, str] | None = None
                for kind in kinds:
                    hit = process.extractOne(phrase, self._alias_lists[kind], scorer=fuzz.ratio, score_cutoff=FUZZY_PROSE_THRESHOLD)
                    if hit is not None and (best is None or hit[1] > best[0]):
                        best = (float(hit[1]), kind, hit[0])
                if best is not None:
                    score, kind, alias = best
                    taken.append((start, end))
                    found.append(Match(self._aliases[kind][alias], kind, phrase, "fuzzy", score, alias))
        return found

    def _icd_lookup(self, code: str) -> str | None:
        # A billable child (G56.01) falls back to its category (G56.0, then G56) when not listed.
        for length in range(len(code), 2, -1):
            if term_id := self._icd.get(code[:length]):
                return term_id
        return None

    def suggest(self, text: str, kind: TermKind, limit: int = 3) -> list[str]:
        """Display names of the closest terms, for 'did you mean' messages."""
        key = normalize_text(text)
        found = process.extract(key, self._alias_lists[kind], scorer=fuzz.WRatio, limit=limit * 4)
        names: list[str] = []
        for alias, _score, _ in found:
            name = self.name(kind, self._aliases[kind][alias])
            if name not in names:
                names.append(name)
            if len(names) == limit:
                break
        return names

    def find_in_text(self, text: str, kind: TermKind) -> list[Match]:
        """Every term of `kind` mentioned in a longer text (bios, page text), exact phrases only.

        Fuzzy matching inside long prose finds too many false friends; short published phrases
        (knowsAbout items) go through `match` instead.
        """
        pattern = self._phrase_re[kind]
        if pattern is None:
            return []
        key = normalize_text(text)
        seen: dict[str, Match] = {}
        for found in pattern.finditer(key):
            term_id = self._aliases[kind][found.group(1)]
            seen.setdefault(term_id, Match(term_id, kind, found.group(1), "exact", 100.0, found.group(1)))
        return list(seen.values())

    def credential(self, token: str) -> Credential | None:
        if token.isalpha() and token.isascii():
            return self._credential_variants.get(token.lower())  # what normalize_text makes of a plain word
        return self._credential_variants.get(normalize_text(token).replace(" ", ""))

    def advisories_for(self, condition_ids: list[str], text: str = "") -> list[Advisory]:
        """Advisories a search touches: through its conditions, or trigger words in its text."""
        found: dict[str, Advisory] = {}
        for condition_id in condition_ids:
            term = self.terms["condition"].get(condition_id)
            for advisory_id in term.advisories if term else []:
                if advisory_id in self.advisories:
                    found[advisory_id] = self.advisories[advisory_id]
        key = f" {normalize_text(text)} "
        for advisory in self.advisories.values():
            if any(f" {normalize_text(t)} " in key for t in advisory.triggers):
                found[advisory.id] = advisory
        return list(found.values())


@lru_cache(maxsize=1)
def get_vocabulary() -> Vocabulary:
    return Vocabulary()
