"""tlsdoctor: why did this TLS handshake fail? Passive diagnosis of pcap/pcapng captures.

``diagnose`` gives the object ``tlsdoctor diagnose --format json`` prints, ``dissect`` the
lines of ``tlsdoctor dissect --format json``: docs/report.md in the source repository
documents every member. Both release the GIL while they read the capture.
"""

import os
from typing import Any, Iterator, Literal, Optional, Sequence, TypedDict, Union

__version__: str

StrPath = Union[str, "os.PathLike[str]"]
Paths = Union[StrPath, Sequence[StrPath], None]
CaptureSource = Union[StrPath, bytes, bytearray]

class Error(Exception):
    """A capture, key log or CA file that cannot be used; the message is the command's."""

class Endpoint(TypedDict):
    ip: str
    port: int

class Finding(TypedDict):
    code: str
    severity: Literal["error", "warning", "info"]
    frame: int
    summary: str
    detail: dict[str, Any]
    remedy: str

class Connection(TypedDict):
    id: int
    input: str
    transport: Literal["tcp", "udp", "quic"]
    client: Endpoint
    server: Endpoint
    first_frame: int
    last_frame: int
    sni: Optional[str]
    version: Optional[str]
    cipher_suite: Optional[str]
    client_auth: Literal["none", "requested", "provided", "unknown"]
    decrypted: bool
    outcome: Literal["ok", "failed", "incomplete"]
    alert: Optional[dict[str, Any]]
    closed: Optional[dict[str, Any]]
    findings: list[Finding]
    http_response: Optional[dict[str, Any]]
    passed: list[str]
    story: dict[str, Any]
    fingerprints: dict[str, Any]

class Input(TypedDict, total=False):
    path: str
    format: Literal["pcap", "pcapng"]
    frames: int
    stopped: str
    evicted_connections: int
    missing_bytes: int

class Report(TypedDict):
    schema_version: str
    tool: dict[str, str]
    connections: list[Connection]
    inputs: list[Input]

def diagnose(
    capture: CaptureSource,
    keylog: Paths = None,
    ca: Paths = None,
    name: Optional[str] = None,
) -> Report:
    """Diagnoses every TLS, DTLS and QUIC connection of one capture.

    capture: a pcap or pcapng file (gzip-compressed or not), by path or as bytes.
    keylog: NSS key log files, as ``--keylog`` (secrets embedded in a pcapng are always used).
    ca: CA certificate files or directories (PEM or DER), as ``--ca``.
    name: what the report calls a capture given as bytes (default ``"<bytes>"``).

    Raises Error when the capture, a key log or a CA file cannot be used; key log lines
    that cannot be read are skipped with a UserWarning.
    """

def dissect(
    capture: CaptureSource,
    keylog: Paths = None,
    name: Optional[str] = None,
) -> Iterator[dict[str, Any]]:
    """Every TLS message (and anomaly) of one capture, in capture order, as read.

    Arguments as for diagnose(). Raises Error from the iteration that reaches a capture
    or key log that cannot be used.
    """
