"""Generate small test files of every supported format (call them with paths under tmp_path).

The Chinese PDF is written by hand: a Type0 font with Adobe's predefined `UniGB-UCS2-H` CMap
and the standard, non-embedded `STSong-Light` face (what reportlab's UnicodeCIDFont does), so no
CJK font file and no extra package are needed; viewers substitute their own Song face and pypdf
extracts the text exactly. Lines are hard-wrapped at a fixed column like a real 公文 page
(first line of a paragraph indented by two characters), optionally with a running header and
"- N -" page numbers, so the loaders' cleaning is exercised on realistic input.

The sample texts below are invented for the tests; they quote no real document.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

# An invented two-page municipal measure: headings, clauses, full-width digits, a Latin run.
SAMPLE_PDF_PAGES: list[str] = [
    "示例市智能工厂培育办法\n"
    "第一章 总则\n"
    "第一条 为推动本市制造企业开展数字化改造和智能化升级，培育一批具有示范带动作用的智能工厂，"
    "结合本市实际，制定本办法。\n"
    "第二条 本办法所称智能工厂，是指综合运用工业互联网、人工智能等新一代信息技术，实现生产全过程"
    "数据贯通和智能决策的工厂。",
    "第二章 支持措施\n"
    "第三条 对新认定的市级智能工厂，给予一次性奖励 80万元；对新认定的数字化车间，给予一次性奖励"
    "３０万元，奖励资金由市级专项资金列支。\n"
    "第四条 智能工厂称号有效期为３年，期满前企业可申请复核，复核通过的延续称号，引入 Digital "
    "Twin Factory 等新模式的优先支持。",
]
SAMPLE_RUNNING_HEADER = "示例市工业和信息化局文件"

# "- 标题: …" header block as the corpus markdown files carry it.
SAMPLE_MD_HEADER: dict[str, str] = {
    "标题": "示例省数字化车间认定办法（测试用）",
    "发布机关": "示例省工业和信息化厅",
    "日期": "2030年1月2日",
    "文号": "示工信规〔2030〕1号",
    "官方原文链接（汇编所载）": "https://example.org/policy/1.html",
    "采集来源 (where found)": "测试夹具",
    "完整性": "全文",
    "类别": "地方政策（测试）",
}
SAMPLE_MD_BODY = (
    "第一条 为规范数字化车间认定工作，制定本办法。\n"
    "第二条 申报企业应在本省注册，具有独立法人资格。\n"
    "（一）生产设备数字化率达到７０%以上；\n"
    "（二）关键工序数控化率达到 60% 以上。\n"
)


def make_chinese_pdf(
    path: Path,
    pages: Sequence[str],
    *,
    line_chars: int = 26,
    running_header: str | None = None,
    page_numbers: bool = True,
    title: str | None = None,
) -> Path:
    """Write a PDF with one page per item of `pages`; "\\n" separates paragraphs on a page.

    Args:
        path: Where to write.
        pages: Page texts (BMP characters only; paragraphs separated by newlines).
        line_chars: Column width in CJK characters (Latin counts half) where lines wrap.
        running_header: A line printed at the top of every page.
        page_numbers: Print "- N -" at the bottom of every page.
        title: The document-information /Title.

    Returns:
        `path`.
    """
    size = 16
    objects: dict[int, bytes] = {
        3: b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [4 0 R] >>",
        4: b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R "
        b"/DW 1000 >>",
        5: b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    }
    kids: list[int] = []
    next_id = 6
    for number, page_text in enumerate(pages, start=1):
        ops: list[str] = []

        def show(s: str, x: float, y: float, ops: list[str] = ops) -> None:
            hexed = s.encode("utf-16-be").hex().upper()
            ops.append(f"BT /F1 {size} Tf 1 0 0 1 {x:.1f} {y:.1f} Tm <{hexed}> Tj ET")

        if running_header:
            show(running_header, 200, 800)
        y = 760.0
        for paragraph in (p.strip() for p in page_text.split("\n")):
            if not paragraph:
                continue
            indent = 2 if _width(paragraph) > line_chars else 0  # headings are not indented
            for k, line in enumerate(_wrap(paragraph, line_chars, indent)):
                show(line, 60 + (indent * size if k == 0 else 0), y)
                y -= size * 1.8
        if page_numbers:
            show(f"- {number} -", 280, 40)
        content = "\n".join(ops).encode("ascii")
        objects[next_id] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
        objects[next_id + 1] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % next_id
        )
        kids.append(next_id + 1)
        next_id += 2
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    info = b""
    if title:
        objects[next_id] = b"<< /Title <FEFF%s> >>" % title.encode("utf-16-be").hex().upper().encode()
        info = b" /Info %d 0 R" % next_id
        next_id += 1
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for obj_id in sorted(objects):
        offsets[obj_id] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (obj_id, objects[obj_id])
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % next_id
    out += b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, next_id))
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (next_id, info, xref_at)
    path.write_bytes(bytes(out))
    return path


def make_encrypted_pdf(path: Path, user_password: str = "secret", owner_password: str = "owner") -> Path:
    """Write the sample PDF encrypted (RC4-128, which pypdf handles without extra packages).

    With `user_password=""` the file opens without a password (owner restrictions only).
    """
    from pypdf import PdfReader, PdfWriter

    plain = make_chinese_pdf(path.with_name(path.stem + "_plain.pdf"), SAMPLE_PDF_PAGES)
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    with path.open("wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def make_corrupt_pdf(path: Path) -> Path:
    """Write a file that starts like a PDF and then is garbage (a truncated download)."""
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pa" + bytes(range(256)) * 4)
    return path


def make_gbk_txt(path: Path, text: str, encoding: str = "gb18030") -> Path:
    """Write `text` in a GB encoding (GB18030 by default; "gbk" for the narrower code page)."""
    path.write_bytes(text.encode(encoding))
    return path


def make_md(path: Path, header: dict[str, str], body: str, title: str | None = None) -> Path:
    """Write a UTF-8 markdown file laid out like the corpus: `# title`, `- key: value` lines, `---`."""
    lines = [f"# {title}", ""] if title else []
    lines += [f"- {key}: {value}" for key, value in header.items()]
    lines += ["", "---", "", body]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def make_docx(
    path: Path,
    paragraphs: Iterable[str],
    table: Sequence[Sequence[str]] | None = None,
    title: str | None = None,
) -> Path:
    """Write a .docx with the paragraphs, then (optionally) a table, and a core-properties title."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(r) for r in table))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                grid.cell(i, j).text = cell
    if title is not None:
        document.core_properties.title = title
    document.save(str(path))
    return path


