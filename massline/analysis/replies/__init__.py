"""Understanding replies (reserved): splitting demands, scoring a reply's
relevance, completeness and interpretability.
"""
