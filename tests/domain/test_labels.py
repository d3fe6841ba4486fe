"""Words shown for domain values, each in one place, in the glossary's wording."""

from aktgranskning.domain.case import Gender
from aktgranskning.domain.labels import GENDER_GROUPS, GENDER_IN_TEXT, GENDER_LABELS, gender_label
from aktgranskning.domain.summary import KIND_LABELS, LevelKind


def test_every_gender_has_a_label_a_phrase_and_a_group_heading_with_flicka_pojke_first():
    for words in (GENDER_LABELS, GENDER_IN_TEXT, GENDER_GROUPS):
        assert set(words) == set(Gender)
    assert GENDER_LABELS[Gender.FEMALE] == "Flicka/kvinna" and GENDER_LABELS[Gender.MALE] == "Pojke/man"
    assert GENDER_GROUPS[Gender.FEMALE] == "Flickor/kvinnor"


def test_a_stored_gender_value_gets_its_label_and_unknown_text_is_shown_as_it_is():
    assert gender_label("kvinna") == "Flicka/kvinna"
    assert gender_label(Gender.UNKNOWN) == "Okänt"
    assert gender_label("ickebinär") == "ickebinär"


def test_level_kinds_are_the_values_the_files_use_with_one_label_each():
    assert [kind.value for kind in LevelKind] == ["forvaltning", "omrade", "enhet"]
    assert [kind.label for kind in LevelKind] == ["Förvaltning", "Område", "Enhet"]
    assert KIND_LABELS["enhet"] == "Enhet"  # looked up by the stored text as well
