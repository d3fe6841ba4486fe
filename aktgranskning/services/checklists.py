"""The installed checklists: the built-in ones (`checklists/` in the program) and the
organisation's own, in a folder of TOML files outside the program.

The organisation's folder is, in this order: the environment variable AKTGRANSKNING_CHECKLISTOR,
the folder saved in the window's settings, or "checklistor" in the user's data folder. The set
in force is checked whenever it is read (`domain.checklist.resolve_installed`): a higher version
of a checklist replaces a lower one, and a question id, case type, title or alias that two
checklists share is refused with both named, so results are never added up across checklists
and no case type goes to a checklist by the order of the files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from aktgranskning.atomic_file import replace_durably
from aktgranskning.checklist_files import checklist_to_toml, load_checklist_file, load_checklist_folder
from aktgranskning.domain.checklist import (
    BUILT_IN,
    Checklist,
    InstalledChecklist,
    InstalledSet,
    resolve_installed,
    version_key,
)
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.paths import (
    ORGANISATION_CHECKLISTS_VARIABLE,
    checklists_dir,
    default_organisation_checklists_dir,
    organisation_checklists_override,
    user_config_path,
)
from aktgranskning.services.settings import CHECKLIST_FOLDER, Settings

MAX_ORGANISATION_FILES = 200
MAX_CHECKLIST_FILE_BYTES = 2 * 1024 * 1024
SETTINGS_FILE = "installningar.json"


@dataclass(frozen=True)
class ChecklistInventory:
    """Everything installed, what is in force, and what is wrong (each problem in Swedish)."""

    organisation_folder: Path
    folder_source: str  # how the folder was chosen, for the window and `checklista lista`
    installed: InstalledSet
    file_problems: tuple[str, ...]

    @property
    def problems(self) -> tuple[str, ...]:
        return self.file_problems + self.installed.problems

    @property
    def checklists(self) -> list[Checklist]:
        return [entry.checklist for entry in self.installed.checklists]

    def entry(self, checklist_id: str) -> InstalledChecklist | None:
        return next((e for e in self.installed.checklists if e.checklist.id == checklist_id), None)


def installed_checklists(folder: Path | None = None, organisation: Path | None = None) -> list[Checklist]:
    """The checklists new granskningsfiler, urval and imports use; refused while the set has a
    problem, with every problem named."""
    inventory = checklist_inventory(folder, organisation)
    if inventory.problems:
        raise UserError("De installerade checklistorna kan inte användas:\n" + "\n".join(
            f"– {problem}" for problem in inventory.problems))
    if not inventory.checklists:
        raise FileProblem(folder or checklists_dir(), "mappen innehåller inga checklistor (*.toml).")
    return inventory.checklists


def builtin_checklists(folder: Path | None = None) -> list[Checklist]:
    folder = folder or checklists_dir()
    if not folder.is_dir():
        raise FileProblem(folder, "mappen med checklistor finns inte.")
    return load_checklist_folder(folder)


def checklist_inventory(folder: Path | None = None, organisation: Path | None = None) -> ChecklistInventory:
    """Reads the built-in and the organisation's checklists; never raises for one bad file."""
    chosen, source = (organisation, "angiven") if organisation is not None else organisation_folder()
    candidates = [InstalledChecklist(c, BUILT_IN, True) for c in builtin_checklists(folder)]
    organisation_entries, problems = _read_organisation_folder(chosen)
    installed = resolve_installed(candidates + organisation_entries)
    return ChecklistInventory(chosen, source, installed, tuple(problems))


def organisation_folder() -> tuple[Path, str]:
    """The organisation's folder and, in Swedish, why it is that one."""
    override = organisation_checklists_override()
    if override is not None:
        return override, f"miljövariabeln {ORGANISATION_CHECKLISTS_VARIABLE}"
    saved = str(_settings().get(CHECKLIST_FOLDER)).strip()
    if saved:
        return Path(saved), "inställningen i fönstret"
    return default_organisation_checklists_dir(), "standardmappen"


def save_organisation_folder(folder: Path | None, settings: Settings | None = None) -> None:
    """Remember the folder the window chose (None: back to the default)."""
    (settings or _settings()).set(CHECKLIST_FOLDER, str(folder) if folder is not None else "")


def _settings() -> Settings:
    return Settings(user_config_path() / SETTINGS_FILE)


