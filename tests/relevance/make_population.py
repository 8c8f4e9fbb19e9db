"""Deterministic generator for the relevance-judgment population (tests/relevance/population.jsonl).

Run:  .venv/bin/python tests/relevance/make_population.py

Writes, next to this file:
  population.jsonl   ~250 invented listings, one `directory.models.Listing` per line
  hard_cases.json    {case key: listing id} for the hand-placed hard cases

Everything is invented (names, phones, addresses, licence and NPI numbers, URLs under
example.com). Only ZIP codes and their centroids are real (`zipcodes` package). The population is
concentrated in four metros (Austin, Houston, Miami, Denver) so queries have real competition,
plus about 20 listings scattered elsewhere. Hard cases are written out explicitly in
HARD_CASES; the rest are drawn with a seeded RNG from the archetypes below. Listing ids are
assigned after a seeded shuffle, so specialists do not systematically get the low ids (ties in
ranking are broken by id).

Nothing here reads directory/ranking.py or any search result.
"""

from __future__ import annotations

import json
import random
import re
import sys
from datetime import date
from pathlib import Path

import zipcodes

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from directory.models import Listing  # noqa: E402
from directory.vocabulary import get_vocabulary  # noqa: E402

SEED = 20261123
TODAY = date(2026, 11, 23)
FETCHED = "2026-11-20T12:00:00+00:00"
LAST_SEEN = "2026-11-20"
HERE = Path(__file__).resolve().parent

# ------------------------------------------------------------------------------------ places

METRO_ZIPS = {
    # core ZIPs listed several times = more likely; suburbs once
    "austin": [
        "78701",
        "78702",
        "78703",
        "78704",
        "78704",
        "78705",
        "78745",
        "78745",
        "78741",
        "78744",
        "78746",
        "78749",
        "78748",
        "78751",
        "78756",
        "78757",
        "78757",
        "78731",
        "78723",
        "78752",
        "78759",
        "78758",
        "78750",
        "78735",
        "78739",
        "78727",
        "78729",
        "78660",
        "78613",
        "78664",
        "78610",
        "78620",
        "78626",
        "78666",
    ],
    "houston": [
        "77002",
        "77003",
        "77004",
        "77005",
        "77006",
        "77006",
        "77007",
        "77008",
        "77019",
        "77019",
        "77024",
        "77025",
        "77027",
        "77030",
        "77030",
        "77035",
        "77042",
        "77054",
        "77055",
        "77056",
        "77057",
        "77063",
        "77077",
        "77079",
        "77081",
        "77096",
        "77098",
        "77098",
        "77401",
        "77459",
        "77479",
        "77084",
        "77062",
        "77450",
        "77573",
        "77339",
        "77380",
    ],
    "miami": [
        "33125",
        "33126",
        "33127",
        "33129",
        "33130",
        "33131",
        "33131",
        "33132",
        "33133",
        "33133",
        "33134",
        "33135",
        "33136",
        "33137",
        "33138",
        "33139",
        "33139",
        "33140",
        "33141",
        "33143",
        "33144",
        "33145",
        "33146",
        "33149",
        "33155",
        "33156",
        "33157",
        "33161",
        "33165",
        "33172",
        "33173",
        "33176",
        "33178",
        "33183",
        "33186",
        "33010",
        "33012",
        "33019",
        "33021",
        "33301",
        "33030",
    ],
    "denver": [
        "80202",
        "80203",
        "80204",
        "80205",
        "80206",
        "80206",
        "80207",
        "80209",
        "80210",
        "80211",
        "80211",
        "80212",
        "80214",
        "80218",
        "80219",
        "80220",
        "80222",
        "80223",
        "80224",
        "80226",
        "80227",
        "80230",
        "80231",
        "80237",
        "80246",
        "80033",
        "80110",
        "80113",
        "80012",
        "80014",
        "80120",
        "80121",
        "80123",
        "80401",
        "80020",
        "80021",
        "80015",
        "80134",
        "80303",
        "80302",
        "80503",
    ],
}
METRO_STATE = {"austin": "TX", "houston": "TX", "miami": "FL", "denver": "CO"}
METRO_AREA_CODES = {"austin": ["512", "737"], "houston": ["713", "832", "281", "346"], "miami": ["305", "786"], "denver": ["303", "720"]}
METRO_STREETS = {
    "austin": [
        "S Lamar Blvd",
        "S Congress Ave",
        "Burnet Rd",
        "N Lamar Blvd",
        "E 6th St",
        "W Anderson Ln",
        "Manchaca Rd",
        "Bee Caves Rd",
        "Research Blvd",
        "Brodie Ln",
        "S 1st St",
        "Guadalupe St",
        "E Cesar Chavez St",
        "W 38th St",
        "William Cannon Dr",
        "Slaughter Ln",
        "Parmer Ln",
        "Airport Blvd",
    ],
    "houston": [
        "Westheimer Rd",
        "Montrose Blvd",
        "Kirby Dr",
        "Richmond Ave",
        "Washington Ave",
        "Fannin St",
        "Holcombe Blvd",
        "Bellaire Blvd",
        "San Felipe St",
        "Memorial Dr",
        "W Gray St",
        "Shepherd Dr",
        "Post Oak Blvd",
        "Yale St",
        "Bissonnet St",
        "Gessner Rd",
        "Voss Rd",
        "N Main St",
    ],
    "miami": [
        "Brickell Ave",
        "Biscayne Blvd",
        "SW 8th St",
        "Coral Way",
        "Ponce de Leon Blvd",
        "Collins Ave",
        "Alton Rd",
        "NE 2nd Ave",
        "SW 27th Ave",
        "Bird Rd",
        "S Dixie Hwy",
        "Kendall Dr",
        "NW 7th St",
        "Washington Ave",
        "Miracle Mile",
        "SW 107th Ave",
        "W Flagler St",
        "NE 79th St",
    ],
    "denver": [
        "E Colfax Ave",
        "S Broadway",
        "Larimer St",
        "W 32nd Ave",
        "E 17th Ave",
        "S Colorado Blvd",
        "Tennyson St",
        "E Evans Ave",
        "S Pearl St",
        "Federal Blvd",
        "E Alameda Ave",
        "S University Blvd",
        "Blake St",
        "W 38th Ave",
        "E Hampden Ave",
        "S Downing St",
        "Santa Fe Dr",
        "E 6th Ave",
    ],
}
SCATTERED = [  # zip, area code, street
    ("78209", "210", "Broadway"),
    ("76104", "817", "Magnolia Ave"),
    ("75204", "214", "McKinney Ave"),
    ("77550", "409", "Seawall Blvd"),
    ("33432", "561", "NE 5th Ave"),
    ("32801", "407", "N Orange Ave"),
    ("33602", "813", "N Franklin St"),
    ("80903", "719", "N Tejon St"),
    ("80521", "970", "S College Ave"),
    ("97205", "503", "SW Morrison St"),
    ("98103", "206", "N 45th St"),
    ("94110", "415", "Valencia St"),
    ("60614", "773", "N Clark St"),
    ("10023", "212", "Columbus Ave"),
    ("02116", "617", "Newbury St"),
    ("30306", "404", "N Highland Ave"),
    ("28202", "704", "S Tryon St"),
    ("37203", "615", "Broadway"),
    ("85004", "602", "N Central Ave"),
    ("55408", "612", "Hennepin Ave"),
]
STATE_CREDENTIAL = {"NC": "LMBT", "CA": "CMT", "WA": "LMP"}
BOARD = {
    "TX": ("tx_tdlr", "https://data.example.com/tx-tdlr/massage-therapists.csv"),
    "FL": ("fl_doh", "https://data.example.com/fl-doh/massage-therapy-licenses.csv"),
    "CO": ("co_dora", "https://data.example.com/co-dora/massage-therapists.csv"),
}


def board_for(state: str) -> tuple[str, str]:
    return BOARD.get(state, (f"{state.lower()}_board", f"https://data.example.com/{state.lower()}-board/licensees.csv"))


def place(zip_code: str) -> dict:
    rows = zipcodes.matching(zip_code)
    assert rows, zip_code
    row = rows[0]
    return {"city": row["city"], "state": row["state"], "lat": float(row["lat"]), "lon": float(row["long"])}


# ------------------------------------------------------------------------------------ words

