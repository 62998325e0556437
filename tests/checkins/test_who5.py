import pytest
import yaml

from bot.checkins.who5 import Who5Score, load_who5, meaningful_change, score_who5
from bot.config import CONTENT_DIR
from bot.errors import ContentError

PATH = CONTENT_DIR / "who5.yaml"


def test_the_published_wording_loads_with_its_source():
    who5 = load_who5(PATH)
    assert len(who5.items) == 5
    assert who5.items[0] == "I have felt cheerful and in good spirits"
    assert who5.items[4] == "My daily life has been filled with things that interest me"
    assert who5.answers == (
        "All of the time", "Most of the time", "More than half of the time",
        "Less than half of the time", "Some of the time", "At no time",
    )
    assert [who5.score_of(i) for i in range(6)] == [5, 4, 3, 2, 1, 0]
    assert "last two weeks" in who5.stem
    source = yaml.safe_load(PATH.read_text())["source"]
    assert source["url"] == "https://www.psykiatri-regionh.dk/who-5/"
    assert "Frederiksborg General Hospital" in source["publisher"]
    assert "1998" in source["name"]


def _broken(tmp_path, mutate):
    data = yaml.safe_load(PATH.read_text())
    mutate(data)
    path = tmp_path / "who5.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


@pytest.mark.parametrize(
    "mutate, entry, problem",
    [
        (lambda d: d["items"].pop(), "items", "exactly 5"),
        (lambda d: d["items"].__setitem__(1, d["items"][0]), "items", "twice"),
        (lambda d: d["items"].__setitem__(2, " "), "items[2]", "non-empty"),
        (lambda d: d["answers"].reverse(), "answers[0]", "score must be 5"),
        (lambda d: d["answers"][3].update(score=3), "answers[3]", "score must be 2"),
        (lambda d: d["answers"].pop(), "answers", "exactly 6"),
        (lambda d: d["answers"][5].pop("label"), "answers[5].label", "non-empty"),
        (lambda d: d.pop("source"), "source", "missing"),
        (lambda d: d["source"].update(url="http://example.org"), "source.url", "https"),
        (lambda d: d["source"].pop("last_checked"), "source.last_checked", "date"),
        (lambda d: d.pop("stem"), "stem", "non-empty"),
    ],
)
def test_a_broken_file_names_the_entry_and_the_problem(tmp_path, mutate, entry, problem):
    with pytest.raises(ContentError) as caught:
        load_who5(_broken(tmp_path, mutate))
    assert caught.value.entry == entry
    assert problem in caught.value.problem


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path):
    path = tmp_path / "who5.yaml"
    path.write_text("- just a list\n")
    with pytest.raises(ContentError):
        load_who5(path)


@pytest.mark.parametrize(
    "answers, raw, percent, poor, depression",
    [
        ((0, 0, 0, 0, 0), 0, 0, True, True),
        ((1, 1, 2, 1, 2), 7, 28, True, True),       # 28% still suggests depression
        ((2, 2, 1, 1, 2), 8, 32, True, False),      # 32% no longer does
        ((3, 3, 2, 2, 2), 12, 48, True, False),     # raw 12: poor wellbeing
        ((3, 3, 3, 2, 2), 13, 52, False, False),    # raw 13: not
        ((5, 5, 5, 5, 5), 25, 100, False, False),
    ],
)
def test_scoring_as_published_at_its_boundaries(answers, raw, percent, poor, depression):
    assert score_who5(answers) == Who5Score(raw, percent, poor, depression)


@pytest.mark.parametrize("answers", [(3, 3, 3, 3), (3, 3, 3, 3, 3, 3), (3, 3, 3, 3, 6), (3, 3, 3, 3, -1),
                                     (3, 3, 3, 3, 2.5), (3, 3, 3, 3, True), (3, 3, 3, 3, "3")])
def test_wrong_count_or_value_is_refused(answers):
    with pytest.raises(ValueError):
        score_who5(answers)


def test_a_change_of_ten_points_or_more_is_meaningful_either_way():
    s48, s56, s60 = score_who5((3, 3, 2, 2, 2)), score_who5((3, 3, 3, 3, 2)), score_who5((3, 3, 3, 3, 3))
    assert (s48.percent, s56.percent, s60.percent) == (48, 56, 60)
    assert not meaningful_change(s48, s56) and not meaningful_change(s56, s48)
    assert meaningful_change(s48, s60) and meaningful_change(s60, s48)
