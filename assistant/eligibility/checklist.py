"""Per programme: the 申报材料 checklist, the steps, the deadline and validity, each with its clause —
as Markdown, as a .docx, and the deadline as an .ics calendar entry."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from assistant.eligibility.model import Programme, Source
from assistant.errors import NotFound

__all__ = ["CHECKLIST_FORMATS", "checklist_bytes", "to_checklist_docx", "to_checklist_markdown", "to_ics"]

CHECKLIST_FORMATS = ("md", "docx", "ics")
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "ics": "text/calendar; charset=utf-8",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: (\d{1,2}):(\d{2}))?")


def _cite(src: Source | None) -> str:
    return f"（依据：{src.cite()}：“{src.quote}”）" if src is not None else ""


def _lines(prog: Programme) -> list[tuple[str, str]]:
    """(style, text) lines of the checklist: heading, items, notes."""
    out: list[tuple[str, str]] = [("title", f"{prog.name} 申报清单" + ("（自动提取·未审核）" if prog.draft else ""))]
    out.append(("text", f"依据：《{prog.doc}》" + (f"（{prog.doc_no}）" if prog.doc_no else "")))
    if prog.deadline:
        out.append(("text", f"截止时间：{prog.deadline}{_cite(prog.deadline_source)}"))
    if prog.validity:
        out.append(("text", f"有效期：{prog.validity}{_cite(prog.validity_source)}"))
    out.append(("heading", "申报材料"))
    if prog.materials:
        out += [("item", f"☐ {m}") for m in prog.materials]
        if prog.materials_source is not None:
            out.append(("text", _cite(prog.materials_source)))
    else:
        out.append(("text", "已收录文本未列明申报材料，请以当年申报通知为准"))
    out.append(("heading", "申报步骤"))
    out += [("item", f"{i}. {step}") for i, step in enumerate(prog.route.steps, 1)] or [
        ("text", "已收录文本未列明申报步骤")]
    if prog.route.source is not None:
        out.append(("text", _cite(prog.route.source)))
    out.append(("heading", "申报条件"))
    out += [("item", f"☐ {c.statement}（{c.source.clause}：“{c.source.quote}”）") for c in prog.criteria]
    return out


def to_checklist_markdown(prog: Programme) -> str:
    """The checklist as Markdown (materials as check boxes, each section with its clause)."""
    md = {"title": "# {}", "heading": "\n## {}", "item": "- {}", "text": "{}"}
    return "\n".join(md[style].format(text) for style, text in _lines(prog)) + "\n"


def to_checklist_docx(prog: Programme, path: Path) -> Path:
    """The checklist as a Word document at `path`."""
    import docx  # python-docx: the DOCX reader's dependency, imported only when exporting

    doc = docx.Document()
    for style, text in _lines(prog):
        if style == "title":
            doc.add_heading(text, level=1)
        elif style == "heading":
            doc.add_heading(text, level=2)
        else:
            doc.add_paragraph(text, style="List Bullet" if style == "item" else None)
    doc.save(str(path))
    return path


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def to_ics(prog: Programme) -> str | None:
    """An iCalendar entry for the programme's deadline (None when the text states none).

    A deadline with a time (17:00前) is an event ending then; a date alone is an all-day event.
    """
    m = _DATE.fullmatch(prog.deadline.strip()) if prog.deadline else None
    if m is None:
        return None
    y, mo, d, hh, mm = m.groups()
    day = f"{y}{mo}{d}"
    when = ([f"DTSTART:{day}T{int(hh):02d}{mm}00", f"DTEND:{day}T{int(hh):02d}{mm}00"] if hh
            else [f"DTSTART;VALUE=DATE:{day}"])
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Zhice//eligibility//ZH", "BEGIN:VEVENT",
        f"UID:{prog.id}-deadline@zhice", f"DTSTAMP:{day}T000000Z", *when,
        f"SUMMARY:{_escape(prog.name + ' 申报截止')}",
        f"DESCRIPTION:{_escape(f'《{prog.doc}》{prog.doc_no} ' + _cite(prog.deadline_source))}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def checklist_bytes(prog: Programme, fmt: str) -> bytes:
    """The checklist in one of CHECKLIST_FORMATS, as the bytes of a file.

    Raises:
        NotFound: `ics` for a programme whose text states no deadline.
        ValueError: another format.
    """
    if fmt == "md":
        return to_checklist_markdown(prog).encode("utf-8")
    if fmt == "ics":
        ics = to_ics(prog)
        if ics is None:
            raise NotFound(f"《{prog.doc}》未写明{prog.name}的申报截止时间，无法生成日历提醒；请以当年申报通知为准")
        return ics.encode("utf-8")
    if fmt == "docx":
        with tempfile.TemporaryDirectory() as tmp:
            return to_checklist_docx(prog, Path(tmp) / "checklist.docx").read_bytes()
    raise ValueError(f"unknown checklist format {fmt!r}; one of {CHECKLIST_FORMATS}")
