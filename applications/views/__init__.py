"""Views of the applications app: applicant area, dossier editing, instruction area."""
