"""Facts the tillgänglighetsredogörelse states about how the service was tested."""

from datetime import date

# The axe-core the browser tests run (package-lock.json pins it; a test keeps the two equal).
AXE_CORE_VERSION = "4.14.1"
# The day the service was last assessed: the axe-core scans and the keyboard-only run.
ASSESSED_ON = date(2026, 11, 24)
# The day the statement was last reviewed.
UPDATED_ON = date(2026, 11, 24)
# The phone viewport the pages are also scanned at (CSS pixels).
PHONE_VIEWPORT = (375, 667)
