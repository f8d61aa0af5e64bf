"""How large an uploaded roster or completions file may be (checked before parsing), and
how much of the organisation a roster import may deactivate without a typed count."""

from dataclasses import dataclass

from ..core.config import Config


@dataclass(frozen=True)
class ImportLimits:
    """How large an uploaded file may be once unpacked, how many rows it may have, and the
    share of active people a roster may deactivate before the count must be typed."""

    max_uncompressed_bytes: int = Config.IMPORT_MAX_UNCOMPRESSED_BYTES
    max_rows: int = Config.IMPORT_MAX_ROWS
    max_deactivate_share: float = Config.ROSTER_MAX_DEACTIVATE_SHARE

    @classmethod
    def from_config(cls, config) -> "ImportLimits":
        """The limits an app is configured with (IMPORT_MAX_*, ROSTER_MAX_DEACTIVATE_SHARE)."""
        return cls(
            config["IMPORT_MAX_UNCOMPRESSED_BYTES"],
            config["IMPORT_MAX_ROWS"],
            config["ROSTER_MAX_DEACTIVATE_SHARE"],
        )
