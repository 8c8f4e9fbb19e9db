"""Graded queries, written from the ground truth alone (never from what the system returns).

Each query has a group (condition name, synonym/typo/shorthand, ICD-10, free text, filters only,
name lookup), its /search parameters as a person would give them, and a grade 0-3 for every
ground-truth person, from what that person published (their stated conditions and techniques,
certifications, languages), where they practise, and whether their licence is in force:

* a condition: 3 states it; 2 states a closely related condition (relatedness >= 0.6 in the
  vocabulary's domain data) or holds a certification that covers it; 1 offers a technique that
  serves it (weight >= 0.6); 0 otherwise
* free text naming a condition and a technique: 3 both stated, 2 the condition, 1 either weaker
  basis or the technique alone
* a technique alone: 3 stated; filters only: 2 meets every filter
* a name: 3 the person of that name

Only people with a licence in force and practising in the place asked about can be relevant: a
default search never shows anyone else.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date

from bench.e2e_quality.generate import METROS, NICKNAMED, VOCAB_DIR, Person, fold
from directory.geo import haversine_km, zip_place

GROUPS = ("condition", "synonym", "icd10", "free_text", "filters", "name")
RADIUS_KM = 40.0


@dataclass
class Query:
    id: str
    group: str
    params: dict[str, str | list[str]]
    grades: dict[str, int] = field(default_factory=dict)  # person id → grade (0 left out)


@dataclass(frozen=True)
class Domain:
    related: dict[str, dict[str, float]]  # condition → related condition → weight
    serves: dict[str, dict[str, float]]  # condition → technique → weight
    qualifies: dict[str, set[str]]  # condition → certifications covering it
    icd10: dict[str, str]  # condition → its first ICD-10 code
    names: dict[str, str]  # condition → display name


def domain() -> Domain:
    def read(name: str) -> dict:
        with open(VOCAB_DIR / name, "rb") as fh:
            return tomllib.load(fh)

    conditions = read("conditions.toml")["condition"]
    related = {c["id"]: {r["id"]: float(r["weight"]) for r in c.get("related", [])} for c in conditions}
    serves: dict[str, dict[str, float]] = {}
    for m in read("modalities.toml")["modality"]:
        for s in m.get("serves", []):
            serves.setdefault(s["id"], {})[m["id"]] = float(s["weight"])
    qualifies: dict[str, set[str]] = {}
    for cert in read("certifications.toml")["certification"]:
        for c in cert.get("conditions", []):
            qualifies.setdefault(c, set()).add(cert["id"])
    return Domain(
        related, serves, qualifies, {c["id"]: c["icd10"][0] for c in conditions if c.get("icd10")}, {c["id"]: c["name"] for c in conditions}
    )


def condition_grade(p: Person, condition: str, d: Domain) -> int:
    if condition in p.conditions:
        return 3
    if any(d.related.get(condition, {}).get(c, 0) >= 0.6 or d.related.get(c, {}).get(condition, 0) >= 0.6 for c in p.conditions):
        return 2
    if d.qualifies.get(condition, set()) & set(p.certifications):
        return 2
    if any(d.serves.get(condition, {}).get(m, 0) >= 0.6 for m in p.modalities):
        return 1
    return 0


def _metros() -> list[tuple[str, str, str]]:
    return [(city, state, zip_code) for state, metros in METROS.items() for city, zip_code, _ in metros]


def _in_place(p: Person, city: str | None, zip_code: str | None, today: date) -> bool:
    if not p.active_on(today):
        return False
    if zip_code:
        here, there = zip_place(zip_code), zip_place(p.zip)
        return here is not None and there is not None and haversine_km(here.lat, here.lon, there.lat, there.lon) <= RADIUS_KM
    return p.city == city


# What people type for a condition, and what they mean (ground truth, written by hand).
TYPED_CONDITIONS = [
    ("lbp", "low_back_pain"),
    ("lumbago", "low_back_pain"),
    ("carpel tunnel", "carpal_tunnel_syndrome"),
    ("CTS", "carpal_tunnel_syndrome"),
    ("TMJD", "tmj_disorder"),
    ("sciatic nerve pain", "sciatica"),
    ("fibromyalga", "fibromyalgia"),
    ("migrane", "migraine"),
    ("frozen sholder", "frozen_shoulder"),
    ("lymphoedema", "lymphedema"),
    ("plantar fascitis", "plantar_fasciitis"),
    ("RSI", "repetitive_strain_injury"),
    ("tension headaches", "tension_headache"),
    ("whiplash injury", "whiplash"),
]

# Free text as people type it: {city} a city without its state, {zip} a ZIP, {st} its state.
FREE_TEXT = [
    ("deep tissue for sciatica near {city}", "sciatica", "deep_tissue_massage"),
    ("migraine relief craniosacral {city}", "migraine", "craniosacral_therapy"),
    ("lbp massage in {city}", "low_back_pain", None),
    ("pins and needles in my hand near {city}", "carpal_tunnel_syndrome", None),
    ("prenatal massage {city}", None, "prenatal_massage"),
    ("jaw clenching around {city}", "tmj_disorder", None),
    ("post-mastectomy swelling lymphatic drainage {city}", "lymphedema", "manual_lymphatic_drainage"),
    ("sciatic nerve pain {zip}", "sciatica", None),
    ("fibromyalga gentle massage near {city}", "fibromyalgia", None),
    ("frozen sholder {city} {st}", "frozen_shoulder", None),
    ("plantar fasciitis {zip}", "plantar_fasciitis", None),
    ("neck pain trigger point near {city}", "neck_pain", "trigger_point_therapy"),
    ("whiplash after a car accident in {city}", "whiplash", None),
    ("anxiety swedish massage {city}", "anxiety", "swedish_massage"),
    ("cts massage near {zip}", "carpal_tunnel_syndrome", None),
    ("tension headaches {city}", "tension_headache", None),
    ("myofascial release for fibromyalgia near {city}", "fibromyalgia", "myofascial_release"),
    ("repetitive strain injury from typing {city}", "repetitive_strain_injury", None),
    ("piriformis near {city}", "piriformis_syndrome", None),
    ("mfr for lower back pain {city}", "low_back_pain", "myofascial_release"),
    ("sports massage for sports injury {zip}", "sports_injury", "sports_massage"),
    ("tmj {city} {st}", "tmj_disorder", None),
]


def build_queries(people: list[Person], today: date) -> list[Query]:
    """The graded queries for this corpus; queries nobody in it is relevant for are left out."""
    d = domain()
    metros = _metros()
    queries: list[Query] = []

    def add(group: str, params: dict, grade_of) -> None:  # type: ignore[no-untyped-def]
        grades = {p.id: g for p in people if (g := grade_of(p))}
        if grades:
            queries.append(Query(f"{group}-{len(queries):03d}", group, params, grades))

    conditions = [
        "sciatica",
        "low_back_pain",
        "migraine",
        "carpal_tunnel_syndrome",
        "tmj_disorder",
        "fibromyalgia",
        "lymphedema",
        "neck_pain",
        "frozen_shoulder",
        "anxiety",
        "plantar_fasciitis",
        "pregnancy_discomfort",
        "sports_injury",
        "whiplash",
    ]
    for i, condition in enumerate(conditions):
        city, state, _ = metros[i % len(metros)]
        add(
            "condition",
            {"condition": d.names[condition], "near": f"{city}, {state}"},
            lambda p, c=condition, ct=city: _in_place(p, ct, None, today) and condition_grade(p, c, d),
        )
    for i, (typed, condition) in enumerate(TYPED_CONDITIONS):
        city, state, zip_code = metros[(i + 4) % len(metros)]
        add(
            "synonym",
            {"condition": typed, "near": zip_code},
            lambda p, c=condition, z=zip_code: _in_place(p, None, z, today) and condition_grade(p, c, d),
        )
    for i, condition in enumerate(
        [
            "sciatica",
            "migraine",
            "carpal_tunnel_syndrome",
            "low_back_pain",
            "tmj_disorder",
            "fibromyalgia",
            "lymphedema",
            "plantar_fasciitis",
            "neck_pain",
        ]
    ):
        city, state, _ = metros[(i + 2) % len(metros)]
        add(
            "icd10",
            {"condition": d.icd10[condition], "near": f"{city}, {state}"},
            lambda p, c=condition, ct=city: _in_place(p, ct, None, today) and condition_grade(p, c, d),
        )
    for i, (template, condition, technique) in enumerate(FREE_TEXT):
        city, state, zip_code = metros[(i * 2 + 1) % len(metros)]
        text = template.format(city=city, st=state, zip=zip_code)
        in_zip = "{zip}" in template

        def grade(p: Person, c=condition, m=technique, ct=city, z=zip_code, by_zip=in_zip) -> int:  # type: ignore[no-untyped-def]
            if not _in_place(p, None if by_zip else ct, z if by_zip else None, today):
                return 0
            has_m = m is not None and m in p.modalities
            if c is None:
                return 3 if has_m else 0
            base = condition_grade(p, c, d)
            if m is None:
                return base
            if base == 3:
                return 3 if has_m else 2
            return max(min(base, 1), 1 if has_m else 0)

        add("free_text", {"q": text}, grade)
    filters = [
        ({"modality": ["deep tissue"]}, lambda p: "deep_tissue_massage" in p.modalities),
        ({"modality": ["prenatal"]}, lambda p: "prenatal_massage" in p.modalities),
        (
            {"modality": ["craniosacral therapy", "myofascial release"]},
            lambda p: bool({"craniosacral_therapy", "myofascial_release"} & set(p.modalities)),
        ),
        ({"language": "Spanish"}, lambda p: "Spanish" in p.languages),
        ({"certification": ["BCTMB"]}, lambda p: "bctmb" in p.certifications),
        ({"gender": "male", "modality": ["sports massage"]}, lambda p: p.gender == "male" and "sports_massage" in p.modalities),
        ({"modality": ["MLD"]}, lambda p: "manual_lymphatic_drainage" in p.modalities),
        ({"modality": ["hot stone"]}, lambda p: "hot_stone_massage" in p.modalities),
        ({"modality": ["trp"]}, lambda p: "trigger_point_therapy" in p.modalities),
        ({"language": "Vietnamese"}, lambda p: "Vietnamese" in p.languages),
    ]
    for i, (params, keep) in enumerate(filters):
        city, state, _ = metros[(i * 4 + 2) % len(metros)]
        add("filters", {**params, "near": city}, lambda p, k=keep, ct=city: 2 if _in_place(p, ct, None, today) and k(p) else 0)
    add_names(people, today, add)
    return queries


def _typo(word: str) -> str:
    """One transposition inside a long word, as fingers make it ('Alvarez' → 'Alvaerz')."""
    if len(word) < 6:
        return word
    i = len(word) // 2
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def add_names(people: list[Person], today: date, add) -> None:  # type: ignore[no-untyped-def]
    """Name lookups: by nickname, with a typo, accents dropped, surname first; everyone of that name is relevant."""
    active = [p for p in people if p.active_on(today) and " " not in p.last and "-" not in p.last and "'" not in p.last]
    picks = [p for p in active if p.first in NICKNAMED][:4] + [p for p in active if p.first not in NICKNAMED][:4]
    accented = [p for p in active if fold(p.last) != p.last][:2]
    forms = []
    for i, p in enumerate(picks):
        if i < 4:
            forms.append(({"q": f"{NICKNAMED[p.first]} {p.last}"}, p))
        elif i < 6:
            forms.append(({"name": f"{p.first} {_typo(p.last)}"}, p))
        else:
            forms.append(({"q": f"{p.last}, {p.first}"}, p))
    forms += [({"name": fold(f"{p.first} {p.last}").upper()}, p) for p in accented]

    def same_name(p: Person, q: Person) -> bool:
        return p.active_on(today) and fold(p.last).lower() == fold(q.last).lower() and p.first == q.first

    for params, person in forms:
        add("name", params, lambda p, q=person: 3 if same_name(p, q) else 0)
