"""ingest.loaders over generated files of every format, every bad input, and the shared corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus_paths import CORPUS, NATIONAL_TEXT
from files import (
    CJK_FONT,
    SAMPLE_MD_BODY,
    SAMPLE_MD_HEADER,
    SAMPLE_PDF_PAGES,
    SAMPLE_RUNNING_HEADER,
    make_binary_junk,
    make_blank_pages_pdf,
    make_chinese_pdf,
    make_corrupt_pdf,
    make_csv,
    make_docx,
    make_docx_vertical_merge,
    make_docx_with_tables,
    make_empty_file,
    make_encrypted_pdf,
    make_gbk_txt,
    make_html,
    make_md,
    make_pdf_with_table,
    make_scanned_pdf,
    make_unknown_file,
    make_wide_xlsx,
    make_xlsx,
    make_xlsx_dimension_bomb,
    make_xlsx_sheets,
    make_zip_bomb,
)

from assistant.core.text import normalize_for_match
from assistant.errors import BadInput, CorruptFile, FileTooLarge, UnsupportedFile
from assistant.settings import ReaderLimits
from ingest.loaders import SUPPORTED_SUFFIXES, LoadedFile, Page, load_file

MAX = 10 * 1024 * 1024


# ---------------------------------------------------------------- PDF


@pytest.fixture
def sample_pdf(tmp_path: Path) -> Path:
    return make_chinese_pdf(
        tmp_path / "示例办法.pdf",
        SAMPLE_PDF_PAGES,
        running_header=SAMPLE_RUNNING_HEADER,
        title="示例市智能工厂培育办法",
    )


def test_pdf_gives_one_cleaned_page_per_pdf_page(sample_pdf: Path) -> None:
    loaded = load_file(sample_pdf, MAX)
    assert loaded.fmt == "pdf"
    assert [p.number for p in loaded.pages] == [1, 2]
    assert loaded.header == {"title": "示例市智能工厂培育办法"}
    assert (loaded.columns, loaded.records) == ([], [])
    first, second = (p.text.split("\n") for p in loaded.pages)
    assert first[:2] == ["示例市智能工厂培育办法", "第一章 总则"]
    # wrapped lines are joined back into whole clauses
    assert first[2] == (
        "第一条 为推动本市制造企业开展数字化改造和智能化升级，培育一批具有示范带动作用的智能工厂，"
        "结合本市实际，制定本办法。"
    )
    assert second[0] == "第二章 支持措施"
    assert second[1].startswith("第三条 对新认定的市级智能工厂，给予一次性奖励 80万元；")
    assert "奖励３０万元" in second[1]  # full-width digits are kept
    assert "引入 Digital Twin Factory 等新模式" in second[2]


def test_pdf_running_header_and_page_numbers_are_removed(sample_pdf: Path) -> None:
    text = "\n".join(p.text for p in load_file(sample_pdf, MAX).pages)
    assert SAMPLE_RUNNING_HEADER not in text
    assert not re.search(r"^- \d+ -$", text, re.MULTILINE)


def test_pdf_text_matches_the_source_wording(sample_pdf: Path) -> None:
    text = "".join(p.text for p in load_file(sample_pdf, MAX).pages)
    assert normalize_for_match(text) == normalize_for_match("".join(SAMPLE_PDF_PAGES))


def test_pdf_pages_without_text_are_left_out(tmp_path: Path) -> None:
    path = make_chinese_pdf(
        tmp_path / "gap.pdf", ["第一页的正文。", "", "第三页的正文。"], page_numbers=False
    )
    loaded = load_file(path, MAX)
    assert [(p.number, p.text) for p in loaded.pages] == [(1, "第一页的正文。"), (3, "第三页的正文。")]


def test_pdf_without_any_text_asks_for_ocr(tmp_path: Path) -> None:
    path = make_chinese_pdf(tmp_path / "scan.pdf", ["", ""], page_numbers=False)
    with pytest.raises(CorruptFile, match=r"scan\.pdf 没有可提取的文字.*OCR"):
        load_file(path, MAX)


def test_corrupt_pdf(tmp_path: Path) -> None:
    with pytest.raises(CorruptFile, match=r"broken\.pdf") as info:
        load_file(make_corrupt_pdf(tmp_path / "broken.pdf"), MAX)
    assert "重新导出" in str(info.value) or "没有可提取的文字" in str(info.value)


def test_truncated_pdf(tmp_path: Path) -> None:
    whole = make_chinese_pdf(tmp_path / "whole.pdf", SAMPLE_PDF_PAGES).read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(CorruptFile, match=r"half\.pdf"):
        load_file(path, MAX)


def test_encrypted_pdf_is_refused_with_advice(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "locked.pdf")
    with pytest.raises(CorruptFile, match=r"locked\.pdf 有打开密码.*未加密的副本"):
        load_file(path, MAX)


def test_pdf_encrypted_with_an_empty_user_password_opens(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "restricted.pdf", user_password="")
    loaded = load_file(path, MAX)
    assert [p.number for p in loaded.pages] == [1, 2]
    assert "第一条 为推动本市制造企业" in loaded.pages[0].text


# ---------------------------------------------------------------- plain text


def test_gbk_txt(tmp_path: Path) -> None:
    text = "示例通知\n\n第一条 这份文件用国标编码保存，含生僻字“堃”和全角数字１２。\n"
    for encoding in ("gbk", "gb18030"):
        path = make_gbk_txt(tmp_path / f"{encoding}.txt", text, encoding=encoding)
        loaded = load_file(path, MAX)
        assert loaded.fmt == "txt"
        assert loaded.pages == [
            Page(0, "示例通知\n\n第一条 这份文件用国标编码保存，含生僻字“堃”和全角数字１２。")
        ]
        assert loaded.header == {}


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_txt_with_or_without_bom(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "utf8.txt"
    path.write_bytes(bom + "第一条 正文。\r\n第二条 正文。\r\n".encode())
    assert load_file(path, MAX).pages == [Page(0, "第一条 正文。\n第二条 正文。")]


def test_utf16_txt_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("第一条 正文。".encode("utf-16"))
    assert load_file(path, MAX).pages[0].text == "第一条 正文。"


def test_md_with_header_block(tmp_path: Path) -> None:
    path = make_md(tmp_path / "示例.md", SAMPLE_MD_HEADER, SAMPLE_MD_BODY, title="示例省数字化车间认定办法")
    loaded = load_file(path, MAX)
    assert loaded.fmt == "md"
    assert loaded.header == {
        "title": "示例省数字化车间认定办法（测试用）",
        "issuer": "示例省工业和信息化厅",
        "date": "2030年1月2日",
        "doc_no": "示工信规〔2030〕1号",
        "url": "https://example.org/policy/1.html",
        "source_note": "测试夹具",
        "completeness": "全文",
        "category": "地方政策（测试）",
        "heading": "示例省数字化车间认定办法",
    }
    assert loaded.pages == [Page(0, SAMPLE_MD_BODY.strip())]  # logical lines stay as they are


def test_binary_junk_is_not_text(tmp_path: Path) -> None:
    with pytest.raises(CorruptFile, match=r"junk\.txt.*二进制"):
        load_file(make_binary_junk(tmp_path / "junk.txt"), MAX)


def test_undecodable_bytes_without_nul(tmp_path: Path) -> None:
    path = tmp_path / "noise.md"
    path.write_bytes(bytes(range(0x80, 0x100)) * 8 + bytes(range(1, 9)) * 64)
    with pytest.raises(CorruptFile, match=r"noise\.md"):
        load_file(path, MAX)


def test_whitespace_only_file_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n\u3000\n", encoding="utf-8")
    with pytest.raises(CorruptFile, match=r"blank\.txt 没有可提取的文字"):
        load_file(path, MAX)


# ---------------------------------------------------------------- DOCX


def test_docx_paragraphs_and_table_rows(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "办法.docx",
        ["示例市智能工厂培育办法", "第一条 为推动智能工厂建设，制定本办法。", "", "第二条 奖励标准见下表。"],
        table=[["级别", "奖励"], ["市级智能工厂", "80万元"], ["数字化车间", "３０万元"]],
        title="示例办法",
    )
    loaded = load_file(path, MAX)
    assert loaded.fmt == "docx"
    assert loaded.header == {"title": "示例办法"}
    assert loaded.pages == [
        Page(
            0,
            "示例市智能工厂培育办法\n第一条 为推动智能工厂建设，制定本办法。\n\n第二条 奖励标准见下表。\n"
            "| 级别 | 奖励 |\n|---|---|\n| 市级智能工厂 | 80万元 |\n| 数字化车间 | ３０万元 |",
        )
    ]


def test_docx_merged_cells_appear_once(tmp_path: Path) -> None:
    import docx

    path = make_docx(tmp_path / "merged.docx", ["奖励标准"], table=[["级别", ""], ["市级", "80万元"]])
    document = docx.Document(str(path))
    table = document.tables[0]
    table.cell(0, 0).merge(table.cell(0, 1))
    document.save(str(path))
    assert load_file(path, MAX).pages[0].text == "奖励标准\n级别\n市级 | 80万元"


def test_docx_header_block_in_the_text(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "h.docx", ["- 标题: 甲办法", "- 发布机关: 乙厅", "---", "第一条 正文。"])
    loaded = load_file(path, MAX)
    assert loaded.header == {"title": "甲办法", "issuer": "乙厅"}
    assert loaded.pages[0].text == "第一条 正文。"


@pytest.mark.parametrize(
    "content",
    [b"this is not a zip", b"PK\x03\x04" + bytes(200), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)],
)
def test_bad_docx(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    with pytest.raises(CorruptFile, match=r"bad\.docx.*另存为 \.docx") as info:
        load_file(path, MAX)
    assert info.value.__cause__ is not None  # the vendor error is chained, not swallowed


# ---------------------------------------------------------------- HTML


@pytest.mark.parametrize(
    ("suffix", "encoding", "article"), [(".html", "utf-8", False), (".htm", "gbk", True)]
)
def test_html_main_text_only(tmp_path: Path, suffix: str, encoding: str, article: bool) -> None:
    paragraphs = ["第一条 为推动本市智能工厂建设，制定本办法。", "第二条 本办法自发布之日起施行。"]
    path = make_html(tmp_path / f"page{suffix}", paragraphs, encoding=encoding, article=article)
    loaded = load_file(path, MAX)
    assert loaded.fmt == "html"
    assert loaded.header == {"title": "示例市智能工厂培育办法_示例市人民政府"}
    assert loaded.pages == [
        Page(0, "示例市智能工厂培育办法\n" + "\n".join(paragraphs) + "\n| 级别 | 奖励 |\n|---|---|\n| 市级智能工厂 | 80万元 |")
    ]


def test_html_inline_markup_and_source_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "inline.html"
    path.write_text(
        "<html><body><main><p>请登录<a href='x'>申报平台</a>提交<strong>材料</strong>，\n    截止日期为"
        "<span>６月３０日</span>。<br>联系电话：<b>12345</b></p><!-- 注释 --></main></body></html>",
        encoding="utf-8",
    )
    loaded = load_file(path, MAX)
    assert loaded.header == {}
    assert loaded.pages[0].text == "请登录申报平台提交材料，截止日期为６月３０日。\n联系电话：12345"


def test_html_largest_text_block_without_main_or_article(tmp_path: Path) -> None:
    path = tmp_path / "plain.html"
    body = "".join(f"<p>第{n}条 正文内容较长的一段文字，用来占据页面主体。</p>" for n in "一二三")
    path.write_text(
        f"<html><body><div class='links'><p>友情链接</p></div><div class='c'>{body}</div>"
        "<div class='x'><p>打印本页</p></div></body></html>",
        encoding="utf-8",
    )
    text = load_file(path, MAX).pages[0].text
    assert text.split("\n") == [f"第{n}条 正文内容较长的一段文字，用来占据页面主体。" for n in "一二三"]


def test_html_without_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text(
        "<html><head><title>空页面</title><script>x()</script></head><body><nav>首页</nav></body></html>"
    )
    with pytest.raises(CorruptFile, match=r"empty\.html 没有可提取的文字"):
        load_file(path, MAX)


# ---------------------------------------------------------------- tables


def test_csv_with_header_lines(tmp_path: Path) -> None:
    path = make_csv(
        tmp_path / "名单.csv",
        [
            "标题: 示例名单",
            "发布机关: 示例局",
            "日期/文号: 2030年1月；示文〔2030〕2号",
            "说明: 测试。类别: 案例名单",
        ],
        [["序号", "企业", " 备注 "], ["1", " 甲公司 ", ""], ["", "", ""], ["2", "乙公司", "含,逗号"]],
    )
    loaded = load_file(path, MAX)
    assert loaded.fmt == "csv"
    assert loaded.pages == []
    assert loaded.header == {
        "title": "示例名单",
        "issuer": "示例局",
        "date": "2030年1月；示文〔2030〕2号",
        "doc_no": "2030年1月；示文〔2030〕2号",
        "说明": "测试。",
        "category": "案例名单",
    }
    assert loaded.columns == ["序号", "企业", "备注"]
    assert loaded.records == [
        {"序号": "1", "企业": "甲公司", "备注": ""},
        {"序号": "2", "企业": "乙公司", "备注": "含,逗号"},
    ]


def test_csv_gbk_with_tabs_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "tab.csv"
    path.write_bytes("企业\t奖励\n甲公司\t80万元\t追加\n乙公司\n".encode("gbk"))
    loaded = load_file(path, MAX)
    assert loaded.header == {}
    assert loaded.columns == ["企业", "奖励", "column_3"]
    assert loaded.records == [
        {"企业": "甲公司", "奖励": "80万元", "column_3": "追加"},
        {"企业": "乙公司", "奖励": "", "column_3": ""},
    ]


def test_csv_first_column_named_hash(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "hash.csv", ["# 标题: 编号表", "#"], [["#", "企业"], ["1", "甲公司"]])
    loaded = load_file(path, MAX)
    assert loaded.header == {"title": "编号表"}
    assert loaded.columns == ["#", "企业"]
    assert loaded.records == [{"#": "1", "企业": "甲公司"}]


def test_csv_without_rows(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "cols.csv", ["标题: 空表"], [["企业", "奖励"]])
    with pytest.raises(CorruptFile, match=r"cols\.csv 只有列名、没有数据行"):
        load_file(path, MAX)


def test_csv_with_only_header_lines(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "hdr.csv", ["标题: 空表"], [])
    with pytest.raises(CorruptFile, match=r"hdr\.csv 没有列名行"):
        load_file(path, MAX)


def test_xlsx(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "名单.xlsx",
        [
            ["序号", "企业", "奖励（万元）", None],
            [1, " 甲公司 ", 80.0, None],
            [None, None, None, None],
            [2, "乙公司", 30.5],
        ],
        header_lines=["标题: 示例表", "发布机关: 示例局"],
    )
    loaded = load_file(path, MAX)
    assert loaded.fmt == "xlsx"
    assert loaded.pages == []
    assert loaded.header == {"title": "示例表", "issuer": "示例局"}
    assert loaded.columns == ["序号", "企业", "奖励（万元）"]
    assert loaded.records == [
        {"序号": "1", "企业": "甲公司", "奖励（万元）": "80"},
        {"序号": "2", "企业": "乙公司", "奖励（万元）": "30.5"},
    ]


def test_bad_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 broken workbook")
    with pytest.raises(CorruptFile, match=r"bad\.xlsx.*另存为") as info:
        load_file(path, MAX)
    assert info.value.__cause__ is not None


# ---------------------------------------------------------------- refusals before reading


@pytest.mark.parametrize("name", ["slides.pptx", "archive.zip", "legacy.doc", "README"])
def test_unknown_type(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsupportedFile, match=re.escape(name)) as info:
        load_file(make_unknown_file(tmp_path / name), MAX)
    assert ".pdf" in str(info.value)  # says what to convert to


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = make_corrupt_pdf(tmp_path / "big.pdf")  # would be CorruptFile if it were read
    with pytest.raises(
        FileTooLarge, match=r"big\.pdf 大小为 1\.0 kB，超过 100 bytes 的上限.*ZHICE_MAX_FILE_MB"
    ):
        load_file(path, max_bytes=100)


@pytest.mark.parametrize(
    "name", ["empty.pdf", "empty.txt", "empty.docx", "empty.csv", "empty.xlsx", "empty.html"]
)
def test_empty_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(CorruptFile, match=re.escape(name) + " 是空文件"):
        load_file(make_empty_file(tmp_path / name), MAX)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CorruptFile, match=r"gone\.txt"):
        load_file(tmp_path / "gone.txt", MAX)


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.md"
    folder.mkdir()
    (folder / "x.txt").write_text("正文", encoding="utf-8")
    with pytest.raises(CorruptFile, match=r"folder\.md 不是普通文件"):
        load_file(folder, MAX)


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = make_gbk_txt(tmp_path / "UPPER.TXT", "第一条 正文。")
    assert load_file(path, MAX).fmt == "txt"


def test_every_error_is_bad_input() -> None:
    # the API maps BadInput subclasses to 4xx; the pipeline records them and goes on
    assert all(issubclass(e, BadInput) for e in (UnsupportedFile, FileTooLarge, CorruptFile))


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == {".pdf", ".docx", ".txt", ".md", ".html", ".htm", ".csv", ".xlsx"}


# ---------------------------------------------------------------- the shared corpus

CORPUS_FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason=f"shared corpus not available at {CORPUS}")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_file_loads(path: Path) -> None:
    loaded = load_file(path, MAX)
    assert isinstance(loaded, LoadedFile)
    if loaded.fmt == "csv":
        assert loaded.columns and loaded.records
        assert {"title", "issuer", "source_note", "completeness", "category"} <= loaded.header.keys()
        assert all(set(r) == set(loaded.columns) for r in loaded.records)
    else:
        assert len(loaded.pages) == 1 and loaded.pages[0].text
        assert "title" in loaded.header or path.suffix == ".txt"
    if path.parent.name == "local":
        assert {
            "title",
            "issuer",
            "date",
            "doc_no",
            "url",
            "source_note",
            "nature",
            "completeness",
            "category",
        } <= (loaded.header.keys())
        assert "http" in loaded.header["url"]  # jilin lists three links as ①https:… ②https:… ③http:…
        assert not loaded.pages[0].text.startswith(("#", "-"))  # the header block is not body


@pytest.mark.skipif(not CORPUS_FILES, reason=f"shared corpus not available at {CORPUS}")
def test_corpus_national_text_is_reflowed() -> None:
    loaded = load_file(NATIONAL_TEXT, MAX)
    assert loaded.header == {}
    lines = loaded.pages[0].text.split("\n")
    assert "四、重点工作" in lines
    assert "智能制造示范工厂建设期为２年" in loaded.pages[0].text


# ---------------------------------------------------------------- reader caps (issue 9, bounded ingest)

_PARSE_UNDER_LIMIT = """
import json, resource, sys, time
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
from ingest.loaders import load_file
started = time.perf_counter()
try:
    loaded = load_file(Path(sys.argv[1]), 50 * 1024 * 1024)
    out = {"ok": True, "columns": loaded.columns, "records": len(loaded.records)}