COND_TEXT = {
    "sciatica": ["sciatica", "sciatic nerve pain", "sciatica and pain down the leg"],
    "low_back_pain": ["low back pain", "lower back pain", "chronic low back pain"],
    "upper_back_pain": ["upper back pain", "pain between the shoulder blades"],
    "neck_pain": ["neck pain", "stiff, painful necks", "neck and shoulder pain"],
    "piriformis_syndrome": ["piriformis syndrome", "deep buttock pain (piriformis)"],
    "herniated_disc": ["herniated and bulging discs", "disc herniations"],
    "radiculopathy": ["pinched nerves and radiating pain", "radiculopathy"],
    "sacroiliac_joint_dysfunction": ["SI joint pain", "sacroiliac joint dysfunction"],
    "scoliosis": ["scoliosis"],
    "posture_problems": ["posture problems", "forward head posture and rounded shoulders"],
    "whiplash": ["whiplash", "car accident injuries and whiplash"],
    "headache": ["headaches", "chronic headaches"],
    "tension_headache": ["tension headaches", "tension-type headaches"],
    "migraine": ["migraines", "migraine headaches"],
    "tmj_disorder": ["TMJ pain", "TMJ disorder and jaw pain", "jaw tension and TMJ"],
    "shoulder_pain": ["shoulder pain"],
    "frozen_shoulder": ["frozen shoulder", "frozen shoulder (adhesive capsulitis)"],
    "rotator_cuff_injury": ["rotator cuff injuries", "rotator cuff strain"],
    "thoracic_outlet_syndrome": ["thoracic outlet syndrome"],
    "tennis_elbow": ["tennis elbow"],
    "carpal_tunnel_syndrome": ["carpal tunnel syndrome", "carpal tunnel"],
    "repetitive_strain_injury": ["repetitive strain injuries", "repetitive stress injuries from desk work"],
    "tendonitis": ["tendonitis", "tendinitis"],
    "hip_pain": ["hip pain"],
    "knee_pain": ["knee pain"],
    "it_band_syndrome": ["IT band syndrome", "tight IT bands"],
    "shin_splints": ["shin splints"],
    "plantar_fasciitis": ["plantar fasciitis", "plantar fasciitis and heel pain"],
    "bursitis": ["bursitis"],
    "osteoarthritis": ["arthritis", "osteoarthritis"],
    "rheumatoid_arthritis": ["rheumatoid arthritis"],
    "limited_mobility": ["limited range of motion", "stiffness and limited mobility"],
    "fibromyalgia": ["fibromyalgia"],
    "myofascial_pain_syndrome": ["myofascial pain syndrome", "myofascial pain and trigger points"],
    "muscle_spasms": ["muscle spasms"],
    "muscle_tension": ["muscle tension", "chronic muscle tension"],
    "strains_sprains": ["strains and sprains"],
    "sports_injury": ["sports injuries", "athletic injuries"],
    "chronic_pain": ["chronic pain"],
    "chronic_fatigue": ["chronic fatigue"],
    "post_surgical_recovery": ["post-surgical recovery", "recovery after surgery"],
    "scar_tissue": ["scar tissue", "surgical scars and adhesions"],
    "lymphedema": ["lymphedema", "lymphedema management"],
    "edema": ["swelling and edema", "edema"],
    "cancer_care": ["clients in cancer treatment", "people living with cancer", "cancer survivors"],
    "pregnancy_discomfort": ["pregnancy aches and pains", "discomfort during pregnancy"],
    "postpartum": ["postpartum recovery", "new mothers after birth"],
    "anxiety": ["anxiety", "anxiety and overwhelm"],
    "stress": ["stress", "stress relief"],
    "depression": ["depression"],
    "ptsd": ["trauma and PTSD"],
    "insomnia": ["insomnia", "trouble sleeping"],
    "parkinsons_disease": ["Parkinson's disease"],
    "stroke_recovery": ["stroke recovery"],
    "peripheral_neuropathy": ["neuropathy", "peripheral neuropathy"],
    "digestive_disorders": ["digestive issues"],
    "restless_legs_syndrome": ["restless legs"],
    "multiple_sclerosis": ["multiple sclerosis"],
}
COND_TEMPLATES = [
    "I help clients find relief from {p}.",
    "Specialties include {p}.",
    "Much of my practice focuses on {p}.",
    "Experienced in working with {p}.",
    "Treatment for {p}.",
    "Areas of focus: {p}.",
]
MOD_TEXT = {
    "swedish_massage": ["Swedish massage", "relaxation massage", "classic Swedish massage"],
    "deep_tissue_massage": ["deep tissue massage", "deep tissue work"],
    "myofascial_release": ["myofascial release", "myofascial release (MFR)"],
    "neuromuscular_therapy": ["neuromuscular therapy (NMT)", "neuromuscular therapy"],
    "trigger_point_therapy": ["trigger point therapy", "trigger point release"],
    "pnf_stretching": ["assisted stretching (PNF)", "PNF stretching"],
    "sports_massage": ["sports massage", "pre- and post-event sports massage"],
    "prenatal_massage": ["prenatal massage", "pregnancy massage", "prenatal and postpartum massage"],
    "oncology_massage": ["oncology massage", "oncology-trained massage"],
    "manual_lymphatic_drainage": ["manual lymphatic drainage", "lymphatic drainage massage", "Vodder manual lymph drainage"],
    "medical_massage": ["medical massage", "clinical massage"],
    "craniosacral_therapy": ["CranioSacral therapy", "craniosacral therapy"],
    "orthopedic_massage": ["orthopedic massage", "clinical orthopedic massage"],
    "active_release_technique": ["Active Release Techniques (ART)", "active release technique"],
    "hot_stone_massage": ["hot stone massage", "hot stones"],
    "reflexology": ["foot reflexology", "reflexology"],
    "shiatsu": ["shiatsu", "Zen shiatsu"],
    "thai_massage": ["Thai massage", "traditional Thai massage"],
    "cupping": ["cupping", "massage cupping"],
    "iastm": ["instrument-assisted soft tissue mobilization (IASTM)", "Graston technique"],
    "kinesio_taping": ["kinesiology taping", "kinesio taping"],
    "lomi_lomi": ["Lomi Lomi", "Hawaiian Lomi Lomi"],
    "geriatric_massage": ["massage for seniors", "geriatric massage"],
    "scar_tissue_massage": ["scar tissue massage", "post-surgical scar work"],
    "tmj_intraoral_massage": ["intraoral TMJ massage", "intraoral jaw work"],
    "structural_integration": ["structural integration", "Rolfing structural integration"],
    "positional_release": ["strain-counterstrain", "positional release"],
    "muscle_energy_technique": ["muscle energy technique", "muscle energy techniques (MET)"],
    "acupressure": ["acupressure", "pressure point therapy"],
    "chair_massage": ["chair massage", "on-site chair massage"],
}
MOD_TEMPLATES = [
    "I offer {p}.",
    "Techniques: {p}.",
    "Sessions may include {p}.",
    "Trained in {p}.",
    "{P} available.",
]

CERT_CRED = {
    "bctmb": "BCTMB",
    "cnmt": "CNMT",
    "clt": "CLT",
    "mld_certification": "CMLDT",
    "medical_massage_certification": "CMMT",
    "cmtpt": "CMTPT",
    "structural_integration_certification": "BCSI",
    "reflexology_certification": None,
    "prenatal_certification": None,
    "oncology_massage_certification": None,
    "myofascial_release_certification": None,
    "orthopedic_massage_certification": None,
    "sports_massage_certification": None,
    "craniosacral_certification": "CST",
    "art_certification": None,
    "asian_bodywork_certification": "AOBTA-CP",
    "kinesio_taping_certification": "CKTP",
    "graston_certification": None,
}
CERT_ROSTER = {
    "bctmb": "ncbtmb",
    "cnmt": "nmt_center",
    "clt": "lana",
    "oncology_massage_certification": "s4om",
    "structural_integration_certification": "iasi",
    "reflexology_certification": "arcb",
}

# ------------------------------------------------------------------------------------ archetypes
# core modalities always present; optional ones drawn with the given probability;
# condition pool: drawn according to the metro-independent count distribution;
# certs: (id, probability, required modality or None)

ARCHETYPES = {
    "relax": dict(
        core=["swedish_massage"],
        opt=[("hot_stone_massage", 0.5), ("reflexology", 0.25), ("lomi_lomi", 0.1), ("chair_massage", 0.15), ("deep_tissue_massage", 0.3)],
        pool=["stress", "insomnia", "anxiety", "muscle_tension"],
        nmax=2,
        certs=[("reflexology_certification", 0.08, "reflexology")],
        blurb="relaxing, unhurried full-body massage",
    ),
    "deep": dict(
        core=["deep_tissue_massage", "swedish_massage"],
        opt=[("hot_stone_massage", 0.3), ("cupping", 0.25), ("trigger_point_therapy", 0.2)],
        pool=["muscle_tension", "low_back_pain", "neck_pain", "upper_back_pain", "stress"],
        nmax=3,
        certs=[],
        blurb="firm, focused deep tissue work",
    ),
    "nmt": dict(
        core=["neuromuscular_therapy", "trigger_point_therapy"],
        opt=[("deep_tissue_massage", 0.6), ("positional_release", 0.2), ("myofascial_release", 0.3), ("swedish_massage", 0.3)],
        pool=[
            "sciatica",
            "low_back_pain",
            "neck_pain",
            "tension_headache",
            "piriformis_syndrome",
            "myofascial_pain_syndrome",
            "upper_back_pain",
            "muscle_spasms",
            "tmj_disorder",
            "whiplash",
        ],
        nmax=6,
        certs=[("cnmt", 0.5, None), ("cmtpt", 0.1, None)],
        blurb="neuromuscular and trigger point therapy for chronic pain",
    ),
    "medical": dict(
        core=["medical_massage"],
        opt=[
            ("myofascial_release", 0.5),
            ("scar_tissue_massage", 0.3),
            ("deep_tissue_massage", 0.4),
            ("trigger_point_therapy", 0.3),
            ("muscle_energy_technique", 0.2),
            ("positional_release", 0.2),
        ],
        pool=[
            "whiplash",
            "low_back_pain",
            "frozen_shoulder",
            "post_surgical_recovery",
            "carpal_tunnel_syndrome",
            "herniated_disc",
            "radiculopathy",
            "neck_pain",
            "sciatica",
            "tendonitis",
            "scar_tissue",
        ],
        nmax=6,
        certs=[("medical_massage_certification", 0.45, None)],
        blurb="outcome-based medical massage, often alongside physicians and chiropractors",
    ),
    "sports": dict(
        core=["sports_massage"],
        opt=[
            ("pnf_stretching", 0.5),
            ("active_release_technique", 0.3),
            ("iastm", 0.3),
            ("kinesio_taping", 0.3),
            ("deep_tissue_massage", 0.5),
            ("cupping", 0.3),
        ],
        pool=[
            "sports_injury",
            "it_band_syndrome",
            "plantar_fasciitis",
            "rotator_cuff_injury",
            "tendonitis",
            "shin_splints",
            "tennis_elbow",
            "strains_sprains",
            "knee_pain",
            "hip_pain",
        ],
        nmax=6,
        certs=[
            ("sports_massage_certification", 0.3, None),
            ("art_certification", 0.6, "active_release_technique"),
            ("graston_certification", 0.5, "iastm"),
            ("kinesio_taping_certification", 0.4, "kinesio_taping"),
        ],
        blurb="sports massage for runners, climbers and weekend athletes",
    ),
    "ortho": dict(
        core=["orthopedic_massage"],
        opt=[
            ("pnf_stretching", 0.4),
            ("muscle_energy_technique", 0.4),
            ("positional_release", 0.3),
            ("deep_tissue_massage", 0.3),
            ("medical_massage", 0.3),
        ],
        pool=[
            "rotator_cuff_injury",
            "frozen_shoulder",
            "shoulder_pain",
            "carpal_tunnel_syndrome",
            "thoracic_outlet_syndrome",
            "hip_pain",
            "knee_pain",
            "sacroiliac_joint_dysfunction",
            "tendonitis",
            "low_back_pain",
        ],
        nmax=6,
        certs=[("orthopedic_massage_certification", 0.45, None)],
        blurb="orthopedic massage based on assessment of the injured joint",
    ),
    "prenatal": dict(
        core=["prenatal_massage", "swedish_massage"],
        opt=[("reflexology", 0.2), ("craniosacral_therapy", 0.15)],
        pool=["pregnancy_discomfort", "postpartum", "low_back_pain", "edema"],
        nmax=3,
        certs=[("prenatal_certification", 0.65, None)],
        blurb="side-lying prenatal and postpartum massage",
    ),
    "oncology": dict(
        core=["oncology_massage", "swedish_massage"],
        opt=[("manual_lymphatic_drainage", 0.5), ("reflexology", 0.3), ("geriatric_massage", 0.15)],
        pool=["cancer_care", "lymphedema", "anxiety", "peripheral_neuropathy", "chronic_fatigue"],
        nmax=4,
        certs=[("oncology_massage_certification", 0.65, None), ("clt", 0.35, "manual_lymphatic_drainage")],
        blurb="gentle, adapted massage for people in and after cancer treatment",
    ),
    "lymph": dict(
        core=["manual_lymphatic_drainage"],
        opt=[("scar_tissue_massage", 0.4), ("swedish_massage", 0.4), ("oncology_massage", 0.15)],
        pool=["lymphedema", "edema", "post_surgical_recovery", "scar_tissue"],
        nmax=4,
        certs=[("mld_certification", 0.6, None), ("clt", 0.25, None)],
        blurb="manual lymphatic drainage",
    ),
    "mfr": dict(
        core=["myofascial_release"],
        opt=[("craniosacral_therapy", 0.35), ("swedish_massage", 0.3), ("scar_tissue_massage", 0.2), ("trigger_point_therapy", 0.2)],
        pool=[
            "fibromyalgia",
            "chronic_pain",
            "scar_tissue",
            "tmj_disorder",
            "limited_mobility",
            "plantar_fasciitis",
            "thoracic_outlet_syndrome",
            "low_back_pain",
            "myofascial_pain_syndrome",
            "neck_pain",
        ],
        nmax=6,
        certs=[("myofascial_release_certification", 0.45, None), ("craniosacral_certification", 0.35, "craniosacral_therapy")],
        blurb="slow, sustained myofascial release",
    ),
    "head": dict(
        core=["craniosacral_therapy"],
        opt=[
            ("tmj_intraoral_massage", 0.4),
            ("trigger_point_therapy", 0.4),
            ("myofascial_release", 0.3),
            ("acupressure", 0.2),
            ("swedish_massage", 0.3),
        ],
        pool=["migraine", "tension_headache", "tmj_disorder", "headache", "neck_pain", "anxiety", "insomnia"],
        nmax=5,
        certs=[("craniosacral_certification", 0.5, None)],
        blurb="CranioSacral therapy and gentle head, neck and jaw work",
    ),
    "eastern": dict(
        core=[],
        opt=[("shiatsu", 0.5), ("thai_massage", 0.4), ("acupressure", 0.5), ("reflexology", 0.4)],
        pool=["stress", "insomnia", "digestive_disorders", "anxiety", "headache", "low_back_pain"],
        nmax=3,
        certs=[("asian_bodywork_certification", 0.35, None), ("reflexology_certification", 0.3, "reflexology")],
        blurb="traditional Asian bodywork",
    ),
    "structural": dict(
        core=["structural_integration", "myofascial_release"],
        opt=[],
        pool=["posture_problems", "scoliosis", "chronic_pain", "low_back_pain", "limited_mobility"],
        nmax=4,
        certs=[("structural_integration_certification", 0.7, None)],
        blurb="structural integration (the ten-session series)",
    ),
    "geriatric": dict(
        core=["geriatric_massage", "swedish_massage"],
        opt=[("reflexology", 0.3), ("pnf_stretching", 0.2)],
        pool=[
            "osteoarthritis",
            "limited_mobility",
            "parkinsons_disease",
            "peripheral_neuropathy",
            "stroke_recovery",
            "rheumatoid_arthritis",
        ],
        nmax=4,
        certs=[],
        blurb="gentle massage for older adults, in studio or at home",
    ),
    "wellness": dict(
        core=["swedish_massage"],
        opt=[("craniosacral_therapy", 0.4), ("reflexology", 0.3), ("hot_stone_massage", 0.3), ("lomi_lomi", 0.15)],
        pool=["anxiety", "stress", "insomnia", "depression", "ptsd", "fibromyalgia"],
        nmax=4,
        certs=[("craniosacral_certification", 0.2, "craniosacral_therapy")],
        blurb="calming, trauma-informed massage",
    ),
}
FILLER_WEIGHTS = {
    "relax": 20,
    "deep": 18,
    "nmt": 9,
    "medical": 7,
    "sports": 8,
    "ortho": 3,
    "prenatal": 4,
    "oncology": 1,
    "lymph": 2,
    "mfr": 6,
    "head": 4,
    "eastern": 5,
    "structural": 2,
    "geriatric": 3,
    "wellness": 6,
}

