"""The demo store: realistic customers, web accounts, requests and staff.

Deterministic (a fixed random seed), so the README's walk-through always
finds the same people: AIM #573 is Maria González, whose web account has a
pending request, and AIM #214 is already linked.
"""

import random
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, LinkRequest, LinkStatus, Staff, WebAccount
from app.models.types import utcnow
from app.services import passwords
from app.services.customers import apply_values
from app.services.text import fold

STEPS = 5
CUSTOMER_PASSWORD = "play-it-again-2026"
STAFF = [
    ("admin", "Website admin", ["web_admin"], "admin-demo-2026"),
    ("clerk", "Sam Clerk", ["aim_clerk"], "clerk-demo-2026"),
    ("manager", "Morgan Manager", ["aim_manager", "web_admin"], "manager-demo-2026"),
]
LAST_CUSTOMER = 640
FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Chloé",
    "Zoë",
    "André",
    "José",
    "Renée",
    "Noah",
    "Olivia",
    "Liam",
    "Emma",
    "Mateo",
    "Sofía",
    "Lucas",
    "Mia",
    "Ethan",
    "Ava",
    "Aiden",
    "Isabella",
    "Jackson",
    "Harper",
    "Leo",
    "Amelia",
    "Hannah",
    "Owen",
    "Grace",
    "Caleb",
    "Nora",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "García",
    "Rodríguez",
    "Wilson",
    "Martínez",
    "Anderson",
    "Taylor",
    "Thomas",
    "Hernández",
    "Moore",
    "Martin",
    "Jackson",
    "Thompson",
    "White",
    "López",
    "Lee",
    "González",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Pérez",
    "Hall",
    "Young",
    "Allen",
    "Sánchez",
    "Wright",
    "King",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Ramírez",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Torres",
    "O'Brien",
    "Nguyen",
    "Müller",
]
STREETS = [
    "Maple",
    "Oak",
    "Cedar",
    "Pine",
    "Elm",
    "Lake",
    "Hill",
    "Park",
    "River",
    "Sunset",
    "Main",
    "Church",
]
CITIES = [
    ("Springfield", "IL", "627"),
    ("Peoria", "IL", "616"),
    ("Decatur", "IL", "625"),
]
INSTRUMENTS = [
    "trumpet",
    "clarinet",
    "flute",
    "violin",
    "cello",
    "trombone",
    "saxophone",
    "drums",
]


def store_is_empty() -> bool:
    counts = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Customer, WebAccount, Staff)
    ]
    return not any(counts)


def _person(rng: random.Random, number: int) -> dict:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    city, state, prefix = rng.choice(CITIES)
    return {
        "first_name": first,
        "last_name": last,
        "company": "",
        "address": f"{rng.randint(10, 9999)} {rng.choice(STREETS)} St",
        "city": city,
        "state": state,
        "postal_code": f"{prefix}{rng.randint(0, 99):02d}",
        "phone": f"(217) 555-{rng.randint(0, 9999):04d}",
        "mobile": "",
        "email": f"{fold(first)}.{fold(last).replace(chr(39), '')}{number}@example.com",
        "email_statements": rng.random() < 0.4,
        "notes": f"Rents a {rng.choice(INSTRUMENTS)}." if rng.random() < 0.3 else "",
    }


MARIA = {
    "first_name": "María",
    "last_name": "González",
    "company": "",
    "address": "418 Maple St",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62704",
    "phone": "(217) 555-0573",
    "mobile": "",
    "email": "maria.gonzalez@example.com",
    "email_statements": True,
    "notes": "Daughter rents a clarinet; lessons on Tuesdays.",
}


def _add_customers(rng: random.Random) -> dict[int, Customer]:
    made = []
    for number in range(201, LAST_CUSTOMER + 1):
        customer = Customer()
        apply_values(customer, MARIA if number == 573 else _person(rng, number))
        customer.created_at = utcnow() - timedelta(days=rng.randint(30, 3000))
        # One at a time, so the database hands out the numbers in this order.
        db.session.add(customer)
        db.session.flush()
        made.append(customer)
    return {customer.number: customer for customer in made}


