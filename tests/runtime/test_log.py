"""Logs go to standard error as JSON lines, leaving standard output to what a command prints."""

import json
import logging

from services.runtime.log import configure_logging


def test_logs_are_json_on_stderr(capsys):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging("INFO")
        logging.getLogger("quitus.test").warning("disk nearly full", extra={"free_gb": 3})
    finally:
        root.handlers[:], root.level = handlers, level
    out, err = capsys.readouterr()
    assert out == ""
    line = json.loads(err.strip().splitlines()[-1])
    assert (line["severity"], line["message"], line["free_gb"]) == ("WARNING", "disk nearly full", 3)
