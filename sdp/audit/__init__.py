"""The audit trail: every change and every read of personal data, append-only."""
