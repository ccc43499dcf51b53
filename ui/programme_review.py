"""知识库 tab: the programmes drafted from a selected document — each condition with the field it reads
and its verbatim quote, the reward rules, materials, steps and deadline — edited and saved by an admin
after review (a programme file without `draft`, through the service). Unreviewed drafts stay marked
自动提取·未审核.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import gradio as gr
import yaml

from assistant.core.text import normalize_for_match
from assistant.eligibility import PROFILE_FIELDS, Programme, Source
from assistant.eligibility.export import DRAFT_MARK
from assistant.eligibility.loader import QUOTE_MIN, programme_from_data
from assistant.errors import ZhiceError
from assistant.service import Service
from ui import render

REVIEWED_MARK = "已审核"
NO_DRAFT = "未从该文档中识别出认定或奖补条件（不是认定办法、奖补办法或申报通知时属正常）。"
PICK_FIRST = "请先在上表中点选一个文档，再点“提取申报条件”。"
CRITERIA_COLUMNS = ("条件", "读取字段 · 规则", "原文引文", "条款")
YAML_WIDTH = 120  # the editor's line width: long quotes stay on one line


def mark(draft: bool) -> str:
    cls = "zc-draft-mark" if draft else "zc-reviewed-mark"
    return f'<span class="{cls}">{DRAFT_MARK if draft else REVIEWED_MARK}</span>'


def _clause(src: Source | None) -> str:
    return html.escape(src.clause) if src is not None else "—"


def _quote(src: Source | None) -> str:
    """The verbatim quote; one too short for a reviewed file is flagged, to be widened before saving."""
    if src is None or not src.quote:
        return "—"
    short = len(normalize_for_match(src.quote)) < QUOTE_MIN
    flag = f'<span class="zc-quote-short">（引文不足{QUOTE_MIN}字，保存前请在下方补全为原文）</span>' if short else ""
    return f'<span class="zc-elig-quote">「{html.escape(src.quote)}」</span>{flag}'


RULE_WORDS = {"min": "≥", "max": "≤", "equals": "为", "in": "属于", "is_true": "为“是”", "is_false": "为“否”",
              "has_title": "持有", "lacks_title": "未持有", "industry_in": "属于"}


def _rule(fields: Sequence[str], rule: str, args: Sequence[Any]) -> str:
    """The check a condition makes, in the form's words (营业收入（万元） ≥ 3000)."""
    if rule == "manual":
        return "需提供材料（无法自动核对）"
    labels = "、".join(PROFILE_FIELDS[f].label + (f"（{PROFILE_FIELDS[f].unit}）" if PROFILE_FIELDS[f].unit else "")
                      if f in PROFILE_FIELDS else f for f in fields)
    value = "、".join(map(str, args))
    return html.escape(f"{labels} {RULE_WORDS.get(rule, rule)} {value}".strip())


def programme_html(prog: Programme) -> str:
    """One programme for review: conditions (field, rule, verbatim quote, clause), rewards, materials,
    steps, deadline and validity."""
    esc = html.escape
    out = [f'<div class="zc-draft" data-programme="{esc(prog.id)}"><p><b>{esc(prog.name)}</b>（{esc(prog.region)}）'
           f" {mark(prog.draft)}</p>",
           f"<p>依据：《{esc(prog.doc)}》{esc(prog.doc_no)}</p>"]
    head = "".join(f"<th>{c}</th>" for c in CRITERIA_COLUMNS)
    rows = "".join(
        f"<tr><td>{esc(c.statement)}</td><td>{_rule(c.fields, c.rule, c.args)}</td>"
        f"<td>{_quote(c.source)}</td><td>{_clause(c.source)}</td></tr>" for c in prog.criteria)
    out.append(f'<table class="zc-elig-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    if prog.estimates:
        items = "".join(f"<li>{esc(e.label)} {_quote(e.source)}（{_clause(e.source)}）</li>" for e in prog.estimates)
        out.append(f"<p><b>奖补规则</b></p><ul>{items}</ul>")
    if prog.notes:
        items = "".join(f"<li>{esc(n.text)} {_quote(n.source)}（{_clause(n.source)}）</li>" for n in prog.notes)
        out.append(f"<p><b>备注</b></p><ul>{items}</ul>")
    if prog.materials:
        out.append("<p><b>申报材料</b>：" + "；".join(esc(m) for m in prog.materials)
                   + (f" {_quote(prog.materials_source)}" if prog.materials_source else "") + "</p>")
    if prog.route.steps:
        out.append("<p><b>申报步骤</b>：" + " → ".join(esc(s) for s in prog.route.steps)
                   + (f" {_quote(prog.route.source)}" if prog.route.source else "") + "</p>")
    if prog.deadline:
        out.append(f"<p><b>截止时间</b>：{esc(prog.deadline)} {_quote(prog.deadline_source)}</p>")
    if prog.validity:
        out.append(f"<p><b>有效期</b>：{esc(prog.validity)} {_quote(prog.validity_source)}</p>")
    out.append("</div>")
    return "".join(out)


def drafts_html(title: str, programmes: Sequence[dict[str, Any]], reviewed: Sequence[str]) -> str:
    """Every draft of a document (marked 自动提取·未审核), and the reviewed programmes already saved for it."""
    head = f"<p>《{html.escape(title)}》：自动提取 {len(programmes)} 个项目"
    head += f"；已审核保存：{html.escape('、'.join(reviewed))}" if reviewed else ""
    head += "。请逐条对照原文引文核对，修改下方内容后保存。</p>" if programmes else "</p>"
    body = []
    for data in programmes:
        try:
            body.append(programme_html(programme_from_data(data)))
        except ZhiceError as e:  # a draft the loader refuses: shown as such, never hidden
            body.append(render.error_message(f"{data.get('id', '')}：{e}"))
    return f'<div class="zc-drafts">{head}{"".join(body) or NO_DRAFT}</div>'


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=YAML_WIDTH)


