"""quitus factors ... (commands added by the factors service)."""
import typer

app = typer.Typer(no_args_is_help=True)
