"""A bortfall typed into the real window (Xvfb, no window manager, xdotool): after the dialog
closes, the keys go on into the reserve that replaced the case, without a click."""

from __future__ import annotations

from tests.e2e.test_real_window import pytestmark, type_into_real_window, x_display  # noqa: F401 (fixture)


def test_after_a_bortfall_the_keyboard_answers_the_reserve(x_display, review_file, tmp_path):  # noqa: F811
    # open akt 1, Alt+B for the bortfall dialog, Enter accepts "Felaktigt urval" with the reserve;
    # then J, J answer the reserve's first two questions and Ctrl+Q quits
    data = type_into_real_window(x_display, review_file, tmp_path, ("Return", "alt+b", "Return", "j", "j", "ctrl+q"),
                                 0.6)
    assert data["akter"]["bortfall"] == 1
    assert data["akter"]["pagaende"] == 1  # the reserve, answered from the keyboard
    answered = {(q["id"], key) for q in data["fragor"] for key in ("ja", "nej", "x") if q[key]}
    assert answered == {("fb.anmalare", "ja"), ("fb.anledning", "ja")}
