"""The demo gives every office an active account that can take its cases, so dispatch and transfer never
send a case where nobody reads it; the demo's generated passwords cover every account."""

from __future__ import annotations

from pathlib import Path

from massline.io.deployment_yaml import load_deployment
from massline.platform import Platform
from massline.services.deployment import check_apply_deployment
from massline.services.people import office_staffing

DEMO = Path(__file__).parents[3] / "massline" / "data" / "demo" / "deployment.yaml"


def test_every_demo_office_has_an_active_account_that_handles_its_cases(platform: Platform) -> None:
    spec = load_deployment(DEMO)
    with platform.write() as s:
        report = check_apply_deployment(s, spec, passwords=platform.passwords)
        staffing = office_staffing(s)
    assert {row.office.code for row in staffing} == {o.code for o in spec.offices}
    assert [row.office.code for row in staffing if row.unstaffed] == []
    # every account gets a generated password (printed and saved in instance/demo-credentials.txt)
    assert sorted(report.users_created) == sorted(u.username for u in spec.users)
