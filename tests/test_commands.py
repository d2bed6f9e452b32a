"""The command-line tasks: create-staff, demo-data, demo-logins."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, LinkRequest, Order, Product, Staff, WebAccount


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_data_fills_an_empty_store(runner):
    result = runner.invoke(args=["demo-data"])

    assert result.exit_code == 0, result.output
    assert "Demo store ready." in result.output
    maria = db.session.get(Customer, 573)
    assert maria.full_name == "María González"
    assert count(Customer) == 440
    assert count(LinkRequest, LinkRequest.status == "pending") >= 2
    linked = db.session.get(Customer, 214)
    account = db.session.get(WebAccount, linked.active_e_id)
    assert account.aim_customer_number == 214
    roles = {staff.roles for staff in db.session.scalars(select(Staff))}
    assert {"web_admin", "aim_clerk", "aim_manager,web_admin"} <= roles
    assert count(Product) >= 30
    orders = list(db.session.scalars(select(Order).order_by(Order.id)))
    assert [order.web_account_id == account.id for order in orders] == [
        True,
        False,
        False,
    ]
    assert all(order.total_cents > 0 for order in orders)


def test_demo_data_leaves_a_store_with_data_alone(runner, make_customer):
    make_customer()

    result = runner.invoke(args=["demo-data"])

    assert "already has data" in result.output
    assert count(Customer) == 1


def test_demo_logins_lists_every_demo_user(runner):
    result = runner.invoke(args=["demo-logins"])

    for expected in ("admin", "clerk", "manager", "maria.g@example.net"):
        assert expected in result.output


def test_create_staff_with_roles(runner):
    result = runner.invoke(
        args=[
            "create-staff",
            "Alice",
            "--role",
            "aim_clerk",
            "--role",
            "web_admin",
            "--password",
            "a long enough passphrase",
        ]
    )

    assert result.exit_code == 0, result.output
    staff = db.session.scalar(select(Staff))
    assert staff.username == "alice"
    assert staff.role_set == {"aim_clerk", "web_admin"}
    assert "a long enough passphrase" not in staff.password_hash


def test_create_staff_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["create-staff", "bob", "--role", "aim_manager"],
        input="another long passphrase\nanother long passphrase\n",
    )

    assert result.exit_code == 0, result.output
    assert count(Staff) == 1


def test_create_staff_refuses_bad_input_plainly(runner):
    weak = runner.invoke(
        args=["create-staff", "carol", "--role", "aim_clerk", "--password", "short"]
    )
    unknown_role = runner.invoke(
        args=["create-staff", "dan", "--role", "owner", "--password", "x" * 12]
    )

    assert weak.exit_code != 0
    assert "Use at least 8 characters." in weak.output
    assert unknown_role.exit_code != 0
    assert "owner" in unknown_role.output
    assert count(Staff) == 0
