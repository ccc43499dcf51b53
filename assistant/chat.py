"""The answer chain: condense a follow-up → retrieve → compose (extractive or LLM) → verify citations."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer import followup, guard
from assistant.answer import rows as rows_mod
from assistant.answer.calculate import fmt
from assistant.answer.compose import Composer, Composition, Context, join_compositions
from assistant.answer.compose.enumeration import GENERIC_TERMS
from assistant.answer.followup import State
from assistant.answer.retrieve import Filters, retrieve, retrieve_per_region
from assistant.answer.scope import Scope, prefer_current, prefer_national, scope_for
from assistant.answer.terms import named
from assistant.answer.typos import Homophones
from assistant.answer.understand import Question, understand
from assistant.citations import format_evidence, llm_answer_problem, verify
from assistant.core import gazetteer
from assistant.domain import Answer, Chunk, SearchHit
from assistant.errors import BadInput
from assistant.knowledge import KnowledgeBase
from assistant.lexical import field_terms, tokenize
from assistant.prompts import Prompts

log = logging.getLogger(__name__)
History = Sequence[tuple[str, str]]  # (user, assistant) turns
PER_PLACE = 3  # passages per place in a comparison: its best clause and the clauses next to it
MAX_SCOPE_DOCS = 200  # documents named into a place's scope by title, at most (each is a chroma filter term)
# Given a question and its evidence, a hook may answer on its own (the eligibility engine does).
Hook = Callable[[str, list[Chunk]], Answer | None]


@dataclass
class Assistant:
    """Answers questions over the knowledge base; an LLM is optional."""

    kb: KnowledgeBase
    prompts: Prompts
    llm: BaseChatModel | None = None
    hooks: tuple[Hook, ...] = ()

    # ------------------------------------------------------------------ public
    def search(self, query: str, k: int = 8, filters: dict[str, Any] | None = None) -> list[SearchHit]:
        """Ranked chunks for `query` (no answer composed), ranked as an answer to it would rank them:
        within the place it names, current text first."""
        query = self._check(query)
        return self._hits(understand(query), Filters.from_dict(filters), k)

    def answer(self, question: str, history: History | None = None, filters: dict[str, Any] | None = None,
               state: dict[str, Any] | None = None) -> Answer:
        """The full answer object (see domain.Answer); `state` is the previous Answer.state, if kept."""
        final: Answer | None = None
        for event in self.stream(question, history, filters, state):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final

    def stream(self, question: str, history: History | None = None,
               filters: dict[str, Any] | None = None, state: dict[str, Any] | None = None) -> Iterator[str | Answer]:
        """Text deltas while the answer is written, then the final, verified Answer.

        The final Answer is authoritative: when LLM output fails citation checks it is replaced
        by the extractive answer.
        """
        t0 = time.perf_counter()
        question = self._check(question)
        flt = Filters.from_dict(filters)
        names = self._names()
        before = State.from_dict(state) if state is not None else followup.replay(tuple(history or ()), names)
        refusal = self._refusal(question, before.topic or " ".join(before.facts), history or ())
        if refusal is not None:
            yield replace(refusal, state=before.to_dict())
            return
        standalone = self._condense(question, history or (), before, names)
        if guard.is_injection(standalone):  # a condensed question (by the LLM, or with carried facts) is checked too
            yield replace(Answer(guard.REFUSAL_INJECTION, refused=True), question=question, state=before.to_dict())
            return
        standalone = self._homophones().correct(standalone, tokenize(standalone), self.kb.snapshot.knows)
        after = followup.update(before, question, standalone, names).to_dict()
        q = understand(followup.for_search(standalone))  # "哪个最短" picks from what is found; it finds nothing
        missing = self._no_local_documents(q, flt)
        if missing is not None:
            yield from _pieces(missing.answer)
            yield replace(missing, question=question, state=after)
            return
        t1 = time.perf_counter()
        evidence, compare = self._evidence(q, flt)
        t2 = time.perf_counter()
        hooked = self._hooked(standalone, evidence, flt, guard.is_english(question))
        if hooked is not None:
            yield from _pieces(hooked.answer)
            answer = hooked
        else:
            answer = yield from self._compose(question, standalone, evidence, compare, flt)
        t3 = time.perf_counter()
        timings = {"condense_ms": _ms(t0, t1), "retrieve_ms": _ms(t1, t2), "compose_ms": _ms(t2, t3),
                   "total_ms": _ms(t0, t3)}
        yield replace(answer, question=question, evidence=answer.evidence or tuple(evidence), timings=timings,
                      state=after)

    # ------------------------------------------------------------------ steps
    def _hooked(self, standalone: str, evidence: list[Chunk], flt: Filters, english: bool) -> Answer | None:
        """A hook's answer; the parts of the question no hook answers on their own ("能补多少？分几次给？": the
        payment schedule is no eligibility question) are answered from the clauses after it, cited on."""
        answer = next((a for hook in self.hooks if (a := hook(standalone, evidence)) is not None), None)
        if answer is None:
            return None
        parts = sub_questions(standalone, self._names())
        left = [p for p in parts[1:] if all(hook(p, []) is None for hook in self.hooks)] if len(parts) >= 2 else []
        if not left:
            return answer
        comp, used = self._answer_parts(left, flt, english)
        text, cites = verify(comp.text, comp.chunks)
        k = len(answer.citations)
        text = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + k}]", text)
        cites = [replace(c, n=c.n + k) for c in cites]
        return replace(answer, answer=f"{answer.answer}\n\n{text}", citations=(*answer.citations, *cites),
                       evidence=tuple(evidence) + tuple(c for c in used if c not in evidence))

    def _refusal(self, question: str, previous: str, history: History = ()) -> Answer | None:
        """A polite refusal for attempts on the instructions and for questions outside the field
        (a short follow-up of an in-domain question is in the field: "那四川呢？")."""
        # an attempt in an earlier turn is refused too: a client may send any history it likes
        if guard.is_injection(question) or any(guard.is_injection(u) for u, _ in history):
            return Answer(guard.REFUSAL_INJECTION, refused=True, question=question)
        known = self.kb.snapshot.knows
        follows = bool(previous) and guard.in_domain(previous, known) and (
            followup.is_follow_up(question, State(topic=previous)) or followup.asks_for_me(question)
            or guard.mostly_known(question, known))
        if not guard.in_domain(question, known) and not follows:
            return Answer(guard.REFUSAL_OUT_OF_DOMAIN, refused=True, question=question)
        return None

    def _evidence(self, q: Question, flt: Filters) -> tuple[list[Chunk], bool]:
        """The evidence passages, and whether the question compares places or documents."""
        compare = q.compare or len(self._compared(q, flt)) >= 2
        k = self.kb.settings.retrieval.k + (2 if compare else 0)
        return [h.chunk for h in self._hits(q, flt, k)], compare

    def _compared(self, q: Question, flt: Filters) -> list[str]:
        if flt.region:
            return []
        if q.every_place:
            return self.kb.local_regions()  # "各地…有什么不同": every place the index has rules for
        return list(q.compared)

    def _hits(self, q: Question, flt: Filters, k: int) -> list[SearchHit]:
        """Retrieval for an analysed question: per place when it compares places, else within the
        place it names (its own text first), current documents before repealed ones."""
        regions = self._compared(q, flt)
        place = None
        if q.scope is not None and not flt.region and not flt.regions:
            scope = self._scope(q.region)
            docs = self.kb.snapshot.docs
            # documents of other regions whose titles or sheets name the place (a two-province list);
            # those of the scope's own regions are in already, and a chroma filter holds only so many ids
            extra = sorted(d for d in scope.docs if d in docs and docs[d].region not in scope.regions)
            flt = replace(flt, regions=scope.regions, doc_ids=tuple(extra[:MAX_SCOPE_DOCS]))
            place = scope.prefer()
        prefer = prefer_current(q.now, place, q.versions, q.older)
        if q.national and not q.places and not q.every_place:
            prefer = prefer_national(prefer)
        if q.summed and not flt.region:  # "省里和市里一共多少": each level's rules searched on their own
            regions = list(q.summed)
        if len(regions) >= 2:
            return retrieve_per_region(self.kb, q.text, regions, max(PER_PLACE, k // len(regions)), flt,
                                       words_for=q.without_other_places, prefer=prefer)
        return retrieve(self.kb, q.text, k, flt, compare=q.compare, prefer=prefer)

    def _scope(self, region: str) -> Scope:
        """The place's scope in the index (its regions, and documents whose titles or sheets name it),
        worked out over every document once for each version of the index."""
        snap = self.kb.snapshot
        return cast(Scope, snap.memo(("scope", region), lambda: scope_for(region, snap.regions, snap.titles)))

    def _no_local_documents(self, q: Question, flt: Filters) -> Answer | None:
        """A question about a place the index has no documents of (nor of its province or cities):
        say so instead of quoting another place's rules."""
        if q.scope is None or q.national or flt.region or flt.regions or q.compared:
            return None
        scope = self._scope(q.region)
        if scope.applies or (scope.docs and rows_mod.wants_list(q.text)):
            return None
        name = q.scope.name
        if scope.inner:  # only its cities' own rules: those are not the place's, and may be asked by name
            parts = "、".join(sorted(scope.inner))
            text = (f"知识库中没有{name}本级的政策文件，因此无法回答{name}本级的规定（文件未提及）。"
                    f"知识库中有其下辖{parts}的文件，可直接询问，例如“{sorted(scope.inner)[0]}的相关规定是什么？”。"
                    f"如需查询{name}本级的规定，请在“知识库”中上传相关文件。")
        else:
            have = "、".join(self.kb.local_regions()[:12])
            text = (f"知识库中没有{name}（及其所属省份、下辖市县）的政策文件，因此无法回答{name}的具体规定（文件未提及）。"
                    + (f"目前收录的地方文件来自：{have}。" if have else "")
                    + f"如需查询，请在“知识库”中上传{name}的相关文件。")
        if guard.is_english(q.text):
            text = (f"The knowledge base holds no documents of {name} (nor of its province or cities), so it does not "
                    f"specify {name}'s rules (文件未提及). Upload {name}'s documents to ask about them.")
        return Answer(text, refused=False, mode="extractive")

    def _compose(self, question: str, standalone: str, evidence: list[Chunk],
                 compare: bool, flt: Filters) -> Generator[str, None, Answer]:
        """The LLM's answer when one is configured and its citations hold; else the extractive one."""
        problem = ""  # why the LLM's answer, when one was asked for, is not the one shown
        if self.llm is not None and evidence:
            drafted = yield from self._llm_answer(standalone, evidence)
            if isinstance(drafted, Answer):
                return drafted
            problem = drafted
        composer, english = self._composer(), guard.is_english(question)
        parts = [] if compare else sub_questions(standalone, self._names())
        used: tuple[Chunk, ...] = ()
        if len(parts) >= 2:  # answer each part with evidence of its own, then one list of citations
            comp, found = self._answer_parts(parts, flt, english)
            used = tuple(found)
        else:
            comp = composer.compose(standalone, evidence, english=english, compare_docs=compare)
        text, cites = verify(comp.text, comp.chunks)
        yield from _pieces(text)
        return Answer(text, citations=tuple(cites), mode="extractive", evidence=used, llm_problem=problem)

    def _answer_parts(self, parts: list[str], flt: Filters, english: bool) -> tuple[Composition, list[Chunk]]:
        """"…评的是什么？按宁波细则它最多能拿多少？": each part retrieved and answered in turn; what an
        earlier part found in a list (the row's 等级) goes with the later parts, so "它" has its title."""
        composer = self._composer()
        comps: list[Composition] = []
        evidence: list[Chunk] = []
        facts: list[str] = []
        previous = ""
        for p in parts:
            text = resolve_reference(" ".join([*(f for f in facts if f not in p), p]), previous)
            ev, _ = self._evidence(understand(text), flt)
            comp = composer.compose(text, ev, english=english)
            comps.append(comp)
            evidence += [c for c in ev if c.chunk_id not in {e.chunk_id for e in evidence}]
            facts += row_facts(comp.chunks)
            if comp.result_wan is not None:  # "补贴总额是多少？第一笔能到账多少？": the total is the next part's base
                facts.append(f"总额{fmt(comp.result_wan)}")
            previous = ev[0].text if ev else ""
        return join_compositions(comps), evidence

    def _homophones(self) -> Homophones:
        """Sounds of the indexed words, for typos such as 公式期 (looked up in the index's terms)."""
        return Homophones(self.kb.snapshot.sounds)

    def _names(self) -> frozenset[str]:
        """Title and project names learned from the indexed text (summed per document as it was indexed)."""
        return self.kb.snapshot.names

    def _check(self, question: str) -> str:
        q = (question or "").strip()
        if not q:
            raise BadInput("the question is empty: ask something, e.g. 智能制造示范工厂的建设期是多长时间？")
        limit = self.kb.settings.max_question_chars
        if len(q) > limit:
            raise BadInput(f"the question has {len(q)} characters; the limit is {limit}: shorten it")
        return q

    def _composer(self) -> Composer:
        snap = self.kb.snapshot
        terms = tuple(t for t in dict.fromkeys([*field_terms(), *sorted(self._names())]) if t not in GENERIC_TERMS)
        return Composer(Context(idf=snap.idf, doc_chunks=snap.chunks_of, subject_terms=terms, known=snap.knows))

    def _condense(self, question: str, history: History, state: State, names: frozenset[str]) -> str:
        """The question as it stands on its own: by the LLM when one is configured and there is history,
        else by the conversation state (assistant.answer.followup)."""
        if history and self.llm is not None:
            try:
                hist = "\n".join(f"用户：{u}\n助手：{a[:300]}" for u, a in history[-3:])
                msg = self.prompts.condense_user.format(history=hist, question=question)
                out = (self.llm | StrOutputParser()).invoke([HumanMessage(msg)]).strip()
                if out:
                    return out
            except Exception as e:  # any provider error: fall back to the rule below
                log.warning("condense via LLM failed (%s); using the conversation state", e)
        return followup.standalone(question, state, names, self._vocabulary)

    def _vocabulary(self, place: str) -> frozenset[str]:
        """The field terms and title names the place's own documents use (those of the place, of the
        province it belongs to and of its cities; national text left out), once per version of the index."""
        found = gazetteer.lookup(place)
        if found is None:
            return frozenset()
        snap = self.kb.snapshot

        def build() -> frozenset[str]:
            scope = self._scope(found.region)
            local = scope.own | scope.related
            text = "\n".join(f"{m.title}\n" + "\n".join(f"{c.section}\n{c.text}" for c in snap.chunks_of(d))
                              for d, m in snap.docs.items() if m.region in local)
            return frozenset(t for t in {*field_terms(), *self._names()} if t in text)

        return cast(frozenset[str], snap.memo(("vocabulary", found.region), build))

    def _chain(self) -> Runnable[dict[str, Any], str]:
        def to_messages(inputs: dict[str, Any]) -> list[BaseMessage]:
            return [SystemMessage(self.prompts.answer_system),
                    HumanMessage(self.prompts.answer_user.format(**inputs))]

        assert self.llm is not None
        return RunnableLambda(to_messages) | self.llm | StrOutputParser()

    def _llm_answer(self, question: str, evidence: list[Chunk]) -> Generator[str, None, Answer | str]:
        """The LLM's answer when its citations hold, else why it was not taken (the extractive one stands).

        The draft is held back until it is checked: a stream never shows a client words the checks refuse
        (an echoed prompt, an invented figure), at the cost of the first token coming with the whole draft.
        """
        inputs = {"evidence": format_evidence(evidence), "question": question}
        pieces: list[str] = []
        try:
            pieces.extend(self._chain().stream(inputs))
        except Exception as e:  # the endpoint failed: the extractive answer still stands
            log.warning("LLM call failed (%s); answering extractively", e)
            return f"the LLM call failed: {type(e).__name__}"
        draft = "".join(pieces)
        problem = llm_answer_problem(draft, evidence, self.prompts.answer_system + "\n" + self.prompts.answer_user,
                                     question)
        text, cites = verify(draft, evidence)
        if not problem and not cites:
            problem = "the answer cites no evidence"
        if problem:  # echoes the prompt, unsupported sentences or figures, no citation: extraction stands
            log.info("LLM answer rejected (%s); falling back to extraction", problem)
            return problem
        yield from pieces
        return Answer(text.strip(), citations=tuple(cites), mode="llm")