def _web_account(
    first, last, email, phone="", address="", city="", state="", postal=""
):
    return WebAccount(
        email=email,
        email_key=email.casefold(),
        password_hash=passwords.hash_password(CUSTOMER_PASSWORD),
        first_name=first,
        last_name=last,
        search_name=fold(f"{first} {last}"),
        phone=phone,
        address=address,
        city=city,
        state=state,
        postal_code=postal,
    )


def _request_from(account: WebAccount, typed: str, days_ago: int) -> LinkRequest:
    return LinkRequest(
        web_account=account,
        aim_number_typed=typed,
        first_name=account.first_name,
        last_name=account.last_name,
        email=account.email,
        phone=account.phone,
        address=account.address,
        city=account.city,
        state=account.state,
        postal_code=account.postal_code,
        submitted_at=utcnow() - timedelta(days=days_ago, hours=3),
        updated_at=utcnow() - timedelta(days=days_ago, hours=3),
    )


def _add_web_accounts(rng: random.Random, customers: dict[int, Customer]) -> list:
    """Web accounts: pending requests, one linked pair, one rejected, the rest new."""
    maria = _web_account(
        "Maria",
        "Gonzalez",
        "maria.g@example.net",
        "217-555-0573",
        "418 Maple Street",
        "Springfield",
        "IL",
        "62704",
    )
    db.session.add(maria)
    db.session.add(_request_from(maria, "573", days_ago=2))

    linked_customer = customers[214]
    linked = _web_account(
        linked_customer.first_name,
        linked_customer.last_name,
        linked_customer.email,
        linked_customer.phone,
        linked_customer.address,
        linked_customer.city,
        linked_customer.state,
        linked_customer.postal_code,
    )
    db.session.add(linked)
    db.session.flush()
    linked_customer.active_e_id = linked.id
    linked_customer.linked_at = linked.linked_at = utcnow() - timedelta(days=40)
    linked.aim_customer_number = 214
    done = _request_from(linked, "214", days_ago=41)
    done.status = LinkStatus.LINKED
    done.claimed_customer_number = 214
    done.claimed_by = done.resolved_by = "manager"
    done.resolved_at = linked.linked_at
    db.session.add(done)

    accounts = [maria, linked]
    for index, number in enumerate(rng.sample(range(215, LAST_CUSTOMER), 24)):
        customer = customers[number]
        account = _web_account(
            customer.first_name,
            customer.last_name,
            f"{fold(customer.first_name)}{number}@example.org",
            customer.phone if index % 2 else "",
            customer.address,
            customer.city,
            customer.state,
            customer.postal_code,
        )
        db.session.add(account)
        accounts.append(account)
        if index < 6:
            db.session.add(
                _request_from(account, str(number) if index % 3 else "", index + 3)
            )
        elif index == 6:
            rejected = _request_from(account, "9999", 20)
            rejected.status = LinkStatus.REJECTED
            rejected.reject_reason = (
                "We could not find AIM account #9999. Please call the store."
            )
            rejected.resolved_by = "clerk"
            rejected.resolved_at = utcnow() - timedelta(days=19)
            db.session.add(rejected)
    return accounts


def _add_staff() -> None:
    for username, name, roles, password in STAFF:
        db.session.add(
            Staff(
                username=username,
                display_name=name,
                roles=",".join(roles),
                password_hash=passwords.hash_password(password),
            )
        )


def demo_logins() -> list[tuple[str, str, str]]:
    """Where each demo user signs in, with what."""
    logins = []
    for username, _name, roles, password in STAFF:
        areas = ["AIM /aim"] if {"aim_clerk", "aim_manager"} & set(roles) else []
        areas += ["/aesys"] if "web_admin" in roles else []
        logins.append((f"Staff, {' and '.join(areas)}", username, password))
    logins.append(
        ("Customer, the website /login", "maria.g@example.net", CUSTOMER_PASSWORD)
    )
    return logins


def load_demo(progress=lambda steps: None) -> None:
    """Add the demo store in one transaction per database."""
    rng = random.Random(573)
    customers = _add_customers(rng)
    progress(1)
    _add_web_accounts(rng, customers)
    progress(1)
    _add_staff()
    progress(1)
    db.session.commit()
    progress(2)