# ------------------------------------------------------------------------------------ names

FEMALE = [
    "Alicia",
    "Brianna",
    "Camila",
    "Danielle",
    "Elena",
    "Fatima",
    "Gabriela",
    "Hannah",
    "Imani",
    "Jasmine",
    "Kaitlyn",
    "Lauren",
    "Mariana",
    "Natalie",
    "Olivia",
    "Priya",
    "Rachel",
    "Sofia",
    "Tessa",
    "Valeria",
    "Whitney",
    "Yesenia",
    "Zoe",
    "Amber",
    "Bethany",
    "Carmen",
    "Diana",
    "Erin",
    "Frances",
    "Grace",
    "Heather",
    "Isabel",
    "Julia",
    "Kendra",
    "Leticia",
    "Megan",
    "Nicole",
    "Paula",
    "Rosa",
    "Sarah",
    "Tamara",
    "Ursula",
    "Vanessa",
    "Wendy",
    "Ximena",
    "Yolanda",
    "Adriana",
    "Brooke",
    "Claire",
    "Daniela",
    "Emily",
    "Guadalupe",
    "Hope",
    "Ingrid",
    "Jenna",
    "Kim",
    "Linh",
    "Mei",
    "Nadia",
    "Ana",
    "Thu",
    "Marisol",
    "Renata",
    "Shanice",
    "Tatiana",
    "Leah",
    "Monique",
    "Beatriz",
    "Lucia",
    "Anh",
    "Keisha",
    "Melissa",
    "Joanna",
    "Christine",
    "Stephanie",
    "Andrea",
    "Veronica",
    "Holly",
    "Kristen",
    "Lindsey",
    "Courtney",
    "Allison",
    "Samantha",
    "Jillian",
]
MALE = [
    "Aaron",
    "Benjamin",
    "Carlos",
    "David",
    "Eduardo",
    "Felipe",
    "Gregory",
    "Hector",
    "Isaac",
    "Jamal",
    "Kevin",
    "Luis",
    "Marcus",
    "Nathan",
    "Omar",
    "Patrick",
    "Rafael",
    "Samuel",
    "Tyler",
    "Victor",
    "William",
    "Andre",
    "Brandon",
    "Diego",
    "Ethan",
    "Jorge",
    "Minh",
    "Raj",
    "Trevor",
    "Javier",
    "Darnell",
    "Connor",
    "Mateo",
    "Wei",
    "Tuan",
    "Sergei",
    "Dmitri",
]
NONBINARY = ["Rowan", "Sage", "Quinn", "River", "Jordan"]
LAST = [
    "Alvarez",
    "Bennett",
    "Castillo",
    "Delgado",
    "Ellison",
    "Fuentes",
    "Garrison",
    "Hernandez",
    "Ingram",
    "Jimenez",
    "Kowalski",
    "Lopez",
    "Martinez",
    "Nguyen",
    "Ortega",
    "Patel",
    "Quintero",
    "Ramirez",
    "Sandoval",
    "Torres",
    "Underwood",
    "Vasquez",
    "Whitaker",
    "Yamamoto",
    "Zamora",
    "Abbott",
    "Bishop",
    "Carver",
    "Dawson",
    "Espinoza",
    "Fischer",
    "Guerrero",
    "Holloway",
    "Iverson",
    "Jacobs",
    "Keller",
    "Lindqvist",
    "Morales",
    "Navarro",
    "Okafor",
    "Pham",
    "Reyes",
    "Sullivan",
    "Tran",
    "Valdez",
    "Walsh",
    "Young",
    "Archer",
    "Brooks",
    "Chen",
    "Dominguez",
    "Estrada",
    "Flores",
    "Gallagher",
    "Hoang",
    "Ibarra",
    "Jensen",
    "Kim",
    "Le",
    "Mendoza",
    "Nakamura",
    "O'Brien",
    "Perez",
    "Rios",
    "Schultz",
    "Thompson",
    "Vargas",
    "Washington",
    "Cabrera",
    "Duarte",
    "Figueroa",
    "Gutierrez",
    "Herrera",
    "Lucero",
    "Medina",
    "Oliveira",
    "Pacheco",
    "Rojas",
    "Santos",
    "Acosta",
    "Baptiste",
    "Charles",
    "Desrosiers",
    "Volkov",
    "Petrov",
    "Larsen",
    "Moreau",
    "Harper",
    "Calloway",
    "Mercer",
    "Prescott",
    "Sinclair",
    "Whitfield",
    "Ashby",
    "Blackwell",
    "Coleman",
    "Dunn",
    "Everett",
    "Foster",
    "Greer",
    "Hale",
    "Jennings",
    "Kerr",
    "Lambert",
    "McCoy",
    "Nash",
    "Owens",
    "Pruitt",
    "Quinn",
    "Ross",
    "Stone",
    "Tate",
    "Vance",
    "Wade",
]

# ------------------------------------------------------------------------------------ hard cases
# Every key is referenced from make_judgments.py and listed in hard_cases.json.
# licence kinds: ok (board-verified active), unverified (active per the therapist's own site),
# unknown (NPPES only), expired_active (board still says active, expiry passed), expired,
# suspended, revoked, probation.