class ProgrammeReview:
    """Load the drafts of the selected document, show them, save the one an admin reviewed."""

    def __init__(self, service: Service, can_write: Callable[[gr.Request], bool] | None = None) -> None:
        self.service = service
        self.can_write = can_write

    def load(self, doc_id: str) -> tuple[str, Any, str, list[dict[str, Any]]]:
        """(the drafts as HTML, the programme choice, the first draft's YAML, the drafts)."""
        if not doc_id:
            return PICK_FIRST, gr.Dropdown(choices=[], value=None), "", []
        try:
            found = self.service.document_drafts(doc_id)
        except ZhiceError as e:
            return render.friendly_error(e), gr.Dropdown(choices=[], value=None), "", []
        drafts = found["programmes"]
        choices = [(f"{d.get('name', d['id'])}（{DRAFT_MARK}）", d["id"]) for d in drafts]
        first = drafts[0] if drafts else None
        return (drafts_html(found["title"], drafts, found["reviewed"]),
                gr.Dropdown(choices=choices, value=first["id"] if first else None),
                to_yaml(first) if first else "", drafts)

    @staticmethod
    def pick(programme_id: str | None, drafts: list[dict[str, Any]]) -> str:
        data = next((d for d in drafts if d.get("id") == programme_id), None)
        return to_yaml(data) if data is not None else ""

    def save(self, text: str, request: gr.Request) -> str:
        """Save the edited programme as reviewed (admin only); the loader's message when it is invalid."""
        if self.can_write is not None and not self.can_write(request):
            return "⚠️ 需要管理员登录（用户名 admin，密码为管理员密钥）才能保存审核结果。"
        try:
            data = yaml.safe_load(text or "")
        except yaml.YAMLError as e:
            return render.error_message(f"内容不是有效的 YAML：{e}")
        try:
            prog, name = self.service.save_programme(data)
        except ZhiceError as e:
            return render.friendly_error(e)
        return (f"已审核并保存《{prog.name}》（{name}）：问答、申报自评和接口即时使用该项目，"
                f"不再标注“{DRAFT_MARK}”。")


def review_section(review: ProgrammeReview, selected: Any) -> None:
    """The 申报条件草稿 section of the 知识库 tab, for the document `selected` holds."""
    with gr.Accordion("申报条件（自动提取·审核）", open=False, elem_id="zc-drafts-panel"):
        gr.Markdown("从所选文档中自动提取认定/奖补条件，每条附原文引文；核对、修改后由管理员保存为已审核项目。")
        load = gr.Button("提取所选文档的申报条件", elem_id="zc-draft-load")
        view = gr.HTML(elem_id="zc-draft-view")
        drafts = gr.State([])
        pick = gr.Dropdown([], label="要审核的项目", elem_id="zc-draft-pick")
        text = gr.Textbox(label="项目内容（YAML，可修改）", lines=14, max_lines=40, elem_id="zc-draft-yaml")
        save = gr.Button("审核通过并保存", variant="primary", elem_id="zc-draft-save")
        log = gr.Markdown(elem_id="zc-draft-log")
    load.click(review.load, inputs=[selected], outputs=[view, pick, text, drafts], api_visibility="private")
    pick.input(review.pick, inputs=[pick, drafts], outputs=[text], api_visibility="private")
    save.click(review.save, inputs=[text], outputs=[log], api_visibility="private")
