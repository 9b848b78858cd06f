"""NGO reports on the anonymous statistics: `helpline report` (terminal, HTML, CSV)."""
