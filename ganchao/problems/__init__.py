"""Problem ledger (问题台账, DESIGN.md 3.14): problems found in villages, project sites and enterprises, from finding to 销号."""
