"""CLI on click: `tutor index | add | search | models | ask | chat | warm | grade | interview | review | progress | eval`."""
