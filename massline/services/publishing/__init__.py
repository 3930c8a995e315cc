"""Offices speak online (reserved): offices' and leaders' posts, moderated comments,
online interviews (在线访谈) and Atom feeds per office.
"""