except Exception as e:
    out = {"ok": False, "error": type(e).__name__, "message": str(e)}
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) pytest process that forked us
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
out["peak_mb"] = int(hwm.split()[1]) / 1024
out["seconds"] = time.perf_counter() - started
print(json.dumps(out, ensure_ascii=False))
"""
ADDRESS_SPACE = 2 * 1024**3  # RLIMIT_AS of the parsing child: Python's virtual size runs well above its RSS
RSS_BUDGET_MB = 1024  # issue 9: the server's RSS must stay within 1 GB of where it started


def parse_in_child(path: Path) -> dict[str, object]:
    """load_file in a fresh interpreter under RLIMIT_AS; its outcome and peak RSS."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _PARSE_UNDER_LIMIT, str(path), str(ADDRESS_SPACE)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_xlsx_dimension_bomb_is_refused_within_a_memory_limit(tmp_path: Path) -> None:
    bomb = make_xlsx_dimension_bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 8 * 1024
    out = parse_in_child(bomb)
    assert out["peak_mb"] < RSS_BUDGET_MB, out  # type: ignore[operator]
    assert out["seconds"] < 30, out  # type: ignore[operator]
    assert out["ok"] is False and out["error"] == "FileTooLarge", out
    assert "ZHICE_READERS__MAX_COLUMNS" in str(out["message"]) and "已跳过该文件" in str(out["message"])


