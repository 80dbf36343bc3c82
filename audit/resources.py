"""The editable resources: allowlist, residue patterns, glossary and meaning traps.

They ship inside the package (``audit/data/``) and are read with :mod:`importlib.resources`, so an
installed wheel has them as much as a source checkout. A team's own copy lives in a folder named by the
``resources`` config key or, failing that, the ``AUDIT_REFERENCES`` environment variable; a file missing
from that folder is taken from the package. A resource that cannot be read or parsed raises
:class:`ResourceError`, whose message names the file.

What is parsed from a resource is kept in the cache folder (:func:`parsed`) under a digest of the file's bytes:
later runs read it back instead of parsing the file again, and a changed file is parsed afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from importlib import resources as _importlib_resources
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

PACKAGE = "audit.data"
ENVIRONMENT = "AUDIT_REFERENCES"
ALLOWLIST = "allowlist.txt"
RESIDUE_PATTERNS = "residue_patterns.txt"
GLOSSARY = "glossary.toml"
MEANING_TRAPS = "meaning_traps.toml"
NAMES = (ALLOWLIST, RESIDUE_PATTERNS, GLOSSARY, MEANING_TRAPS)


class ResourceError(ValueError):
    """A resource file that is missing, unreadable or malformed; the message names the file."""


_configured: str | None = None


def configure(folder: str | os.PathLike[str] | None) -> None:
    """Use ``folder`` (the ``resources`` config key) for a team's own copy; ``None`` falls back to the environment."""
    global _configured
    if folder is not None and not Path(folder).is_dir():
        raise ResourceError(f"resources folder not found: {folder}")
    _configured = None if folder is None else str(folder)


def override_dir() -> str | None:
    """The folder of a team's own copy: the configured one, else ``AUDIT_REFERENCES``, else none."""
    return _configured or os.environ.get(ENVIRONMENT) or None


CacheKey = tuple[str | None, tuple[float, ...]]


def cache_key() -> CacheKey:
    """What the default resources depend on (the override folder and its files' times); loaders cache under it."""
    folder = override_dir()
    if folder is None:
        return (None, ())
    stamps = []
    for name in NAMES:
        try:
            stamps.append(os.stat(os.path.join(folder, name)).st_mtime)
        except OSError:
            stamps.append(-1.0)
    return (folder, tuple(stamps))


def location(name: str) -> str:
    """Where ``name`` is read from: the override folder when it holds the file, else the package."""
    folder = override_dir()
    if folder is not None:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    return str(_importlib_resources.files(PACKAGE) / name)


def read_bytes(name: str) -> bytes:
    """The bytes of resource ``name`` (see :func:`location`)."""
    folder = override_dir()
    if folder is not None:
        candidate = Path(folder) / name
        if candidate.exists():
            try:
                return candidate.read_bytes()
            except OSError as exc:
                raise ResourceError(f"{candidate}: cannot read resource: {exc.strerror or exc}") from None
    packaged = _importlib_resources.files(PACKAGE) / name
    try:
        return packaged.read_bytes()
    except OSError as exc:
        raise ResourceError(f"{packaged}: resource missing from the installation: {exc.strerror or exc}") from None


def read_text(name: str) -> str:
    """The text of resource ``name`` (UTF-8)."""
    return _text(read_bytes(name), name)


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ResourceError(f"{location(name)}: not UTF-8 text: {exc}") from None


def load_toml(name: str) -> dict[str, Any]:
    """A TOML resource by name; a syntax error raises :class:`ResourceError` naming the file."""
    return parsed(name, "toml", lambda text: parse_toml(text, name))


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """The TOML ``text`` of resource ``name``; a syntax error raises :class:`ResourceError` naming the file."""
    return _toml(text, location(name))


def _toml(text: str, where: object) -> dict[str, Any]:
    """The TOML ``text`` read from ``where``; a syntax error raises :class:`ResourceError` naming it."""
    import tomllib  # only when a resource is parsed, not read back (see :func:`parsed`)

    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ResourceError(f"{where}: not valid TOML: {exc}") from None


#: Version of the files :func:`parsed` keeps; a change makes every resource be parsed afresh.
PARSED_FORMAT = 1
_DIGEST = 16


def parsed(name: str, kind: str, parse: Callable[[str], T], code: tuple[str, ...] = ()) -> T:
    """``parse(text)`` of resource ``name``, kept in the cache folder (one file per resource and ``kind``) and read
    back by later runs while the resource's bytes, ``kind``, the source files ``code`` that ``parse`` depends on,
    :data:`PARSED_FORMAT` and the Python version are the same. ``parse`` returns plain data
    (what :mod:`marshal` writes; anything else is not kept); its errors are raised, never kept. A missing, damaged
    or unwritable cache file only means parsing again."""
    data = read_bytes(name)
    digest = hashlib.sha256(f"{PARSED_FORMAT}|{kind}|{sys.version}|".encode())
    for source in code:
        try:
            digest.update(hashlib.sha256(Path(source).read_bytes()).digest())
        except OSError:
            digest.update(b"missing")
    key = hashlib.sha256(digest.digest() + data).digest()[:_DIGEST]
    path = _parsed_path(name, kind)
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        stored = path.read_bytes()
        payload = stored[2 * _DIGEST :]
        if stored[:_DIGEST] == key and stored[_DIGEST : 2 * _DIGEST] == _checksum(payload):
            kept: T = marshal.loads(payload)
            return kept
    value = parse(_text(data, name))
    with contextlib.suppress(ValueError):  # not plain data: parsed every time
        payload = marshal.dumps(value)  # type: ignore[arg-type]  # plain data, else ValueError
        _store(path, key + _checksum(payload) + payload)
    return value


def _checksum(payload: bytes) -> bytes:
    return hashlib.sha256(payload).digest()[:_DIGEST]


def _parsed_path(name: str, kind: str) -> Path:
    from audit.arabic.compiled import default_cache_dir

    return default_cache_dir().expanduser() / "resources" / f"{Path(name).stem}.{kind}.marshal"


def _store(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place; silently nothing when that fails."""
    import tempfile

    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file given by path (an explicit ``--glossary``-style file); errors name the file."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ResourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ResourceError(f"{path}: not UTF-8 text: {exc}") from None
    return _toml(text, path)
