"""The non-identifying attributes kept in clear for analysis, and how typed answers map to them.

Ethnicity uses the DfE main codes of the children in need and school censuses, so coverage and
grades can be compared with a council's own returns (Havering's disproportionality measure).
Age bands follow the DfE statistical releases (under 1, 1-4, 5-9, 10-15, 16 and over) with
16 and over split at 18, because care leavers (18 to 25) are a cohort of their own; merging
"16-17" and "18+" gives the DfE band back.
"""

from __future__ import annotations

from datetime import date

ETHNICITY_GROUPS: dict[str, dict[str, str]] = {
    "White": {
        "WBRI": "White British",
        "WIRI": "White Irish",
        "WIRT": "Traveller of Irish heritage",
        "WROM": "Gypsy or Roma",
        "WOTH": "Any other White background",
    },
    "Mixed": {
        "MWBC": "White and Black Caribbean",
        "MWBA": "White and Black African",
        "MWAS": "White and Asian",
        "MOTH": "Any other mixed background",
    },
    "Asian or Asian British": {
        "AIND": "Indian",
        "APKN": "Pakistani",
        "ABAN": "Bangladeshi",
        "AOTH": "Any other Asian background",
    },
    "Black or Black British": {
        "BCRB": "Black Caribbean",
        "BAFR": "Black African",
        "BOTH": "Any other Black background",
    },
    "Chinese or other ethnic group": {
        "CHNE": "Chinese",
        "OOTH": "Any other ethnic group",
    },
    "Not known": {
        "REFU": "Refused",
        "NOBT": "Information not yet obtained",
    },
}
ETHNICITIES: dict[str, str] = {
    code: label for group in ETHNICITY_GROUPS.values() for code, label in group.items()
}

COHORTS: dict[str, str] = {
    "early_help": "Early help",
    "child_in_need": "Child in need",
    "child_protection": "Child protection",
    "child_in_care": "Child in care",
    "care_leaver": "Care leaver",
    "other": "Other",
}

SEXES: dict[str, str] = {
    "female": "Female",
    "male": "Male",
    "other": "Describes themselves in another way",
    "not_known": "Not known",
}

AGE_BANDS: tuple[tuple[int, str], ...] = (
    (1, "under 1"), (5, "1-4"), (10, "5-9"), (16, "10-15"), (18, "16-17"),
)
OLDEST_BAND = "18+"
AGE_BAND_ORDER = (*(label for _, label in AGE_BANDS), OLDEST_BAND)


def age_on(birth: date, day: date) -> int:
    """Whole years between `birth` and `day` (a birthday on 29 February counts from 1 March)."""
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - before_birthday


def age_band(birth: date, day: date) -> str:
    """The band a child born on `birth` falls in on `day` (the day the case was coded)."""
    age = age_on(birth, day)
    for below, label in AGE_BANDS:
        if age < below:
            return label
    return OLDEST_BAND


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def match_choice(value: object, options: dict[str, str]) -> str | None:
    """The option key for a typed key or label, ignoring case, spaces and punctuation.

    "Child in need", "child-in-need" and "child_in_need" all give "child_in_need"; None when
    nothing matches. Lets the page (keys) and a CSV import (labels or codes) share one rule.
    """
    wanted = _key(str(value or ""))
    if not wanted:
        return None
    for key, label in options.items():
        if wanted in (_key(key), _key(label)):
            return key
    return None


YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


def parse_flag(value: object) -> tuple[bool | None, bool]:
    """(flag, understood): True/False for yes/no answers, None for a blank or "not known"."""
    if isinstance(value, bool) or value is None:
        return value, True
    text = str(value).strip().lower()
    if text in YES:
        return True, True
    if text in NO:
        return False, True
    return None, text in {"", "not known", "not_known", "unknown"}
