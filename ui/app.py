"""The Chinese web UI (gradio): 问答 with streaming answers and citation cards, 知识库 management,
申报自评 (a profile form → a ✅ / ❌ / ❔ checklist, exportable as Markdown).

`build_ui(assistant)` returns the Blocks; `mount_ui` mounts them into the FastAPI app. Rendering
lives in `ui.render` (pure functions); this module only wires components to the assistant.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from assistant.api.security import ingest_upload, remove_uploaded
from assistant.chat import Assistant
from assistant.domain import Answer
from assistant.eligibility import (
    CITY_PROVINCE,
    PROFILE_FIELDS,
    FieldSpec,
    Profile,
    Programme,
    evaluate,
    load_programmes,
    to_markdown,
)
from assistant.errors import ZhiceError
from ui import render

log = logging.getLogger(__name__)

ALL = "全部"
EXAMPLES: dict[str, list[str]] = {
    "企业": [
        "我们是黑龙江注册一年的规上企业，能申请数字化车间吗？",
        "智能制造示范工厂的建设期是多长时间？",
        "吉林省智改数转项目的奖补标准是什么？",
    ],
    "地方官员": [
        "各地对智能工厂的奖补标准有什么不同？",
        "辽宁省智能工厂梯度培育分为哪几个层级？",
        "智能制造能力成熟度分为哪几个等级？",
    ],
    "最佳实践": [
        "2022年度智能制造示范工厂揭榜单位中有哪些显示面板企业？",
        "智能制造典型场景参考指引（2025年版）包括哪些环节？",
        "国家级智能制造示范工厂名单一共有多少家？",
    ],
}
KIND_CHOICES = [(ALL, "")] + [(label, kind) for kind, label in render.KIND_LABELS.items()]
Turn = dict[str, str]  # {"question", "answer" (plain text), "shown" (markdown + cards)}
CanWrite = Callable[[gr.Request], bool]
_feedback_lock = threading.Lock()
ANSWER_CONCURRENCY = 8  # answers are CPU-bound (~30-300 ms each); more would only queue on the cores
_PROGRESS = gr.Progress()  # gradio recognises the tracker by this default; it makes a fresh one per call
LOGIN_MESSAGE = "请登录：用户名任意、密码为 API 密钥；管理员用户名 admin、密码为管理员密钥。"
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


class Handlers:
    """The event handlers of one UI: answering, feedback and knowledge-base changes."""

    def __init__(self, assistant: Assistant, can_write: CanWrite | None = None) -> None:
        self.assistant = assistant
        self.kb = assistant.kb
        self.can_write = can_write

    def respond(self, question: str, turns: list[Turn], region: str, kind: str) -> Iterator[Any]:
        """Stream one answer: (chat messages, question box, turns) after each delta, cards at the end."""
        question = (question or "").strip()
        if not question:
            yield _messages(turns), question, turns
            return
        filters = {k: v for k, v in (("region", "" if region == ALL else region), ("kind", kind)) if v}
        history = [(t["question"], t["answer"]) for t in turns]
        live = {"question": question, "answer": "", "shown": render.streaming_message("")}
        yield _messages([*turns, live]), "", turns
        partial = ""
        try:
            for ev in self.assistant.stream(question, history, filters):
                if isinstance(ev, Answer):
                    done = {"question": question, "answer": ev.answer, "shown": render.chat_message(ev)}
                    yield _messages([*turns, done]), "", [*turns, done]
                    return
                partial += ev
                live = {**live, "shown": render.streaming_message(partial)}
                yield _messages([*turns, live]), "", turns
        except ZhiceError as e:
            failed = {"question": question, "answer": "", "shown": render.error_message(str(e))}
            yield _messages([*turns, failed]), question, turns

    def vote(self, turns: list[Turn], data: gr.LikeData) -> str:
        """👍/👎 on an answer → one line in feedback.jsonl."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        if index // 2 >= len(turns):
            return ""
        turn = turns[index // 2]
        votes: dict[bool | str, str] = {True: "up", False: "down", "Like": "up", "Dislike": "down"}
        vote = votes.get(data.liked, str(data.liked))
        if not vote:  # a vote taken back
            return ""
        record_feedback(self.kb.settings.data_dir, turn["question"], turn["answer"], vote)
        return "感谢反馈，已记录。"

    def refresh(self) -> tuple[Any, ...]:
        """Statistics, the document table and the region choices."""
        docs = self.kb.list_documents()
        regions = [ALL, *render.region_choices(docs)]
        stats = render.stats_markdown(self.kb.stats())
        return stats, render.document_rows(docs), gr.Dropdown(choices=regions)

    def ingest(self, paths: list[str] | None, request: gr.Request, progress: gr.Progress = _PROGRESS) -> str:
        """Save and ingest the chosen files, one line of outcome each."""
        if self.can_write is not None and not self.can_write(request):
            return "⚠️ 需要管理员登录（用户名 admin，密码为管理员密钥）才能上传。"
        paths = paths or []
        lines = []
        for i, p in enumerate(paths):
            name = Path(p).name
            progress((i, len(paths)), desc=f"正在导入 {name}")
            try:
                with open(p, "rb") as f:
                    r = ingest_upload(self.kb, name, f)
                lines.append(render.ingest_summary(r.filename, r.status, r.report.chunks_embedded, r.doc_id))
            except ZhiceError as e:
                lines.append(render.error_message(f"{name}：{e}"))
        return "\n\n".join(lines) or "请先选择文件。"

    def remove(self, doc: str, request: gr.Request) -> str:
        """Delete a document (and the uploaded file that held it)."""
        if self.can_write is not None and not self.can_write(request):
            return "⚠️ 需要管理员登录才能删除。"
        doc = (doc or "").strip()
        try:
            sources = self.kb.delete_document(doc)
        except ZhiceError as e:
            return render.error_message(str(e))
        removed = remove_uploaded(self.kb.settings, sources)
        return f"已删除 `{doc}`" + (f"（并删除上传文件 {', '.join(removed)}）" if removed else "")


class SelfAssessment:
    """申报自评: form values → profile → verdicts, shown as a checklist and saved as Markdown for download."""

    def __init__(self, programmes: Sequence[Programme], exports_dir: Path) -> None:
        self.programmes = list(programmes)
        self.exports_dir = exports_dir

    def assess(self, values: Mapping[str, Any], chosen: list[str] | None) -> tuple[str, Any]:
        """(the rendered checklist, the download button holding the exported .md) for one form."""
        try:
            profile = Profile.from_dict(form_profile(values))
            verdicts = evaluate(profile, self.programmes, only=list(chosen or ()) or None)
        except ZhiceError as e:
            return render.error_message(str(e)), gr.DownloadButton(value=None, interactive=False)
        path = write_export(self.exports_dir, to_markdown(verdicts))
        return render.eligibility_html(verdicts), gr.DownloadButton(value=str(path), interactive=True)

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


def write_export(exports_dir: Path, markdown: str, now: dt.datetime | None = None) -> Path:
    """Save one 申报自评 result as data_dir/exports/申报自评-<time>-<random>.md.

    The random part keeps one visitor's file from being guessed by another.
    """
    exports_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = exports_dir / f"申报自评-{stamp}-{uuid.uuid4().hex[:12]}.md"
    path.write_text(markdown, encoding="utf-8")
    return path


def cities_of(province: str | None) -> list[str]:
    """The known cities of a province (every known city when the province is unknown)."""
    if not province or province == UNKNOWN:
        return list(CITY_PROVINCE)
    return [c for c, p in CITY_PROVINCE.items() if p == province]


def exports_dir(assistant: Assistant) -> Path:
    return assistant.kb.settings.data_dir / "exports"


def build_ui(assistant: Assistant, can_write: CanWrite | None = None) -> gr.Blocks:
    """The Blocks of the Zhice UI.

    Args:
        assistant: answers questions; its knowledge base is listed and changed in 知识库.
        can_write: whether a request may upload or delete (default: everyone; the server passes a
            check of the logged-in user when API keys are configured).
    """
    h = Handlers(assistant, can_write)
    sa = SelfAssessment(load_programmes(assistant.kb.settings.programmes_dir), exports_dir(assistant))
    # analytics off: the machine is offline by design and nothing should try to phone out
    with gr.Blocks(title="智策 Zhice · 智能制造政策问答", analytics_enabled=False) as demo:
        gr.Markdown("## 智策 Zhice · 智能制造政策问答\n每个回答都标出所依据的条款；"
                    "“摘要（非官方原文）”来源引用前请核对原文。")
        with gr.Tabs():
            with gr.Tab("问答", id="ask"):
                region, kind, chatbot, box, send, clear, note = _ask_tab()
            with gr.Tab("知识库", id="kb"):
                stats, table, refresh, files, ingest_btn, ingest_log, doc_id, remove, remove_log = _kb_tab()
            with gr.Tab("申报自评", id="eligibility"):
                _eligibility_tab(sa)
        turns = gr.State([])
        listing = [stats, table, region]
        # gradio runs one event of a kind at a time unless told otherwise: let several people ask at once
        for trigger in (box.submit, send.click):
            trigger(h.respond, inputs=[box, turns, region, kind], outputs=[chatbot, box, turns],
                    concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer", api_visibility="private")
        clear.click(lambda: ([], [], ""), outputs=[chatbot, turns, note])
        chatbot.like(h.vote, inputs=[turns], outputs=[note])
        demo.load(h.refresh, outputs=listing)
        refresh.click(h.refresh, outputs=listing)
        ingest_btn.click(h.ingest, inputs=[files], outputs=[ingest_log],
                         api_visibility="private").then(h.refresh, outputs=listing)
        remove.click(h.remove, inputs=[doc_id], outputs=[remove_log],
                     api_visibility="private").then(h.refresh, outputs=listing)
    return demo


def _ask_tab() -> tuple[Any, ...]:
    with gr.Row():
        region = gr.Dropdown([ALL], value=ALL, label="地区", scale=1, elem_id="zc-region")
        kind = gr.Dropdown(KIND_CHOICES, value="", label="类型", scale=1, elem_id="zc-kind")
    chatbot = gr.Chatbot(label="智策", height=560, elem_id="zc-chat", feedback_options=("Like", "Dislike"),
                         placeholder="请输入关于智能制造政策的问题，或点选下方示例。", buttons=["copy"])
    with gr.Row():
        box = gr.Textbox(show_label=False, placeholder="输入问题，回车提问", scale=8, elem_id="zc-question")
        send = gr.Button("提问", variant="primary", scale=1, elem_id="zc-send")
        clear = gr.Button("清空对话", scale=1)
    note = gr.Markdown(elem_id="zc-note")
    with gr.Row():
        for audience, questions in EXAMPLES.items():
            with gr.Column(min_width=240):
                gr.Examples([[q] for q in questions], inputs=[box], label=f"示例 · {audience}")
    return region, kind, chatbot, box, send, clear, note


def _kb_tab() -> tuple[Any, ...]:
    from ingest.loaders import SUPPORTED_SUFFIXES

    stats = gr.Markdown()
    table = gr.Dataframe(headers=render.DOC_COLUMNS, interactive=False, wrap=True, elem_id="zc-docs")
    refresh = gr.Button("刷新列表")
    with gr.Row():
        with gr.Column():
            files = gr.File(label="上传文件（" + " ".join(sorted(SUPPORTED_SUFFIXES)) + "）",
                            file_count="multiple", file_types=sorted(SUPPORTED_SUFFIXES), type="filepath",
                            elem_id="zc-upload")
            ingest_btn = gr.Button("导入知识库", variant="primary", elem_id="zc-ingest")
            ingest_log = gr.Markdown(elem_id="zc-ingest-log")
        with gr.Column():
            doc_id = gr.Textbox(label="要删除的文档 ID（doc_id，见上表第一列）", elem_id="zc-doc-id")
            remove = gr.Button("删除文档", variant="stop", elem_id="zc-remove")
            remove_log = gr.Markdown(elem_id="zc-remove-log")
    return stats, table, refresh, files, ingest_btn, ingest_log, doc_id, remove, remove_log


def _eligibility_tab(sa: SelfAssessment) -> None:
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
    result = gr.HTML(elem_id="zc-elig-result")

    def assess(*values: Any) -> tuple[str, Any]:
        return sa.assess(dict(zip(names, values[:-1], strict=True)), values[-1])

    run.click(assess, inputs=[*fields.values(), chosen], outputs=[result, export], api_visibility="private")
    if "province" in fields and "city" in fields:
        fields["province"].change(lambda p: gr.Dropdown(choices=cities_of(p)), inputs=[fields["province"]],
                                  outputs=[fields["city"]], api_visibility="private")


def _field_input(spec: FieldSpec) -> Any:
    """One form input for a profile field, by its kind; every one can be left unknown."""
    label, info, elem_id = spec.label, spec.meaning, f"zc-elig-{spec.name}"
    if spec.kind == "bool":
        return gr.Dropdown([UNKNOWN, "是", "否"], value=UNKNOWN, label=label, info=info, elem_id=elem_id)
    if spec.kind == "choice":
        return gr.Dropdown([UNKNOWN, *spec.allowed], value=UNKNOWN, label=label, info=info, elem_id=elem_id)
    if spec.kind == "int" and spec.lo is not None and spec.hi is not None:  # levels: 未达一级 … 五级
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


def _messages(turns: list[Turn]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for t in turns:
        out += [{"role": "user", "content": t["question"]}, {"role": "assistant", "content": t["shown"]}]
    return out


def record_feedback(data_dir: Path, question: str, answer: str, vote: str) -> None:
    """Append one 👍/👎 as a JSON line to data_dir/feedback.jsonl."""
    data_dir.mkdir(parents=True, exist_ok=True)
    line = json.dumps(render.feedback_record(question, answer, vote), ensure_ascii=False)
    with _feedback_lock, open(data_dir / "feedback.jsonl", "a", encoding="utf-8") as f:
        f.write(line + "\n")


def mount_ui(app: FastAPI, assistant: Assistant, path: str = "/ui",
             login: Callable[[str, str], bool] | None = None, can_write: CanWrite | None = None) -> FastAPI:
    """Mount the UI at `path` (with a login page when `login` is given).

    Uploads through the UI obey the same size limit as the API (settings.max_file_mb). 申报自评 exports
    are written to data_dir/exports, which gradio must be allowed to hand out.
    """
    return gr.mount_gradio_app(app, build_ui(assistant, can_write), path=path, auth=login,
                               auth_message=LOGIN_MESSAGE, max_file_size=assistant.kb.settings.max_file_bytes,
                               allowed_paths=[str(exports_dir(assistant))],
                               css=render.CSS, footer_links=["api"], show_error=True)
