"""Which version applies: "我们按旧办法认定的，奖励还没发，现在按哪个标准？" is answered by the revised
document's transitional clause ("本办法施行前已按原办法认定但尚未兑现奖励的项目，继续按原办法标准执行"), not by
the notice that says the document was revised.

Grammar of official documents: (本办法)施行/实施/印发(之日)前…的，(继续|仍)按(照)原/旧…执行, and
过渡期 clauses; a question about versions (understand: 旧办法, 原办法, 修订前) that asks which one applies.
"""

from __future__ import annotations

import re

from assistant.answer.understand import understand
from assistant.core.text import normalize_for_match

# a transitional clause: what was begun under the old text, and the text it stays under
TRANSITION = re.compile(r"(?:施行|实施|印发|发布|修订)(?:之日)?(?:前|以前)[^。；;]{0,60}?(?:继续|仍|仍然|依然|可)?按(?:照)?(?:原|旧|修订前)"
                        r"|过渡期|新老划断|(?:继续|仍|仍然)按(?:照)?(?:原|旧)[^。；;]{0,20}?执行")
# asks which of the versions applies to the asker's case
_WHICH = re.compile(r"按哪|哪个标准|哪一?版|哪个办法|哪套|适用哪|执行哪|按什么标准|还按|还是按|还能按|新办法还是|which (?:rules|version)",
                    re.IGNORECASE)


def asks_which_version(question: str) -> bool:
    """The question is about versions of a text and asks which one applies ("…按旧办法认定的，现在按哪个标准？")."""
    return understand(question).versions and bool(_WHICH.search(question))


def is_transitional(sentence: str) -> bool:
    """The sentence says which text applies to what was begun under the earlier one."""
    return bool(TRANSITION.search(normalize_for_match(sentence)))