HARD_CASES = [
    # --- Austin, sciatica (q: condition=sciatica near=78704) ---------------------------------------
    dict(
        key="aus_sciatica_far_specialist",
        metro="austin",
        zip="78664",
        archetype="nmt",
        gender="female",
        conditions=["sciatica", "piriformis_syndrome", "low_back_pain"],
        modalities=["neuromuscular_therapy", "trigger_point_therapy", "deep_tissue_massage"],
        certs=["cnmt", "bctmb"],
        licence="ok",
        issued=date(2011, 5, 12),
        accepting=True,
        bio="Certified neuromuscular therapist in Round Rock whose practice is built around sciatica, piriformis syndrome and low back pain.",
    ),
    dict(
        key="aus_generalist_near",
        metro="austin",
        zip="78704",
        archetype="relax",
        gender="female",
        conditions=[],
        modalities=["swedish_massage", "hot_stone_massage"],
        certs=["bctmb"],
        licence="ok",
        issued=date(2004, 2, 3),
        accepting=True,
        bio="South Austin relaxation massage: long, flowing Swedish strokes and hot stones to help you unwind.",
    ),
    dict(
        key="aus_deep_tissue_near",
        metro="austin",
        zip="78704",
        archetype="deep",
        gender="male",
        conditions=[],
        modalities=["deep_tissue_massage", "swedish_massage"],
        certs=[],
        licence="ok",
        issued=date(2016, 9, 1),
        accepting=True,
        bio="Deep tissue massage on South Congress for people who like firm pressure.",
    ),
    dict(
        key="aus_piriformis_related",
        metro="austin",
        zip="78745",
        archetype="nmt",
        gender="female",
        conditions=["piriformis_syndrome", "hip_pain"],
        modalities=["trigger_point_therapy", "deep_tissue_massage", "positional_release"],
        certs=[],
        licence="ok",
        issued=date(2013, 6, 20),
        accepting=True,
        bio="I treat piriformis syndrome and hip pain with trigger point work and strain-counterstrain.",
    ),
    dict(
        key="aus_nmt_technique_only",
        metro="austin",
        zip="78701",
        archetype="nmt",
        gender="male",
        conditions=[],
        modalities=["neuromuscular_therapy", "trigger_point_therapy"],
        certs=["cnmt"],
        licence="ok",
        issued=date(2010, 1, 15),
        accepting=True,
        bio="Certified neuromuscular therapist downtown; sessions built around trigger point release.",
    ),
    dict(
        key="aus_expired_star",
        metro="austin",
        zip="78704",
        archetype="nmt",
        gender="female",
        conditions=["sciatica", "piriformis_syndrome", "low_back_pain", "herniated_disc", "radiculopathy"],
        modalities=["neuromuscular_therapy", "trigger_point_therapy", "medical_massage", "orthopedic_massage"],
        certs=["cnmt", "bctmb", "medical_massage_certification"],
        licence="expired_active",
        expires=date(2026, 11, 1),
        issued=date(2002, 4, 8),
        accepting=True,
        bio="Twenty years treating sciatica, disc problems and radiating nerve pain with neuromuscular, medical and orthopedic massage.",
    ),
    dict(
        key="aus_expired_sciatica",
        metro="austin",
        zip="78703",
        archetype="medical",
        gender="male",
        conditions=["sciatica", "low_back_pain"],
        modalities=["medical_massage", "deep_tissue_massage"],
        certs=["medical_massage_certification"],
        licence="expired",
        expires=date(2025, 6, 30),
        issued=date(2009, 7, 1),
        accepting=True,
        bio="Medical massage for sciatica and low back pain.",
    ),
    dict(
        key="aus_suspended_sciatica",
        metro="austin",
        zip="78702",
        archetype="nmt",
        gender="male",
        conditions=["sciatica", "neck_pain"],
        modalities=["neuromuscular_therapy", "deep_tissue_massage"],
        certs=[],
        licence="suspended",
        issued=date(2012, 3, 3),
        accepting=True,
        bio="East Austin neuromuscular therapy for sciatica and neck pain.",
    ),
    dict(
        key="aus_twin_a",
        metro="austin",
        zip="78705",
        archetype="nmt",
        gender="female",
        twin="aus",
        conditions=["sciatica", "low_back_pain"],
        modalities=["neuromuscular_therapy", "deep_tissue_massage"],
        certs=["bctmb"],
        licence="ok",
        issued=date(2014, 3, 1),
        expires=date(2027, 12, 31),
        accepting=True,
        bio="Neuromuscular therapy near campus for sciatica and low back pain.",
    ),
    dict(
        key="aus_twin_b",
        metro="austin",
        zip="78705",
        archetype="nmt",
        gender="female",
        twin="aus",
        conditions=["sciatica", "low_back_pain"],
        modalities=["neuromuscular_therapy", "deep_tissue_massage"],
        certs=["bctmb"],
        licence="ok",
        issued=date(2014, 3, 1),
        expires=date(2027, 12, 31),
        accepting=True,
        bio="Neuromuscular therapy near campus for sciatica and low back pain.",
    ),
    dict(
        key="aus_unverified_sciatica",
        metro="austin",
        zip="78704",
        archetype="medical",
        gender="female",
        conditions=["sciatica", "low_back_pain"],
        modalities=["medical_massage", "trigger_point_therapy"],
        certs=[],
        licence="unverified",
        issued=date(2015, 8, 10),
        accepting=True,
        bio="Clinical massage for sciatica and back pain in Zilker.",
    ),
    dict(
        key="aus_unknown_sciatica",
        metro="austin",
        zip="78741",
        archetype="nmt",
        gender="male",
        conditions=["sciatica"],
        modalities=["neuromuscular_therapy"],
        certs=[],
        licence="unknown",
        accepting=True,
        bio="Neuromuscular therapy for sciatica.",
    ),
    dict(
        key="aus_new_sciatica",
        metro="austin",
        zip="78741",
        archetype="deep",
        gender="female",
        conditions=["sciatica", "muscle_tension"],
        modalities=["deep_tissue_massage", "swedish_massage"],
        certs=[],
        licence="ok",
        issued=date(2025, 8, 4),
        accepting=True,
        bio="Newly licensed therapist focused on sciatica and tight, overworked muscles.",
    ),
    dict(
        key="aus_sciatica_not_accepting",
        metro="austin",
        zip="78703",
        archetype="ortho",
        gender="male",
        conditions=["sciatica", "sacroiliac_joint_dysfunction", "hip_pain"],
        modalities=["orthopedic_massage", "muscle_energy_technique"],
        certs=["orthopedic_massage_certification", "bctmb"],
        licence="ok",
        issued=date(2006, 10, 2),
        accepting=False,
        bio="Orthopedic massage for sciatica, SI joint and hip problems. My schedule is currently full; waitlist only.",
    ),
    dict(
        key="aus_sciatica_ideal_near",
        metro="austin",
        zip="78704",
        archetype="nmt",
        gender="female",
        conditions=["sciatica", "piriformis_syndrome", "low_back_pain", "tension_headache"],
        modalities=["neuromuscular_therapy", "trigger_point_therapy", "deep_tissue_massage"],
        certs=["cnmt"],
        licence="ok",
        issued=date(2008, 9, 15),
        accepting=True,
        bio="Certified neuromuscular therapist in South Austin; most of my clients come in with sciatica or low back pain.",
    ),
    dict(
        key="aus_san_marcos_sciatica",
        metro="austin",
        zip="78666",
        archetype="medical",
        gender="male",
        conditions=["sciatica", "low_back_pain", "herniated_disc"],
        modalities=["medical_massage", "deep_tissue_massage"],
        certs=["medical_massage_certification"],
        licence="ok",
        issued=date(2007, 2, 1),
        accepting=True,
        bio="Medical massage in San Marcos for sciatica, herniated discs and low back pain.",
    ),
    # --- Austin, prenatal --------------------------------------------------------------------------
    dict(
        key="aus_prenatal_certified",
        metro="austin",
        zip="78704",
        archetype="prenatal",
        gender="female",
        conditions=["pregnancy_discomfort", "postpartum", "low_back_pain", "sciatica"],
        modalities=["prenatal_massage", "swedish_massage"],
        certs=["prenatal_certification"],
        licence="ok",
        issued=date(2012, 4, 2),
        accepting=True,
        bio="Certified prenatal massage therapist; side-lying sessions for low back pain, sciatica and swelling in pregnancy.",
    ),
    dict(
        key="aus_prenatal_uncertified",
        metro="austin",
        zip="78757",
        archetype="prenatal",
        gender="female",
        conditions=["pregnancy_discomfort"],
        modalities=["prenatal_massage", "swedish_massage", "reflexology"],
        certs=[],
        licence="ok",
        issued=date(2019, 5, 6),
        accepting=True,
        bio="Pregnancy massage and relaxation in North Austin.",
    ),
    dict(
        key="aus_prenatal_far",
        metro="austin",
        zip="78613",
        archetype="prenatal",
        gender="female",
        conditions=["pregnancy_discomfort", "postpartum"],
        modalities=["prenatal_massage", "swedish_massage"],
        certs=["prenatal_certification", "bctmb"],
        licence="ok",
        issued=date(2005, 1, 10),
        accepting=True,
        bio="Cedar Park prenatal and postpartum massage, certified since 2008.",
    ),
    dict(
        key="aus_prenatal_expired",
        metro="austin",
        zip="78745",
        archetype="prenatal",
        gender="female",
        conditions=["pregnancy_discomfort", "postpartum", "edema"],
        modalities=["prenatal_massage", "manual_lymphatic_drainage"],
        certs=["prenatal_certification"],
        licence="expired_active",
        expires=date(2025, 9, 30),
        issued=date(2010, 9, 30),
        accepting=True,
        bio="Prenatal massage and gentle lymphatic work for swelling in pregnancy.",
    ),
    # --- Houston, oncology / lymphedema ------------------------------------------------------------
    dict(
        key="hou_onc_clt_medcenter",
        metro="houston",
        zip="77030",
        archetype="oncology",
        gender="female",
        conditions=["cancer_care", "lymphedema", "edema"],
        modalities=["oncology_massage", "manual_lymphatic_drainage", "swedish_massage"],
        certs=["oncology_massage_certification", "clt"],
        licence="ok",
        issued=date(2006, 11, 1),
        accepting=True,
        bio="Oncology-trained massage therapist and certified lymphedema therapist near the Texas Medical Center.",
    ),
    dict(
        key="hou_onc_cert",
        metro="houston",
        zip="77025",
        archetype="oncology",
        gender="female",
        conditions=["cancer_care", "anxiety"],
        modalities=["oncology_massage", "swedish_massage"],
        certs=["oncology_massage_certification"],
        licence="ok",
        issued=date(2014, 2, 14),
        accepting=True,
        bio="Gentle, adapted massage during chemotherapy and radiation.",
    ),
    dict(
        key="hou_onc_uncert",
        metro="houston",
        zip="77005",
        archetype="oncology",
        gender="male",
        conditions=["cancer_care"],
        modalities=["oncology_massage", "reflexology"],
        certs=[],
        licence="ok",
        issued=date(2018, 6, 1),
        accepting=True,
        bio="Massage and reflexology adapted for people in cancer treatment.",
    ),
    dict(
        key="hou_clt_lymphedema",
        metro="houston",
        zip="77024",
        archetype="lymph",
        gender="female",
        conditions=["lymphedema", "edema", "post_surgical_recovery"],
        modalities=["manual_lymphatic_drainage", "scar_tissue_massage"],
        certs=["clt"],
        licence="ok",
        issued=date(2009, 3, 16),
        accepting=True,
        bio="Certified lymphedema therapist (CLT) offering manual lymphatic drainage and compression guidance.",
    ),
    dict(
        key="hou_onc_woodlands",
        metro="houston",
        zip="77380",
        archetype="oncology",
        gender="female",
        conditions=["cancer_care", "lymphedema"],
        modalities=["oncology_massage", "manual_lymphatic_drainage"],
        certs=["oncology_massage_certification", "clt"],
        licence="ok",
        issued=date(2003, 8, 8),
        accepting=True,
        bio="Oncology massage and lymphedema care in The Woodlands.",
    ),
    dict(
        key="hou_onc_expired",
        metro="houston",
        zip="77030",
        archetype="oncology",
        gender="female",
        conditions=["cancer_care", "lymphedema", "peripheral_neuropathy"],
        modalities=["oncology_massage", "manual_lymphatic_drainage"],
        certs=["oncology_massage_certification", "clt"],
        licence="expired",
        expires=date(2025, 2, 28),
        issued=date(2001, 2, 28),
        accepting=True,
        bio="Oncology massage and lymphedema therapy for patients at every stage of treatment.",
    ),
    dict(
        key="hou_deep_near_medcenter",
        metro="houston",
        zip="77030",
        archetype="deep",
        gender="male",
        conditions=["muscle_tension"],
        modalities=["deep_tissue_massage", "cupping"],
        certs=[],
        licence="ok",
        issued=date(2017, 4, 4),
        accepting=True,
        bio="Deep tissue and cupping for knots and tight muscles.",
    ),
    dict(
        key="hou_mld_uncert",
        metro="houston",
        zip="77019",
        archetype="lymph",
        gender="female",
        conditions=["edema"],
        modalities=["manual_lymphatic_drainage", "swedish_massage"],
        certs=[],
        licence="ok",
        issued=date(2020, 10, 10),
        accepting=True,
        bio="Lymphatic drainage massage for puffiness and swelling.",
    ),
    # --- Houston, low back pain twins + far specialist ----------------------------------------------
    dict(
        key="hou_twin_a",
        metro="houston",
        zip="77019",
        archetype="medical",
        gender="male",
        twin="hou",
        conditions=["low_back_pain", "sciatica", "herniated_disc"],
        modalities=["medical_massage", "myofascial_release"],
        certs=["medical_massage_certification"],
        licence="ok",
        issued=date(2012, 1, 9),
        expires=date(2028, 1, 31),
        accepting=True,
        bio="Medical massage in River Oaks for low back pain, sciatica and disc problems.",
    ),
    dict(
        key="hou_twin_b",
        metro="houston",
        zip="77019",
        archetype="medical",
        gender="male",
        twin="hou",
        conditions=["low_back_pain", "sciatica", "herniated_disc"],
        modalities=["medical_massage", "myofascial_release"],
        certs=["medical_massage_certification"],
        licence="ok",
        issued=date(2012, 1, 9),
        expires=date(2028, 1, 31),
        accepting=True,
        bio="Medical massage in River Oaks for low back pain, sciatica and disc problems.",
    ),
    dict(
        key="hou_lbp_katy_specialist",
        metro="houston",
        zip="77450",
        archetype="nmt",
        gender="female",
        conditions=["low_back_pain", "sciatica", "sacroiliac_joint_dysfunction"],
        modalities=["neuromuscular_therapy", "trigger_point_therapy"],
        certs=["cnmt", "bctmb"],
        licence="ok",
        issued=date(2005, 5, 5),
        accepting=True,
        bio="Katy neuromuscular therapist focused on low back, SI joint and sciatic pain.",
    ),
    dict(
        key="hou_generalist_montrose",
        metro="houston",
        zip="77006",
        archetype="relax",
        gender="female",
        conditions=[],
        modalities=["swedish_massage", "hot_stone_massage", "reflexology"],
        certs=[],
        licence="ok",
        issued=date(2010, 6, 6),
        accepting=True,
        bio="Montrose day-spa massage: Swedish, hot stone and reflexology.",
    ),
    # --- Miami, carpal tunnel ----------------------------------------------------------------------
    dict(
        key="mia_cts_art_brickell",
        metro="miami",
        zip="33131",
        archetype="sports",
        gender="male",
        conditions=["carpal_tunnel_syndrome", "repetitive_strain_injury", "tennis_elbow"],
        modalities=["active_release_technique", "sports_massage", "iastm"],
        certs=["art_certification", "bctmb"],
        licence="ok",
        issued=date(2010, 7, 19),
        accepting=True,
        bio="Active Release Techniques provider in Brickell treating carpal tunnel and repetitive strain from desk and phone work.",
    ),
    dict(
        key="mia_cts_medical",
        metro="miami",
        zip="33145",
        archetype="medical",
        gender="female",
        conditions=["carpal_tunnel_syndrome", "neck_pain", "whiplash"],
        modalities=["medical_massage", "myofascial_release"],
        certs=["medical_massage_certification"],
        licence="ok",
        issued=date(2013, 2, 25),
        accepting=True,
        bio="Medical massage for carpal tunnel, neck pain and auto-accident injuries.",
    ),
    dict(
        key="mia_cts_kendall",
        metro="miami",
        zip="33176",
        archetype="nmt",
        gender="female",
        conditions=["carpal_tunnel_syndrome", "thoracic_outlet_syndrome"],
        modalities=["neuromuscular_therapy", "trigger_point_therapy"],
        certs=["cnmt"],
        licence="ok",
        issued=date(2009, 9, 9),
        accepting=True,
        bio="Neuromuscular therapy in Kendall for carpal tunnel and thoracic outlet symptoms.",
    ),
    dict(
        key="mia_cts_suspended",
        metro="miami",
        zip="33131",
        archetype="medical",
        gender="male",
        conditions=["carpal_tunnel_syndrome", "repetitive_strain_injury", "tendonitis", "tennis_elbow"],
        modalities=["medical_massage", "active_release_technique", "orthopedic_massage"],
        certs=["art_certification", "medical_massage_certification", "bctmb"],
        licence="suspended",
        issued=date(2004, 4, 4),
        accepting=True,
        bio="Carpal tunnel and repetitive strain specialist; ART and medical massage.",
    ),
    dict(
        key="mia_rsi_related",
        metro="miami",
        zip="33130",
        archetype="sports",
        gender="female",
        conditions=["repetitive_strain_injury", "tendonitis"],
        modalities=["active_release_technique", "iastm"],
        certs=["art_certification"],
        licence="ok",
        issued=date(2016, 1, 11),
        accepting=True,
        bio="ART provider treating repetitive strain and tendon problems in the forearm and wrist.",
    ),
    dict(
        key="mia_cts_unverified",
        metro="miami",
        zip="33132",
        archetype="medical",
        gender="female",
        conditions=["carpal_tunnel_syndrome"],
        modalities=["medical_massage"],
        certs=[],
        licence="unverified",
        issued=date(2017, 3, 3),
        accepting=True,
        bio="Clinical massage for wrist and hand pain, including carpal tunnel.",
    ),
    # --- Miami, lymphatic / post-op / oncology / prenatal -------------------------------------------
    dict(
        key="mia_mld_postop_cert",
        metro="miami",
        zip="33137",
        archetype="lymph",
        gender="female",
        conditions=["post_surgical_recovery", "edema", "scar_tissue"],
        modalities=["manual_lymphatic_drainage", "scar_tissue_massage"],
        certs=["mld_certification"],
        licence="ok",
        issued=date(2011, 11, 11),
        accepting=True,
        bio="Vodder-certified manual lymphatic drainage after liposuction, tummy tucks and other cosmetic surgery.",
    ),
    dict(
        key="mia_mld_postop_uncert",
        metro="miami",
        zip="33127",
        archetype="lymph",
        gender="female",
        conditions=["post_surgical_recovery", "edema"],
        modalities=["manual_lymphatic_drainage"],
        certs=[],
        licence="ok",
        issued=date(2021, 2, 2),
        accepting=True,
        bio="Post-op lymphatic drainage massage (post-lipo and BBL recovery).",
    ),
    dict(
        key="mia_mld_spa_only",
        metro="miami",
        zip="33139",
        archetype="lymph",
        gender="female",
        conditions=[],
        modalities=["manual_lymphatic_drainage", "swedish_massage"],
        certs=[],
        licence="ok",
        issued=date(2022, 6, 15),
        accepting=True,
        bio="Lymphatic drainage and relaxation massage on South Beach.",
    ),
    dict(
        key="mia_onc_clt",
        metro="miami",
        zip="33136",
        archetype="oncology",
        gender="female",
        conditions=["cancer_care", "lymphedema", "post_surgical_recovery"],
        modalities=["oncology_massage", "manual_lymphatic_drainage", "scar_tissue_massage"],
        certs=["oncology_massage_certification", "clt"],
        licence="ok",
        issued=date(2007, 5, 21),
        accepting=True,
        bio="Oncology massage and lymphedema therapy for breast cancer survivors, near the medical campus.",
    ),
    dict(
        key="mia_prenatal_beach",
        metro="miami",
        zip="33139",
        archetype="prenatal",
        gender="female",
        conditions=["pregnancy_discomfort", "postpartum", "sciatica"],
        modalities=["prenatal_massage", "swedish_massage"],
        certs=["prenatal_certification"],
        licence="ok",
        issued=date(2012, 12, 12),
        accepting=True,
        bio="Certified prenatal therapist in Miami Beach; relief for pregnancy sciatica and back pain.",
    ),
    dict(
        key="mia_sciatica_no_prenatal",
        metro="miami",
        zip="33139",
        archetype="nmt",
        gender="male",
        conditions=["sciatica", "low_back_pain", "piriformis_syndrome"],
        modalities=["neuromuscular_therapy", "deep_tissue_massage"],
        certs=["cnmt"],
        licence="ok",
        issued=date(2008, 8, 8),
        accepting=True,
        bio="Neuromuscular therapy for sciatica and low back pain in Miami Beach.",
    ),
    # --- Denver, migraine twins / neck / blood thinners -----------------------------------------------
    dict(
        key="den_twin_a",
        metro="denver",
        zip="80206",
        archetype="head",
        gender="female",
        twin="den",
        conditions=["migraine", "tension_headache"],
        modalities=["craniosacral_therapy", "trigger_point_therapy"],
        certs=["craniosacral_certification"],
        licence="ok",
        issued=date(2015, 4, 1),
        expires=date(2027, 10, 31),
        accepting=True,
        bio="CranioSacral therapy and trigger point work for migraines and tension headaches in Cherry Creek.",
    ),
    dict(
        key="den_twin_b",
        metro="denver",
        zip="80206",
        archetype="head",
        gender="female",
        twin="den",
        conditions=["migraine", "tension_headache"],
        modalities=["craniosacral_therapy", "trigger_point_therapy"],
        certs=["craniosacral_certification"],
        licence="ok",
        issued=date(2015, 4, 1),
        expires=date(2027, 10, 31),
        accepting=True,
        bio="CranioSacral therapy and trigger point work for migraines and tension headaches in Cherry Creek.",
    ),
    dict(
        key="den_migraine_expired",
        metro="denver",
        zip="80203",
        archetype="head",
        gender="female",
        conditions=["migraine", "headache", "tmj_disorder", "tension_headache", "neck_pain"],
        modalities=["craniosacral_therapy", "tmj_intraoral_massage", "trigger_point_therapy"],
        certs=["craniosacral_certification", "bctmb"],
        licence="expired_active",
        expires=date(2025, 10, 31),
        issued=date(2003, 10, 31),
        accepting=True,
        bio="Headache and migraine specialist: CranioSacral, intraoral TMJ and trigger point therapy.",
    ),
    dict(
        key="den_neck_deep_only",
        metro="denver",
        zip="80206",
        archetype="deep",
        gender="male",
        conditions=["neck_pain", "upper_back_pain"],
        modalities=["deep_tissue_massage", "cupping", "iastm"],
        certs=[],
        licence="ok",
        issued=date(2012, 2, 2),
        accepting=True,
        bio="Deep tissue, cupping and scraping for stubborn neck and upper back pain.",
    ),
    dict(
        key="den_neck_gentle",
        metro="denver",
        zip="80209",
        archetype="mfr",
        gender="female",
        conditions=["neck_pain", "tension_headache", "whiplash"],
        modalities=["myofascial_release", "craniosacral_therapy", "medical_massage"],
        certs=["myofascial_release_certification", "bctmb"],
        licence="ok",
        issued=date(2007, 6, 6),
        accepting=True,
        bio="Gentle myofascial release and CranioSacral work for neck pain, headaches and whiplash.",
    ),
    dict(
        key="den_neck_nmt",
        metro="denver",
        zip="80218",
        archetype="nmt",
        gender="male",
        conditions=["neck_pain", "upper_back_pain", "tension_headache"],
        modalities=["neuromuscular_therapy", "trigger_point_therapy", "swedish_massage"],
        certs=["cnmt"],
        licence="ok",
        issued=date(2010, 10, 10),
        accepting=True,
        bio="Neuromuscular therapy for neck pain and tension headaches in Uptown.",
    ),
    dict(
        key="den_scar_mfr",
        metro="denver",
        zip="80218",
        archetype="mfr",
        gender="female",
        conditions=["scar_tissue", "post_surgical_recovery", "limited_mobility"],
        modalities=["myofascial_release", "scar_tissue_massage"],
        certs=["myofascial_release_certification"],
        licence="ok",
        issued=date(2009, 1, 5),
        accepting=True,
        bio="Myofascial release and scar work after joint replacement, C-section and other surgery (with your surgeon's OK).",
    ),
    dict(
        key="den_itband_boulder",
        metro="denver",
        zip="80302",
        archetype="sports",
        gender="male",
        conditions=["it_band_syndrome", "plantar_fasciitis", "sports_injury", "knee_pain"],
        modalities=["sports_massage", "iastm", "active_release_technique"],
        certs=["graston_certification", "art_certification"],
        licence="ok",
        issued=date(2011, 3, 14),
        accepting=True,
        bio="Boulder sports massage for runners: IT band, plantar fasciitis and knee pain.",
    ),
    # --- coverage: conditions where the random draw left too little competition ---------------------
    dict(
        key="den_plantar_graston",
        metro="denver",
        zip="80209",
        archetype="sports",
        gender="female",
        conditions=["plantar_fasciitis", "shin_splints", "tendonitis"],
        modalities=["sports_massage", "iastm", "kinesio_taping"],
        certs=["graston_certification"],
        licence="ok",
        issued=date(2014, 5, 19),
        accepting=True,
        bio="Graston-trained sports massage for heel pain, plantar fasciitis and shin splints.",
    ),
    dict(
        key="den_plantar_mfr_new",
        metro="denver",
        zip="80222",
        archetype="mfr",
        gender="female",
        conditions=["plantar_fasciitis", "chronic_pain"],
        modalities=["myofascial_release", "swedish_massage"],
        certs=[],
        licence="ok",
        issued=date(2024, 3, 1),
        accepting=True,
        bio="Gentle myofascial release for plantar fasciitis and chronic pain.",
    ),
    dict(
        key="mia_fibro_mfr_cert",
        metro="miami",
        zip="33133",
        archetype="mfr",
        gender="female",
        conditions=["fibromyalgia", "chronic_pain", "myofascial_pain_syndrome"],
        modalities=["myofascial_release", "craniosacral_therapy"],
        certs=["myofascial_release_certification"],
        licence="ok",
        issued=date(2008, 2, 11),
        accepting=True,
        bio="John F. Barnes myofascial release in Coconut Grove for fibromyalgia and chronic pain; slow, gentle and never forced.",
    ),
    dict(
        key="mia_fibro_gentle_new",
        metro="miami",
        zip="33146",
        archetype="wellness",
        gender="female",
        conditions=["fibromyalgia", "insomnia"],
        modalities=["swedish_massage", "craniosacral_therapy"],
        certs=[],
        licence="ok",
        issued=date(2025, 1, 20),
        accepting=True,
        bio="Light-touch massage and CranioSacral work for fibromyalgia flares and poor sleep.",
    ),
    dict(
        key="mia_fibro_deep_only",
        metro="miami",
        zip="33145",
        archetype="deep",
        gender="male",
        conditions=["fibromyalgia", "low_back_pain"],
        modalities=["deep_tissue_massage", "cupping"],
        certs=[],
        licence="ok",
        issued=date(2011, 9, 9),
        accepting=True,
        bio="Deep tissue and cupping; I also see clients with fibromyalgia and back pain.",
    ),
    dict(
        key="mia_frozen_ortho",
        metro="miami",
        zip="33130",
        archetype="ortho",
        gender="male",
        conditions=["frozen_shoulder", "rotator_cuff_injury", "shoulder_pain"],
        modalities=["orthopedic_massage", "pnf_stretching"],
        certs=["orthopedic_massage_certification", "bctmb"],
        licence="ok",
        issued=date(2006, 3, 27),
        accepting=True,
        bio="Orthopedic massage for shoulders: frozen shoulder, rotator cuff and impingement.",
    ),
    dict(
        key="mia_frozen_new",
        metro="miami",
        zip="33134",
        archetype="sports",
        gender="female",
        conditions=["frozen_shoulder"],
        modalities=["pnf_stretching", "sports_massage"],
        certs=[],
        licence="ok",
        issued=date(2023, 7, 7),
        accepting=True,
        bio="Assisted stretching and sports massage for stiff, frozen shoulders.",
    ),
    dict(
        key="mia_geriatric_pinecrest",
        metro="miami",
        zip="33156",
        archetype="geriatric",
        gender="female",
        conditions=["osteoarthritis", "limited_mobility", "parkinsons_disease"],
        modalities=["geriatric_massage", "swedish_massage"],
        certs=["bctmb"],
        licence="ok",
        issued=date(2005, 10, 3),
        accepting=True,
        mobile=True,
        bio="In-home massage for older adults with arthritis, Parkinson's and limited mobility.",
    ),
    dict(
        key="mia_geriatric_unverified",
        metro="miami",
        zip="33176",
        archetype="geriatric",
        gender="male",
        conditions=["osteoarthritis", "rheumatoid_arthritis"],
        modalities=["geriatric_massage", "swedish_massage", "reflexology"],
        certs=[],
        licence="unverified",
        issued=date(2016, 4, 4),
        accepting=True,
        mobile=True,
        bio="Mobile senior massage for arthritis pain and stiffness.",
    ),
    dict(
        key="aus_sports_art",
        metro="austin",
        zip="78703",
        archetype="sports",
        gender="male",
        conditions=["sports_injury", "tendonitis", "it_band_syndrome"],
        modalities=["sports_massage", "active_release_technique", "kinesio_taping"],
        certs=["art_certification"],
        licence="ok",
        issued=date(2016, 2, 8),
        accepting=True,
        bio="ART provider and sports massage therapist for runners and cyclists near Lady Bird Lake.",
    ),
    dict(
        key="aus_sports_runner",
        metro="austin",
        zip="78704",
        archetype="sports",
        gender="female",
        conditions=["sports_injury", "plantar_fasciitis", "shin_splints"],
        modalities=["sports_massage", "pnf_stretching", "cupping"],
        certs=[],
        licence="ok",
        issued=date(2019, 11, 4),
        accepting=True,
        bio="Sports massage and assisted stretching for runners and weekend athletes.",
    ),
    dict(
        key="aus_sports_new",
        metro="austin",
        zip="78751",
        archetype="sports",
        gender="male",
        conditions=["sports_injury", "strains_sprains"],
        modalities=["sports_massage", "deep_tissue_massage"],
        certs=[],
        licence="ok",
        issued=date(2025, 5, 12),
        accepting=True,
        bio="Newly licensed sports massage therapist in Hyde Park.",
    ),
    dict(
        key="bou_sports",
        metro="denver",
        zip="80303",
        archetype="sports",
        gender="female",
        conditions=["it_band_syndrome", "knee_pain", "hip_pain"],
        modalities=["sports_massage", "pnf_stretching", "cupping"],
        certs=["sports_massage_certification"],
        licence="ok",
        issued=date(2013, 8, 26),
        accepting=True,
        bio="Boulder sports massage for trail runners: IT band, knee and hip problems.",
    ),
    dict(
        key="bou_rolfer",
        metro="denver",
        zip="80302",
        archetype="structural",
        gender="male",
        conditions=["posture_problems", "hip_pain"],
        modalities=["structural_integration", "myofascial_release"],
        certs=["structural_integration_certification"],
        licence="ok",
        issued=date(2001, 6, 18),
        accepting=True,
        bio="Certified Rolfer in Boulder; ten-series structural integration.",
    ),
    dict(
        key="bro_sports",
        metro="denver",
        zip="80020",
        archetype="sports",
        gender="male",
        conditions=["sports_injury", "shin_splints"],
        modalities=["sports_massage", "iastm"],
        certs=[],
        licence="ok",
        issued=date(2015, 4, 27),
        accepting=True,
        bio="Sports massage and IASTM in Broomfield.",
    ),
    dict(
        key="den_sciatica_medical",
        metro="denver",
        zip="80203",
        archetype="medical",
        gender="female",
        conditions=["sciatica", "low_back_pain", "sacroiliac_joint_dysfunction"],
        modalities=["medical_massage", "positional_release", "myofascial_release"],
        certs=["medical_massage_certification"],
        licence="ok",
        issued=date(2012, 10, 1),
        accepting=True,
        bio="Capitol Hill medical massage for sciatica, SI joint and low back pain; I work with local chiropractors.",
    ),
    dict(
        key="mia_clt_south",
        metro="miami",
        zip="33143",
        archetype="lymph",
        gender="female",
        conditions=["lymphedema", "edema"],
        modalities=["manual_lymphatic_drainage", "kinesio_taping"],
        certs=["clt"],
        licence="ok",
        issued=date(2010, 6, 14),
        accepting=True,
        bio="Certified lymphedema therapist in South Miami: manual lymph drainage, bandaging and taping for arm and leg lymphedema.",
    ),
    dict(
        key="mia_anxiety_beach",
        metro="miami",
        zip="33140",
        archetype="wellness",
        gender="female",
        conditions=["anxiety", "stress", "insomnia", "ptsd"],
        modalities=["swedish_massage", "craniosacral_therapy", "reflexology"],
        certs=["craniosacral_certification"],
        licence="ok",
        issued=date(2013, 1, 22),
        accepting=True,
        bio="Trauma-informed, calming massage and CranioSacral therapy in Mid-Beach for anxiety and sleeplessness.",
    ),
    dict(
        key="mia_prenatal_nocert",
        metro="miami",
        zip="33141",
        archetype="prenatal",
        gender="female",
        conditions=["pregnancy_discomfort", "low_back_pain"],
        modalities=["prenatal_massage", "swedish_massage"],
        certs=[],
        licence="ok",
        issued=date(2017, 9, 5),
        accepting=True,
        bio="Pregnancy massage in North Beach with a side-lying setup and pregnancy pillows.",
    ),
    # --- scattered near-misses -----------------------------------------------------------------------
    dict(
        key="sa_sciatica_specialist",
        metro=None,
        zip="78209",
        archetype="nmt",
        gender="female",
        conditions=["sciatica", "low_back_pain"],
        modalities=["neuromuscular_therapy", "trigger_point_therapy"],
        certs=["cnmt", "bctmb"],
        licence="ok",
        issued=date(2004, 4, 14),
        accepting=True,
        bio="San Antonio neuromuscular therapist for sciatica and low back pain.",
    ),
]

