"""The 申报自评 tab: a form built from PROFILE_FIELDS → a profile → verdicts over the reviewed programmes
and the drafts of the indexed documents, shown as a summary and a checklist (cards on a phone) and
exported as Markdown and DOCX; per programme its 申报清单 (Markdown, Word, the deadline as .ics). What the
asker states in the chat fills the form (`chat_values`)."""

from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.eligibility import (
    CITY_PROVINCE,
    PROFILE_FIELDS,
    FieldSpec,
    Profile,
    Programme,
    evaluate,
    to_markdown,
)
from assistant.eligibility.checklist import checklist_bytes, to_ics
from assistant.eligibility.conversation import conversation_profile
from assistant.eligibility.export import DRAFT_MARK
from assistant.errors import ZhiceError
from assistant.quota import prune_folder
from ui import checklist, render
from ui.export import eligibility_docx

EXPORT_KEEP_SECONDS = 24 * 3600  # exported files are for downloading now, not for keeping
UNKNOWN = "不确定"  # every 申报自评 field may be left unknown; the engine then says what to provide
NO_TITLES = "无（未获任何称号）"  # titles: none held, which differs from not knowing
LEVEL_WORDS = "未达一级 一级 二级 三级 四级 五级".split()
# How the 申报自评 form is laid out, one tuple per row; fields not named here get rows of their own.
FORM_ROWS: tuple[tuple[str, ...], ...] = (
    ("province", "city", "applicant_kind"),
    ("industry", "sector", "above_scale"),
    ("independent_legal_entity", "legal_entity_years", "investment_wan", "project_kind"),
    ("maturity_level", "sme_digital_level"),
    ("titles",),
    ("abnormal_operation", "dishonest_debtor", "violation_record", "major_incident_3y"),
)


Programmes = Sequence[Programme] | Callable[[], Sequence[Programme]]


class SelfAssessment:
    """申报自评: form values → profile → verdicts, shown as a checklist and saved as Markdown for download.

    `programmes` is a list, or a function giving the current ones (the service's reviewed programmes
    and drafts, which change with the index).
    """

    def __init__(self, programmes: Programmes, exports_dir: Path, exports_max_bytes: int | None = None) -> None:
        self._programmes = programmes
        self.exports_dir = exports_dir
        self.exports_max_bytes = exports_max_bytes

    @property
    def programmes(self) -> list[Programme]:
        source = self._programmes
        return list(source() if callable(source) else source)

    def assess(self, values: Mapping[str, Any], chosen: list[str] | None) -> tuple[str, Any, Any]:
        """(the rendered checklist, the Markdown and the DOCX download buttons) for one form."""
        off = gr.DownloadButton(value=None, interactive=False)
        try:
            profile = Profile.from_dict(form_profile(values))
            verdicts = evaluate(profile, self.programmes, only=list(chosen or ()) or None)
        except ZhiceError as e:
            return render.friendly_error(e), off, gr.DownloadButton(value=None, interactive=False)
        md = write_export(self.exports_dir, export_markdown(verdicts), max_bytes=self.exports_max_bytes)
        doc = eligibility_docx(verdicts, export_path(self.exports_dir, "申报自评", ".docx",
                                                     max_bytes=self.exports_max_bytes))
        return (checklist.eligibility_html(verdicts), gr.DownloadButton(value=str(md), interactive=True),
                gr.DownloadButton(value=str(doc), interactive=True))

    def programme_choices(self) -> list[tuple[str, str]]:
        return [(f"{p.name}（{p.region}）" + (f"（{DRAFT_MARK}）" if p.draft else ""), p.id) for p in self.programmes]

    def choices(self) -> tuple[Any, Any]:
        """The programme choices (the index may have brought drafts) for the 自评 and 申报清单 pickers."""
        options = self.programme_choices()
        return gr.Dropdown(choices=options), gr.Dropdown(choices=options)

    def checklist_files(self, programme_id: str | None) -> tuple[Any, Any, Any]:
        """The chosen programme's 申报清单 as Markdown and Word, and its deadline as .ics (off when the
        text states none)."""
        prog = next((p for p in self.programmes if p.id == programme_id), None)
        if prog is None:
            return tuple(gr.DownloadButton(value=None, interactive=False) for _ in range(3))  # type: ignore[return-value]
        out = []
        for fmt in ("md", "docx", "ics"):
            if fmt == "ics" and to_ics(prog) is None:
                out.append(gr.DownloadButton(value=None, interactive=False))
                continue
            path = export_path(self.exports_dir, "申报清单", f".{fmt}", max_bytes=self.exports_max_bytes)
            path.write_bytes(checklist_bytes(prog, fmt))
            out.append(gr.DownloadButton(value=str(path), interactive=True))
        return out[0], out[1], out[2]