def test_xlsx_declared_dimension_is_ignored(tmp_path: Path) -> None:
    """The same declaration over a small table: the table is read, nothing else is made up."""
    path = make_xlsx_dimension_bomb(tmp_path / "declared.xlsx", last_cell=False)
    out = parse_in_child(path)
    assert out["ok"] is True and out["columns"] == ["企业", "奖励"] and out["records"] == 1, out
    assert out["peak_mb"] < RSS_BUDGET_MB, out  # type: ignore[operator]


@pytest.mark.parametrize(
    ("cap", "make", "setting"),
    [
        ({"max_rows": 5}, lambda p: make_xlsx(p, [["企业", "奖励"]] + [[f"企业{i}", "1"] for i in range(10)]),
         "ZHICE_READERS__MAX_ROWS"),
        ({"max_columns": 8}, lambda p: make_wide_xlsx(p, 9), "ZHICE_READERS__MAX_COLUMNS"),
        ({"max_cells": 20}, lambda p: make_wide_xlsx(p, 5, rows=4), "ZHICE_READERS__MAX_CELLS"),
        ({"max_rows": 5}, lambda p: make_csv(p.with_suffix(".csv"), [], [["a", "b"]] + [["1", "2"]] * 10),
         "ZHICE_READERS__MAX_ROWS"),
        ({"max_cells": 5}, lambda p: make_docx(p.with_suffix(".docx"), ["表"], table=[["a", "b"]] * 4),
         "ZHICE_READERS__MAX_CELLS"),
        ({"max_pages": 1}, lambda p: make_chinese_pdf(p.with_suffix(".pdf"), SAMPLE_PDF_PAGES),
         "ZHICE_READERS__MAX_PAGES"),
        ({"max_html_mb": 0.001}, lambda p: make_html(p.with_suffix(".html"), ["第一条 正文。"] * 20),
         "ZHICE_READERS__MAX_HTML_MB"),
        ({"max_chars": 50}, lambda p: make_md(p.with_suffix(".md"), SAMPLE_MD_HEADER, SAMPLE_MD_BODY),
         "ZHICE_READERS__MAX_CHARS"),
        ({"max_unzipped_mb": 1}, lambda p: make_zip_bomb(p.with_suffix(".docx"), inflated_mb=2),
         "ZHICE_READERS__MAX_UNZIPPED_MB"),
        ({"max_unzipped_mb": 1}, lambda p: make_zip_bomb(p, "xl/worksheets/sheet1.xml", inflated_mb=2),
         "ZHICE_READERS__MAX_UNZIPPED_MB"),
    ],
)
def test_a_file_over_a_reader_cap_is_refused_in_chinese(
    tmp_path: Path, cap: dict[str, int], make: object, setting: str
) -> None:
    path = make(tmp_path / "over.xlsx")  # type: ignore[operator]
    with pytest.raises(FileTooLarge) as info:
        load_file(path, MAX, ReaderLimits(**cap))
    message = str(info.value)
    assert message.startswith(path.name + "：") and setting in message
    assert "超过上限" in message and "已跳过该文件" in message


def test_the_same_files_pass_under_the_default_caps(tmp_path: Path) -> None:
    assert len(load_file(make_wide_xlsx(tmp_path / "wide.xlsx", 200), MAX).columns) == 200
    assert load_file(make_chinese_pdf(tmp_path / "two.pdf", SAMPLE_PDF_PAGES), MAX).pages


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = make_zip_bomb(tmp_path / "bomb.docx", inflated_mb=300)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    out = parse_in_child(bomb)
    assert out["error"] == "FileTooLarge" and "ZHICE_READERS__MAX_UNZIPPED_MB" in str(out["message"]), out
    assert out["peak_mb"] < 200, out  # type: ignore[operator]


# ---------------------------------------------------------------- tables kept as records


def test_every_sheet_of_a_workbook_is_read_with_its_name(tmp_path: Path) -> None:
    path = make_xlsx_sheets(
        tmp_path / "两省名单.xlsx",
        {
            "甲省": [["甲省智能工厂名单（2025年）"], ["（测试用）"], ["序号", "企业名称", "等级"],
                   [1, "甲一公司", "智能工厂"], [2, "甲二公司", "数字化车间"], ["注：本表为测试数据。"]],
            "乙省": [["乙省智能工厂名单（2025年）"], ["序号", "企业名称", "等级"], [1, "乙一公司", "智能工厂"]],
            "空表": [],
        },
        merge_title=True,
    )
    loaded = load_file(path, MAX)
    assert [t.name for t in loaded.tables] == ["甲省", "乙省"]
    first, second = loaded.tables
    assert first.columns == second.columns == ["序号", "企业名称", "等级"]
    assert first.records == [{"序号": "1", "企业名称": "甲一公司", "等级": "智能工厂"},
                             {"序号": "2", "企业名称": "甲二公司", "等级": "数字化车间"}]
    assert first.notes == ["甲省智能工厂名单（2025年）", "（测试用）", "注：本表为测试数据。"]
    assert second.records == [{"序号": "1", "企业名称": "乙一公司", "等级": "智能工厂"}]
    assert len(loaded.records) == 3
    assert "title" not in loaded.header  # two sheets, two titles: neither names the file