# Roster: coverage specialists per metro (archetype, conditions) so that every judged query has
# real competition. Other attributes are drawn at random.
ROSTER = {
    "austin": [
        ("nmt", ["sciatica", "low_back_pain", "muscle_spasms"]),
        ("nmt", ["tension_headache", "neck_pain", "tmj_disorder"]),
        ("nmt", ["myofascial_pain_syndrome", "neck_pain", "upper_back_pain"]),
        ("nmt", ["low_back_pain"]),
        ("medical", ["sciatica", "herniated_disc", "radiculopathy", "low_back_pain", "whiplash"]),
        ("medical", ["low_back_pain", "post_surgical_recovery"]),
        ("head", ["tmj_disorder", "tension_headache", "migraine"]),
        ("head", ["tension_headache", "migraine", "headache"]),
        ("head", ["tmj_disorder"]),
        ("sports", ["sports_injury", "it_band_syndrome", "plantar_fasciitis"]),
        ("sports", ["sports_injury", "strains_sprains"]),
        ("sports", ["sports_injury", "tendonitis", "rotator_cuff_injury"]),
        ("sports", []),
        ("ortho", ["sacroiliac_joint_dysfunction", "low_back_pain", "hip_pain"]),
        ("mfr", ["myofascial_pain_syndrome", "fibromyalgia", "chronic_pain"]),
        ("deep", ["low_back_pain", "neck_pain"]),
        ("deep", ["muscle_tension"]),
        ("prenatal", None),
        ("nmt", ["neck_pain", "tension_headache"]),
    ],
    "houston": [
        ("nmt", ["sciatica", "low_back_pain"]),
        ("nmt", ["low_back_pain", "muscle_spasms"]),
        ("nmt", ["tmj_disorder", "tension_headache"]),
        ("nmt", ["sciatica", "piriformis_syndrome"]),
        ("medical", ["herniated_disc", "radiculopathy", "low_back_pain", "sciatica"]),
        ("medical", ["low_back_pain", "whiplash", "neck_pain"]),
        ("medical", ["frozen_shoulder", "rotator_cuff_injury", "shoulder_pain"]),
        ("medical", ["herniated_disc", "neck_pain"]),
        ("ortho", ["frozen_shoulder", "rotator_cuff_injury", "shoulder_pain", "tendonitis"]),
        ("ortho", ["rotator_cuff_injury", "shoulder_pain"]),
        ("ortho", ["frozen_shoulder"]),
        ("sports", ["rotator_cuff_injury", "sports_injury", "tennis_elbow"]),
        ("mfr", ["low_back_pain", "chronic_pain", "fibromyalgia"]),
        ("mfr", ["frozen_shoulder", "limited_mobility", "scar_tissue"]),
        ("structural", ["low_back_pain", "posture_problems"]),
        ("head", ["tmj_disorder", "migraine"]),
        ("head", ["tmj_disorder", "headache", "neck_pain"]),
        ("lymph", ["lymphedema", "edema"]),
        ("deep", ["low_back_pain"]),
        ("deep", ["low_back_pain", "upper_back_pain"]),
        ("prenatal", None),
        ("geriatric", None),
    ],
    "miami": [
        ("ortho", ["carpal_tunnel_syndrome", "thoracic_outlet_syndrome", "tennis_elbow"]),
        ("mfr", ["fibromyalgia", "chronic_pain"]),
        ("mfr", ["fibromyalgia", "chronic_pain", "tmj_disorder"]),
        ("wellness", ["fibromyalgia", "anxiety", "insomnia"]),
        ("medical", ["fibromyalgia", "chronic_pain", "low_back_pain"]),
        ("medical", ["whiplash", "neck_pain", "low_back_pain"]),
        ("medical", ["whiplash", "neck_pain", "herniated_disc"]),
        ("nmt", ["whiplash", "neck_pain", "tension_headache"]),
        ("head", ["whiplash", "tmj_disorder"]),
        ("wellness", ["anxiety", "stress", "insomnia"]),
        ("wellness", ["anxiety", "ptsd", "depression"]),
        ("head", ["anxiety", "insomnia", "migraine"]),
        ("relax", ["stress"]),
        ("lymph", ["post_surgical_recovery", "edema", "scar_tissue"]),
        ("lymph", ["lymphedema", "edema"]),
        ("lymph", []),
        ("ortho", ["frozen_shoulder", "shoulder_pain"]),
        ("medical", ["frozen_shoulder", "rotator_cuff_injury"]),
        ("prenatal", ["pregnancy_discomfort", "edema"]),
        ("prenatal", ["pregnancy_discomfort", "postpartum"]),
        ("oncology", ["cancer_care", "anxiety"]),
        ("geriatric", ["osteoarthritis", "limited_mobility"]),
        ("geriatric", ["osteoarthritis", "parkinsons_disease"]),
    ],
    "denver": [
        ("nmt", ["neck_pain", "tension_headache", "upper_back_pain"]),
        ("medical", ["neck_pain", "whiplash"]),
        ("mfr", ["neck_pain", "posture_problems"]),
        ("deep", ["neck_pain", "low_back_pain"]),
        ("head", ["migraine", "tmj_disorder", "headache"]),
        ("eastern", ["migraine", "stress", "insomnia"]),
        ("sports", ["plantar_fasciitis", "it_band_syndrome", "shin_splints"]),
        ("mfr", ["plantar_fasciitis", "fibromyalgia"]),
        ("sports", ["it_band_syndrome", "knee_pain"]),
        ("sports", ["it_band_syndrome", "sports_injury", "hip_pain"]),
        ("nmt", ["sciatica", "piriformis_syndrome"]),
        ("medical", ["sciatica", "low_back_pain"]),
        ("ortho", ["sciatica", "hip_pain", "sacroiliac_joint_dysfunction"]),
        ("medical", ["post_surgical_recovery", "scar_tissue"]),
        ("lymph", ["post_surgical_recovery", "edema"]),
        ("wellness", ["insomnia", "anxiety", "stress"]),
        ("head", ["insomnia", "anxiety"]),
        ("medical", ["whiplash", "neck_pain", "tension_headache"]),
        ("medical", ["whiplash", "low_back_pain"]),
        ("structural", None),
        ("prenatal", None),
        ("oncology", None),
    ],
}
METRO_COUNTS = {"austin": 62, "houston": 59, "miami": 56, "denver": 56}
N_SCATTERED = 20

