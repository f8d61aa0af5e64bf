"""The plumbing every feature uses: settings, database, extensions, mail, logging,
error pages, security headers, rate limits, the base form, links, the audit log and
the command-line registration."""
