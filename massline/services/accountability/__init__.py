"""Accountability (reserved): response, resolution and satisfaction rates per
office and official, fair rankings, anti-gaming checks and the monthly report.
"""