LICENCE_DRAW = [  # for roster and filler listings
    ("ok", 74),
    ("unverified", 4),
    ("unknown", 9),
    ("expired_active", 5),
    ("expired", 5),
    ("suspended", 1),
    ("revoked", 0.5),
    ("probation", 0.5),
]


# ------------------------------------------------------------------------------------ builder


class Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocab = get_vocabulary()
        self.used_names: set[str] = set()
        self.phone_counter: dict[str, int] = {}
        self.licence_numbers: set[str] = set()
        self.npis: set[str] = set()

    # --- small helpers
    def name(self, gender: str) -> str:
        pool = {"female": FEMALE, "male": MALE}.get(gender, NONBINARY)
        while True:
            n = f"{self.rng.choice(pool)} {self.rng.choice(LAST)}"
            if n not in self.used_names:
                self.used_names.add(n)
                return n

    def phone(self, area: str) -> str:
        k = self.phone_counter.get(area, 100)
        self.phone_counter[area] = k + 1
        assert k < 200, area
        return f"+1{area}555{k:04d}"  # 555-01xx: reserved for fiction

    def licence_number(self, state: str) -> str:
        while True:
            n = self.rng.randint(10000, 999999)
            if state == "FL":
                s = f"MA{n:06d}"
            elif state == "CO":
                s = f"MT.{n:07d}"
            else:
                s = f"MT{n:06d}"
            if s not in self.licence_numbers:
                self.licence_numbers.add(s)
                return s

    def npi(self) -> str:
        while True:
            s = "1" + "".join(str(self.rng.randint(0, 9)) for _ in range(9))
            if s not in self.npis:
                self.npis.add(s)
                return s

    def issued(self) -> date:
        # most licensed 2006-2022, tails to 1998 and 2025
        year = min(2025, max(1998, int(self.rng.triangular(1998, 2025.9, 2016))))
        return date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def draw_conditions(self, arch: dict) -> list[str]:
        r = self.rng.random()
        if r < 0.27:
            n = 0
        elif r < 0.50:
            n = 1
        elif r < 0.74:
            n = 2
        elif r < 0.84:
            n = 3
        else:
            n = self.rng.randint(4, 6)
        n = min(n, arch["nmax"], len(arch["pool"]))
        return self.rng.sample(arch["pool"], n)

    def draw_modalities(self, arch: dict) -> list[str]:
        mods = list(arch["core"])
        for m, p in arch["opt"]:
            if self.rng.random() < p:
                mods.append(m)
        if not mods:  # eastern with nothing drawn
            mods.append(self.rng.choice([m for m, _ in arch["opt"]]))
        return mods

    def draw_certs(self, arch: dict, mods: list[str], years: float) -> list[str]:
        certs = []
        for cid, p, need in arch["certs"]:
            if need and need not in mods:
                continue
            if self.rng.random() < p:
                certs.append(cid)
        p_bctmb = 0.07 if years < 5 else 0.2 if years < 15 else 0.28
        if self.rng.random() < p_bctmb:
            certs.append("bctmb")
        return certs

    # --- the listing
    def build(self, spec: dict) -> dict:
        rng = self.rng
        metro = spec.get("metro")
        zip_code = spec["zip"]
        pl = place(zip_code)
        state = pl["state"]
        arch_name = spec.get("archetype") or "relax"
        arch = ARCHETYPES[arch_name]
        gender = spec.get("gender") or rng.choices(["female", "male", "non-binary"], [68, 30, 2])[0]
        licence_kind = spec.get("licence", "ok")

        # experience
        issued = spec.get("issued") or self.issued()
        if licence_kind == "unknown":
            issued = None
        years_basis_date = issued
        npi_enum = None
        if issued is None:
            npi_enum = date(rng.randint(2007, 2023), rng.randint(1, 12), rng.randint(1, 28))
            years_basis_date = npi_enum
        years = round((TODAY - years_basis_date).days / 365.25, 1)

        conditions = spec["conditions"] if spec.get("conditions") is not None else self.draw_conditions(arch)
        modalities = spec["modalities"] if spec.get("modalities") is not None else self.draw_modalities(arch)
        # a specialist who lists conditions from their archetype pool keeps the archetype's core techniques
        certs = spec["certs"] if spec.get("certs") is not None else self.draw_certs(arch, modalities, years)
        no_site = spec.get("no_site", False)
        if no_site:  # nothing published: only roster-listed certifications can be known
            conditions, modalities = [], []
            certs = [c for c in certs if c in CERT_ROSTER]

        name = spec.get("name") or self.name(gender)
        first, last = name.split(" ", 1)
        slug = re.sub(r"[^a-z]+", "", (first + last).lower())

        # licence(s)
        lic_state = state
        number = self.licence_number(lic_state)
        licences = []
        lic = {
            "state": lic_state,
            "number": number,
            "license_type": "Massage Therapist",
            "issued_on": issued.isoformat() if issued else None,
        }
        exp = spec.get("expires")
        if licence_kind == "ok":
            exp = exp or date(rng.randint(2027, 2028), rng.randint(1, 12), 28)
            lic.update(status="active", verified=True, expires_on=exp.isoformat(), source="board")
        elif licence_kind == "unverified":
            lic.update(status="active", verified=False, expires_on=None, source="sites")
        elif licence_kind == "unknown":
            lic.update(status="unknown", verified=False, expires_on=None, source="nppes")
        elif licence_kind == "expired_active":
            exp = exp or rng.choice([date(2025, rng.randint(1, 12), 28), date(2026, 11, 1)])
            lic.update(status="active", verified=True, expires_on=exp.isoformat(), source="board")
        elif licence_kind == "expired":
            exp = exp or date(2025, rng.randint(1, 12), 28)
            lic.update(status="expired", verified=False, expires_on=exp.isoformat(), source="board")
        elif licence_kind in ("suspended", "revoked", "probation"):
            exp = exp or date(rng.randint(2027, 2028), rng.randint(1, 12), 28)
            lic.update(status=licence_kind, verified=False, expires_on=exp.isoformat(), source="board")
        else:
            raise ValueError(licence_kind)
        if spec.get("old_licence"):
            old_state, old_issued, old_exp = spec["old_licence"]
            licences.append(
                {
                    "state": old_state,
                    "number": self.licence_number(old_state),
                    "license_type": "Massage Therapist",
                    "status": "expired",
                    "verified": False,
                    "issued_on": old_issued.isoformat(),
                    "expires_on": old_exp.isoformat(),
                    "source": "board",
                }
            )
            if issued is None or old_issued < issued:
                years = round((TODAY - old_issued).days / 365.25, 1)
                years_basis_date = old_issued
        licences.insert(0, lic)

        # certifications
        cert_objs = []
        for cid in certs:
            term = self.vocab.term("certification", cid)
            assert term is not None, cid
            issuer = term.issuers[0] if term.issuers else None
            if cid == "bctmb":
                number_c, cexp = f"{rng.randint(100000, 999999)}-00", date(rng.randint(2027, 2029), rng.randint(1, 12), 28)
            elif cid == "clt":
                number_c, cexp = f"CLT-{rng.randint(1000, 9999)}", date(rng.randint(2027, 2031), rng.randint(1, 12), 28)
                issuer = "LANA"
            elif cid == "cnmt":
                number_c, cexp = f"NMT-{rng.randint(10000, 99999)}", None
            elif cid in ("structural_integration_certification", "reflexology_certification", "asian_bodywork_certification"):
                number_c, cexp = f"{rng.randint(1000, 9999)}", date(rng.randint(2027, 2029), rng.randint(1, 12), 28)
            else:
                number_c, cexp = None, None
            if cid == "mld_certification":
                issuer = rng.choice(["Dr. Vodder School International", "Klose Training", "Norton School of Lymphatic Therapy"])
            if cid == "medical_massage_certification":
                issuer = "Certified Medical Massage Therapist program"
            if cid == "sports_massage_certification":
                issuer = "AMTA Sports Massage Training"
            cert_objs.append(
                {
                    "name": term.name,
                    "issuer": issuer,
                    "id": cid,
                    "number": number_c,
                    "expires_on": cexp.isoformat() if cexp else None,
                    "source": CERT_ROSTER.get(cid, "sites"),
                }
            )

        # credentials
        creds = [STATE_CREDENTIAL.get(state, "LMT")]
        for cid in certs:
            abbr = CERT_CRED.get(cid)
            if abbr and rng.random() < 0.85 and abbr not in creds:
                creds.append(abbr)

        # evidence
        evidence = []
        for c in conditions:
            phrase = rng.choice(COND_TEXT[c])
            evidence.append(
                {
                    "term": c,
                    "kind": "condition",
                    "text": rng.choice(COND_TEMPLATES).format(p=phrase),
                    "source": "sites",
                    "source_kind": "profile_site",
                }
            )
        for m in modalities:
            phrase = rng.choice(MOD_TEXT[m])
            tmpl = rng.choice(MOD_TEMPLATES)
            evidence.append(
                {
                    "term": m,
                    "kind": "modality",
                    "text": tmpl.format(p=phrase, P=phrase[0].upper() + phrase[1:]),
                    "source": "sites",
                    "source_kind": "profile_site",
                }
            )

        # sources
        sources = []
        if licence_kind != "unknown" and licence_kind != "unverified":
            bname, burl = board_for(state)
            sources.append({"source": bname, "kind": "license_csv", "url": burl, "fetched_at": FETCHED})
        npi = None
        if licence_kind == "unknown" or rng.random() < 0.45:
            npi = self.npi()
            sources.append(
                {"source": "nppes", "kind": "nppes", "url": f"https://npiregistry.example.com/provider-view/{npi}", "fetched_at": FETCHED}
            )
        if not no_site:
            sources.append(
                {"source": "sites", "kind": "profile_site", "url": f"https://{slug}-massage.example.com/", "fetched_at": FETCHED}
            )
        roster_certs = [c for c in certs if c in CERT_ROSTER]
        if roster_certs and (no_site or rng.random() < 0.6):
            r = CERT_ROSTER[roster_certs[0]]
            sources.append(
                {"source": r, "kind": "cert_roster", "url": f"https://roster.example.com/{r}/search?name={slug}", "fetched_at": FETCHED}
            )
        if spec.get("twin"):  # twins: identical provenance shape, so identical data-confidence
            sources = [s for s in sources if s["kind"] != "nppes" and s["kind"] != "cert_roster"]
            npi = None
        if not sources:
            bname, burl = board_for(state)
            sources.append({"source": bname, "kind": "license_csv", "url": burl, "fetched_at": FETCHED})

        # place
        if metro:
            area = rng.choice(METRO_AREA_CODES[metro])
            street = rng.choice(METRO_STREETS[metro])
        else:
            _, area, street = next(s for s in SCATTERED if s[0] == zip_code)
        address = f"{rng.randint(100, 9899)} {street}" + (
            f", Suite {rng.randint(1, 4)}{rng.randint(0, 2)}{rng.randint(0, 9)}" if rng.random() < 0.5 else ""
        )

        languages = ["English"]
        p_spanish = {"miami": 0.55, "houston": 0.3, "austin": 0.18, "denver": 0.12}.get(metro or "", 0.1)
        if rng.random() < p_spanish:
            languages.append("Spanish")
        if metro == "miami" and rng.random() < 0.08:
            languages.append(rng.choice(["Portuguese", "Haitian Creole"]))
        if metro == "houston" and rng.random() < 0.08:
            languages.append(rng.choice(["Vietnamese", "Mandarin"]))
        if last in ("Nguyen", "Tran", "Pham", "Le", "Hoang") and "Vietnamese" not in languages and rng.random() < 0.5:
            languages.append("Vietnamese")

        accepting = spec["accepting"] if "accepting" in spec else rng.choices([True, False, None], [84, 11, 5])[0]
        mobile = spec.get("mobile", rng.random() < (0.35 if arch_name in ("geriatric", "prenatal", "oncology") else 0.15))
        bio = (
            spec.get("bio")
            if spec.get("bio") is not None
            else (None if no_site else self.bio(arch, conditions, modalities, pl["city"], years))
        )

        return {
            "id": None,
            "name": name,
            "credentials": creds,
            "npi": npi,
            "licenses": licences,
            "certifications": cert_objs,
            "modalities": modalities,
            "conditions": conditions,
            "evidence": evidence,
            "years_experience": years,
            "experience_basis": "license" if (issued or spec.get("old_licence")) else "npi_enumeration",
            "location": {
                "address": address,
                "city": pl["city"],
                "state": state,
                "postal_code": zip_code,
                "lat": pl["lat"],
                "lon": pl["lon"],
            },
            "phone": self.phone(area),
            "bio": bio,
            "languages": languages,
            "gender": gender,
            "accepting_new_clients": accepting,
            "mobile": mobile,
            "sources": sources,
            "last_seen": LAST_SEEN,
        }

    def bio(self, arch: dict, conditions: list[str], modalities: list[str], city: str, years: float) -> str:
        rng = self.rng
        cond_phrases = [COND_TEXT[c][0] for c in conditions[:3]]
        mod_phrases = [MOD_TEXT[m][0] for m in modalities[:2]]
        yrs = f"{int(years)} years" if years >= 2 else "my first years"
        if cond_phrases:
            joined = ", ".join(cond_phrases[:-1]) + (" and " if len(cond_phrases) > 1 else "") + cond_phrases[-1]
            options = [
                f"Licensed massage therapist in {city} helping clients with {joined}. I use {' and '.join(mod_phrases)}.",
                f"I offer {arch['blurb']} in {city}, with a focus on {joined}.",
                f"{yrs.capitalize()} in practice; most of my clients come to me for {joined}. Sessions use {' and '.join(mod_phrases)}.",
            ]
        else:
            options = [
                f"{arch['blurb'][0].upper() + arch['blurb'][1:]} in {city}.",
                f"Licensed massage therapist offering {' and '.join(mod_phrases)} in {city}.",
                f"{yrs.capitalize()} of {' and '.join(mod_phrases)} in {city}; every session is tailored to how you feel that day.",
            ]
        return rng.choice(options)