def test_one_sheet_title_row_names_the_file(tmp_path: Path) -> None:
    path = make_xlsx_sheets(tmp_path / "x.xlsx", {"S": [["丙市名单"], ["企业", "等级"], ["丙公司", "智能工厂"]]})
    loaded = load_file(path, MAX)
    assert loaded.header == {"title": "丙市名单"} and loaded.records == [{"企业": "丙公司", "等级": "智能工厂"}]


def test_docx_table_becomes_records_row_by_row(tmp_path: Path) -> None:
    from assistant.settings import Settings
    from ingest.pipeline import build_chunks

    path = make_docx_with_tables(tmp_path / "奖补.docx", [
        "第一章 总则",
        "第六条 奖励标准见下表。",
        [["等级", "条件", "奖励金额"], ["基础级", "投资不低于500万元", "20万元"], ["先进级", "投资不低于2000万元", "100万元"]],
        "第七条 同一企业不重复享受。",
    ])
    chunks = build_chunks(load_file(path, MAX), "d", str(path), Settings(_env_file=None))  # type: ignore[call-arg]
    rows = [c for c in chunks if c.record]
    assert [c.record for c in rows] == [
        {"等级": "基础级", "条件": "投资不低于500万元", "奖励金额": "20万元"},
        {"等级": "先进级", "条件": "投资不低于2000万元", "奖励金额": "100万元"},
    ]
    assert rows[1].section.endswith("第六条 > 先进级")
    assert "等级：先进级；条件：投资不低于2000万元；奖励金额：100万元" in rows[1].text
    assert any("第七条 同一企业不重复享受。" in c.text and not c.record for c in chunks)


