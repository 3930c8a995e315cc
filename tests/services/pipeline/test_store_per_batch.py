"""What the pipeline's store does once per batch rather than once per message (docs/pipeline-speed.md):
the duplicates' stored candidates read and their band keys written with one statement each, and the
word rules computed once per message for the model and the three steps."""

from __future__ import annotations

from massline.analysis.classify import rule_findings
from massline.platform import Platform
from tests.services.issues.test_index_memory import statements
from tests.services.issues.test_issues import NOISE_DC, PARKING_DC, PARKING_XC, analyse, submit


def test_one_batch_reads_and_writes_band_keys_once_and_runs_the_rules_once(deployed: Platform) -> None:
    texts = [*PARKING_DC, PARKING_XC, NOISE_DC]
    for i, (title, body) in enumerate(texts):
        submit(deployed, title, body, f"业主{i}")
    rule_findings.cache_clear()
    with statements(deployed) as seen:
        report = analyse(deployed)
    assert report.messages == len(texts) and report.ran["duplicates"] == len(texts)
    band_key_reads = [q for q in seen if q.lstrip().upper().startswith("SELECT") and "message_band_keys" in q]
    band_key_writes = [q for q in seen if q.lstrip().upper().startswith("INSERT INTO message_band_keys".upper())]
    assert len(band_key_reads) == 1 and len(band_key_writes) == 1
    info = rule_findings.cache_info()
    assert info.misses == len(texts) and info.hits >= 2 * len(texts)  # kind, urgency, feeling: computed once
