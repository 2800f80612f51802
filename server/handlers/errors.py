"""The one exception a command handler raises to refuse a command; it becomes an ``error`` frame."""

from __future__ import annotations


class CommandRejected(Exception):
    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
