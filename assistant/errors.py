"""The Zhice error tree. Each message says what to do next."""


class ZhiceError(Exception):
    """Base of every error Zhice raises on purpose."""

    status_code = 500


class ConfigError(ZhiceError):
    """The settings are inconsistent or a required resource is missing."""

    status_code = 500


class BadInput(ZhiceError):
    """The caller sent something we cannot use (empty question, bad filter, bad file)."""

    status_code = 422


class UnsupportedFile(BadInput):
    """A file type we cannot read."""

    status_code = 415


class FileTooLarge(BadInput):
    """A file over the configured size limit."""

    status_code = 413


class CorruptFile(BadInput):
    """A file that is damaged, encrypted or empty."""


class NotFound(ZhiceError):
    """The named document or resource does not exist."""

    status_code = 404


class EmbedderMismatch(ConfigError):
    """The index was built with another embedding model than the one configured."""


class LLMError(ZhiceError):
    """The configured LLM endpoint failed; extractive answers still work."""

    status_code = 502


class IndexBusy(ZhiceError):
    """Another ingest is running on this data directory."""

    status_code = 409


class NameTaken(BadInput):
    """An upload would replace a different file of the same name; it is refused unless asked to."""

    status_code = 409


class StoreError(ZhiceError):
    """The vector store failed (damaged files, a server gone); the message says how to repair."""

    status_code = 503


class DiskFull(ZhiceError):
    """No space left where the data directory is; nothing was half-written."""

    status_code = 507
