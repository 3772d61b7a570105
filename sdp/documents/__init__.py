"""Statelessness documentation: certificates, identity and travel documents, letters, records."""
