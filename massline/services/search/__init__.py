"""Full-text search over messages: the query, the index writer and the backlog
of messages stored before they are indexed.
"""

from massline.services.search.backlog import index_again, index_backlog, pending_count
from massline.services.search.index import search_text
from massline.services.search.query import SearchMatch, search_condition, search_matches

__all__ = [
    "SearchMatch",
    "index_again",
    "index_backlog",
    "pending_count",
    "search_condition",
    "search_matches",
    "search_text",
]
