"""Interview: the session state machine, the interviewer, the progress store."""
