"""The demo store: customers, web accounts, requests, staff, a shop and orders.

Deterministic (a fixed random seed), so the README's walk-through always
finds the same people: AIM #573 is Maria González, whose web account has a
pending request, and AIM #214 is already linked and has a web order waiting.
"""

import random
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Category,
    Customer,
    LinkRequest,
    LinkStatus,
    Product,
    Staff,
    WebAccount,
)
from app.models.types import utcnow
from app.services import checkout, passwords
from app.services.catalog import search_name_of
from app.services.checkout import CheckoutDetails
from app.services.customers import apply_values
from app.services.payments import CardDetails
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


CATEGORIES = [
    ("brass", "Brass"),
    ("woodwinds", "Woodwinds"),
    ("strings", "Orchestral strings"),
    ("guitars", "Guitars & basses"),
    ("percussion", "Drums & percussion"),
    ("keyboards", "Keyboards"),
    ("accessories", "Care & accessories"),
    ("books", "Books & sheet music"),
]
# (category, SKU, name, price in cents, stock, description); a table reads
# better one product to a few lines than ruff's one value to a line.
# fmt: off
PRODUCTS = [
    ("brass", "YTR-2330", "Yamaha YTR-2330 Student Trumpet", 109999, 4,
     "The trumpet most band directors ask for: yellow brass bell, "
     "lacquered finish, case and 7C mouthpiece included."),
    ("brass", "BACH-TR300H2", "Bach TR300H2 Trumpet Outfit", 129900, 2,
     "A durable student trumpet with a Monel-alloy valve set and a "
     "lightweight case."),
    ("brass", "YSL-354", "Yamaha YSL-354 Trombone", 139999, 3,
     "A .500 bore trombone with a nickel-silver outer slide, light and "
     "quick for young players."),
    ("brass", "JHR-1100", "Jupiter JHR1100 Single French Horn", 249900, 1,
     "A single F horn in lacquered brass with a fixed bell and hard case."),
    ("brass", "BACH-7C", "Bach 7C Trumpet Mouthpiece", 6999, 18,
     "The standard trumpet mouthpiece: silver plated, medium cup."),
    ("woodwinds", "YCL-255", "Yamaha YCL-255 Student Clarinet", 64999, 5,
     "A durable ABS resin B-flat clarinet with nickel keys; case included."),
    ("woodwinds", "YFL-222", "Yamaha YFL-222 Student Flute", 59999, 4,
     "Closed holes, offset G and a silver-plated nickel body and headjoint."),
    ("woodwinds", "YAS-280", "Yamaha YAS-280 Alto Saxophone", 149999, 2,
     "A light, free-blowing alto with a front F key and high F-sharp."),
    ("woodwinds", "JAS-700", "Jupiter JAS700 Alto Saxophone", 124900, 0,
     "A student alto with a ribbed construction and a gold lacquer finish."),
    ("woodwinds", "RICO-CL25", "Rico Clarinet Reeds, Strength 2.5 (10)", 2499, 40,
     "A box of ten B-flat clarinet reeds, the usual strength for beginners."),
    ("woodwinds", "VAN-AS3", "Vandoren Alto Sax Reeds, Strength 3 (10)", 3899, 22,
     "Traditional cut alto saxophone reeds, a box of ten."),
    ("strings", "EAST-VL80-44", "Eastman VL80 Violin Outfit 4/4", 44900, 3,
     "A carved spruce and maple violin with bow, rosin and a light case."),
    ("strings", "EAST-VL80-12", "Eastman VL80 Violin Outfit 1/2", 42900, 2,
     "The same outfit in a half size, for players of about 7 to 9 years."),
    ("strings", "CEL-100-34", "Cremona SC-100 Cello Outfit 3/4", 89900, 1,
     "A laminated student cello with bag and bow, set up in our shop."),
    ("strings", "DOM-VL-SET", "Thomastik Dominant Violin Strings 4/4", 5999, 12,
     "A complete set of synthetic-core violin strings, warm and stable."),
    ("strings", "ROS-HILL-D", "Hill Dark Rosin", 899, 30,
     "A soft, dark rosin for violin, viola and cello."),
    ("guitars", "YAM-FG800", "Yamaha FG800 Acoustic Guitar", 21999, 6,
     "A solid spruce top dreadnought with a natural finish."),
    ("guitars", "YAM-C40", "Yamaha C40 Classical Guitar", 15999, 5,
     "A full-size nylon-string guitar, the first guitar of many students."),
    ("guitars", "FEN-STRAT-PL", "Fender Player Stratocaster, Sunburst", 84999, 2,
     "Three Alnico V single-coil pickups, a maple neck and a two-point "
     "tremolo."),
    ("guitars", "SQ-PJ-BASS", "Squier Affinity Precision Bass PJ", 27999, 3,
     "A PJ pickup set and a slim C neck; a bass for new players."),
    ("guitars", "DAD-EXL110", "D'Addario EXL110 Electric Strings", 799, 48,
     "Nickel wound electric guitar strings, regular light 10-46."),
    ("guitars", "DUN-PICKS12", "Dunlop Tortex Picks, 0.73 mm (12)", 599, 60,
     "A pack of twelve yellow Tortex picks."),
    ("percussion", "LUD-SNARE-KIT", "Ludwig Student Snare Drum Kit", 32900, 4,
     "A 14-inch snare with stand, sticks, practice pad and a rolling bag."),
    ("percussion", "PEARL-BELL-KIT", "Pearl Bell Kit with Rolling Cart", 38900, 2,
     "A 32-note bell kit with mallets, stand and a cart with wheels."),
    ("percussion", "VF-5A", "Vic Firth American Classic 5A Sticks", 1399, 35,
     "Hickory drumsticks with a wood tip, the everyday 5A."),
    ("percussion", "REMO-PAD-8", "Remo 8-inch Practice Pad", 3499, 9,
     "A quiet practice pad with a tunable head."),
    ("percussion", "MEINL-CAJON", "Meinl Headliner Cajon", 10999, 0,
     "A birch cajon with adjustable snare wires."),
    ("keyboards", "YAM-P145", "Yamaha P-145 Digital Piano", 49999, 3,
     "88 weighted keys, a compact body and a sustain pedal."),
    ("keyboards", "CASIO-CT-S300", "Casio CT-S300 Portable Keyboard", 16999, 5,
     "61 touch-sensitive keys with a lesson function."),
    ("keyboards", "ONS-KS7149", "On-Stage X-Style Keyboard Stand", 3999, 7,
     "A single-braced, height-adjustable keyboard stand."),
    ("keyboards", "YAM-FC4A", "Yamaha FC4A Sustain Pedal", 3499, 10,
     "A piano-style sustain pedal for any keyboard."),
    ("accessories", "ONS-MS7201B", "On-Stage Folding Music Stand", 1999, 25,
     "A black folding wire stand with a carrying bag."),
    ("accessories", "KOR-TM60", "Korg TM-60 Tuner Metronome", 3499, 14,
     "A tuner and metronome in one, with a contact microphone."),
    ("accessories", "AL-VALVE-OIL", "Al Cass Fast Valve Oil", 899, 36,
     "The valve oil our repair shop uses; 1.6 oz."),
    ("accessories", "HET-CLEAN-CL", "Clarinet Care Kit", 2499, 8,
     "Cork grease, a swab, a reed guard and a polishing cloth."),
    ("accessories", "GUI-STRAP", "Levy's 2-inch Polyester Guitar Strap", 1499, 15,
     "An adjustable black strap with leather ends."),
    ("books", "EE-TPT-1", "Essential Elements for Band, Trumpet Book 1", 1199, 30,
     "The method book of Springfield school bands; with online audio."),
    ("books", "EE-CL-1", "Essential Elements for Band, Clarinet Book 1", 1199, 26,
     "The method book of Springfield school bands; with online audio."),
    ("books", "EE-VL-1", "Essential Elements for Strings, Violin Book 1", 1199, 20,
     "The orchestra method book; with online audio."),
    ("books", "ALF-PIANO-1", "Alfred's Basic Piano Library, Lesson Book 1A", 899, 12,
     "The first lesson book of Alfred's basic piano course."),
    ("books", "RB-REAL-C", "The Real Book, Volume I (C Edition)", 4499, 4,
     "The jazz standards every gig asks for, in concert key."),
]
# fmt: on


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
        # Older than any request the demo files for it.
        created_at=utcnow() - timedelta(days=60 + len(email) * 11 % 400),
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


