"""When the run screen waits before taking the next batch of events: only under a flood."""

from __future__ import annotations

import json

from phrony_tui.live.pacing import Pacer
from phrony_tui.text import inert_json_line, inert_json_line_bytes


async def test_a_trickle_is_never_held_and_a_flood_is_taken_twenty_times_a_second() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))

    pacer = Pacer(clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        await pacer.wait(3, now[0])  # a trickle: shown as it comes
    assert slept == []
    await pacer.wait(500, now[0])  # a flood: the next batch waits for the interval
    now[0] += 0.01
    await pacer.wait(2, now[0])  # still within the flood's hold: paced too
    assert slept == [0.05, 0.05]
    now[0] += 1.0  # the hold is over: a small batch goes at once again
    await pacer.wait(2, now[0])
    assert slept == [0.05, 0.05]


def test_inert_json_lines_keep_the_data_and_hold_no_control_character() -> None:
    cases = [
        b'{"a":1}',
        b'{"a":"\\u001b[2J"}',
        b'{\n  "a": [1,\r\n 2]\n}',
        '{"a":"\u202e\u0085x\u2028"}'.encode(),
        b'{"a":"\x7f"}',
    ]
    for raw in cases:
        line = inert_json_line_bytes(raw)
        assert b"\n" not in line and b"\r" not in line and b"\x1b" not in line
        text = line.decode()
        assert not any(0x80 <= ord(c) < 0xA0 or c in "\u202e\u2028\x7f" for c in text)
        assert inert_json_line(raw.decode()) == text
        assert json.loads(text) == json.loads(raw)  # the same data
    assert inert_json_line_bytes(b'{"a":1}') == b'{"a":1}'  # nothing to do: as it came
