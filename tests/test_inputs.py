"""Reading articles: encodings, broken files, JSONL, datasets and folders; bad items never stop a batch."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit import inputs
from audit.checks import Check
from audit.checks.base import ArticleContext
from audit.config import Config
from audit.engine import audit_batch
from audit.inputs import load_paths
from audit.model import Article, Category, Finding, InputError, Severity

ARABIC = "قال المتحدث باسم الوزارة إن الاجتماع سيعقد يوم الأحد المقبل في العاصمة.\nوأضاف أن الوفد سيضم خمسة أعضاء."


def load(*paths: Path | str, encoding: str | None = None) -> list[Article | InputError]:
    return list(load_paths([str(p) for p in paths], encoding))


def only_article(items: list[Article | InputError]) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def only_error(items: list[Article | InputError]) -> InputError:
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


# --- encodings ---------------------------------------------------------------------------------


def test_utf8_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_bytes(ARABIC.encode("utf-8"))
    article = only_article(load(path))
    assert article.text == ARABIC
    assert article.id == "news" and article.path == str(path)


def test_utf8_bom_is_removed_so_offsets_start_at_the_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + ARABIC.encode("utf-8"))
    article = only_article(load(path))
    assert article.text == ARABIC
    assert not article.text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_is_recognised_by_its_bom(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    path = tmp_path / f"{codec}.txt"
    path.write_bytes(bom + ARABIC.encode(codec))
    assert only_article(load(path)).text == ARABIC


def test_windows_1256_needs_encoding_and_the_error_says_so(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(ARABIC.encode("cp1256"))
    error = only_error(load(path))
    assert "not valid utf-8" in error.message
    assert "--encoding cp1256" in error.message
    assert error.path == str(path)
    assert only_article(load(path, encoding="cp1256")).text == ARABIC


def test_unknown_encoding_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARABIC, encoding="cp1256")  # not UTF-8: the fallback is needed, and unknown
    assert "unknown encoding" in only_error(load(path, encoding="no-such-codec")).message


# --- broken files ------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", codecs.BOM_UTF8])
def test_empty_files_are_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert "empty" in only_error(load(path)).message


def test_binary_with_nul_bytes_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20)
    assert "binary" in only_error(load(path)).message


def test_binary_control_characters_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "controls.txt"
    path.write_bytes(bytes(range(1, 32)) * 50)
    assert "binary" in only_error(load(path)).message


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    error = only_error(load(tmp_path / "nope.txt"))
    assert error.id == "nope"
    assert "no such file" in error.message


def test_file_over_the_size_limit_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = ARABIC.encode("utf-8")
    monkeypatch.setattr(inputs, "MAX_ARTICLE_BYTES", len(data))
    at_limit, over = tmp_path / "at.txt", tmp_path / "over.txt"
    at_limit.write_bytes(data)
    over.write_bytes(data + b"!")
    items = load(at_limit, over)
    assert isinstance(items[0], Article)
    assert isinstance(items[1], InputError)
    assert "too large" in items[1].message
    assert f"{len(data) + 1} bytes" in items[1].message and f"limit is {len(data)} bytes" in items[1].message


# --- JSONL -------------------------------------------------------------------------------------


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "batch.jsonl",
        [
            record(id="a1", text=ARABIC, source="The spokesman said...", retranslations={"m2m": "نص"}, site="x"),
            "",  # blank lines are skipped, but keep their numbers
            "{not json",
            record(id="a4", title="no text field"),
            "[1, 2, 3]",
            record(id="a6", text="   "),
            record(id="a7", text=ARABIC, source=42),
            record(id="a8", text=ARABIC, retranslations={"m2m": 3}),
            record(text="بدون معرف"),
        ],
    )
    items = load(path)
    assert [type(i).__name__ for i in items] == [
        "Article",
        "InputError",
        "InputError",
        "InputError",
        "InputError",
        "InputError",
        "InputError",
        "Article",
    ]
    first = items[0]
    assert isinstance(first, Article)
    assert first.id == "a1" and first.path == f"{path}:1"
    assert first.source == "The spokesman said..." and dict(first.retranslations) == {"m2m": "نص"}
    assert first.meta == {"site": "x"}
    errors = [i for i in items if isinstance(i, InputError)]
    assert [e.path for e in errors] == [f"{path}:{n}" for n in (3, 4, 5, 6, 7, 8)]
    assert "not valid JSON" in errors[0].message and errors[0].id == "batch:3"
    assert "'text'" in errors[1].message
    assert "JSON object" in errors[2].message
    assert "empty" in errors[3].message
    assert "'source'" in errors[4].message
    assert "'retranslations'" in errors[5].message
    last = items[-1]
    assert isinstance(last, Article) and last.id == "batch:9"


def test_jsonl_line_separators_inside_text_do_not_split_records(tmp_path: Path) -> None:
    # U+2028, U+0085 and form feed are legal unescaped in JSON strings; only \n ends a JSONL line.
    text = "السطر الأول\u2028السطر الثاني\u0085والثالث\x0cوالرابع"
    path = write_jsonl(tmp_path / "sep.jsonl", [record(id="s", text=text), record(id="t", text=ARABIC)])
    items = load(path)
    assert [i.id for i in items] == ["s", "t"]
    assert isinstance(items[0], Article) and items[0].text == text
    assert items[1].path == f"{path}:2"


def test_jsonl_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "win.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + (record(id="w1", text=ARABIC) + "\r\n" + record(id="w2", text="نص")).encode())
    items = load(path)
    assert [i.id for i in items] == ["w1", "w2"]
    assert all(isinstance(i, Article) for i in items)


def test_jsonl_utf16(tmp_path: Path) -> None:
    path = tmp_path / "u16.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + (record(id="u", text=ARABIC) + "\n").encode("utf-16-le"))
    assert only_article(load(path)).text == ARABIC


def test_jsonl_bad_bytes_on_one_line_spare_the_others(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = record(id="ok", text=ARABIC).encode("utf-8")
    bad = b'{"id": "cp", "text": "' + "نص".encode("cp1256") + b'"}'
    path.write_bytes(good + b"\n" + bad + b"\n" + good + b"\n")
    items = load(path)
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "Article"]
    assert isinstance(items[1], InputError)
    assert items[1].path == f"{path}:2" and "utf-8" in items[1].message


def test_jsonl_lone_surrogates_become_replacement_characters(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "sur.jsonl", ['{"id": "s", "text": "نص \\ud800 مكسور"}'])
    article = only_article(load(path))
    assert article.text == "نص \ufffd مكسور"
    article.text.encode("utf-8")  # can be written to every report


def test_jsonl_size_limit_applies_per_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = record(id="small", text="نص قصير")
    big = record(id="big", text=ARABIC * 5)
    monkeypatch.setattr(inputs, "MAX_ARTICLE_BYTES", len(small.encode()) + 10)
    path = write_jsonl(tmp_path / "sizes.jsonl", [small, big, small])
    items = load(path)
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "Article"]
    assert isinstance(items[1], InputError)
    assert "too large" in items[1].message and items[1].path == f"{path}:2"


def test_empty_jsonl_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "none.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    assert "no records" in only_error(load(path)).message


# --- datasets ----------------------------------------------------------------------------------


def test_dataset_saved_to_disk(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    rows = {"id": ["d1", "d2"], "text": [ARABIC, ""], "source": ["English text", None]}
    datasets.Dataset.from_dict(rows).save_to_disk(str(tmp_path / "saved"))
    items = load(tmp_path / "saved")
    assert isinstance(items[0], Article)
    assert items[0].id == "d1" and items[0].text == ARABIC and items[0].source == "English text"
    assert items[0].path == f"{tmp_path / 'saved'}#0"
    assert isinstance(items[1], InputError) and "empty" in items[1].message


def test_dataset_dict_splits(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    split = datasets.Dataset.from_dict({"text": [ARABIC]})
    datasets.DatasetDict({"train": split, "test": split}).save_to_disk(str(tmp_path / "dd"))
    items = load(tmp_path / "dd")
    assert sorted(i.path or "" for i in items) == [f"{tmp_path / 'dd'}/test#0", f"{tmp_path / 'dd'}/train#0"]
    assert sorted(i.id for i in items) == ["dd/test:0", "dd/train:0"]


def test_parquet_file(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    path = tmp_path / "articles.parquet"
    datasets.Dataset.from_dict({"id": ["p1", "p2"], "text": [ARABIC, "نص ثان قصير"]}).to_parquet(str(path))
    items = load(path)
    assert [i.id for i in items] == ["p1", "p2"]
    assert all(isinstance(i, Article) for i in items)
    assert items[1].path == f"{path}#1"


def test_corrupt_parquet_is_an_error(tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not a parquet file")
    assert "cannot load dataset" in only_error(load(path)).message


# --- folders and the batch ---------------------------------------------------------------------


def test_folder_recursion_is_sorted_and_skips_other_files(tmp_path: Path) -> None:
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / "a.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "b" / "c.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "b" / "deeper" / "d.jsonl").write_text(record(id="d", text=ARABIC) + "\n", encoding="utf-8")
    (tmp_path / "b" / "notes.md").write_text("# not an article", encoding="utf-8")
    (tmp_path / "b" / "image.png").write_bytes(b"\x89PNG\x00")
    items = load(tmp_path)
    assert [i.id for i in items] == ["a", "c", "d"]
    assert all(isinstance(i, Article) for i in items)


def test_folder_walk_passes_over_hidden_folders_and_audit_output(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "licence.txt").write_text(ARABIC, encoding="utf-8")
    reports = tmp_path / "reports"
    (reports / ".audit-run").mkdir(parents=True)
    (reports / "results.jsonl").write_text(json.dumps({"id": "a", "score": 100}) + "\n", encoding="utf-8")
    assert [i.id for i in load(tmp_path)] == ["a"]
    # Named on the command line, a hidden folder is read.
    assert [i.id for i in load(tmp_path / ".venv")] == ["licence"]


def test_text_file_sizes_are_read_lazily_without_reading_the_files(tmp_path: Path) -> None:
    (tmp_path / "b" / ".hidden").mkdir(parents=True)
    (tmp_path / "a.txt").write_bytes(b"x" * 10)
    (tmp_path / "b" / "c.TXT").write_bytes(b"x" * 20)
    (tmp_path / "b" / "d.jsonl").write_bytes(b"x" * 40)
    (tmp_path / "b" / ".hidden" / "e.txt").write_bytes(b"x" * 80)
    assert sorted(inputs.text_file_sizes([tmp_path, tmp_path / "a.txt", tmp_path / "missing.txt"])) == [10, 10, 20]
    sizes = inputs.text_file_sizes([tmp_path])
    assert next(sizes) in (10, 20)


def test_an_audit_run_inside_its_input_folder_reads_only_the_articles(tmp_path: Path) -> None:
    from audit.cli import main

    (tmp_path / "a.txt").write_text(ARABIC, encoding="utf-8")
    output = tmp_path / "reports"
    first = main(["check", str(tmp_path), "--output", str(output), "--jobs", "1"])
    second = main(["check", str(tmp_path), "--output", str(output), "--jobs", "1"])
    assert first == second and first in (0, 1)
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    assert report["errors"] == [] and [a["id"] for a in report["articles"]] == ["a"]


def test_folder_without_articles_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "readme.md").write_text("nothing here", encoding="utf-8")
    assert "no article files" in only_error(load(tmp_path)).message


class LatinWordCheck(Check):
    """Latin-script words in the Arabic text (a test check).

    Bad: قال Reuters
    Good: قالت رويترز
    """

    code = "U991"
    name = "test-latin-word"
    category = Category.UNTRANSLATED
    severity = Severity.MAJOR

    def run(self, ctx: ArticleContext) -> list[Finding]:
        import re

        return [self.finding(ctx.text, m.start(), m.end(), "Latin word") for m in re.finditer("[A-Za-z]+", ctx.text)]


def test_the_batch_goes_on_after_bad_items(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "latin.txt").write_text(ARABIC + " Reuters", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "legacy.txt").write_bytes(ARABIC.encode("cp1256"))
    write_jsonl(tmp_path / "lines.jsonl", ["{oops", record(id="j", text=ARABIC)])
    loaded = load_paths([str(tmp_path), str(tmp_path / "missing.txt")])
    result = audit_batch(loaded, Config(), checks=[LatinWordCheck()])
    assert sorted(a.article.id for a in result.articles) == ["good", "j", "latin"]
    assert sorted(e.id for e in result.errors) == ["empty", "legacy", "lines:1", "missing"]
    latin = next(a for a in result.articles if a.article.id == "latin")
    assert [f.text for f in latin.findings] == ["Reuters"]
    assert result.exit_code == 2


_CHARACTERS = st.one_of(
    st.characters(max_codepoint=0x1F),  # control characters, white space among them
    st.characters(min_codepoint=0x20, max_codepoint=0x7FF),  # Latin, Arabic
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    st.characters(min_codepoint=0x10000),  # astral characters
)


@settings(max_examples=300, deadline=None)
@given(st.text(_CHARACTERS, max_size=9000))
def test_binary_data_is_told_by_its_share_of_control_characters(text: str) -> None:
    sample = text[:8192]
    controls = len(re.findall("[\x00-\x08\x0e-\x1f]", sample))
    expected = "\x00" in sample or controls > max(8, len(sample) // 100)
    assert inputs._looks_binary(text) == expected
