"""Keep tokens out of logs, on both sides of the socket.

The token travels in the ``hello`` frame, and websockets' DEBUG logging prints the start of every frame
(``< TEXT '{"type": "hello", "token": "…`` ), so turning on debug logging would write credentials to disk.
``RedactTokens`` drops frame payloads from websockets' frame records and masks any ``"token": "…"`` or
credential header that reaches a log line some other way (an exception message, a future log call).
"""

from __future__ import annotations

import logging
import re

from websockets.frames import Frame, Opcode

MASK = "[redacted]"
_TOKEN_FIELD = re.compile(r"""(["']?token["']?\s*[:=]\s*["']?)[^"'\s,}]*""", re.IGNORECASE)
_CREDENTIAL_HEADER = re.compile(r"^((?:authorization|cookie|proxy-authorization)\s*:\s*).*$", re.IGNORECASE | re.M)
_DATA_OPCODES = (Opcode.TEXT, Opcode.BINARY, Opcode.CONT)


def redact(text: str) -> str:
    """``text`` with every token value and credential header masked."""
    return _CREDENTIAL_HEADER.sub(rf"\g<1>{MASK}", _TOKEN_FIELD.sub(rf"\g<1>{MASK}", text))


def _frame_summary(frame: Frame) -> str:
    """What websockets would log for a data frame, without its payload (a hello carries the token)."""
    return f"{frame.opcode.name} [{len(frame.data)} bytes{'' if frame.fin else ', continued'}]"


class RedactTokens(logging.Filter):
    """A logging filter that rewrites a record so it cannot carry a token; it never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(isinstance(a, Frame) and a.opcode in _DATA_OPCODES for a in args):
            record.args = tuple(
                _frame_summary(a) if isinstance(a, Frame) and a.opcode in _DATA_OPCODES else a for a in args
            )
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string: log it as-is, masked
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactTokens()


def redacting_logger(name: str) -> logging.Logger:
    """The named logger with ``RedactTokens`` attached (once); pass it to websockets' ``serve``/``connect``.

    A filter on a logger only sees records created on that logger, so websockets must log to this one.
    """
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger


def redact_handlers(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of ``logger`` (root by default): covers records from any logger."""
    for handler in (logger or logging.getLogger()).handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
