"""Questions that state a profile in words ("我们是黑龙江注册一年的规上企业，能申请数字化车间吗？") are
answered by the eligibility engine, each verdict cited with the indexed clause that sets it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.understand import asked_level, understand
from assistant.domain import Answer, Chunk, Citation
from assistant.eligibility import Programme, Source
from assistant.eligibility.answer import NO_PROGRAMME_REPLY
from assistant.eligibility.conversation import FIRST_PERSON
from assistant.eligibility.free_text import answer_eligibility, parse_profile, wants_eligibility
from assistant.eligibility.indexed import ABOLISH_PHRASE, abolished_in, draft_indexed
from assistant.knowledge import KnowledgeBase, Snapshot

# appended when a cited rule's document is not in the index (its clause is cited from the programme file)
NOT_INDEXED = "注：{docs} 未入库，上述相关条款按内置项目文件引用；上传该文件后可核对原文。"
# a company named by its registered name: a third party the lists answer about, not the asker
_NAMED_COMPANY = re.compile(r"[\u4e00-\u9fff]{2,}(?:股份有限公司|有限责任公司|有限公司|集团公司)")
# fields that alone do not describe an asker ("获评示范工厂的企业能拿多少" names a title, not a profile)
_CONTEXT_ONLY = {"province", "city", "applicant_kind", "titles", "project_kind"}


class EligibilityHook:
    """A chat hook: returns an Answer when the question asks "can we apply" and states facts about the asker."""

    def __init__(self, kb: KnowledgeBase, programmes: Sequence[Programme]) -> None:
        self.kb = kb
        self.programmes = list(programmes)
        self._drafts: tuple[int, list[Programme]] = (-1, [])  # (generation of the index drafted, its drafts)
        self._by_doc: dict[str, list[Programme]] = {}  # drafts by doc_id, kept while the document is

    def reload(self, programmes: Sequence[Programme]) -> None:
        """New reviewed programmes (a draft was saved after review): drafts are sorted out again, the
        documents they now cover left out."""
        self.programmes = list(programmes)
        self._drafts = (-1, [])

    def all_programmes(self) -> list[Programme]:
        """The reviewed programmes and the drafts of the indexed documents (redrafted when the index changes)."""
        snap = self.kb.snapshot
        if self._drafts[0] != snap.generation:
            gone = abolished_in(snap.texts_with(ABOLISH_PHRASE))
            self._drafts = (snap.generation, draft_indexed(snap.by_doc, self.programmes, cache=self._by_doc,
                                                           metas=snap.docs, gone=gone))
        return self.programmes + self._drafts[1]

    def __call__(self, question: str, evidence: list[Chunk]) -> Answer | None:
        if not wants_eligibility(question):
            return None
        asked = understand(question)
        if asked.summed or asked.versions:
            # "评上了省级示范车间…省里奖补加市级配套，一共能拿多少": a sum over two levels' rules for a title
            # already held is a calculation over the clauses (the answer composer's total), and "按老办法…
            # 现在按哪个标准" asks which version of the text applies: both are answered from the clauses,
            # which know the versions, not by checking the conditions of the programmes in force
            return None
        profile, _ = parse_profile(question)
        if not (FIRST_PERSON.search(question) or set(profile.known()) - _CONTEXT_ONLY):
            return None  # nothing about the asker: a question about the rules, answered from the text
        if _NAMED_COMPANY.search(question) and not FIRST_PERSON.search(question):
            return None  # about a named company (a list lookup), not the asker
        text, sources, verdicts = answer_eligibility(question, self.all_programmes())
        if not verdicts:
            # no programme named: the text answers; a question for the asker's place is our answer
            return None if text == NO_PROGRAMME_REPLY else Answer(text, mode="extractive")
        levels = {p.id: p.level for p in self.all_programmes()}
        if asks_another_level(question, [levels.get(v.programme_id, "") for v in verdicts]):
            return None
        citations = tuple(self._citation(n, src) for n, src in enumerate(sources, start=1))
        missing = sorted({f"《{src.doc}》" for src in sources
                          if find_quote(self.kb.snapshot, src.quote, src.doc_no, src.doc) is None})
        if missing:  # a built-in programme whose document is not indexed: say so
            text += "\n\n" + NOT_INDEXED.format(docs="、".join(missing))
        return Answer(text, citations=citations, mode="extractive")

    def _citation(self, n: int, src: Source) -> Citation:
        chunk = find_quote(self.kb.snapshot, src.quote, src.doc_no, src.doc)
        if chunk is None:  # the rule's document is not indexed: cite the rule's own record of it
            return src.to_citation(n)
        c = Citation.from_chunk(n, chunk)
        return Citation(**{**c.to_dict(), "section": src.clause or c.section})


def asks_another_level(question: str, levels: Sequence[str]) -> bool:
    """The question asks one level of government's rules ("省里呢？" → "…，省里能奖多少？") and no programme
    the engine answers with is of that level (only the city's programme has the title): the clauses of
    the level asked answer instead (its award may be no programme the engine drafted), not the other
    level's verdict once more."""
    level = asked_level(question)
    return bool(level) and level not in levels


def find_quote(snapshot: Snapshot, quote: str, doc_no: str = "", title: str = "") -> Chunk | None:
    """The chunk containing `quote` (whitespace/width-insensitive), preferring the named document
    (looked up in the local index's normalised texts)."""
    return snapshot.find_quote(quote, doc_no, title)
