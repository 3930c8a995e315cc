"""One page of a list (the board, the inbox, the queues, the issue lists) and the highest page number asked for.

Apart from the board, so that a list of issues or a queue does not load the board's search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
MAX_PAGE = 1000


@dataclass
class Page(Generic[T]):
    """One page of results with the total count; ``exact`` False: there are more than ``total``."""

    items: list[T]
    total: int
    page: int
    page_size: int
    exact: bool = True

    @property
    def pages(self) -> int:
        """Number of pages (at least 1; at least this many when the count is not ``exact``)."""
        return max(1, -(-self.total // self.page_size))
