"""`/files/<token>`: PUT a document's bytes to its one-time upload URL, GET them by a signed
download URL. The body streams straight to storage; nothing here holds a whole file."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from resolvers.documents import uploads
from resolvers.documents.links import PREFIX


def _disposition(name: str) -> str:
    """`attachment` with the name as ASCII and, for any other name, as UTF-8 (RFC 6266)."""
    plain = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def _refused(refusal: uploads.Refused) -> JSONResponse:
    return JSONResponse({"errors": [{"message": refusal.message}]}, status_code=refusal.status)


async def put_file(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        upload = await uploads.claim_upload(
            token,
            content_type=request.headers.get("content-type"),
            content_length=request.headers.get("content-length"),
        )
        document = await uploads.receive(upload, request.stream())
    except uploads.Refused as refusal:
        return _refused(refusal)
    except ClientDisconnect:
        return Response(status_code=400)
    return JSONResponse(
        {"sha256": document.sha256, "sizeBytes": document.size_bytes, "status": document.status},
        status_code=201,
    )


async def get_file(request: Request) -> Response:
    try:
        document, chunks = await uploads.open_download(request.path_params["token"])
    except uploads.Refused as refusal:
        return _refused(refusal)
    assert document.file_name is not None and document.content_type is not None
    name = document.file_name
    return StreamingResponse(
        chunks,
        media_type=document.content_type,
        headers={
            "content-length": str(document.size_bytes),
            "content-disposition": _disposition(name),
            "x-content-type-options": "nosniff",
            "cache-control": "private, no-store",
            "etag": f'"{document.sha256}"',
        },
    )


def file_routes() -> list[Route]:
    return [
        Route(PREFIX + "{token}", put_file, methods=["PUT"]),
        Route(PREFIX + "{token}", get_file, methods=["GET"]),
    ]
