"""The kernel of the platform: identity, access, plugins, jobs and the GOV.UK shell."""