def make_csv(
    path: Path, header_lines: Iterable[str], rows: Iterable[Sequence[str]], encoding: str = "utf-8"
) -> Path:
    """Write a CSV: `# key: value` header lines ("# " added when missing), then the rows.

    The first row is the column row.
    """
    with path.open("w", encoding=encoding, newline="") as fh:
        for line in header_lines:
            fh.write((line if line.startswith("#") else f"# {line}") + "\n")
        csv.writer(fh).writerows(rows)
    return path


def make_xlsx(path: Path, rows: Iterable[Sequence[object]], header_lines: Iterable[str] = ()) -> Path:
    """Write a one-sheet workbook: header lines in column A ("# " added), then the rows."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in header_lines:
        sheet.append([line if line.startswith("#") else f"# {line}"])
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def make_html(
    path: Path,
    body_paragraphs: Iterable[str],
    title: str = "示例市智能工厂培育办法_示例市人民政府",
    encoding: str = "utf-8",
    article: bool = False,
) -> Path:
    """Write a government-style web page: the paragraphs inside nav, breadcrumb, sidebar and footer noise.

    Args:
        path: Where to write.
        body_paragraphs: The main text, one <p> each.
        title: The <title>.
        encoding: Bytes encoding; declared in a <meta charset>.
        article: Wrap the text in <article> instead of a plain content <div>.
    """
    ps = "\n".join(f"      <p>{p}</p>" for p in body_paragraphs)
    wrapper = ("<article>", "</article>") if article else ('<div class="TRS_Editor">', "</div>")
    html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="{encoding}">
  <title>{title}</title>
  <style>.nav {{ color: red; }}</style>
  <script>var tracker = "统计代码不应出现";</script>
</head>
<body>
  <div class="top-nav"><a href="/">首页</a> <a href="/zc">政策文件</a></div>
  <nav><ul><li>机构设置</li><li>政务公开</li></ul></nav>
  <div class="breadcrumb">当前位置：首页 &gt; 政策文件</div>
  <div class="wrap">
    <div id="sidebar"><ul><li>相关链接</li><li>热点专题</li></ul></div>
    {wrapper[0]}
      <h1>示例市智能工厂培育办法</h1>
{ps}
      <table><tr><td>级别</td><td>奖励</td></tr><tr><td>市级智能工厂</td><td>80万元</td></tr></table>
    {wrapper[1]}
  </div>
  <form><input name="q"><button>搜索</button></form>
  <footer>版权所有：示例市人民政府 网站标识码 0000000000</footer>
  <div class="footer-links">网站地图 | 联系我们</div>
</body>
</html>
"""
    path.write_bytes(html.encode(encoding))
    return path


