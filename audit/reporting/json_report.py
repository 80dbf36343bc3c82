"""``report.json``: the machine-readable contract other tools read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class JsonReporter:
    name = "json"

    def write(self, report: dict[str, Any], output: Path) -> list[Path]:
        path = output / "report.json"
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return [path]
