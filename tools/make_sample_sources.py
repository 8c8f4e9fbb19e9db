#!/usr/bin/env python3
"""Generate therapists/sample_sources/: a small local mirror of real-shaped public data.

The people, practices, streets, e-mail domains (``.example``) and phone numbers (555-01xx) are
invented; the shapes copy the real formats:

* ``nppes/records.json``      NPI Registry API v2.1 result objects (the server filters/pages them)
* ``boards/tx_tdlr_massage.csv``  Texas TDLR licensee download (CSV, CRLF, no status column)
* ``boards/fl_mqa_massage.txt``   Florida MQA licensee download (pipe-delimited, status words)
* ``sites/``                  practice websites behind a sitemap index; schema.org JSON-LD,
                              microdata, one page without structured data, one malformed block
* ``rosters/``                certification rosters as paginated HTML tables (NCBTMB, NMT Center)
* ``robots.txt`` + ``private/``   a page a polite crawler must never fetch
* ``sources.toml``            the crawl configuration for this mirror (``{base}`` placeholder)
* ``people.json``             ground truth, one object per real person
* ``manifest.json``           the deliberate oddities and decoys, for tests

ZIP codes, their cities and counties are real (checked with the ``zipcodes`` package).
Sitemap ``<loc>``s and sources.toml use the literal placeholder ``{base}``, which the local
server replaces with its base URL; HTML pages use relative links only.

Deterministic: one ``random.Random(20261123)``; re-running reproduces byte-identical output.

    python tools/make_sample_sources.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import shutil
import unicodedata
from datetime import UTC, date, datetime, timedelta
from html import escape
from pathlib import Path

import zipcodes

SEED = 20261123
TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "therapists" / "sample_sources"
# Top-level entries this script owns (and replaces on every run).
OWNED = (
    "robots.txt",
    "private",
    "nppes",
    "boards",
    "sites",
    "rosters",
    "sources.toml",
    "people.json",
    "manifest.json",
    "README.md",
)

# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------

METROS = {
    "austin": {
        "city": "Austin",
        "state": "TX",
        "areas": ["512", "737"],
        "zips": ["78701", "78702", "78703", "78704", "78705", "78731", "78745", "78748", "78751", "78756", "78757", "78759"],
        "suburbs": ["78660", "78664", "78613"],
        "streets": [
            "S Lamar Blvd",
            "Burnet Rd",
            "W Anderson Ln",
            "Manchaca Rd",
            "E Riverside Dr",
            "N Lamar Blvd",
            "W 38th St",
            "Brodie Ln",
            "Bee Caves Rd",
            "Escarpment Blvd",
        ],
    },
    "houston": {
        "city": "Houston",
        "state": "TX",
        "areas": ["713", "832", "281"],
        "zips": ["77002", "77004", "77006", "77008", "77019", "77025", "77027", "77030", "77057", "77063", "77079", "77098"],
        "suburbs": ["77494", "77479", "77581"],
        "streets": [
            "Westheimer Rd",
            "Kirby Dr",
            "Montrose Blvd",
            "Richmond Ave",
            "Bissonnet St",
            "Washington Ave",
            "San Felipe St",
            "Fannin St",
            "Memorial Dr",
            "W Gray St",
        ],
    },
    "dallas": {
        "city": "Dallas",
        "state": "TX",
        "areas": ["214", "469", "972"],
        "zips": ["75201", "75204", "75206", "75209", "75214", "75219", "75225", "75230", "75231", "75248"],
        "suburbs": ["75080", "75040", "75038"],
        "streets": [
            "Greenville Ave",
            "Lemmon Ave",
            "Preston Rd",
            "Mockingbird Ln",
            "Ross Ave",
            "Lovers Ln",
            "Abrams Rd",
            "McKinney Ave",
            "Inwood Rd",
            "Skillman St",
        ],
    },
    "san_antonio": {
        "city": "San Antonio",
        "state": "TX",
        "areas": ["210", "726"],
        "zips": ["78209", "78212", "78213", "78216", "78230", "78240", "78249", "78258"],
        "suburbs": ["78006", "78154", "78130"],
        "streets": [
            "Broadway St",
            "Fredericksburg Rd",
            "Huebner Rd",
            "Blanco Rd",
            "NW Military Hwy",
            "Austin Hwy",
            "Wurzbach Rd",
            "Bandera Rd",
            "Stone Oak Pkwy",
        ],
    },
    "miami": {
        "city": "Miami",
        "state": "FL",
        "areas": ["305", "786"],
        "zips": ["33129", "33130", "33131", "33133", "33137", "33145", "33155", "33176", "33186"],
        "suburbs": ["33010", "33139", "33134"],
        "streets": [
            "Brickell Ave",
            "Biscayne Blvd",
            "SW 8th St",
            "Coral Way",
            "NE 2nd Ave",
            "SW 27th Ave",
            "Bird Rd",
            "S Dixie Hwy",
            "NW 7th St",
        ],
    },
    "tampa": {
        "city": "Tampa",
        "state": "FL",
        "areas": ["813", "656"],
        "zips": ["33602", "33606", "33609", "33611", "33618", "33629", "33647"],
        "suburbs": ["33511", "33755", "33701"],
        "streets": [
            "W Kennedy Blvd",
            "N Dale Mabry Hwy",
            "S Howard Ave",
            "N Florida Ave",
            "W Swann Ave",
            "Bayshore Blvd",
            "E Fowler Ave",
            "W Hillsborough Ave",
        ],
    },
    "orlando": {
        "city": "Orlando",
        "state": "FL",
        "areas": ["407", "321"],
        "zips": ["32801", "32803", "32804", "32806", "32814", "32819", "32835"],
        "suburbs": ["34741", "32789", "32771"],
        "streets": [
            "N Mills Ave",
            "E Colonial Dr",
            "S Orange Ave",
            "Edgewater Dr",
            "Curry Ford Rd",
            "E Robinson St",
            "S Semoran Blvd",
            "Lake Underhill Rd",
        ],
    },
}
HOME_STREETS = [
    "Live Oak Bend",
    "Pecan Hollow Dr",
    "Bluebonnet Ln",
    "Cypress Glen Ct",
    "Magnolia Trace",
    "Willow Creek Dr",
    "Sandpiper Way",
    "Heron Point Cir",
    "Palmetto Ridge Rd",
    "Coral Reef Ct",
    "Sabal Palm Ln",
    "Quail Run Dr",
]
STATE_NAMES = {"TX": "Texas", "FL": "Florida"}
BOARDS = {"TX": "Texas Department of Licensing and Regulation", "FL": "Florida Board of Massage Therapy"}


def zip_info(code: str) -> dict:
    found = zipcodes.matching(code)
    if not found:
        raise SystemExit(f"ZIP {code} not found by zipcodes.matching")
    return found[0]


def county_of(code: str) -> str:
    county = zip_info(code)["county"]
    return county.removesuffix(" County").upper()


# --------------------------------------------------------------------------------------------
# Vocabulary as therapists write it
# --------------------------------------------------------------------------------------------

# canonical phrase -> ways sites publish it (typos are only used where forced below)
CONDITION_VARIANTS = {
    "Sciatica": ["Sciatica", "Sciatic nerve pain"],
    "Piriformis syndrome": ["Piriformis syndrome", "Piriformis Syndrome"],
    "Low back pain": ["Low back pain", "Lower back pain", "Chronic low back pain"],
    "Carpal tunnel syndrome": ["Carpal Tunnel Syndrome", "Carpal tunnel"],
    "Tennis elbow": ["Tennis elbow", "Lateral epicondylitis (tennis elbow)"],
    "Repetitive strain injury": ["Repetitive strain injuries", "Repetitive strain injury (RSI)"],
    "TMJ dysfunction": ["TMJ dysfunction", "TMJ/TMD", "Jaw pain (TMJ)"],
    "Tension headache": ["Tension headaches", "Tension headache"],
    "Bruxism": ["Teeth grinding (bruxism)", "Bruxism"],
    "Lymphedema": ["Lymphedema", "Lymphedema (post-cancer)"],
    "Post-surgical recovery": ["Post-surgical recovery", "Post-op recovery", "Post-surgical swelling"],
    "Lipedema": ["Lipedema", "Lipoedema"],
    "Pregnancy-related back pain": ["Pregnancy discomfort", "Pregnancy-related back pain"],
    "Postpartum recovery": ["Postpartum recovery", "Postpartum care"],
    "Cancer recovery": ["Cancer recovery", "Support during cancer treatment"],
    "Chemotherapy-induced neuropathy": ["Chemotherapy-induced neuropathy", "Neuropathy (CIPN)"],
    "Frozen shoulder": ["Frozen shoulder", "Adhesive capsulitis (frozen shoulder)"],
    "Rotator cuff injury": ["Rotator cuff injuries", "Rotator cuff strain"],
    "Neck pain": ["Neck pain", "Neck &amp; shoulder pain"],
    "Fibromyalgia": ["Fibromyalgia", "Fibromyalgia pain"],
    "Chronic pain": ["Chronic pain", "Chronic pain management"],
    "Anxiety": ["Anxiety", "Stress &amp; anxiety"],
    "Migraine": ["Migraines", "Migraine headaches"],
    "Plantar fasciitis": ["Plantar fasciitis", "Heel pain / plantar fasciitis"],
    "Shin splints": ["Shin splints"],
    "Achilles tendinitis": ["Achilles tendonitis", "Achilles tendinitis"],
    "Whiplash": ["Whiplash", "Whiplash (auto accident injuries)"],
    "Scar tissue": ["Scar tissue", "Scar tissue adhesions"],
    "Joint replacement rehab": ["Knee &amp; hip replacement recovery", "Joint replacement rehab"],
    "Sports injury": ["Sports injuries", "Sports injury recovery"],
    "Hamstring strain": ["Hamstring strains", "Pulled hamstring"],
    "IT band syndrome": ["IT band syndrome", "IT band tightness"],
}
MODALITY_VARIANTS = {
    "Deep tissue": ["Deep Tissue", "Deep tissue massage"],
    "Neuromuscular therapy": ["Neuromuscular Therapy (NMT)", "NMT", "Neuromuscular therapy"],
    "Trigger point therapy": ["Trigger point therapy", "Trigger Point Therapy"],
    "Myofascial release": ["Myofascial release", "Myofascial Release (MFR)"],
    "Swedish massage": ["Swedish", "Swedish massage"],
    "Gentle Swedish massage": ["Gentle Swedish", "Gentle Swedish massage"],
    "Medical massage": ["Medical massage", "Medical Massage"],
    "Active Release Techniques": ["Active Release Techniques (ART)", "Active Release Technique"],
    "Intraoral massage": ["Intraoral massage", "Intra-oral TMJ work"],
    "Craniosacral therapy": ["Craniosacral therapy", "CranioSacral Therapy (CST)"],
    "Manual lymphatic drainage": ["Manual lymphatic drainage", "Manual Lymph Drainage (MLD)", "Lymphatic drainage"],
    "Complete decongestive therapy": ["Complete decongestive therapy (CDT)"],
    "Kinesio taping": ["Kinesio taping", "Kinesiology taping"],
    "Oncology massage": ["Oncology massage", "Oncology Massage"],
    "Prenatal massage": ["Prenatal massage", "Pregnancy massage"],
    "Postnatal massage": ["Postpartum massage", "Postnatal massage"],
    "Sports massage": ["Sports massage", "Sports Massage"],
    "Assisted stretching": ["Assisted stretching", "PNF stretching"],
    "Reflexology": ["Reflexology", "Foot reflexology"],
    "Hot stone massage": ["Hot stone", "Hot stone massage"],
    "Instrument-assisted soft tissue mobilization": ["IASTM", "Instrument-assisted soft tissue mobilization"],
    "Scar tissue release": ["Scar tissue release", "Scar work"],
    "Cupping": ["Cupping", "Myofascial cupping"],
}
# cluster: (conditions, headline first; modalities, most typical first)
CLUSTERS = {
    "sciatica": (
        ["Sciatica", "Piriformis syndrome", "Low back pain"],
        ["Deep tissue", "Neuromuscular therapy", "Trigger point therapy", "Myofascial release"],
    ),
    "carpal": (
        ["Carpal tunnel syndrome", "Tennis elbow", "Repetitive strain injury"],
        ["Myofascial release", "Medical massage", "Trigger point therapy", "Active Release Techniques"],
    ),
    "tmj": (
        ["TMJ dysfunction", "Tension headache", "Bruxism"],
        ["Intraoral massage", "Craniosacral therapy", "Myofascial release", "Neuromuscular therapy"],
    ),
    "lymph": (
        ["Lymphedema", "Post-surgical recovery", "Lipedema"],
        ["Manual lymphatic drainage", "Complete decongestive therapy", "Kinesio taping"],
    ),
    "prenatal": (
        ["Pregnancy-related back pain", "Postpartum recovery", "Sciatica"],
        ["Prenatal massage", "Postnatal massage", "Swedish massage"],
    ),
    "oncology": (
        ["Cancer recovery", "Chemotherapy-induced neuropathy", "Lymphedema"],
        ["Oncology massage", "Manual lymphatic drainage", "Gentle Swedish massage", "Reflexology"],
    ),
    "shoulder": (
        ["Frozen shoulder", "Rotator cuff injury", "Neck pain"],
        ["Myofascial release", "Trigger point therapy", "Neuromuscular therapy", "Assisted stretching"],
    ),
    "fibro": (
        ["Fibromyalgia", "Chronic pain", "Anxiety"],
        ["Gentle Swedish massage", "Myofascial release", "Craniosacral therapy", "Hot stone massage"],
    ),
    "headache": (
        ["Migraine", "Tension headache", "Neck pain"],
        ["Craniosacral therapy", "Trigger point therapy", "Neuromuscular therapy", "Swedish massage"],
    ),
    "plantar": (
        ["Plantar fasciitis", "Shin splints", "Achilles tendinitis"],
        ["Sports massage", "Deep tissue", "Reflexology", "Instrument-assisted soft tissue mobilization"],
    ),
    "whiplash": (
        ["Whiplash", "Neck pain", "Tension headache"],
        ["Medical massage", "Neuromuscular therapy", "Myofascial release", "Craniosacral therapy"],
    ),
    "postsurg": (
        ["Post-surgical recovery", "Scar tissue", "Joint replacement rehab"],
        ["Scar tissue release", "Manual lymphatic drainage", "Medical massage", "Myofascial release"],
    ),
    "sports": (
        ["Sports injury", "Hamstring strain", "IT band syndrome"],
        ["Sports massage", "Assisted stretching", "Deep tissue", "Active Release Techniques", "Cupping"],
    ),
}
EXTRA_MODALITIES = ["Swedish massage", "Deep tissue", "Hot stone massage", "Cupping"]

CERTS = {
    "BCTMB": ("Board Certified in Therapeutic Massage & Bodywork", "NCBTMB"),
    "CNMT": ("Certified Neuromuscular Therapist", "NMT Center"),
    "CLT": ("Certified Lymphedema Therapist", "Klose Training"),
    "MLD": ("Certified Manual Lymph Drainage Therapist", "Dr. Vodder School International"),
    "ONC": ("Oncology Massage Certificate", "Society for Oncology Massage"),
    "CPMT": ("Certified Prenatal Massage Therapist", "Prenatal Massage Institute"),
}

# --------------------------------------------------------------------------------------------
# The population (invented). role: npi = has an NPI; nonpi = licensed, no NPI (site people);
# board = board-only (no NPI, no website, no roster).
# --------------------------------------------------------------------------------------------

PEOPLE_TABLE = """
alvarez|Jennifer|Marie|Alvarez||F|austin|npi
lindqvist|Zoë|Catherine|Lindqvist||F|austin|nonpi
goldberg|Samuel|Isaac|Goldberg||M|austin|npi
rahman|Aisha|Fatima|Rahman||F|austin|npi
hutchins|Tyler|Wayne|Hutchins||M|austin|npi
whitfield|Hannah|Grace|Whitfield-Jones||F|austin|npi
dufresne|Kevin|Ray|Dufresne||M|austin|npi
pham|Megan||Pham||F|austin|npi
kirby|Amanda|Jo|Kirby||F|austin|board
sandoval|Emily|Claire|Sandoval||F|austin|npi
boone|Wesley||Boone||M|austin|npi
hernandez|José|Luis|Hernández||M|houston|npi
fontenot|Renée|Michelle|Fontenot||F|houston|npi
tran|Mai|Thanh|Tran||F|houston|npi
okafor|Olumide||Okafor||M|houston|npi
brooks|Darnell|Antoine|Brooks||M|houston|npi
mcallister|Daniel|Patrick|McAllister||M|houston|npi
broussard|Lauren|Elise|Broussard||F|houston|npi
gutierrez|Ana|Sofía|Gutiérrez||F|houston|npi
lam|Tiffany|Renee|Lam||F|houston|board
jefferson|Yolanda|Denise|Jefferson||F|houston|npi
baptiste|André|Marcus|Baptiste||M|dallas|npi
raman|Priya|Lakshmi|Raman||F|dallas|npi
kowalski|Brittany|Nicole|Kowalski||F|dallas|npi
park|Grace|Eun-ji|Park||F|dallas|npi
ellison|Marcus|Dewayne|Ellison|III|M|dallas|npi
castillo|Javier|Alejandro|Castillo||M|dallas|npi
yates|Christopher|Allen|Yates||M|dallas|npi
carter|Destiny|Monique|Carter||F|dallas|npi
meyers|Brandon|Scott|Meyers||M|dallas|board
reese|Jordan||Reese||F|dallas|npi
washington|Robert|Lee|Washington|Jr.|M|san_antonio|npi
trevino|María|Guadalupe|Treviño||F|san_antonio|npi
mendoza|Carlos|Eduardo|Mendoza||M|san_antonio|npi
schultz|Rebecca|Lynn|Schultz||F|san_antonio|npi
morales|Stephanie||Morales||F|san_antonio|npi
rosenthal|Nathan|Elijah|Rosenthal||M|san_antonio|npi
saldana|Luis|Miguel|Saldaña|Jr.|M|san_antonio|board
villarreal|Patricia|Elena|Villarreal||F|san_antonio|npi
fernandez|Gabriela|Isabel|Fernández||F|miami|npi
perez|Yanelis|Marisol|Pérez||F|miami|npi
pierre|Jean-Baptiste|Michel|Pierre||M|miami|npi
harrington|Elizabeth|Joy|Harrington||F|miami|npi
quinones|Roberto|Andrés|Quiñones||M|miami|nonpi
rojas|Camila|Valentina|Rojas||F|miami|npi
suarez|Natalia|Beatriz|Suárez-Ortega||F|miami|npi
acosta|Daniela|Cristina|Acosta||F|miami|board
toussaint|Wilner|Jacques|Toussaint||M|miami|npi
campbell|Stacy-Ann|Marie|Campbell||F|miami|npi
gallagher|Sean|Patrick|Gallagher||M|miami|npi
oconnor|Michael|James|O'Connor||M|tampa|npi
ferraro|Michael|Anthony|Ferraro||M|tampa|npi
russo|Dominic|Joseph|Russo||M|tampa|npi
whitman|Ashley|Brooke|Whitman||F|tampa|npi
cabrera|Vanessa|Lourdes|Cabrera||F|tampa|npi
holloway|Trevor|James|Holloway||M|tampa|npi
oakes|Melissa|Dawn|Oakes||F|tampa|npi
santiago|Kayla|Marie|Santiago||F|tampa|board
fitzgerald|Derek|Alan|Fitzgerald|Jr.|M|tampa|npi
volkova|Irina|Sergeyevna|Volkova||F|tampa|npi
haddad|Nadia|Karim|Haddad||F|tampa|npi
beaumont|Katherine|Louise|Beaumont||F|orlando|npi
givens|Shanice|Latoya|Givens||F|orlando|npi
katz|Rachel|Miriam|Katz||F|orlando|npi
colon|Eduardo|Rafael|Colón||M|orlando|nonpi
forsythe|Brianna|Lynn|Forsythe||F|orlando|npi
dimarco|Anthony|Michael|DiMarco||M|orlando|npi
underwood|Lindsey|Paige|Underwood||F|orlando|npi
vu|Hoang|Minh|Vu||M|orlando|board
blackwell|Courtney|Elaine|Blackwell||F|orlando|npi
ibarra|Gloria|Esperanza|Ibarra||F|orlando|npi
roberts|Chanel|Denise|Roberts||F|orlando|npi
"""

NICKNAMES = {"alvarez": "Jenny", "washington": "Bob", "ferraro": "Mike", "harrington": "Liz", "beaumont": "Kate"}
FORCED_CLUSTERS = {
    "alvarez": "sciatica",
    "fontenot": "fibro",
    "russo": "plantar",
    "hutchins": "sports",
    "fernandez": "lymph",
    "harrington": "oncology",
    "perez": "postsurg",
    "pierre": "lymph",
    "park": "tmj",
    "ellison": "whiplash",
    "mendoza": "sciatica",
    "brooks": "sports",
    "katz": "prenatal",
    "kowalski": "carpal",
    "beaumont": "headache",
    "givens": "shoulder",
    "quinones": "carpal",
    "trevino": "prenatal",
    "tran": "headache",
}
# The two published typos ("one or two with typos").
TYPOS = {"fontenot": ("Fibromyalgia", "Fibromyalga"), "russo": ("Plantar fasciitis", "Plantar fascitis")}
LANGUAGES = {
    "lindqvist": ["English", "Swedish"],
    "rahman": ["English", "Bengali"],
    "hernandez": ["English", "Spanish"],
    "tran": ["English", "Vietnamese"],
    "okafor": ["English", "Yoruba"],
    "gutierrez": ["English", "Spanish"],
    "baptiste": ["English", "French"],
    "raman": ["English", "Tamil", "Hindi"],
    "kowalski": ["English", "Polish"],
    "park": ["English", "Korean"],
    "trevino": ["English", "Spanish"],
    "mendoza": ["English", "Spanish"],
    "fernandez": ["English", "Spanish"],
    "perez": ["Spanish", "English"],
    "pierre": ["English", "French", "Haitian Creole"],
    "quinones": ["Spanish", "English"],
    "rojas": ["English", "Spanish"],
    "russo": ["English", "Italian"],
    "beaumont": ["English", "American Sign Language"],
    "colon": ["English", "Spanish"],
    "harrington": ["English"],
    "whitman": ["English", "Portuguese"],
}

# TX: expired licences (today is 2026-11-23) and the one that ran out yesterday.
TX_EXPIRY_OVERRIDES = {
    "dufresne": date(2025, 6, 30),
    "jefferson": date(2026, 2, 28),
    "goldberg": date(2026, 3, 31),
    "oconnor": date(2026, 1, 31),
    "carter": date(2026, 11, 22),
}
FL_STATUS_OVERRIDES = {
    "perez": "SUSPENDED",
    "holloway": "EMERG SUSPENS",
    "haddad": "VOL RELINQ",
    "gallagher": "NULL AND VOID",
    "katz": "PROBATION",
    "volkova": "PROBATION",
    "forsythe": "DELINQUENT",
    "roberts": "DELINQUENT",
    "toussaint": "DECEASED",
    "ibarra": "ACTIVE",
}
FL_EXPIRY_BY_STATUS = {
    "DELINQUENT": date(2025, 8, 31),
    "VOL RELINQ": date(2023, 8, 31),
    "NULL AND VOID": date(2019, 8, 31),
    "DECEASED": date(2025, 8, 31),
}
FL_STATUS_MAP = {
    "CLEAR": "active",
    "ACTIVE": "active",
    "DELINQUENT": "expired",
    "SUSPENDED": "suspended",
    "EMERG SUSPENS": "suspended",
    "NULL AND VOID": "revoked",
    "VOL RELINQ": "inactive",
    "DECEASED": "inactive",
    "PROBATION": "probation",
}
FL_CONFIDENTIAL = ["acosta", "campbell", "dimarco"]
FL_ZIP_ZEROS = ["santiago", "underwood"]

PRACTICES = [
    {
        "slug": "barton-creek-therapeutic-massage",
        "name": "Barton Creek Therapeutic Massage",
        "metro": "austin",
        "type": "HealthAndBeautyBusiness",
        "fmt": "jsonld",
        "street": "1200 S Lamar Blvd",
        "suite": "210",
        "zip": "78704",
        "domain": "bartoncreekmassage.example",
        "members": ["alvarez", "lindqvist", "goldberg", "rahman"],
        "street_style": 1,
    },
    {
        "slug": "hutchins-sports-massage",
        "name": "Hutchins Sports Massage",
        "metro": "austin",
        "type": "HealthAndBeautyBusiness",
        "fmt": "jsonld-graph",
        "street": "4608 Burnet Rd",
        "suite": "B",
        "zip": "78756",
        "domain": "hutchinssportsmassage.example",
        "members": ["hutchins"],
        "street_style": 0,
    },
    {
        "slug": "montrose-medical-massage",
        "name": "Montrose Medical Massage",
        "metro": "houston",
        "type": "MedicalBusiness",
        "fmt": "jsonld",
        "street": "2315 Montrose Blvd",
        "suite": "300",
        "zip": "77006",
        "domain": "montrosemedicalmassage.example",
        "members": ["hernandez", "fontenot", "tran", "okafor"],
        "shared_phone": True,
        "street_style": 2,
    },
    {
        "slug": "brooks-bodywork",
        "name": "Brooks Bodywork & Recovery",
        "metro": "houston",
        "type": "HealthAndBeautyBusiness",
        "fmt": "microdata",
        "street": "3701 Richmond Ave",
        "suite": "118",
        "zip": "77098",
        "domain": "brooksbodywork.example",
        "members": ["brooks"],
        "street_style": 0,
    },
    {
        "slug": "lakewood-bodywork-studio",
        "name": "Lakewood Bodywork Studio",
        "metro": "dallas",
        "type": "HealthAndBeautyBusiness",
        "fmt": "microdata",
        "street": "2104 Abrams Rd",
        "suite": "5",
        "zip": "75214",
        "domain": "lakewoodbodywork.example",
        "members": ["baptiste", "raman", "kowalski", "park", "ellison"],
        "street_style": 1,
    },
    {
        "slug": "ellison-medical-massage",
        "name": "Ellison Medical Massage",
        "metro": "dallas",
        "type": "MedicalBusiness",
        "fmt": "jsonld",
        "street": "8411 Preston Rd",
        "suite": "160",
        "zip": "75225",
        "domain": "ellisonmedicalmassage.example",
        "members": ["ellison"],
        "street_style": 0,
    },
    {
        "slug": "alamo-heights-massage-wellness",
        "name": "Alamo Heights Massage & Wellness",
        "metro": "san_antonio",
        "type": "HealthAndBeautyBusiness",
        "fmt": "jsonld",
        "street": "5231 Broadway St",
        "suite": "204",
        "zip": "78209",
        "domain": "alamoheightsmassage.example",
        "members": ["washington", "trevino", "mendoza"],
        "no_sd": ["mendoza"],
        "street_style": 2,
    },
    {
        "slug": "brickell-lymphatic-recovery",
        "name": "Brickell Lymphatic & Recovery Center",
        "metro": "miami",
        "type": "MedicalBusiness",
        "fmt": "jsonld",
        "street": "1428 Brickell Ave",
        "suite": "605",
        "zip": "33131",
        "domain": "brickelllymphatic.example",
        "members": ["fernandez", "perez", "pierre", "harrington"],
        "malformed": ["pierre"],
        "street_style": 1,
    },
    {
        "slug": "quinones-medical-massage",
        "name": "Quiñones Medical Massage",
        "metro": "miami",
        "type": "HealthAndBeautyBusiness",
        "fmt": "jsonld",
        "street": "2901 Coral Way",
        "suite": "3",
        "zip": "33145",
        "domain": "quinonesmedicalmassage.example",
        "members": ["quinones"],
        "street_style": 0,
    },
    {
        "slug": "south-tampa-sports-massage",
        "name": "South Tampa Sports Massage",
        "metro": "tampa",
        "type": "HealthAndBeautyBusiness",
        "fmt": "jsonld",
        "street": "3812 W Kennedy Blvd",
        "suite": "",
        "zip": "33609",
        "domain": "southtampasportsmassage.example",
        "members": ["ferraro", "russo", "whitman"],
        "private_link": True,
        "street_style": 0,
    },
    {
        "slug": "thornton-park-massage",
        "name": "Thornton Park Massage Therapy",
        "metro": "orlando",
        "type": "HealthAndBeautyBusiness",
        "fmt": "jsonld",
        "street": "618 E Washington St",
        "suite": "2",
        "zip": "32801",
        "domain": "thorntonparkmassage.example",
        "members": ["beaumont", "givens", "katz", "colon"],
        "street_style": 2,
    },
]

SCHOOLS = {
    "TX": ["Lone Star Institute of Bodywork", "Hill Country School of Massage", "Gulf Coast Massage Academy"],
    "FL": ["Bayshore Massage Academy", "Palmetto College of Massage Arts", "Coquina School of Bodywork"],
}

# Non-massage NPPES providers a taxonomy filter must exclude, and one massage therapist outside TX/FL.
NPPES_DECOYS = [
    # first, middle, last, sex, credential, taxonomy code, desc, state, license, street, suite, zip, city
    (
        "REBECCA",
        "ANN",
        "SCHULZ",
        "F",
        "PT, DPT",
        "225100000X",
        "Physical Therapist",
        "TX",
        "1187342",
        "5231 BROADWAY ST",
        "STE 110",
        "78209",
        "SAN ANTONIO",
    ),
    (
        "OMAR",
        "FAROOQ",
        "SIDDIQUI",
        "M",
        "PT",
        "225100000X",
        "Physical Therapist",
        "TX",
        "1204556",
        "2315 MONTROSE BLVD",
        "STE 310",
        "77006",
        "HOUSTON",
    ),
    (
        "GREGORY",
        "PAUL",
        "LINDQVIST",
        "M",
        "DC",
        "111N00000X",
        "Chiropractor",
        "TX",
        "9917",
        "1200 S LAMAR BLVD",
        "STE 100",
        "78704",
        "AUSTIN",
    ),
    (
        "MARITZA",
        "ELENA",
        "CRUZ",
        "F",
        "D.C.",
        "111N00000X",
        "Chiropractor",
        "FL",
        "CH11482",
        "1428 BRICKELL AVE",
        "STE 400",
        "33131",
        "MIAMI",
    ),
    (
        "LISA",
        "MARIE",
        "TRAN",
        "F",
        "OTR/L",
        "225X00000X",
        "Occupational Therapist",
        "FL",
        "OT9123",
        "2101 E COLONIAL DR",
        "",
        "32803",
        "ORLANDO",
    ),
    ("WEI", "", "CHEN", "M", "L.AC.", "171100000X", "Acupuncturist", "FL", "AP3318", "3812 W KENNEDY BLVD", "STE 12", "33609", "TAMPA"),
]
NPPES_OUT_OF_STATE = (
    "LATOYA",
    "RENEE",
    "SIMMONS",
    "F",
    "LMT",
    "225700000X",
    "Massage Therapist",
    "GA",
    "MT004417",
    "220 PEACHTREE ST NW",
    "STE 1500",
    "30303",
    "ATLANTA",
)

NCBTMB_OUT_OF_STATE = [
    ("Latoya Simmons", "Atlanta", "GA"),
    ("Christopher Yates", "Raleigh", "NC"),
    ("Brent Calloway", "Charlotte", "NC"),
    ("Marisol Ortega", "Savannah", "GA"),
    ("Peter Novak", "Nashville", "TN"),
    ("Keisha Morgan", "Phoenix", "AZ"),
    ("Aaron Feld", "Asheville", "NC"),
    ("Danielle Whitaker", "Athens", "GA"),
]
NMT_OUT_OF_STATE = [("Sunita Rao", "Charlotte", "NC"), ("Michael Nguyen", "Columbia", "SC"), ("Heather Lindgren", "Marietta", "GA")]


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Accents removed ('José' -> 'Jose')."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def board_upper(text: str) -> str:
    """Boards publish ASCII upper case, but keep the Spanish Ñ."""
    out = []
    for ch in text:
        if ch in "ñÑ":
            out.append("Ñ")
        else:
            out.append(fold(ch).upper())
    return "".join(out)


def npi_check_digit(base9: str) -> str:
    """Luhn check digit over the prefix 80840 + the first nine digits, as CMS computes it."""
    total = 0
    for i, ch in enumerate(reversed("80840" + base9)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(npi: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed("80840" + npi)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def epoch_ms(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000)


def month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def rand_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def fmt_phone(phone: str, style: int) -> str:
    area, mid, last = phone.split("-")
    return [f"({area}) {mid}-{last}", f"{area}-{mid}-{last}", f"{area}.{mid}.{last}", f"+1 {area}-{mid}-{last}"][style]


def e164(phone: str) -> str:
    return "+1" + phone.replace("-", "")


def join_words(items: list[str], amp: bool = True) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + (" &amp; " if amp else " and ") + items[-1]


def street_display(street: str, suite: str, style: int) -> str:
    """How a website writes the street line (style 0 = as the board writes it, in title case)."""
    if style == 0:
        return f"{street} Ste {suite}" if suite else street
    if style == 1:
        return f"{street}, Suite {suite}" if suite else street
    # style 2: abbreviations with periods, '#' suite
    words = []
    for w in street.split(" "):
        if w in ("N", "S", "E", "W", "NW", "NE", "SW", "SE", "Blvd", "Rd", "St", "Ave", "Dr", "Ln", "Hwy", "Pkwy"):
            w += "."
        words.append(w)
    line = " ".join(words)
    return f"{line} #{suite}" if suite else line


class Phones:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def reserve(self, phone: str) -> str:
        assert phone not in self.used, phone
        self.used.add(phone)
        return phone

    def new(self, metro: str) -> str:
        while True:
            area = self.rng.choice(METROS[metro]["areas"])
            phone = f"{area}-555-0{self.rng.randint(100, 199)}"
            if phone not in self.used:
                self.used.add(phone)
                return phone


# --------------------------------------------------------------------------------------------
# Build the population
# --------------------------------------------------------------------------------------------


def build_people(rng: random.Random) -> tuple[list[dict], dict]:
    phones = Phones(rng)
    phones.reserve("512-555-0134")
    practices = {p["slug"]: p for p in PRACTICES}
    member_of: dict[str, list[str]] = {}
    for prac in PRACTICES:
        for key in prac["members"]:
            member_of.setdefault(key, []).append(prac["slug"])
        prac["phone"] = phones.new(prac["metro"])
        z = zip_info(prac["zip"])
        assert z["city"] == METROS[prac["metro"]]["city"], (prac["zip"], z["city"])

    people: list[dict] = []
    used_tx: set[str] = set()
    used_fl: set[str] = set()
    used_npi: set[str] = set()
    rows = [line.split("|") for line in PEOPLE_TABLE.strip().splitlines()]
    for index, (key, first, middle, last, suffix, sex, metro, role) in enumerate(rows, start=1):
        m = METROS[metro]
        p: dict = {
            "key": key,
            "person_id": f"p{index:03d}",
            "first": first,
            "middle": middle or None,
            "last": last,
            "suffix": suffix or None,
            "sex": sex,
            "metro": metro,
            "state": m["state"],
            "role": role,
            "sites": member_of.get(key, []),
        }
        # Practice address: the (first listed) solo practice, else the clinic, else invented.
        own = [s for s in p["sites"] if len(practices[s]["members"]) == 1]
        home_practice = (own or p["sites"] or [None])[0]
        if home_practice:
            prac = practices[home_practice]
            p["street"], p["suite"], p["zip"] = prac["street"], prac["suite"], prac["zip"]
        else:
            p["street"] = f"{rng.randint(100, 9899)} {rng.choice(m['streets'])}"
            p["suite"] = str(rng.choice([rng.randint(100, 450), rng.randint(1, 20)])) if rng.random() < 0.55 else ""
            p["zip"] = rng.choice(m["zips"])
        p["practice_slug"] = home_practice
        zi = zip_info(p["zip"])
        assert zi["city"] == m["city"] and zi["state"] == m["state"], (key, p["zip"])
        p["city"], p["lat"], p["lon"] = zi["city"], float(zi["lat"]), float(zi["long"])
        p["zip4"] = f"{rng.randint(1000, 9899)}"

        # Phone: own number; staff of a shared-phone clinic use the clinic's main line.
        if key == "alvarez":
            p["phone"] = "512-555-0134"
        elif p["sites"] and practices[p["sites"][0]].get("shared_phone"):
            p["phone"] = practices[p["sites"][0]]["phone"]
        else:
            p["phone"] = phones.new(metro)

        # Licence issue year; NPI holders need a licence by 2024 (enumeration 2006-2024).
        if key == "alvarez":
            p["issued"] = date(1999, 4, 12)
        elif key == "oconnor":
            p["issued"] = date(2011, 6, 3)  # TX licence; moved to Tampa in 2026
        else:
            hi = 2024 if role == "npi" else 2025
            p["issued"] = rand_date(rng, date(1998, 1, 5), date(hi, 12, 15))

        # Specialties
        cluster = FORCED_CLUSTERS.get(key) or rng.choice(sorted(CLUSTERS))
        conds, mods = CLUSTERS[cluster]
        n_cond = rng.randint(1, 4)
        chosen = [conds[0]] + rng.sample(conds[1:], min(n_cond - 1, len(conds) - 1))
        if n_cond == 4:
            other = CLUSTERS[rng.choice([c for c in sorted(CLUSTERS) if c != cluster])][0]
            extra = [c for c in other if c not in chosen]
            chosen.append(extra[0])
        n_mod = rng.randint(2, 5)
        mchosen = mods[: min(n_mod, len(mods))]
        if len(mchosen) < n_mod:
            for extra in rng.sample(EXTRA_MODALITIES, len(EXTRA_MODALITIES)):
                if extra not in mchosen and len(mchosen) < n_mod:
                    mchosen.append(extra)
        if key == "alvarez":
            chosen = ["Sciatica", "Piriformis syndrome", "Low back pain"]
            mchosen = ["Deep tissue", "Neuromuscular therapy", "Trigger point therapy"]
        p["cluster"], p["conditions_canonical"], p["modalities_canonical"] = cluster, chosen, mchosen
        # Published phrasing (websites); typos only where forced.
        pub_c = []
        for c in chosen:
            if key in TYPOS and TYPOS[key][0] == c:
                pub_c.append(TYPOS[key][1])
            elif key == "alvarez" and c == "Sciatica":
                pub_c.append("Sciatic nerve pain")
            else:
                pub_c.append(rng.choice(CONDITION_VARIANTS[c]))
        pub_m = [rng.choice(MODALITY_VARIANTS[mm]) for mm in mchosen]
        if key == "alvarez":
            pub_m = ["Deep Tissue", "Neuromuscular Therapy (NMT)", "Trigger point therapy"]
        p["conditions_published"], p["modalities_published"] = pub_c, pub_m

        # Mailing address (NPI holders only; ~70% differ from the practice address).
        p["mailing"] = None
        if role == "npi" and (key == "alvarez" or rng.random() < 0.7):
            sub = rng.choice(m["suburbs"])
            if key == "alvarez":
                p["mailing"] = {"line": "PO Box 4411", "zip": "78660"}
            elif rng.random() < 0.45:
                p["mailing"] = {"line": f"PO Box {rng.randint(120, 9890)}", "zip": sub}
            elif rng.random() < 0.5:
                other_zip = rng.choice([z for z in m["zips"] if z != p["zip"]])
                p["mailing"] = {"line": f"{rng.randint(1100, 14999)} {rng.choice(HOME_STREETS)}", "zip": other_zip}
            else:
                p["mailing"] = {"line": f"{rng.randint(100, 2999)} {rng.choice(HOME_STREETS)}", "zip": sub}
            mz = zip_info(p["mailing"]["zip"])
            p["mailing"]["city"], p["mailing"]["state"] = mz["city"], mz["state"]
        people.append(p)

    by_key = {p["key"]: p for p in people}
    # O'Connor's old Houston home is still his NPPES mailing address (stale, never to be shown).
    oc = by_key["oconnor"]
    oc["mailing"] = {"line": "7715 Heron Point Cir", "zip": "77079", "city": "Houston", "state": "TX"}
    oc["old_tx_phone"] = phones.new("houston")
    assert zip_info("77081")["city"] == "Houston"

    # ---- licences ---------------------------------------------------------------------------
    for p in people:
        p["licenses"] = []
        if p["state"] == "TX" or p["key"] == "oconnor":
            while True:
                y = p["issued"].year
                num = 3000 + (y - 1998) * 5000 + rng.randint(0, 4999)
                number = f"MT{num:06d}"
                if p["key"] == "alvarez":
                    number = "MT012345"
                if number not in used_tx:
                    used_tx.add(number)
                    break
            if p["key"] in TX_EXPIRY_OVERRIDES:
                exp = TX_EXPIRY_OVERRIDES[p["key"]]
            else:
                exp = month_end(rng.choice([2027, 2027, 2028]), p["issued"].month)
            status = "expired" if exp < TODAY else "active"
            p["licenses"].append(
                {
                    "state": "TX",
                    "number": number,
                    "status_expected": status,
                    "issued_on": p["issued"].isoformat(),
                    "expires_on": exp.isoformat(),
                    "board_status": None,
                }
            )
        if p["state"] == "FL":
            issued = date(2026, 1, 15) if p["key"] == "oconnor" else p["issued"]
            while True:
                num = 18000 + (issued.year - 1998) * 4000 + rng.randint(0, 3999)
                number = f"MA{num}"
                if number not in used_fl:
                    used_fl.add(number)
                    break
            p["fl_issued"], p["fl_number"] = issued, number
    # FL statuses: overrides, then three more ACTIVE, the rest CLEAR.
    fl_people = [p for p in people if p["state"] == "FL"]
    free = [p["key"] for p in fl_people if p["key"] not in FL_STATUS_OVERRIDES]
    extra_active = set(rng.sample(free, 3))
    for p in fl_people:
        word = FL_STATUS_OVERRIDES.get(p["key"]) or ("ACTIVE" if p["key"] in extra_active else "CLEAR")
        exp = FL_EXPIRY_BY_STATUS.get(word, date(2027, 8, 31))
        if p["key"] == "ibarra":
            exp = date(2025, 8, 31)  # stale ACTIVE row: past its expiry, so expired today
        expected = FL_STATUS_MAP[word]
        if expected == "active" and exp < TODAY:
            expected = "expired"
        p["fl_status"] = word
        p["licenses"].insert(
            0,
            {
                "state": "FL",
                "number": p["fl_number"],
                "status_expected": expected,
                "issued_on": p["fl_issued"].isoformat(),
                "expires_on": exp.isoformat(),
                "board_status": word,
            },
        )

    # ---- certifications -------------------------------------------------------------------
    eligible = [p for p in people if p["role"] != "board"]
    for p in people:
        p["certs"] = []
    for p in eligible:
        mods = p["modalities_canonical"]
        if "Neuromuscular therapy" in mods and (p["key"] == "alvarez" or rng.random() < 0.7):
            p["certs"].append("CNMT")
        if "Manual lymphatic drainage" in mods:
            p["certs"].append(rng.choice(["CLT", "MLD"]))
        if "Oncology massage" in mods:
            p["certs"].append("ONC")
        if "Prenatal massage" in mods and rng.random() < 0.6:
            p["certs"].append("CPMT")
    forced_bctmb = ["washington", "ellison", "hernandez", "fernandez", "harrington"]
    pool = [p["key"] for p in eligible if p["key"] not in forced_bctmb and p["key"] != "alvarez"]
    bctmb = set(forced_bctmb) | set(rng.sample(pool, 28 - len(forced_bctmb)))
    for p in eligible:
        if p["key"] in bctmb:
            p["certs"].insert(0, "BCTMB")
    # Certification numbers / expirations
    for p in eligible:
        if "BCTMB" in p["certs"]:
            p["ncbtmb_no"] = f"{rng.randint(100000, 699999)}-00"
            p["ncbtmb_exp"] = rand_date(rng, date(2027, 1, 1), date(2028, 12, 31))
        if "CNMT" in p["certs"]:
            p["nmt_no"] = f"{rng.randint(10000, 29999)}"
            p["nmt_exp"] = rand_date(rng, date(2027, 1, 1), date(2029, 6, 30))
    # A few past roster expirations.
    lapsed = rng.sample(sorted(p["key"] for p in eligible if "BCTMB" in p["certs"]), 3)
    for k in lapsed:
        by_key[k]["ncbtmb_exp"] = rand_date(rng, date(2025, 3, 1), date(2026, 9, 30))
    cn = sorted(p["key"] for p in eligible if "CNMT" in p["certs"] and p["key"] != "alvarez")
    by_key[cn[0]]["nmt_exp"] = date(2026, 4, 30)

    # ---- NPI --------------------------------------------------------------------------------
    for p in people:
        p["npi"] = None
        if p["role"] != "npi":
            continue
        while True:
            base = "1" + f"{rng.randint(0, 99999999):08d}"
            npi = base + npi_check_digit(base)
            if npi not in used_npi:
                used_npi.add(npi)
                break
        p["npi"] = npi
        issued = p["issued"]
        enum = issued + timedelta(days=rng.randint(30, 1100))
        if enum < date(2006, 1, 1):
            enum = rand_date(rng, date(2006, 1, 3), date(2008, 12, 20))
        enum = min(enum, date(2024, 12, 16))
        p["enum_date"] = enum
        p["nppes_updated"] = min(rand_date(rng, enum, enum + timedelta(days=rng.randint(0, 4000))), date(2026, 10, 30))
    oc["nppes_updated"] = date(2026, 2, 10)

    meta = {"practices": practices, "by_key": by_key, "phones": phones, "used_npi": used_npi}
    return people, meta


# --------------------------------------------------------------------------------------------
# NPPES
# --------------------------------------------------------------------------------------------


def nppes_license(rng: random.Random, number: str) -> tuple[str, str]:
    """The licence as NPPES has it: often exact, sometimes messy."""
    prefix, digits = number[:2], number[2:]
    roll = rng.random()
    if roll < 0.5:
        return number, "exact"
    if roll < 0.65:
        return number.lower(), "lower-case"
    if roll < 0.8:
        return digits, "no prefix"
    if roll < 0.93:
        stripped = digits.lstrip("0")
        if stripped == digits:
            return f"{prefix} {digits}", "space after prefix"
        return rng.choice([stripped, prefix + stripped]), "leading zeros stripped"
    return "", "missing"


def nppes_address(
    purpose: str, line: str, suite: str, city: str, state: str, postal: str, phone: str | None, fax: str | None, split_suite: bool
) -> dict:
    a1 = board_upper(line)
    a2 = ""
    if suite:
        if split_suite:
            a2 = f"STE {suite}" if not suite.isalpha() else f"UNIT {suite}"
        else:
            a1 = f"{a1} STE {suite}"
    out = {
        "country_code": "US",
        "country_name": "United States",
        "address_purpose": purpose,
        "address_type": "DOM",
        "address_1": a1,
        "address_2": a2,
        "city": city.upper(),
        "state": state,
        "postal_code": postal,
    }
    if phone:
        out["telephone_number"] = phone
    if fax is not None:
        out["fax_number"] = fax
    return out


def build_nppes(rng: random.Random, people: list[dict], meta: dict) -> tuple[list[dict], dict]:
    records = []
    notes: dict = {"license_variants": {}, "location_first": [], "credential": {}}
    phones: Phones = meta["phones"]
    for p in people:
        if not p["npi"]:
            continue
        postal = p["zip"] + p["zip4"] if rng.random() < 0.6 else p["zip"]
        loc_line, loc_suite, loc_zip, loc_city = p["street"], p["suite"], p["zip"], p["city"]
        if p["key"] == "mcallister":  # stale NPPES location (moved within Houston; board & today are newer)
            loc_line, loc_suite, loc_zip = "9450 Westheimer Rd", "220", "77063"
            postal = loc_zip
            p["stale_nppes_location"] = f"{loc_line} Ste {loc_suite}, Houston, TX {loc_zip}"
        fax = None
        if rng.random() < 0.35:
            fax = phones.new(p["metro"])
        elif rng.random() < 0.5:
            fax = ""
        split = rng.random() < 0.5
        loc = nppes_address("LOCATION", loc_line, loc_suite, loc_city, p["state"], postal, p["phone"], fax, split)
        if p["mailing"]:
            ml = p["mailing"]
            mphone = p["phone"] if rng.random() < 0.4 else phones.new(p["metro"] if p["key"] != "oconnor" else "houston")
            mail = nppes_address("MAILING", ml["line"], "", ml["city"], ml["state"], ml["zip"], mphone, None, False)
        else:
            mail = dict(loc)
            mail["address_purpose"] = "MAILING"
            mail.pop("fax_number", None)
        location_first = rng.random() < 0.3 or p["key"] == "alvarez"
        addresses = [loc, mail] if location_first else [mail, loc]
        if location_first:
            notes["location_first"].append(p["person_id"])

        certs = p["certs"]
        if "CNMT" in certs and (p["key"] == "alvarez" or rng.random() < 0.7):
            cred = "LMT, CNMT" if p["key"] == "alvarez" else rng.choice(["LMT, CNMT", "LMT CNMT"])
        elif "BCTMB" in certs and rng.random() < 0.6:
            cred = rng.choice(["LMT BCTMB", "LMT, BCTMB"])
        elif ("MLD" in certs or "CLT" in certs) and rng.random() < 0.8:
            cred = rng.choice(["LMT, MLD", "LMT, CLT"])
        else:
            cred = rng.choice(["LMT", "LMT", "LMT", "L.M.T.", "CMT", ""])
        notes["credential"][p["person_id"]] = cred
        basic = {"first_name": board_upper(p["first"]).replace("Ñ", "N"), "last_name": board_upper(p["last"]).replace("Ñ", "N")}
        if p["middle"]:
            basic["middle_name"] = board_upper(p["middle"]).replace("Ñ", "N")
        basic.update(
            {
                "credential": cred,
                "sole_proprietor": rng.choice(["YES", "YES", "NO"]),
                "sex": p["sex"],
                "enumeration_date": p["enum_date"].isoformat(),
                "last_updated": p["nppes_updated"].isoformat(),
                "status": "A",
                "name_prefix": "--",
                "name_suffix": p["suffix"] or "--",
            }
        )
        taxonomies = []
        for lic in p["licenses"]:
            value, how = nppes_license(rng, lic["number"])
            if p["key"] == "alvarez":
                value, how = "MT012345", "exact"
            notes["license_variants"].setdefault(p["person_id"], []).append(
                {"state": lic["state"], "board": lic["number"], "nppes": value, "how": how}
            )
            taxonomies.append(
                {
                    "code": "225700000X",
                    "taxonomy_group": "",
                    "desc": "Massage Therapist",
                    "state": lic["state"],
                    "license": value,
                    "primary": lic is p["licenses"][0],
                }
            )
        other_names = []
        if p["key"] == "broussard":
            other_names = [
                {
                    "type": "Former Name",
                    "code": "1",
                    "credential": "LMT",
                    "first_name": "LAUREN",
                    "last_name": "THIBODEAUX",
                    "middle_name": "ELISE",
                    "prefix": "--",
                    "suffix": "--",
                }
            ]
        records.append(
            {
                "created_epoch": epoch_ms(p["enum_date"]),
                "enumeration_type": "NPI-1",
                "last_updated_epoch": epoch_ms(p["nppes_updated"]),
                "number": p["npi"],
                "addresses": addresses,
                "practiceLocations": [],
                "basic": basic,
                "taxonomies": taxonomies,
                "identifiers": [],
                "endpoints": [],
                "other_names": other_names,
            }
        )

    decoys = []
    used_npi: set[str] = meta["used_npi"]
    for spec in [*NPPES_DECOYS, NPPES_OUT_OF_STATE]:
        first, middle, last, sex, cred, code, desc, state, license_, street, suite, zip_, city = spec
        zi = zip_info(zip_)
        assert zi["city"].upper() == city and zi["state"] == state, spec
        while True:
            base = "1" + f"{rng.randint(0, 99999999):08d}"
            npi = base + npi_check_digit(base)
            if npi not in used_npi:
                used_npi.add(npi)
                break
        enum = rand_date(rng, date(2007, 1, 1), date(2022, 12, 31))
        upd = rand_date(rng, enum, date(2026, 6, 30))
        area = {"TX": {"78209": "210", "77006": "713", "78704": "512"}, "FL": {}}.get(state, {}).get(zip_)
        area = area or {"33131": "305", "32803": "407", "33609": "813", "30303": "404"}[zip_]
        phone = f"{area}-555-0{rng.randint(100, 199)}"
        while phone in meta["phones"].used:
            phone = f"{area}-555-0{rng.randint(100, 199)}"
        meta["phones"].used.add(phone)
        loc = {
            "country_code": "US",
            "country_name": "United States",
            "address_purpose": "LOCATION",
            "address_type": "DOM",
            "address_1": street,
            "address_2": suite,
            "city": city,
            "state": state,
            "postal_code": zip_,
            "telephone_number": phone,
        }
        mail = dict(loc, address_purpose="MAILING")
        basic = {"first_name": first, "last_name": last}
        if middle:
            basic["middle_name"] = middle
        basic.update(
            {
                "credential": cred,
                "sole_proprietor": "NO",
                "sex": sex,
                "enumeration_date": enum.isoformat(),
                "last_updated": upd.isoformat(),
                "status": "A",
                "name_prefix": "--",
                "name_suffix": "--",
            }
        )
        records.append(
            {
                "created_epoch": epoch_ms(enum),
                "enumeration_type": "NPI-1",
                "last_updated_epoch": epoch_ms(upd),
                "number": npi,
                "addresses": [mail, loc],
                "practiceLocations": [],
                "basic": basic,
                "taxonomies": [{"code": code, "taxonomy_group": "", "desc": desc, "state": state, "license": license_, "primary": True}],
                "identifiers": [],
                "endpoints": [],
                "other_names": [],
            }
        )
        decoys.append(
            {
                "npi": npi,
                "name": f"{first} {last}",
                "taxonomy": code,
                "desc": desc,
                "state": state,
                "why": "out of state (GA)" if state == "GA" else "not a massage therapist",
            }
        )
    rng.shuffle(records)
    notes["decoys"] = decoys
    return records, notes


# --------------------------------------------------------------------------------------------
# Boards
# --------------------------------------------------------------------------------------------


def tx_owner_name(p: dict) -> str:
    last = board_upper(p["last"])
    if p["key"] == "whitfield":
        last = last.replace("-", " ")  # the board drops the hyphen
    if p["key"] == "oconnor":
        last = last.replace("'", "")  # ... and the apostrophe
    given = board_upper(p["first"]) + (" " + board_upper(p["middle"]) if p["middle"] else "")
    suffix = (" " + board_upper(p["suffix"]).rstrip(".")) if p["suffix"] else ""
    return f"{last}, {given}{suffix}"


def build_tx_csv(rng: random.Random, people: list[dict]) -> tuple[str, int]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(
        [
            "LICENSE TYPE",
            "LICENSE NUMBER",
            "LICENSE EXPIRATION DATE (MMDDCCYY)",
            "COUNTY",
            "OWNER NAME",
            "BUSINESS ADDRESS-LINE1",
            "BUSINESS CITY",
            "BUSINESS STATE",
            "BUSINESS ZIP",
            "BUSINESS TELEPHONE",
        ]
    )
    rows = []
    for p in people:
        for lic in p["licenses"]:
            if lic["state"] != "TX":
                continue
            if p["key"] == "oconnor":  # the Houston practice he left
                street, suite, zip_, city, phone = "6120 Bissonnet St", "", "77081", "Houston", p["old_tx_phone"]
            else:
                street, suite, zip_, city, phone = p["street"], p["suite"], p["zip"], p["city"], p["phone"]
            line = board_upper(street) + (f" STE {suite}" if suite else "")
            exp = date.fromisoformat(lic["expires_on"])
            zip_out = f"{zip_}-{p['zip4']}" if rng.random() < 0.15 else zip_
            tel = fmt_phone(phone, 0) if rng.random() < 0.92 else ""
            rows.append(
                [
                    lic["number"],
                    [
                        "Massage Therapist",
                        lic["number"],
                        exp.strftime("%m%d%Y"),
                        county_of(zip_),
                        tx_owner_name(p),
                        line,
                        city.upper(),
                        "TX",
                        zip_out,
                        tel,
                    ],
                ]
            )
    rows.sort(key=lambda r: r[0])
    for _, row in rows:
        w.writerow(row)
    return buf.getvalue(), len(rows)


def build_fl_txt(rng: random.Random, people: list[dict]) -> tuple[str, int]:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="|", lineterminator="\n")
    w.writerow(
        [
            "License Number",
            "Last Name",
            "First Name",
            "Middle Name",
            "Profession",
            "License Status",
            "Original Licensure Date",
            "License Expiration Date",
            "Address Line 1",
            "City",
            "State",
            "Zip",
            "Phone",
        ]
    )
    rows = []
    for p in people:
        for lic in p["licenses"]:
            if lic["state"] != "FL":
                continue
            last = board_upper(p["last"])
            if p["suffix"]:
                last += " " + board_upper(p["suffix"]).rstrip(".")
            line = board_upper(p["street"]) + (f" STE {p['suite']}" if p["suite"] else "")
            zip_ = p["zip"] if rng.random() < 0.8 else f"{p['zip']}-{p['zip4']}"
            if p["key"] in FL_CONFIDENTIAL:
                line = "*** CONFIDENTIAL ***"
            if p["key"] in FL_ZIP_ZEROS:
                zip_ = "00000"
            phone = p["phone"].replace("-", "") if rng.random() < 0.85 else ""
            issued = date.fromisoformat(lic["issued_on"])
            exp = date.fromisoformat(lic["expires_on"])
            rows.append(
                (
                    (last, p["first"]),
                    [
                        lic["number"],
                        last,
                        board_upper(p["first"]),
                        board_upper(p["middle"] or ""),
                        "Licensed Massage Therapist",
                        lic["board_status"],
                        issued.strftime("%m/%d/%Y"),
                        exp.strftime("%m/%d/%Y"),
                        line,
                        p["city"].upper(),
                        "FL",
                        zip_,
                        phone,
                    ],
                )
            )
    rows.sort(key=lambda r: r[0])
    for _, row in rows:
        w.writerow(row)
    return buf.getvalue(), len(rows)


# --------------------------------------------------------------------------------------------
# Practice websites
# --------------------------------------------------------------------------------------------


def person_slug(p: dict) -> str:
    first = NICKNAMES.get(p["key"], p["first"])
    return fold(f"{first}-{p['last']}").lower().replace("'", "").replace(" ", "-")


def site_view(rng: random.Random, p: dict, prac: dict) -> dict:
    """Everything one practice site says about one therapist (drawn once per page)."""
    first = NICKNAMES.get(p["key"], p["first"])
    middle = f" {p['middle'][0]}." if p["middle"] and rng.random() < 0.3 else ""
    suffix = f" {p['suffix']}" if p["suffix"] else ""
    creds = ["LMT"] + [c for c in p["certs"] if c in ("BCTMB", "CNMT", "CLT", "MLD")]
    if p["key"] == "alvarez":
        middle, creds = "", ["LMT", "CNMT"]
    style = rng.random()
    if style < 0.75:
        display = f"{first}{middle} {p['last']}{suffix}, {', '.join(creds)}"
    elif style < 0.9:
        display = f"{first}{middle} {p['last']}{suffix} {' '.join(creds)}"
    else:
        display = f"{first}{middle} {p['last']}{suffix}"
    plain = f"{first}{middle} {p['last']}{suffix}"
    metro = METROS[prac["metro"]]
    state = metro["state"]
    lic = next(item for item in p["licenses"] if item["state"] == state)
    lic_id = lic["number"]
    if p["key"] == "hutchins":
        lic_id = f"{lic_id[:2]} {lic_id[2:]}"
    solo = len(prac["members"]) == 1
    title = rng.choice(["Licensed Massage Therapist", "Licensed Massage Therapist", "Medical Massage Therapist", "Lead Therapist, LMT"])
    if solo:
        title = "Owner &amp; Licensed Massage Therapist"
    if p["cluster"] in ("lymph", "oncology"):
        title = rng.choice(["Lymphedema Therapist, LMT", "Licensed Massage Therapist"])
    email_user = fold(first).lower().replace(" ", "").replace("-", "")
    phone = prac["phone"] if prac.get("shared_phone") else p["phone"]
    he, his = ("He", "his") if p["sex"] == "M" else ("She", "her")
    conds = [c.lower() if not c.startswith(("TMJ", "IT ")) else c for c in p["conditions_canonical"]]
    mods = [m.lower() for m in p["modalities_canonical"]]
    year = p["issued"].year
    sentences = [
        f"{first} has been a licensed massage therapist since {year} and focuses on {join_words(conds)}.",
        f"{he} combines {join_words(mods)} in a plan built around each client&#8217;s goals.",
    ]
    extras = [
        f"{he} trained at the {rng.choice(SCHOOLS[state])} &amp; keeps up with continuing education every year.",
        f"{he} works closely with local physical therapists &amp; chiropractors on post-injury care.",
        f"When {he.lower()}&#8217;s not in the treatment room, {he.lower()} teaches body-mechanics workshops for desk workers.",
    ]
    langs = LANGUAGES.get(p["key"], ["English"])
    if len(langs) > 1:
        extras.append(f"Sessions are available in {join_words(langs, amp=False)}.")
    sentences += rng.sample(extras, rng.randint(1, 2))
    v = {
        "first": first,
        "display": display,
        "plain": plain,
        "title": title,
        "phone": phone,
        "phone_fmt": fmt_phone(phone, rng.randint(0, 3)),
        "email": f"{email_user}@{prac['domain']}",
        "street": street_display(prac["street"], prac["suite"], prac["street_style"]),
        "city": metro["city"],
        "state": state,
        "zip": prac["zip"],
        "license_id": lic_id,
        "board": BOARDS[state],
        "state_name": STATE_NAMES[state],
        "knows": p["conditions_published"] + p["modalities_published"],
        "conditions": p["conditions_published"],
        "modalities": p["modalities_published"],
        "languages": langs,
        "bio": " ".join(sentences),
        "his": his,
        "certs": [c for c in p["certs"]],
        "accepting": None,
        "price": None,
        "payment": None,
        "mobile": None,
        "wheelchair": None,
        "given_family": rng.random() < 0.35,
    }
    if rng.random() < 0.75:
        v["accepting"] = rng.random() < 0.85
    if p["key"] == "perez":
        v["accepting"] = True  # the site still says so; the board says SUSPENDED
    if rng.random() < 0.5:
        v["price"] = rng.choice(["$$", "$$", "$$$"])
        v["payment"] = rng.choice(["Cash, Credit Card, HSA/FSA", "Cash, Credit Card", "Credit Card, HSA/FSA, Venmo"])
    if rng.random() < 0.55 or p["key"] in ("hutchins", "brooks"):
        v["mobile"] = p["key"] in ("hutchins", "brooks") or rng.random() < 0.3
        v["wheelchair"] = rng.random() < 0.7
    return v


def person_ld(p: dict, v: dict, prac: dict, context: bool = True) -> dict:
    d: dict = {}
    if context:
        d["@context"] = "https://schema.org"
    d["@type"] = "Person"
    d["name"] = v["display"]
    if v["given_family"]:
        d["givenName"] = v["first"]
        d["familyName"] = p["last"]
    d["jobTitle"] = v["title"]
    d["telephone"] = v["phone_fmt"]
    d["email"] = v["email"]
    d["address"] = {
        "@type": "PostalAddress",
        "streetAddress": v["street"],
        "addressLocality": v["city"],
        "addressRegion": v["state"],
        "postalCode": v["zip"],
    }
    d["knowsAbout"] = v["knows"]
    creds = [
        {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "license",
            "name": f"{v['state_name']} Massage Therapist License",
            "identifier": v["license_id"],
            "recognizedBy": {"@type": "Organization", "name": v["board"]},
        }
    ]
    for c in v["certs"]:
        name, issuer = CERTS[c]
        creds.append(
            {
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": "certification",
                "name": name,
                "recognizedBy": {"@type": "Organization", "name": issuer},
            }
        )
    d["hasCredential"] = creds
    d["knowsLanguage"] = v["languages"]
    d["description"] = v["bio"]
    d["worksFor"] = {"@type": prac["type"], "name": prac["name"]}
    if v["accepting"] is not None:
        d["isAcceptingNewPatients"] = v["accepting"]
    if v["price"]:
        d["priceRange"] = v["price"]
        d["paymentAccepted"] = v["payment"]
    if v["mobile"] is not None:
        d["additionalProperty"] = [
            {"@type": "PropertyValue", "name": "mobile/in-home service", "value": v["mobile"]},
            {"@type": "PropertyValue", "name": "wheelchair accessible", "value": v["wheelchair"]},
        ]
    return d


def business_ld(prac: dict, employees: list[dict]) -> dict:
    metro = METROS[prac["metro"]]
    return {
        "@context": "https://schema.org",
        "@type": prac["type"],
        "name": prac["name"],
        "address": {
            "@type": "PostalAddress",
            "streetAddress": street_display(prac["street"], prac["suite"], prac["street_style"]),
            "addressLocality": metro["city"],
            "addressRegion": metro["state"],
            "postalCode": prac["zip"],
            "addressCountry": "US",
        },
        "telephone": fmt_phone(prac["phone"], 0),
        "email": f"hello@{prac['domain']}",
        "openingHoursSpecification": prac["hours"],
        "priceRange": "$$",
        "employee": employees,
    }


def jsonld_script(obj: dict | str) -> str:
    text = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False, indent=2)
    assert "</" not in text
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def html_page(title: str, head_extra: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title, quote=False)}</title>\n{head_extra}"
        "<style>body{font-family:Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}"
        "nav a{margin-right:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}</style>\n"
        f"</head>\n<body>\n{body}</body>\n</html>\n"
    )


def ul(items: list[str], prop: str | None = None) -> str:
    attr = f' itemprop="{prop}"' if prop else ""
    # items may already carry entities (&amp;) as the site wrote them
    return "<ul>\n" + "".join(f"  <li{attr}>{i}</li>\n" for i in items) + "</ul>\n"


def hours_text(prac: dict) -> str:
    parts = []
    for spec in prac["hours"]:
        days = spec["dayOfWeek"]
        days = f"{days[0]}&ndash;{days[-1]}" if isinstance(days, list) else days
        parts.append(f"{days} {spec['opens']}&ndash;{spec['closes']}")
    return "; ".join(parts)


def site_header(prac: dict, up: str) -> str:
    return (
        f'<header>\n<p><a href="{up}index.html"><strong>{escape(prac["name"], quote=False)}</strong></a></p>\n'
        f'<nav><a href="{up}index.html">Home</a><a href="{up}index.html#team">Our therapists</a>'
        f'<a href="{up}index.html#visit">Visit</a></nav>\n</header>\n'
    )


def site_footer(prac: dict, links: str = "") -> str:
    metro = METROS[prac["metro"]]
    street = escape(street_display(prac["street"], prac["suite"], prac["street_style"]), quote=False)
    return (
        f'<footer id="visit">\n<p>{escape(prac["name"], quote=False)} &middot; {street}, {metro["city"]}, '
        f'{metro["state"]} {prac["zip"]} &middot; <a href="tel:{e164(prac["phone"])}">{fmt_phone(prac["phone"], 0)}</a></p>\n'
        f"<p>Hours: {hours_text(prac)}</p>\n{links}</footer>\n"
    )


def visible_person(p: dict, v: dict) -> str:
    """The human-readable part of a therapist page (no structured-data attributes)."""
    out = [
        f"<h1>{v['display']}</h1>\n",
        f'<p class="title">{v["title"]}</p>\n',
        f"<p>{v['bio']}</p>\n",
        "<h2>What I help with</h2>\n",
        ul(v["conditions"]),
        "<h2>Techniques</h2>\n",
        ul(v["modalities"]),
        f"<p>{v['state_name']} massage therapist license #{v['license_id']}</p>\n",
    ]
    if v["certs"]:
        out.append(
            "<p>Certifications: "
            + "; ".join(escape(CERTS[c][0], quote=False) + f" ({escape(CERTS[c][1], quote=False)})" for c in v["certs"])
            + "</p>\n"
        )
    if len(v["languages"]) > 1:
        out.append(f"<p>Languages: {', '.join(v['languages'])}</p>\n")
    out.append(
        f'<p>Call or text <a href="tel:{e164(v["phone"])}">{v["phone_fmt"]}</a> &middot; '
        f'<a href="mailto:{v["email"]}">{v["email"]}</a></p>\n'
    )
    if v["accepting"] is not None:
        out.append(
            "<p><strong>Now accepting new clients.</strong></p>\n"
            if v["accepting"]
            else "<p><em>My schedule is full; not accepting new clients right now.</em></p>\n"
        )
    if v["price"]:
        out.append(f"<p>Rates: {v['price']} &middot; We accept {v['payment']}.</p>\n")
    if v["mobile"] is not None:
        out.append(
            "<p>"
            + ("Mobile / in-home sessions available." if v["mobile"] else "In-studio sessions only.")
            + (" Wheelchair-accessible treatment room." if v["wheelchair"] else "")
            + "</p>\n"
        )
    return "".join(out)


def microdata_person(p: dict, v: dict, prac: dict, heading: str, prop: str | None) -> str:
    attr = f' itemprop="{prop}"' if prop else ""
    tag = "section" if prop else "main"
    o = [
        f'<{tag}{attr} itemscope itemtype="https://schema.org/Person">\n',
        f'<{heading} itemprop="name">{v["display"]}</{heading}>\n',
        f'<p itemprop="jobTitle">{v["title"]}</p>\n',
        f'<p itemprop="description">{v["bio"]}</p>\n',
        "<h3>What I help with</h3>\n",
        ul(v["conditions"], "knowsAbout"),
        "<h3>Techniques</h3>\n",
        ul(v["modalities"], "knowsAbout"),
        '<div itemprop="hasCredential" itemscope itemtype="https://schema.org/EducationalOccupationalCredential">\n'
        '<meta itemprop="credentialCategory" content="license">\n'
        f'<span itemprop="name">{v["state_name"]} Massage Therapist License</span> '
        f'#<span itemprop="identifier">{v["license_id"]}</span>, issued by '
        '<span itemprop="recognizedBy" itemscope itemtype="https://schema.org/Organization">'
        f'<span itemprop="name">{v["board"]}</span></span>\n</div>\n',
    ]
    for c in v["certs"]:
        name, issuer = CERTS[c]
        o.append(
            '<div itemprop="hasCredential" itemscope itemtype="https://schema.org/EducationalOccupationalCredential">\n'
            '<meta itemprop="credentialCategory" content="certification">\n'
            f'<span itemprop="name">{escape(name, quote=False)}</span> '
            '(<span itemprop="recognizedBy" itemscope itemtype="https://schema.org/Organization">'
            f'<span itemprop="name">{escape(issuer, quote=False)}</span></span>)\n</div>\n'
        )
    o.append("<p>Languages: " + ", ".join(f'<span itemprop="knowsLanguage">{item}</span>' for item in v["languages"]) + "</p>\n")
    o.append(
        f'<p>Call <a href="tel:{e164(v["phone"])}"><span itemprop="telephone">{v["phone_fmt"]}</span></a> or e-mail '
        f'<a href="mailto:{v["email"]}"><span itemprop="email">{v["email"]}</span></a></p>\n'
    )
    o.append(
        '<p itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">'
        f'<span itemprop="streetAddress">{escape(v["street"], quote=False)}</span>, '
        f'<span itemprop="addressLocality">{v["city"]}</span>, <span itemprop="addressRegion">{v["state"]}</span> '
        f'<span itemprop="postalCode">{v["zip"]}</span></p>\n'
    )
    o.append(
        f'<p>Works at <span itemprop="worksFor" itemscope itemtype="https://schema.org/{prac["type"]}">'
        f'<span itemprop="name">{escape(prac["name"], quote=False)}</span></span>.</p>\n'
    )
    if v["accepting"] is not None:
        o.append(
            f'<p><meta itemprop="isAcceptingNewPatients" content="{str(v["accepting"]).lower()}">'
            + ("Accepting new clients." if v["accepting"] else "Not accepting new clients at this time.")
            + "</p>\n"
        )
    if v["price"]:
        o.append(
            f'<p>Rates: <span itemprop="priceRange">{v["price"]}</span>. Payment: '
            f'<span itemprop="paymentAccepted">{v["payment"]}</span>.</p>\n'
        )
    if v["mobile"] is not None:
        for name, val, text in (
            ("mobile/in-home service", v["mobile"], "Mobile / in-home sessions"),
            ("wheelchair accessible", v["wheelchair"], "Wheelchair accessible"),
        ):
            o.append(
                '<p itemprop="additionalProperty" itemscope itemtype="https://schema.org/PropertyValue">'
                f'<meta itemprop="name" content="{name}"><meta itemprop="value" content="{str(val).lower()}">'
                f"{text}: {'yes' if val else 'no'}</p>\n"
            )
    o.append(f"</{tag}>\n")
    return "".join(o)


MALFORMED_BLOCK = """{
  "@context": "https://schema.org",
  "@type": "WebPage",
  name: "%s | %s",
  "breadcrumb": {
    "@type": "BreadcrumbList",
    "itemListElement": [
      {"@type": "ListItem", "position": 1, "name": "Home", "item": "../index.html"},
      {"@type": "ListItem", "position": 2, "name": "Our Team", "item": "../index.html#team"},
    ]
  },
}"""


def build_sites(rng: random.Random, people: list[dict], meta: dict) -> tuple[dict[str, str], dict]:
    files: dict[str, str] = {}
    by_key = meta["by_key"]
    info: dict = {
        "pages": [],
        "nicknames": [],
        "published_names": {},
        "no_sd_page": None,
        "malformed_page": None,
        "private_link_from": None,
        "graph_page": None,
        "microdata_pages": [],
    }
    index_entries = []
    for prac in PRACTICES:
        prac["hours"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
                "opens": rng.choice(["08:00", "09:00", "10:00"]),
                "closes": rng.choice(["18:00", "19:00", "20:00"]),
            },
            {"@type": "OpeningHoursSpecification", "dayOfWeek": "Saturday", "opens": "10:00", "closes": rng.choice(["14:00", "16:00"])},
        ]
        slug = prac["slug"]
        members = [by_key[k] for k in prac["members"]]
        views = {p["key"]: site_view(rng, p, prac) for p in members}
        lastmod = date(2026, 9, 1) + timedelta(days=rng.randint(0, 70))
        urls = [(f"sites/{slug}/index.html", lastmod)]
        team_links = []
        for p in members:
            v = views[p["key"]]
            ps = person_slug(p)
            path = f"sites/{slug}/team/{ps}.html"
            urls.append((path, lastmod - timedelta(days=rng.randint(0, 200))))
            team_links.append(f'<li><a href="team/{ps}.html">{v["display"]}</a> &mdash; {v["title"]}</li>\n')
            p.setdefault("site_pages", []).append(path)
            info["published_names"].setdefault(p["person_id"], []).append(v["display"])
            if p["key"] in NICKNAMES:
                info["nicknames"].append(
                    {"person_id": p["person_id"], "legal_first": p["first"], "published_as": v["display"], "page": path}
                )
            info["pages"].append(path)
            # --- the team page
            title = f"{v['plain']} | {prac['name']}"
            header = site_header(prac, "../")
            others = "".join(f'<a href="{person_slug(o)}.html">{views[o["key"]]["plain"]}</a> ' for o in members if o is not p)
            nav = f'<p class="colleagues">Also at {escape(prac["name"], quote=False)}: {others}</p>\n' if others else ""
            if p["key"] in prac.get("no_sd", []):
                lic = v["license_id"]
                body = (
                    header + "<main>\n"
                    f"<h1>{v['plain']}</h1>\n"
                    f"<p>Licensed Massage Therapist, {v['state']} license {lic}</p>\n"
                    f"<p>{v['first']} treats {join_words([c.lower() for c in v['conditions']])}, "
                    f"using {join_words([m.lower() for m in v['modalities']])}. "
                    f"{'He' if p['sex'] == 'M' else 'She'} has practiced in {v['city']} since {p['issued'].year}.</p>\n"
                    f'<p>Book with {v["first"]}: <a href="tel:{e164(v["phone"])}">{v["phone_fmt"]}</a></p>\n'
                    + nav
                    + "</main>\n"
                    + site_footer(prac)
                )
                files[path] = html_page(title, "", body)
                info["no_sd_page"] = {"person_id": p["person_id"], "page": path}
                continue
            if prac["fmt"] == "microdata":
                body = header + microdata_person(p, v, prac, "h1", None) + nav + site_footer(prac)
                files[path] = html_page(title, "", body)
                info["microdata_pages"].append(path)
                continue
            head = ""
            if p["key"] in prac.get("malformed", []):
                head += jsonld_script(MALFORMED_BLOCK % (v["plain"], prac["name"]))
                info["malformed_page"] = {
                    "person_id": p["person_id"],
                    "page": path,
                    "note": "first JSON-LD block has an unquoted key and trailing commas; the second block (the Person) is valid",
                }
            head += jsonld_script(person_ld(p, v, prac))
            body = header + "<main>\n" + visible_person(p, v) + nav + "</main>\n" + site_footer(prac)
            files[path] = html_page(title, head, body)

        # --- the practice index page
        intro = {
            "MedicalBusiness": "Clinical massage therapy for pain, injury recovery and post-surgical care. "
            "We work alongside your physician &amp; physical therapist.",
            "HealthAndBeautyBusiness": "Therapeutic massage by licensed therapists who listen first. "
            "Relief for chronic pain, injuries &amp; stress.",
        }[prac["type"]]
        links = ""
        if prac.get("private_link"):
            links = '<p class="staff"><a href="../../private/staff-notes.html">Staff notes</a></p>\n'
            info["private_link_from"] = f"sites/{slug}/index.html"
        if prac["fmt"] == "microdata":
            metro = METROS[prac["metro"]]
            staff = "".join(microdata_person(p, views[p["key"]], prac, "h3", "employee") for p in members)
            body = (
                f'<div itemscope itemtype="https://schema.org/{prac["type"]}">\n'
                + site_header(prac, "")
                + f'<main>\n<h1 itemprop="name">{escape(prac["name"], quote=False)}</h1>\n<p>{intro}</p>\n'
                + '<p itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">'
                + f'<span itemprop="streetAddress">{escape(street_display(prac["street"], prac["suite"], prac["street_style"]), quote=False)}</span>, '
                + f'<span itemprop="addressLocality">{metro["city"]}</span>, '
                + f'<span itemprop="addressRegion">{metro["state"]}</span> <span itemprop="postalCode">{prac["zip"]}</span></p>\n'
                + f'<p>Phone: <span itemprop="telephone">{fmt_phone(prac["phone"], 0)}</span></p>\n'
                + "".join(
                    '<div itemprop="openingHoursSpecification" itemscope '
                    'itemtype="https://schema.org/OpeningHoursSpecification">'
                    + "".join(
                        f'<meta itemprop="dayOfWeek" content="https://schema.org/{d}">'
                        for d in (h["dayOfWeek"] if isinstance(h["dayOfWeek"], list) else [h["dayOfWeek"]])
                    )
                    + f'<meta itemprop="opens" content="{h["opens"]}"><meta itemprop="closes" content="{h["closes"]}"></div>\n'
                    for h in prac["hours"]
                )
                + f'<h2 id="team">Our therapists</h2>\n<ul>\n{"".join(team_links)}</ul>\n'
                + staff
                + "</main>\n"
                + site_footer(prac, links)
                + "</div>\n"
            )
            files[f"sites/{slug}/index.html"] = html_page(prac["name"], "", body)
            info["microdata_pages"].append(f"sites/{slug}/index.html")
        else:
            employees = [person_ld(p, views[p["key"]], prac, context=False) for p in members if p["key"] not in prac.get("no_sd", [])]
            if prac["fmt"] == "jsonld-graph":
                biz = business_ld(prac, [])
                biz.pop("@context")
                biz.pop("employee")
                biz["@id"] = "#business"
                person = employees[0]
                person["@id"] = "#owner"
                biz["founder"] = {"@id": "#owner"}
                ld = {"@context": "https://schema.org", "@graph": [biz, person]}
                info["graph_page"] = f"sites/{slug}/index.html"
            else:
                ld = business_ld(prac, employees)
            body = (
                site_header(prac, "")
                + f"<main>\n<h1>{escape(prac['name'], quote=False)}</h1>\n<p>{intro}</p>\n"
                + f'<h2 id="team">Our therapists</h2>\n<ul>\n{"".join(team_links)}</ul>\n'
                + f"<p>Call {fmt_phone(prac['phone'], 0)} to book, or stop by &mdash; we&#8217;re open {hours_text(prac)}.</p>\n"
                + "</main>\n"
                + site_footer(prac, links)
            )
            files[f"sites/{slug}/index.html"] = html_page(prac["name"], jsonld_script(ld), body)
        info["pages"].append(f"sites/{slug}/index.html")
        # --- the practice sitemap
        sm = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for path, mod in urls:
            sm += ["  <url>", f"    <loc>{{base}}/{path}</loc>", f"    <lastmod>{mod.isoformat()}</lastmod>", "  </url>"]
        sm.append("</urlset>")
        files[f"sites/{slug}/sitemap.xml"] = "\n".join(sm) + "\n"
        index_entries.append((slug, lastmod))
    si = ['<?xml version="1.0" encoding="UTF-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for slug, mod in index_entries:
        si += [
            "  <sitemap>",
            f"    <loc>{{base}}/sites/{slug}/sitemap.xml</loc>",
            f"    <lastmod>{mod.isoformat()}</lastmod>",
            "  </sitemap>",
        ]
    si.append("</sitemapindex>")
    files["sites/sitemap.xml"] = "\n".join(si) + "\n"
    return files, info


PRIVATE_CANARY = {
    "@context": "https://schema.org",
    "@type": "Person",
    "name": "Quinn Canary, LMT",
    "jobTitle": "Licensed Massage Therapist",
    "telephone": "813-555-0100",
    "address": {
        "@type": "PostalAddress",
        "streetAddress": "77 Sabal Palm Ln",
        "addressLocality": "Brandon",
        "addressRegion": "FL",
        "postalCode": "33511",
    },
    "knowsAbout": ["Sciatica", "Deep tissue"],
    "hasCredential": [{"@type": "EducationalOccupationalCredential", "credentialCategory": "license", "identifier": "MA00000"}],
    "description": "CANARY: this page is disallowed by robots.txt. If this person appears in the index, the crawler fetched /private/.",
}


def build_private() -> str:
    body = (
        "<main>\n<h1>Staff notes &mdash; internal</h1>\n<p>Not for publication. Robots are asked to stay out.</p>\n"
        "<ul>\n<li>Quinn: covering Saturday shifts through December.</li>\n"
        "<li>Home addresses and personal cell numbers live in the office binder, not here.</li>\n</ul>\n</main>\n"
    )
    return html_page("Staff notes (internal)", '<meta name="robots" content="noindex, nofollow">\n' + jsonld_script(PRIVATE_CANARY), body)


# --------------------------------------------------------------------------------------------
# Rosters
# --------------------------------------------------------------------------------------------


def roster_page(
    title: str, h1: str, intro: str, header: str, rows: list[list[str]], page: int, pages: int, first_row: int, total: int
) -> str:
    head = ""
    if page > 1:
        head += f'<link rel="prev" href="page-{page - 1}.html">\n'
    if page < pages:
        head += f'<link rel="next" href="page-{page + 1}.html">\n'
    trs = "".join("<tr>" + "".join(f"<td>{escape(c, quote=False)}</td>" for c in r) + "</tr>\n" for r in rows)
    nav = ""
    if pages > 1:
        links = []
        if page > 1:
            links.append(f'<a rel="prev" href="page-{page - 1}.html">Previous</a>')
        links += [f"<span>Page {page} of {pages}</span>"]
        if page < pages:
            links.append(f'<a rel="next" href="page-{page + 1}.html">Next</a>')
        nav = '<nav class="pagination">' + " ".join(links) + "</nav>\n"
    body = (
        f"<main>\n<h1>{h1}</h1>\n<p>{intro}</p>\n"
        f'<p class="count">Showing {first_row}&ndash;{first_row + len(rows) - 1} of {total}</p>\n'
        f'<table class="results">\n<thead>\n{header}\n</thead>\n<tbody>\n{trs}</tbody>\n</table>\n{nav}</main>\n'
    )
    return html_page(title, head, body)


def roster_name(rng: random.Random, p: dict, allow_nick: bool) -> str:
    first = NICKNAMES[p["key"]] if allow_nick and p["key"] in NICKNAMES else p["first"]
    first = fold(first) if rng.random() < 0.5 else first
    last = fold(p["last"]) if rng.random() < 0.5 else p["last"]
    mid = f" {p['middle'][0]}." if p["middle"] and rng.random() < 0.35 else ""
    suffix = f" {p['suffix']}" if p["suffix"] else ""
    return f"{first}{mid} {last}{suffix}"


def build_rosters(rng: random.Random, people: list[dict]) -> tuple[dict[str, str], dict]:
    files: dict[str, str] = {}
    info: dict = {"ncbtmb_rows": 0, "nmt_rows": 0, "ncbtmb_out_of_state": [], "nmt_out_of_state": [], "roster_city_differs": []}
    # NCBTMB
    rows = []
    for p in people:
        if "BCTMB" not in p["certs"]:
            continue
        name = roster_name(rng, p, allow_nick=p["key"] == "washington")
        city = p["city"]
        if p["key"] == "fernandez" and p["mailing"]:
            city = p["mailing"]["city"]  # the registry has her mailing city
            info["roster_city_differs"].append({"person_id": p["person_id"], "roster": "ncbtmb", "city": city})
        rows.append(((p["last"], p["first"]), [name, "BCTMB", p["ncbtmb_no"], city, p["state"], p["ncbtmb_exp"].strftime("%m/%d/%Y")]))
        p.setdefault("roster_entries", []).append(
            {"roster": "ncbtmb", "certificate_number": p["ncbtmb_no"], "name_as_listed": name, "expires_on": p["ncbtmb_exp"].isoformat()}
        )
    for name, city, st in NCBTMB_OUT_OF_STATE:
        no = f"{rng.randint(100000, 699999)}-00"
        exp = rand_date(rng, date(2026, 1, 1), date(2028, 12, 31))
        rows.append(((name.split()[-1], name), [name, "BCTMB", no, city, st, exp.strftime("%m/%d/%Y")]))
        info["ncbtmb_out_of_state"].append({"name": name, "city": city, "state": st, "certificate_number": no})
    rows.sort(key=lambda r: (fold(r[0][0]).lower(), fold(r[0][1]).lower()))
    table = [r for _, r in rows]
    sizes = [len(table) // 3 + (1 if i < len(table) % 3 else 0) for i in range(3)]
    header = "<tr><th>Name</th><th>Credential</th><th>Certificate #</th><th>City</th><th>State</th><th>Expiration</th></tr>"
    start = 0
    for page, size in enumerate(sizes, start=1):
        files[f"rosters/ncbtmb/page-{page}.html"] = roster_page(
            f"Find a Board Certified Therapist — page {page}",
            "Board Certified Therapists",
            "Directory of therapists holding Board Certification in Therapeutic Massage &amp; Bodywork (BCTMB). "
            "Search results for states: TX, FL, GA, NC, TN, AZ.",
            header,
            table[start : start + size],
            page,
            3,
            start + 1,
            len(table),
        )
        start += size
    info["ncbtmb_rows"] = len(table)
    info["ncbtmb_page_sizes"] = sizes
    # NMT Center
    rows = []
    for p in people:
        if "CNMT" not in p["certs"]:
            continue
        name = roster_name(rng, p, allow_nick=False)
        rows.append(((p["last"], p["first"]), [name, "CNMT", p["nmt_no"], p["city"], p["state"], p["nmt_exp"].isoformat()]))
        p.setdefault("roster_entries", []).append(
            {"roster": "nmt", "certificate_number": p["nmt_no"], "name_as_listed": name, "expires_on": p["nmt_exp"].isoformat()}
        )
    for name, city, st in NMT_OUT_OF_STATE:
        no = f"{rng.randint(10000, 29999)}"
        exp = rand_date(rng, date(2026, 6, 1), date(2029, 6, 30))
        rows.append(((name.split()[-1], name), [name, "CNMT", no, city, st, exp.isoformat()]))
        info["nmt_out_of_state"].append({"name": name, "city": city, "state": st, "certificate_number": no})
    rows.sort(key=lambda r: (fold(r[0][0]).lower(), fold(r[0][1]).lower()))
    table = [r for _, r in rows]
    header = "<tr><th>Therapist</th><th>Certification</th><th>Cert No.</th><th>City</th><th>ST</th><th>Valid Through</th></tr>"
    files["rosters/nmt/index.html"] = roster_page(
        "Certified Neuromuscular Therapists | NMT Center",
        "Certified Neuromuscular Therapists",
        "Therapists who have completed NMT Center certification (CNMT). Listed by last name.",
        header,
        table,
        1,
        1,
        1,
        len(table),
    )
    info["nmt_rows"] = len(table)
    return files, info


# --------------------------------------------------------------------------------------------
# Config and ground truth
# --------------------------------------------------------------------------------------------

SOURCES_TOML = """\
# Crawl configuration for the bundled sample sources (generated by tools/make_sample_sources.py).
# {base} is replaced with the local server's base URL.

