"""Question tokens: words jieba cut across a boundary are joined back when the documents use them."""

from assistant.lexical import question_tokens, tokenize


def test_a_word_cut_across_a_boundary_is_joined_back_when_the_index_holds_it() -> None:
    q = "国家希望把先行区打造成什么样的地方？"
    assert "打造" not in tokenize(q)  # jieba: 打|造成
    assert "打造" in question_tokens(q, lambda t: t == "打造")


def test_the_joined_piece_must_occur_in_the_index() -> None:
    assert "打造" not in question_tokens("把先行区打造成什么样", lambda t: False)


def test_two_characters_that_are_no_word_are_not_joined() -> None:
    # 省里|能|给 — "里能" and "能给" occur in no dictionary, whatever the index holds
    toks = question_tokens("省里能给多少钱", lambda t: True)
    assert not {"里能", "能给", "给多"} & set(toks)


def test_tokens_of_the_question_are_kept_in_their_order() -> None:
    q = "示范工厂的奖励标准是多少"
    assert question_tokens(q, lambda t: True)[: len(tokenize(q))] == tokenize(q)
