"""What a question asks about a rule (its conditions, materials, steps, who decides, its cap) and whether
a sentence of a clause states it, by the grammar of official documents.

Figures (amounts, rates, durations, dates …) are answer.figures' job; this module covers what is asked
in words. Every pattern is general wording of the field, never the wording of one document.
"""

from __future__ import annotations

import re

from assistant.answer.difference import RECEIVED
from assistant.core.reward_grammar import CAP_SCOPES, PAYS_DIFFERENCE

# a classification asked ("分几级", "有哪几类") is stated as "分为…"
# (a payment in instalments is divided too: "分几次给" is stated as "分两次拨付")
CLASSES_Q = re.compile(r"分(?:为|成)?(?:几|哪几|多少)[级类档种个层次批期]|有(?:几|哪几)[级类档种]|哪几[级类档种]")
CLASSES_S = re.compile(r"分为|分成|划分为|分设|分[^，。；：]{2,40}?[两二三四五六七八九十\d]+(?:个)?[级类档种层]"  # "分A、B、C三级"
                        r"|分[两二三四五六七八九十\d]+[次批期]")
# (attribute, what a question asking for it says, what a sentence stating it says)
_ATTRIBUTES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("materials",
     re.compile(r"材料|资料|提交什么|交什么|交哪些|准备什么|准备哪些|提供什么|提供哪些|\bdocuments?\b|\bmaterials?\b|\bpaperwork\b",
                re.IGNORECASE),
     re.compile(r"材料|申请书|申报书|申请表|申报表|证明|复印件|承诺书|报告|清单|营业执照|提交|提供")),
    ("procedure",
     re.compile(r"程序|流程|步骤|环节|怎么申报|如何申报|怎么申请|如何申请|怎么报|怎样申报|去哪|办理|自己.{0,4}申请|主动申请"
                r"|\bprocedure\b|\bprocess\b|\bsteps?\b|\bhow (?:do|to|can) (?:we |i )?apply\b", re.IGNORECASE),
     re.compile(r"程序|流程|申报|受理|初审|审核|评审|论证|公示|推荐|报送|认定|下达|拨付|兑现|免申")),
    ("who",
     re.compile(r"谁|哪个部门|哪些部门|哪个单位|哪家单位|什么部门|由哪|出资|资金来源|钱从哪|\bwho\b|\bwhich (?:department|agency|authority)\b",
                re.IGNORECASE),
     re.compile(r"部门|厅|局|委员会|管委会|财政|政府|负责|承担|分担|组织实施")),
    ("conditions",
     re.compile(r"条件|资格|要求|门槛|标准是什么|能(?:否|不能)?(?:申报|申请|报(?!销|告)|享受|参加|评上|认定)|可以(?:申)?报(?!销|告)|可不可以|够不够|够格|符合|满足"
                r"|\beligib|\bqualif|\brequirements?\b|\bcriteria\b|\bthreshold", re.IGNORECASE),
     re.compile(r"条件|应当?(?:同时)?(?:具备|符合|满足)|须|不低于|不少于|达到|以上|具有|注册|纳税信用|未发生|无.{0,6}(?:记录|事故)")),
    ("cap",
     re.compile(r"最多|最高|上限|封顶|至多|不超过|最大|\bmaximum\b|\bcap(?:ped)?\b|\bat most\b|\bup to\b|\bceiling\b",
                re.IGNORECASE),
     re.compile(r"最高|不超过|上限|封顶|至多|最多")),
    # the asker says what was already received ("去年拿了数字化车间奖励100万"): the clause paying the difference
    ("difference", RECEIVED, PAYS_DIFFERENCE),
    ("classes", CLASSES_Q, CLASSES_S),
)


def asked_attributes(question: str) -> tuple[str, ...]:
    """The attributes a question asks for, in a fixed order (materials, procedure, who, conditions, cap, difference,
    classes); a cap asked over a scope adds it ("一家企业一年里最多拿多少" → cap, cap over enterprise, cap over year)."""
    names = tuple(name for name, asks, _ in _ATTRIBUTES if asks.search(question))
    if "cap" in names:
        names += tuple(f"cap over {scope}" for scope, asks, _ in CAP_SCOPES if asks.search(question))
    return names


def states(attribute: str, text: str) -> bool:
    """Does the (normalised) text of a sentence, with its clause's lead, state the attribute?"""
    if attribute.startswith("cap over "):
        scope = attribute.removeprefix("cap over ")
        return states("cap", text) and any(name == scope and says.search(text) for name, _, says in CAP_SCOPES)
    return any(name == attribute and says.search(text) for name, _, says in _ATTRIBUTES)
