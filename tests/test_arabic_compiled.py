"""The compiled Arabic lexicon (build, reuse, rebuild) and the word-shape models."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from audit.arabic import compiled
from audit.arabic.wordmodel import WordModel, train

WORDS = ["كتاب", "الكتاب", "كتب", "مكتبة", "المكتبة", "قلم", "الأقلام", "مدرسة", "المدرسة", "مدارس", "يكتب", "تكتب"]


def _model(words: list[str]) -> WordModel:
    rows = {gram: (logp, backoff) for gram, logp, backoff in train(words)}
    return WordModel(lambda grams: {g: rows[g] for g in grams if g in rows})


def test_word_model_prefers_familiar_shapes() -> None:
    model = _model(WORDS)
    assert model.score("الكتب") > model.score("قخحظث")
    assert model.worst("المكتب") > model.worst("المكظتب")
    assert len(model.letter_scores("كتاب")) == len("كتاب") + 1  # the end of the word is scored too


def test_word_model_probabilities_sum_to_one() -> None:
    model = _model(WORDS)
    letters = [*sorted({c for w in WORDS for c in w}), "$"]
    for context in ("^^^", "^^ك", "كتا"):
        grams = [context + c for c in letters]
        model._fetch(g[k:] for g in grams for k in range(4))
        model._fetch(g[k:-1] for g in grams for k in range(3))
        total = sum(10 ** model._letter(g) for g in grams)
        assert total == pytest.approx(1.0, abs=0.02)


@pytest.fixture
def small_inputs(monkeypatch: pytest.MonkeyPatch) -> compiled.LexiconInputs:
    table = {w: 3.0 + i / 10 for i, w in enumerate(WORDS)}
    monkeypatch.setattr(compiled, "_frequency_table", lambda: dict(table))
    monkeypatch.setattr(compiled, "_buckwalter_blobs", lambda: (None, None, ["لندن"]))
    monkeypatch.setattr(compiled, "_unknown_to_aspell", lambda forms: [])
    monkeypatch.setattr(compiled, "_glossary_words", lambda: ["زيلينسكي"])
    return compiled.LexiconInputs(wordfreq="test", buckwalter=None, aspell=None, glossary="g1")


def test_built_once_then_reused(small_inputs: compiled.LexiconInputs, tmp_path: Path, capsys) -> None:
    first = compiled.open_compiled(tmp_path, small_inputs)
    assert "building the Arabic lexicon cache" in capsys.readouterr().err
    assert first.frequencies.get("كتاب") == pytest.approx(3.0)
    assert "قلم" in first.frequencies and "قخح" not in first.frequencies
    assert first.buckwalter_tables() is None
    second = compiled.open_compiled(tmp_path, small_inputs)
    assert capsys.readouterr().err == ""  # no second build
    assert second.path == first.path
    assert not list(tmp_path.glob("*.tmp"))


def test_corrupt_cache_is_rebuilt(small_inputs: compiled.LexiconInputs, tmp_path: Path, capsys) -> None:
    path = compiled.open_compiled(tmp_path, small_inputs).path
    path.write_bytes(b"not a database at all")
    capsys.readouterr()
    again = compiled.open_compiled(tmp_path, small_inputs)
    assert "building" in capsys.readouterr().err
    assert again.frequencies.get("قلم") is not None


def test_changed_input_rebuilds_and_keeps_a_recently_used_old_file(
    small_inputs: compiled.LexiconInputs, tmp_path: Path
) -> None:
    old = compiled.open_compiled(tmp_path, small_inputs).path
    newer = compiled.LexiconInputs(wordfreq="test2", buckwalter=None, aspell=None, glossary="g1")
    new = compiled.open_compiled(tmp_path, newer).path
    # Another install may still use the old file: two installs side by side must not rebuild in turn.
    assert new != old and new.exists() and old.exists()


def test_a_long_unused_old_file_is_removed_by_the_next_build(
    small_inputs: compiled.LexiconInputs, tmp_path: Path
) -> None:
    old = compiled.open_compiled(tmp_path, small_inputs).path
    long_ago = time.time() - compiled.UNUSED_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    newer = compiled.LexiconInputs(wordfreq="test2", buckwalter=None, aspell=None, glossary="g1")
    new = compiled.open_compiled(tmp_path, newer).path
    assert new.exists() and not old.exists()


def test_opening_marks_the_file_as_used(small_inputs: compiled.LexiconInputs, tmp_path: Path) -> None:
    path = compiled.open_compiled(tmp_path, small_inputs).path
    long_ago = time.time() - compiled.UNUSED_SECONDS - 60
    os.utime(path, (long_ago, long_ago))
    compiled.open_compiled(tmp_path, small_inputs)
    assert path.stat().st_mtime > time.time() - 3600


def test_unwritable_cache_folder_falls_back(small_inputs: compiled.LexiconInputs, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    lexicon = compiled.open_compiled(blocker / "cache", small_inputs)  # a folder under a file cannot exist
    assert lexicon.frequencies.get("كتاب") is not None


def test_correction_indexes(small_inputs: compiled.LexiconInputs, tmp_path: Path) -> None:
    lexicon = compiled.open_compiled(tmp_path, small_inputs)
    # «مدرسة» (Zipf 3.7) with its letter 2 deleted is «مدسة».
    assert 2 in lexicon.deleted_at(["مدسة"])["مدسة"]
    assert lexicon.model("arabic").score("كتاب") > lexicon.model("arabic").score("ظظظ")


def test_frequency_table_reads_everything_after_many_lookups(
    small_inputs: compiled.LexiconInputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compiled, "BULK_AFTER", 5)
    lexicon = compiled.open_compiled(tmp_path, small_inputs)
    table = lexicon.frequencies
    assert table.zipfs(["كتاب", "xx", "yy"]) == {"كتاب": pytest.approx(3.0)}
    assert table._all is None
    assert table.zipfs([f"z{i}" for i in range(10)] + ["قلم"]) == {"قلم": pytest.approx(3.5)}
    assert table._all is not None and len(table) == len(WORDS)
    # The packed copy read at once holds exactly the rows of the table.
    assert table._all == dict(lexicon._connection.execute("SELECT word, zipf FROM forms"))
    assert table.existing(["كتاب", "قلم", "xx"]) == {"كتاب", "قلم"}


def test_word_model_reads_every_row_after_many_lookups(
    small_inputs: compiled.LexiconInputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = ["كتاب", "ظظظ", "مدرسة", "قلمان", "بيتزا"]
    expected = {w: compiled.open_compiled(tmp_path, small_inputs).model("arabic").score_and_worst(w) for w in words}
    monkeypatch.setattr(compiled, "MODEL_BULK_SHARE", 10**6)  # read whole after the first look-up
    model = compiled.open_compiled(tmp_path, small_inputs).model("arabic")
    assert {w: model.score_and_worst(w) for w in words} == expected
    assert model._complete


def test_lazy_packed_map_reads_keys_one_at_a_time_then_whole() -> None:
    sep, field = compiled._ITEMS, compiled._FIELDS
    packed = {"ktb": f"a{field}1{sep}b{field}2", "qlm": f"c{field}3"}
    queries: list[str] = []

    def query(key: str) -> str | None:
        queries.append(key)
        return packed.get(key)

    lazy = compiled.LazyPackedMap(query, lambda: dict(packed), fields=True, bulk_after=3)
    whole = compiled.PackedMap(dict(packed), fields=True)
    assert lazy["ktb"] == whole["ktb"] == (("a", "1"), ("b", "2"))
    assert lazy.get("xyz") is None and "xyz" not in lazy and lazy.get("qlm") == whole.get("qlm")
    assert queries == ["ktb", "xyz", "qlm"] and lazy  # each key asked once; truth without reading everything
    assert lazy.get("zzz", ()) == () and lazy._complete  # the fourth key: everything is read at once
    assert sorted(lazy) == sorted(whole) and len(lazy) == 2 and queries == ["ktb", "xyz", "qlm"]


def test_cache_folder_comes_from_the_configuration(tmp_path: Path) -> None:
    from audit.config import load_config

    config_file = tmp_path / "audit.toml"
    config_file.write_text(f'cache_dir = "{tmp_path / "lexicon"}"\n', encoding="utf-8")
    config = load_config(path=config_file)
    assert config.cache_dir == str(tmp_path / "lexicon")
    compiled.configure(config.cache_dir)
    try:
        assert compiled.default_cache_dir() == tmp_path / "lexicon"
    finally:
        compiled.configure(None)
    assert compiled.default_cache_dir() != tmp_path / "lexicon"


def test_temporary_files_of_killed_builds_are_removed(small_inputs: compiled.LexiconInputs, tmp_path: Path) -> None:
    import os

    leftover = tmp_path / "arabic-lexicon-0123.abcd.tmp"
    leftover.write_bytes(b"half a build")
    os.utime(leftover, (0, 0))
    recent = tmp_path / "arabic-lexicon-0123.efgh.tmp"
    recent.write_bytes(b"a build in progress")
    compiled.open_compiled(tmp_path, small_inputs)
    assert not leftover.exists() and recent.exists()


def test_packed_strings_round_trip() -> None:
    strings = ["كتاب", "a", "𝔸x", "\ud800", "ة", "", "ب"]  # astral and lone-surrogate characters survive
    packed = compiled._pack_strings(strings)
    for size in range(1, 12):  # pieces cut anywhere, inside a character or a surrogate pair too
        assert compiled._unpack_strings(packed[i : i + size] for i in range(0, len(packed), size)) == strings
    assert compiled._unpack_strings([compiled._pack_strings([])]) == []
    assert compiled._unpack_strings([]) == []


def test_whole_word_model_equals_its_rows(small_inputs: compiled.LexiconInputs, tmp_path: Path) -> None:
    lexicon = compiled.open_compiled(tmp_path, small_inputs)
    for name in ("arabic", "names"):
        rows = lexicon._connection.execute("SELECT gram, logp, backoff FROM ngrams WHERE model = ?", (name,))
        expected = {gram: (logp, backoff) for gram, logp, backoff in rows}
        model = lexicon.model(name)
        model.read_all()
        assert {gram: model._row(gram) for gram in expected} == expected
        letters = {c for gram in expected for c in gram}
        absent = {gram + c for gram in expected for c in letters} - expected.keys()
        assert absent and {model._row(gram) for gram in absent} == {None} and model._row("") is None


def test_lexicon_verdicts_are_stored_for_the_listed_forms(small_inputs: compiled.LexiconInputs, tmp_path: Path) -> None:
    pytest.importorskip("aspell")
    from audit.arabic.lexicon import AspellLexicon

    try:
        aspell = AspellLexicon()
    except Exception:
        pytest.skip("no Aspell Arabic dictionary")
    lexicon = compiled.open_compiled(tmp_path, small_inputs)  # Aspell only: no Buckwalter tables here
    assert lexicon.lexicon_verdicts(["aspell", "buckwalter"]) is None
    verdict = lexicon.lexicon_verdicts(["aspell"])
    assert verdict is not None
    assert verdict("كتاب") is None  # not before the table is read whole
    lexicon.frequencies.read_all()
    assert [verdict(w) for w in WORDS] == [aspell.knows(w) for w in WORDS]
    assert verdict("قخحظث") is None  # not listed: the backends are asked


def test_the_default_lexicon_answers_as_its_backends() -> None:
    from audit.arabic.lexicon import load_frequencies, load_lexicon

    lexicon, frequencies = load_lexicon(), load_frequencies()
    if lexicon._precomputed is None or frequencies is None:
        pytest.skip("no compiled lexicon verdicts")
    frequencies.read_all()
    forms = sorted(frequencies.zipf_table)[::997]
    forms += ["الحكومة", "والحكومه", "كتابب", "زيلينسكي", "الثضماء", "قالتإنه"]
    expected = [any(b.knows(w) for b in lexicon.backends) for w in forms]
    assert [lexicon._precomputed(w) for w in forms[:-6]] == expected[:-6]
    assert lexicon.known_flags(forms) == expected


def test_completion_from_the_table_in_memory_equals_the_query(
    small_inputs: compiled.LexiconInputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = {w: 3.0 + i / 10 for i, w in enumerate(WORDS)}
    table.update({"كتابة": 4.0, "كتابي": 4.0, "كتابات": 3.2})  # two equally common completions of «كتاب»
    monkeypatch.setattr(compiled, "_frequency_table", lambda: dict(table))
    lexicon = compiled.open_compiled(tmp_path, small_inputs)
    asked = [(w[:k], extra, zipf) for w in table for k in range(1, len(w)) for extra in (1, 3) for zipf in (3.0, 3.9)]
    by_query = [lexicon.completion(*question) for question in asked]
    assert lexicon.completion("مدر", 3, 3.0) == ("مدرسة", pytest.approx(3.7))
    lexicon.frequencies.read_all()
    assert [lexicon.completion(*question) for question in asked] == by_query
    monkeypatch.setattr(compiled, "COMPLETION_SCAN", 0)  # every prefix left to the query again
    assert [lexicon.completion(*question) for question in asked] == by_query
    assert lexicon.completion("كتاب", 1, 3.9) in {("كتابة", 4.0), ("كتابي", 4.0)}
