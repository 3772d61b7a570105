"""Civil registry checks for partner systems: the least data that serves each check."""
