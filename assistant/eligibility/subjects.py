"""What a document recognises or rewards: the titles, levels and support items ("subjects") its
clauses speak of, and which subject each sentence belongs to.

A subject is declared by the grammar of official documents — a heading naming it (（二）基础型5G工厂,
（二）数字化车间条件), 申报X，…, X应符合以下条件, 对新认定的X / 认定为X的 / 入选X的 … with an amount,
or the first cell of a reward table row — and is a noun phrase ending in a title head (车间, 工厂,
项目, 供应商 …). A qualifier naming the document's own level (省级 in a provincial text, 市级 in a
city's) does not make another subject: 省级智能工厂 and 智能工厂 are one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.eligibility.clauses import MARKER, Sentence, strip_marker

__all__ = ["Subjects", "declared", "label_subject", "path_subject", "title_subject"]

# The last word of a title or support item (a noun phrase naming what is recognised or paid for).
TITLE_HEADS = ("车间", "工厂", "生产线", "项目", "供应商", "场景", "单位", "配套", "服务", "用云",
               "补助", "补贴", "奖励", "奖补")
# Heads that name a part of a rule rather than a subject (晋级奖励, 比例上浮 …) are caught because
# they carry no rule of their own: `Subjects.with_content` drops subjects without criteria or money.
_MIN_TITLE, _MAX_TITLE = 3, 24  # shorter: a bare head (车间, 奖励); longer: a sentence, not a title
_LABEL_TAIL = re.compile(r"(?:的)?(?:认定|申报|基本|评定)?(?:条件|标准|要求)$")
_APPLY = re.compile(r"^申(?:报|请)(?:认定)?(?P<x>[^，。；：、？]{2,30})")
# 黑龙江省数字化车间分为基础级和先进级 / 省级5G工厂分为基础型和标杆型两类: a title and its levels
_LEVELS = re.compile(r"(?P<x>[^，。；：、]{2,24}?)分为(?P<a>[^，。；和、]{2,6}?)(?:和|与|、)(?P<b>[^，。；和、]{2,6}?)(?:两类|两级|两个层级|。|，|$)")
_APPLY_END = re.compile(r"(?:奖励|奖补|补助|补贴)?(?:的单位|的企业|，|需要|应|须|的条件|要满足|$)")
_SHALL = re.compile(r"^(?P<x>[^，。；：、]{2,24}?)应(?:当)?(?:同时)?(?:符合|满足|具备|达到)以下")
_GRANTED = re.compile(
    r"(?:新认定的|被认定为|认定为|认定的|入选|获评|评为|荣获)(?P<x>[^，。；：、的]{2,40}?)(?:的(?:企业|项目)?)?(?:，|后|$|。)"
)
# 对基础级智能工厂（数字化车间）项目，给予50万元奖励: the item paid for, named right after 对
_FOR = re.compile(r"(?:^|[，。；])对(?P<x>[^，。；：、的]{3,30}?)[，,](?:按照?|给予|一次性)")
_AND = re.compile(r"和|及|、")


# A phrase with a threshold or a modal verb states a rule, not a title (已建成不少于2个示范车间,
# 每家企业只能享受一次诊断服务补贴, 申请奖补的项目).
_RULE_WORDS = re.compile(r"[0-9０-９]+个|不少于|不低于|以上|只能|不得|应当|[应须](?=[符满具达在不为按])|已|的")


def _is_title(x: str) -> bool:
    return (_MIN_TITLE <= len(x) <= _MAX_TITLE and x.endswith(TITLE_HEADS) and "？" not in x
            and not _RULE_WORDS.search(x))


def _applied_for(text: str) -> str:
    """申报X， / 申请X奖励的单位 → X (the first end of the phrase that leaves a title)."""
    m = _APPLY.search(text)
    if m is None:
        return ""
    rest = m.group("x")
    for end in _APPLY_END.finditer(rest):
        if end.start() and _is_title(rest[: end.start()]):
            return rest[: end.start()]
    return ""


_IN_TITLE = re.compile(
    r"(?:年度|开展|组织|关于|印发)(?P<x>[^，。《》“”]{2,24}?(?:" + "|".join(TITLE_HEADS) + r"))"
    r"(?:申报|认定|评定|奖励|奖补|建设|培育|工作|管理)"
)


def title_subject(title: str) -> str:
    """The title a document's own name is about (关于开展2025年度市级数字化车间申报工作的通知 → 市级数字化车间)."""
    m = _IN_TITLE.search(title)
    if m is None:
        return ""
    x = re.split(r"年度|开展|组织|关于|印发", m.group("x"))[-1]  # the words after the last lead word
    return x if _is_title(x) else ""