def test_workbook_rows_carry_their_sheet(tmp_path: Path) -> None:
    from assistant.settings import Settings
    from ingest.pipeline import build_chunks

    path = make_xlsx_sheets(tmp_path / "两表.xlsx", {"甲省": [["企业", "等级"], ["甲公司", "智能工厂"]],
                                                  "乙省": [["企业", "等级"], ["乙公司", "数字化车间"]]})
    chunks = build_chunks(load_file(path, MAX), "d", str(path), Settings(_env_file=None))  # type: ignore[call-arg]
    assert [(c.sheet, c.section, c.record["企业"]) for c in chunks] == [("甲省", "甲省 > 第1行", "甲公司"),
                                                                       ("乙省", "乙省 > 第1行", "乙公司")]
    assert chunks[1].to_metadata()["sheet"] == "乙省"


def test_too_many_chunks_is_refused(tmp_path: Path) -> None:
    from assistant.settings import ReaderLimits, Settings
    from ingest.pipeline import build_chunks

    path = make_csv(tmp_path / "many.csv", [], [["企业"]] + [[f"企业{i}"] for i in range(30)])
    settings = Settings(_env_file=None, readers=ReaderLimits(max_chunks=10))  # type: ignore[call-arg]
    with pytest.raises(FileTooLarge, match="ZHICE_READERS__MAX_CHUNKS"):
        build_chunks(load_file(path, MAX), "d", str(path), settings)


