"""quitus consumption ... (commands added by the consumption service)."""

import typer

app = typer.Typer(no_args_is_help=True)
