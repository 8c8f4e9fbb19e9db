"""Writes tests/relevance/judgments.json: the judged queries for population.jsonl.

Run (after make_population.py):  .venv/bin/python tests/relevance/make_judgments.py

How grades are decided
----------------------
Grades come from the listing content only (conditions, modalities, certifications, licence,
experience, distance, accepting new clients), read the way a careful person looking for a
therapist would read them. The rules are written out below as a rubric -- one "clinical
profile" per condition, written by hand for this file from the seed articles and ordinary
massage-therapy knowledge (it does NOT reuse the relatedness/serves weights in
directory/vocabulary, and nothing here reads directory/ranking.py or runs a search). A few
grades are then set by hand in OVERRIDES, each with its reason.

Grade scale
  3 ideal     explicit specialty for the condition (or the certification that defines it),
              board-verified licence in force, a credential signal (relevant certification,
              BCTMB, or 5+ years licensed), near (<= min(20, max(10, 0.6 x radius)) km; for
              near-only queries <= radius / 2), accepting clients
  2 good      explicit specialty missing one of those (farther, unverified licence, newer and
              uncertified, not accepting clients) -- or a closely related condition plus the
              training that treats it
  1 marginal  only a technique that serves it, or a related condition, or a specialist whose
              licence status is unknown
  0 not relevant  generalist / wrong technique / licence not in force / outside the radius
Every listing inside the query radius is judged, plus "near misses" just outside it that would
otherwise have been grade 2+ (graded 0 with the reason).
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from directory.gazetteer import resolve_near  # noqa: E402  (ZIP / "City, ST" / lat,lon -> point; not ranking)
from directory.models import LicenseStatus, Listing  # noqa: E402

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 23)
DEFAULT_RADIUS = 40.0
NEAR_MISS_KM = 10.0

# ------------------------------------------------------------------------------------ geometry


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


# ------------------------------------------------------------------------------------ clinical profiles
# rel_strong / rel_weak : conditions a therapist may list that make them relevant by relation
# serve                 : techniques that genuinely help with it
# training              : the subset of `serve` that counts as "strong relevant training"
# certs                 : certifications relevant to it (credential signal)
# qualifying            : certifications that on their own make someone a specialist for it
# avoid                 : techniques that are the wrong approach for it (do not count as serving)
# gentle_ok             : gentle relaxation massage itself serves it (marginal, grade 1)

NMT, TP, MED, ORTHO, DEEP, MFR = (
    "neuromuscular_therapy",
    "trigger_point_therapy",
    "medical_massage",
    "orthopedic_massage",
    "deep_tissue_massage",
    "myofascial_release",
)
PR, ART, MET, CST, MLD, SPORTS = (
    "positional_release",
    "active_release_technique",
    "muscle_energy_technique",
    "craniosacral_therapy",
    "manual_lymphatic_drainage",
    "sports_massage",
)
GENTLE = [
    "swedish_massage",
    "hot_stone_massage",
    "reflexology",
    "lomi_lomi",
    "craniosacral_therapy",
    "shiatsu",
    "acupressure",
    "geriatric_massage",
]

PROFILES: dict[str, dict] = {
    "sciatica": dict(
        rel_strong=["piriformis_syndrome", "radiculopathy", "herniated_disc"],
        rel_weak=["low_back_pain", "sacroiliac_joint_dysfunction", "hip_pain"],
        serve=[NMT, TP, MED, ORTHO, DEEP, MFR, PR, ART, MET],
        training=[NMT, TP, MED, ORTHO, ART, PR],
        certs=["cnmt", "cmtpt", "medical_massage_certification", "orthopedic_massage_certification", "art_certification"],
    ),
    "low_back_pain": dict(
        rel_strong=["sciatica", "sacroiliac_joint_dysfunction", "herniated_disc", "muscle_spasms"],
        rel_weak=[
            "piriformis_syndrome",
            "posture_problems",
            "scoliosis",
            "chronic_pain",
            "hip_pain",
            "upper_back_pain",
            "pregnancy_discomfort",
        ],
        serve=[DEEP, NMT, TP, MED, ORTHO, MFR, PR, MET, "structural_integration", "thai_massage", "pnf_stretching"],
        training=[NMT, TP, MED, ORTHO, MFR, PR, MET, "structural_integration"],
        certs=[
            "cnmt",
            "cmtpt",
            "medical_massage_certification",
            "orthopedic_massage_certification",
            "myofascial_release_certification",
            "structural_integration_certification",
        ],
    ),
    "neck_pain": dict(
        rel_strong=["whiplash", "upper_back_pain", "tension_headache", "thoracic_outlet_syndrome"],
        rel_weak=[
            "posture_problems",
            "shoulder_pain",
            "muscle_tension",
            "headache",
            "tmj_disorder",
            "radiculopathy",
            "herniated_disc",
            "myofascial_pain_syndrome",
        ],
        serve=[NMT, TP, MED, MFR, DEEP, CST, PR, MET, ORTHO],
        training=[NMT, TP, MED, MFR, PR, ORTHO],
        certs=["cnmt", "cmtpt", "medical_massage_certification", "myofascial_release_certification", "orthopedic_massage_certification"],
    ),
    "carpal_tunnel_syndrome": dict(
        rel_strong=["repetitive_strain_injury", "thoracic_outlet_syndrome"],
        rel_weak=["tendonitis", "tennis_elbow", "radiculopathy"],
        serve=[ART, NMT, MED, ORTHO, MFR, TP, "iastm"],
        training=[ART, NMT, MED, ORTHO, MFR],
        certs=[
            "art_certification",
            "cnmt",
            "medical_massage_certification",
            "orthopedic_massage_certification",
            "myofascial_release_certification",
            "graston_certification",
        ],
    ),
    "migraine": dict(
        rel_strong=["tension_headache", "headache"],
        rel_weak=["tmj_disorder", "neck_pain", "cluster_headache"],
        serve=[CST, TP, NMT, "acupressure", "tmj_intraoral_massage", MFR],
        training=[CST, TP, NMT, "tmj_intraoral_massage"],
        certs=["craniosacral_certification", "cnmt", "cmtpt"],
    ),
    "tension_headache": dict(
        rel_strong=["headache", "neck_pain", "migraine", "tmj_disorder"],
        rel_weak=["muscle_tension", "upper_back_pain", "posture_problems", "whiplash", "myofascial_pain_syndrome", "stress"],
        serve=[TP, NMT, CST, MFR, MED, "tmj_intraoral_massage", "acupressure", DEEP, PR],
        training=[TP, NMT, CST, MED, "tmj_intraoral_massage"],
        certs=["cnmt", "cmtpt", "craniosacral_certification", "medical_massage_certification"],
    ),
    "headache": dict(
        rel_strong=["tension_headache", "migraine"],
        rel_weak=["neck_pain", "tmj_disorder", "muscle_tension"],
        serve=[TP, NMT, CST, MFR, "acupressure", "tmj_intraoral_massage"],
        training=[TP, NMT, CST, "tmj_intraoral_massage"],
        certs=["cnmt", "cmtpt", "craniosacral_certification"],
    ),
    "plantar_fasciitis": dict(
        rel_strong=[],
        rel_weak=["sports_injury", "shin_splints", "tendonitis", "knee_pain"],
        serve=["iastm", MFR, ART, SPORTS, ORTHO, TP, DEEP, "kinesio_taping"],
        training=["iastm", ART, MFR, ORTHO, SPORTS],
        certs=[
            "graston_certification",
            "art_certification",
            "myofascial_release_certification",
            "orthopedic_massage_certification",
            "sports_massage_certification",
        ],
    ),
    "frozen_shoulder": dict(
        rel_strong=["shoulder_pain", "rotator_cuff_injury"],
        rel_weak=["limited_mobility", "bursitis", "post_surgical_recovery"],
        serve=[ORTHO, MED, MFR, "pnf_stretching", MET, TP, DEEP],
        training=[ORTHO, MED, MFR, "pnf_stretching"],
        certs=["orthopedic_massage_certification", "medical_massage_certification", "myofascial_release_certification"],
    ),
    "fibromyalgia": dict(
        rel_strong=["chronic_pain", "myofascial_pain_syndrome", "chronic_fatigue"],
        rel_weak=["insomnia", "anxiety", "rheumatoid_arthritis"],
        serve=[MFR, CST, MED, "swedish_massage", "hot_stone_massage", MLD],
        training=[MFR, CST, MED],
        certs=["myofascial_release_certification", "craniosacral_certification", "medical_massage_certification"],
        avoid=[DEEP, "cupping", "iastm"],
        gentle_ok=True,
    ),
    "tmj_disorder": dict(
        rel_strong=["tension_headache"],
        rel_weak=["neck_pain", "migraine", "whiplash", "headache"],
        serve=["tmj_intraoral_massage", CST, TP, NMT, MFR, MED],
        training=["tmj_intraoral_massage", CST, NMT, TP],
        certs=["craniosacral_certification", "cnmt", "cmtpt"],
    ),
    "whiplash": dict(
        rel_strong=["neck_pain"],
        rel_weak=["upper_back_pain", "tension_headache", "headache", "strains_sprains", "tmj_disorder", "radiculopathy"],
        serve=[MED, NMT, MFR, CST, PR, TP, ORTHO],
        training=[MED, NMT, MFR, PR, ORTHO],
        certs=[
            "medical_massage_certification",
            "cnmt",
            "myofascial_release_certification",
            "orthopedic_massage_certification",
            "craniosacral_certification",
        ],
    ),
    "lymphedema": dict(
        rel_strong=["edema", "cancer_care"],
        rel_weak=["post_surgical_recovery"],
        serve=[MLD, "oncology_massage"],
        training=[MLD],
        certs=["clt", "mld_certification", "oncology_massage_certification"],
        qualifying=["clt", "mld_certification"],
        require_cert_for_3=True,
    ),
    "it_band_syndrome": dict(
        rel_strong=["knee_pain", "sports_injury"],
        rel_weak=["hip_pain", "shin_splints", "tendonitis"],
        serve=[SPORTS, "iastm", ART, MFR, DEEP, ORTHO, "pnf_stretching", "cupping"],
        training=[SPORTS, "iastm", ART, ORTHO, MFR],
        certs=[
            "sports_massage_certification",
            "graston_certification",
            "art_certification",
            "orthopedic_massage_certification",
            "myofascial_release_certification",
        ],
    ),
    "sports_injury": dict(
        rel_strong=[
            "strains_sprains",
            "it_band_syndrome",
            "shin_splints",
            "tendonitis",
            "rotator_cuff_injury",
            "plantar_fasciitis",
            "tennis_elbow",
            "knee_pain",
        ],
        rel_weak=["hip_pain", "muscle_spasms", "shoulder_pain"],
        serve=[SPORTS, ART, "iastm", "kinesio_taping", ORTHO, "pnf_stretching", DEEP, "cupping"],
        training=[SPORTS, ART, "iastm", ORTHO, "kinesio_taping"],
        certs=[
            "sports_massage_certification",
            "art_certification",
            "graston_certification",
            "orthopedic_massage_certification",
            "kinesio_taping_certification",
        ],
        qualifying=["sports_massage_certification"],
    ),
    "anxiety": dict(
        rel_strong=["stress", "ptsd", "depression", "insomnia"],
        rel_weak=["fibromyalgia"],
        serve=GENTLE + ["oncology_massage"],
        training=[CST],
        certs=["craniosacral_certification", "reflexology_certification"],
        gentle_ok=True,
    ),
    "piriformis_syndrome": dict(
        rel_strong=["sciatica", "hip_pain", "sacroiliac_joint_dysfunction"],
        rel_weak=["low_back_pain"],
        serve=[TP, NMT, DEEP, ART, PR, ORTHO, MET, MED],
        training=[TP, NMT, ART, ORTHO, PR],
        certs=["cnmt", "cmtpt", "art_certification", "orthopedic_massage_certification"],
    ),
    "rotator_cuff_injury": dict(
        rel_strong=["shoulder_pain", "frozen_shoulder", "tendonitis"],
        rel_weak=["sports_injury", "bursitis"],
        serve=[ORTHO, SPORTS, MED, ART, "iastm", TP, "pnf_stretching", "kinesio_taping", DEEP],
        training=[ORTHO, MED, ART, SPORTS],
        certs=[
            "orthopedic_massage_certification",
            "art_certification",
            "medical_massage_certification",
            "sports_massage_certification",
            "graston_certification",
        ],
    ),
    "herniated_disc": dict(
        rel_strong=["radiculopathy", "sciatica"],
        rel_weak=["low_back_pain", "neck_pain"],
        serve=[MED, ORTHO, NMT, PR, MET, MFR, TP],
        training=[MED, ORTHO, NMT, PR],
        certs=["medical_massage_certification", "orthopedic_massage_certification", "cnmt"],
        avoid=[DEEP],
    ),
    "myofascial_pain_syndrome": dict(
        rel_strong=["muscle_spasms", "chronic_pain", "fibromyalgia"],
        rel_weak=["muscle_tension", "tension_headache", "neck_pain", "low_back_pain", "upper_back_pain"],
        serve=[TP, NMT, MFR, DEEP, "cupping", PR],
        training=[TP, NMT, MFR],
        certs=["cnmt", "cmtpt", "myofascial_release_certification"],
        qualifying=["cnmt", "cmtpt"],
    ),
    "osteoarthritis": dict(
        rel_strong=["limited_mobility", "knee_pain", "hip_pain", "rheumatoid_arthritis"],
        rel_weak=["chronic_pain"],
        serve=["geriatric_massage", "swedish_massage", MFR, "pnf_stretching", "hot_stone_massage", ORTHO],
        training=["geriatric_massage", ORTHO, MFR],
        certs=["orthopedic_massage_certification", "myofascial_release_certification"],
        avoid=[DEEP],
        gentle_ok=True,
    ),
    "insomnia": dict(
        rel_strong=["stress", "anxiety"],
        rel_weak=["depression", "ptsd", "chronic_fatigue", "restless_legs_syndrome"],
        serve=GENTLE,
        training=[CST],
        certs=["craniosacral_certification", "reflexology_certification"],
        gentle_ok=True,
    ),
    "scar_tissue": dict(
        rel_strong=["post_surgical_recovery"],
        rel_weak=["limited_mobility"],
        serve=["scar_tissue_massage", MFR, "iastm", MED, MLD],
        training=["scar_tissue_massage", MFR, MED],
        certs=["myofascial_release_certification", "medical_massage_certification", "graston_certification", "mld_certification"],
    ),
    "post_surgical_recovery": dict(
        rel_strong=["scar_tissue", "edema"],
        rel_weak=["limited_mobility", "lymphedema"],
        serve=["scar_tissue_massage", MLD, MFR, MED],
        training=["scar_tissue_massage", MLD, MFR, MED],
        certs=["mld_certification", "clt", "medical_massage_certification", "myofascial_release_certification"],
    ),
}

MOD_CERTS = {  # certification that stands behind a technique (for technique-only queries)
    MLD: ["mld_certification", "clt"],
    CST: ["craniosacral_certification"],
    SPORTS: ["sports_massage_certification"],
    ART: ["art_certification"],
    TP: ["cnmt", "cmtpt"],
    MFR: ["myofascial_release_certification"],
    NMT: ["cnmt"],
}

NICE = {
    "low_back_pain": "low back pain",
    "neck_pain": "neck pain",
    "carpal_tunnel_syndrome": "carpal tunnel",
    "tension_headache": "tension headaches",
    "plantar_fasciitis": "plantar fasciitis",
    "frozen_shoulder": "frozen shoulder",
    "tmj_disorder": "TMJ",
    "it_band_syndrome": "IT band syndrome",
    "sports_injury": "sports injuries",
    "piriformis_syndrome": "piriformis syndrome",
    "rotator_cuff_injury": "rotator cuff injury",
    "herniated_disc": "herniated disc",
    "myofascial_pain_syndrome": "myofascial pain",
    "post_surgical_recovery": "post-surgical recovery",
    "scar_tissue": "scar tissue",
    "cancer_care": "cancer care",
    "pregnancy_discomfort": "pregnancy discomfort",
}
CERT_SHORT = {
    "bctmb": "BCTMB",
    "cnmt": "CNMT",
    "cmtpt": "CMTPT",
    "clt": "CLT",
    "mld_certification": "MLD-certified",
    "medical_massage_certification": "medical massage cert",
    "orthopedic_massage_certification": "orthopedic massage cert",
    "art_certification": "ART provider",
    "oncology_massage_certification": "oncology massage trained",
    "prenatal_certification": "prenatal certified",
    "craniosacral_certification": "CranioSacral certified",
    "myofascial_release_certification": "JFB MFR trained",
    "sports_massage_certification": "sports massage cert",
    "graston_certification": "Graston",
    "kinesio_taping_certification": "CKTP",
    "structural_integration_certification": "BCSI",
    "reflexology_certification": "certified reflexologist",
    "asian_bodywork_certification": "AOBTA",
}


def nice(term: str) -> str:
    return NICE.get(term, term.replace("_", " "))


def mod_nice(term: str) -> str:
    return {
        "neuromuscular_therapy": "NMT",
        "trigger_point_therapy": "trigger point",
        "manual_lymphatic_drainage": "MLD",
        "active_release_technique": "ART",
        "iastm": "IASTM",
        "pnf_stretching": "PNF stretching",
        "craniosacral_therapy": "CranioSacral",
    }.get(term, term.replace("_massage", "").replace("_", " "))


# ------------------------------------------------------------------------------------ queries
# judge: how to grade. kind = condition | near | modality | pregnancy | cancer | lymph_postop
# targets: condition ids the person needs (first = primary); prefer: technique named in the text
# advisory: extra rule (blood_thinners); modality: a modality filter from the params

QUERIES: list[dict] = [
    # ---- condition + near ----------------------------------------------------------------
    dict(
        id="q01",
        params={"condition": "sciatica", "near": "78704", "radius_km": 40},
        intent="consumer with sciatica in south Austin. Hard cases: specialist 31 km away vs Swedish generalist 0 km; piriformis-syndrome lister vs NMT-technique-only; expired-licence best textual match; twins; unverified and not-accepting specialists",
        judge=dict(kind="condition", targets=["sciatica"]),
    ),
    dict(
        id="q02",
        params={"condition": "low back pain", "near": "77006"},
        intent="low back pain, Montrose (Houston); twins in River Oaks; NMT specialist in Katy (33 km) vs spa generalist 0 km",
        judge=dict(kind="condition", targets=["low_back_pain"]),
    ),
    dict(
        id="q03",
        params={"condition": "neck pain", "near": "80206"},
        intent="neck pain, Cherry Creek (Denver)",
        judge=dict(kind="condition", targets=["neck_pain"]),
    ),
    dict(
        id="q04",
        params={"condition": "carpal tunnel syndrome", "near": "33131"},
        intent="carpal tunnel, Brickell (Miami); suspended-licence best match must not show; repetitive-strain (related) ART provider",
        judge=dict(kind="condition", targets=["carpal_tunnel_syndrome"]),
    ),
    dict(
        id="q05",
        params={"condition": "migraine", "near": "80202"},
        intent="migraines, downtown Denver; identical twins in 80206; expired-licence headache specialist",
        judge=dict(kind="condition", targets=["migraine"]),
    ),
    dict(
        id="q06",
        params={"condition": "tension headache", "near": "78701"},
        intent="tension headaches, downtown Austin",
        judge=dict(kind="condition", targets=["tension_headache"]),
    ),
    dict(
        id="q07",
        params={"condition": "plantar fasciitis", "near": "80210"},
        intent="plantar fasciitis, south Denver (University Park); specialists are rare, so technique matches matter",
        judge=dict(kind="condition", targets=["plantar_fasciitis"]),
    ),
    dict(
        id="q08",
        params={"condition": "frozen shoulder", "near": "77024"},
        intent="frozen shoulder, Memorial (west Houston)",
        judge=dict(kind="condition", targets=["frozen_shoulder"]),
    ),
    dict(
        id="q09",
        params={"condition": "fibromyalgia", "near": "33133"},
        intent="fibromyalgia, Coconut Grove (Miami); deep-tissue-only therapists are the wrong approach",
        judge=dict(kind="condition", targets=["fibromyalgia"]),
    ),
    dict(
        id="q10",
        params={"condition": "TMJ", "near": "78757"},
        intent="TMJ / jaw pain, north-central Austin",
        judge=dict(kind="condition", targets=["tmj_disorder"]),
    ),
    dict(
        id="q11",
        params={"condition": "whiplash", "near": "33135"},
        intent="whiplash after a car accident, Little Havana (Miami)",
        judge=dict(kind="condition", targets=["whiplash"]),
    ),
    dict(
        id="q12",
        params={"condition": "lymphedema", "near": "77030"},
        intent="lymphedema, Texas Medical Center (Houston); CLT / MLD certification is what matters; oncology therapist in The Woodlands is just outside the radius",
        judge=dict(kind="condition", targets=["lymphedema"]),
    ),
    dict(
        id="q13",
        params={"condition": "IT band syndrome", "near": "80211"},
        intent="IT band syndrome (runner), Highland (Denver); Boulder specialist at ~37 km",
        judge=dict(kind="condition", targets=["it_band_syndrome"]),
    ),
    dict(
        id="q14",
        params={"condition": "sports injury", "near": "78703", "radius_km": 25},
        intent="sports injury, central-west Austin, 25 km radius",
        judge=dict(kind="condition", targets=["sports_injury"]),
    ),
    dict(
        id="q15",
        params={"condition": "anxiety", "near": "33139"},
        intent="anxiety, Miami Beach; calming/gentle massage serves it, so generalists are marginal not irrelevant",
        judge=dict(kind="condition", targets=["anxiety"]),
    ),
    dict(
        id="q16",
        params={"condition": "piriformis syndrome", "near": "78745"},
        intent="piriformis syndrome, south Austin; sciatica specialists are closely related",
        judge=dict(kind="condition", targets=["piriformis_syndrome"]),
    ),
    dict(
        id="q17",
        params={"condition": "rotator cuff", "near": "Houston, TX"},
        intent="rotator cuff injury, Houston city centre ('City, ST' near)",
        judge=dict(kind="condition", targets=["rotator_cuff_injury"]),
    ),
    dict(
        id="q18",
        params={"condition": "herniated disc", "near": "77098", "radius_km": 25},
        intent="herniated disc, Upper Kirby (Houston), 25 km radius; deep tissue alone is not the right approach",
        judge=dict(kind="condition", targets=["herniated_disc"]),
    ),
    dict(
        id="q19",
        params={"condition": "sciatica", "near": "80206", "radius_km": 15},
        intent="sciatica in Denver with a tight 15 km radius",
        judge=dict(kind="condition", targets=["sciatica"]),
    ),
    dict(
        id="q20",
        params={"condition": "myofascial pain", "near": "30.2672,-97.7431"},
        intent="myofascial pain syndrome near downtown Austin given as lat,lon; CNMT/CMTPT certification counts as specialty",
        judge=dict(kind="condition", targets=["myofascial_pain_syndrome"]),
    ),
    dict(
        id="q21",
        params={"condition": "siatica", "near": "Houston, TX"},
        intent="misspelled 'siatica' (= sciatica), Houston city centre",
        judge=dict(kind="condition", targets=["sciatica"]),
    ),
    dict(
        id="q22",
        params={"condition": "insomnia", "near": "80246"},
        intent="insomnia / trouble sleeping, Glendale (Denver); gentle massage is marginally relevant",
        judge=dict(kind="condition", targets=["insomnia"]),
    ),
    dict(
        id="q23",
        params={"condition": "osteoarthritis", "near": "33156"},
        intent="osteoarthritis (older adult), Pinecrest (Miami). Deliberately thin: few listings name arthritis; geriatric/gentle technique matches carry it",
        judge=dict(kind="condition", targets=["osteoarthritis"]),
    ),
    # ---- free text ----------------------------------------------------------------------
    dict(
        id="f01",
        params={"q": "deep tissue for sciatica near Austin, TX"},
        intent="sciatica, prefers deep tissue, Austin city centre; a sciatica specialist who does not list deep tissue is good (2), not ideal",
        judge=dict(kind="condition", targets=["sciatica"], near="Austin, TX", prefer=[DEEP]),
    ),
    dict(
        id="f02",
        params={"q": "carpel tunnel 33131"},
        intent="misspelled carpal tunnel, Brickell (Miami)",
        judge=dict(kind="condition", targets=["carpal_tunnel_syndrome"], near="33131"),
    ),
    dict(
        id="f03",
        params={"q": "migrane massage Denver, CO"},
        intent="misspelled migraine, Denver city centre",
        judge=dict(kind="condition", targets=["migraine"], near="Denver, CO"),
    ),
    dict(
        id="f04",
        params={"q": "TMJ jaw pain Houston, TX"},
        intent="TMJ / jaw pain, Houston city centre",
        judge=dict(kind="condition", targets=["tmj_disorder"], near="Houston, TX"),
    ),
    dict(
        id="f05",
        params={"q": "lower back pian 78745"},
        intent="misspelled lower back pain, south Austin",
        judge=dict(kind="condition", targets=["low_back_pain"], near="78745"),
    ),
    dict(
        id="f06",
        params={"q": "plantar fasciitis from running 80210"},
        intent="plantar fasciitis in a runner, south Denver",
        judge=dict(kind="condition", targets=["plantar_fasciitis"], near="80210"),
    ),
    dict(
        id="f07",
        params={"q": "frozen shoulder Miami, FL"},
        intent="frozen shoulder, Miami city centre",
        judge=dict(kind="condition", targets=["frozen_shoulder"], near="Miami, FL"),
    ),
    dict(
        id="f08",
        params={"q": "stiff neck and headaches from desk work 78701"},
        intent="neck pain with tension-type headaches, downtown Austin; listing either counts as specialty",
        judge=dict(kind="condition", targets=["neck_pain", "tension_headache", "headache"], near="78701"),
    ),
    dict(
        id="f09",
        params={"q": "fibromyalgia gentle massage Miami, FL"},
        intent="fibromyalgia, wants gentle work, Miami city centre",
        judge=dict(kind="condition", targets=["fibromyalgia"], near="Miami, FL", gentle=True),
    ),
    dict(
        id="f10",
        params={"q": "whiplash after car accident 80204"},
        intent="whiplash, west Denver",
        judge=dict(kind="condition", targets=["whiplash"], near="80204"),
    ),
    dict(
        id="f11",
        params={"q": "IT band sports massage Boulder, CO"},
        intent="IT band syndrome, prefers sports massage, Boulder; Denver therapists mostly just outside 40 km",
        judge=dict(kind="condition", targets=["it_band_syndrome"], near="Boulder, CO", prefer=[SPORTS]),
    ),
    dict(
        id="f12",
        params={"q": "rotator cuff injury massage Houston TX"},
        intent="rotator cuff injury, Houston (no comma in 'Houston TX': the location may be hard to parse; judged at the Houston centroid)",
        judge=dict(kind="condition", targets=["rotator_cuff_injury"], near="Houston, TX"),
    ),
    # ---- ICD-10 -------------------------------------------------------------------------
    dict(
        id="i01",
        params={"condition": "G56.01", "near": "33131"},
        intent="ICD-10 G56.01 (carpal tunnel syndrome, right upper limb), Brickell",
        judge=dict(kind="condition", targets=["carpal_tunnel_syndrome"]),
    ),
    dict(
        id="i02",
        params={"q": "M54.5 78704"},
        intent="ICD-10 M54.5 (low back pain) in free text with a ZIP, south Austin",
        judge=dict(kind="condition", targets=["low_back_pain"], near="78704"),
    ),
    dict(
        id="i03",
        params={"condition": "G43.909", "near": "80202"},
        intent="ICD-10 G43.909 (migraine, unspecified), downtown Denver",
        judge=dict(kind="condition", targets=["migraine"]),
    ),
    dict(
        id="i04",
        params={"condition": "M79.7", "near": "33133"},
        intent="ICD-10 M79.7 (fibromyalgia), Coconut Grove",
        judge=dict(kind="condition", targets=["fibromyalgia"]),
    ),
    dict(
        id="i05",
        params={"condition": "M54.41", "near": "77479", "radius_km": 30},
        intent="ICD-10 M54.41 (lumbago with sciatica, right side), Sugar Land (SW Houston suburbs), 30 km",
        judge=dict(kind="condition", targets=["sciatica"]),
    ),
    dict(
        id="i06",
        params={"condition": "M75.01", "near": "77024"},
        intent="ICD-10 M75.01 (adhesive capsulitis = frozen shoulder, right), Memorial Houston",
        judge=dict(kind="condition", targets=["frozen_shoulder"]),
    ),
    dict(
        id="i07",
        params={"q": "M72.2 80210"},
        intent="ICD-10 M72.2 (plantar fascial fibromatosis = plantar fasciitis) in free text, south Denver",
        judge=dict(kind="condition", targets=["plantar_fasciitis"], near="80210"),
    ),
    # ---- near only ----------------------------------------------------------------------
    dict(
        id="n01",
        params={"near": "78704", "radius_km": 8},
        intent="any good massage therapist near 78704 (south Austin), 8 km",
        judge=dict(kind="near"),
    ),
    dict(
        id="n02",
        params={"near": "Miami, FL", "radius_km": 10},
        intent="any good massage therapist in central Miami, 10 km",
        judge=dict(kind="near"),
    ),
    dict(
        id="n03",
        params={"near": "39.7392,-104.9903", "radius_km": 8},
        intent="any good massage therapist near downtown Denver (lat,lon), 8 km",
        judge=dict(kind="near"),
    ),
    dict(
        id="n04",
        params={"near": "77002", "radius_km": 8},
        intent="any good massage therapist near downtown Houston, 8 km",
        judge=dict(kind="near"),
    ),
    # ---- modality -----------------------------------------------------------------------
    dict(
        id="m01",
        params={"modality": ["manual_lymphatic_drainage"], "near": "33131"},
        intent="manual lymphatic drainage in Miami; certification (MLD/CLT) is what distinguishes the best",
        judge=dict(kind="modality", modality=[MLD]),
    ),
    dict(
        id="m02",
        params={"modality": ["craniosacral_therapy"], "near": "80206"},
        intent="CranioSacral therapy near Cherry Creek (Denver)",
        judge=dict(kind="modality", modality=[CST]),
    ),
    dict(
        id="m03",
        params={"condition": "low back pain", "modality": ["myofascial_release"], "near": "77006"},
        intent="low back pain AND myofascial release, Montrose (Houston); listings without MFR do not qualify",
        judge=dict(kind="condition", targets=["low_back_pain"], modality=[MFR]),
    ),
    dict(
        id="m04",
        params={"modality": ["sports_massage", "active_release_technique"], "near": "78703", "radius_km": 30},
        intent="sports massage or ART, central Austin, 30 km",
        judge=dict(kind="modality", modality=[SPORTS, ART]),
    ),
    dict(
        id="m05",
        params={"condition": "neck pain", "modality": ["trigger_point_therapy"], "near": "Denver, CO"},
        intent="neck pain AND trigger point therapy, Denver city centre",
        judge=dict(kind="condition", targets=["neck_pain"], modality=[TP]),
    ),
    # ---- advisories ---------------------------------------------------------------------
    dict(
        id="a01",
        params={"q": "prenatal massage 28 weeks pregnant lower back pain Austin, TX"},
        intent="pregnant (28 weeks) with low back pain, Austin centre; prenatal training is required for 2+, certified prenatal therapists are ideal",
        judge=dict(kind="pregnancy", targets=["low_back_pain"], near="Austin, TX"),
    ),
    dict(
        id="a02",
        params={"q": "massage during chemotherapy 77030"},
        intent="in chemotherapy, Texas Medical Center; only oncology-trained therapists are appropriate; deep tissue is wrong",
        judge=dict(kind="cancer", near="77030"),
    ),
    dict(
        id="a03",
        params={"q": "on warfarin, gentle massage for neck pain 80206"},
        intent="on blood thinners with neck pain, Cherry Creek; deep tissue, cupping and scraping should be avoided, gentle approaches preferred",
        judge=dict(kind="condition", targets=["neck_pain"], near="80206", advisory="blood_thinners"),
    ),
    dict(
        id="a04",
        params={"q": "breast cancer survivor with lymphedema in my arm Miami, FL"},
        intent="lymphedema after breast cancer, Miami centre; CLT/MLD-certified (ideally oncology-trained) therapists",
        judge=dict(kind="condition", targets=["lymphedema"], near="Miami, FL", advisory="cancer"),
    ),
    dict(
        id="a05",
        params={"q": "pregnant with sciatica 33139"},
        intent="pregnant with sciatica, Miami Beach; a sciatica NMT without prenatal training is only marginal",
        judge=dict(kind="pregnancy", targets=["sciatica"], near="33139"),
    ),
    dict(
        id="a06",
        params={"q": "scar tissue after knee replacement surgery 80218"},
        intent="scar tissue after knee replacement, Uptown Denver (surgeon's OK assumed)",
        judge=dict(
            kind="condition",
            targets=["scar_tissue", "post_surgical_recovery"],
            near="80218",
            prefer=["scar_tissue_massage", MFR, MED, "iastm"],
            prefer_label="a scar-tissue technique (scar work, MFR, medical massage, IASTM)",
            advisory="recent_surgery",
        ),
    ),
    dict(
        id="a07",
        params={"q": "lymphatic drainage after lipo 33137"},
        intent="manual lymphatic drainage after liposuction, Edgewater/Design District (Miami)",
        judge=dict(kind="lymph_postop", near="33137"),
    ),
]

# Hand-set grades: (query id, hard-case key) -> (grade, reason). Applied after the rubric.
OVERRIDES: dict[tuple[str, str], tuple[int, str]] = {}


# ------------------------------------------------------------------------------------ grading


class Facts:
    """What a careful reader takes from a listing."""

    def __init__(self, listing: Listing, dist: float) -> None:
        self.l = listing
        self.d = dist
        self.conds = set(listing.conditions)
        self.mods = set(listing.modalities)
        self.certs = {c.id for c in listing.certifications if c.id and (c.expires_on is None or c.expires_on >= TODAY)}
        lics = listing.licenses_as_of(TODAY)
        self.in_force = listing.has_active_license(TODAY)
        self.verified = listing.is_verified(TODAY)
        self.unknown = listing.status_summary(TODAY) == LicenseStatus.unknown
        self.status = listing.status_summary(TODAY).value
        self.years = listing.years_experience or 0.0
        self.accepting = listing.accepting_new_clients
        self.lics = lics

    def cert_words(self, ids) -> str:
        return ", ".join(CERT_SHORT[c] for c in sorted(ids))


def licence_gate(f: Facts) -> tuple[int | None, str | None]:
    """None if the licence allows grading; else (0, reason) or a cap."""
    if f.in_force:
        return None, None
    if f.unknown:
        return 1, "licence status unknown (NPPES only, no board record): cannot confirm it is in force"
    return 0, f"licence not in force ({f.status})"


def finish(grade: int, why: list[str], f: Facts, near_km: float, specialist: bool, cred_ok: bool) -> tuple[int, list[str]]:
    """Apply licence verification, distance, credential and availability to a base grade.

    (Listings whose licence is not in force are capped later by licence_gate; here they are
    graded as if it were, so the 'otherwise' part of their reason is informative.)
    """
    dist = f"{f.d:.1f} km"
    unverified = f.in_force and not f.verified
    if grade == 3:
        downs = []
        if unverified:
            downs.append("licence active per own website only, not board-verified")
        if f.d > near_km:
            downs.append(f"farther away ({dist})")
        if not cred_ok:
            downs.append(f"only {f.years:.1f} years licensed and no relevant certification")
        if f.accepting is False:
            downs.append("not accepting new clients")
        if downs:
            grade = 2
            why += downs
    elif grade == 2 and not specialist:
        if unverified:
            grade = 1
            why.append("licence not board-verified")
        elif f.d > near_km:
            grade = 1
            why.append(f"farther away ({dist})")
    elif grade == 2 and specialist and unverified and f.d > near_km:
        grade = 1
        why.append(f"not board-verified and {dist} away")
    if f.verified and grade >= 1 and not any("verified" in w for w in why):
        why.append("board-verified")
    if unverified and not any("verified" in w for w in why):
        why.append("licence not board-verified")
    if not any(dist in w for w in why):
        why.append(dist)
    return grade, why


def grade_condition(f: Facts, j: dict, near_km: float) -> tuple[int, list[str]]:
    targets = j["targets"]
    prof: dict = {}
    for t in targets:  # merge profiles of all targets (first wins for flags)
        p = PROFILES[t]
        for k, v in p.items():
            if isinstance(v, list):
                prof.setdefault(k, [])
                prof[k] += [x for x in v if x not in prof[k] and x not in targets]
            else:
                prof.setdefault(k, v)
    why: list[str] = []

    # technique filter in params
    if j.get("modality") and not (f.mods & set(j["modality"])):
        return 0, [f"does not offer {' or '.join(mod_nice(m) for m in j['modality'])} (required by the query)"]

    spec = [t for t in targets if t in f.conds]
    qual = f.certs & set(prof.get("qualifying", []))
    support = f.certs & set(prof.get("certs", []))
    rel_s = f.conds & set(prof.get("rel_strong", []))
    rel_w = f.conds & set(prof.get("rel_weak", []))
    avoid = set(prof.get("avoid", []))
    serve = (f.mods & set(prof.get("serve", []))) - avoid
    train = f.mods & set(prof.get("training", []))
    cred_ok = bool(support or qual or "bctmb" in f.certs or f.years >= 5)
    specialist = False

    if spec:
        grade, specialist = 3, True
        why.append("lists " + " and ".join(nice(t) for t in spec) + " as a specialty")
    elif qual:
        grade, specialist = 3, True
        why.append(f"{f.cert_words(qual)}: certification that specifically covers {nice(targets[0])}")
    elif rel_s and (train or support):
        grade = 2
        why.append(
            f"lists related {', '.join(nice(c) for c in sorted(rel_s))} and offers " + ", ".join(mod_nice(m) for m in sorted(train))
            if train
            else f"lists related {', '.join(nice(c) for c in sorted(rel_s))}; {f.cert_words(support)}"
        )
    elif rel_s or rel_w:
        grade = 1
        why.append(f"only a related condition ({', '.join(nice(c) for c in sorted(rel_s | rel_w))})")
    elif serve:
        gentle_only = serve <= set(GENTLE)
        if gentle_only and not prof.get("gentle_ok"):
            grade = 0
            why.append("generalist (relaxation techniques only)")
        else:
            grade = 1
            why.append("only a technique that serves it (" + ", ".join(mod_nice(m) for m in sorted(serve)) + ")")
    else:
        grade = 0
        if f.mods & avoid:
            why.append("only " + ", ".join(mod_nice(m) for m in sorted(f.mods & avoid)) + f": wrong approach for {nice(targets[0])}")
        elif not f.mods:
            why.append("no services listed (licence record only)")
        else:
            why.append(
                "no " + nice(targets[0]) + " specialty or relevant technique (" + ", ".join(mod_nice(m) for m in sorted(f.mods)) + ")"
            )
        return grade, why

    # a specialist who lists it but offers no technique that treats it (a prenatal therapist who lists
    # sciatica, a relaxation therapist who lists low back pain)
    if specialist and not qual and f.mods and not (f.mods & set(prof.get("serve", []))) and not (f.mods & avoid):
        grade = min(grade, 2)
        why.append("but offers no technique that treats it (" + ", ".join(mod_nice(m) for m in sorted(f.mods)) + ")")
    # a specialist whose only techniques are the wrong approach (fibromyalgia with deep tissue only)
    if specialist and avoid and (f.mods & avoid) and not (f.mods & set(prof.get("serve", [])) - avoid):
        grade = min(grade, 1 if j.get("gentle") else 2)  # 1 when the person explicitly asked for gentle work
        why.append(
            "but works with "
            + ", ".join(mod_nice(m) for m in sorted(f.mods & avoid))
            + " only, usually the wrong approach for "
            + nice(targets[0])
        )

    if support and specialist:
        why.append(f.cert_words(support))
    elif "bctmb" in f.certs and grade >= 2:
        why.append("BCTMB")

    # lymphedema needs lymphedema-specific training: without a CLT/MLD certification a specialist
    # is at most good, and a related-condition MLD therapist (post-lipo drainage) only marginal
    if prof.get("require_cert_for_3") and not (f.certs & set(prof.get("qualifying", []))):
        cap = 2 if specialist else 1
        if grade > cap:
            grade = cap
            why.append("no lymphedema/MLD certification")
    # a technique the person asked for in the text
    if j.get("prefer") and grade == 3 and not (f.mods & set(j["prefer"])):
        grade = 2
        why.append("does not list " + (j.get("prefer_label") or " / ".join(mod_nice(m) for m in j["prefer"]) + " (asked for)"))
    # multi-target bonus note
    if len(targets) > 1 and len(spec) == 1 and specialist:
        pass

    # advisories
    if j.get("advisory") == "blood_thinners":
        risky = {DEEP, "cupping", "iastm"}
        gentle = f.mods - risky
        relevant = (f.mods & set(prof["serve"])) | gentle
        if f.mods & risky and not (gentle & (set(prof["serve"]) | set(GENTLE) | {MED, MFR, PR})):
            if grade > 0:
                grade = 1
                why.append("works with deep tissue/cupping/scraping only, which should be avoided on blood thinners")
        elif grade == 3 and not (f.mods & {MFR, CST, MED, PR, "swedish_massage", "geriatric_massage", MLD}):
            grade = 2
            why.append("no clearly gentle technique listed")
        _ = relevant
    if j.get("advisory") == "cancer":
        onc = bool(f.certs & {"oncology_massage_certification"} or "oncology_massage" in f.mods)
        if onc and grade >= 2:
            why.append("also oncology-trained")
        if not onc and not (f.certs & {"clt"}) and grade == 3:
            grade = 2
            why.append("not oncology-trained (cancer history)")

    return finish(grade, why, f, near_km, specialist, cred_ok)


def grade_near(f: Facts, near_km: float) -> tuple[int, list[str]]:
    """No condition asked: any licensed therapist nearby who tells you what they do is relevant."""
    why: list[str] = []
    if not f.mods:
        grade = 1
        why.append("licence record only, no information about services")
    elif not f.in_force:
        grade = 2  # the licence gate caps it; this is only the 'otherwise'
        why.append("describes services")
    elif f.verified:
        grade = 3 if f.d <= near_km else 2
        why.append("board-verified licence, describes services")
    else:
        grade = 2 if f.d <= near_km else 1
        why.append("licence active per own website only, not board-verified")
    if f.accepting is False and grade > 1:
        grade -= 1
        why.append("not accepting new clients")
    why.append(f"{f.d:.1f} km")
    return grade, why


def grade_modality(f: Facts, j: dict, near_km: float) -> tuple[int, list[str]]:
    wanted = set(j["modality"])
    have = f.mods & wanted
    if not have:
        return 0, [f"does not offer {' or '.join(mod_nice(m) for m in sorted(wanted))}"]
    certs = {c for m in have for c in MOD_CERTS.get(m, [])} & f.certs
    why = ["offers " + ", ".join(mod_nice(m) for m in sorted(have))]
    if certs:
        why.append(f.cert_words(certs))
    if f.verified and certs and f.d <= near_km:
        grade = 3
    elif f.verified and (certs or f.d <= near_km):
        grade = 2
        if not certs:
            why.append("no certification in it")
    elif f.verified:
        grade = 1
        why.append(f"no certification in it and {f.d:.1f} km away")
    else:
        grade = 1
    if grade == 3 and f.accepting is False:
        grade = 2
        why.append("not accepting new clients")
    return finish(grade, why, f, near_km, True, True) if grade < 3 else finish(grade, why, f, near_km, True, True)


def grade_pregnancy(f: Facts, j: dict, near_km: float) -> tuple[int, list[str]]:
    target = j["targets"][0]
    has_cert = "prenatal_certification" in f.certs
    has_mod = "prenatal_massage" in f.mods
    lists = [c for c in ("pregnancy_discomfort", "postpartum", target) if c in f.conds]
    why: list[str] = []
    if has_cert and has_mod:
        grade = 3
        why.append("certified prenatal massage therapist")
    elif has_cert or has_mod:
        grade = 2
        why.append("offers prenatal massage, no prenatal certification" if has_mod else "prenatal certification")
    elif target in f.conds:
        grade = 1
        return grade, [f"lists {nice(target)} but has no prenatal training (positioning/safety in pregnancy)", f"{f.d:.1f} km"]
    else:
        return 0, ["no prenatal training" + (f"; {', '.join(mod_nice(m) for m in sorted(f.mods))}" if f.mods else "")]
    if lists:
        why.append("lists " + ", ".join(nice(c) for c in lists))
    return finish(grade, why, f, near_km, True, True)


def grade_cancer(f: Facts, near_km: float) -> tuple[int, list[str]]:
    onc_cert = "oncology_massage_certification" in f.certs
    onc_mod = "oncology_massage" in f.mods
    why: list[str] = []
    if onc_cert and onc_mod:
        grade = 3
        why.append("oncology massage trained and offers oncology massage")
    elif onc_cert or onc_mod:
        grade = 2
        why.append("offers oncology massage but no oncology training listed" if onc_mod else "oncology massage trained")
    elif "clt" in f.certs:
        grade = 2
        why.append("certified lymphedema therapist (works with cancer patients), not oncology massage")
    elif "mld_certification" in f.certs or MLD in f.mods or "lymphedema" in f.conds:
        grade = 1
        why.append("lymphatic drainage only; not oncology-trained")
    else:
        return 0, ["not oncology-trained" + (f" ({', '.join(mod_nice(m) for m in sorted(f.mods))})" if f.mods else "")]
    if "cancer_care" in f.conds:
        why.append("lists cancer care")
    return finish(grade, why, f, near_km, True, True)


def grade_lymph_postop(f: Facts, near_km: float) -> tuple[int, list[str]]:
    mld = MLD in f.mods
    cert = f.certs & {"mld_certification", "clt"}
    postop = f.conds & {"post_surgical_recovery", "edema", "scar_tissue"}
    why: list[str] = []
    if mld and postop and cert:
        grade = 3
        why.append(f"MLD for {', '.join(nice(c) for c in sorted(postop))}; {f.cert_words(cert)}")
    elif mld and (postop or cert):
        grade = 2
        why.append(
            f"MLD for {', '.join(nice(c) for c in sorted(postop))}, no MLD certification"
            if postop
            else f"MLD; {f.cert_words(cert)}; no post-op focus listed"
        )
    elif mld:
        grade = 1
        why.append("offers lymphatic drainage but no post-surgical focus or certification")
    elif postop or "scar_tissue_massage" in f.mods:
        grade = 1
        why.append("post-surgical work but no lymphatic drainage")
    else:
        return 0, ["no lymphatic drainage or post-surgical work"]
    return finish(grade, why, f, near_km, True, True)


def judge_query(q: dict, listings: list[Listing], hard_ids: dict[str, str]) -> dict:
    j = q["judge"]
    near_text = j.get("near") or q["params"].get("near")
    center = resolve_near(near_text)
    radius = float(q["params"].get("radius_km") or DEFAULT_RADIUS)
    near_km = min(20.0, max(10.0, 0.6 * radius))
    if j["kind"] == "near":
        near_km = radius / 2
    out: dict[str, dict] = {}
    for listing in listings:
        loc = listing.location
        d = haversine_km(center.lat, center.lon, loc.lat, loc.lon)
        if d > radius + min(NEAR_MISS_KM, radius / 2):
            continue
        f = Facts(listing, d)
        kind = j["kind"]
        if kind == "condition":
            grade, why = grade_condition(f, j, near_km)
        elif kind == "near":
            grade, why = grade_near(f, near_km)
        elif kind == "modality":
            grade, why = grade_modality(f, j, near_km)
        elif kind == "pregnancy":
            grade, why = grade_pregnancy(f, j, near_km)
        elif kind == "cancer":
            grade, why = grade_cancer(f, near_km)
        elif kind == "lymph_postop":
            grade, why = grade_lymph_postop(f, near_km)
        else:
            raise ValueError(kind)
        cap, cap_reason = licence_gate(f)
        if cap is not None and grade > cap:
            grade, why = cap, [cap_reason] + ([f"(otherwise: {'; '.join(why)})"] if cap == 0 and grade >= 2 else why)
        elif cap is not None:
            why = [cap_reason] + why
        if d > radius:
            if grade < 2 or not f.in_force:
                continue  # far and not a near miss worth recording
            grade, why = 0, [f"outside the {radius:g} km radius ({d:.1f} km); otherwise: {'; '.join(why)}"]
        out[listing.id] = {"grade": grade, "reason": "; ".join(why)}
    for (qid, key), (grade, reason) in OVERRIDES.items():
        if qid == q["id"]:
            out[hard_ids[key]] = {"grade": grade, "reason": reason + " [hand-set]"}
    ordered = dict(sorted(out.items(), key=lambda kv: (-kv[1]["grade"], kv[0])))
    return {"id": q["id"], "params": q["params"], "intent": q["intent"], "judgments": ordered}


def main() -> None:
    listings = [Listing.model_validate(json.loads(line)) for line in open(HERE / "population.jsonl", encoding="utf-8")]
    hard_ids = json.loads((HERE / "hard_cases.json").read_text())
    result = [judge_query(q, listings, hard_ids) for q in QUERIES]
    (HERE / "judgments.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    grades = Counter(v["grade"] for q in result for v in q["judgments"].values())
    print(f"wrote {len(result)} queries, {sum(grades.values())} judgments, by grade {dict(sorted(grades.items()))}")
    for q in result:
        g = Counter(v["grade"] for v in q["judgments"].values())
        print(f"  {q['id']}: n={len(q['judgments']):3d}  3:{g[3]:2d} 2:{g[2]:2d} 1:{g[1]:2d} 0:{g[0]:2d}   {q['params']}")


if __name__ == "__main__":
    main()
