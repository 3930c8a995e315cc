"""The deployment's configuration in the database: applying a validated
deployment file, and the read-only directory lists (regions, categories,
offices, leaders, site settings) forms and clients need, and the
deployment's place language (``site_language``).
"""

from massline.services.deployment.apply import check_apply_deployment
from massline.services.deployment.lists import directory, site_language, site_setting

__all__ = [
    "check_apply_deployment",
    "directory",
    "site_language",
    "site_setting",
]
