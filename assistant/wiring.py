"""The one composition root: settings → embedder, store, knowledge base, LLM, assistant."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from assistant.backends import build_chat_model, build_embedder, build_store, embedder_name
from assistant.chat import Assistant
from assistant.eligibility.hook import EligibilityHook
from assistant.eligibility.reviewed import load_reviewed
from assistant.knowledge import KnowledgeBase
from assistant.prompts import load_prompts
from assistant.settings import Settings
from ingest.driver import Pipeline


def build_knowledge_base(settings: Settings, embedder: Embeddings | None = None) -> KnowledgeBase:
    """The knowledge base over the configured store, reading files with ingest's pipeline (the embedder
    from settings unless one is given: tests and benchmarks bring a fast or recording one)."""
    embedder = embedder or build_embedder(settings)
    return KnowledgeBase(settings, embedder, build_store(settings, embedder_name(embedder)), Pipeline())


def build_assistant(settings: Settings, kb: KnowledgeBase | None = None) -> Assistant:
    """An Assistant wired from settings (the LLM only when ZHICE_LLM_BASE_URL is set)."""
    kb = kb or build_knowledge_base(settings)
    hook = EligibilityHook(kb, load_reviewed(settings.programmes_dir, settings.data_dir))
    return Assistant(kb=kb, prompts=load_prompts(settings.prompts_dir), llm=build_chat_model(settings),
                     hooks=(hook,))
