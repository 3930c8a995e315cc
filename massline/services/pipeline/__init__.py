"""The analysis pipeline: registered, ordered, incremental steps with versioned
results, run by the worker and the CLI; the built-in steps (classify, kind,
urgency, sentiment, place, duplicates).
"""
