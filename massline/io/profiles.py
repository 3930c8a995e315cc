"""Deployment profiles: the language of a board's messages and the columns of its files.

A profile is a YAML file with a ``name``, a ``description``, an optional
``mapping`` (a column mapping, see :mod:`massline.io.importers`), a
``language:`` section (the fields of
:class:`massline.analysis.places.Language`; the ones not given keep the
general Chinese defaults) and optional ``real_names`` (a board whose units are
anonymised codes: each code and a real name written for it; the place model
also trains on its messages written with them, ``massline places train``).  Shipped profiles are found by name in
``massline/data/profiles`` (``tipdm2020c``); ``zh`` (or no profile) is the
general default with no column mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from massline.analysis.places import GENERAL, Language

if TYPE_CHECKING:
    from massline.io.deployment_spec import DeploymentSpec

__all__ = [
    "GENERAL_PROFILE",
    "Profile",
    "ProfileError",
    "deployment_profile",
    "load_profile",
    "profile_from_data",
    "shipped_profiles",
]


class ProfileError(ValueError):
    """A profile is missing or malformed."""


@dataclass(frozen=True)
class Profile:
    """A named language with the column mapping of its files (or None) and the real names of its codes."""

    name: str
    language: Language
    mapping: str | None = None
    description: str = ""
    real_names: Mapping[str, str] = field(default_factory=dict)

    def with_regions(self, names: Iterable[str]) -> Profile:
        """The profile whose language also knows these region names (from the deployment's gazetteer)."""
        known = tuple(dict.fromkeys((*self.language.region_names, *names)))
        return replace(self, language=replace(self.language, region_names=known))


GENERAL_PROFILE = Profile("zh", GENERAL, None, "通用中文地名（真实地名）")


def _base() -> Path:
    return Path(str(resources.files("massline") / "data" / "profiles"))


def shipped_profiles() -> list[str]:
    """Names of the profiles shipped with Massline (besides ``zh``)."""
    return sorted(p.stem for p in _base().glob("*.yaml"))


def profile_from_data(data: Any, source: str) -> Profile:
    """A profile from parsed YAML ``data`` (``source`` names it in errors)."""
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: expected a mapping with name, mapping, language")
    unknown = set(data) - {"name", "description", "mapping", "language", "real_names"}
    if unknown:
        raise ProfileError(f"{source}: unknown keys {', '.join(sorted(unknown))}")
    language = data.get("language") or {}
    if not isinstance(language, dict):
        raise ProfileError(f"{source}: language: expected a mapping of fields")
    name = str(data.get("name") or Path(source).stem)
    try:
        lang = Language.from_mapping({"name": name, **language})
    except ValueError as exc:
        raise ProfileError(f"{source}: {exc}") from None
    mapping = data.get("mapping")
    real_names = data.get("real_names") or {}
    if not isinstance(real_names, dict) or not all(isinstance(k, str) and isinstance(v, str) and k and v
                                                    for k, v in real_names.items()):  # fmt: skip
        raise ProfileError(f"{source}: real_names: expected a mapping of codes to names")
    return Profile(name, lang, str(mapping) if mapping else None, str(data.get("description") or ""), real_names)


def load_profile(spec: str | Path | None) -> Profile:
    """A profile by shipped name (``tipdm2020c``), ``zh``/None for the general default, or a YAML file."""
    if spec is None or str(spec) in ("", "zh"):
        return GENERAL_PROFILE
    path = Path(spec)
    if not path.is_file():
        shipped = _base() / f"{spec}.yaml"
        if not shipped.is_file():
            names = ", ".join(["zh", *shipped_profiles()])
            raise ProfileError(f"profile not found: {spec} (neither a file nor a shipped profile: {names})")
        path = shipped
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path.name}: not readable YAML ({exc})") from exc
    return profile_from_data(data, path.name)


def deployment_profile(spec: DeploymentSpec, base_dir: str | Path | None = None) -> Profile:
    """The profile of a deployment file: its ``language.profile`` (a profile file is read relative to
    ``base_dir``), with its ``language.rules`` and the names of its provinces, cities, districts and
    counties (and their aliases of three characters or more: a short alias such as ``东城`` is also
    part of ordinary words)."""
    names = [
        n
        for region, _ in spec.iter_regions()
        if region.level in REGION_NAME_LEVELS
        for n in (region.name, *region.aliases)
        if len(n) >= 3
    ]
    return resolve_profile(spec.language.profile, spec.language.rules, names, base_dir)


#: the region levels whose names (and aliases of three characters or more) a deployment's language knows
REGION_NAME_LEVELS = ("province", "city", "district", "county")


def resolve_profile(
    name: str, rules: Mapping[str, Any], region_names: Iterable[str], base_dir: str | Path | None = None
) -> Profile:
    """The profile ``name`` (shipped, or a file relative to ``base_dir``) with ``rules`` replacing fields
    of its language and ``region_names`` added to it; ProfileError when it cannot be built."""
    candidate = Path(base_dir or ".") / name
    profile = load_profile(candidate if name.endswith((".yaml", ".yml")) and candidate.is_file() else name)
    if rules:
        try:
            language = Language.from_mapping(dict(rules), base=profile.language)
        except ValueError as exc:
            raise ProfileError(str(exc)) from None
        profile = replace(profile, language=language)
    return profile.with_regions(region_names)