def make_empty_file(path: Path) -> Path:
    """Write a zero-byte file."""
    path.write_bytes(b"")
    return path


def make_unknown_file(path: Path) -> Path:
    """Write a file of a type we do not read (give it e.g. a .pptx or .zip suffix)."""
    path.write_bytes(b"PK\x03\x04 not really an archive")
    return path


def make_binary_junk(path: Path) -> Path:
    """Write bytes that are no text in any encoding (give it a .txt or .md suffix)."""
    path.write_bytes(bytes(range(256)) * 16)
    return path


def _wrap(paragraph: str, width: int, indent: int) -> list[str]:
    """Break a paragraph into lines of `width` columns, never inside a Latin word."""
    tokens: list[str] = []
    for ch in paragraph:
        if (
            tokens
            and ch.isascii()
            and ch.isalnum()
            and tokens[-1][-1:].isascii()
            and tokens[-1][-1:].isalnum()
        ):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    lines: list[str] = []
    current, used, capacity = "", 0.0, float(width - indent)
    for token in tokens:
        w = _width(token)
        if current and used + w > capacity:
            lines.append(current.rstrip())
            current, used, capacity = "", 0.0, float(width)
            if token == " ":
                continue
        current += token
        used += w
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _width(s: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in s)


def make_xlsx_sheets(path: Path, sheets: dict[str, Sequence[Sequence[object]]], merge_title: bool = False) -> Path:
    """Write a workbook with one sheet per item (name → rows), in order.

    With `merge_title`, each sheet's first row (a title in column A) is merged across the table's width,
    as government lists are laid out.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        if merge_title and rows:
            width = max(len(r) for r in rows)
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    workbook.save(path)
    return path


def make_xlsx_dimension_bomb(
    path: Path,
    rows: Sequence[Sequence[object]] = (("企业", "奖励"), ("甲公司", "80万元")),
    last_cell: bool = True,
) -> Path:
    """Write a tiny workbook (a few kB) whose sheet declares `<dimension ref="A1:XFD1048576"/>`.

    openpyxl's read-only mode trusts the declaration and pads every row to 16,384 cells; with
    `last_cell` the sheet also holds one cell at XFD1048576, so every one of the 1,048,576 rows is
    produced padded: the file that took a server from 316 MB to 5 GB.
    """
    import re
    import zipfile

    plain = make_xlsx(path.with_name(path.stem + "_plain.xlsx"), rows)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"<dimension ref=\"[^\"]*\"\s*/>", b'<dimension ref="A1:XFD1048576"/>', data)
                if b"<dimension" not in data:
                    data = data.replace(b"<sheetData", b'<dimension ref="A1:XFD1048576"/><sheetData', 1)
                if last_cell:
                    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
                    data = data.replace(b"</sheetData>", far + b"</sheetData>", 1)
            dst.writestr(info, data)
    plain.unlink()
    return path


def make_zip_bomb(path: Path, member: str = "word/document.xml", inflated_mb: int = 200) -> Path:
    """Write a DOCX/XLSX-looking package whose one member inflates to `inflated_mb` MB of spaces
    (about 200 kB on disk per 200 MB)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with z.open(member, "w", force_zip64=False) as fh:
            block = b" " * (1024 * 1024)
            for _ in range(inflated_mb):
                fh.write(block)
    return path


