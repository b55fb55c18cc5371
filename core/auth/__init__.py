"""Sign-in, multi-factor authentication, sessions, lockout and password reset."""
