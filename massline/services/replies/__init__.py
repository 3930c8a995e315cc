"""The reply desk (reserved): demands, reply review and drafting help for
officials; analysis in ``massline.analysis.replies``.
"""
