"""Take an answer away: a conversation (or one answer) as Markdown or DOCX with its citations as
footnotes (title, 文号, clause, quote), comparison answers as real tables, and the 申报自评 result as
DOCX through the same writer.

Pure: no gradio. One DOCX writer (`DocxWriter`) serves the chat and the 申报自评 exports; Word
footnotes are written as a real footnotes part, which python-docx does not offer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt

from assistant.citations import MARKER, source_label
from assistant.domain import Answer, Citation
from assistant.eligibility import ProgrammeVerdict, Source, out_of_region
from assistant.eligibility.export import DRAFT_MARK
from ui.checklist import ICONS
from ui.render import Table, answer_blocks, merge_duplicates, unbold

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CJK_FONT = "宋体"  # Word and WPS both have it; LibreOffice substitutes a CJK font
QUOTE_CHARS = 300  # a footnote quotes at most this much of the passage (the clause is named in full)


@dataclass(frozen=True)
class Exchange:
    """One question and its answer, as exported."""

    question: str
    answer: Answer


def footnote_text(c: Citation) -> str:
    """《title》（文号）clause 第p页：「quote」 — what a footnote says about a citation."""
    no = f"（{c.doc_no}）" if c.doc_no else ""
    label = source_label(c.title, c.section)
    title, _, clause = label.partition("》")
    page = f" 第{c.page}页" if c.page else ""
    note = "（摘要，非官方原文）" if c.authority == "summary" else ""
    body = re.sub(r"^#+\s*", "", c.text.strip(), flags=re.M)
    body = re.sub(r"\s+", " ", body)
    if len(body) > QUOTE_CHARS:
        body = body[:QUOTE_CHARS] + "……"
    return f"{title}》{no}{clause}{page}{note}：「{body}」"


# ---------------------------------------------------------------------- Markdown
def conversation_markdown(title: str, exchanges: Sequence[Exchange]) -> str:
    """The conversation as Markdown: each question, its answer with [^n] footnote markers (numbered
    across the whole conversation), comparisons as tables, then the footnotes."""
    out = [f"# {title}", ""]
    notes: list[str] = []
    for ex in exchanges:
        answer = merge_duplicates(ex.answer)
        numbers: dict[int, int] = {}
        for c in answer.citations:
            notes.append(f"[^{len(notes) + 1}]: {footnote_text(c)}")
            numbers[c.n] = len(notes)

        def mark(text: str, numbers: dict[int, int] = numbers) -> str:
            return MARKER.sub(lambda m: f"[^{numbers[int(m.group(1))]}]" if int(m.group(1)) in numbers else "",
                              text)

        out += [f"## 问：{ex.question}", ""]
        for b in answer_blocks(answer.answer):
            if isinstance(b, Table):
                out += ["| " + " | ".join(_cell(h) for h in b.header) + " |", "|" + "---|" * len(b.header)]
                out += ["| " + " | ".join(_cell(mark(c)) for c in row) + " |" for row in b.rows]
                out.append("")
            else:
                out += [mark(b), ""]
        out.append("")
    if notes:
        out += ["---", "", *notes, ""]
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------------- DOCX
@dataclass
class DocxWriter:
    """A Word document with CJK fonts, tables and real footnotes."""

    doc: docx.document.Document = field(default_factory=docx.Document)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(11)
        rpr = normal.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    def paragraph(self, text: str = "", bold: bool = False, notes: dict[int, str] | None = None) -> None:
        """A paragraph; with `notes`, each [n] in `text` becomes a footnote saying notes[n] (a repeated
        [n] points at the same footnote's number)."""
        p = self.doc.add_paragraph()
        placed: dict[int, int] = {}
        pos = 0
        for m in MARKER.finditer(text) if notes is not None else ():
            p.add_run(text[pos:m.start()]).bold = bold
            n = int(m.group(1))
            if n in (notes or {}):
                if n in placed:
                    run = p.add_run(str(placed[n]))
                    run.font.superscript = True
                else:
                    placed[n] = self.footnote(p, (notes or {})[n])
            pos = m.end()
        p.add_run(text[pos:]).bold = bold

    def footnote(self, paragraph: object, text: str) -> int:
        """A footnote reference at the end of `paragraph`; returns its number."""
        self.notes.append(text)
        number = len(self.notes)
        run = paragraph.add_run()  # type: ignore[attr-defined]
        run._r.append(parse_xml(f'<w:rPr xmlns:w="{W_NS}"><w:vertAlign w:val="superscript"/></w:rPr>'))
        run._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{W_NS}" w:id="{number}"/>'))
        return number

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[str]],
              notes: Sequence[str | None] | None = None) -> None:
        """A real table (header row bold); `notes[i]` adds a footnote to the last cell of row i."""
        t = self.doc.add_table(rows=1, cols=len(columns))
        t.style = "Table Grid"
        for cell, name in zip(t.rows[0].cells, columns, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(name).bold = True
        for i, row in enumerate(rows):
            cells = t.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
            if notes and i < len(notes) and notes[i]:
                self.footnote(cells[-1].paragraphs[0], str(notes[i]))
        self.doc.add_paragraph()

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _footnotes_xml(self) -> bytes:
        items = [
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
            "</w:p></w:footnote>",
        ]
        for i, text in enumerate(self.notes, start=1):
            items.append(
                f'<w:footnote w:id="{i}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteRef/></w:r><w:r><w:rPr><w:sz w:val="18"/></w:rPr>'
                f'<w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>')
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
                + "".join(items) + "</w:footnotes>").encode("utf-8")

    def save(self, path: Path) -> Path:
        if self.notes:
            part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, self._footnotes_xml(), self.doc.part.package)
            self.doc.part.relate_to(part, RT.FOOTNOTES)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))
        return path