def _read_organisation_folder(folder: Path) -> tuple[list[InstalledChecklist], list[str]]:
    if not folder.exists():
        return [], []
    if not folder.is_dir():
        return [], [f"{folder}: organisationens checklistmapp är ingen mapp."]
    try:
        files = sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))
    except OSError as exc:
        return [], [f"{folder}: mappen kunde inte läsas ({exc.strerror})."]
    problems: list[str] = []
    if len(files) > MAX_ORGANISATION_FILES:
        problems.append(f"{folder}: mappen har {len(files)} checklistor; bara de första "
                        f"{MAX_ORGANISATION_FILES} läses.")
        files = files[:MAX_ORGANISATION_FILES]
    entries: list[InstalledChecklist] = []
    for path in files:
        try:
            if path.stat().st_size > MAX_CHECKLIST_FILE_BYTES:
                raise FileProblem(path, f"filen är större än {MAX_CHECKLIST_FILE_BYTES // (1024 * 1024)} MB "
                                        "och läses inte som checklista.")
            entries.append(InstalledChecklist(load_checklist_file(path), str(path), False, str(path)))
        except FileProblem as problem:
            problems.append(problem.message)
        except OSError as exc:
            problems.append(f"{path}: filen kunde inte läsas ({exc.strerror}).")
    return entries, problems


@dataclass(frozen=True)
class Installed:
    path: Path
    action: str  # "installerad", "uppdaterad" or "oförändrad"
    replaced_version: str = ""

    def text(self, checklist: Checklist) -> str:
        if self.action == "oförändrad":
            return f"Checklistan {checklist.id} version {checklist.version} är redan installerad ({self.path})."
        if self.action == "uppdaterad":
            return (f"Checklistan {checklist.id} är uppdaterad från version {self.replaced_version} till "
                    f"{checklist.version} ({self.path}).")
        return f"Checklistan {checklist.id} version {checklist.version} är installerad ({self.path})."


def install_checklist(checklist: Checklist, inventory: ChecklistInventory, source_name: str) -> Installed:
    """Write a checked checklist into the organisation's folder as TOML. The same id with a higher
    version is an update; the same version with other content, or a lower version, is refused."""
    current = inventory.entry(checklist.id)
    replaced = ""
    target = inventory.organisation_folder / f"{checklist.id}.toml"
    if current is not None:
        refusal = version_refusal(checklist, current)
        if refusal:
            raise UserError(refusal)
        if current.checklist.content_hash == checklist.content_hash:
            return Installed(Path(current.path) if current.path else target, "oförändrad")
        replaced = current.checklist.version
        if current.path is not None:
            target = Path(current.path)
    comment = (f"Installerad av Aktgranskning {dt.date.today().isoformat()} från {source_name}.\n"
               "Ändra helst i Excelfilen och installera den igen (aktgranskning checklista installera).")
    try:
        inventory.organisation_folder.mkdir(parents=True, exist_ok=True)
        replace_durably(target, checklist_to_toml(checklist, comment).encode("utf-8"))
    except OSError as exc:
        raise FileProblem(target, f"checklistan kunde inte sparas ({exc.strerror}).") from exc
    return Installed(target, "uppdaterad" if replaced else "installerad", replaced)


def version_refusal(checklist: Checklist, current: InstalledChecklist) -> str:
    """Why a checklist cannot be installed over the installed one of the same id ('' if it can)."""
    new, old = version_key(checklist.version), version_key(current.checklist.version)
    if new < old:
        return (f"En nyare version ({current.checklist.version}) av checklistan {checklist.id} är redan "
                f"installerad: {current.describe()}. Höj versionen över {current.checklist.version}.")
    if new == old and current.checklist.content_hash != checklist.content_hash:
        return (f"Checklistan {checklist.id} version {checklist.version} är redan installerad med annat "
                f"innehåll: {current.describe()}. Höj versionen när du ändrar en checklista.")
    return ""


def remove_checklist(checklist_id: str, inventory: ChecklistInventory) -> Path:
    """Remove one of the organisation's checklists (a built-in one cannot be removed)."""
    entry = inventory.entry(checklist_id)
    replaced = [old for old, _ in inventory.installed.replaced if old.checklist.id == checklist_id]
    if entry is None:
        raise UserError(f"Det finns ingen installerad checklista med id {checklist_id}.")
    if entry.built_in or entry.path is None:
        raise UserError(f"Checklistan {checklist_id} är inbyggd i programmet och kan inte tas bort.")
    try:
        Path(entry.path).unlink()
    except OSError as exc:
        raise FileProblem(entry.path, f"filen kunde inte tas bort ({exc.strerror}).") from exc
    for old in replaced:
        if old.path is not None:  # an older copy of the same id in the folder would take its place
            Path(old.path).unlink(missing_ok=True)
    return Path(entry.path)
