"""The resources (allowlist, residue patterns, glossary, meaning traps): package data, a team's override folder
(config key or environment) and one clear error for a broken file."""

from __future__ import annotations

import json
from importlib import resources as importlib_resources
from pathlib import Path

import pytest

from audit import resources
from audit.checks.traps import load_traps
from audit.cli import main
from audit.glossary import load_glossary

ARTICLE = "قال المتحدث باسم الوزارة إن الاجتماع سيعقد يوم الأحد المقبل في العاصمة."


@pytest.fixture(autouse=True)
def _no_configured_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(resources.ENVIRONMENT, raising=False)
    monkeypatch.setattr(resources, "_configured", None)


@pytest.mark.parametrize("name", resources.NAMES)
def test_every_resource_is_package_data(name: str) -> None:
    packaged = importlib_resources.files("audit.data") / name
    assert packaged.is_file()
    assert resources.read_text(name) == packaged.read_text(encoding="utf-8-sig")
    assert resources.location(name).endswith(name)


def test_override_folder_replaces_only_the_files_it_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "allowlist.txt").write_text("Quillstream\n", encoding="utf-8")
    monkeypatch.setenv(resources.ENVIRONMENT, str(tmp_path))
    assert resources.read_text("allowlist.txt") == "Quillstream\n"
    assert resources.location("allowlist.txt") == str(tmp_path / "allowlist.txt")
    assert "[[term]]" in resources.read_text("glossary.toml")  # not in the folder: the bundled one


def test_config_folder_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env, configured = tmp_path / "env", tmp_path / "configured"
    env.mkdir(), configured.mkdir()
    (env / "allowlist.txt").write_text("FromEnv\n", encoding="utf-8")
    (configured / "allowlist.txt").write_text("FromConfig\n", encoding="utf-8")
    monkeypatch.setenv(resources.ENVIRONMENT, str(env))
    resources.configure(configured)
    assert resources.read_text("allowlist.txt") == "FromConfig\n"
    resources.configure(None)
    assert resources.read_text("allowlist.txt") == "FromEnv\n"
    with pytest.raises(resources.ResourceError, match="not found"):
        resources.configure(tmp_path / "absent")


def test_broken_toml_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "meaning_traps.toml").write_text("[[trap]\n", encoding="utf-8")
    monkeypatch.setenv(resources.ENVIRONMENT, str(tmp_path))
    with pytest.raises(resources.ResourceError, match=r"meaning_traps\.toml: not valid TOML"):
        load_traps()


def test_deeply_nested_toml_resource_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "glossary.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    monkeypatch.setenv(resources.ENVIRONMENT, str(tmp_path))
    with pytest.raises(ValueError, match=r"glossary\.toml"):
        load_glossary()


def test_broken_resource_stops_the_run_before_any_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "glossary.toml").write_text('[[term]]\nen = "X"\n', encoding="utf-8")  # no 'ar'
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "audit.toml").write_text(f"resources = {json.dumps(str(folder))}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "a.txt", "--output", "out"])
    err = capsys.readouterr().err
    assert code == 2
    assert "glossary.toml" in err and "'ar' is missing" in err
    assert "internal error" not in err and "Traceback" not in err


def test_broken_resource_stops_a_large_run_and_the_workers_started_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import multiprocessing

    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "glossary.toml").write_text('[[term]]\nen = "X"\n', encoding="utf-8")  # no 'ar'
    articles = tmp_path / "articles"
    articles.mkdir()
    for number in range(4):  # large enough for workers to start before the articles are read
        (articles / f"a{number}.txt").write_text((ARTICLE + "\n") * 1500, encoding="utf-8")
    (tmp_path / "audit.toml").write_text(f"resources = {json.dumps(str(folder))}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "articles", "--output", "out"])
    err = capsys.readouterr().err
    assert code == 2
    assert "glossary.toml" in err and "'ar' is missing" in err
    assert "internal error" not in err and "Traceback" not in err
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "out" / "results.jsonl").exists()


