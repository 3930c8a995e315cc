"""Supervision (reserved): misconduct reports with a protected identity, routed
away from the accused, encrypted at rest.
"""
