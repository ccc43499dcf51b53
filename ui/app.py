"""The Chinese web UI (gradio): 问答 with streaming answers, citation cards and a source viewer,
conversations kept in a side panel, exports (Markdown, Word); 知识库 management; 申报自评.

`build_ui(assistant)` returns the Blocks; `mount_ui` mounts them into the FastAPI app. Rendering
lives in `ui.render`, exports in `ui.export`, conversations in `ui.sessions` (all free of gradio);
this module wires components to `assistant.service.Service` and the assistant.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from assistant.chat import Assistant
from assistant.domain import Answer
from assistant.errors import ZhiceError
from assistant.quota import append_line_capped
from assistant.service import Service
from ui import render
from ui.assets import ON_LOAD, SCROLL_TO_HIT, TOGGLE_THEME
from ui.eligibility_tab import (  # noqa: F401  (form helpers are part of this module's interface)
    NO_TITLES,
    UNKNOWN,
    SelfAssessment,
    chat_values,
    cities_of,
    eligibility_tab,
    export_path,
    form_profile,
    write_export,
)
from ui.export import Exchange, conversation_docx, conversation_markdown
from ui.layout import ALL, ask_tab, kb_tab
from ui.programme_review import ProgrammeReview, review_section
from ui.sessions import DEFAULT_TITLE, SessionStore, Turn, answer_of, turn_of

log = logging.getLogger(__name__)

CanWrite = Callable[[gr.Request], bool]
# gradio keeps every uploaded file in its cache: check every hour, delete what is older than a day
GRADIO_CACHE_CLEANUP = (3600, 24 * 3600)
ANSWER_CONCURRENCY = 8  # answers are CPU-bound (~30-300 ms each); more would only queue on the cores
_PROGRESS = gr.Progress()  # gradio recognises the tracker by this default; it makes a fresh one per call
LOGIN_MESSAGE = ("请登录：用户名自定（对话记录按密钥保存；同一用户名只能配一个密钥）、密码为 API 密钥；"
                 "管理员用户名 admin、密码为管理员密钥。")
EXPORT_TITLE = "智策问答记录"


class Logins:
    """The UI login when API keys are on, remembering which key each login name signed in with, so
    conversations are kept per key: a name already used with one key is refused with another."""

    def __init__(self, check: Callable[[str, str], bool]) -> None:
        self.check = check
        self._keys: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, username: str, password: str) -> bool:
        if not self.check(username, password):
            return False
        fingerprint = hashlib.sha256(password.encode()).hexdigest()[:16]  # never the key itself
        with self._lock:
            return self._keys.setdefault(username, fingerprint) == fingerprint

    def key_of(self, username: str) -> str:
        with self._lock:
            return self._keys.get(username, "")


def browser_secret(data_dir: Path) -> str:
    """The key the browser-side ids are encrypted with, made once and kept in data_dir/ui-secret.

    gradio draws a new one on every start by default, which would orphan every visitor's
    conversations at a restart (and differ between replicas).
    """
    path = data_dir / "ui-secret"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(24)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secret)
    return secret


def owner_of(request: gr.Request | None, browser_id: str, logins: Logins | None = None) -> str:
    """Whose conversations these are: the key logged in with when API keys are on, else this browser."""
    user = getattr(request, "username", None) if request is not None else None
    if user:
        return f"key:{logins.key_of(user) if logins else ''}:{user}"
    return f"browser:{browser_id}"


class Handlers:
    """The event handlers of one UI: answering, sessions, exports, the viewer, feedback and the
    knowledge base. Everything about documents goes through the service."""

    def __init__(self, assistant: Assistant, can_write: CanWrite | None = None, logins: Logins | None = None) -> None:
        self.assistant = assistant
        self.logins = logins
        self.service = Service(assistant)
        self.can_write = can_write
        self.data_dir = self.service.settings.data_dir
        self.sessions = SessionStore(self.data_dir / "sessions")
        self.exports_dir = self.data_dir / "exports"
        # what visitors make the server write is capped (assistant.quota)
        self.exports_max_bytes = int(self.service.settings.exports_max_mb * 2**20)
        self.feedback_max_bytes = int(self.service.settings.feedback_max_mb * 2**20)

    # ------------------------------------------------------------------ answering
    def respond(self, question: str, turns: list[Turn], region: str, kind: str, session_id: str,
                browser_id: str, request: gr.Request) -> Iterator[Any]:
        """Stream one answer; when done, store the session and refresh the panel and the exports.

        Yields (chat, question box, turns, session id, session list, md, docx, last-answer docx, name).
        """
        keep = (gr.skip(),) * 6
        question = (question or "").strip()
        if not question:
            yield (_messages(turns), question, turns, *keep)
            return
        filters = {k: v for k, v in (("region", "" if region == ALL else region), ("kind", kind)) if v}
        # only the recent turns, as the API accepts them: a follow-up reads the last few anyway
        cfg = self.service.settings
        history = [(t["question"][:cfg.max_turn_chars], t["answer"][:cfg.max_turn_chars])
                   for t in turns[-cfg.max_history_turns:]] if cfg.max_history_turns else []
        yield (_messages(turns, (question, render.streaming_message(""))), "", turns, *keep)
        partial = ""
        try:
            for ev in self.assistant.stream(question, history, filters):
                if isinstance(ev, Answer):
                    done = [*turns, turn_of(question, ev)]
                    owner = self._owner(request, browser_id)
                    session_id = self.sessions.save_turns(owner, session_id, done)
                    yield (_messages(done), "", done, session_id, self._session_list(owner, session_id),
                           *self._exports(done), self._title(owner, session_id))
                    return
                partial += ev
                yield (_messages(turns, (question, render.streaming_message(partial))), "", turns, *keep)
        except ZhiceError as e:
            yield (_messages(turns, (question, render.friendly_error(e))), question, turns, *keep)

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
        record_feedback(self.data_dir, turn["question"], turn["answer"], vote, self.feedback_max_bytes)
        return "感谢反馈，已记录。"

    # ------------------------------------------------------------------ sessions
    def start(self, browser_id: str, last_session: str, request: gr.Request) -> tuple[Any, ...]:
        """On page load: this browser's id (made on its first visit), its last session restored."""
        browser_id = browser_id or uuid.uuid4().hex
        owner = self._owner(request, browser_id)
        listed = self.sessions.listed(owner)
        sid = last_session if any(s["id"] == last_session for s in listed) else (listed[0]["id"] if listed else "")
        turns = self.sessions.turns(owner, sid) if sid else []
        return (browser_id, sid, self._session_list(owner, sid), _messages(turns), turns, *self._exports(turns),
                self._title(owner, sid))

    def new_session(self) -> tuple[Any, ...]:
        """An empty conversation; it is stored when its first answer arrives."""
        return ("", gr.Radio(value=None), [], [], *self._exports([]), "")

    def pick(self, session_id: str | None, browser_id: str, request: gr.Request) -> tuple[Any, ...]:
        """Open a session from the panel."""
        if not session_id:
            return (gr.skip(),) * 8
        owner = self._owner(request, browser_id)
        turns = self.sessions.turns(owner, session_id)
        return (session_id, _messages(turns), turns, *self._exports(turns), "", self._title(owner, session_id))

    def rename(self, session_id: str, title: str, browser_id: str, request: gr.Request) -> tuple[Any, str]:
        owner = self._owner(request, browser_id)
        if not session_id or not self.sessions.rename(owner, session_id, title):
            return gr.skip(), "请先选择一个对话，并输入新名称。"
        return self._session_list(owner, session_id), "已重命名。"

    def delete_session(self, session_id: str, browser_id: str, request: gr.Request) -> tuple[Any, ...]:
        owner = self._owner(request, browser_id)
        if not session_id or not self.sessions.delete(owner, session_id):
            return (gr.skip(),) * 7 + ("请先选择要删除的对话。",)
        return ("", self._session_list(owner, ""), [], [], *self._exports([]), "已删除该对话。")

    def _title(self, owner: str, session_id: str) -> str:
        """The session's name, for the rename box."""
        return next((s["title"] for s in self.sessions.listed(owner) if s["id"] == session_id), "")

    def _owner(self, request: gr.Request | None, browser_id: str) -> str:
        return owner_of(request, browser_id, self.logins)

    def _session_list(self, owner: str, current: str) -> Any:
        listed = self.sessions.listed(owner)
        choices = [(s["title"] or DEFAULT_TITLE, s["id"]) for s in listed]
        return gr.Radio(choices=choices, value=current if any(s["id"] == current for s in listed) else None)

    # ------------------------------------------------------------------ exports
    def _exports(self, turns: list[Turn]) -> tuple[Any, Any, Any]:
        """Download buttons for the conversation (Markdown, Word) and its last answer (Word)."""
        if not turns:
            off = gr.DownloadButton(value=None, interactive=False)
            return off, gr.DownloadButton(value=None, interactive=False), gr.DownloadButton(value=None,
                                                                                             interactive=False)
        exchanges = [Exchange(t["question"], answer_of(t)) for t in turns]
        cap = self.exports_max_bytes
        md = export_path(self.exports_dir, "智策对话", ".md", max_bytes=cap)
        md.write_text(conversation_markdown(EXPORT_TITLE, exchanges), encoding="utf-8")
        doc = conversation_docx(EXPORT_TITLE, exchanges, export_path(self.exports_dir, "智策对话", ".docx", max_bytes=cap))
        last = conversation_docx(EXPORT_TITLE, exchanges[-1:], export_path(self.exports_dir, "智策回答", ".docx",
                                                                           max_bytes=cap))
        return (gr.DownloadButton(value=str(md), interactive=True), gr.DownloadButton(value=str(doc), interactive=True),
                gr.DownloadButton(value=str(last), interactive=True))

    # ------------------------------------------------------------------ the source viewer
    def open_source(self, request_text: str) -> tuple[Any, str]:
        """"doc_id|start|end|n|s-e,s-e" (sent by a click on a citation: the passage, its number and the
        answer's other passages of that document) → the viewer, open at the passage."""
        parts = (request_text or "").split("|")
        try:
            doc_id, start, end = parts[0], int(parts[1]), int(parts[2])
            n = int(parts[3]) if len(parts) > 3 and parts[3] else None
            also = [(int(a), int(b)) for a, b in (x.split("-") for x in parts[4].split(",") if x)] \
                if len(parts) > 4 else []
            doc = self.service.document(doc_id)
        except (ValueError, IndexError):
            return gr.Column(visible=True), render.error_message("无法打开该出处。")
        except ZhiceError:
            return gr.Column(visible=True), render.error_message("该文档已不在知识库中（可能已被删除）。")
        here = render.section_at(doc, start)
        image = ""
        if here and here.get("page") and self.service.has_pages(doc_id):
            try:  # a PDF: its page as it looks, beside the text
                png = self.service.page_image(doc_id, int(here["page"]))
                image = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            except ZhiceError:
                image = ""
        return gr.Column(visible=True), render.document_viewer(doc, start, end, n, image, also)

    # ------------------------------------------------------------------ knowledge base
    def refresh(self) -> tuple[Any, ...]:
        """Statistics, the document table and the region choices."""
        docs = self.service.documents()
        regions = [ALL, *render.region_choices(docs)]
        stats = render.stats_markdown(self.service.stats())
        return stats, render.document_rows(docs), gr.Dropdown(choices=regions)

    def ingest(self, paths: list[str] | None, replace: bool, request: gr.Request,
               progress: gr.Progress = _PROGRESS) -> tuple[str, Any]:
        """Save and ingest the chosen files: one line of outcome each, then a total; the file box is
        emptied for the next files."""
        if self.can_write is not None and not self.can_write(request):
            return "⚠️ 需要管理员登录（用户名 admin，密码为管理员密钥）才能上传。", gr.skip()
        paths = paths or []
        lines, files, chunks = [], 0, 0
        for i, p in enumerate(paths):
            name = Path(p).name
            progress((i, len(paths)), desc=f"正在导入第 {i + 1}/{len(paths)} 个文件：{name}", unit="个文件")
            try:
                with open(p, "rb") as f:
                    r = self.service.upload(name, f, replace=bool(replace))
                title = self.service.title_of(r.doc_id) if r.doc_id else ""
                lines.append(render.ingest_summary(r.filename, r.status, r.report.chunks_embedded, r.doc_id, title))
                files, chunks = files + 1, chunks + r.report.chunks_embedded
            except ZhiceError as e:
                lines.append(render.friendly_error(e, name))
        progress((len(paths), len(paths)), desc="导入完成", unit="个文件")
        if not paths:
            return "请先选择文件。", gr.skip()
        return "\n\n".join([*lines, f"共导入 {files}/{len(paths)} 个文件，新嵌入 {chunks} 个片段。"]), None

    def select_row(self, table: Any, evt: gr.SelectData) -> tuple[str, str, Any, Any]:
        """A click on a row of the table selects its document for deletion."""
        row = getattr(evt, "row_value", None)
        if row is None:
            index = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
            row = table.values.tolist()[index] if hasattr(table, "values") else table[index]
        doc_id, title, authority = str(row[-1]), str(row[0]), str(row[2])
        return (doc_id, f"已选择：《{title}》（{authority}）", gr.Button(interactive=True),
                gr.Button(interactive=authority != render.BADGE_OFFICIAL))

    def ask_delete(self, doc_id: str) -> tuple[Any, str]:
        """The confirmation, naming the document's title."""
        if not doc_id:
            return gr.Group(visible=False), "请先在上表中点选要删除的文档。"
        try:
            title = self.service.title_of(doc_id)
        except ZhiceError:
            return gr.Group(visible=False), "该文档已不在知识库中。"
        return gr.Group(visible=True), f"确定要删除《{title}》吗？删除后无法恢复，需要重新上传。"

    def mark_official(self, doc_id: str, request: gr.Request) -> str:
        """An admin has checked an uploaded (未核验) document against the official text."""
        if self.can_write is not None and not self.can_write(request):
            return "⚠️ 需要管理员登录才能更改来源性质。"
        if not doc_id:
            return "请先在上表中点选文档。"
        try:
            row = self.service.set_authority(doc_id, "official")
        except ZhiceError as e:
            return render.friendly_error(e)
        return f"已将《{row['title']}》标为{render.BADGE_OFFICIAL}。"

    def remove(self, doc_id: str, request: gr.Request) -> tuple[Any, str, str, Any]:
        """Delete the selected document (and the uploaded file that held it)."""
        hide = gr.Group(visible=False)
        if self.can_write is not None and not self.can_write(request):
            return hide, "⚠️ 需要管理员登录才能删除。", doc_id, gr.skip()
        try:
            d = self.service.delete(doc_id)
        except ZhiceError as e:
            return hide, render.friendly_error(e), doc_id, gr.skip()
        files = f"（并删除上传文件 {'、'.join(d.files_removed)}）" if d.files_removed else ""
        return hide, f"已删除《{d.title}》{files}", "", gr.Button(interactive=False)  # nothing selected now


