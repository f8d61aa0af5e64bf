"""How large an uploaded roster or completions file may be (checked before parsing)."""

from dataclasses import dataclass

from ..core.config import Config


@dataclass(frozen=True)
class ImportLimits:
    """How large an uploaded file may be once unpacked, and how many rows it may have."""

    max_uncompressed_bytes: int = Config.IMPORT_MAX_UNCOMPRESSED_BYTES
    max_rows: int = Config.IMPORT_MAX_ROWS

    @classmethod
    def from_config(cls, config) -> "ImportLimits":
        """The limits an app is configured with (IMPORT_MAX_UNCOMPRESSED_BYTES, IMPORT_MAX_ROWS)."""
        return cls(config["IMPORT_MAX_UNCOMPRESSED_BYTES"], config["IMPORT_MAX_ROWS"])
