"""Accounts: users, units and login lockout (``users``), server-side login sessions, the password policy."""
