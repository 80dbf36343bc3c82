"""Reference metrics: sacrebleu scores and signatures, jiwer error rates, Arabic normalisation."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import sacrebleu

from audit.metrics import TOKENIZER, corpus_scores, error_rates, segment_scores
from audit.normalize import ALL_STEPS, DEFAULT_STEPS, NONE, Compose, normalizer

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

HYPS = ["قال الوزير، إن الخطة ستبدأ غداً؛ هل هي جاهزة؟", "ارتفعت الأسعار بنسبة 5%."]
REF_A = ["قال الوزير إن الخطة ستبدأ غدا، فهل هي جاهزة؟", "ارتفعت الأسعار بنسبة 5 في المئة."]
REF_B = ["أكد الوزير أن الخطة تبدأ غداً؛ هل هي جاهزة؟", "زادت الأسعار 5%."]


def test_corpus_scores_equal_sacrebleu_multi_reference() -> None:
    scores = corpus_scores(HYPS, [REF_A, REF_B], NONE)
    bleu = sacrebleu.corpus_bleu(HYPS, [REF_A, REF_B], tokenize="intl")
    chrf = sacrebleu.corpus_chrf(HYPS, [REF_A, REF_B])
    chrfpp = sacrebleu.corpus_chrf(HYPS, [REF_A, REF_B], word_order=2)
    ter = sacrebleu.corpus_ter(HYPS, [REF_A, REF_B])
    assert scores["bleu"]["score"] == round(bleu.score, 2)
    assert scores["chrf"]["score"] == round(chrf.score, 2)
    assert scores["chrf++"]["score"] == round(chrfpp.score, 2)
    assert scores["ter"]["score"] == round(ter.score, 2)
    assert scores["bleu"]["signature"].startswith("nrefs:2|")
    assert "tok:intl" in scores["bleu"]["signature"]
    assert scores["chrf++"]["signature"].endswith("|arnorm:none")
    assert TOKENIZER == "intl"


def test_intl_tokenizer_splits_arabic_punctuation() -> None:
    # The reason for the tokenizer choice: 13a keeps «،» and «؛» glued to the word before them.
    exact = ["قال، إنه غداً؛ نعم"]
    spaced = ["قال ، إنه غداً ؛ نعم"]
    assert sacrebleu.corpus_bleu(exact, [spaced], tokenize="13a").score < 50
    assert corpus_scores(exact, [spaced], NONE)["bleu"]["score"] == 100.0


def test_score_does_not_drop_for_diacritics_or_digit_style_by_default() -> None:
    reference = ["ارتفعت الأسعار بنسبة 35 في المئة خلال عام 2024 بحسب الوزارة"]
    voweled = ["ارتَفَعَتْ الأسعارُ بنسبةِ ٣٥ في المئة خلال عام ٢٠٢٤ بحسب الوزارة"]
    default = corpus_scores(voweled, [reference])
    raw = corpus_scores(voweled, [reference], NONE)
    for name in ("bleu", "chrf", "chrf++"):
        assert default[name]["score"] == 100.0
        assert raw[name]["score"] < 100.0
    assert default["ter"]["score"] == 0.0 < raw["ter"]["score"]
    assert default["bleu"]["signature"].endswith("|arnorm:diacritics+tatweel+digits")


def test_normalisation_steps() -> None:
    everything = normalizer(["all"])
    assert everything.name == "+".join(ALL_STEPS)
    assert everything("أإآٱ ى ة ؤ ئ ـ ٣٫٥ ٪ ، ؛ ؟ مَدْرَسَةٌ") == "اااا ي ه و ي  3.5 % , ; ? مدرسه"
    assert normalizer(["yeh"])("على") == "علي"
    assert normalizer(["teh-marbuta"])("مدرسة") == "مدرسه"
    assert normalizer(["alef"])("أحمد إلى") == "احمد الى"
    assert normalizer(["tatweel"])("الـعـربية") == "العربية"
    assert normalizer(["digits"])("٥٬٠٠٠ و۱۲") == "5,000 و12"
    assert normalizer(DEFAULT_STEPS).name == "diacritics+tatweel+digits"
    assert NONE.name == "none" and not NONE and NONE("ـأ") == "ـأ"
    assert isinstance(normalizer([]), Compose)
    with pytest.raises(ValueError, match="unknown normalisation step"):
        normalizer(["stemming"])


def test_segment_scores_against_several_references() -> None:
    values = segment_scores(HYPS[0], [REF_A[0], REF_B[0]], NONE)
    assert set(values) == {"bleu", "chrf", "chrf++", "ter", "wer", "cer"}
    assert values["chrf"] == round(sacrebleu.sentence_chrf(HYPS[0], [REF_A[0], REF_B[0]]).score, 2)
    assert segment_scores("نص", ["", "  "]) == {}


def test_error_rates_use_the_closest_reference_and_split_punctuation() -> None:
    rates = error_rates("قال الوزير، إن الخطة جاهزة", ["قال الوزير ، إن الخطة جاهزة", "نص مختلف تماما"])
    assert rates == {"wer": 0.0, "cer": pytest.approx(rates["cer"])}
    assert rates["cer"] > 0  # the characters differ by one space
    assert error_rates("", ["نص ما"]) == {"wer": 1.0, "cer": 1.0}


def flores() -> Path:
    folder = SHARED / "flores-devtest"
    if not folder.is_dir():
        pytest.skip("../shared/data is absent")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("system", [f"sys{letter}" for letter in "ABCDEFG"])
def test_flores_bleu_and_chrf_equal_the_sacrebleu_command_line(system: str) -> None:
    folder = flores()
    if shutil.which("sacrebleu") is None:
        pytest.skip("the sacrebleu command is not installed")
    reference = folder / "ref-a.ar.txt"
    hypothesis = folder / "systems" / f"{system}.ar.txt"
    command = ["sacrebleu", str(reference), "-i", str(hypothesis), "-m", "bleu", "chrf", "-tok", TOKENIZER, "-w", "2"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cli = {entry["name"]: entry["score"] for entry in json.loads(output)}
    hyps = hypothesis.read_text(encoding="utf-8").splitlines()
    refs = reference.read_text(encoding="utf-8").splitlines()
    ours = corpus_scores(hyps, [refs], NONE)
    assert ours["bleu"]["score"] == cli["BLEU"]
    assert ours["chrf"]["score"] == cli["chrF2"]
