"""`tutor users add|remove|list`: who may sign in when the app listens beyond loopback.

Example:
    $ tutor users add amy          # asks for the password twice (or --password-stdin)
    added amy to .data/users.json
    $ tutor users list
    amy
"""
from __future__ import annotations

import sys

import click

from tutor.cli.common import CONTEXT, handler, settings_of, settings_options


def users_of(args):
    from tutor.serve.users import USERS_FILE, Users

    return Users(settings_of(args).data_dir / USERS_FILE)


@click.group("users", context_settings=CONTEXT)
def users() -> None:
    """Manage the users who may sign in (salted scrypt hashes in DATA_DIR/users.json, mode 0600)."""


@users.command("add", context_settings=CONTEXT)
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="read the password from stdin's first line (scripts)")
@settings_options
@handler
def add(args) -> int:
    """Add a user (or set a new password for one); asks for the password unless --password-stdin."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    store = users_of(args)
    store.add(args.name, password)
    print(f"added {args.name} to {store.path}")
    return 0


@users.command("remove", context_settings=CONTEXT)
@click.argument("name")
@settings_options
@handler
def remove(args) -> int:
    """Remove a user (their progress stays in the store); exit 1 if there is none by that name."""
    store = users_of(args)
    if not store.remove(args.name):
        print(f"error: no user {args.name!r} in {store.path}", file=sys.stderr)
        return 1
    print(f"removed {args.name}")
    return 0


@users.command("list", context_settings=CONTEXT)
@settings_options
@handler
def list_(args) -> int:
    """Print the user names, one a line."""
    for name in users_of(args).names():
        print(name)
    return 0
