"""Command-line tasks: flask --app wsgi create-staff | demo-data."""

import click
from flask import Flask

from app.models.aim import ROLES
from app.services.errors import ServiceError


def register(app: Flask) -> None:
    app.cli.add_command(create_staff_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(demo_logins_command)


@click.command("create-staff")
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(ROLES),
    help="Repeat for several roles.",
)
@click.option("--name", "display_name", default="", help="The name staff see.")
@click.password_option(
    "--password", prompt="Password", help="Prompted for when not given."
)
def create_staff_command(username, roles, display_name, password):
    """Add a staff user of AIM and /aesys."""
    from app.services.staff import create_staff

    try:
        staff = create_staff(username, list(roles), password, display_name)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Staff user {staff.username} created with roles {staff.roles}.")


@click.command("demo-data")
@click.option("--force", is_flag=True, help="Add the demo even if the store has data.")
def demo_data_command(force):
    """Fill an empty store with a realistic demo; prints the demo sign-ins."""
    from app.services import demo

    if not force and not demo.store_is_empty():
        click.echo("The store already has data; demo data not loaded.")
        return

    with click.progressbar(length=demo.STEPS, label="Loading the demo store") as bar:
        demo.load_demo(progress=bar.update)
    click.echo("Demo store ready.")


@click.command("demo-logins")
def demo_logins_command():
    """Print the demo store's sign-ins (they work once demo-data has run)."""
    from app.services import demo

    click.echo("Demo sign-ins:")
    for where, username, password in demo.demo_logins():
        click.echo(f"  {where:<34} {username:<22} {password}")
