"""Password rules after NCSC guidance: length over complexity, and no very common passwords.

No composition rules (they push people to predictable patterns) and no forced expiry; instead a
minimum length, a generous maximum, and a deny list: the 30,000 most common passwords from
leaked-password corpora, as shipped in the zxcvbn package (Dropbox), plus words tied to this
service and to the account itself.
"""

from __future__ import annotations

import re

from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 10
MAX_LENGTH = 256
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])
SERVICE_WORDS = ("engage", "police", "commissioner", "opcc", "gloucestershire")


def _normalised(password: str) -> str:
    return password.strip().lower()


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Why `password` may not be used, in words a user can act on; empty when it is fine."""
    if len(password) < MIN_LENGTH:
        return [
            f"Password must be {MIN_LENGTH} characters or more. "
            "Three random words make a long password that is easy to remember"
        ]
    if len(password) > MAX_LENGTH:
        return [f"Password must be {MAX_LENGTH} characters or fewer"]
    plain = _normalised(password)
    stripped = re.sub(r"[\d\W_]+$", "", plain)
    if plain in COMMON_PASSWORDS or stripped in COMMON_PASSWORDS:
        return [
            "That password is one of the most commonly used. Choose one that is harder to guess"
        ]
    if len(set(plain)) <= 2:
        return ["Password must not repeat one or two characters. Try three random words"]
    name = name.lower()
    personal = {email.lower(), email.lower().split("@")[0], name, name.replace(" ", "")} - {""}
    if stripped in personal or plain in personal or stripped in SERVICE_WORDS:
        return ["Password must not be your name, your email address or the name of this service"]
    return []
