"""The layout of the 问答 and 知识库 tabs: their components, returned by name for `ui.app` to wire."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui import render

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


def ask_tab() -> dict[str, Any]:
    with gr.Row():
        region = gr.Dropdown([ALL], value=ALL, label="地区", scale=1, elem_id="zc-region")
        kind = gr.Dropdown(KIND_CHOICES, value="", label="类型", scale=1, elem_id="zc-kind")
    # no built-in copy button: it would copy the markdown and the cards' HTML; answers carry their own
    chat = gr.Chatbot(label="智策", height=560, elem_id="zc-chat", feedback_options=("Like", "Dislike"),
                      placeholder="请输入关于智能制造政策的问题，或点选下方示例。", buttons=[])
    with gr.Row():
        box = gr.Textbox(label="问题", show_label=False, placeholder="输入问题，回车提问", scale=8, elem_id="zc-question")
        send = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="zc-send")
    with gr.Row():
        md = gr.DownloadButton("导出对话 Markdown", interactive=False, size="sm", elem_id="zc-export-md")
        docx = gr.DownloadButton("导出对话 Word", interactive=False, size="sm", elem_id="zc-export-docx")
        last = gr.DownloadButton("导出本条回答 Word", interactive=False, size="sm", elem_id="zc-export-last")
    note = gr.Markdown(elem_id="zc-note")
    with gr.Row():
        for audience, questions in EXAMPLES.items():
            with gr.Column(min_width=240):
                gr.Examples([[q] for q in questions], inputs=[box], label=f"示例 · {audience}")
    return {"region": region, "kind": kind, "chat": chat, "box": box, "send": send, "md": md, "docx": docx,
            "last": last, "note": note}


def kb_tab() -> dict[str, Any]:
    from ingest.loaders import SUPPORTED_SUFFIXES

    stats = gr.Markdown(elem_id="zc-stats")
    gr.Markdown("点选表格中的一行可选中该文档，再点“删除所选文档”。")
    table = gr.Dataframe(headers=render.DOC_COLUMNS, interactive=False, wrap=True, elem_id="zc-docs",
                         buttons=[])  # its copy / fullscreen buttons only have English tooltips
    refresh = gr.Button("刷新列表", size="sm")
    with gr.Row():
        with gr.Column(min_width=280):
            files = gr.File(label="上传文件（" + " ".join(sorted(SUPPORTED_SUFFIXES)) + "）",
                            file_count="multiple", file_types=sorted(SUPPORTED_SUFFIXES), type="filepath",
                            elem_id="zc-upload")
            replace = gr.Checkbox(False, label="同名文件内容不同时，替换为新版本", elem_id="zc-replace")
            ingest = gr.Button("导入知识库", variant="primary", elem_id="zc-ingest")
            log_box = gr.Markdown(elem_id="zc-ingest-log")
        with gr.Column(min_width=280):
            selected = gr.State("")
            chosen = gr.Markdown("尚未选择文档。", elem_id="zc-selected")
            with gr.Row():
                official = gr.Button("标为官方原文（已核对原文）", interactive=False, elem_id="zc-mark-official")
                delete = gr.Button("删除所选文档", variant="stop", interactive=False, elem_id="zc-remove")
            with gr.Group(visible=False, elem_id="zc-confirm") as confirm:
                question = gr.Markdown(elem_id="zc-confirm-text")
                with gr.Row():
                    yes = gr.Button("确认删除", variant="stop", elem_id="zc-confirm-yes")
                    cancel = gr.Button("取消", elem_id="zc-confirm-no")
            remove_log = gr.Markdown(elem_id="zc-remove-log")
    return {"stats": stats, "table": table, "refresh": refresh, "files": files, "replace": replace, "ingest": ingest,
            "log": log_box,
            "selected": selected, "chosen": chosen, "delete": delete, "official": official, "confirm": confirm, "question": question,
            "yes": yes, "cancel": cancel, "remove_log": remove_log}