def spec_rng(tag: str) -> random.Random:
    """One RNG per listing, so adding or editing one listing never reshuffles the others."""
    return random.Random(f"{SEED}:{tag}")


def main() -> None:
    b = Builder(random.Random(SEED))
    rows: list[tuple[str | None, dict]] = []  # (hard-case key, listing dict)

    # 1. hard cases, exactly as written
    twin_seen: dict[str, dict] = {}
    for spec in HARD_CASES:
        b.rng = spec_rng(f"hard:{spec['key']}")
        row = b.build(spec)
        if spec.get("twin"):
            # twins share everything that could score: same address line, evidence text, sources, credentials
            if spec["twin"] in twin_seen:
                first = twin_seen[spec["twin"]]
                for k in ("credentials", "evidence", "sources", "years_experience", "languages", "mobile", "accepting_new_clients", "bio"):
                    row[k] = json.loads(json.dumps(first[k]))
                row["location"] = dict(first["location"])
                row["licenses"][0]["expires_on"] = first["licenses"][0]["expires_on"]
                for c_new, c_old in zip(row["certifications"], first["certifications"], strict=False):
                    c_new["expires_on"] = c_old["expires_on"]
                slug = re.sub(r"[^a-z]+", "", row["name"].lower())
                for s in row["sources"]:
                    if s["kind"] == "profile_site":
                        s["url"] = f"https://{slug}-massage.example.com/"
            else:
                twin_seen[spec["twin"]] = row
        rows.append((spec["key"], row))

    hard_by_metro: dict[str, int] = {}
    for spec in HARD_CASES:
        if spec.get("metro"):
            hard_by_metro[spec["metro"]] = hard_by_metro.get(spec["metro"], 0) + 1

    # 2. per-metro roster + filler
    arch_names = list(FILLER_WEIGHTS)
    arch_weights = [FILLER_WEIGHTS[a] for a in arch_names]
    lic_kinds, lic_weights = [k for k, _ in LICENCE_DRAW], [w for _, w in LICENCE_DRAW]
    for metro, total in METRO_COUNTS.items():
        n_needed = total - hard_by_metro.get(metro, 0)
        tagged = [(f"{metro}:roster:{i}", {"archetype": a, "conditions": c}) for i, (a, c) in enumerate(ROSTER[metro])]
        i = 0
        while len(tagged) < n_needed:
            r = spec_rng(f"{metro}:filler:{i}")
            spec = {"archetype": r.choices(arch_names, arch_weights)[0]}
            if r.random() < 0.09:
                spec["no_site"] = True  # board-only listing: nothing known but the licence
            tagged.append((f"{metro}:filler:{i}", spec))
            i += 1
        for tag, s in tagged[:n_needed]:
            r = spec_rng(tag + ":where")
            s["metro"] = metro
            s["zip"] = r.choice(METRO_ZIPS[metro])
            s["licence"] = r.choices(lic_kinds, lic_weights)[0]
            # some therapists moved here and keep an expired licence from another state
            if r.random() < 0.04 and s["licence"] == "ok":
                old_state = r.choice([st for st in ("TX", "FL", "CO", "CA", "NY", "GA") if st != METRO_STATE[metro]])
                y = r.randint(1999, 2012)
                s["old_licence"] = (old_state, date(y, r.randint(1, 12), 15), date(y + r.randint(4, 9), r.randint(1, 12), 28))
            b.rng = spec_rng(tag)
            rows.append((None, b.build(s)))

    # 3. scattered
    for zip_code, _, _ in SCATTERED:
        if zip_code == "78209":
            continue  # the hard case sits there
        r = spec_rng(f"scattered:{zip_code}")
        s = {
            "metro": None,
            "zip": zip_code,
            "archetype": r.choices(arch_names, arch_weights)[0],
            "licence": r.choices(lic_kinds, lic_weights)[0],
        }
        b.rng = spec_rng(f"scattered:{zip_code}:build")
        rows.append((None, b.build(s)))

    # 4. ids after a seeded shuffle
    rng_ids = random.Random(SEED + 1)
    rng_ids.shuffle(rows)
    hard = {}
    for i, (key, row) in enumerate(rows, start=1):
        row["id"] = f"r_{i:04d}"
        if key:
            hard[key] = row["id"]

    # 5. validate and write
    out = HERE / "population.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        for _, row in sorted(rows, key=lambda kr: kr[1]["id"]):
            Listing.model_validate(row)
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
    (HERE / "hard_cases.json").write_text(json.dumps(dict(sorted(hard.items())), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} listings to {out}")


if __name__ == "__main__":
    main()
