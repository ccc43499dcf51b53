"""The FastAPI application factory: settings and assistant injected, one error handler per error family."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.api.limits import refuse_unprocessable_text
from assistant.api.routes import router
from assistant.api.security import BodyTooLarge, GuardMiddleware, KeyRing
from assistant.api.site import SiteGuardMiddleware
from assistant.backends import store_failure
from assistant.chat import Assistant
from assistant.errors import DiskFull, ZhiceError
from assistant.settings import Settings

log = logging.getLogger(__name__)
DOCS_ASSETS = "/docs/assets"

DESCRIPTION = """智策 Zhice — cited answers about Chinese smart-manufacturing policy.

Every answer cites the clauses it rests on (`citations`, numbered like the `[n]` markers).
When `ZHICE_API_KEYS` is set, every `/v1/` route needs `Authorization: Bearer <key>` or
`X-API-Key: <key>`; uploads and deletes need `ZHICE_ADMIN_KEY`. Errors are
`{"error": {"type", "message"}}`.
"""


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> FastAPI:
    """The API (no UI; see `assistant.api.serve.build_server` for the full server).

    Args:
        settings: Service settings (keys, limits, CORS). Default: the assistant's, else `Settings()`.
        assistant: The answering core. Default: `build_assistant(settings)`.
    """
    if settings is None:
        settings = assistant.kb.settings if assistant is not None else Settings()
    if assistant is None:
        from assistant.wiring import build_assistant

        assistant = build_assistant(settings)
    KeyRing(settings)  # refuses short keys before anything is served
    app = FastAPI(title="智策 Zhice API", version="0.1.0", description=DESCRIPTION,
                  dependencies=[Depends(refuse_unprocessable_text)], docs_url=None, redoc_url=None)
    _local_docs(app)
    app.state.settings = settings
    app.state.assistant = assistant
    app.include_router(router)
    app.add_exception_handler(ZhiceError, _zhice_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OSError, _os_error)
    # The guards sit in front of routing, so refused requests are never parsed: the site guard
    # (Host, cross-site writes, security headers; the UI too) outside the key guard (keys, rates,
    # sizes); CORS, added last, wraps both, so even refusals carry the headers a browser needs.
    app.add_middleware(GuardMiddleware, settings=settings)
    app.add_middleware(SiteGuardMiddleware, settings=settings)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
            allow_credentials="*" not in origins,
        )
    return app


def _local_docs(app: FastAPI) -> None:
    """/docs with Swagger UI's files served from the installed package, not a CDN (offline use)."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — 文档",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css", swagger_favicon_url="data:,")


def error_json(status: int, type_: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"type": type_, "message": message}}, status_code=status, headers=headers)


async def _zhice_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ZhiceError)
    if exc.status_code >= 500:
        log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
    return error_json(exc.status_code, type(exc).__name__, str(exc))


async def _os_error(request: Request, exc: Exception) -> JSONResponse:
    """A file-system failure outside the store (registry, uploads): disk full is said as such;
    nothing else about the server's files (paths) reaches the caller."""
    assert isinstance(exc, OSError)
    err = store_failure(exc, "文件")
    if not isinstance(err, DiskFull):
        log.error("file system error on %s: %s", request.url.path, exc)
        return error_json(500, "ServerFileError", "服务器读写文件失败：请稍后重试，或请管理员查看服务日志")
    log.error("disk full on %s: %s", request.url.path, exc)
    return error_json(err.status_code, type(err).__name__, str(err))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    body = {"error": {"type": "BadInput", "message": validation_message(errors),
                      "details": [_jsonable_error(e) for e in errors]}}
    return JSONResponse(body, status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, BodyTooLarge):
        return error_json(exc.status_code, exc.denied.type, exc.denied.message)
    try:
        phrase = HTTPStatus(exc.status_code).phrase.replace(" ", "")
    except ValueError:
        phrase = "Error"
    return error_json(exc.status_code, phrase, str(exc.detail), dict(exc.headers or {}))


# pydantic's error types, said in Chinese (others keep pydantic's English wording)
_PYDANTIC_ZH = {
    "missing": "缺少必填字段", "extra_forbidden": "不是可用的字段", "string_type": "应为字符串",
    "int_type": "应为整数", "int_parsing": "应为整数", "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表", "dict_type": "应为对象", "model_type": "应为对象", "literal_error": "取值不在允许范围内",
    "greater_than_equal": "数值太小", "less_than_equal": "数值太大", "too_short": "内容太少", "too_long": "内容太多",
    "float_type": "应为数字", "float_parsing": "应为数字", "tuple_type": "应为 [问, 答] 两项",
}


def validation_message(errors: list[dict[str, Any]]) -> str:
    """One readable line (in Chinese) for a list of pydantic errors."""
    parts = []
    for e in errors[:5]:
        if e.get("type") == "json_invalid":
            parts.append(f"请求体不是合法的 JSON（{e.get('ctx', {}).get('error', 'decode error')}）："
                         "请发送 JSON 对象，例如 {\"question\": \"…\"}")
            continue
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "请求体"
        what = _PYDANTIC_ZH.get(str(e.get("type", "")), str(e.get("msg", "invalid")))
        if e.get("type") == "literal_error" and (expected := e.get("ctx", {}).get("expected")):
            what += f"（可选 {expected}）"
        parts.append(f"{loc}：{what}")
    more = f"（另有 {len(errors) - 5} 处）" if len(errors) > 5 else ""
    return "；".join(parts) + more


def _jsonable_error(e: dict[str, Any]) -> dict[str, Any]:
    return {"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")),
            "type": str(e.get("type", ""))}