[[source]]
name = "nppes"
kind = "nppes"
url = "{base}/nppes/api/"
taxonomy_description = "Massage Therapist"
states = ["TX", "FL"]
download_delay = 0

[[source]]
name = "tx_tdlr"
kind = "license_csv"
url = "{base}/boards/tx_tdlr_massage.csv"
state = "TX"
date_format = "%m%d%Y"
delimiter = ","
download_delay = 0
[source.columns]
license_number = "LICENSE NUMBER"
full_name = "OWNER NAME"
license_type = "LICENSE TYPE"
expires_on = "LICENSE EXPIRATION DATE (MMDDCCYY)"
address = "BUSINESS ADDRESS-LINE1"
city = "BUSINESS CITY"
state = "BUSINESS STATE"
postal_code = "BUSINESS ZIP"
phone = "BUSINESS TELEPHONE"

[[source]]
name = "fl_mqa"
kind = "license_csv"
url = "{base}/boards/fl_mqa_massage.txt"
state = "FL"
date_format = "%m/%d/%Y"
delimiter = "|"
download_delay = 0
[source.columns]
license_number = "License Number"
last_name = "Last Name"
first_name = "First Name"
middle_name = "Middle Name"
license_type = "Profession"
status = "License Status"
issued_on = "Original Licensure Date"
expires_on = "License Expiration Date"
address = "Address Line 1"
city = "City"
state = "State"
postal_code = "Zip"
phone = "Phone"
[source.status_map]
"CLEAR" = "active"
"ACTIVE" = "active"
"DELINQUENT" = "expired"
"SUSPENDED" = "suspended"
"EMERG SUSPENS" = "suspended"
"NULL AND VOID" = "revoked"
"VOL RELINQ" = "inactive"
"DECEASED" = "inactive"
"PROBATION" = "probation"

