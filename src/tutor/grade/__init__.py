"""Grade: key points, contradictions, LLM judge, calibration, feedback."""
