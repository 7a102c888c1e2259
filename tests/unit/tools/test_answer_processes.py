"""Worker processes of `serve --http` start with Ctrl-C ignored: the terminal sends it to the
whole group, and a worker still starting must not die halfway (the server stops them)."""

from __future__ import annotations

import multiprocessing
import signal
from multiprocessing.connection import Connection

from bot.tools.answer_processes import _ctrl_c_ignored


def _report_ctrl_c(writer: Connection) -> None:
    writer.send(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)


def test_a_worker_spawned_ignores_ctrl_c_from_its_first_instruction() -> None:
    context = multiprocessing.get_context("spawn")
    reader, writer = context.Pipe(duplex=False)
    # Ctrl-C on, as in a terminal (a suite run in a background job inherits it ignored).
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with _ctrl_c_ignored():
            child = context.Process(target=_report_ctrl_c, args=(writer,))
            child.start()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the server's is back
    finally:
        signal.signal(signal.SIGINT, before)
    assert reader.poll(60) and reader.recv() is True
    child.join(30)
    assert child.exitcode == 0
