"""What Zhice will not answer: questions outside industrial policy, and attempts to rewrite its instructions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from assistant.lexical import synonyms_of, tokenize

MIN_WORDS = 3
KNOWN_SHARE = 0.8

_INJECTION = re.compile(
    r"忽略(之前|以上|上面|前面|所有|你的)?的?(所有)?(指令|指示|规则|要求|设定|提示)|无视(之前|以上|所有)?的?(指令|规则)"
    r"|(系统|你的)(提示词|提示语|指令|prompt)|提示词是什么|输出.{0,6}(提示词|system prompt)|重复.{0,6}(上面|以上)的?(内容|指令)"
    r"|扮演|越狱|开发者模式|DAN模式|不受.{0,4}限制"
    r"|ignore (all |any )?(the )?(previous|prior|above|earlier)|disregard (all |the )?(previous|prior|above)"
    r"|system prompt|your (instructions|prompt)|jailbreak|developer mode|pretend (to be|you are)|act as",
    re.IGNORECASE,
)
# words that put a question inside Zhice's field (industrial and manufacturing policy) on their own
_FIELD_ZH = (
    "智能制造 制造 工厂 车间 产线 生产线 工信 经信 申报 认定 奖补 补助 奖励 补贴 贴息 试点 示范 场景 成熟度 数字化 "
    "智能化 网络化 技改 技术改造 智改数转 产业 工业 揭榜 先行区 梯度 培育 卓越级 领航级 先进级 基础级 专精特新 首台套 "
    "首批次 装备 原材料 消费品 电子信息 规上 规模以上 小巨人 高新技术企业 专项资金 政策"
).split()
# words common in the field but also everywhere else ("公司年会…"): they count only when most of the
# question's other words occur in the indexed documents too
_COMMON_ZH = (
    "企业 公司 申请 资金 名单 标准 专项 办法 细则 通知 方案 规划 文件 条件 资格 法人 行业 评估 评审 复评 有效期 建设期 "
    "省级 国家级 市级 配套 案例 典型 推广 平台 信用 失信 文号 发文 地方 供应链"
).split()
_FIELD_EN = (
    "manufactur factory factories workshop plant pilot demonstration subsid grant reward policy policies scenario "
    "maturity digital intelligent smart industr miit eligib certif recogni"
).split()
_COMMON_EN = "enterprise compan application apply criteria province provincial national document regulation measure".split()
COMMON_KNOWN_SHARE = 0.5  # with only common words, at least half the question's words must be the documents' own


def is_injection(question: str) -> bool:
    """True when the question tries to change, reveal or bypass the assistant's instructions."""
    return bool(_INJECTION.search(unicodedata.normalize("NFKC", question)))


def in_domain(question: str, known: Callable[[str], bool] | None = None) -> bool:
    """True when the question is about industrial / manufacturing policy at all.

    Args:
        question: the question.
        known: whether a word occurs in the indexed documents. A question with none of the field's
            words still counts when nearly all its words are the documents' own
            ("相关单位需要定期提交什么材料？"), which a question about cooking never is.
    """
    q = unicodedata.normalize("NFKC", question).lower()
    if any(w in q for w in _FIELD_ZH) or any(w in q for w in _FIELD_EN):
        return True
    if known is None:
        return False
    words = [t for t in tokenize(q) if len(t) >= 2 and not t.isdigit()]
    share = sum(map(known, words)) / len(words) if words else 0.0
    if any(w in q for w in _COMMON_ZH) or any(w in q for w in _COMMON_EN):
        return share >= COMMON_KNOWN_SHARE
    return len(words) >= MIN_WORDS and share >= KNOWN_SHARE


FOLLOW_KNOWN_SHARE = 0.5  # in a conversation about the field, a turn at least half in the documents' words stays in it


def mostly_known(question: str, known: Callable[[str], bool], share: float = FOLLOW_KNOWN_SHARE) -> bool:
    """Are most of the question's words (two characters or more) words of the indexed documents?"""
    q = unicodedata.normalize("NFKC", question).lower()
    words = [t for t in tokenize(q) if len(t) >= 2 and not t.isdigit()]
    # a colloquial word counts as the documents' when its field synonym is theirs ("到账" is 拨付)
    said = sum(1 for w in words if known(w) or any(known(t) for t in synonyms_of(w)))
    return bool(words) and said >= share * len(words)


def is_english(text: str) -> bool:
    """Mostly Latin letters and no more than a few CJK characters."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return latin > 3 * max(cjk, 1)


REFUSAL_OUT_OF_DOMAIN = (
    "抱歉，我是智策，只回答智能制造与工业领域政策相关的问题（如试点示范、示范工厂、智能工厂梯度培育、"
    "各地认定办法与奖补政策、入选名单等）。请换一个与这些主题有关的问题。"
)
REFUSAL_INJECTION = (
    "抱歉，我不能执行修改或透露系统设定的请求。我可以回答智能制造政策、申报条件、奖补标准和示范案例方面的问题。"
)