def form_profile(values: Mapping[str, Any]) -> dict[str, Any]:
    """申报自评 form values → `Profile.from_dict` input: 不确定 and blanks are unknown; for titles an empty
    selection is unknown and 无 alone means none held."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "titles":
            picked = list(value or ())
            if picked:
                out[name] = [t for t in picked if t != NO_TITLES]
        elif value is not None and value != UNKNOWN and not (isinstance(value, str) and not value.strip()):
            out[name] = value
    return out


def export_markdown(verdicts: Sequence[Any]) -> str:
    """The engine's Markdown checklist, with its one internal word put in the form's terms."""
    return to_markdown(verdicts).replace("manual 项需企业按原文准备材料", "❔ 项需补充信息或按原文准备材料")


def export_path(exports_dir: Path, stem: str, suffix: str, now: dt.datetime | None = None,
                max_bytes: int | None = None) -> Path:
    """data_dir/exports/<stem>-<time>-<random><suffix>; exports older than a day are removed first,
    then (with `max_bytes`, settings.exports_max_mb) the oldest until the folder is under it.

    The random part keeps one visitor's file from being guessed by another.
    """
    exports_dir.mkdir(parents=True, exist_ok=True)
    prune_folder(exports_dir, max_bytes if max_bytes is not None else sys.maxsize, EXPORT_KEEP_SECONDS)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return exports_dir / f"{stem}-{stamp}-{uuid.uuid4().hex[:12]}{suffix}"


def write_export(exports_dir: Path, markdown: str, now: dt.datetime | None = None,
                 max_bytes: int | None = None) -> Path:
    """Save one 申报自评 result as data_dir/exports/申报自评-<time>-<random>.md."""
    path = export_path(exports_dir, "申报自评", ".md", now, max_bytes)
    path.write_text(markdown, encoding="utf-8")
    return path


def form_values(profile: Mapping[str, Any], names: Sequence[str]) -> list[Any]:
    """A profile (`Profile.from_dict` input) → values for the form's inputs `names`, in order; a field
    the profile does not give is left as the user set it (gr.skip)."""
    out: list[Any] = []
    for name in names:
        spec, value = PROFILE_FIELDS.get(name), profile.get(name)
        if spec is None or value is None:
            out.append(gr.skip())
        elif spec.kind == "bool":
            out.append("是" if value else "否")
        elif spec.kind == "titles":
            out.append(list(value) or [NO_TITLES])
        elif spec.kind in ("int", "number"):
            out.append(str(int(value)) if float(value).is_integer() else str(value))
        else:
            out.append(str(value))
    return out


def chat_values(turns: Sequence[Mapping[str, Any]], names: Sequence[str]) -> list[Any]:
    """What the asker stated in the conversation (the questions that speak of their enterprise) →
    values for the 申报自评 inputs `names` (fields not stated are left alone)."""
    return form_values(conversation_profile(str(t.get("question", "")) for t in turns), names)


def cities_of(province: str | None) -> list[str]:
    """The known cities of a province (every known city when the province is unknown)."""
    if not province or province == UNKNOWN:
        return list(CITY_PROVINCE)
    return [c for c, p in CITY_PROVINCE.items() if p == province]


def eligibility_tab(sa: SelfAssessment) -> dict[str, Any]:
    """The 申报自评 form (built from PROFILE_FIELDS), the programme choice, the checklist and its export,
    and a programme's 申报清单; returns the inputs by field name (`fields`) and the pickers for wiring."""
    gr.Markdown("填写企业情况（不清楚的留“不确定”；在问答中说明的企业情况会自动填入），点击 **自评**：先看各项目"
                "可申报 / 需补充 / 不符合 的汇总，点击项目查看逐条核对（✅ 满足 · ❌ 不满足 · ❔ 需补充信息），"
                f"每条均标出依据条款和文号；“{DRAFT_MARK}”的项目由知识库文档自动提取，尚未人工审核。")
    fields: dict[str, Any] = {}
    laid_out = [n for row in FORM_ROWS for n in row]
    rows = [row for row in FORM_ROWS if any(n in PROFILE_FIELDS for n in row)]
    rows += [(n,) for n in PROFILE_FIELDS if n not in laid_out]
    with gr.Group():
        for row in rows:
            with gr.Row():
                for name in row:
                    if name in PROFILE_FIELDS:
                        fields[name] = _field_input(PROFILE_FIELDS[name])
    names = list(fields)
    chosen = gr.Dropdown(sa.programme_choices(), value=[], multiselect=True, label="自评项目",
                         info="可多选；不选则自评全部项目（其他地区的项目只列名称）",
                         elem_id="zc-elig-programmes")
    with gr.Row():
        run = gr.Button("自评", variant="primary", scale=3, elem_id="zc-elig-run")
        export = gr.DownloadButton("导出 Markdown", interactive=False, scale=1, elem_id="zc-elig-export")
        export_docx = gr.DownloadButton("导出 Word", interactive=False, scale=1, elem_id="zc-elig-export-docx")
    result = gr.HTML(elem_id="zc-elig-result")

    def assess(*values: Any) -> tuple[str, Any, Any]:
        return sa.assess(dict(zip(names, values[:-1], strict=True)), values[-1])

    run.click(assess, inputs=[*fields.values(), chosen], outputs=[result, export, export_docx],
              api_visibility="private")
    if "province" in fields and "city" in fields:
        fields["province"].change(lambda p: gr.Dropdown(choices=cities_of(p)), inputs=[fields["province"]],
                                  outputs=[fields["city"]], api_visibility="private")
    with gr.Group():
        gr.Markdown("**申报清单**：选择一个项目，下载其申报材料、步骤和条件（均附依据条款）；写明截止时间的可加入日历。")
        with gr.Row():
            pick = gr.Dropdown(sa.programme_choices(), value=None, label="项目", scale=3,
                               elem_id="zc-elig-checklist-pick")
            md = gr.DownloadButton("申报清单 Markdown", interactive=False, scale=1, elem_id="zc-elig-checklist-md")
            doc = gr.DownloadButton("申报清单 Word", interactive=False, scale=1, elem_id="zc-elig-checklist-docx")
            ics = gr.DownloadButton("截止日期 日历", interactive=False, scale=1, elem_id="zc-elig-checklist-ics")
    pick.input(sa.checklist_files, inputs=[pick], outputs=[md, doc, ics], api_visibility="private")
    return {"fields": fields, "chosen": chosen, "checklist": pick}


