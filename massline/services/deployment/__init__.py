"""The deployment's configuration in the database: applying a validated
deployment file, the admin's edits of offices, the taxonomy, deadlines and the
casework policy in the browser (audited, and taking effect like a configuration load), and
the read-only directory lists (regions, categories, offices, leaders, site
settings) forms and clients need, and the deployment's place language
(``site_language``).
"""

from massline.services.deployment.apply import check_apply_deployment
from massline.services.deployment.casework_edit import PolicyField, check_set_casework_policy, policy_fields
from massline.services.deployment.deadlines import (
    Deadlines,
    RuleRow,
    check_delete_deadline_rule,
    check_set_deadline_defaults,
    check_set_deadline_rule,
    deadlines,
)
from massline.services.deployment.lists import deployment_zone, directory, site_language, site_setting
from massline.services.deployment.offices import (
    OfficeInput,
    access_office_for_admin,
    check_add_office,
    check_update_office,
)
from massline.services.deployment.taxonomy import (
    CategoryRow,
    check_add_category,
    check_delete_category,
    check_rename_category,
    taxonomy_rows,
)

__all__ = [
    "CategoryRow",
    "Deadlines",
    "OfficeInput",
    "PolicyField",
    "RuleRow",
    "access_office_for_admin",
    "check_add_category",
    "check_add_office",
    "check_apply_deployment",
    "check_delete_category",
    "check_delete_deadline_rule",
    "check_rename_category",
    "check_set_casework_policy",
    "check_set_deadline_defaults",
    "check_set_deadline_rule",
    "check_update_office",
    "deadlines",
    "directory",
    "policy_fields",
    "site_language",
    "site_setting",
    "deployment_zone",
    "taxonomy_rows",
]
