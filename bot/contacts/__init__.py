"""The contact directory: which numbers to give, for which country and need."""
