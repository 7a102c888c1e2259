"""The locust users of `benchmarks.bench_load` (which starts locust with this file and every option
below): each asks `/movie <title>` once a second, signed as Slack signs it, with a response_url on
the local Slack stand-in. Runs in the load tool's own virtualenv: standard library and locust, and
only such modules of the project.

Each response_url is `<reply base>/response/<n>/<sent at, ns since the epoch>`, so that the stand-in
can tell which request a reply answers and how long after it was sent it arrived. When locust
quits, the numbers sent and each 200 ack's time go to --numbers-file: locust's own statistics
leave out a request still waiting for its ack when the run stops, but its reply may come.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from pathlib import Path
from typing import Any

from gevent import GreenletExit
from locust import FastHttpUser, constant_throughput, events, task

from benchmarks.bench_load import WORKSPACE
from bot.tools.cli.serve import EVENTS_PATH
from bot.tools.slack_signing import signed_headers, slash_command_body

# Slack shows the user an error when a slash command is not acked within 3 s.
SLACK_ACK_TIMEOUT_MS = 3000

# Distinct askers, so that each stays under the bot's per-user limit (10 a minute) at 50 a
# second for a minute, as a workspace's many users would.
ASKERS = 1000

_numbers = itertools.count()
_texts: list[str] = []
_sent: list[int] = []
_acks: dict[int, float] = {}  # request number -> ms to a 200 ack
_cut: list[int] = []  # stopped by the end of the run before their ack


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--texts-file", required=True, help="a JSON list of questions")
    parser.add_argument("--reply-base", required=True, help="the Slack stand-in's base URL")
    parser.add_argument("--numbers-file", required=True, help="where the numbers sent go (JSON)")


@events.test_start.add_listener
def _load_texts(environment: Any, **_kwargs: Any) -> None:
    _texts.extend(json.loads(Path(environment.parsed_options.texts_file).read_text()))
    if not _texts:
        raise SystemExit(f"no questions in {environment.parsed_options.texts_file}")


@events.quitting.add_listener
def _write_numbers(environment: Any, **_kwargs: Any) -> None:
    Path(environment.parsed_options.numbers_file).write_text(
        json.dumps({"sent": _sent, "acks": _acks, "cut": _cut})
    )


class SlashCommandUser(FastHttpUser):
    wait_time = constant_throughput(1)

    @task
    def ask(self) -> None:
        n = next(_numbers)
        options = self.environment.parsed_options
        body, content_type = slash_command_body(
            WORKSPACE,
            "/movie",
            _texts[n % len(_texts)],
            user=f"U0LOAD{n % ASKERS:04d}",
            response_url=f"{options.reply_base}/response/{n}/{time.time_ns()}",
        )
        headers = signed_headers(body, content_type, secret=os.environ["SLACK_SIGNING_SECRET"])
        _sent.append(n)
        try:
            with self.client.post(
                EVENTS_PATH, data=body, headers=headers, name="/movie", catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"ack {response.status_code}")
                    return
                _acks[n] = response.request_meta["response_time"]
                if _acks[n] > SLACK_ACK_TIMEOUT_MS:
                    response.failure(f"ack after Slack's {SLACK_ACK_TIMEOUT_MS} ms")
        except GreenletExit:
            # Stopped mid-request by the end of the run: whether it was sent is unknown.
            _sent.remove(n)
            _cut.append(n)
            raise
