"""Sending a decrypted file: as a download the browser must not sniff or render.

`Content-Disposition: attachment`, `nosniff`, `no-store` and a sandboxing Content-Security-Policy
(put `download_view` on the route), under a name the caller builds from codes or references,
never the original file name.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from flask import Response

from core.extensions import talisman

DOWNLOAD_CSP = "default-src 'none'; sandbox"
download_view = talisman(content_security_policy=DOWNLOAD_CSP, content_security_policy_nonce_in=[])


def first_chunk(chunks: Iterator[bytes]) -> tuple[bytes, Iterator[bytes]]:
    """Decrypt the first chunk now, so a damaged file fails before any byte is sent."""
    return next(chunks, b""), chunks


def download_response(first: bytes, rest: Iterator[bytes], content_type: str, size: int,
                      name: str) -> Response:
    return Response(chain([first], rest), mimetype=content_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Length": str(size),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })
