"""Text for PDF pages that have none: render the page (pypdfium2) and recognise it (RapidOCR, PP-OCRv4).

Scanned 红头文件 are common. The OCR models ship inside the rapidocr-onnxruntime wheel, so nothing is
downloaded at run time. Recognised lines are put in reading order (top to bottom, then left to right
within a line) and returned as the page's text; the reader marks such pages (`Page.ocr`) and the
document's metadata lists them (`ocr_pages`), so citations can say the wording is machine-read.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["OcrUnavailable", "needs_ocr", "recognise_pages"]

log = logging.getLogger(__name__)

# A page whose text layer holds fewer characters than this is treated as an image (a scan often
# carries a few stray characters, a page number or a stamp's text, and nothing else).
MIN_TEXT_CHARS = 20
# Rendering scale (72 dpi × 1.5 = 108 dpi): 公文 body text (16 pt 仿宋) is then about 24 px high, where
# PP-OCR still reads it exactly (generated scans); 2× read the same text 1.7× slower on 2 busy cores.
RENDER_SCALE = 1.5
# Measured on this 2-core machine under the team's load (0.3-0.5 pages/s): for the time estimate only.
PAGES_PER_SECOND = 0.3
# Boxes whose vertical centres are closer than this fraction of the line height are one line.
SAME_LINE = 0.5


class OcrUnavailable(RuntimeError):
    """The OCR packages are not installed."""


def needs_ocr(text: str) -> bool:
    """Does a page's extracted text look like no text layer at all?"""
    return sum(1 for c in text if not c.isspace()) < MIN_TEXT_CHARS


@cache
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:  # an install without the OCR extra
        raise OcrUnavailable(str(e)) from e
    return RapidOCR()


@dataclass(frozen=True)
class _Box:
    top: float
    bottom: float
    left: float
    text: str

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _lines(result: list[Any] | None) -> list[str]:
    """RapidOCR's [box, text, score] items as lines of text in reading order."""
    boxes = []
    for box, text, _score in result or []:
        ys = [p[1] for p in box]
        xs = [p[0] for p in box]
        boxes.append(_Box(min(ys), max(ys), min(xs), str(text)))
    boxes.sort(key=lambda b: (b.middle, b.left))
    lines: list[list[_Box]] = []
    for b in boxes:
        if lines:
            last = lines[-1]
            height = max(x.bottom - x.top for x in last)
            if abs(b.middle - sum(x.middle for x in last) / len(last)) < SAME_LINE * height:
                last.append(b)
                continue
        lines.append([b])
    return ["".join(x.text for x in sorted(line, key=lambda x: x.left)) for line in lines]


def recognise_pages(path: Path, numbers: list[int]) -> dict[int, str]:
    """The recognised text of the given 1-based pages of a PDF.

    Raises:
        OcrUnavailable: rapidocr-onnxruntime or pypdfium2 is not installed.
    """
    try:
        import pypdfium2
    except ImportError as e:
        raise OcrUnavailable(str(e)) from e
    # shown without -v: OCR is the one step of ingest that takes minutes for a single file
    log.warning("%s：%d 页为扫描图像，正在识别文字（OCR，约 %d 秒）", path.name, len(numbers),
                round(len(numbers) / PAGES_PER_SECOND))
    engine = _engine()
    out: dict[int, str] = {}
    started = time.perf_counter()
    document = pypdfium2.PdfDocument(str(path))
    try:
        for i, number in enumerate(numbers, start=1):
            page = document[number - 1]
            try:
                image = page.render(scale=RENDER_SCALE, grayscale=True).to_numpy()
            finally:
                page.close()
            result, _ = engine(image)
            out[number] = "\n".join(_lines(result))
            log.info("%s: OCR page %d (%d of %d, %.1f s so far)", path.name, number, i, len(numbers),
                     time.perf_counter() - started)
    finally:
        document.close()
    return out
