"""Re-translation and back-translation in the audit, with fake translators so the findings are deterministic:
the forward re-translation becomes a reference, the back-translation drift check T101 flags drifted and
shortened sentences and leaves faithful ones alone, and the settings reach the CLI and config."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from audit.checks import ArticleContext, CheckSettings, build_checks
from audit.checks.roundtrip import BackTranslationDrift, content_words, drift_scores
from audit.config import Config, ConfigError, load_config
from audit.engine import audit_batch
from audit.model import Article, Category, InputError, Severity
from audit.translate import TranslateSettings
from audit.translate.roundtrip import (
    META_KEY,
    BackTranslation,
    split_long,
    translate_articles,
    translate_with_settings,
)


class FakeTranslator:
    """Looks segments up in a table; unknown segments come back upper-cased. Records every call."""

    def __init__(self, name: str, table: Mapping[str, str]) -> None:
        self.name = name
        self.identity = f"fake:{name}"
        self.table = dict(table)
        self.calls: list[list[str]] = []

    def translate(self, texts: Sequence[str]) -> list[str]:
        self.calls.append(list(texts))
        return [self.table.get(text, text.upper()) for text in texts]


SOURCE = (
    "The foreign ministers met in Geneva on Thursday to discuss a ceasefire agreement.\n"
    "Novak said the talks with the rebels were frank and useful for both sides.\n"
    "The United Nations welcomed the meeting and called on both sides to protect civilians.\n"
)
GOOD = "اجتمع وزيرا الخارجية في جنيف يوم الخميس لبحث اتفاق لوقف إطلاق النار."
DRIFTED = "وقال نوفاك إن الطقس في العاصمة سيكون مشمسا غدا."
SHORT = "ورحبت الأمم المتحدة."
TEXT = f"{GOOD}\n{DRIFTED}\n{SHORT}\n"
BACK = {
    GOOD: "The foreign ministers met in Geneva on Thursday to discuss a ceasefire deal.",
    DRIFTED: "Novak said the weather in the capital would be sunny tomorrow.",
    SHORT: "The United Nations welcomed.",
}


def article(**changes: object) -> Article:
    fields: dict[str, object] = {"id": "geneva", "text": TEXT, "source": SOURCE, **changes}
    return Article(**fields)  # type: ignore[arg-type]


def audited(items: list[Article]) -> list[Article]:
    backward = FakeTranslator("fake-ar-en", BACK)
    return [a for a in translate_articles(items, backward=backward) if isinstance(a, Article)]


def test_back_translation_drift_findings() -> None:
    [prepared] = audited([article()])
    result = audit_batch([prepared], Config(), checks=[BackTranslationDrift()])
    findings = {f.text: f for f in result.articles[0].findings}
    assert set(findings) == {DRIFTED, SHORT}

    drifted = findings[DRIFTED]
    assert drifted.check == "T101" and drifted.category is Category.MISTRANSLATION
    assert drifted.severity is Severity.MINOR  # distant, not unrelated
    assert drifted.evidence == BACK[DRIFTED]
    assert "content-word chrF" in drifted.message and "WER" in drifted.message
    assert drifted.suggestion and "frank and useful" in drifted.suggestion
    assert TEXT[drifted.start : drifted.end] == DRIFTED

    short = findings[SHORT]
    assert short.category is Category.OMISSION and short.severity is Severity.MAJOR
    assert "4 words where the English original has 14" in short.message


def test_unrelated_back_translation_is_major() -> None:
    table = {**BACK, DRIFTED: "Apples and oranges grow well in warm southern valleys every summer."}
    prepared = [a for a in translate_articles([article()], backward=FakeTranslator("x", table))]
    result = audit_batch(prepared, Config(), checks=[BackTranslationDrift()])
    drifted = next(f for f in result.articles[0].findings if f.text == DRIFTED)
    assert drifted.severity is Severity.MAJOR and drifted.category is Category.MISTRANSLATION


def test_faithful_back_translation_has_no_findings() -> None:
    table = {
        GOOD: BACK[GOOD],
        DRIFTED: "Novak said the talks with the rebels had been frank and helpful for both sides.",
        SHORT: "The UN welcomed the meeting and urged the two sides to protect civilians.",
    }
    prepared = translate_articles([article()], backward=FakeTranslator("x", table))
    result = audit_batch(prepared, Config(), checks=[BackTranslationDrift()])
    assert result.articles[0].findings == ()


def test_options_and_severity_override() -> None:
    [prepared] = audited([article()])
    lenient = BackTranslationDrift(CheckSettings(options={"minor_chrf": 10.0, "minor_omission_ratio": 0.1}))
    assert list(lenient.run(_context(prepared))) == []
    forced = BackTranslationDrift(CheckSettings(severity=Severity.CRITICAL))
    assert {f.severity for f in forced.run(_context(prepared))} == {Severity.CRITICAL}


def _context(item: Article) -> ArticleContext:
    return ArticleContext(item)


def test_no_back_translation_no_findings_and_short_segments_skipped() -> None:
    assert list(BackTranslationDrift().run(_context(article()))) == []  # no model ran: nothing to compare
    [prepared] = audited([article()])
    strict = BackTranslationDrift(CheckSettings(options={"min_words": 50}))
    assert list(strict.run(_context(prepared))) == []


def test_forward_retranslation_becomes_a_reference() -> None:
    forward = FakeTranslator("opus-mt-en-ar", {})
    items: list[Article | InputError] = [
        article(source="Line one. Line two.\nLine three.\n"),
        InputError(id="broken", path=None, message="unreadable"),
        article(id="no-source", source=None),
        article(id="has-it", retranslations={"mt:opus-mt-en-ar": "كما هو"}),
    ]
    result = translate_articles(items, forward=forward)
    assert isinstance(result[1], InputError)  # errors keep their place
    first, third, fourth = result[0], result[2], result[3]
    assert isinstance(first, Article) and isinstance(third, Article) and isinstance(fourth, Article)
    assert first.retranslations == {"mt:opus-mt-en-ar": "LINE ONE. LINE TWO.\nLINE THREE.\n"}
    assert third.retranslations == {}
    assert fourth.retranslations == {"mt:opus-mt-en-ar": "كما هو"}  # a given re-translation is kept
    assert len(forward.calls) == 1  # the whole batch in one pass


def test_backtranslation_meta_round_trips() -> None:
    [prepared] = audited([article(), article(id="no-source", source=None)])[:1]
    record = BackTranslation.from_article(prepared)
    assert record is not None and record.model == "fake-ar-en"
    assert [(TEXT[s:e], en) for s, e, en in record.segments] == list(BACK.items())
    broken = article(meta={META_KEY: {"model": "m", "segments": [[0, 10_000, "x"]]}})
    assert BackTranslation.from_article(broken) is None
    assert BackTranslation.from_article(article(meta={META_KEY: "nonsense"})) is None


def test_long_sentences_are_cut_for_the_model() -> None:
    text = ", ".join(" ".join(f"w{i}{j}" for j in range(30)) for i in range(8)) + "."
    pieces = split_long(text, 0, len(text), max_words=100)
    assert len(pieces) == 3
    assert all(len(text[a:b].split()) <= 100 for a, b in pieces)
    assert " ".join(text[a:b] for a, b in pieces) == text
    assert text[pieces[0][0] : pieces[0][1]].endswith(",")  # cut after clause punctuation
    no_commas = " ".join(f"w{i}" for i in range(250))
    assert [len(no_commas[a:b].split()) for a, b in split_long(no_commas, 0, len(no_commas), 100)] == [100, 100, 50]
    assert split_long("short one", 0, 9) == [(0, 9)]


def test_long_sentence_translations_are_joined() -> None:
    sentence = ", ".join(" ".join(f"كلمة{i}" for _ in range(60)) for i in range(3)) + "."
    backward = FakeTranslator("x", {})
    [prepared] = [a for a in translate_articles([article(text=sentence + "\n")], backward=backward)]
    assert isinstance(prepared, Article)
    assert len(backward.calls[0]) == 3
    record = BackTranslation.from_article(prepared)
    assert record is not None and len(record.segments) == 1
    assert record.segments[0][2].count(" ") == sentence.count(" ")


def test_back_translations_guide_the_alignment() -> None:
    from audit.align import align
    from audit.checks.roundtrip import backtranslation_embedder
    from audit.text import Document

    originals = [s.slice(SOURCE) for s in Document(SOURCE).sentences]
    sentences = [s.slice(TEXT) for s in Document(TEXT).sentences]
    embed = backtranslation_embedder(BACK)
    similarity = embed(originals) @ embed(sentences).T
    assert similarity.min() >= 0.4 - 1e-9  # never below the aligner's "unrelated" level
    assert all(similarity[i, i] > 0.45 for i in range(3))  # each back-translation shares words with its original
    assert [(link.source, link.target) for link in align(originals, sentences, embed=embed)] == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((2,), (2,)),
    ]


def test_content_words_and_scores() -> None:
    assert content_words("The minister said the talks were useful.") == "minister talks useful"
    assert drift_scores("", "The minister met the press.") == (0.0, 1.0)
    assert drift_scores("anything", "The and of.") == (100.0, 0.0)
    chrf, wer = drift_scores("The minister met the press.", "The minister met the press.")
    assert chrf == 100.0 and wer == 0.0


def test_settings_validation_and_layers(tmp_path: Path) -> None:
    config_file = tmp_path / "audit.toml"
    config_file.write_text(
        '[translate]\nbacktranslate_model = "models/ar-en"\nbackend = "ctranslate2"\nbeam_size = 2\n', encoding="utf-8"
    )
    config = load_config(config_file, {"translate": {"device": "cuda", "backend": "transformers"}})
    settings = TranslateSettings.from_mapping(config.translate)
    assert settings.backtranslate_model == "models/ar-en" and settings.retranslate_model is None
    assert (settings.backend, settings.device, settings.beam_size) == ("transformers", "cuda", 2)
    assert settings.active and config.to_dict()["translate"]["backend"] == "transformers"
    assert "translate" not in Config().to_dict()  # reports without models look as before
    for bad in ({"backend": "onnx"}, {"beam_size": 0}, {"device": "tpu"}, {"model": "x"}, {"allow_download": "yes"}):
        with pytest.raises(ConfigError):
            load_config(None, {"translate": bad})
    assert TranslateSettings(cache_dir="").cache_path() is None
    assert TranslateSettings(cache_dir="~/c").cache_path() == Path("~/c").expanduser()


def test_cli_flags_reach_the_settings() -> None:
    from audit.cli import _overrides, build_parser

    args = build_parser().parse_args(
        ["check", "x", "--backtranslate-model", "m", "--backend", "ctranslate2", "--cache-dir", "", "--allow-download"]
    )
    overrides = _overrides(args)["translate"]
    assert overrides == {"backtranslate_model": "m", "backend": "ctranslate2", "cache_dir": "", "allow_download": True}
    assert _overrides(build_parser().parse_args(["check", "x"]))["translate"] is None


def test_without_models_nothing_changes() -> None:
    items = [article()]
    assert list(translate_with_settings(items, {})) == items
    assert list(translate_with_settings(items, {"backend": "ctranslate2"})) == items


def test_registered_and_selectable() -> None:
    assert [c.code for c in build_checks(select=["T"])] == ["T101"]