def sub_questions(question: str, names: frozenset[str] = frozenset()) -> list[str]:
    """The parts of a question that asks two things ("…？…？"). A later part that only points back
    ("长春新区呢？") is read as a follow-up of the first; one that names its own thing carries the
    first part's places and title names, so "这个平台是哪家单位的" still knows where it is."""
    parts = [p.strip() for p in re.split(r"[？?]", question) if len(p.strip()) >= 2]
    parts = [p for p in parts if len(p) >= 4 or p.endswith("呢")]
    if len(parts) < 2:
        return [question]
    first = understand(parts[0])
    state = followup.update(followup.State(), parts[0], parts[0], names)
    context = " ".join(dict.fromkeys([*(p.short for p in first.places), *named(parts[0], names)]))
    out = [parts[0]]
    for p in parts[1:]:
        if p.endswith("呢"):
            out.append(followup.standalone(p + "？", state, names).rstrip("？?"))
        else:
            out.append(f"{context} {p}".strip())
    return out


def row_facts(chunks: Sequence[Chunk]) -> list[str]:
    """What cited list rows say in their categorical cells (等级：智能工厂), to carry to a later part."""
    out: list[str] = []
    for c in chunks:
        if c.record and c.doc.kind == "case_list":
            out += [v for k, v in c.record.items()
                    if v and not _FACT_SKIP.search(k) and not re.fullmatch(r"[\d\-—年月日./]+", v) and len(v) <= 12]
    return list(dict.fromkeys(out))


_FACT_SKIP = re.compile(r"名称|企业|公司|单位|地区|地址|url|网址|备注|note|序号|行业", re.IGNORECASE)


_REFERENCE = re.compile(r"(?:这个|这些|该|此|上述)([\u4e00-\u9fa5]{1,4}?)(?=是|的|有|在|属于|由|为|叫|[，。？?]|$)")


def resolve_reference(part: str, previous_passage: str) -> str:
    """"这个平台是哪家单位的" + a passage naming "智能制造评估评价公共服务平台(www.c3mep.cn)" → the
    part with that name added, so the search looks for the thing itself."""
    m = _REFERENCE.search(part)
    if not m or not previous_passage:
        return part
    noun = re.escape(m.group(1))
    named = re.search(rf"[\u4e00-\u9fa5A-Za-z0-9]{{2,20}}{noun}(?:[(（][^)）]{{1,40}}[)）])?", previous_passage)
    return f"{named.group(0)} {part}" if named else part


def _pieces(text: str) -> Iterator[str]:
    """An already written answer, a sentence at a time (so every answer streams the same way)."""
    yield from (p for p in re.split(r"(?<=[。\n])", text) if p)


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 1)



