"""What the asker said about their enterprise over a conversation → one profile, so facts stated in
the chat ("我们是宁波的规上企业，营收8000万，研发占比3.5%") fill the 申报自评 form and the API profile.

The carrier is the chat's conversation state: the facts it keeps (`Answer.state["facts"]`) and the
questions that speak of the asker. Each text is read on its own; a later figure replaces an earlier one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from assistant.eligibility.extract import parse_profile

__all__ = ["FIRST_PERSON", "conversation_profile", "speaks_of_asker"]

FIRST_PERSON = re.compile(r"我们|我司|我厂|我公司|本企业|本公司|本厂|咱们|\b(?:we|our|us)\b", re.I)


def speaks_of_asker(text: str) -> bool:
    """The text is about the asker's own enterprise (我们 / 我司 / 本企业 …)."""
    return FIRST_PERSON.search(text) is not None


def conversation_profile(texts: Iterable[str]) -> dict[str, Any]:
    """The profile fields the asker stated, as `Profile.from_dict` input (later texts win).

    Args:
        texts: The conversation state's facts and the asker's questions, oldest first; texts that do
            not speak of the asker (a question about the rules, or about another company) are skipped.
    """
    out: dict[str, Any] = {}
    for text in texts:
        if text and speaks_of_asker(text):
            profile, _ = parse_profile(text)
            out.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in profile.items
                        if v is not None})
    return out
