"""TLS for ``wss://``: the server's SSL context from a certificate chain and its private key.

Python's defaults for a server context are already sound (no SSLv3/TLS 1.0/1.1 ciphers, no compression,
server-chosen cipher order); we only pin the floor to TLS 1.2, so an old client fails at the handshake
rather than negotiating something weak. Files are checked here so ``serve`` can say what is wrong before
it starts listening.
"""

from __future__ import annotations

import ssl
from pathlib import Path


class TlsConfigError(ValueError):
    """The certificate or key cannot be used; the message says which file and why."""


def server_context(certfile: str | Path, keyfile: str | Path | None = None) -> ssl.SSLContext:
    """An SSL context serving ``certfile`` (PEM, leaf first, then intermediates) with ``keyfile``.

    ``keyfile`` may be omitted when the key is in ``certfile``. Encrypted keys are refused: the server
    runs unattended and cannot answer a passphrase prompt.
    """
    for label, path in (("certificate", certfile), ("key", keyfile)):
        if path is not None and not Path(path).is_file():
            raise TlsConfigError(f"{label} file not found: {path}")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.options |= ssl.OP_NO_COMPRESSION

    def no_passphrase() -> str:
        raise TlsConfigError(f"the key in {keyfile or certfile} is encrypted; give the server an unencrypted key")

    try:
        context.load_cert_chain(str(certfile), str(keyfile) if keyfile is not None else None, password=no_passphrase)
    except ssl.SSLError as exc:
        why = "the key does not match the certificate" if exc.reason == "KEY_VALUES_MISMATCH" else (
            f"{exc.reason or exc} (both must be PEM files)"
        )
        raise TlsConfigError(f"cannot use certificate {certfile} with key {keyfile or certfile}: {why}") from None
    return context
