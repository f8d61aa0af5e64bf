"""Uploaded roster files kept between the preview and the confirmation (instance/uploads/)."""

import json
import secrets
import time
from datetime import date
from pathlib import Path

MAX_AGE_SECONDS = 24 * 3600


def stash_upload(folder: Path, data: bytes, filename: str, as_of: date, user_id: int) -> str:
    """Keep an uploaded file for its confirmation; return its token."""
    folder.mkdir(parents=True, exist_ok=True)
    _remove_old(folder)
    token = secrets.token_urlsafe(16)
    (folder / f"{token}.bin").write_bytes(data)
    meta = {"filename": filename, "as_of": as_of.isoformat(), "user_id": user_id}
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def load_upload(folder: Path, token: str, user_id: int) -> tuple[bytes, str, date] | None:
    """The stashed file of this uploader, or None (unknown token, someone else's, expired)."""
    if not token.replace("-", "").replace("_", "").isalnum():
        return None
    meta_path, data_path = folder / f"{token}.json", folder / f"{token}.bin"
    if not meta_path.is_file() or not data_path.is_file():
        return None
    if meta_path.stat().st_mtime < time.time() - MAX_AGE_SECONDS:
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta["user_id"] != user_id:
        return None
    return data_path.read_bytes(), meta["filename"], date.fromisoformat(meta["as_of"])


def discard_upload(folder: Path, token: str) -> None:
    """Remove a stashed file once it has been applied."""
    for suffix in (".bin", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def _remove_old(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
