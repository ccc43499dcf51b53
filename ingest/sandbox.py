"""Reading an untrusted file in a worker process with a time and a memory limit.

An uploaded file is parsed where it can be stopped: a child process (forked from a small, clean
fork server, not from the threaded server) with RLIMIT_AS set, waited on with a deadline and
killed past it. Only the parse runs there; chunking and embedding stay in the server, so no model
is loaded per upload. A file that hits a limit is refused with a message saying which one.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from assistant import errors
from assistant.errors import BadInput, FileTooLarge
from assistant.settings import ReaderLimits
from ingest.loaded import LoadedFile

log = logging.getLogger(__name__)
# modules the fork server imports once, so each worker starts in milliseconds with the readers loaded
PRELOAD = ["ingest.loaders"]
KILL_GRACE_SECONDS = 2.0  # after the deadline, how long a killed worker gets to go away
_context: multiprocessing.context.ForkServerContext | None = None


@dataclass(frozen=True)
class WorkerLimits:
    seconds: float  # wall-clock time for the whole parse
    memory_bytes: int  # address space of the worker (RLIMIT_AS)


def _ctx() -> multiprocessing.context.ForkServerContext:
    global _context  # one fork server per process, started on first use  # noqa: PLW0603
    if _context is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        _context = ctx
    return _context


def warm_up() -> None:
    """Start the fork server now (it imports the readers once, about a second), not on the first upload."""
    from multiprocessing import forkserver

    _ctx()
    forkserver.ensure_running()


def load_isolated(path: Path, max_bytes: int, limits: ReaderLimits, worker: WorkerLimits) -> LoadedFile:
    """`ingest.loaders.load_file` in a worker process under `worker`'s limits.

    Raises:
        FileTooLarge: the parse ran out of time or memory (413), naming the setting that raises it.
        The loader's own errors (UnsupportedFile, FileTooLarge, CorruptFile) as raised in the worker.
    """
    ctx = _ctx()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_work, args=(sender, str(path), max_bytes, limits, worker.memory_bytes,
                                           worker.seconds), daemon=True, name=f"zhice-parse:{path.name[:40]}")
    proc.start()
    sender.close()
    try:
        if not receiver.poll(worker.seconds):
            raise FileTooLarge(f"{path.name}：解析超过 {worker.seconds:g} 秒，已跳过（文件可能过大或结构异常）。"
                               "请拆分后再上传，或调高 ZHICE_UPLOAD_PARSE_SECONDS")
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):
            proc.join(KILL_GRACE_SECONDS)
            kind, payload = "died", proc.exitcode
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join(KILL_GRACE_SECONDS)
    if kind == "ok":
        return payload  # type: ignore[no-any-return]
    if kind == "error":
        name, message = payload
        cls = getattr(errors, name, BadInput)
        raise (cls if isinstance(cls, type) and issubclass(cls, BadInput) else BadInput)(message)
    if kind == "memory" or (kind == "died" and payload is not None):
        log.warning("parse of %s stopped: %s %s", path.name, kind, payload)
        raise FileTooLarge(f"{path.name}：解析所需内存超过 {worker.memory_bytes // 2**20} MB，已跳过（文件可能过大"
                           "或是压缩炸弹）。请拆分后再上传，或调高 ZHICE_UPLOAD_PARSE_MEMORY_MB")
    raise BadInput(f"{path.name}：解析进程异常结束，已跳过；请检查文件是否完好")


def _work(conn: Connection, path: str, max_bytes: int, limits: ReaderLimits, memory: int, seconds: float) -> None:
    """In the worker: cap the address space and CPU time, read the file, send the outcome."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(seconds) + 1  # the parent's deadline is the real one; this stops a worker it failed to kill
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    from ingest.loaders import load_file

    try:
        conn.send(("ok", load_file(Path(path), max_bytes, limits)))
    except MemoryError:
        conn.send(("memory", ""))
    except errors.ZhiceError as e:
        # a reader that reports a failure of its own caused by the memory cap: that is the cap
        out_of_memory = isinstance(e.__cause__, MemoryError) or isinstance(e.__context__, MemoryError)
        conn.send(("memory", "") if out_of_memory else ("error", (type(e).__name__, str(e))))
    except Exception as e:  # a reader bug on a hostile file must not pass as a parse: report it
        conn.send(("error", ("CorruptFile", f"{Path(path).name}：无法读取（{type(e).__name__}）；请检查文件是否完好")))
    finally:
        conn.close()
