"""The tlsdoctor package against the tlsdoctor command, on the repository's captures."""

import json
import os
import subprocess
import sys
import threading
import warnings

import pytest

import tlsdoctor

SAMPLE = "samples/mtls-decrypt-error.pcapng"
CA = "samples/ca.pem"

# (capture, key log or None, CA or None): TLS 1.2 with a CA, TLS 1.3 with a key log,
# DTLS with a key log, QUIC with a key log, QUIC without, a gzip-free pcap.
CASES = [
    (SAMPLE, None, CA),
    ("tests/fixtures/tls13-mtls.pcapng", "tests/fixtures/tls13-mtls.keylog", None),
    ("tests/fixtures/dtls/dtls12-cv-invalid.pcapng", "tests/fixtures/dtls/dtls12-cv-invalid.keylog", None),
    ("tests/fixtures/quic/quic-0rtt.pcapng", "tests/fixtures/quic/quic-0rtt.keylog", None),
    ("tests/fixtures/quic/chromium-quinn-server.pcapng", None, None),
    ("tests/fixtures/tls12-ecdhe-rsa-aes128gcm.pcap", None, None),
]


def cli_args(capture, keylog, ca):
    args = [capture]
    if keylog:
        args += ["--keylog", keylog]
    if ca:
        args += ["--ca", ca]
    return args


@pytest.mark.parametrize("capture,keylog,ca", CASES)
def test_diagnose_equals_the_commands_json(cli_report, capture, keylog, ca):
    report = tlsdoctor.diagnose(capture, keylog=keylog, ca=ca)
    expected = cli_report(*cli_args(capture, keylog, ca))
    assert expected["connections"], "the fixture has connections"
    assert report == expected


def test_the_sample_gives_the_readmes_finding(cli_report):
    report = tlsdoctor.diagnose(SAMPLE, ca=CA)
    codes = [f["code"] for c in report["connections"] for f in c["findings"] if f["severity"] == "error"]
    expected = [f["code"] for c in cli_report(SAMPLE, "--ca", CA)["connections"] for f in c["findings"]
                if f["severity"] == "error"]
    assert codes == expected == ["client-certificate-verify-invalid"]


@pytest.mark.parametrize("capture,keylog,ca", CASES)
def test_dissect_yields_the_commands_lines(cli, capture, keylog, ca):
    status, out, err = cli("dissect", "--format", "json", *cli_args(capture, keylog, None))
    assert status == 0, err
    expected = [json.loads(line) for line in out.splitlines()]
    messages = tlsdoctor.dissect(capture, keylog=keylog)
    assert iter(messages) is messages
    assert list(messages) == expected


@pytest.mark.parametrize("capture,keylog,ca", CASES[:3])
def test_bytes_give_the_same_report(cli_report, capture, keylog, ca):
    with open(capture, "rb") as f:
        data = f.read()
    expected = cli_report(*cli_args(capture, keylog, ca))
    assert tlsdoctor.diagnose(data, keylog=keylog, ca=ca, name=capture) == expected
    assert tlsdoctor.diagnose(bytearray(data), keylog=keylog, ca=ca, name=capture) == expected
    unnamed = tlsdoctor.diagnose(data, keylog=keylog, ca=ca)
    assert unnamed["inputs"][0]["path"] == "<bytes>"
    assert {c["input"] for c in unnamed["connections"]} == {"<bytes>"}
    assert list(tlsdoctor.dissect(data, keylog=keylog)) == list(tlsdoctor.dissect(capture, keylog=keylog))


def test_paths_may_be_pathlike_and_lists(cli_report):
    from pathlib import Path

    report = tlsdoctor.diagnose(Path(SAMPLE), ca=[Path(CA), CA])
    assert report["connections"] == cli_report(SAMPLE, "--ca", CA)["connections"]


