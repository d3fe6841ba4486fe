"""The summary JSON is written without walking the structure when no string needs making safe;
whatever the strings hold, the text is the one the walk (`json_safe`) gives."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from aktgranskning.domain.safe_text import recording
from aktgranskning.services.summary import json_safe, json_text, layered_json

TEXTS = st.text(alphabet=st.sampled_from(["a", "å", "\r", "\n", "\\", "r", '"', "\ud800", "\udfff", "😀", "\x00"]))
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXTS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXTS, inner, max_size=4),
    max_leaves=20,
)


def walked(data: object) -> str:
    return layered_json(json_safe(data))


@settings(max_examples=60, deadline=None)
@given(VALUES)
def test_the_text_is_what_the_walk_gives(data):
    with recording() as fast:
        text = json_text(data)
    with recording() as slow:
        expected = walked(data)
    assert text == expected
    assert fast.replaced == slow.replaced  # the user is told of the same replacements
    text.encode("utf-8")
    assert json.loads(text) == json.loads(json.dumps(json_safe(data)))  # the layout changes no value


def test_carriage_returns_and_lone_surrogates_are_made_safe():
    data = {"namn": "rad\r\nrad", "text": "a\ud800b", "ren": "Mottagningen \\r"}
    assert json.loads(json_text(data)) == {"namn": "rad\nrad", "text": "a\ufffdb", "ren": "Mottagningen \\r"}


def test_each_level_of_a_summary_is_a_line_of_its_own():
    data = {"forvaltning": "Socialförvaltningen", "nivaer": [{"namn": "Mottagningen", "fragor": [1, 2]},
                                                             {"namn": "Öppenvården", "fragor": []}]}
    lines = json_text(data).splitlines()
    assert lines[1] == '  "forvaltning": "Socialförvaltningen",'
    assert lines[3] == '    {"namn": "Mottagningen", "fragor": [1, 2]},'
    assert lines[4] == '    {"namn": "Öppenvården", "fragor": []}'
    assert json.loads("\n".join(lines)) == data