def test_config_resources_folder_is_used_by_the_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "allowlist.txt").write_text("Quillstream\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("نشرت شركة Quillstream تقريرا عن الأسواق في العاصمة أمس.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "a.txt", "--output", "without", "--select", "U102"])
    without = json.loads(Path("without/report.json").read_text(encoding="utf-8"))
    assert [f["text"] for f in without["articles"][0]["findings"]] == ["Quillstream"]
    Path("audit.toml").write_text('resources = "team"\n', encoding="utf-8")
    assert main(["check", "a.txt", "--output", "with", "--select", "U102"]) == 0
    report = json.loads(Path("with/report.json").read_text(encoding="utf-8"))
    assert report["articles"][0]["findings"] == []
    assert report["config"]["resources"] == "team"


def test_missing_environment_folder_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setenv(resources.ENVIRONMENT, str(tmp_path / "nowhere"))
    assert main(["check", str(tmp_path / "a.txt"), "--output", str(tmp_path / "out")]) == 2
    assert "AUDIT_REFERENCES folder not found" in capsys.readouterr().err


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from audit.arabic import compiled

    folder = tmp_path / "cache"
    monkeypatch.setattr(compiled, "_configured", folder)
    return folder


def test_parsed_resources_are_kept_and_parsed_again_only_when_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "allowlist.txt").write_text("One\n", encoding="utf-8")
    monkeypatch.setenv(resources.ENVIRONMENT, str(team))
    calls: list[str] = []

    def parse(text: str) -> list[str]:
        calls.append(text)
        return text.split()

    assert resources.parsed("allowlist.txt", "words", parse) == ["One"]
    assert resources.parsed("allowlist.txt", "words", parse) == ["One"] and len(calls) == 1  # read back
    assert resources.parsed("allowlist.txt", "other", parse) == ["One"] and len(calls) == 2  # another kind
    (team / "allowlist.txt").write_text("One Two\n", encoding="utf-8")
    assert resources.parsed("allowlist.txt", "words", parse) == ["One", "Two"] and len(calls) == 3
    code = tmp_path / "parser.py"
    code.write_text("v1")
    assert resources.parsed("allowlist.txt", "words", parse, (str(code),)) == ["One", "Two"] and len(calls) == 4
    assert resources.parsed("allowlist.txt", "words", parse, (str(code),)) and len(calls) == 4
    code.write_text("version 2")  # the parsing code changed: parsed afresh
    assert resources.parsed("allowlist.txt", "words", parse, (str(code),)) and len(calls) == 5


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncated", "flipped"])
def test_a_damaged_parsed_resource_is_parsed_again(cache_folder: Path, damage: bytes | str) -> None:
    assert resources.load_toml("glossary.toml")  # kept
    (kept,) = (cache_folder / "resources").glob("glossary.toml.*")
    data = kept.read_bytes()
    if damage == "truncated":
        kept.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        kept.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    else:
        kept.write_bytes(damage)  # type: ignore[arg-type]
    assert resources.load_toml("glossary.toml") == resources.parse_toml(resources.read_text("glossary.toml"), "x")
    assert kept.read_bytes() == data  # written again


def test_an_unwritable_cache_folder_only_means_parsing_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audit.arabic import compiled

    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr(compiled, "_configured", blocker / "cache")  # a folder under a file cannot exist
    assert resources.load_toml("glossary.toml")["term"]
    assert not list(tmp_path.glob("**/*.tmp"))


def test_the_meaning_traps_read_back_equal_the_parsed_ones(cache_folder: Path) -> None:
    from audit.checks import traps

    fresh = traps.parse_traps(resources.load_toml("meaning_traps.toml"), "x")
    first = traps._default_traps.__wrapped__(resources.cache_key())
    assert list((cache_folder / "resources").glob("meaning_traps.traps.*"))
    kept = traps._default_traps.__wrapped__(resources.cache_key())  # read back, not parsed
    for book in (first, kept):
        assert book.traps == fresh.traps and book.negation == fresh.negation
        assert book._entries == fresh._entries and book._by_literal == fresh._by_literal
        assert book._requirements == fresh._requirements
    text = traps.fold("قال إن الحادث ما كان يجب أن يحدث أبدا وإن نقطة فلاش جديدة ظهرت في صورة البلياردو")
    assert list(kept.find(text)) == list(fresh.find(text)) != []