# (what the package is given, the command's arguments): each unusable the same way.
ERRORS = [
    ({"capture": "no/such.pcap"}, ["no/such.pcap"]),
    ({"capture": "README.md"}, ["README.md"]),
    ({"capture": SAMPLE, "ca": "README.md"}, [SAMPLE, "--ca", "README.md"]),
    ({"capture": SAMPLE, "ca": "no/such.pem"}, [SAMPLE, "--ca", "no/such.pem"]),
    ({"capture": SAMPLE, "keylog": "no/such.keylog"}, [SAMPLE, "--keylog", "no/such.keylog"]),
]


@pytest.mark.parametrize("given,args", ERRORS)
def test_errors_have_the_commands_message(cli, given, args):
    status, _, err = cli("diagnose", "--format", "json", *args)
    assert status == 2
    message = err.strip().splitlines()[-1]
    assert message.startswith("tlsdoctor: ")
    with pytest.raises(tlsdoctor.Error) as raised:
        tlsdoctor.diagnose(**given)
    assert "tlsdoctor: " + str(raised.value) == message
    if "ca" not in given:
        # dissect takes no CA; it fails on the rest as the command's dissect does.
        status, _, err = cli("dissect", "--format", "json", *args)
        assert status == 2
        with pytest.raises(tlsdoctor.Error) as raised:
            list(tlsdoctor.dissect(**given))
        assert "tlsdoctor: " + str(raised.value) == err.strip().splitlines()[-1]


def test_unreadable_keylog_lines_are_warned_as_the_command_says(cli, tmp_path):
    keylog = tmp_path / "bad.keylog"
    good = open("tests/fixtures/tls13-mtls.keylog").read()
    keylog.write_text("CLIENT_RANDOM zz 00\n" + good)
    capture = "tests/fixtures/tls13-mtls.pcapng"
    status, out, err = cli("diagnose", "--format", "json", capture, "--keylog", str(keylog))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = tlsdoctor.diagnose(capture, keylog=str(keylog))
    said = [line for line in err.splitlines() if "line skipped" in line]
    assert said and ["tlsdoctor: " + str(w.message) for w in caught] == said
    assert all(issubclass(w.category, UserWarning) for w in caught)
    assert report == json.loads(out)


GIL_CHECK = r"""
import os, sys, threading, tlsdoctor
fifo, capture = sys.argv[1], sys.argv[2]
result = {}
worker = threading.Thread(target=lambda: result.update(report=tlsdoctor.diagnose(capture, keylog=fifo)))
worker.start()
# The worker now waits, inside diagnose, for the key log to come through the FIFO. Only
# if diagnose released the GIL can this thread run on and write it.
with open("tests/fixtures/tls13-mtls.keylog", "rb") as f, open(fifo, "wb") as out:
    out.write(f.read())
worker.join()
print(result["report"]["connections"][0]["decrypted"])
"""


def test_the_gil_is_released_while_diagnose_works(tmp_path):
    # diagnose reads its key log through a FIFO that this process's main thread fills
    # while diagnose waits on it: with the GIL held, neither could go on. The check runs
    # in a child so that such a deadlock ends (by the child's timeout) as a failure.
    fifo = tmp_path / "keylog.fifo"
    os.mkfifo(fifo)
    child = subprocess.run([sys.executable, "-c", GIL_CHECK, str(fifo), "tests/fixtures/tls13-mtls.pcapng"],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "True"


def test_dissect_reads_on_while_python_runs():
    # Dropping the iterator early stops nothing in Python's way; another thread's
    # iteration gives the same messages.
    messages = tlsdoctor.dissect(SAMPLE)
    first = next(messages)
    del messages
    seen = []
    worker = threading.Thread(target=lambda: seen.extend(tlsdoctor.dissect(SAMPLE)))
    worker.start()
    worker.join()
    assert seen[0] == first


def test_version():
    assert tlsdoctor.__version__ == tlsdoctor.diagnose(SAMPLE)["tool"]["version"]