def conversation_docx(title: str, exchanges: Sequence[Exchange], path: Path) -> Path:
    """The conversation as DOCX: questions in bold, answers with their citations as Word footnotes
    (title, 文号, clause, quote), comparisons as tables, and a 参考来源 list at the end."""
    w = DocxWriter()
    w.heading(title, 0)
    sources: list[str] = []
    for ex in exchanges:
        answer = merge_duplicates(ex.answer)
        notes = {c.n: footnote_text(c) for c in answer.citations}
        w.paragraph(f"问：{ex.question}", bold=True)
        for b in answer_blocks(unbold(answer.answer)):
            if isinstance(b, Table):
                # markers leave the cells; each row's sources become one footnote on its last cell
                w.table(b.header, [[MARKER.sub("", c).strip() for c in row] for row in b.rows],
                        notes=[" ".join(dict.fromkeys(notes[int(n)] for c in row for n in MARKER.findall(c)
                                                      if int(n) in notes)) or None for row in b.rows])
            else:
                w.paragraph(b, notes=notes)
        sources += [notes[c.n] for c in answer.citations]
    if sources:
        w.heading("参考来源", 1)
        for i, s in enumerate(dict.fromkeys(sources), start=1):
            w.paragraph(f"{i}. {s}")
    return w.save(path)


# ---------------------------------------------------------------------- 申报自评
def _clause(src: Source) -> str:
    return f"《{src.doc}》{src.clause}" + ("（摘要）" if src.authority == "summary" else "")


def _source_note(src: Source) -> str | None:
    if not src.doc:
        return None
    no = f"（{src.doc_no}）" if src.doc_no else ""
    quote = f"：「{src.quote}」" if src.quote else ""
    return f"《{src.doc}》{no}{src.clause}{quote}"


def eligibility_docx(verdicts: Sequence[ProgrammeVerdict], path: Path, title: str = "申报条件自查") -> Path:
    """The 申报自评 result as DOCX: a summary table, then per programme its checklist as a table, each
    row's clause quoted in a footnote; other places' programmes named in one line."""
    w = DocxWriter()
    w.heading(title, 0)
    shown = [v for v in verdicts if not out_of_region(v)]
    elsewhere = [v for v in verdicts if out_of_region(v)]
    if shown:
        w.table(["结论", "项目", "地区", "说明"],
                [[f"{ICONS.get(v.status, '')} {v.status_label}", v.name + (f"（{DRAFT_MARK}）" if v.draft else ""),
                  v.region, v.summary] for v in shown])
    for v in shown:
        w.heading(f"{ICONS.get(v.status, '')} {v.name}（{v.region}）：{v.status_label}"
                  + (f"（{DRAFT_MARK}）" if v.draft else ""), 1)
        w.paragraph(v.summary)
        rows = [[ICONS.get(r.status, ""), r.statement,
                 r.reason + (f"。{r.provide}" if r.status == "unknown" and r.provide else ""),
                 _clause(r.source), r.source.doc_no or "—"] for r in v.results]
        w.table(["", "条件", "说明", "依据条款", "文号"], rows, notes=[_source_note(r.source) for r in v.results])
        if v.estimates:
            w.paragraph("奖补估算（万元；“不超过”类按上限估算，以审核结果为准）", bold=True)
            w.table(["", "档次", "估算", "说明", "依据条款"],
                    [[ICONS.get(e.status, ""), e.label, e.formula, e.reason, _clause(e.source)] for e in v.estimates],
                    notes=[_source_note(e.source) for e in v.estimates])
        if v.route.steps:
            w.paragraph("申报路径：" + " → ".join(v.route.steps)
                        + (f"（依据：{v.route.source.cite()}）" if v.route.source else ""))
        for n in v.notes:
            w.paragraph(f"备注：{n.text}（依据：{n.source.cite()}）")
    if elsewhere:
        w.paragraph("其他地区的项目（不适用）：" + "、".join(f"{v.name}（{v.region}）" for v in elsewhere))
    w.paragraph("标“摘要”的依据来自语料登记表/摘要，非官方原文；❔ 项需补充信息或按原文准备材料。"
                "结果仅供自查，以当年申报通知为准。")
    return w.save(path)