def field_words(text: str) -> str:
    """A field's description with other fields named by their labels (“由 industry 推断” → “由 所属行业 推断”)."""
    return re.sub(r"\b[a-z][a-z_]+\b", lambda m: PROFILE_FIELDS[m.group(0)].label
                  if m.group(0) in PROFILE_FIELDS else m.group(0), text)


def _field_input(spec: FieldSpec) -> Any:
    """One form input for a profile field, by its kind; every one can be left unknown."""
    label, info, elem_id = spec.label, field_words(spec.meaning), f"zc-elig-{spec.name}"
    if spec.kind == "bool":
        return gr.Dropdown([UNKNOWN, "是", "否"], value=UNKNOWN, label=label, info=info, elem_id=elem_id)
    if spec.kind == "choice":
        return gr.Dropdown([UNKNOWN, *spec.allowed], value=UNKNOWN, label=label, info=info, elem_id=elem_id)
    # levels (未达一级 … 五级): a small bounded range; a wide one (years, headcount) is typed in
    if spec.kind == "int" and spec.lo is not None and spec.hi is not None and spec.hi - spec.lo < len(LEVEL_WORDS):
        levels = [(LEVEL_WORDS[i] if i < len(LEVEL_WORDS) else str(i), str(i))
                  for i in range(int(spec.lo), int(spec.hi) + 1)]
        info = f"{info.split('；')[0]}；未评则选“{UNKNOWN}”"  # the form shows 未达一级, not the API's 0
        return gr.Dropdown([(UNKNOWN, UNKNOWN), *levels], value=UNKNOWN, label=label, info=info,
                           elem_id=elem_id)
    if spec.kind in ("int", "number"):  # a textbox: an untouched gr.Number sends 0, which is not "unknown"
        unit = f"（{spec.unit}）" if spec.unit else ""
        return gr.Textbox(label=label + unit, info=info, placeholder=f"数字；{UNKNOWN}则留空",
                          elem_id=elem_id)
    if spec.kind == "titles":
        return gr.Dropdown([NO_TITLES, *spec.allowed], value=[], multiselect=True, label=label,
                           info="可多选；一个也没有请选“无”，不清楚则留空", elem_id=elem_id)
    if spec.name == "city":
        return gr.Dropdown(cities_of(None), value=None, allow_custom_value=True, label=label, info=info,
                           elem_id=elem_id)
    return gr.Textbox(label=label, info=info, placeholder=UNKNOWN + "则留空", elem_id=elem_id)


