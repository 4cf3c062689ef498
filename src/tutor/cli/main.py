"""Command line: the `tutor` group and its `eval` group, assembled from the commands each module declares.

Example:
    >>> sorted(cli.commands)[:4]
    ['add', 'ask', 'chat', 'eval']
    >>> sorted(eval_group.commands)
    ['ask', 'grade', 'interview', 'retrieval']
    >>> main(["eval", "nonesuch"])  # click's usage error (on stderr), exit code 2
    2
"""
from __future__ import annotations

import logging
import sys

import click

from tutor.cli import ask, grade, interview, library, progress, search, users
from tutor.cli.common import CONTEXT


@click.group("tutor", context_settings=CONTEXT, epilog="Run `tutor COMMAND --help` for a command's flags.")
def cli() -> None:
    """面试导师: offline RAG tutor for AI-infrastructure interviews.

    Settings come from TUTOR_* environment variables; each command's flags override them.
    """


@click.group("eval", context_settings=CONTEXT, epilog="Run `tutor eval NAME --help` for an eval's flags.")
def eval_group() -> None:
    """Run an evaluation on the labelled sets under eval/.

    Each prints its figures; --json gives the whole report.
    """


# Listed here, in one place, rather than registered by import side effects.
for command in (search.index, search.search, search.models, library.add, ask.ask, ask.chat, ask.warm,
                grade.grade, interview.interview, interview.review, progress.progress, users.users):
    cli.add_command(command)
eval_group.add_command(search.eval_retrieval)
eval_group.add_command(ask.eval_ask)
eval_group.add_command(grade.eval_grade)
eval_group.add_command(interview.eval_interview)
cli.add_command(eval_group)


def main(argv: list[str] | None = None) -> int:
    """Run `tutor` with argv (default: the process's arguments) and return its exit code.

    0 on success; 1 for a domain error (printed as `error: …`) or a batch with a bad line; 2 for a usage
    error (unknown command or option, nothing to ask); 130 on Ctrl-C.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        code = cli.main(args=argv, prog_name="tutor", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:  # Ctrl-C or EOF while click itself was prompting or parsing
        return 130
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
