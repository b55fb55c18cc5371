"""Cases: pseudonymous case codes, encrypted identity, need-to-know reveal, retention."""
