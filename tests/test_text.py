"""Sentence splitting: punctuation ends a sentence; a wrapped page line does not."""

import pytest

from assistant.core.text import split_sentences


@pytest.mark.parametrize("text, expected", [
    ("第一句。第二句！第三句？", ["第一句。", "第二句！", "第三句？"]),
    # a PDF line wrapped inside a number runs on into the next line
    ("2. 现场核查。对智能工厂申报企业全部进行现场核查，对数字化车间申报企业按不低于3\n0%的比例抽查。",
     ["2. 现场核查。", "对智能工厂申报企业全部进行现场核查，对数字化车间申报企业按不低于3\n0%的比例抽查。"]),
    # headings and items start new sentences even without punctuation before them
    ("### 第四章 认定程序\n第九条 认定按照以下程序进行：\n（一）企业申报\n（二）审核推荐",
     ["### 第四章 认定程序\n", "第九条 认定按照以下程序进行：\n", "（一）企业申报\n", "（二）审核推荐"]),
    ("这是一行很长很长的文字，它在页面的末尾被折行了但是下一行是\n1. 新的一项", ["这是一行很长很长的文字，它在页面的末尾被折行了但是下一行是\n", "1. 新的一项"]),
    # a title line is not run on into the note under it
    ("佛山市工业和信息化局关于印发《佛山市示范工厂认定及奖励办法》的通知\n（本文件为测试用模拟文本）",
     ["佛山市工业和信息化局关于印发《佛山市示范工厂认定及奖励办法》的通知\n", "（本文件为测试用模拟文本）"]),
    ("", []),
])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected
    assert all(s in text for s in split_sentences(text))