# ---------------------------------------------------------------- OCR of scanned pages

needs_cjk_font = pytest.mark.skipif(not CJK_FONT.exists(), reason=f"needs {CJK_FONT} (`make browser` installs it)")


@pytest.mark.slow
@needs_cjk_font
def test_a_scanned_pdf_is_read_by_ocr_with_its_pages(tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "扫描件.pdf", SAMPLE_PDF_PAGES)
    loaded = load_file(path, MAX)
    assert [(p.number, p.ocr) for p in loaded.pages] == [(1, True), (2, True)]
    text = normalize_for_match("".join(p.text for p in loaded.pages))
    for clause in ("给予一次性奖励80万元", "第二条本办法所称智能工厂", "复核通过的延续称号"):
        assert clause in text
    assert "第三条" in loaded.pages[1].text and "第三条" not in loaded.pages[0].text


@needs_cjk_font
def test_without_ocr_a_scan_has_no_text(tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "扫描件.pdf", SAMPLE_PDF_PAGES[:1])
    with pytest.raises(CorruptFile, match="没有可提取的文字"):
        load_file(path, MAX, ReaderLimits(ocr=False))
    with pytest.raises(FileTooLarge, match="ZHICE_READERS__MAX_OCR_PAGES"):
        load_file(path, MAX, ReaderLimits(max_ocr_pages=0))


