"""The CSM's workspace: the triage list and the account page, composed from every app below."""
