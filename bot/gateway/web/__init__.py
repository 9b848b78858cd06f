"""The demo chat page for village meetings, served by the gateway on the local network."""
