"""Conversations kept server-side: one JSON file per owner (a browser, or a login when API keys are
on) under data_dir/sessions, so a reload — or another replica over the same data directory — finds
them. Bounded: at most `max_sessions` per owner (the oldest go) and `max_turns` per session.

Pure Python, no gradio: the UI maps a request to an owner and calls this.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.domain import Answer, Citation

MAX_SESSIONS = 30  # per owner: a side panel longer than this is not read, and a file stays small
MAX_TURNS = 50  # per session: beyond this a conversation is better started anew
MAX_OWNERS = 5000  # files kept; past it the least recently used owners' conversations go (disk stays bounded)
TITLE_CHARS = 24  # a new session is named after its first question, cut here
DEFAULT_TITLE = "新对话"
_SAFE_ID = re.compile(r"^[0-9a-f]{32}$")
_CITATION_FIELDS = set(Citation.__dataclass_fields__)

Turn = dict[str, Any]  # {"question", "answer", "refused", "mode", "citations": [Citation dicts]}


def turn_of(question: str, answer: Answer) -> Turn:
    """A finished exchange as stored (JSON-ready)."""
    return {"question": question, "answer": answer.answer, "refused": answer.refused, "mode": answer.mode,
            "citations": [asdict(c) for c in answer.citations]}


def answer_of(turn: Turn) -> Answer:
    """The Answer a stored turn holds (unknown citation fields from other versions are dropped)."""
    cites = tuple(Citation(**{k: v for k, v in c.items() if k in _CITATION_FIELDS}) for c in turn.get("citations", ()))
    return Answer(str(turn.get("answer", "")), refused=bool(turn.get("refused")), mode=str(turn.get("mode", "")),
                  citations=cites, question=str(turn.get("question", "")))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class SessionStore:
    """Sessions per owner in data_dir/sessions/<hash of owner>.json."""

    def __init__(self, folder: Path, max_sessions: int = MAX_SESSIONS, max_turns: int = MAX_TURNS,
                 max_owners: int = MAX_OWNERS) -> None:
        self.folder = folder
        self.max_sessions = max_sessions
        self.max_turns = max_turns
        self.max_owners = max_owners
        self._lock = threading.Lock()

    def _file(self, owner: str) -> Path:
        # hashed: an owner id from a browser never becomes a path, and a key never lands on disk
        return self.folder / f"{hashlib.sha256(owner.encode()).hexdigest()[:32]}.json"

    @contextmanager
    def _locked(self, owner: str) -> Iterator[Path]:
        """One writer per owner file, across threads and processes (replicas on one data directory)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._file(owner)
        with self._lock, open(path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield path
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @staticmethod
    def _read(path: Path) -> list[dict[str, Any]]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return []
        return [s for s in data.get("sessions", []) if isinstance(s, dict) and _SAFE_ID.match(str(s.get("id", "")))]

    def _write(self, path: Path, sessions: list[dict[str, Any]]) -> None:
        new_owner = not path.exists()
        tmp = path.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(json.dumps({"sessions": sessions}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one
        if new_owner:
            self._prune(keep=path)

    def _prune(self, keep: Path) -> None:
        """Past `max_owners` files, drop the least recently written ones (checked when an owner is new)."""
        files = [p for p in self.folder.glob("*.json") if p != keep]
        if len(files) < self.max_owners:
            return
        by_age = sorted(files, key=lambda p: p.stat().st_mtime)
        for old in by_age[: len(files) - self.max_owners + 1]:
            old.unlink(missing_ok=True)
            old.with_suffix(".lock").unlink(missing_ok=True)

    # ------------------------------------------------------------------ reading
    def listed(self, owner: str) -> list[dict[str, Any]]:
        """The owner's sessions, most recently used first: {id, title, updated, turns: count}."""
        sessions = self._read(self._file(owner))
        return [{"id": s["id"], "title": s.get("title") or DEFAULT_TITLE, "updated": s.get("updated", ""),
                 "turns": len(s.get("turns", []))}
                for s in sessions]

    def turns(self, owner: str, session_id: str) -> list[Turn]:
        """The turns of one session ([] when there is no such session)."""
        for s in self._read(self._file(owner)):
            if s["id"] == session_id:
                return list(s.get("turns", []))
        return []

    # ------------------------------------------------------------------ writing
    def create(self, owner: str, title: str = "") -> str:
        """A new empty session; returns its id. The oldest sessions go past `max_sessions`."""
        sid = uuid.uuid4().hex
        with self._locked(owner) as path:
            sessions = self._read(path)
            sessions.insert(0, {"id": sid, "title": title.strip()[:TITLE_CHARS] or DEFAULT_TITLE,
                                "created": _now(), "updated": _now(), "turns": []})
            self._write(path, sessions[: self.max_sessions])
        return sid

    def save_turns(self, owner: str, session_id: str, turns: list[Turn]) -> str:
        """Store a session's turns (the last `max_turns`); a session not on file is created. A session
        still called 新对话 is named after its first question. Returns the session id."""
        if not _SAFE_ID.match(session_id or ""):
            session_id = uuid.uuid4().hex
        with self._locked(owner) as path:
            sessions = self._read(path)
            found = next((s for s in sessions if s["id"] == session_id), None)
            if found is None:
                found = {"id": session_id, "title": DEFAULT_TITLE, "created": _now()}
            else:
                sessions.remove(found)
            sessions.insert(0, found)  # the file keeps the most recently used first
            found["turns"] = turns[-self.max_turns:]
            found["updated"] = _now()
            if found.get("title", DEFAULT_TITLE) == DEFAULT_TITLE and turns:
                found["title"] = turns[0]["question"].strip()[:TITLE_CHARS] or DEFAULT_TITLE
            self._write(path, sessions[: self.max_sessions])
        return session_id

    def rename(self, owner: str, session_id: str, title: str) -> bool:
        title = re.sub(r"\s+", " ", title or "").strip()[:TITLE_CHARS * 2]
        if not title:
            return False
        with self._locked(owner) as path:
            sessions = self._read(path)
            for s in sessions:
                if s["id"] == session_id:
                    s["title"] = title
                    self._write(path, sessions)
                    return True
        return False

    def delete(self, owner: str, session_id: str) -> bool:
        with self._locked(owner) as path:
            sessions = self._read(path)
            kept = [s for s in sessions if s["id"] != session_id]
            if len(kept) == len(sessions):
                return False
            self._write(path, kept)
        return True
