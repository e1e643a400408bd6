"""The teleconsultation itself (issue 14): modality, where the patient is, consent, the private link.

One home for each rule; the services (booking, series, import) and so the
CLI and the app call these. Pure: stdlib and the domain only.
"""

from __future__ import annotations

import re
import secrets
import urllib.parse

from telecoop.domain import model as m
from telecoop.domain.errors import BadInput, NotPermitted

# --------------------------------------------------------------------------- #
# Modality
# --------------------------------------------------------------------------- #

#: The words ``--mode`` and the import accept: the three modes, and ``room``
#: (the word before in-person) for scripts and files written before issue 14.
MODE_WORDS = tuple(x.value for x in m.Mode) + ("room",)


def parse_mode(text: str | m.Mode) -> m.Mode:
    """``video``, ``phone``, ``in-person`` (or its old name ``room``); BadInput otherwise."""
    word = str(text.value if isinstance(text, m.Mode) else text or "").strip().lower()
    if word not in MODE_WORDS:
        raise BadInput("field.choice", value=word[:40], field="mode", choices=", ".join(x.value for x in m.Mode))
    return m.Mode(word)


def is_remote(mode: m.Mode) -> bool:
    """A video or phone visit: the patient is elsewhere, so location and consent matter."""
    return mode in m.REMOTE_MODES


# --------------------------------------------------------------------------- #
# Where the patient is, and where the clinician may practise
# --------------------------------------------------------------------------- #

#: Canada's provinces and territories (ISO 3166-2:CA without the prefix).
PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
DEFAULT_PROVINCE = "QC"


def province(text: str | None, field: str = "patient_location") -> str:
    """A province or territory code (any case; empty: QC)."""
    code = (text or "").strip().upper() or DEFAULT_PROVINCE
    if code not in PROVINCES:
        raise BadInput("field.choice", value=code[:40], field=field, choices=", ".join(PROVINCES))
    return code


def licences(text: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A clinician's licences: province codes separated by spaces or commas (empty: QC)."""
    if isinstance(text, (tuple, list)):
        words = [str(w) for w in text]
    else:
        words = re.split(r"[\s,]+", (text or "").strip())
    codes = [province(w, "licences") for w in words if w.strip()]
    return tuple(dict.fromkeys(codes)) or (DEFAULT_PROVINCE,)


def check_location(mode: m.Mode, patient_location: str, clinician: str, licensed: tuple[str, ...]) -> None:
    """Refuse (exit 1) a video or phone visit for a patient where the clinician holds no licence.

    In person, the patient is where the clinician practises: no check.
    """
    if is_remote(mode) and patient_location not in licensed:
        raise NotPermitted(
            "tc.not_licensed", clinician=clinician, where=patient_location, licences=" ".join(licensed)
        )


# --------------------------------------------------------------------------- #
# Consent
# --------------------------------------------------------------------------- #


def check_consent(mode: m.Mode, consent: bool) -> None:
    """A video or phone visit needs the patient's consent to a teleconsultation, recorded at booking.

    The refusal (exit 1) says what to ask the patient.
    """
    if is_remote(mode) and not consent:
        raise NotPermitted("tc.consent_missing", mode=mode.value)


def switch_needs_consent(old: m.Mode, new: m.Mode, consent_on_record: bool) -> bool:
    """Whether switching a visit from ``old`` to ``new`` needs the patient's consent now.

    A visit becoming remote needs it; the consent on record stands only
    between video and phone. A patient who came back to in person has
    withdrawn from the remote visit: going remote again is asked afresh.
    """
    return is_remote(new) and not (is_remote(old) and consent_on_record)


# --------------------------------------------------------------------------- #
# Law 25: no health-insurance number, anywhere
# --------------------------------------------------------------------------- #

#: A RAMQ health-insurance number: four letters, eight digits (spaces or
#: dashes between groups are how people type it, so they are ignored).
RAMQ_RE = re.compile(r"[A-Z]{4}\d{8}")
_SEPARATORS = re.compile(r"[\s\-._/]+")


def looks_like_health_number(text: str) -> bool:
    """Whether ``text`` holds a RAMQ-shaped number (any case, any spacing)."""
    return RAMQ_RE.search(_SEPARATORS.sub("", text or "").upper()) is not None


def check_patient_reference(text: str) -> str:
    """Refuse a patient reference that holds a health-insurance number (Law 25: collect the least)."""
    if looks_like_health_number(text):
        raise BadInput("tc.health_number")
    return text


# --------------------------------------------------------------------------- #
# Interpreters
# --------------------------------------------------------------------------- #


def interpreter_languages(words: tuple[str, ...]) -> tuple[str, ...]:
    """An interpreter's languages: at least two (they interpret between any two of them)."""
    if len(set(words)) < 2:
        raise BadInput("tc.interpreter_two_languages")
    return words


def needs_interpreter(patient_language: str | None, clinician_languages: tuple[str, ...]) -> bool:
    return bool(patient_language) and patient_language not in clinician_languages


def interprets(interpreter: m.Resource, patient_language: str, clinician_languages: tuple[str, ...]) -> bool:
    """Whether ``interpreter`` speaks the patient's language and one the clinician speaks."""
    return patient_language in interpreter.languages and any(
        lang in interpreter.languages for lang in clinician_languages if lang != patient_language
    )


# --------------------------------------------------------------------------- #
# The private per-visit link
# --------------------------------------------------------------------------- #

#: Random bytes in each link: 18 bytes = 144 bits (at least 128, the issue's floor).
LINK_BYTES = 18
_HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$")


def platform_address(text: str) -> str:
    """A co-op's approved video platform: an https address with a host, no query or fragment ("" none)."""
    value = (text or "").strip()
    if not value:
        return ""
    parts = urllib.parse.urlsplit(value)
    if (
        len(value) > 200
        or parts.scheme != "https"
        or not _HOST_RE.match(parts.netloc.lower())
        or parts.query
        or parts.fragment
        or any(ord(ch) < 33 or ord(ch) == 127 for ch in value)
    ):
        raise BadInput("tc.platform_https", value=value[:80])
    return value.rstrip("/") + "/"


def new_visit_link(platform: str) -> str:
    """The co-op's platform address plus a fresh token of at least 128 random bits."""
    base = platform_address(platform)
    if not base:
        raise NotPermitted("tc.no_platform")
    return base + secrets.token_urlsafe(LINK_BYTES)
