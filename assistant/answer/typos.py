"""Homophone typos corrected against the index's own vocabulary: 公式期 → 公示期, 智能公厂 → 智能工厂.

Chinese input methods produce words that sound like the intended one. A word of the question that
no indexed passage contains, whose pinyin is that of a word the passages do contain, is read as
that word (the most frequent one when several sound alike). Nothing is corrected towards a word the
documents do not use, and known words are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

_CJK_WORD = re.compile(r"^[\u4e00-\u9fa5]{2,4}$")
# words that ask ("几级", "多少", "哪个") are the question's own: never "corrected" into the documents' words
_ASKING = re.compile(r"[几多哪啥怎谁吗呢么]")
# a word holding a function character ("各是多久": 各 + 是) is the question's grammar, never a mistyped name
_FUNCTION = re.compile(r"[是的了在和与或被把就都也还各每]")
# words that point at a level of government or at the speakers ("市里怎么配套", "省里能给多少"): the
# spoken names of the asker's frame, never a mistyped document word (市里 is not 示例)
_DEICTIC = re.compile(r"^(?:[省市县区镇乡村]里|[省市县区]上|上面|下面|上级|本地|当地|我们|咱们|你们|他们|国家)$")


@dataclass(frozen=True)
class Homophones:
    """pinyin → the indexed word with that sound that occurs in most passages."""

    by_sound: Mapping[str, str]  # a dict, or the index's terms table (assistant.index.reader.Sounds)

    @staticmethod
    def learn(vocabulary: Iterable[tuple[str, int]]) -> Homophones:
        """From (word, passages containing it) pairs of the index."""
        best: dict[str, tuple[int, str]] = {}
        for word, df in vocabulary:
            if _CJK_WORD.match(word):
                key = _sound(word)
                if df > best.get(key, (0, ""))[0]:
                    best[key] = (df, word)
        return Homophones({k: w for k, (_, w) in best.items()})

    def correct(self, text: str, words: Iterable[str], known: Callable[[str], bool]) -> str:
        """`text` with each unknown word among `words` (its tokens) replaced by its indexed homophone."""
        for w in dict.fromkeys(words):
            if (_CJK_WORD.match(w) and not known(w) and not _ASKING.search(w) and not _DEICTIC.match(w)
                    and not _FUNCTION.search(w)):
                fix = self.by_sound.get(_sound(w))
                if fix and fix != w:
                    text = text.replace(w, fix)
        return text


def sound_of(word: str) -> str:
    """The pinyin key a word is corrected by; '' for a word that is never corrected (not 2-4 CJK characters)."""
    return _sound(word) if _CJK_WORD.match(word) else ""


def _sound(word: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(word))
