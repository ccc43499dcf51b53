"""Grammar of Chinese official documents shared by ingest and the answer path: the 文号 of a document."""

from __future__ import annotations

import re

# 浙经信技术〔2025〕12号, 工信厅联通装函〔2021〕263号, 2022年第39号公告
DOC_NO = re.compile(r"[\u4e00-\u9fa5]{1,16}[〔\[【(（]\d{4}[〕\]】)）]\s*(?:\d+(?:/\d+)*)号|\d{4}年第\d+号公告")
