"""`therapists admin ...`: accounts and tokens of the curation store, from the server's shell.

The first admin can only be made here (the API needs a token to make one):

    therapists admin create-user alice --role admin      # prints alice's token, once
"""

from __future__ import annotations

import argparse
from pathlib import Path

ADMIN_EPILOG = (
    "The curation store is $THERAPISTS_DATABASE_URL (e.g. postgresql+psycopg://host/db), "
    "else SQLite beside the index (--db, $THERAPISTS_DB): therapists.db → therapists.curation.db."
)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser(
        "admin",
        help="manage directory admins and their API tokens",
        description="Manage the accounts that may use the /admin API. Create the first admin with "
        "`therapists admin create-user NAME --role admin`: the token is printed once; send it as "
        "`Authorization: Bearer <token>`.",
        epilog=ADMIN_EPILOG,
    )
    admin.add_argument("--db", type=Path, default=None, help="SQLite index file the store sits beside (default: $THERAPISTS_DB)")
    actions = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    create = actions.add_parser("create-user", help="create an account and print its API token (once)", epilog=ADMIN_EPILOG)
    create.add_argument("name", help="account name: letters, digits, '-', '_' or '.'")
    create.add_argument("--role", choices=["admin", "editor"], required=True, help="admin: everything; editor: curate, no user management")
    create.add_argument("--days", type=int, default=90, help="days until the token expires (default 90)")
    token = actions.add_parser("issue-token", help="print a new API token for an existing account", epilog=ADMIN_EPILOG)
    token.add_argument("name", help="account name")
    token.add_argument("--days", type=int, default=90, help="days until the token expires (default 90)")
    revoke = actions.add_parser("revoke", help="revoke a token at once, by its id (the part after tdir_)", epilog=ADMIN_EPILOG)
    revoke.add_argument("token_id", help="the token's id, as `therapists admin list` shows it")
    revoke.add_argument("--reason", default="", help="why, for the audit log")
    actions.add_parser("list", help="accounts and their tokens (never the tokens themselves)", epilog=ADMIN_EPILOG)


def cmd_admin(args: argparse.Namespace) -> int:
    from directory.curation.store import open_store
    from directory.settings import get_settings

    settings = get_settings(db=args.db)
    store = open_store(settings.database_url, settings.db)
    actor = "cli"
    try:
        if args.admin_command == "create-user":
            user, token = store.create_user(args.name, args.role, actor, args.days)
            print(f"created {user.role} {user.name}; their API token (shown only now):\n{token}")
        elif args.admin_command == "issue-token":
            print(store.issue_token(args.name, actor, args.days))
        elif args.admin_command == "revoke":
            info = store.revoke_token(args.token_id, actor, args.reason)
            print(f"token {info.lookup} of {info.user} revoked at {info.revoked_at}")
        else:
            for user, tokens in store.users():
                print(f"{user.name:<20} {user.role:<7} created {user.created_at}")
                for info in tokens:
                    state = f"revoked {info.revoked_at}" if info.revoked_at else f"expires {info.expires_at}"
                    print(f"    token {info.lookup}  {state}")
    finally:
        store.close()
    return 0
