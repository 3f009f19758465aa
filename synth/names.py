"""Invented name material for the synthetic data.

Every place, locality, organisation and person name the generator writes is put
together from these parts, so none of them is a record of a real body or person.
A few names deliberately carry a comma, an ampersand, an apostrophe or a non-ASCII
letter, as real organisation names do, so that every CSV reader meets them.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

# Place and locality names: prefix + suffix (48 x 30 = 1,440 distinct names).
PREFIXES = (
    "Ash", "Bram", "Cal", "Dun", "Elm", "Fern", "Glen", "Hol", "Ivy", "Kel", "Lang", "Mar",
    "Nether", "Oak", "Pen", "Quarry", "Rook", "Sel", "Thorn", "Upper", "Vale", "Wen", "Yar",
    "Alder", "Birch", "Cole", "Dray", "Eas", "Fox", "Gorse", "Hazel", "Kings", "Lark", "Mill",
    "North", "Orch", "Pike", "Red", "Stan", "Tarn", "Under", "Wold", "Brack", "Cress", "Heath",
    "Lynd", "Marsh", "Sweet",
)
SUFFIXES = (
    "ford", "ley", "wick", "ton", "borough", "field", "bury", "ham", "mouth", "stead", "worth",
    "by", "dale", "moor", "well", "combe", "haven", "gate", "bridge", "cliffe", "holme",
    "thorpe", "minster", "brook", "hurst", "croft", "side", "wood", "mere", "fold",
)
NEIGHBOURHOOD_QUALIFIERS = ("North", "South", "East", "West", "Central", "Rural", "Town", "Villages")

PRACTICE_SUFFIXES = (
    "Surgery", "Medical Centre", "Health Centre", "Family Practice", "Group Practice",
    "Medical Practice", "Primary Care Centre",
)

FIRST_NAMES = (
    "Aisha", "Alex", "Amir", "Ana", "Beth", "Bilal", "Carys", "Chen", "Chloe", "Dan", "Deepa",
    "Eilidh", "Emeka", "Fatima", "Finn", "Grace", "Hamza", "Hannah", "Ifeoma", "Imran", "Jade",
    "James", "Jo", "Kai", "Karen", "Leah", "Lewis", "Maria", "Marek", "Naomi", "Nikhil", "Olu",
    "Owen", "Priya", "Rachel", "Rhys", "Ruth", "Sam", "Sean", "Siân", "Sofia", "Tariq", "Tom",
    "Una", "Vikram", "Wei", "Yusuf", "Zoë",
)
LAST_NAMES = (
    "Abbott", "Ahmed", "Baker", "Begum", "Brennan", "Campbell", "Chaudhry", "Clarke", "Davies",
    "Doyle", "Evans", "Fairclough", "Foster", "Green", "Hall", "Hughes", "Hussain", "Jones",
    "Kaur", "Kelly", "Khan", "Lloyd", "Lowe", "Malik", "McBride", "Morgan", "Nowak", "O'Brien",
    "Okafor", "Patel", "Price", "Rahman", "Roberts", "Shah", "Singh", "Smith", "Taylor",
    "Thomas", "Walsh", "Webb", "Wilson", "Wright", "Young", "Zhang",
)

ROLE_TITLES = {
    "place_lead": ("Place Director", "Place Lead", "Director of Integrated Care", "Managing Director, Place"),
    "interim_lead": ("Interim Place Director", "Acting Place Lead"),
    "comms_link": ("Communications and Engagement Lead", "Head of Communications", "Engagement Manager"),
    "chair": ("Independent Chair", "Cabinet Member for Health", "Leader of the Council", "Chief Executive"),
    "member": ("Director of Public Health", "Director of Adult Social Services", "Chief Executive",
               "Clinical Director", "Chief Officer", "Head of Partnerships"),
}

# Organisation names by sector: templates filled with {place} (the Place name),
# {loc} (a locality) or {ics} (the ICS's short name).
ORG_TEMPLATES = {
    "housing": ("{loc} Homes", "{place} Housing Trust", "{loc} Housing Association", "{loc} & District Housing",
                "{loc} Living"),
    "voluntary": ("{place} Council for Voluntary Service", "{loc} Community Association", "{loc} Foodbank",
                  "{place} Carers Centre", "{loc} Youth Project", "Friends of {loc} Park",
                  "{loc} Community Trust", "{place} Refugee Support", "Tea, Toast and Talk {loc}",
                  "Café {loc} – Community Kitchen", "{loc} Men's Shed", "{place} Disability Forum",
                  "{loc} Good Neighbours", "{place} Citizens Advice"),
    "social_care": ("{loc} Care Homes Ltd", "{loc} Home Care", "{place} Care Providers Forum",
                    "{loc} Supported Living", "{loc} Day Services"),
    "faith": ("St {saint}'s Church, {loc}", "{place} Interfaith Forum", "{loc} Mosque Association",
              "{loc} Gurdwara", "{loc} Methodist Circuit", "{loc} Synagogue"),
    "education": ("{place} College", "{loc} Academy Trust", "{loc} High School", "{loc} Primary School",
                  "{place} Sixth Form College"),
    "business": ("{place} Chamber of Commerce", "{loc} Business Improvement District", "{loc} Traders' Association",
                 "{place} Federation of Small Businesses"),
    "other": ("{place} Football Club Community Trust", "{loc} Leisure Trust", "{place} Citizens Panel",
              "{loc} Arts Centre"),
    "public_health": ("{place} Public Health Partnership", "{loc} Healthy Living Centre"),
    "mental_health": ("{place} Mental Health Forum", "{loc} Wellbeing Hub"),
    "community_health": ("{place} Community Health Services CIC", "{loc} Community Nursing CIC"),
    "primary_care": ("{loc} Medical Group",),
}
SAINTS = ("Mary", "John", "Peter", "Anne", "Michael", "Helen", "Paul", "Chad", "Aidan", "Hilda")


def place_names(rng: np.random.Generator, n: int) -> list[str]:
    """`n` distinct invented place names (more than 1,440: a qualifier is added)."""
    base = [p + s for p in PREFIXES for s in SUFFIXES]
    order = rng.permutation(len(base))
    names = [base[i] for i in order[: min(n, len(base))]]
    k = 0
    while len(names) < n:  # only for scales beyond England's
        names.append(f"{NEIGHBOURHOOD_QUALIFIERS[k // len(base) % 8]} {base[order[k % len(base)]]}")
        k += 1
    return names


def locality_names(rng: np.random.Generator, n: int) -> list[str]:
    """`n` invented locality names (may repeat across Places; distinct when n <= 1,440)."""
    base = [p + s for p in PREFIXES for s in SUFFIXES]
    return [base[i] for i in rng.choice(len(base), size=n, replace=n > len(base))]


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    return [f"{FIRST_NAMES[a]} {LAST_NAMES[b]}" for a, b in zip(first.tolist(), last.tolist())]


_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _SLUG.sub("-", ascii_name.lower().replace("'", "")).strip("-")
