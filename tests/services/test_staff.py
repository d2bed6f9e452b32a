import logging

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Staff
from app.services import staff as staff_service
from app.services.errors import ServiceError

PASSWORD = "four chords and the truth"


def staff_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Staff))


def test_create_staff_stores_a_clean_user(app, caplog):
    caplog.set_level(logging.INFO)

    staff = staff_service.create_staff(
        "  Maria.Lopez ",
        ["aim_manager", "web_admin", "aim_manager"],
        PASSWORD,
        display_name="  María   López ",
    )

    db.session.expire_all()
    saved = db.session.get(Staff, staff.id)
    assert saved.username == "maria.lopez"
    assert saved.display_name == "María López"
    assert saved.roles == "aim_manager,web_admin"
    assert saved.password_hash.startswith("scrypt:")
    assert saved.disabled is False
    assert "staff user maria.lopez created" in caplog.text
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize(
    ("username", "roles", "password", "field"),
    [
        ("", ["aim_clerk"], PASSWORD, "username"),
        ("   ", ["aim_clerk"], PASSWORD, "username"),
        ("pat smith", ["aim_clerk"], PASSWORD, "username"),
        ("pat-smith", ["aim_clerk"], PASSWORD, "username"),
        ("pat@store", ["aim_clerk"], PASSWORD, "username"),
        ("p" * 61, ["aim_clerk"], PASSWORD, "username"),
        ("pat", [], PASSWORD, "roles"),
        ("pat", ["admin"], PASSWORD, "roles"),
        ("pat", ["aim_clerk", "superuser"], PASSWORD, "roles"),
        ("pat", ["aim_clerk"], "short", "password"),
        ("pat", ["aim_clerk"], "password", "password"),
        ("pat", ["aim_clerk"], "x" * 129, "password"),
    ],
)
def test_create_staff_refuses_bad_input_on_its_field(
    app, username, roles, password, field
):
    with pytest.raises(ServiceError) as caught:
        staff_service.create_staff(username, roles, password)

    assert caught.value.field == field
    assert staff_count() == 0


@pytest.mark.parametrize("username", ["p" * 60, "pat_smith", "pat.smith", "josé", "7"])
def test_create_staff_accepts_letters_digits_dots_underscores(app, username):
    staff = staff_service.create_staff(username, ["aim_clerk"], PASSWORD)

    assert staff.username == username


@pytest.mark.parametrize("second", ["pat", "PAT", "  Pat  "])
def test_a_taken_username_is_refused_whatever_its_case(app, second):
    staff_service.create_staff("pat", ["aim_clerk"], PASSWORD)

    with pytest.raises(ServiceError) as caught:
        staff_service.create_staff(second, ["web_admin"], PASSWORD)

    assert caught.value.message == "That username is taken."
    assert caught.value.field == "username"
    assert staff_count() == 1
    assert staff_service.create_staff("sam", ["aim_clerk"], PASSWORD).id


@pytest.mark.parametrize("username", ["pat", "PAT", " Pat "])
def test_authenticate_staff_ignores_username_case(app, username):
    staff = staff_service.create_staff("pat", ["aim_clerk"], PASSWORD)

    assert staff_service.authenticate_staff(username, PASSWORD) == staff


@pytest.mark.parametrize(
    ("username", "password", "disabled"),
    [
        ("nobody", PASSWORD, False),
        ("pat", PASSWORD + "x", False),
        ("pat", PASSWORD.upper(), False),
        ("pat", "", False),
        ("pat", PASSWORD, True),
        ("", "", False),
    ],
)
def test_every_staff_sign_in_failure_says_the_same(app, username, password, disabled):
    staff = staff_service.create_staff("pat", ["aim_clerk"], PASSWORD)
    staff.disabled = disabled
    db.session.commit()

    with pytest.raises(ServiceError) as caught:
        staff_service.authenticate_staff(username, password)

    assert caught.value.message == staff_service.SIGN_IN_FAILED
    assert caught.value.field is None


@pytest.mark.parametrize(
    ("held", "asked", "expected"),
    [
        (("aim_clerk",), ("aim_clerk",), True),
        (("aim_clerk",), ("aim_manager",), False),
        (("aim_clerk",), ("web_admin",), False),
        (("aim_manager",), ("aim_clerk",), True),
        (("aim_manager",), ("aim_manager",), True),
        (("aim_manager",), ("web_admin",), False),
        (("web_admin",), ("aim_clerk",), False),
        (("web_admin",), ("web_admin",), True),
        (("web_admin",), ("aim_clerk", "web_admin"), True),
        (("web_admin", "aim_clerk"), ("aim_manager",), False),
    ],
)
def test_has_role_counts_managers_as_clerks(make_staff, held, asked, expected):
    staff = make_staff(*held)

    assert staff.has_role(*asked) is expected


def test_staff_without_roles_has_none(make_staff):
    staff = make_staff()
    staff.roles = ""

    assert staff.role_set == set()
    assert staff.has_role("aim_clerk", "aim_manager", "web_admin") is False


def test_the_right_password_without_the_areas_role_is_refused_plainly(make_staff):
    make_staff("web_admin", username="webby")

    with pytest.raises(ServiceError) as raised:
        staff_service.authenticate_staff(
            "webby", "correct horse battery", "aim_clerk", "AIM"
        )

    assert raised.value.message == "Test Staff has no access to AIM."
