"""The words of a LADO referral: sectors, categories of allegation, outcomes, decisions.

Keys are stored; labels are shown. Categories follow Working Together 2023 and Keeping
Children Safe in Education (the harm test, including transferable risk); outcomes are the five
KCSIE definitions. A CSV may give either a key or its label (case and spacing ignored).
"""

from __future__ import annotations

SECTORS: dict[str, str] = {
    "education": "Education (schools and colleges)",
    "early_years": "Early years and childcare",
    "health": "Health",
    "police": "Police",
    "social_care": "Social care",
    "residential_care": "Residential care",
    "foster_carer": "Foster carer",
    "faith": "Faith groups",
    "sport": "Sport and leisure",
    "voluntary": "Voluntary and community",
    "transport": "Transport",
    "other": "Other",
}

CATEGORIES: dict[str, str] = {
    "harm": "Behaved in a way that has harmed, or may have harmed, a child",
    "offence": "Possibly committed a criminal offence against or related to a child",
    "risk": "Behaved towards a child in a way that indicates they may pose a risk of harm",
    "transferable": "Behaved in a way that indicates they may not be suitable to work with "
                    "children (transferable risk)",
}
CATEGORY_SHORT: dict[str, str] = {
    "harm": "Harmed a child",
    "offence": "Possible criminal offence",
    "risk": "Indicates risk of harm",
    "transferable": "Transferable risk",
}

OUTCOMES: dict[str, str] = {
    "substantiated": "Substantiated",
    "false": "False",
    "malicious": "Malicious",
    "unsubstantiated": "Unsubstantiated",
    "unfounded": "Unfounded",
}

DECISIONS: dict[str, str] = {
    "met": "Threshold met: managed as an allegation",
    "not_met": "Threshold not met: advice or consultation only",
}

FLAGS = ("s47_enquiry", "police_investigation", "hr_process", "dbs_referral")
# The date of each of those steps: when the enquiry, investigation or process began, or when
# the DBS referral was made. A date implies the step happened.
FLAG_DATES: dict[str, str] = {
    "s47_enquiry": "s47_date",
    "police_investigation": "police_date",
    "hr_process": "hr_date",
    "dbs_referral": "dbs_date",
}
DATE_LABELS: dict[str, str] = {
    "s47_date": "date the section 47 enquiry began",
    "police_date": "date the police investigation began",
    "hr_date": "date the HR or disciplinary process began",
    "dbs_date": "date of the DBS referral",
}
FLAG_LABELS: dict[str, str] = {
    "strategy_held": "Strategy discussion held",
    "s47_enquiry": "Section 47 enquiry",
    "police_investigation": "Police investigation",
    "hr_process": "HR or disciplinary process",
    "dbs_referral": "DBS referral",
}


def match(value: str, options: dict[str, str]) -> str | None:
    """The key whose key or label matches `value` (ignoring case, spaces and dashes)."""
    wanted = _squash(value)
    for key, label in options.items():
        if wanted in (_squash(key), _squash(label)):
            return key
    if wanted in {_squash(s) for s in CATEGORY_SHORT.values()} and options is CATEGORIES:
        return next(k for k, s in CATEGORY_SHORT.items() if _squash(s) == wanted)
    return None


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def label(options: dict[str, str], key: str | None) -> str:
    return options.get(key or "", key or "")
