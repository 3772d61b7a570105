"""Applications and their examination: intake, relevant States, evidence, inquiries,
interviews, recommendations, decisions and appeals."""
