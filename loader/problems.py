"""Problems found in the input, formatted so that a curator can go straight to the fix."""
from __future__ import annotations

from dataclasses import dataclass, field


class BadInput(Exception):
    """The input cannot be read at all (syntax errors, missing files): exit code 2."""

    def __init__(self, problems: list["Problem"]):
        super().__init__(f"{len(problems)} problem(s) in the input")
        self.problems = problems


class NotConformant(Exception):
    """The input parses but breaks the shapes or uses undeclared terms: exit code 1."""

    def __init__(self, problems: list["Problem"]):
        super().__init__(f"{len(problems)} problem(s) in the data")
        self.problems = problems


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, at one place. `kind` is syntax, term or shape."""

    path: str
    line: int = 0
    column: int = 0
    kind: str = "syntax"
    message: str = ""
    focus: str = ""
    result_path: str = ""
    shape: str = ""
    severity: str = "Violation"
    extra: tuple = field(default=(), compare=False)

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.column}"
        if self.kind == "shape":
            parts = [f"{where}: {self.severity}: {self.message}", f"focus node: <{self.focus}>"]
            if self.result_path:
                parts.append(f"path: {self.result_path}")
            parts.append(f"shape: {self.shape}")
            return "\n    ".join(parts)
        return f"{where}: {self.message}"
