"""The 申报自评 tab: a form built from PROFILE_FIELDS → a profile → verdicts, shown as a checklist (cards
on a phone) and exported as Markdown and DOCX."""

from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from collections.abc import Mapping, Sequence
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


class SelfAssessment:
    """申报自评: form values → profile → verdicts, shown as a checklist and saved as Markdown for download."""

    def __init__(self, programmes: Sequence[Programme], exports_dir: Path, exports_max_bytes: int | None = None) -> None:
        self.programmes = list(programmes)
        self.exports_dir = exports_dir
        self.exports_max_bytes = exports_max_bytes

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
        return [(f"{p.name}（{p.region}）", p.id) for p in self.programmes]


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


def cities_of(province: str | None) -> list[str]:
    """The known cities of a province (every known city when the province is unknown)."""
    if not province or province == UNKNOWN:
        return list(CITY_PROVINCE)
    return [c for c, p in CITY_PROVINCE.items() if p == province]


def eligibility_tab(sa: SelfAssessment) -> None:
    """The 申报自评 form (built from PROFILE_FIELDS), the programme choice, the checklist and its export."""
    gr.Markdown("填写企业情况（不清楚的留“不确定”），点击 **自评**，逐条查看是否满足各项目的申报条件："
                "✅ 满足 · ❌ 不满足 · ❔ 需补充信息；每条均标出依据条款和文号。")
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


