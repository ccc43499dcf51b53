"""What a request asks about, without how it wants the answer written.

"帮我起草一份申报准备清单：报广东省5G工厂要交哪些材料？" asks about 5G工厂的申报材料; "帮我起草一份申报准备清单"
only says how to write it. The words of such framing (写, 起草, 整理成表, 给领导…) name no clause of any
document, yet they weigh in a question's word coverage: an answer type that needs a share of the
question's words found in a passage would then find none. This is the grammar of requests, not of
any document.
"""

from __future__ import annotations

import re

# verbs and nouns of writing an answer up: the asker's instruction, never the subject of a clause
_WRITE = (r"(?:写|起草|草拟|拟|撰写|整理|梳理|汇总|列|做|出|制作|形成|准备|画)"
          r"(?:一下|一份|一段|一张|一个|个|份|段|张|成|出)?")
_FORM = r"(?:表格?|清单|提示|简要|简报|摘要|说明|材料|稿|报告|总结|要点|对比表|时间表|一览表|对比)"
# a first clause that is only the instruction: "帮我给企业写一段政策提示：", "我在做各地政策对比表："
_PREFIX = re.compile(rf"^(?:请|麻烦|能否|可否|能不能)?(?:你)?(?:帮我|帮忙|替我|给我|我在|我要|我想|我需要)?[^，,：:。？?]{{0,10}}?{_WRITE}"
                     rf"[^，,：:。？?]{{0,12}}?{_FORM}?[^，,：:。？?]{{0,4}}[：:，,]\s*")
# a closing instruction: "…整理成一张时间表。", "…，做个对比。", "列个表"
_SUFFIX = re.compile(rf"[，,]?\s*(?:并|再|帮我|请)?{_WRITE}[^，,。？?]{{0,8}}?{_FORM}[。.!！]?\s*$")
MAX_INSTRUCTION_SHARE = 0.6  # framing longer than this share of the text is probably content after all


def content_of(question: str) -> str:
    """The question without an opening or closing writing instruction (unchanged when it has none,
    or when what is left would be too short to be a question)."""
    text = question.strip()
    m = _PREFIX.match(text)
    if m and m.end() <= MAX_INSTRUCTION_SHARE * len(text):
        text = text[m.end():]
    m = _SUFFIX.search(text)
    if m and len(m.group(0)) <= MAX_INSTRUCTION_SHARE * len(text) and m.start() > 0:
        text = text[:m.start()]
    return text if len(text) >= 4 else question