def label_subject(label: str) -> str:
    """The subject a heading names ("（二）数字化车间条件" → 数字化车间), or ""."""
    text = strip_marker(label).strip("。：: ")
    if x := _applied_for(text):
        return x
    if (m := _GRANTED.search(text)) and _is_title(m.group("x")):
        return m.group("x")
    text = _LABEL_TAIL.sub("", text)
    return text if _is_title(text) and not re.search(r"[，；。？]", text) else ""


def declared(text: str, pays: bool) -> list[str]:
    """Subjects a sentence declares: 申报X， / X应符合以下条件 always; 对新认定的X … only when the
    sentence pays something (`pays`), else it merely mentions a title."""
    body = strip_marker(text)
    if x := _applied_for(body):
        return [x]
    if (m := _SHALL.search(body)) and _is_title(m.group("x")):
        return [m.group("x")]
    if not pays:
        return []
    out = []
    for m in _FOR.finditer(body):
        if _is_title(m.group("x")) and not _GRANTED.search(m.group("x")):
            out.append(m.group("x"))
    for m in _GRANTED.finditer(body):
        x = m.group("x")
        if "分别" in body and _AND.search(x):
            parts = [p for p in _AND.split(x) if p]
            # 省级智能工厂和数字化车间: the qualifier of the first part holds for the second
            out += [p for p in parts if _is_title(p)]
        elif _is_title(x):
            out.append(x)
    return out


@dataclass
class Subjects:
    """The subjects of one document, keyed so that level qualifiers of its own level fold together."""

    own_level: tuple[str, ...]  # qualifiers meaning "of this document's level" (省级, 四川省 …)
    display: dict[str, str] = field(default_factory=dict)  # key → the title as first written
    marks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key → the path where a heading named it
    annex: dict[str, str] = field(default_factory=dict)  # key → the annex (附件N) it is declared in
    children: dict[str, list[str]] = field(default_factory=dict)  # a title → its levels (基础级…, 先进级…)

    def key(self, title: str) -> str:
        for q in sorted(self.own_level, key=len, reverse=True):
            if title.startswith(q) and len(title) - len(q) >= 2:
                return title[len(q):]
        return title

    def add(self, title: str, path: tuple[str, ...] = (), annex: str = "") -> str:
        k = self.key(title)
        self.display.setdefault(k, title)
        if path:
            self.marks.setdefault(k, path)
        if annex:
            self.annex.setdefault(k, annex)
        return k

    def add_levels(self, text: str, annex: str = "") -> None:
        """A sentence dividing a title into levels adds one subject per level, under the title."""
        m = _LEVELS.search(strip_marker(text))
        if m is None or not _is_title(m.group("x")):
            return
        parent = self.add(m.group("x"), annex=annex)
        prefix = m.group("x")[: len(m.group("x")) - len(parent)]
        for level in (m.group("a"), m.group("b")):
            child = self.add(prefix + level + parent, annex=annex)
            self.children.setdefault(parent, []).append(child)

    def find(self, phrase: str) -> str | None:
        """The subject a short reference means (示范车间 → 省级智能制造示范车间); None if none or unclear."""
        k = self.key(phrase)
        if k in self.display:
            return k
        hits = [s for s in self.display if k in s]
        # a short name in a document means its own level's title, not a national one it also rewards
        own = [s for s in hits if not s.startswith(("国家", "工业和信息化部"))]
        pool = own or hits
        return pool[0] if pool else None

    def start_reference(self, text: str) -> str | None:
        """A subject the sentence opens with (示范车间项目自2023年… → 示范车间)."""
        body = strip_marker(text)
        for n in range(min(len(body), _MAX_TITLE), _MIN_TITLE, -1):
            head = body[:n]
            if head.endswith(TITLE_HEADS) and (k := self.find(head)):
                return k
        return None

    def mentioned(self, text: str) -> list[str]:
        """Subjects a sentence names anywhere (in full or by their last four characters)."""
        out = []
        for k in self.display:
            if k in text or self.display[k] in text or (len(k) > 4 and k[-4:] in text and self.find(k[-4:]) == k):
                out.append(k)
        return out

    def item_reference(self, text: str, path: Sequence[str]) -> str | None:
        """第（一）项 → the subject whose heading is item （一） of the same list."""
        m = re.search(r"第([（(][一二三四五六七八九十]+[)）])项", text)
        if m is None:
            return None
        for k, where in self.marks.items():
            mark = MARKER.match(where[-1]) if where else None
            if mark and mark.group(1).replace("(", "（").replace(")", "）") == m.group(1).replace("(", "（").replace(
                    ")", "）") and tuple(where[:-1]) == tuple(path[: len(where) - 1]):
                return k
        return None


def path_subject(subjects: Subjects, sentence: Sentence, title: str = "") -> str | None:
    """The subject of the innermost heading above a sentence that names one (the heading that is
    the document's own title excepted)."""
    for label in reversed(sentence.path):
        if title and label in title:
            continue
        if (x := label_subject(label)) and (k := subjects.find(x)):
            return k
    return None