def build_ui(assistant: Assistant, can_write: CanWrite | None = None, logins: Logins | None = None) -> gr.Blocks:
    """The Blocks of the Zhice UI.

    Args:
        assistant: answers questions; its knowledge base is listed and changed in 知识库.
        can_write: whether a request may upload or delete (default: everyone; the server passes a
            check of the logged-in user when API keys are configured).
        logins: the login check, when there is one; conversations are then kept per key.
    """
    h = Handlers(assistant, can_write, logins)
    sa = SelfAssessment(h.service.all_programmes, h.exports_dir, h.exports_max_bytes)  # drafts change with the index
    # analytics off: the machine is offline by design and nothing should try to phone out
    with gr.Blocks(title="智策 Zhice · 智能制造政策问答", analytics_enabled=False,
                   delete_cache=GRADIO_CACHE_CLEANUP) as demo:
        secret = browser_secret(h.data_dir)  # one secret for every start and replica: ids stay readable
        browser_id = gr.BrowserState("", storage_key="zhice-browser", secret=secret)
        last_session = gr.BrowserState("", storage_key="zhice-session", secret=secret)
        session_id, turns = gr.State(""), gr.State([])
        with gr.Row(equal_height=True):
            gr.Markdown("## 智策 Zhice · 智能制造政策问答\n每个回答都标出所依据的条款，点击 [n] 或来源卡片可查看原文；"
                        "“摘要（非官方原文）”来源引用前请核对原文。")
            theme = gr.Button("🌓 深色/浅色", size="sm", scale=0, min_width=120, elem_id="zc-theme")
        with gr.Sidebar(label="对话记录", open=True, elem_id="zc-sessions-panel"):
            new = gr.Button("＋ 新对话", variant="primary", elem_id="zc-new")
            listing = gr.Radio([], label="历史对话", elem_id="zc-sessions")
            title = gr.Textbox(label="重命名当前对话", placeholder="输入新名称", elem_id="zc-rename")
            with gr.Row():
                rename = gr.Button("重命名", size="sm", elem_id="zc-rename-btn")
                drop = gr.Button("删除此对话", size="sm", variant="stop", elem_id="zc-session-delete")
            session_note = gr.Markdown(elem_id="zc-session-note")
        with gr.Tabs():
            with gr.Tab("问答", id="ask"):
                ask = ask_tab()
            with gr.Tab("知识库", id="kb"):
                kb = kb_tab()
                review_section(ProgrammeReview(h.service, can_write), kb["selected"])
            with gr.Tab("申报自评", id="eligibility") as elig_tab:
                elig = eligibility_tab(sa)
        with gr.Column(visible=False, elem_id="zc-viewer") as viewer:
            close = gr.Button("✕ 关闭原文", size="sm", elem_id="zc-viewer-close")
            viewer_html = gr.HTML(elem_id="zc-viewer-body")
        open_req = gr.Textbox(label="要打开的出处", visible="hidden", elem_id="zc-open-req")
        open_btn = gr.Button("打开原文", visible="hidden", elem_id="zc-open-btn")

        exports = [ask["md"], ask["docx"], ask["last"]]
        form = list(elig["fields"].values())  # what the asker stated in the chat fills the 申报自评 form

        def to_form(t: list[Turn]) -> list[Any]:
            return chat_values(t, list(elig["fields"]))
        # gradio runs one event of a kind at a time unless told otherwise: let several people ask at once
        for trigger in (ask["box"].submit, ask["send"].click):
            trigger(h.respond, inputs=[ask["box"], turns, ask["region"], ask["kind"], session_id, browser_id],
                    outputs=[ask["chat"], ask["box"], turns, session_id, listing, *exports, title],
                    concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer",
                    api_visibility="private").then(lambda s: s, inputs=[session_id], outputs=[last_session]).then(
                to_form, inputs=[turns], outputs=form, api_visibility="private")
        ask["chat"].like(h.vote, inputs=[turns], outputs=[ask["note"]])
        new.click(h.new_session, outputs=[session_id, listing, ask["chat"], turns, *exports, session_note],
                  api_visibility="private").then(lambda: "", outputs=[last_session])
        listing.input(h.pick, inputs=[listing, browser_id],
                      outputs=[session_id, ask["chat"], turns, *exports, session_note, title],
                      api_visibility="private").then(lambda s: s, inputs=[session_id], outputs=[last_session]).then(
            to_form, inputs=[turns], outputs=form, api_visibility="private")
        rename.click(h.rename, inputs=[session_id, title, browser_id], outputs=[listing, session_note],
                     api_visibility="private")
        drop.click(h.delete_session, inputs=[session_id, browser_id],
                   outputs=[session_id, listing, ask["chat"], turns, *exports, session_note],
                   api_visibility="private").then(lambda: "", outputs=[last_session])
        theme.click(None, js=TOGGLE_THEME)
        open_btn.click(h.open_source, inputs=[open_req], outputs=[viewer, viewer_html],
                       api_visibility="private").then(None, js=SCROLL_TO_HIT)
        close.click(lambda: gr.Column(visible=False), outputs=[viewer])

        listed = [kb["stats"], kb["table"], ask["region"]]
        demo.load(h.start, inputs=[browser_id, last_session],
                  outputs=[browser_id, session_id, listing, ask["chat"], turns, *exports, title],
                  api_visibility="private")
        demo.load(h.refresh, outputs=listed, api_visibility="private")
        for shown in (demo.load, elig_tab.select):  # the index (and so the drafts) may have changed
            shown(sa.choices, outputs=[elig["chosen"], elig["checklist"]], api_visibility="private")
        kb["refresh"].click(h.refresh, outputs=listed)
        kb["ingest"].click(h.ingest, inputs=[kb["files"], kb["replace"]], outputs=[kb["log"], kb["files"]],
                           api_visibility="private").then(h.refresh, outputs=listed)
        kb["table"].select(h.select_row, inputs=[kb["table"]],
                           outputs=[kb["selected"], kb["chosen"], kb["delete"], kb["official"]],
                           api_visibility="private")
        kb["official"].click(h.mark_official, inputs=[kb["selected"]], outputs=[kb["remove_log"]],
                             api_visibility="private").then(h.refresh, outputs=listed)
        kb["delete"].click(h.ask_delete, inputs=[kb["selected"]], outputs=[kb["confirm"], kb["question"]],
                           api_visibility="private")
        kb["cancel"].click(lambda: gr.Group(visible=False), outputs=[kb["confirm"]])
        kb["yes"].click(h.remove, inputs=[kb["selected"]],
                        outputs=[kb["confirm"], kb["remove_log"], kb["selected"], kb["delete"]],
                        api_visibility="private").then(h.refresh, outputs=listed)
    return demo


