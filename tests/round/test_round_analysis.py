"""The suggested område and förvaltning analysis: the level's shared development areas and strongest
questions with their pooled shares, the enheter's main points named by enhet, and never a word
of what the user wrote replaced."""

from __future__ import annotations

from aktgranskning.domain.round import AnalysisLevel, LevelAnalysis
from aktgranskning.domain.round_analysis import fill_empty, main_points, prefilled
from tests.round.data import six_unit_summary


def test_an_omrade_starts_from_its_own_enheter_and_its_pooled_shares() -> None:
    summary = six_unit_summary()
    suggestion = prefilled(AnalysisLevel.AREA, "Barn och unga", summary)
    development = suggestion.development_areas
    # Q3 is below green in all three enheter of the område (2/4, 5/10, 6/10): pooled 13/24.
    assert "F3 Har barnet fått komma till tals? – under den gröna nivån i Familjeteamet, Mottagningen, " \
           "Utredning barn; nivån totalt 54 % (13/24)" in development
    assert "Mottagningen: Barnets röst syns sällan i utredningen" in development
    assert "Utredning barn: Samtal med barnet dokumenteras inte alltid." in development
    assert "Försörjningsstöd" not in development + suggestion.strengths  # another område
    assert "F1 Har anmälan dokumenterats samma dag? – 96 % (23/24)" in suggestion.strengths
    assert "Mottagningen: Tydliga beslut" in suggestion.strengths
    assert suggestion.keep_good == ("Från enheternas analyser:\n"
                                    "• Mottagningen: Vi fortsätter med veckovisa ärendedragningar.")


def test_the_forvaltning_takes_every_enhet_and_lists_the_common_areas_first() -> None:
    summary = six_unit_summary()
    suggestion = prefilled(AnalysisLevel.ADMINISTRATION, "Socialförvaltningen", summary)
    development = suggestion.development_areas
    assert development.startswith("Gemensamma utvecklingsområden:\n• F")
    assert development.index("Gemensamma") < development.index("Från enheternas analyser")
    # Q4 is green in Utredning barn (9/10), below in Familjeteamet (3/4), Försörjningsstöd and Missbruk vuxen.
    assert "F4 Framgår beslutet och dess motivering? – under den gröna nivån i Familjeteamet, " \
           "Försörjningsstöd, Missbruk vuxen; nivån totalt 83 % (45/54)" in development
    assert "Försörjningsstöd: Snabb handläggning" in suggestion.strengths


def test_prefill_fills_only_the_empty_fields() -> None:
    summary = six_unit_summary()
    written = LevelAnalysis(AnalysisLevel.AREA, "Barn och unga", strengths="Det vi själva skrev.",
                            development_areas="   ")
    filled = fill_empty(written, prefilled(AnalysisLevel.AREA, "Barn och unga", summary))
    assert filled.strengths == "Det vi själva skrev."
    assert filled.development_areas.startswith("Gemensamma utvecklingsområden:")
    assert filled.keep_good.startswith("Från enheternas analyser:")
    assert fill_empty(filled, prefilled(AnalysisLevel.AREA, "Barn och unga", summary)) == filled


def test_main_points_are_bullets_or_first_sentences_and_long_ones_are_cut() -> None:
    assert main_points("Inledning\n- Ett\n• Två\n3) Tre\n- Fyra") == ["Ett", "Två", "Tre"]
    assert main_points("Första meningen. Andra meningen.\n\nNästa stycke") == ["Första meningen.", "Nästa stycke"]
    assert main_points("") == []
    long_point = main_points("x" * 1000)[0]
    assert len(long_point) == 240 and long_point.endswith("…")


def test_a_question_only_one_enhet_of_the_omrade_is_below_on_is_no_common_area_of_the_omrade() -> None:
    summary = six_unit_summary()
    # Q4 is below green in Familjeteamet only, within Barn och unga (pooled 22/24 = 92 %, green)
    development = prefilled(AnalysisLevel.AREA, "Barn och unga", summary).development_areas
    assert "F4" not in development
    # in Vuxen two enheter are below on Q4
    assert "F4 Framgår beslutet och dess motivering? – under den gröna nivån i Försörjningsstöd, Missbruk vuxen" \
        in prefilled(AnalysisLevel.AREA, "Vuxen", summary).development_areas
