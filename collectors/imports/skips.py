"""What was left out of an import, grouped by reason, for one line of report."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SkipGroup:
    count: int = 0
    where: list[int] = field(default_factory=list)
    example: str | None = None
    hint: str | None = None
    bad: bool = True


@dataclass
class Skips:
    unit: str = "row"
    seen: int = 0
    groups: dict[str, SkipGroup] = field(default_factory=dict)
    SHOWN = 5

    def add(self, reason: str, where: int, bad: bool, example: str | None = None, hint: str | None = None) -> None:
        group = self.groups.setdefault(reason, SkipGroup(bad=bad, hint=hint))
        group.count += 1
        if len(group.where) < self.SHOWN:
            group.where.append(where)
        if group.example is None and example:
            group.example = example[:60]

    @property
    def bad(self) -> int:
        return sum(g.count for g in self.groups.values() if g.bad)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups.values())

    def summary(self) -> str | None:
        """e.g. 'skipped 3 of 40 rows: 2 with an ambiguous date (rows 7, 9: '03/04/2025'; pass ...)'."""
        if not self.groups:
            return None
        parts = []
        for reason, group in self.groups.items():
            places = ", ".join(str(n) for n in group.where) + (", ..." if group.count > len(group.where) else "")
            label = self.unit + ("s" if len(group.where) > 1 else "")
            detail = f"{label} {places}" + (f": {group.example!r}" if group.example else "")
            if group.hint:
                detail += f"; {group.hint}"
            parts.append(f"{group.count} {reason.format(s='' if group.count == 1 else 's')} ({detail})")
        return f"skipped {self.total} of {self.seen} {self.unit}s: " + ", ".join(parts)
