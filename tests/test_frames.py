"""`next` frames: shared between operations with the same id, and ASCII on the wire."""

from __future__ import annotations

import json

from api.websocket import frame_prefix, next_frame
from schema.rendering import json_text


def test_a_payload_with_other_characters_is_ascii_json_of_the_same_value() -> None:
    payload = {"data": {"location": {"name": "Port of Constanța", "note": "🚢 berth 7"}}}
    text = json_text(payload)
    assert text.isascii()
    assert "\\u021b" in text
    assert json.loads(text) == payload


def test_an_ascii_payload_is_compact_json() -> None:
    assert json_text({"data": {"a": [1, None, True]}}) == '{"data":{"a":[1,null,true]}}'


def test_frames_follow_the_operation_id_and_the_payload() -> None:
    one, other = frame_prefix("1"), frame_prefix("a7f3")
    first = json_text({"data": {"n": 1}})
    second = json_text({"data": {"n": 2}})
    shared = next_frame(one, first)
    assert next_frame(one, first) is shared  # the same operation id: the same frame
    assert json.loads(next_frame(other, first)) == {
        "id": "a7f3",
        "type": "next",
        "payload": {"data": {"n": 1}},
    }
    assert json.loads(next_frame(one, second))["payload"] == {"data": {"n": 2}}
    # an equal text that is another object is still framed from its own content
    again = "".join(["{", first[1:]])
    assert next_frame(one, again) == shared