def _messages(turns: list[Turn], live: tuple[str, str] | None = None) -> list[dict[str, str]]:
    """Chat messages for the stored turns (rendered afresh), plus the answer being written."""
    out: list[dict[str, str]] = []
    for t in turns:
        out += [{"role": "user", "content": t["question"]},
                {"role": "assistant", "content": render.chat_message(answer_of(t), t["question"])}]
    if live is not None:
        out += [{"role": "user", "content": live[0]}, {"role": "assistant", "content": live[1]}]
    return out


def record_feedback(data_dir: Path, question: str, answer: str, vote: str, max_bytes: int | None = None) -> None:
    """Append one 👍/👎 as a JSON line to data_dir/feedback.jsonl (rotated to feedback.jsonl.1 past
    `max_bytes`, settings.feedback_max_mb, so votes cannot fill the disk)."""
    line = json.dumps(render.feedback_record(question, answer, vote), ensure_ascii=False)
    append_line_capped(data_dir / "feedback.jsonl", line, max_bytes if max_bytes is not None else sys.maxsize)


def mount_ui(app: FastAPI, assistant: Assistant, path: str = "/ui",
             login: Callable[[str, str], bool] | None = None, can_write: CanWrite | None = None) -> FastAPI:
    """Mount the UI at `path` (with a login page when `login` is given).

    Uploads through the UI obey the same size limit as the API (settings.max_file_mb). Exports are
    written to data_dir/exports, which gradio must be allowed to hand out. The theme is light unless
    the visitor switches to dark (remembered in the browser).
    """
    settings = assistant.kb.settings
    exports = settings.data_dir / "exports"
    logins = Logins(login) if login is not None else None
    return gr.mount_gradio_app(app, build_ui(assistant, can_write, logins), path=path, auth=logins,
                               auth_message=LOGIN_MESSAGE, max_file_size=settings.max_file_bytes,
                               allowed_paths=[str(exports)], css=render.CSS, js=ON_LOAD,
                               footer_links=[], show_error=True)
