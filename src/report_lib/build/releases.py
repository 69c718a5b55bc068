"""The release folders of a published site. `NAME` is a symbolic link to one of
`.NAME.releases/release-NNNNNN/`, switched in one rename. A folder counts as a release
only with that name AND the marker file inside, so nothing else there is ever removed:
people keep other things beside the site. The last KEEP releases stay, for a rollback."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from report_lib.errors import DataError
from report_lib.paths import contained

MARKER = ".report-lib-release"
KEEP = 3
LOCK = ".publish.lock"
_RELEASE = re.compile(r"release-(\d{6})")
_STAGING = re.compile(r"\.staging-(\d{6})")
_NEW_LINK = ".link.tmp"


@dataclass(frozen=True)
class Site:
    """A publish target: the link a web server serves, and its releases beside it."""

    link: Path

    @property
    def releases(self) -> Path:
        return self.link.with_name(f".{self.link.name}.releases")

    @property
    def lock(self) -> Path:
        return self.releases / LOCK


NOT_MADE_HERE = "is not a link made by publish; choose another folder"


def site(target: Path | str) -> Site:
    """The site at `target`, refused unless it is absent or a link made by publish."""
    if not str(target).strip():
        raise DataError("PUBLISH_DIR", "name the folder to publish to: PUBLISH_DIR=...")
    place = Site(Path(os.path.abspath(target)))
    folder = place.releases
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise DataError(folder, "is not a folder made by publish; choose another folder")
    if place.link.is_symlink():
        destination = Path(os.path.normpath(place.link.parent / os.readlink(place.link)))
        if destination.parent != folder:
            raise DataError(place.link, NOT_MADE_HERE)
    elif place.link.exists():
        raise DataError(place.link, f"exists and {NOT_MADE_HERE}")
    return place


def _numbered(folder: Path, pattern: re.Pattern[str]) -> list[tuple[int, Path]]:
    """Folders of `pattern` with the marker, oldest first; links and files never count."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        marker = path / MARKER
        real = path.is_dir() and not path.is_symlink()
        if match and real and marker.is_file() and not marker.is_symlink():
            found.append((int(match.group(1)), path))
    return sorted(found)


def _numbers_taken(folder: Path) -> list[int]:
    """Every number a release or staging name uses there, marker or not."""
    names = (path.name for path in folder.iterdir())
    matches = (_RELEASE.fullmatch(name) or _STAGING.fullmatch(name) for name in names)
    return [int(match.group(1)) for match in matches if match]


def releases(place: Site) -> list[Path]:
    """The releases publish made, oldest first."""
    return [path for _, path in _numbered(place.releases, _RELEASE)]


def live(place: Site) -> Path | None:
    """The release the site shows now, if publish made it."""
    if not place.link.is_symlink():
        return None
    name = Path(os.readlink(place.link)).name
    return next((path for path in releases(place) if path.name == name), None)


def stage(place: Site, record: dict) -> Path:
    """A new, empty release folder under a staging name, its marker written first, so
    that a publish killed while copying leaves a folder the next one knows to remove."""
    number = max(_numbers_taken(place.releases), default=0) + 1
    staging = contained(place.releases, f".staging-{number:06d}")
    staging.mkdir()
    staging.chmod(0o755)  # the web server reads as another user
    marker = contained(staging, MARKER)
    marker.write_text(json.dumps({"made_by": "report-lib publish", **record}) + "\n")
    return staging


def release(place: Site, staging: Path) -> Path:
    """Give a fully copied staging folder its release name, then show it."""
    final = contained(place.releases, staging.name.replace(".staging-", "release-", 1))
    os.rename(contained(place.releases, staging.name), final)
    show(place, final)
    return final


def show(place: Site, release_folder: Path) -> None:
    """Point the site's link at `release_folder` in one rename: a reader sees the old
    release or the new one, never none. The link is relative, so the pair can move."""
    new_link = place.releases / _NEW_LINK  # a fixed name in the checked, real folder
    if new_link.is_symlink():  # left by a publish killed between the two steps below
        new_link.unlink()
    new_link = contained(place.releases, _NEW_LINK)
    os.symlink(Path(place.releases.name) / release_folder.name, new_link)
    os.replace(new_link, place.link)


def prune(place: Site) -> None:
    """Remove what publish made and no longer needs: releases beyond the last KEEP
    (never the one shown) and staging folders of killed publishes. Call with the lock."""
    shown = live(place)
    made = releases(place)
    old = [path for path in made[:-KEEP] if path != shown]
    old += [path for _, path in _numbered(place.releases, _STAGING)]
    for path in old:
        shutil.rmtree(contained(place.releases, path.name))


def previous(place: Site) -> Path:
    """The newest release older than the one shown, for a rollback."""
    shown = live(place)
    if shown is None:
        raise DataError(place.link, "nothing published here by publish; nothing to roll back")
    made = releases(place)
    position = made.index(shown)
    if position == 0:
        raise DataError(place.link, f"no earlier release than {shown.name} to roll back to")
    return made[position - 1]