def make_wide_xlsx(path: Path, columns: int, rows: int = 2) -> Path:
    """Write a sheet `columns` wide (column names 列1…) with `rows` data rows."""
    return make_xlsx(path, [[f"列{j}" for j in range(1, columns + 1)]] + [[f"值{i}"] * columns for i in range(rows)])


def make_docx_with_tables(path: Path, blocks: Sequence[str | Sequence[Sequence[str]]], title: str | None = None) -> Path:
    """Write a .docx of paragraphs (str) and tables (rows of cells), in the given order."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        grid = document.add_table(rows=len(block), cols=max(len(r) for r in block))
        for i, row in enumerate(block):
            for j, cell in enumerate(row):
                grid.cell(i, j).text = cell
    if title is not None:
        document.core_properties.title = title
    document.save(str(path))
    return path


CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian fonts-wqy-microhei (`make browser`)


def make_scanned_pdf(path: Path, pages: Sequence[str], line_chars: int = 30, dpi: int = 144) -> Path:
    """Write an image-only PDF: each page's text rendered into a picture (like a scan), no text layer.

    Needs a CJK font (`CJK_FONT`). Paragraphs are separated by "\\n" and wrapped at `line_chars`.
    """
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(CJK_FONT), size=dpi * 16 // 72)  # 16 pt, the size of 公文 body text
    width, height = dpi * 595 // 72, dpi * 842 // 72  # A4
    images = []
    for text in pages:
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        y = dpi
        for paragraph in (p.strip() for p in text.split("\n")):
            for line in _wrap(paragraph, line_chars, 0):
                draw.text((dpi * 60 // 72, y), line, font=font, fill=0)
                y += int(font.size * 1.8)
        images.append(image.convert("RGB"))
    images[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return path


def make_pdf_with_table(path: Path, before: str, rows: Sequence[Sequence[str]], after: str) -> Path:
    """Write a PDF (fpdf2, the CJK font embedded) with a paragraph, a ruled table and a paragraph."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cjk", "", str(CJK_FONT))
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 8, before)
    widths = [30] + [max(30, 150 // max(1, len(rows[0]) - 1))] * (len(rows[0]) - 1)
    with pdf.table(col_widths=tuple(widths), headings_style=FontFace(emphasis="")) as table:
        for r in rows:
            row = table.row()
            for cell in r:
                row.cell(cell)
    pdf.multi_cell(0, 8, after)
    pdf.output(str(path))
    return path


def make_blank_pages_pdf(path: Path, pages: int) -> Path:
    """Write a PDF of `pages` empty pages (100,000 pages is about 11 MB), all in one flat page tree."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: b"<< /Length 0 >>\nstream\n\nendstream"}
    kids = list(range(4, 4 + pages))
    for k in kids:
        objects[k] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 3 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % pages
    out = bytearray(b"%PDF-1.7\n")
    offsets: dict[int, int] = {}
    for k in sorted(objects):
        offsets[k] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (k, objects[k])
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size + b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    path.write_bytes(bytes(out))
    return path


def make_docx_vertical_merge(path: Path, rows: int) -> Path:
    """Write a .docx whose table has a first column merged vertically over `rows` rows (about 40 kB for
    4,000 rows): python-docx resolves each merged cell by recursing up the rows."""
    import re
    import zipfile

    plain = make_docx(path.with_name(path.stem + "_plain.docx"), ["第六条 奖励标准见下表。"], table=[["a", "b"]])
    with zipfile.ZipFile(plain) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    first = ('<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>示范车间</w:t></w:r></w:p></w:tc>'
             "<w:tc><w:p><w:r><w:t>条件</w:t></w:r></w:p></w:tc></w:tr>")
    more = '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc></w:tr>'
    body = first + "".join(more.format(f"第{i}项") for i in range(1, rows + 1))
    xml = re.sub(r"<w:tr[ >].*</w:tr>", lambda _m: body, xml, count=1, flags=re.S)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = xml.encode("utf-8") if info.filename == "word/document.xml" else src.read(info.filename)
            dst.writestr(info, data)
    plain.unlink()
    return path
