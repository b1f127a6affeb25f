"""The values a subject or object is looked up by (KvK number, BAG id,
postcode + huisnummer, name + date of birth), normalised the same way for
what is stored and what is typed into the search, so that their blind
indexes (``crypto.blind_index``) match exactly and only exactly."""

import re
from datetime import date

from . import crypto

POSTCODE = re.compile(r"\b(\d{4})\s?([a-z]{2})\b")
# the house number: a number after the street name, or right after the postcode
HOUSE_NUMBER_BEFORE = re.compile(r"[a-z]\s+(\d{1,5})(?:\s*[a-z]\b|\s*-|\s*,|\s*$)")
HOUSE_NUMBER_AFTER = re.compile(r"^\s*,?\s*(\d{1,5})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
DUTCH_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
SCOPES = ("kvk", "bag", "postcode", "person")


def norm(value):
    return re.sub(r"[^0-9a-z]", "", (value or "").lower())


def postcode_house_number(value):
    """'Dorpsstraat 1, 7551 AB Hengelo' or '7551AB 1' -> '7551ab|1'."""
    text = (value or "").lower()
    match = POSTCODE.search(text)
    if not match:
        return False
    postcode = match.group(1) + match.group(2)
    before = HOUSE_NUMBER_BEFORE.search(text[: match.start()])
    after = HOUSE_NUMBER_AFTER.search(text[match.end() :])
    number = (before or after) and (before or after).group(1)
    return number and f"{postcode}|{int(number)}"


def birth_date(value):
    """A date of birth typed as 1982-03-05 or 05-03-1982 -> its ISO form."""
    text = value or ""
    match = ISO_DATE.search(text)
    if match:
        year, month, day = match.groups()
    else:
        match = DUTCH_DATE.search(text)
        if not match:
            return False, text
        day, month, year = match.groups()
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return False, text
    return found.isoformat(), text[: match.start()] + text[match.end() :]


def person(name, born):
    born_iso = birth_date(born)[0]
    return norm(name) and born_iso and f"{norm(name)}|{born_iso}"


def subject_values(kvk_number, bag_id, address, name, born):
    """{scope: normalised value} of a stored subject."""
    return {
        "kvk": norm(kvk_number),
        "bag": norm(bag_id),
        "postcode": postcode_house_number(address),
        "person": person(name, born),
    }


def typed_values(text):
    """{scope: normalised value} that what a user typed could stand for."""
    digits = norm(text)
    born, rest = birth_date(text)
    return {
        "kvk": digits if digits.isdigit() else False,
        "bag": digits if digits.isdigit() else False,
        "postcode": postcode_house_number(text),
        "person": born and norm(rest) and f"{norm(rest)}|{born}",
    }


def key(env, scope, value):
    return crypto.blind_index(env, f"search-{scope}", value) if value else False
