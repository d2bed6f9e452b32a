from app.services import linking


def test_first_customer_number_is_201(make_customer):
    assert make_customer().number == 201


def test_link_saves_both_sides(make_account, make_customer, make_staff, make_request):
    account = make_account()
    customer = make_customer()
    staff = make_staff("aim_clerk")
    link_request = make_request(account, str(customer.number))

    linking.link_accounts(link_request.id, customer.number, staff)

    assert customer.active_e_id == account.id
    assert account.aim_customer_number == customer.number
    assert link_request.status == "linked"
