"""The one exception ingestion raises: an upload the pipeline cannot take, with a reason."""

from __future__ import annotations

from typing import Literal

UploadErrorCode = Literal[
    "empty_file",
    "header_only",
    "no_name_column",
    "duplicate_headers",
    "binary_content",
    "too_large",
    "too_many_rows",
    "undecodable",
    "unreadable",
    "bad_column_map",
]


class UploadError(Exception):
    """A file that cannot be ingested.

    `code` is a stable machine-readable identifier (see `UploadErrorCode`); `str(error)` is one
    line written for the person who dropped the file: what is wrong and what to do about it.
    """

    def __init__(self, code: UploadErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: UploadErrorCode = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"UploadError({self.code!r}, {self.message!r})"