[[source]]
name = "ca_camtc"
kind = "license_csv"
url = "{base}/boards/ca_camtc_massage.tsv"
state = "CA"
date_format = "%Y-%m-%d"
delimiter = "\\t"
download_delay = 0
[source.columns]
license_number = "Certificate Number"
full_name = "Name"
status = "Status"
issued_on = "Issue Date"
expires_on = "Expiration Date"
city = "City"
postal_code = "Zip Code"
[source.status_map]
"Active" = "active"
"Expired" = "expired"

[[source]]
name = "practice_sites"
kind = "profile_site"
url = "{base}/sites/sitemap.xml"
download_delay = 0

[[source]]
name = "ncbtmb"
kind = "cert_roster"
url = "{base}/rosters/ncbtmb/page-1.html"
issuer = "NCBTMB"
date_format = "%m/%d/%Y"
download_delay = 0
[source.columns]
full_name = "Name"
certification = "Credential"
certificate_number = "Certificate #"
city = "City"
state = "State"
expires_on = "Expiration"

[[source]]
name = "nmt"
kind = "cert_roster"
url = "{base}/rosters/nmt/index.html"
issuer = "NMT Center"
date_format = "%Y-%m-%d"
download_delay = 0
[source.columns]
full_name = "Therapist"
certification = "Certification"
certificate_number = "Cert No."
city = "City"
state = "ST"
expires_on = "Valid Through"
"""

ROBOTS = "User-agent: *\nDisallow: /private/\n"


def person_json(p: dict) -> dict:
    suite = f" Ste {p['suite']}" if p["suite"] else ""
    mailing = None
    if p["mailing"]:
        ml = p["mailing"]
        mailing = f"{ml['line']}, {ml['city']}, {ml['state']} {ml['zip']}"
    published = bool(p.get("site_pages"))
    return {
        "person_id": p["person_id"],
        "legal_name": {"first": p["first"], "middle": p["middle"], "last": p["last"], "suffix": p["suffix"]},
        "state": p["state"],
        "npi": p["npi"],
        "licenses": [
            {k: lic[k] for k in ("state", "number", "status_expected", "issued_on", "expires_on", "board_status")} for lic in p["licenses"]
        ],
        "site_pages": p.get("site_pages", []),
        "roster_entries": p.get("roster_entries", []),
        "conditions": p["conditions_published"] if published else p["conditions_canonical"],
        "modalities": p["modalities_published"] if published else p["modalities_canonical"],
        "conditions_canonical": p["conditions_canonical"],
        "modalities_canonical": p["modalities_canonical"],
        "specialties_published": published,
        "certifications": p["certs"],
        "practice": {
            "address": f"{p['street']}{suite}",
            "city": p["city"],
            "state": p["state"],
            "postal_code": p["zip"],
            "lat": p["lat"],
            "lon": p["lon"],
        },
        "mailing_address": mailing,
        "phone": e164(p["phone"]),
        "sex": p["sex"],
        "sources": sorted(
            (["nppes"] if p["npi"] else [])
            + (["tx_tdlr"] if any(item["state"] == "TX" for item in p["licenses"]) else [])
            + (["fl_mqa"] if any(item["state"] == "FL" for item in p["licenses"]) else [])
            + (["practice_sites"] if p.get("site_pages") else [])
            + sorted({e["roster"] for e in p.get("roster_entries", [])})
        ),
    }


# --------------------------------------------------------------------------------------------
# California: a third board layout and a San Diego practice whose JSON-LD is a business
# --------------------------------------------------------------------------------------------

# Generated from its own random stream, so adding it left every other file byte-identical.
CA_PEOPLE = [
    # key, first, middle, last, sex, zip, street, conditions (published), techniques (published), status
    (
        "okafor",
        "Marisol",
        "Adaeze",
        "Okafor",
        "F",
        "92103",
        "410 Laurel St",
        ["Migraines", "Tension headaches"],
        ["Craniosacral therapy", "Prenatal massage"],
        "Active",
    ),
    (
        "reyes",
        "Daniel",
        "",
        "Reyes",
        "M",
        "92101",
        "1250 Sixth Ave Ste 300",
        ["Sciatica", "Low back pain (LBP)"],
        ["Deep tissue massage", "Myofascial release"],
        "Active",
    ),
    (
        "lindgren",
        "Astrid",
        "M",
        "Lindgren",
        "F",
        "92104",
        "3010 University Ave",
        ["TMJ disorder", "Neck pain"],
        ["Trigger point therapy"],
        "Active",
    ),
    ("castaneda", "Ruben", "", "Castañeda", "M", "92116", "4580 Adams Ave", [], [], "Expired"),
]
CA_STATUS = {"Active": "active", "Expired": "expired"}


def build_california() -> tuple[dict[str, str], list[dict]]:
    rng = random.Random(SEED + 7)
    files: dict[str, str] = {}
    people: list[dict] = []
    board = ["Certificate Number\tName\tStatus\tIssue Date\tExpiration Date\tCity\tZip Code"]
    for index, (_key, first, middle, last, sex, zip_, street, conditions, techniques, status) in enumerate(CA_PEOPLE):
        info = zip_info(zip_)
        lat, lon = float(info["lat"]), float(info["long"])
        number = f"{rng.randint(10000, 99999)}"
        issued = rand_date(rng, date(2009, 1, 1), date(2019, 12, 31))
        expires = date(2027, 3, 31) + timedelta(days=30 * index) if status == "Active" else date(2025, 10, 31)
        phone = f"619-555-{index + 140:04d}"
        name = " ".join(part for part in (first, middle, last) if part)
        board.append(f"{number}\t{name}\t{status}\t{issued.isoformat()}\t{expires.isoformat()}\tSan Diego\t{zip_}")
        pages: list[str] = []
        if conditions:
            slug = f"{fold(last).lower()}-massage-san-diego"
            pages = [f"sites/{slug}/index.html"]
            person = {
                "@type": "Person",
                "name": f"{first} {last}, LMT",
                "knowsAbout": conditions,
                "hasCredential": {
                    "@type": "EducationalOccupationalCredential",
                    "credentialCategory": "license",
                    "name": "Licensed Massage Therapist",
                },
            }
            business = {
                "@context": "https://schema.org",
                "@type": "MassageTherapy",  # not a schema.org type: practice sites invent their own
                "name": f"{last} Bodywork San Diego",
                "telephone": fmt_phone(phone, 0),
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": street,
                    "addressLocality": "San Diego",
                    "addressRegion": "CA",
                    "postalCode": zip_,
                },
                "geo": {
                    "@type": "GeoCoordinates",
                    "latitude": round(lat + rng.uniform(-0.004, 0.004), 5),
                    "longitude": round(lon + rng.uniform(-0.004, 0.004), 5),
                },
                "founder": person,
                "hasOfferCatalog": {
                    "@type": "OfferCatalog",
                    "name": "Services",
                    "itemListElement": [{"@type": "Offer", "itemOffered": {"@type": "Service", "name": s}} for s in techniques],
                },
            }
            body = f"<h1>{escape(business['name'], quote=False)}</h1>\n<p>{escape(first, quote=False)} {escape(last, quote=False)}, LMT, in San Diego.</p>\n"
            files[pages[0]] = html_page(f"{business['name']} | Massage", jsonld_script(business), body)
            files[f"sites/{slug}/sitemap.xml"] = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"  <url><loc>{{base}}/{pages[0]}</loc></url>\n</urlset>\n"
            )
        people.append(
            {
                "person_id": f"ca{index + 1:02d}",
                "legal_name": {"first": first, "middle": middle, "last": last, "suffix": ""},
                "state": "CA",
                "npi": None,
                "licenses": [
                    {
                        "state": "CA",
                        "number": number,
                        "status_expected": CA_STATUS[status],
                        "issued_on": issued.isoformat(),
                        "expires_on": expires.isoformat(),
                        "board_status": status,
                    }
                ],
                "site_pages": pages,
                "roster_entries": [],
                "conditions": conditions,
                "modalities": techniques,
                "conditions_canonical": conditions,
                "modalities_canonical": techniques,
                "specialties_published": bool(conditions),
                "certifications": [],
                "practice": {"address": street, "city": "San Diego", "state": "CA", "postal_code": zip_, "lat": lat, "lon": lon},
                "mailing_address": None,
                "phone": e164(phone),
                "sex": sex,
                "sources": sorted(["ca_camtc"] + (["practice_sites"] if pages else [])),
            }
        )
    files["boards/ca_camtc_massage.tsv"] = "\n".join(board) + "\n"
    return files, people


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def generate(out: Path) -> dict:
    rng = random.Random(SEED)
    people, meta = build_people(rng)
    nppes, nppes_notes = build_nppes(rng, people, meta)
    tx_text, tx_rows = build_tx_csv(rng, people)
    fl_text, fl_rows = build_fl_txt(rng, people)
    site_files, site_info = build_sites(rng, people, meta)
    roster_files, roster_info = build_rosters(rng, people)
    by_key = meta["by_key"]

    files: dict[str, str] = {
        "robots.txt": ROBOTS,
        "private/staff-notes.html": build_private(),
        "nppes/records.json": json.dumps(nppes, ensure_ascii=False, indent=2) + "\n",
        "boards/tx_tdlr_massage.csv": tx_text,
        "boards/fl_mqa_massage.txt": fl_text,
        "sources.toml": SOURCES_TOML,
        **site_files,
        **roster_files,
    }
    ca_files, ca_people = build_california()
    files.update(ca_files)
    ca_sites = sorted({page.split("/")[1] for page in ca_files if page.endswith("/index.html")})
    files["sites/sitemap.xml"] = files["sites/sitemap.xml"].replace(
        "</sitemapindex>",
        "".join(f"  <sitemap>\n    <loc>{{base}}/sites/{slug}/sitemap.xml</loc>\n  </sitemap>\n" for slug in ca_sites) + "</sitemapindex>",
    )
    pj = [person_json(p) for p in people] + ca_people
    files["people.json"] = json.dumps(pj, ensure_ascii=False, indent=2) + "\n"

    def pid(key: str) -> str:
        return by_key[key]["person_id"]

    lic_oddities = []
    for p in people:
        for lic in p["licenses"]:
            if lic["status_expected"] != "active":
                lic_oddities.append(
                    {
                        "person_id": p["person_id"],
                        "name": f"{p['first']} {p['last']}",
                        "state": lic["state"],
                        "number": lic["number"],
                        "board_status": lic["board_status"],
                        "expires_on": lic["expires_on"],
                        "status_expected": lic["status_expected"],
                        "has_site": bool(p.get("site_pages")),
                        "npi": p["npi"],
                    }
                )
    counts = {
        "people": len(people) + len(ca_people),
        "people_ca": len(ca_people),
        "people_tx": sum(p["state"] == "TX" for p in people),
        "people_fl": sum(p["state"] == "FL" for p in people),
        "with_npi": sum(bool(p["npi"]) for p in people),
        "nppes_records": len(nppes),
        "nppes_decoys": len(nppes_notes["decoys"]),
        "tx_rows": tx_rows,
        "fl_rows": fl_rows,
        "practices": len(PRACTICES),
        "site_pages": len(site_info["pages"]),
        "team_pages": sum(len(p.get("site_pages", [])) for p in people),
        "people_on_sites": sum(bool(p.get("site_pages")) for p in people),
        "ncbtmb_rows": roster_info["ncbtmb_rows"],
        "ncbtmb_page_sizes": roster_info["ncbtmb_page_sizes"],
        "nmt_rows": roster_info["nmt_rows"],
        "board_only": [p["person_id"] for p in people if p["role"] == "board"],
    }
    manifest = {
        "generated_by": "tools/make_sample_sources.py",
        "seed": SEED,
        "today": TODAY.isoformat(),
        "counts": counts,
        "license_status_oddities": lic_oddities,
        "expires_yesterday": {"person_id": pid("carter"), "expires_on": "2026-11-22", "status_expected": "expired"},
        "stale_active_row": {"person_id": pid("ibarra"), "note": "FL 'ACTIVE' but expired 08/31/2025"},
        "suspended_but_site_accepting": pid("perez"),
        "deceased_but_npi_active": pid("toussaint"),
        "two_state_licensee": {
            "person_id": pid("oconnor"),
            "note": "TX licence expired 2026-01-31 (board row has his old Houston practice), "
            "FL licence CLEAR; NPPES lists both taxonomies and a stale Houston mailing address",
        },
        "nicknames": site_info["nicknames"],
        "roster_nickname": {"person_id": pid("washington"), "roster": "ncbtmb"},
        "board_name_variants": [
            {"person_id": pid("whitfield"), "board": "TX", "note": "hyphen dropped: WHITFIELD JONES"},
            {"person_id": pid("oconnor"), "board": "TX", "note": "apostrophe dropped: OCONNOR"},
            {"person_id": pid("trevino"), "board": "TX", "note": "Ñ kept by the board, folded to N by NPPES"},
            {"person_id": pid("quinones"), "board": "FL", "note": "Ñ kept by the board"},
        ],
        "suffixes": [pid(k) for k in ("washington", "ellison", "saldana", "fitzgerald")],
        "nppes_former_name": {"person_id": pid("broussard"), "former_last_name": "THIBODEAUX"},
        "nppes_license_variants": nppes_notes["license_variants"],
        "nppes_location_listed_first": nppes_notes["location_first"],
        "nppes_credentials": nppes_notes["credential"],
        "nppes_decoys": nppes_notes["decoys"],
        "stale_nppes_location": {
            "person_id": pid("mcallister"),
            "nppes_location": by_key["mcallister"].get("stale_nppes_location"),
            "note": "board address is current; people.json practice follows the board",
        },
        "fl_confidential_address": [pid(k) for k in FL_CONFIDENTIAL],
        "fl_zip_00000": [pid(k) for k in FL_ZIP_ZEROS],
        "shared_phone_practice": {
            "practice": "montrose-medical-massage",
            "person_ids": [pid(k) for k in PRACTICES[2]["members"]],
            "note": "all staff publish (and are listed under) the clinic's main line",
        },
        "multi_site_person": {
            "person_id": pid("ellison"),
            "pages": by_key["ellison"].get("site_pages", []),
            "note": "also on the Lakewood clinic site with the clinic's address; practice = own",
        },
        "published_typos": [{"person_id": pid(k), "canonical": a, "published": b} for k, (a, b) in TYPOS.items()],
        "malformed_jsonld_page": site_info["malformed_page"],
        "no_structured_data_page": dict(site_info["no_sd_page"], note="also left out of the clinic index JSON-LD"),
        "jsonld_graph_page": site_info["graph_page"],
        "microdata_pages": site_info["microdata_pages"],
        "private_pages": ["private/staff-notes.html"],
        "private_link_from": site_info["private_link_from"],
        "private_canary_name": PRIVATE_CANARY["name"],
        "roster_out_of_state": {"ncbtmb": roster_info["ncbtmb_out_of_state"], "nmt": roster_info["nmt_out_of_state"]},
        "roster_city_differs": roster_info["roster_city_differs"],
        "name_collisions": [
            {"a": pid("yates"), "b": "NCBTMB roster 'Christopher Yates', Raleigh NC (different person)"},
            {"a": pid("schultz"), "b": "NPPES physical therapist REBECCA SCHULZ, San Antonio (different person)"},
            {"a": pid("lindqvist"), "b": "NPPES chiropractor GREGORY LINDQVIST at the same building"},
            {"a": pid("tran"), "b": "NPPES occupational therapist LISA TRAN, Orlando"},
        ],
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    files["README.md"] = readme(counts)

    # Write: replace only what this script owns.
    out.mkdir(parents=True, exist_ok=True)
    for name in OWNED:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for rel in sorted(files):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(files[rel])
    return counts


def readme(counts: dict) -> str:
    return f"""# Sample sources

Generated by `tools/make_sample_sources.py` (seed {SEED}); do not edit by hand, re-run the script.
Everything here is invented (people, practices, `.example` e-mail domains, 555-01xx phones); ZIP codes,
cities and counties are real. "Today" for expected statuses is {TODAY.isoformat()}.

| path | what |
|---|---|
| `sources.toml` | crawl configuration; `{{base}}` = the local server's base URL |
| `robots.txt` | disallows `/private/` |
| `private/staff-notes.html` | must never be fetched (linked from one practice page; canary Person inside) |
| `nppes/records.json` | NPI Registry API v2.1 result objects ({counts["nppes_records"]}, incl. {counts["nppes_decoys"]} decoys) |
| `boards/tx_tdlr_massage.csv` | Texas TDLR licensees ({counts["tx_rows"]} rows, CRLF) |
| `boards/fl_mqa_massage.txt` | Florida MQA licensees ({counts["fl_rows"]} rows, pipe-delimited) |
| `boards/ca_camtc_massage.tsv` | California CAMTC certificate holders ({counts["people_ca"]} rows, tab-separated, ISO dates) |
| `sites/sitemap.xml` | sitemap index of {counts["practices"]} practice sites ({counts["site_pages"]} pages) |
| `rosters/ncbtmb/page-N.html` | BCTMB roster, 3 pages ({counts["ncbtmb_rows"]} rows) |
| `rosters/nmt/index.html` | CNMT roster ({counts["nmt_rows"]} rows) |
| `people.json` | ground truth: one object per real person ({counts["people"]}) |
| `manifest.json` | the deliberate oddities and decoys |
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    counts = generate(args.out)
    print(json.dumps(counts, indent=2))


if __name__ == "__main__":
    main()
