"""Multi-agency audits: partnership audits of coded cases by every agency's lead auditor,
agreed at a consultation meeting, compared with a baseline, reported and acted on."""
