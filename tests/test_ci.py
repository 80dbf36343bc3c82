"""CI fit: SARIF with relative paths, fingerprints and fixes (validated against the 2.1.0 schema), the GitLab
code-quality report, the pre-commit hooks, the documented GitHub Actions job and the command-line help."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from audit.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLE = ROOT / "references" / "example" / "articles"
ARTICLES = SEEDS if SEEDS.is_dir() else EXAMPLE


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ci")
    code = main(
        [
            "check",
            str(ARTICLES),
            "--format",
            "json,sarif,codequality",
            "--output",
            str(out),
            "--sarif-root",
            str(ARTICLES.parent),
        ]
    )
    assert code == 1
    return out


def test_sarif_validates_with_relative_paths_fingerprints_and_fixes(reports: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads((reports / "report.sarif").read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(log))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ARTICLES.parent.resolve().as_uri() + "/"
    results = run["results"]
    assert results
    for result in results:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and artifact["uri"].startswith(ARTICLES.name + "/")
        assert re.fullmatch("[0-9a-f]{20}", result["partialFingerprints"]["auditFingerprint/v1"])
    fingerprints = [(r["properties"]["article"], r["partialFingerprints"]["auditFingerprint/v1"]) for r in results]
    assert len(set(fingerprints)) >= 0.95 * len(fingerprints)
    fixed = [r for r in results if "fixes" in r]
    assert fixed
    report = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    texts = {a["id"]: (ARTICLES / Path(a["path"]).name).read_text(encoding="utf-8-sig") for a in report["articles"]}
    for result in fixed:  # the SARIF replacement is the report's fix, on the article file's characters
        text = texts[result["properties"]["article"]]
        for replacement in result["fixes"][0]["artifactChanges"][0]["replacements"]:
            region = replacement["deletedRegion"]
            assert 0 <= region["charOffset"] <= region["charOffset"] + region["charLength"] <= len(text)
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert "Bad:" in rules["P401"]["help"]["text"] and "Good:" in rules["P401"]["help"]["text"]


def test_codequality_report(reports: Path) -> None:
    issues: list[dict[str, Any]] = json.loads((reports / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    report = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    assert len(issues) == sum(len(a["findings"]) for a in report["articles"])
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    for issue in issues:
        assert issue["type"] == "issue" and issue["severity"] in ("info", "minor", "major", "critical")
        assert issue["location"]["path"].startswith(ARTICLES.name + "/")
        begin = issue["location"]["positions"]["begin"]
        assert begin["line"] >= 1 and begin["column"] >= 1
        assert re.match("[A-Z][0-9]{3} ", issue["description"])


def test_codequality_is_stable_across_runs(reports: Path, tmp_path: Path) -> None:
    assert main(["check", str(ARTICLES), "--format", "codequality", "--output", str(tmp_path),
                 "--sarif-root", str(ARTICLES.parent)]) == 1  # fmt: skip
    first = (reports / "gl-code-quality-report.json").read_text(encoding="utf-8")
    assert (tmp_path / "gl-code-quality-report.json").read_text(encoding="utf-8") == first


def test_pre_commit_hooks_run_real_commands() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"audit", "audit-fix"}
    parser = build_parser()
    for hook in hooks:
        assert hook["language"] == "python" and re.compile(hook["files"]).search("articles/a.txt")
        command = shlex.split(hook["entry"])
        assert command[0] == "audit"
        parser.parse_args([*command[1:], "a.txt"])  # the entry is a valid command line


def test_documented_github_actions_job() -> None:
    yaml = pytest.importorskip("yaml")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "upload-sarif" in b)
    job = yaml.safe_load(block)["jobs"]["audit"]
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    audit_step = next(s for s in steps if s.get("id") == "audit")
    parser = build_parser()
    args = parser.parse_args(shlex.split(audit_step["run"])[1:])
    assert "sarif" in args.format and "md" in args.format and args.baseline is not None
    assert any("GITHUB_STEP_SUMMARY" in s.get("run", "") and "report.md" in s["run"] for s in steps)
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"].endswith("report.sarif")


def test_help_shows_defaults_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["--help"], ["check", "--help"], ["fix", "--help"]):
        with pytest.raises(SystemExit):
            main(command)
        out = capsys.readouterr().out
        assert "exit codes:" in out and re.search(r"^\s+2\s+a usage", out, re.M)
        if command == ["--help"]:
            continue
        # every option's help, from the options section on: says its default (except --help itself)
        body = out.split("options:", 1)[1].split("exit codes:", 1)[0]
        entries = re.split(r"\n  (?=-)", body)
        for entry in entries:
            entry = " ".join(entry.split())
            if entry.startswith("--") and not entry.startswith("--help") and not entry.startswith("-h"):
                assert "default" in entry, entry
