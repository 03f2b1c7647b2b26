"""The jury: its area, decisions, recusals, sessions, announcement, minutes, revocation."""