def _add_catalogue() -> None:
    """The shop's shelves: a music store's everyday stock, two items sold out."""
    categories = {}
    for position, (slug, name) in enumerate(CATEGORIES):
        categories[slug] = Category(slug=slug, name=name, position=position)
        db.session.add(categories[slug])
    for slug, sku, name, price, stock, description in PRODUCTS:
        db.session.add(
            Product(
                sku=sku,
                name=name,
                description=description,
                price_cents=price,
                stock=stock,
                category=categories[slug],
                search_name=search_name_of(name, sku),
            )
        )


DEMO_ORDERS = [
    # (who, [(sku index, quantity)], payment): placed through the real checkout.
    ("linked", [(0, 1), (5, 2)], "pay_on_pickup"),
    ("Jordan Rivera", [(2, 1)], "card"),
    ("Priya Shah", [(8, 3), (12, 1)], "pay_on_pickup"),
]


def _add_orders() -> None:
    """Web orders to import: a linked customer's, and two from new web accounts."""
    products = list(db.session.scalars(select(Product).order_by(Product.id)))
    in_stock = [product for product in products if product.stock > 3]
    linked = db.session.scalar(
        select(WebAccount).where(WebAccount.aim_customer_number.is_not(None))
    )
    for index, (who, lines, method) in enumerate(DEMO_ORDERS):
        cart = {str(in_stock[i].id): quantity for i, quantity in lines}
        if who == "linked":
            customer, first, last, email = (
                linked,
                linked.first_name,
                linked.last_name,
                "",
            )
        else:
            customer = None
            first, last = who.split()
            email = f"{first.lower()}.{last.lower()}@example.com"
        details = CheckoutDetails(
            billing_first_name=first,
            billing_last_name=last,
            billing_address=customer.address if customer else "77 Lake St",
            billing_city="Springfield",
            billing_state="IL",
            billing_postal_code="62703",
            billing_phone="(217) 555-0142",
            payment_method=method,
            email=email,
        )
        card = (
            CardDetails("4242 4242 4242 4242", "12/30", "123")
            if method == "card"
            else None
        )
        checkout.place_order(
            cart,
            details,
            f"demo-order-{index}",
            customer=customer,
            password="" if customer else CUSTOMER_PASSWORD,
            card=card,
        )


def load_demo(progress=lambda steps: None) -> None:
    """Add the demo store, then place its web orders through the checkout."""
    rng = random.Random(573)
    customers = _add_customers(rng)
    progress(1)
    _add_catalogue()
    _add_web_accounts(rng, customers)
    progress(1)
    _add_staff()
    db.session.commit()
    progress(1)
    _add_orders()
    progress(2)