@needs_cjk_font
def test_a_pdf_table_becomes_records_row_by_row(tmp_path: Path) -> None:
    from assistant.settings import Settings
    from ingest.pipeline import build_chunks

    rows = [["等级", "条件", "奖励金额"], ["基础级", "投资不低于500万元", "20万元"],
            ["先进级", "投资不低于2000万元", "100万元"], ["卓越级", "入选国家级名单", "300万元"]]
    path = make_pdf_with_table(tmp_path / "奖励.pdf", "第六条 奖励标准见下表。", rows, "第七条 同一企业不重复享受。")
    loaded = load_file(path, MAX)
    chunks = build_chunks(loaded, "d", str(path), Settings(_env_file=None))  # type: ignore[call-arg]
    records = [c for c in chunks if c.record]
    assert [c.record for c in records] == [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert all(c.page == 1 and c.section.startswith("第六条 > ") for c in records)
    assert any(c.text.startswith("第七条 同一企业不重复享受。") for c in chunks)


def test_prose_with_spaces_is_not_a_table() -> None:
    from ingest.pdf_tables import table_rows

    layout = "第一条   为推动智能工厂建设，\n制定本办法。\n江苏省工业和信息化厅        江苏省财政厅\n2025年4月8日"
    assert table_rows(layout) == []
    aligned = "等级     条件         金额\n\n基础级    投资500万元    20万元\n\n先进级    投资2000万元   100万元"
    assert table_rows(aligned) == [[["等级", "条件", "金额"], ["基础级", "投资500万元", "20万元"],
                                    ["先进级", "投资2000万元", "100万元"]]]


def test_an_html_data_table_becomes_records_and_a_layout_table_stays_text(tmp_path: Path) -> None:
    from assistant.settings import Settings
    from ingest.pipeline import build_chunks

    data = ('<table><tr><th colspan="3">奖励标准</th></tr><tr><th>等级</th><th>条件</th><th>奖励金额</th></tr>'
            "<tr><td>基础级</td><td>投资不低于500万元</td><td>20万元</td></tr>"
            "<tr><td>先进级</td><td>投资不低于2000万元</td><td>100万元</td></tr></table>")
    page = (f'<html><head><title>示例办法</title></head><body><div class="TRS_Editor"><p>第六条 奖励标准如下。</p>{data}'
            "<p>第七条 同一企业不重复享受。</p></div></body></html>")
    path = tmp_path / "奖励.html"
    path.write_text(page, encoding="utf-8")
    chunks = build_chunks(load_file(path, MAX), "d", str(path), Settings(_env_file=None))  # type: ignore[call-arg]
    assert [c.record for c in chunks if c.record] == [
        {"等级": "基础级", "条件": "投资不低于500万元", "奖励金额": "20万元"},
        {"等级": "先进级", "条件": "投资不低于2000万元", "奖励金额": "100万元"},
    ]
    long = "第一条 " + "为推动智能工厂建设，" * 40 + "制定本办法。"
    layout = tmp_path / "layout.html"
    layout.write_text(f"<html><body><table><tr><td>导航</td><td><p>{long}</p></td></tr></table></body></html>",
                      encoding="utf-8")
    text = load_file(layout, MAX).pages[0].text
    assert long in text and "|---|" not in text


def test_a_pdf_of_100k_pages_is_refused_from_its_page_tree(tmp_path: Path) -> None:
    """Issue 9: a 16 MB PDF of 100k pages took 74 s; its declared page count now refuses it at once."""
    path = make_blank_pages_pdf(tmp_path / "many.pdf", 100_000)
    out = parse_in_child(path)
    assert out["error"] == "FileTooLarge" and "ZHICE_READERS__MAX_PAGES" in str(out["message"]), out
    assert out["seconds"] < 10 and out["peak_mb"] < 300, out  # type: ignore[operator]


def test_a_long_vertical_merge_in_a_word_table_is_read_in_one_pass(tmp_path: Path) -> None:
    """python-docx recursed up the rows for each merged cell: quadratic, and a stack overflow at ~1,000 rows."""
    import time

    path = make_docx_vertical_merge(tmp_path / "merged.docx", 4000)
    assert path.stat().st_size < 100_000
    started = time.perf_counter()
    lines = load_file(path, MAX).pages[0].text.splitlines()
    assert time.perf_counter() - started < 10
    assert lines[1:3] == ["| 示范车间 | 条件 |", "|---|---|"]
    assert lines[-1] == "| 示范车间 | 第4000项 |"  # the merged cell's text carried to every row


def test_a_sheet_of_broken_xml_is_a_corrupt_file(tmp_path: Path) -> None:
    import zipfile

    good = make_xlsx(tmp_path / "ok.xlsx", [["企业", "奖励"], ["甲公司", "80万元"]])
    bad = tmp_path / "badxml.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</sheetData>", b"<row><c><v>1</v></c></sheetData>")  # an unclosed row
            dst.writestr(info, data)
    with pytest.raises(CorruptFile, match=r"badxml\.xlsx 有无法读取的工作表"):
        load_file(bad, MAX)
